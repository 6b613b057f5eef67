"""The compact data array a map draws from (read by ``geo/static/geomap.js``).

One JSON object per map, shared by all its layers, instead of one DOM marker per
mention (100,000 mentions make a 5 MB page, see ``benchmarks/map_scale.py``)::

    articles  [[title, url, date, source, doc_id], ...]   (url: http(s) only, else "")
    snippets  ["…words around the place where it is mentioned…", ...]  (deduplicated)
    places    [[name, kind, country_code, lat, lon, shape], ...]   (shape: index or -1)
    shapes    [GeoJSON geometry, ...]      regions as light polygons, corridors as lines
    layers    [{"colour": "#d55e00", "marks": [[place, [article, snippet, from, to, ...]], ...]}]
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

import pandas as pd
import shapely

from gazetteer import LINE_KINDS, Gazetteer

from .escape import safe_url

__all__ = ["SHAPE_KINDS", "map_data", "json_for_html", "packed_data"]

# Drawn as their shape: a mention of "Khatlon Province" is the province, not a pin in it.
# Countries and larger stay points: a shaded Russia would cover every other layer.
SHAPE_KINDS = frozenset({"admin1", "admin2", "disputed", "macro_region", "water", "physical",
                         "island"}) | LINE_KINDS
_COORDINATE_DIGITS = 4  # about 10 m: finer than any shape drawn at map scale
_CONTEXT_CHARS = 90  # words kept either side of a place in a popup (the table keeps the sentence)
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


def _excerpt(snippet: str, surface: str) -> tuple[str, int, int]:
    """The words around ``surface`` in ``snippet`` (at most :data:`_CONTEXT_CHARS` either side,
    cut at a space, "…" where cut) and where ``surface`` stands in them."""
    start = snippet.find(surface)
    if start < 0:
        return snippet[:2 * _CONTEXT_CHARS], 0, 0
    end = start + len(surface)
    left, right = 0, len(snippet)
    if start > _CONTEXT_CHARS:
        cut = start - _CONTEXT_CHARS
        left = snippet.rfind(" ", 0, cut) + 1 or cut  # (no space at all: cut mid-word)
    if right - end > _CONTEXT_CHARS:
        cut = end + _CONTEXT_CHARS
        space = snippet.find(" ", cut)
        right = space if space >= 0 else cut
    prefix = "…" if left else ""
    text = prefix + snippet[left:right] + ("…" if right < len(snippet) else "")
    return text, start - left + len(prefix), end - left + len(prefix)


def map_data(layers: list[tuple[str, str, pd.DataFrame]], gazetteer: Gazetteer) -> dict:
    """The data of a map whose ``layers`` are ``(layer id, colour, mention rows)``.

    Rows are :data:`geo.table.MENTION_COLUMNS` rows; within a layer they are
    grouped per place, in place id order, mentions in document order.
    """
    articles, snippets, places, shapes = _Index(), _Index(), _Index(), _Index()
    out_layers = []
    for _, colour, rows in layers:
        rows = rows.sort_values(["place_id", "doc_id", "article", "start"], kind="stable")
        # Plain lists, read once: a pandas row lookup per mention costs 100x more at 100k mentions.
        columns = {c: rows[c].tolist() for c in ("place_id", "place_name", "kind", "country_code", "lat",
                                                  "lon", "doc_id", "article", "title", "url", "date",
                                                  "source", "snippet", "surface")}
        marks: list = []
        current = None
        for i, place_id in enumerate(columns["place_id"]):
            if place_id != current:
                current = place_id
                kind = columns["kind"][i]
                shape = -1
                if kind in SHAPE_KINDS and gazetteer.has_shape(place_id):
                    shape = shapes.number(place_id, _shape(place_id, gazetteer))
                place = places.number(place_id, [
                    columns["place_name"][i], kind, columns["country_code"][i],
                    round(float(columns["lat"][i]), 5), round(float(columns["lon"][i]), 5), shape])
                entries: list[int] = []
                marks.append([place, entries])
            doc_id = columns["doc_id"][i]
            article = articles.number((doc_id, columns["article"][i]), [
                columns["title"][i], safe_url(columns["url"][i]), columns["date"][i],
                columns["source"][i], doc_id])
            excerpt, start, end = _excerpt(columns["snippet"][i], columns["surface"][i])
            entries += [article, snippets.number(excerpt), start, end]
        out_layers.append({"colour": colour, "marks": marks})
    dates = sorted({a[2] for a in articles.items if a[2]})
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
