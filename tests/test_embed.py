"""Fragments that a page includes, and iframes of map files."""

import itertools
import re
from collections import Counter
from html.parser import HTMLParser

import folium
import pytest
from branca.element import Element

from geo.assets import asset_urls, lean_assets
from geo.embed import embed_fragment, iframe_snippet
from geo.map_elements import MapTitle

JS_URL = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
CSS_URL = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"


def _map(prefix: str) -> folium.Map:
    """A lean map whose element ids all start with ``prefix``, as the renderer gives them."""
    fmap = folium.Map(location=[38.5, 68.8], zoom_start=6, tiles=None)
    folium.CircleMarker([38.56, 68.77], radius=6, tooltip="Dushanbe").add_to(fmap)
    folium.CircleMarker([37.9, 69.8], radius=4).add_to(fmap)
    lean_assets(fmap)
    counter = itertools.count()

    def visit(element: Element) -> None:
        element._id = f"{prefix}{next(counter):06d}"
        for child in element._children.values():
            visit(child)

    visit(fmap)
    return fmap


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = []
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.ids += [value for name, value in attrs if name == "id"]


def _parse(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    parser.close()
    return parser


def _names(page: str) -> list[str]:
    """Element ids and top-level JavaScript variables: what two maps on one page must not share."""
    return _parse(page).ids + re.findall(r"\bvar (\w+) =", page)


def test_fragment_has_assets_div_and_script_and_no_page_parts():
    fragment = embed_fragment(_map("a"))
    assert fragment.startswith(f'<script src="{JS_URL}"></script>\n'
                               f'<link rel="stylesheet" href="{CSS_URL}"/>\n'
                               # (keeps the first Leaflet when a page includes several fragments)
                               '<script>window.L = window.geomapLeaflet = window.geomapLeaflet || window.L;'
                               '</script>\n'
                               '<div class="geomap-embed" style="position:relative">\n'
                               '<div class="folium-map" id="map_a000000" style="position:relative;'
                               'width:100%;height:600px;font-size:1rem"></div>\n</div>\n<script>\n')
    assert fragment.endswith("</script>\n")
    assert asset_urls(fragment) == [JS_URL, CSS_URL]
    assert _parse(fragment).tags == ["script", "link", "script", "div", "div", "script"]
    assert 'var map_a000000 = L.map(\n                "map_a000000",' in fragment
    assert fragment.count("L.circleMarker(") == 2
    assert "html, body" not in fragment and "L_NO_TOUCH" not in fragment


def test_fragment_height_is_a_parameter():
    assert 'id="map_a000000" style="position:relative;width:100%;height:350px;' in embed_fragment(
        _map("a"), height=350)
    for bad in (0, -5, 2.5, True, "600px"):
        with pytest.raises(ValueError, match=re.escape(f"height is a number of pixels above 0, got {bad!r}")):
            embed_fragment(_map("a"), height=bad)


def test_two_maps_with_their_own_prefixes_share_no_name():
    page = embed_fragment(_map("a")) + embed_fragment(_map("b"))
    names = _names(page)
    assert sorted(names) == sorted(
        ["map_a000000", "map_b000000", "map_a000000", "map_b000000",  # the div id, the variable
         "circle_marker_a000001", "circle_marker_a000003", "circle_marker_b000001",
         "circle_marker_b000003"])
    assert [name for name, count in Counter(_parse(page).ids).items() if count > 1] == []
    assert [name for name, count in Counter(re.findall(r"\bvar (\w+) =", page)).items()
            if count > 1] == []


def test_two_maps_with_the_same_ids_would_collide():
    """Why maps need their own prefix: the check above catches the clash."""
    page = embed_fragment(_map("a")) + embed_fragment(_map("a"))
    assert Counter(_parse(page).ids)["map_a000000"] == 2


def test_title_box_sits_in_the_map_box():
    fmap = _map("a")
    MapTitle("Border <clashes>", [("Clashes", "#d62728")]).add_to(fmap)
    fragment = embed_fragment(fmap)
    wrapper = fragment.index('<div class="geomap-embed" style="position:relative">')
    assert wrapper < fragment.index('id="map_a000000"') < fragment.index("Border &lt;clashes&gt;") \
        < fragment.index("</div>\n<script>")


def test_self_contained_fragment_carries_leaflet():
    fragment = embed_fragment(_map("a"), self_contained=True)
    assert asset_urls(fragment) == []
    assert 't.version="1.9.3"' in fragment
    assert _parse(fragment).tags == ["script", "style", "script", "div", "div", "script"]


def test_fragment_refuses_what_is_not_a_map():
    with pytest.raises(TypeError, match="^embed_fragment takes a folium.Map, not str$"):
        embed_fragment("<div></div>")


def test_iframe_snippet():
    assert iframe_snippet("maps/ukraine.html", title="Ukraine") == (
        '<iframe src="maps/ukraine.html" title="Ukraine" loading="lazy" '
        'style="width:100%;height:600px;border:0" '
        'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"></iframe>')


def test_iframe_snippet_escapes_attributes():
    assert iframe_snippet('maps/a"b&c.html', title='"><script>alert(1)</script>', height=420) == (
        '<iframe src="maps/a&quot;b&amp;c.html" title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" '
        'loading="lazy" style="width:100%;height:420px;border:0" '
        'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"></iframe>')


@pytest.mark.parametrize(("src", "scheme"), [
    ("javascript:alert(1)", "javascript"), (" java\tscript:alert(1)", "javascript"),
    ("data:text/html,<b>x</b>", "data"), ("C:\\maps\\a.html", "C"),
])
def test_iframe_snippet_refuses_other_schemes(src, scheme):
    shown = src.replace("\t", "").strip()
    with pytest.raises(ValueError) as caught:
        iframe_snippet(src, title="map")
    assert str(caught.value) == (f"iframe src {shown!r} has the scheme {scheme!r}; give a URL relative "
                                 "to the page (maps/theme.html) or an http(s) URL")


def test_iframe_snippet_accepts_http_urls():
    assert iframe_snippet("https://example.org/m.html", title="m").startswith(
        '<iframe src="https://example.org/m.html" ')


def test_iframe_snippet_needs_a_src_and_a_title():
    with pytest.raises(ValueError, match="^iframe_snippet needs the URL of the map file, got an empty src$"):
        iframe_snippet(" ", title="map")
    with pytest.raises(ValueError, match="^iframe_snippet needs a title naming the map, for screen "
                                         "readers; got ' '$"):
        iframe_snippet("maps/a.html", title=" ")
