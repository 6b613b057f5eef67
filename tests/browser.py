"""Headless Chromium for the map tests: built maps served on 127.0.0.1, the internet answered here.

The browser is Debian's ``chromium`` (``/usr/bin/chromium``, or the path in
``GEOMAP_CHROMIUM``), driven by the ``playwright`` package of the ``test``
extra; Playwright's own browser download is never used. A page opened with
:func:`open_map` reaches nothing but 127.0.0.1. Every other request it makes is
answered locally:

* Leaflet (``.../leaflet.js``, ``leaflet.css``, ``leaflet-src.js`` and its
  ``images/*.png``, whatever version the URL names) from the installed
  ``xstatic-leaflet`` package, the copy geomap inlines in self-contained maps;
* map tiles with a 1x1 transparent PNG;
* anything else is aborted and its URL kept in :attr:`LocalNetwork.blocked`, so a
  test can assert that a map needs nothing from the internet.

Every URL a page asks for, 127.0.0.1 included, is kept in :attr:`LocalNetwork.requests`,
and every ``alert``/``confirm``/``prompt`` it opens in :attr:`MapPage.dialogs` (and dismissed).

Used by ``tests/test_browser.py`` and ``benchmarks/map_scale.py``.
"""

from __future__ import annotations

import base64
import functools
import mimetypes
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import xstatic.pkg.leaflet

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Route

__all__ = ["CHROMIUM", "LAUNCH_ARGS", "TRANSPARENT_PNG", "LocalNetwork", "MapPage", "chromium",
           "count_features", "hover_at", "local_asset", "open_map", "open_page", "open_popup_at",
           "overlays", "serve", "unavailable"]

#: Debian's Chromium; ``GEOMAP_CHROMIUM`` names another build.
CHROMIUM = Path(os.environ.get("GEOMAP_CHROMIUM", "/usr/bin/chromium"))

#: Flags that work as root on CI and keep Chromium from calling home. Playwright
#: gives each launch a fresh ``--user-data-dir`` of its own.
LAUNCH_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync")

#: What the page is given for a map tile: 1x1, fully transparent.
TRANSPARENT_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII=")

_LEAFLET_FILE = re.compile(r"/leaflet(?:@[^/]*)?/(?:[^/]+/)*?(leaflet(?:-src)?\.(?:js|css)|images/[\w-]+\.png)$")
_TILE_PATH = re.compile(r"/\d+/\d+/\d+(?:@2x)?\.(?:png|jpe?g|webp)$")

# Sets window.__geomapDrawnAt, in milliseconds from navigation start, once the map is drawn:
# after the load event, every entry of the page's window.geomap (if it has one) reporting
# drawn, and two animation frames for the canvas to be painted.
_DRAW_CLOCK = """
addEventListener("DOMContentLoaded", async () => {
  const frame = () => new Promise(done => requestAnimationFrame(done));
  const entries = () => Object.values(window.geomap || {});
  // A geomap page is drawn when every map says so (tiles may still be loading: they are
  // the network's time, not the map's); any other page when it has loaded.
  const drawn = () => entries().length ? entries().every(entry => entry.drawn)
                                       : document.readyState === "complete";
  while (!drawn()) await frame();
  await frame();
  await frame();
  window.__geomapDrawnAt = performance.now();
});
"""

# Every L.Map of the page, found among the globals folium declares.
_MAPS_JS = """
() => Object.keys(window).flatMap(key => {
  try { return window[key] instanceof L.Map ? [window[key]] : []; } catch (error) { return []; }
})
"""


def unavailable() -> str | None:
    """Why the browser tests cannot run on this machine, or ``None`` when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing; install the test extra: pip install -e '.[test]'"
    if not CHROMIUM.is_file():
        return (f"no Chromium at {CHROMIUM}; install Debian's: apt-get install chromium "
                "(.ci/run does), or set GEOMAP_CHROMIUM to a Chromium binary")
    return None


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium (a Playwright ``Browser``), closed on leaving the block."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(LAUNCH_ARGS),
                                             headless=True)
        try:
            yield browser
        finally:
            browser.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class names it so
        pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # the browser dropping a connection it no longer needs is no test failure


def serve(folder: str | os.PathLike) -> tuple[str, Callable[[], None]]:
    """Serve ``folder`` over HTTP on 127.0.0.1 at a free port, in a background thread.

    Returns
    -------
    base_url : str
        ``http://127.0.0.1:<port>/``, ending in a slash.
    stop : callable
        Shuts the server down and closes its socket.
    """
    server = _QuietServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, name=f"serve {folder}", daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join()

    return f"http://127.0.0.1:{server.server_address[1]}/", stop


def local_asset(url: str) -> Path | None:
    """The local copy answering ``url``, or ``None`` if there is none.

    >>> local_asset("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/images/layers.png").name
    'layers.png'
    >>> local_asset("https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/"
    ...             "leaflet.awesome-markers.js") is None
    True
    """
    match = _LEAFLET_FILE.search(urlsplit(url).path)
    if match is None:
        return None
    path = Path(xstatic.pkg.leaflet.BASE_DIR) / match.group(1)
    return path if path.is_file() else None


@dataclass
class LocalNetwork:
    """A Playwright route handler: 127.0.0.1 goes through, everything else is answered here.

    Attributes
    ----------
    requests : list of str
        Every URL requested, in order, local or not.
    served : list of str
        External URLs answered from a local copy (:func:`local_asset`).
    tiles : int
        Tile requests answered with :data:`TRANSPARENT_PNG`.
    blocked : list of str
        External URLs aborted: nothing here stands in for them.
    """

    requests: list[str] = field(default_factory=list)
    served: list[str] = field(default_factory=list)
    tiles: int = 0
    blocked: list[str] = field(default_factory=list)

    def __call__(self, route: Route) -> None:
        url = route.request.url
        self.requests.append(url)
        parts = urlsplit(url)
        if parts.hostname == "127.0.0.1" or parts.scheme not in ("http", "https"):
            route.continue_()
        elif (asset := local_asset(url)) is not None:
            self.served.append(url)
            route.fulfill(path=asset, headers={"access-control-allow-origin": "*"},
                          content_type=mimetypes.guess_type(asset.name)[0] or "application/octet-stream")
        elif parts.hostname.endswith("tile.openstreetmap.org") or _TILE_PATH.search(parts.path):
            self.tiles += 1
            route.fulfill(body=TRANSPARENT_PNG, content_type="image/png",
                          headers={"access-control-allow-origin": "*"})
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")


@dataclass
class MapPage:
    """A map opened by :func:`open_map`; closes its browser context on leaving a ``with`` block.

    Attributes
    ----------
    page : playwright.sync_api.Page
    context : playwright.sync_api.BrowserContext
        The page's own context (its cookies, cache and routes), closed with it.
    console_errors : list of str
        Console messages of type ``error``, each with the script and line it came from.
    page_errors : list of str
        Uncaught exceptions (``pageerror``).
    network : LocalNetwork
        What the page asked of the internet; ``network.blocked`` went unanswered.
    dialogs : list of str
        ``"<type>: <message>"`` of each dialog the page opened (each dismissed at once).
    draw_seconds : float
        From navigation start to the map drawn (see :func:`open_map`).
    """

    page: Page
    context: BrowserContext
    console_errors: list[str]
    page_errors: list[str]
    network: LocalNetwork
    dialogs: list[str] = field(default_factory=list)
    draw_seconds: float = float("nan")

    def __enter__(self) -> MapPage:
        return self

    def __exit__(self, *exc_info) -> None:
        self.context.close()


def open_map(browser: Browser, url: str, *, timeout_s: float = 60.0,
             viewport: tuple[int, int] = (1280, 800)) -> MapPage:
    """Open ``url`` in a fresh browser context cut off from the internet and wait until it is drawn.

    Drawn means: if the page has ``window.geomap`` (the runtime's test hooks,
    one entry per map), every entry's ``drawn`` is true, else the load event
    has fired; then two animation frames have passed, so the canvas is painted.
    ``draw_seconds`` is the time from navigation start to then, by the page's
    own clock (``performance.now()``). Then it waits for the network to be idle.
    A page without a Leaflet map is an ``AssertionError``.
    """
    return open_page(browser, url, timeout_s=timeout_s, viewport=viewport, needs=".leaflet-container")


def open_page(browser: Browser, url: str, *, timeout_s: float = 60.0,
              viewport: tuple[int, int] = (1280, 800), needs: str | None = None) -> MapPage:
    """:func:`open_map` for any page: ``needs`` is a CSS selector the page must match once loaded."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                  service_workers="block")
    context.set_default_timeout(timeout_s * 1000)
    page = context.new_page()
    shown = MapPage(page, context, [], [], LocalNetwork())
    try:
        page.on("console", lambda message: shown.console_errors.append(
            f"{message.text} ({message.location.get('url', '?')}:{message.location.get('lineNumber', '?')})")
            if message.type == "error" else None)
        page.on("pageerror", lambda error: shown.page_errors.append(str(error)))
        page.on("dialog", lambda dialog: (shown.dialogs.append(f"{dialog.type}: {dialog.message}"),
                                          dialog.dismiss()))
        page.route("**/*", shown.network)
        page.add_init_script(_DRAW_CLOCK)
        page.goto(url, wait_until="load")
        if needs and page.query_selector(needs) is None:
            raise AssertionError(f"{url} holds no {needs} once loaded")
        page.wait_for_function("() => window.__geomapDrawnAt !== undefined")
        page.wait_for_load_state("networkidle")
        shown.draw_seconds = page.evaluate("() => window.__geomapDrawnAt") / 1000
    except BaseException:
        context.close()
        raise
    return shown


def overlays(page: Page) -> list[tuple[str, bool]]:
    """The layer control's overlays as shown: (label text, ticked), top to bottom."""
    return [tuple(item) for item in page.eval_on_selector_all(
        ".leaflet-control-layers-overlays label",
        "labels => labels.map(l => [l.innerText.trim(), l.querySelector('input').checked])")]


def count_features(page: Page) -> int:
    """How many features the page's Leaflet map(s) hold now, in view or not.

    A feature is one Leaflet layer on an ``L.Map`` that is either an ``L.Path``
    (``L.CircleMarker`` and ``L.Circle`` included, on canvas or SVG; polygons
    and polylines, a MultiPolygon read by ``L.geoJSON`` being one ``L.Polygon``)
    or an ``L.Marker``. Groups (``L.LayerGroup``, ``L.FeatureGroup``,
    ``L.GeoJSON``) and tile layers are not features, and maps kept in local
    variables (a minimap) are not searched, only those in ``window``; layers of overlays that
    are turned off are not on the map, so they are not counted. A map that
    draws each (theme, place) as one such layer has as many features as rows
    of ``places.csv`` in the themes that are shown. Points painted by a custom
    layer of its own (not one Leaflet object per place) are not counted.
    """
    return page.evaluate(f"""() => {{
      const maps = ({_MAPS_JS})();
      let count = 0;
      for (const map of maps) map.eachLayer(layer => {{
        if (layer instanceof L.Path || layer instanceof L.Marker) count += 1;
      }});
      return count;
    }}""")


def _centre_on(page: Page, lat: float, lon: float, zoom: int) -> tuple[float, float]:
    """Centre the page's one map on (lat, lon) at ``zoom``; where that point is in the window."""
    page.evaluate(f"""([lat, lon, zoom]) => {{
      const maps = ({_MAPS_JS})();
      if (maps.length !== 1) throw new Error(`expected one L.Map on the page, found ${{maps.length}}`);
      maps[0].setView([lat, lon], zoom, {{animate: false}});
      return new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    }}""", [lat, lon, zoom])
    point = page.evaluate(f"""([lat, lon]) => {{
      const map = ({_MAPS_JS})()[0];
      const box = map.getContainer().getBoundingClientRect();
      const at = map.latLngToContainerPoint([lat, lon]);
      return [box.left + at.x, box.top + at.y];
    }}""", [lat, lon])
    # The canvas updates its hit areas after the move settles; under load that can take longer
    # than two frames, so let it finish before pointing, as a person's hand would.
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(250)
    return point


def open_popup_at(page: Page, lat: float, lon: float, *, zoom: int = 9) -> str:
    """Centre the map on (lat, lon) at ``zoom``, click there as a person would; the popup's text.

    Raises playwright's ``TimeoutError`` when no popup opens.
    """
    page.mouse.click(*_centre_on(page, lat, lon, zoom))
    popup = page.wait_for_selector(".leaflet-popup-content", state="visible", timeout=5000)
    return popup.inner_text()


def hover_at(page: Page, lat: float, lon: float, *, zoom: int = 9) -> str:
    """Centre the map on (lat, lon) at ``zoom`` and rest the pointer there; the tooltip's text.

    Raises playwright's ``TimeoutError`` when no tooltip opens.
    """
    from playwright.sync_api import TimeoutError

    for attempt in range(3):  # under load the canvas may miss a first pass of the pointer
        page.mouse.move(0, 0)  # off the place, then a pause (in _centre_on) before coming back
        page.mouse.move(*_centre_on(page, lat, lon, zoom), steps=4)
        try:
            tooltip = page.wait_for_selector(".leaflet-tooltip", state="visible", timeout=2000)
        except TimeoutError:
            if attempt == 2:
                raise
            continue
        return tooltip.inner_text()
