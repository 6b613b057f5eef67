"""Lean maps link Leaflet only; self-contained maps carry it, read from xstatic-leaflet."""

import base64
import re
from importlib import resources

import folium
import pytest
import xstatic.pkg.leaflet

from geo.assets import (
    LEAFLET_CSS_URL, LEAFLET_JS_URL, LEAFLET_VERSION, asset_urls, inline_assets, lean_assets,
    leaflet_sources,
)
from geo.exc import AssetError, GeomapError

JS_URL = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
CSS_URL = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"
TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OTHER_LIBRARIES = ("jquery", "bootstrap", "font-awesome", "fontawesome", "awesome-markers",
                   "glyphicons")


def _lean_map() -> folium.Map:
    fmap = folium.Map(location=[38.5, 68.8], zoom_start=6, tiles=None)
    folium.TileLayer(TILES, attr="OpenStreetMap").add_to(fmap)
    folium.CircleMarker([38.56, 68.77], radius=6, tooltip="Dushanbe").add_to(fmap)
    lean_assets(fmap)
    return fmap


def test_leaflet_version_is_the_one_folium_links():
    assert LEAFLET_VERSION == "1.9.3"
    assert (LEAFLET_JS_URL, LEAFLET_CSS_URL) == (JS_URL, CSS_URL)
    # If folium moves to another Leaflet, move xstatic-leaflet with it (pyproject.toml).
    assert dict(folium.Map.default_js)["leaflet"] == JS_URL
    assert dict(folium.Map.default_css)["leaflet_css"] == CSS_URL


def test_lean_map_links_exactly_leaflet_js_and_css():
    html = _lean_map().get_root().render()
    assert asset_urls(html) == [JS_URL, CSS_URL]
    assert [name for name in OTHER_LIBRARIES if name in html.lower()] == []


def test_plain_folium_map_links_other_libraries_until_made_lean():
    fmap = folium.Map(tiles=None)
    assert len(asset_urls(fmap.get_root().render())) == 10
    lean_assets(fmap)  # after a render: the links it left in the header go too
    assert asset_urls(fmap.get_root().render()) == [JS_URL, CSS_URL]
    assert len(folium.Map.default_js) == 4 and len(folium.Map.default_css) == 6  # class untouched


def test_lean_assets_refuses_what_is_not_a_map():
    with pytest.raises(TypeError, match="^lean_assets takes a folium.Map, not FeatureGroup$"):
        lean_assets(folium.FeatureGroup())


def test_asset_urls_reads_tags_not_text_inside_scripts():
    html = ('<SCRIPT src="a.js" ></script ><link href=b.css rel="alternate Stylesheet">'
            '<link rel="icon" href="c.png"><script>var s = "<script src=d.js>";</script>'
            '<style>/* <link rel=stylesheet href=e.css> */</style>')
    assert asset_urls(html) == ["a.js", "b.css"]


def test_self_contained_map_loads_nothing_but_tiles():
    html = inline_assets(_lean_map().get_root().render())
    assert asset_urls(html) == []
    outside_leaflet = html.replace(leaflet_sources()[JS_URL], "")  # Leaflet's own credit link
    assert re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", outside_leaflet) == []
    assert TILES in html  # tiles stay on the network
    assert html.count("<script>") == 3  # Leaflet, folium's switches, the map
    assert 't.version="1.9.3"' in html
    assert "sourceMappingURL" not in html
    assert "url(images/" not in html


def test_inlined_stylesheet_has_its_images_as_data_uris():
    css = leaflet_sources()[CSS_URL]
    uris = re.findall(r'url\("data:image/png;base64,([A-Za-z0-9+/=]+)"\)', css)
    images = resources.files(xstatic.pkg.leaflet) / "data" / "images"
    assert [base64.b64decode(uri) for uri in uris] == [
        (images / name).read_bytes() for name in ("layers.png", "layers-2x.png", "marker-icon.png")]
    assert re.findall(r'url\((?!"data:)([^)]*)\)', css) == ["#default#VML"]  # a VML behaviour, not a file


def test_inlined_text_cannot_end_its_element():
    sources = {"https://example.org/a.js": "var s = '</script><script>alert(1)</SCRIPT>', c = '<!--';",
               "https://example.org/a.css": "a::after { content: '</style><b>' }"}
    html = ('<head><script src="https://example.org/a.js"></script>\n'
            '<link rel="stylesheet" href="https://example.org/a.css"/></head>')
    assert inline_assets(html, sources=sources) == (
        "<head><script>var s = '<\\/script><script>alert(1)<\\/SCRIPT>', c = '\\x3C!--';</script>\n"
        "<style>a::after { content: '<\\/style><b>' }</style></head>")


def test_data_urls_are_already_inside_the_page():
    html = '<script src="data:text/javascript,1"></script>'
    assert inline_assets(html, sources={}) == html


def test_folium_default_asset_cannot_be_inlined():
    html = folium.Map(tiles=None).get_root().render()
    with pytest.raises(AssetError) as caught:
        inline_assets(html)
    assert str(caught.value) == (
        "cannot make the map self-contained: it loads the script "
        "https://code.jquery.com/jquery-3.7.1.min.js, which no installed package provides "
        "(geomap inlines only Leaflet 1.9.3 from the xstatic-leaflet package); call "
        "geo.assets.lean_assets(fmap) before rendering, so the map loads only "
        f"{JS_URL} and {CSS_URL}")
    assert isinstance(caught.value, GeomapError) and isinstance(caught.value, ValueError)


def test_unknown_stylesheet_cannot_be_inlined():
    html = '<link rel="stylesheet" href="https://example.org/plugin.css">'
    with pytest.raises(AssetError) as caught:
        inline_assets(html, sources={"https://example.org/a.js": ""})
    assert str(caught.value) == (
        "cannot make the map self-contained: it loads the stylesheet https://example.org/plugin.css, "
        "which no installed package provides (geomap inlines only the URLs https://example.org/a.js); "
        "drop the map element that adds it (a self-contained map loads nothing but Leaflet and its "
        "tiles), or write the map with CDN links")


def test_other_leaflet_version_cannot_be_inlined():
    html = '<script src="https://unpkg.com/leaflet@1.9.4/dist/leaflet.js"></script>'
    with pytest.raises(AssetError, match=r"loads the script https://unpkg\.com/leaflet@1\.9\.4/"
                                         r"dist/leaflet\.js, .* call geo\.assets\.lean_assets\(fmap\)"):
        inline_assets(html)


def test_inlining_gives_the_same_bytes_twice():
    html = _lean_map().get_root().render()
    assert inline_assets(html) == inline_assets(html)
