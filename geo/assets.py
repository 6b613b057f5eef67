"""The scripts and stylesheets a map loads: Leaflet only, linked from its CDN or written into the file.

folium's default page loads jQuery, Bootstrap, Font Awesome and awesome-markers besides
Leaflet. A *lean* map (:func:`lean_assets`) loads Leaflet's JS and CSS and nothing else.
A *self-contained* map (:func:`inline_assets`) carries those two files inside the HTML, so it
opens without network access except for the map tiles.

Both modes use one Leaflet: the version packaged by the ``xstatic-leaflet`` distribution,
whose files are read from the installed package (never from the network, never from a copy
in this repository). The CDN links name that same version.
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from importlib import resources
from importlib.resources.abc import Traversable
from types import MappingProxyType

import folium
import xstatic.pkg.leaflet as _xstatic_leaflet

from .exc import AssetError

__all__ = [
    "LEAFLET_CSS_URL", "LEAFLET_JS_URL", "LEAFLET_PACKAGE", "LEAFLET_VERSION",
    "asset_urls", "inline_assets", "lean_assets", "leaflet_sources",
]

LEAFLET_PACKAGE = "xstatic-leaflet"
#: The Leaflet version of the installed ``xstatic-leaflet``, linked and inlined alike.
LEAFLET_VERSION: str = _xstatic_leaflet.VERSION
# The URLs folium 0.20 links for Leaflet 1.9.3, spelled from the packaged version.
LEAFLET_JS_URL = f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.js"
LEAFLET_CSS_URL = f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.css"

# Images a stylesheet may reference, by file suffix; a fixed table keeps the output
# independent of the system's mime.types.
_IMAGE_TYPES = {".png": "image/png", ".gif": "image/gif", ".svg": "image/svg+xml",
                ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
_CSS_URL = re.compile(r"""url\(\s*(?P<quote>['"]?)(?P<url>[^'")]*)(?P=quote)\s*\)""")
_HAS_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:|//", re.IGNORECASE)
_SOURCE_MAP = re.compile(r"\n?//# sourceMappingURL=\S*\s*\Z")
_SCRIPT_END = re.compile(r"</(script)", re.IGNORECASE)
_STYLE_END = re.compile(r"</(style)", re.IGNORECASE)


def lean_assets(fmap: folium.Map) -> None:
    """Make ``fmap`` load Leaflet's JS and CSS and no other script or stylesheet.

    Sets the map's own ``default_js`` and ``default_css`` (the class lists stay as folium
    has them) to :data:`LEAFLET_JS_URL` and :data:`LEAFLET_CSS_URL`, and drops the links
    an earlier render of the map put in its page header. Elements added to the map that
    bring their own assets (folium plugins, ``folium.Icon``) still add them when rendered,
    and folium's ``Popup`` and ``Map.keep_in_front`` call jQuery, which a lean map lacks.

    Parameters
    ----------
    fmap : folium.Map
        Changed in place.

    Examples
    --------
    >>> fmap = folium.Map(tiles=None)
    >>> lean_assets(fmap)
    >>> [url.rsplit("/", 1)[1] for url in asset_urls(fmap.get_root().render())]
    ['leaflet.js', 'leaflet.css']
    """
    if not isinstance(fmap, folium.Map):
        raise TypeError(f"lean_assets takes a folium.Map, not {type(fmap).__name__}")
    fmap.default_js = [("leaflet", LEAFLET_JS_URL)]
    fmap.default_css = [("leaflet_css", LEAFLET_CSS_URL)]
    kept = {name for name, _ in fmap.default_js + fmap.default_css}
    header = fmap.get_root().header
    for name, _ in folium.Map.default_js + folium.Map.default_css:
        if name not in kept:
            header._children.pop(name, None)


def asset_urls(html: str) -> list[str]:
    """The URL of each ``<script src>`` and stylesheet ``<link href>`` of ``html``, in order.

    Only real tags count: text inside a script or a style is not looked at.

    >>> asset_urls('<link rel="stylesheet" href="a.css"/><script src="b.js"></script>'
    ...            '<script>var s = "<script src=c.js>";</script>')
    ['a.css', 'b.js']
    """
    return [tag.url for tag in _asset_tags(html)]


@functools.cache
def leaflet_sources() -> Mapping[str, str]:
    """The text to inline for each Leaflet URL, read from the installed ``xstatic-leaflet``.

    Maps :data:`LEAFLET_JS_URL` to ``leaflet.js`` (without its source-map comment, which
    would make developer tools ask for a file that is not there) and :data:`LEAFLET_CSS_URL`
    to ``leaflet.css`` whose images (the layer-control icon, the default marker) are
    ``data:`` URIs.
    """
    data = resources.files(_xstatic_leaflet) / "data"
    script = _SOURCE_MAP.sub("\n", _read_text(data / "leaflet.js"))
    stylesheet = _css_with_data_uris(_read_text(data / "leaflet.css"), data)
    return MappingProxyType({LEAFLET_JS_URL: script, LEAFLET_CSS_URL: stylesheet})


def inline_assets(html: str, *, sources: Mapping[str, str] | None = None) -> str:
    """``html`` with each linked script and stylesheet written into the page.

    Each ``<script src=URL></script>`` becomes ``<script>TEXT</script>`` and each
    ``<link rel="stylesheet" href=URL>`` becomes ``<style>TEXT</style>``, where TEXT is
    ``sources[URL]``. ``</script`` in a script becomes ``<\\/script`` and ``<!--`` becomes
    ``\\x3C!--`` (what they mean inside JavaScript strings and regular expressions, but
    they cannot end the element or start an HTML comment); ``</style`` in a stylesheet becomes
    ``<\\/style``. Tiles and other URLs inside scripts stay as they are: the page still
    needs the network for map tiles.

    Parameters
    ----------
    html : str
        A page or fragment, such as ``render_html(fmap)`` of a map given :func:`lean_assets`.
    sources : mapping of str to str, optional
        URL to the text to inline; :func:`leaflet_sources` by default.

    Returns
    -------
    str
        The same for the same input.

    Raises
    ------
    AssetError
        A script or stylesheet link whose URL is not in ``sources`` (``data:`` URLs are
        already inside the page and are left alone). The message names the URL and the fix.
    """
    known = leaflet_sources() if sources is None else sources
    parts = []
    done = 0
    for tag in _asset_tags(html):
        if tag.url.lower().startswith("data:"):
            continue
        text = known.get(tag.url)
        if text is None:
            raise AssetError(_cannot_inline(tag, known, default=sources is None))
        if tag.kind == "script":
            element = "<script>" + _SCRIPT_END.sub(r"<\\/\1", text).replace("<!--", r"\x3C!--") + "</script>"
        else:
            element = "<style>" + _STYLE_END.sub(r"<\\/\1", text) + "</style>"
        parts.append(html[done:tag.start])
        parts.append(element)
        done = tag.end
    parts.append(html[done:])
    return "".join(parts)


def _cannot_inline(tag: _AssetTag, known: Mapping[str, str], *, default: bool) -> str:
    if default:
        offered = f"Leaflet {LEAFLET_VERSION} from the {LEAFLET_PACKAGE} package"
    else:
        offered = "the URLs " + ", ".join(sorted(known))
    folium_defaults = {url for _, url in folium.Map.default_js + folium.Map.default_css}
    if tag.url in folium_defaults or "leaflet" in tag.url.lower():
        fix = ("call geo.assets.lean_assets(fmap) before rendering, so the map loads only "
               f"{LEAFLET_JS_URL} and {LEAFLET_CSS_URL}")
    else:
        fix = ("drop the map element that adds it (a self-contained map loads nothing but "
               "Leaflet and its tiles), or write the map with CDN links")
    return (f"cannot make the map self-contained: it loads the {tag.kind} {tag.url}, which no "
            f"installed package provides (geomap inlines only {offered}); {fix}")


def _read_text(path: Traversable) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise AssetError(f"cannot read {path} of the {LEAFLET_PACKAGE} package ({exc}); "
                         f"reinstall it: pip install --force-reinstall {LEAFLET_PACKAGE}") from exc


def _css_with_data_uris(css: str, folder: Traversable) -> str:
    """``css`` with each relative ``url(...)`` replaced by the file under ``folder`` as a data URI."""

    def replace(match: re.Match[str]) -> str:
        url = match["url"].strip()
        if not url or url.startswith("#") or url.lower().startswith("data:"):
            return match[0]
        if _HAS_SCHEME.match(url) or url.startswith("/") or ".." in url.split("/"):
            raise AssetError(f"the stylesheet of the {LEAFLET_PACKAGE} package refers to {url}, "
                             "which is not a file beside it; geomap cannot inline it")
        target = folder
        for part in url.split("?", 1)[0].split("#", 1)[0].split("/"):
            target = target / part
        media_type = _IMAGE_TYPES.get("." + target.name.rpartition(".")[2].lower())
        if media_type is None:
            raise AssetError(f"the stylesheet of the {LEAFLET_PACKAGE} package refers to {url}, "
                             f"not an image geomap knows ({', '.join(sorted(_IMAGE_TYPES))})")
        try:
            payload = base64.b64encode(target.read_bytes()).decode("ascii")
        except OSError as exc:
            raise AssetError(f"cannot read {target}, which the stylesheet of the {LEAFLET_PACKAGE} "
                             f"package needs ({exc}); reinstall it: "
                             f"pip install --force-reinstall {LEAFLET_PACKAGE}") from exc
        return f'url("data:{media_type};base64,{payload}")'

    return _CSS_URL.sub(replace, css)


@dataclass(frozen=True)
class _AssetTag:
    kind: str   # "script" or "stylesheet"
    url: str
    start: int  # html[start:end] is the whole element: <script ...></script> or <link ...>
    end: int


def _asset_tags(html: str) -> list[_AssetTag]:
    finder = _AssetTagFinder(html)
    finder.feed(html)
    finder.close()
    if finder._script is not None:  # never closed: a browser reads the rest as the script
        start, url = finder._script
        finder.tags.append(_AssetTag("script", url, start, len(html)))
    return finder.tags


class _AssetTagFinder(HTMLParser):
    """Script and stylesheet tags with a URL, located by character offsets in the page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=False)
        self._html = html
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self._script: tuple[int, str] | None = None
        self.tags: list[_AssetTag] = []

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        if tag == "script" and values.get("src"):
            self._script = (self._offset(), values["src"].strip())
        elif tag == "link" and values.get("href") and "stylesheet" in values.get("rel", "").lower().split():
            start = self._offset()
            self.tags.append(_AssetTag("stylesheet", values["href"].strip(), start,
                                       start + len(self.get_starttag_text() or "")))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # A browser reads <script src=x /> as an opening tag: the element ends at </script>.
        self.handle_starttag(tag, attrs)
        if tag != "script":
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            start, url = self._script
            self._script = None
            self.tags.append(_AssetTag("script", url, start, self._html.index(">", self._offset()) + 1))
