"""The compact data array a map draws from (read by ``geo/static/geomap.js``).

One JSON object per map, shared by all its layers, so 100,000 mentions make a
few MB rather than one DOM marker each::

    articles  [[title, url, date, source, doc_id], ...]   (url: http(s) only, else "")
    snippets  ["the sentence where a place is mentioned", ...]      (deduplicated)
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

import json

import pandas as pd
import shapely

from gazetteer import LINE_KINDS, Gazetteer

from .escape import safe_url

__all__ = ["SHAPE_KINDS", "map_data", "json_for_html"]

# Drawn as their shape: a mention of "Khatlon Province" is the province, not a pin in it.
# Countries and larger stay points: a shaded Russia would cover every other layer.
SHAPE_KINDS = frozenset({"admin1", "admin2", "disputed", "macro_region", "water", "physical",
                         "island"}) | LINE_KINDS
_COORDINATE_DIGITS = 4  # about 10 m: finer than any shape drawn at map scale


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


def _highlight(snippet: str, surface: str) -> tuple[int, int]:
    start = snippet.find(surface)
    return (start, start + len(surface)) if start >= 0 else (0, 0)


def map_data(layers: list[tuple[str, str, pd.DataFrame]], gazetteer: Gazetteer) -> dict:
    """The data of a map whose ``layers`` are ``(layer id, colour, mention rows)``.

    Rows are :data:`geo.table.MENTION_COLUMNS` rows; within a layer they are
    grouped per place, in place id order, mentions in document order.
    """
    articles, snippets, places, shapes = _Index(), _Index(), _Index(), _Index()
    out_layers = []
    for _, colour, rows in layers:
        rows = rows.sort_values(["place_id", "doc_id", "article", "start"], kind="stable")
        marks = []
        for place_id, group in rows.groupby("place_id", sort=False):
            first = group.iloc[0]
            shape = -1
            if first["kind"] in SHAPE_KINDS and gazetteer.has_shape(place_id):
                shape = shapes.number(place_id, _shape(place_id, gazetteer))
            place = places.number(place_id, [first["place_name"], first["kind"], first["country_code"],
                                             round(float(first["lat"]), 5), round(float(first["lon"]), 5),
                                             shape])
            entries = []
            for row in group.itertuples(index=False):
                article = articles.number((row.doc_id, row.article),
                                          [row.title, safe_url(row.url), row.date, row.source, row.doc_id])
                entries += [article, snippets.number(row.snippet), *_highlight(row.snippet, row.surface)]
            marks.append([place, entries])
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
