"""Maps inside other pages: an HTML fragment to include, or an ``<iframe>`` of the map's file.

A fragment (:func:`embed_fragment`) is the map's asset tags, its ``<div>`` and its
``<script>``, for a page built around it. Each map keeps its folium names (``map_<id>``
for the div and the JavaScript variable), so maps included in one page need distinct ids:
prepare each map with its own id prefix (as ``render_html`` does) before taking its
fragment.

An iframe (:func:`iframe_snippet`) shows a map file written on its own; the map runs
sandboxed, away from the host page.
"""

from __future__ import annotations

import html
import re

import folium
from branca.element import CssLink, Figure, JavascriptLink

from .assets import inline_assets

__all__ = ["IFRAME_SANDBOX", "embed_fragment", "iframe_snippet"]

#: Scripts run (Leaflet needs them); links with ``target="_blank"`` open the article in a
#: new tab, which is not itself sandboxed (so news sites work there). Left out:
#: ``allow-same-origin`` (with scripts it would let the frame lift its own sandbox when the map
#: is served from the host's origin; Leaflet and tile images work in an opaque origin),
#: ``allow-top-navigation`` (the map never navigates the host page) and ``allow-forms``.
IFRAME_SANDBOX = "allow-scripts allow-popups allow-popups-to-escape-sandbox"

# Every fragment loads Leaflet, and a second copy would replace the first under the maps
# already built with it (their later drawing then mixes the two and fails): keep the first.
_KEEP_FIRST_LEAFLET = "<script>window.L = window.geomapLeaflet = window.geomapLeaflet || window.L;</script>"
_URL_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):", re.IGNORECASE)
_IGNORED_IN_URLS = str.maketrans("", "", "\t\n\r")  # browsers drop these anywhere in a URL


def embed_fragment(fmap: folium.Map, *, height: int = 600, self_contained: bool = False) -> str:
    """HTML to include in a page's ``<body>``: ``fmap``'s assets, its div and its script.

    The map is rendered as it is (ids included): give it its page-unique ids first. The
    fragment holds, in this order:

    - the map's script and stylesheet links (or, with ``self_contained``, their text,
      see :func:`geo.assets.inline_assets`), a line that keeps the first Leaflet loaded
      in the page (so several fragments share a page), then what other elements put in the page
      header (their styles and scripts). folium's page-level parts are left out: the
      content-type and viewport ``<meta>``, the ``html, body`` full-page style and
      the ``L_NO_TOUCH``/``L_DISABLE_3D`` switches (which folium sets after Leaflet has
      read them);
    - ``<div class="geomap-embed" style="position:relative">`` holding the map's div, with
      ``height`` in pixels and the map's width and font size in its ``style``, then the
      other elements' HTML (a title box placed ``absolute`` sits on the map, as on a full page);
    - one ``<script>`` that builds the map. The map's variables (``map_<id>``...) are page
      globals, as in folium's own page.

    Parameters
    ----------
    fmap : folium.Map
        A map in its folium ``Figure``, as ``folium.Map`` makes it.
    height : int, default 600
        Height of the map in CSS pixels; a host page gives a map no height of its own.
    self_contained : bool, default False
        Inline the assets instead of linking them.

    Raises
    ------
    geo.exc.AssetError
        With ``self_contained``: an asset that cannot be inlined.

    Examples
    --------
    >>> fmap = folium.Map(tiles=None)
    >>> fragment = embed_fragment(fmap, height=400)
    >>> f'<div class="folium-map" id="{fmap.get_name()}" style="position:relative;width:100%;height:400px' in fragment
    True
    >>> "<body" in fragment or "<head" in fragment or "<html" in fragment
    False
    """
    if not isinstance(fmap, folium.Map):
        raise TypeError(f"embed_fragment takes a folium.Map, not {type(fmap).__name__}")
    _check_height(height)
    figure = fmap.get_root()
    if not isinstance(figure, Figure):
        raise ValueError("the map is not in a folium Figure; make it with folium.Map(...), "
                         "which puts it in one")
    for child in figure._children.values():  # what Figure.render does before its page template
        child.render()
    name = fmap.get_name()

    links, header = [], []
    for key, child in figure.header._children.items():
        if isinstance(child, (JavascriptLink, CssLink)):
            links.append(child.render())
        elif key not in ("meta_http", name):  # folium's page-level header parts
            header.append(child.render())

    width, unit = fmap.width
    body = []
    for key, child in figure.html._children.items():
        if key == name:
            body.append(f'<div class="folium-map" id="{html.escape(name)}" style="position:relative;'
                        f'width:{width:g}{unit};height:{height}px;font-size:{fmap.font_size}"></div>')
        else:
            body.append(child.render())

    fragment = "\n".join([
        *links, _KEEP_FIRST_LEAFLET, *header,
        '<div class="geomap-embed" style="position:relative">', *body, "</div>",
        "<script>", figure.script.render(), "</script>", "",
    ])
    return inline_assets(fragment) if self_contained else fragment


def iframe_snippet(src: str, *, title: str, height: int = 600) -> str:
    """An ``<iframe>`` showing the map file at ``src``, lazily loaded and sandboxed.

    Parameters
    ----------
    src : str
        URL of the map file, relative to the host page (``maps/ukraine.html``) or http(s).
    title : str
        What the frame shows, for screen readers; text, never markup.
    height : int, default 600
        Height in CSS pixels; the frame takes the width of its container.

    Raises
    ------
    ValueError
        An empty ``src`` or ``title``, a ``src`` with a scheme other than http(s)
        (``javascript:``, ``data:``, ``C:\\maps``), or a height that is not a positive int.

    Examples
    --------
    >>> print(iframe_snippet("maps/tom & jerry.html", title='Tajikistan "border"', height=400))
    <iframe src="maps/tom &amp; jerry.html" title="Tajikistan &quot;border&quot;" loading="lazy" \
style="width:100%;height:400px;border:0" sandbox="allow-scripts allow-popups \
allow-popups-to-escape-sandbox"></iframe>
    """
    _check_height(height)
    src = src.translate(_IGNORED_IN_URLS).strip()
    if not src:
        raise ValueError("iframe_snippet needs the URL of the map file, got an empty src")
    scheme = _URL_SCHEME.match(src)
    if scheme and scheme[1].lower() not in ("http", "https"):
        raise ValueError(f"iframe src {src!r} has the scheme {scheme[1]!r}; give a URL relative "
                         "to the page (maps/theme.html) or an http(s) URL")
    if not title.strip():
        raise ValueError("iframe_snippet needs a title naming the map, for screen readers; got "
                         f"{title!r}")
    return (f'<iframe src="{html.escape(src)}" title="{html.escape(title.strip())}" loading="lazy" '
            f'style="width:100%;height:{height}px;border:0" sandbox="{IFRAME_SANDBOX}"></iframe>')


def _check_height(height: int) -> None:
    if isinstance(height, bool) or not isinstance(height, int) or height <= 0:
        raise ValueError(f"height is a number of pixels above 0, got {height!r}")
