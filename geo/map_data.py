"""The compact data array a map draws from (read by ``geo/static/geomap.js``).

One JSON object per map, shared by all its layers, instead of one DOM marker per
mention (100,000 mentions make a 5 MB page, see ``benchmarks/map_scale.py``)::

    articles  [[title, url, date, source, doc_id], ...]   (url: http(s) only, else "")
    snippets  ["…words around the place where it is mentioned…", ...]  (deduplicated)
    places    [[name, kind, country_code, lat, lon, shape], ...]   (shape: index or -1)
    shapes    [GeoJSON geometry, ...]      regions as light polygons, corridors as lines
    layers    [{"colour": "#d55e00", "marks": [[place, [article, snippet, from, to, ...]], ...]}]
              (a mark lists its place's latest mentions, at most geo.digest.POPUP_ENTRIES;
              one with more also has [[date, count], ...] of those left out)
    dates     sorted distinct article dates, for the time filter

A mark is one place in one layer; its entries are four integers per mention:
the article, the snippet, and the matched words' span within the snippet.
The JSON is embedded in a ``<script type="application/json">`` element and
parsed with ``JSON.parse``: article text is never HTML or code there.
"""

from __future__ import annotations

import base64
import json
import zlib

import shapely

from gazetteer import LINE_KINDS, Gazetteer

from .digest import PlaceTally
from .escape import safe_url

__all__ = ["SHAPE_KINDS", "map_data", "json_for_html", "packed_data"]

# Drawn as their shape: a mention of "Khatlon Province" is the province, not a pin in it.
# Countries and larger stay points: a shaded Russia would cover every other layer.
SHAPE_KINDS = frozenset({"admin1", "admin2", "disputed", "macro_region", "water", "physical",
                         "island"}) | LINE_KINDS
_COORDINATE_DIGITS = 4  # about 10 m: finer than any shape drawn at map scale
# Data larger than this is deflated and base64-encoded: article sentences shrink about
# threefold, which keeps a map of 100,000 mentions under 10 MB. Smaller maps stay readable.
COMPRESS_ABOVE = 1_000_000


class _Index:
    """Values numbered in order of first use."""

    def __init__(self):
        self.items: list = []
        self._numbers: dict = {}

    def number(self, key, item=None) -> int:
        if key not in self._numbers:
            self._numbers[key] = len(self.items)
            self.items.append(key if item is None else item)
        return self._numbers[key]


def _shape(place_id: str, gazetteer: Gazetteer) -> dict:
    geometry = shapely.set_precision(gazetteer.geometry(place_id), 10 ** -_COORDINATE_DIGITS)
    return shapely.geometry.mapping(geometry)


def map_data(layers: list[tuple[str, str, list[PlaceTally]]], gazetteer: Gazetteer) -> dict:
    """The data of a map whose ``layers`` are ``(layer id, colour, places)``.

    ``places`` are a :class:`geo.digest.MentionDigest`'s tallies of the
    layer's theme, in place id order; each mark lists its kept mentions in
    document order. A mark whose mentions did not all fit its popup has a
    third item, the mentions left out per date: ``[[date index, count], ...]``
    (index into ``dates``, -1 for undated), so the time filter counts them.
    """
    articles, snippets, places, shapes = _Index(), _Index(), _Index(), _Index()
    out_layers, dropped_marks = [], []
    for _, colour, tallies in layers:
        marks: list = []
        for tally in tallies:
            name, kind, country_code, lat, lon = tally.place
            shape = -1
            if kind in SHAPE_KINDS and gazetteer.has_shape(tally.place_id):
                shape = shapes.number(tally.place_id, _shape(tally.place_id, gazetteer))
            place = places.number(tally.place_id, [name, kind, country_code, round(float(lat), 5),
                                                   round(float(lon), 5), shape])
            entries: list[int] = []
            for entry in tally.entries():
                article = articles.number((entry.doc_id, entry.article), [
                    entry.title, safe_url(entry.url), entry.date, entry.source, entry.doc_id])
                entries += [article, snippets.number(entry.excerpt), entry.excerpt_start, entry.excerpt_end]
            marks.append([place, entries])
            if tally.dropped:
                dropped_marks.append((marks[-1], tally.dropped))
        out_layers.append({"colour": colour, "marks": marks})
    dates = sorted({a[2] for a in articles.items if a[2]}
                   | {date for _, dropped in dropped_marks for date in dropped if date})
    date_index = {date: i for i, date in enumerate(dates)}
    for mark, dropped in dropped_marks:
        mark.append(sorted([date_index.get(date, -1), count] for date, count in dropped.items()))
    return {"articles": articles.items, "snippets": snippets.items, "places": places.items,
            "shapes": shapes.items, "layers": out_layers, "dates": dates}


def json_for_html(data: dict) -> str:
    """``data`` as JSON that cannot end its ``<script>`` element or open a comment in HTML.

    >>> json_for_html({"t": "</script><!-- & \\u2028"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003c!-- \\\\u0026 \\\\u2028"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def packed_data(data: dict) -> tuple[str, str]:
    """``(script type, text)`` of the element that carries ``data`` in the page.

    Plain JSON (``application/json``), or, above :data:`COMPRESS_ABOVE`
    characters, raw-deflated JSON in base64 (``application/x-geomap-deflate``),
    which ``geomap.js`` inflates with the browser's ``DecompressionStream``.
    Both are inert text: base64 has no ``<``, and the JSON is escaped.
    """
    text = json_for_html(data)
    if len(text) <= COMPRESS_ABOVE:
        return "application/json", text
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)  # raw deflate, fixed level: same bytes each run
    packed = packer.compress(text.encode("utf-8")) + packer.flush()
    return "application/x-geomap-deflate", base64.b64encode(packed).decode("ascii")
