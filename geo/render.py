"""Folium maps of the mentions: one overlay layer per theme, one mark per place.

Mentions are grouped per (theme, place): a place named 40 times in a theme is
one canvas circle sized by that count whose popup lists the articles. Places
with a shape (provinces, districts, disputed areas, seas, regions) are drawn
as light polygons and corridors as lines, so "Khatlon Province" shows as the
province, not as a pin in its middle. The places are drawn in the browser from
one compact data array (:mod:`geo.map_data`, ``geo/static/geomap.js``), which
keeps 100,000 mentions to a few MB.
"""

from __future__ import annotations

import itertools
import math
import re

import folium
import pandas as pd
from branca.element import Element

from gazetteer import Gazetteer

from .assets import lean_assets
from .escape import escape_text
from .digest import UNTHEMED, MentionDigest, as_digest
from .map_data import map_data
from .map_elements import MapTitle, ThemeLayers
from .mention_store import MentionStore
from .themes import Theme

__all__ = ["ATTRIBUTION", "build_map", "map_prefix", "render_html"]

ATTRIBUTION = (
    'Tiles &copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
    ' | Places: <a href="https://www.geonames.org/">GeoNames</a> (CC BY 4.0),'
    ' <a href="https://whosonfirst.org/">Who&#39;s On First</a> (CC BY),'
    ' <a href="https://www.geoboundaries.org/">geoBoundaries</a> (CC BY 4.0),'
    ' <a href="https://www.naturalearthdata.com/">Natural Earth</a>'
)
_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
_UNTHEMED_COLOUR = "#777777"
_CHOROPLETH_LEVELS = ("country", "admin1")


def _layers(themes: list[Theme], only_theme: str | None) -> list[tuple[str, str, str, bool]]:
    """(layer id, label, colour, shown at start) of each overlay."""
    layers = [(t.id, t.title, t.colour, True) for t in themes]
    if only_theme is not None:
        return [layer for layer in layers if layer[0] == only_theme]
    return layers + [(UNTHEMED, "Unthemed", _UNTHEMED_COLOUR, False)]


def build_map(mentions: pd.DataFrame | MentionStore | MentionDigest, themes: list[Theme],
              gazetteer: Gazetteer, *, title: str = "geomap", only_theme: str | None = None,
              choropleth: str | None = None) -> folium.Map:
    """A map of ``mentions``: an overlay per theme (or only ``only_theme``) with a layer control.

    Each overlay holds one canvas circle per place sized by its mentions (regions as light
    polygons, corridors as lines) whose popup lists the latest articles naming it; the
    unthemed layer is included, hidden, on the combined map. ``choropleth`` ("country" or
    "admin1") adds a hidden layer shading each country or province by its mentions.
    ``mentions`` is the mentions table, in memory or a store, or its digest (made once for
    all the maps of a build).
    """
    if choropleth not in (None, *_CHOROPLETH_LEVELS):
        raise ValueError(f"choropleth {choropleth!r}; expected one of {_CHOROPLETH_LEVELS}")
    digest = as_digest(mentions)
    layers = _layers(themes, only_theme)
    fmap = folium.Map(location=[30.0, 50.0], zoom_start=3, tiles=None, max_zoom=18,
                      control_scale=True, prefer_canvas=True)
    lean_assets(fmap)
    folium.TileLayer(_TILES, attr=ATTRIBUTION, name="OpenStreetMap", control=False,
                     max_zoom=18).add_to(fmap)
    groups, data_layers, shown = [], [], []
    for theme_id, label, colour, show in layers:
        tallies = digest.place_tallies(theme_id)
        group = folium.FeatureGroup(name=escape_text(f"{label} ({digest.theme_tally(theme_id).mentions})"),
                                    show=show)
        group.add_to(fmap)
        groups.append(group)
        data_layers.append((theme_id, colour, tallies))
        shown += tallies
    if choropleth:
        _choropleth(digest, gazetteer, choropleth).add_to(fmap)
    MapTitle(title, [(label, colour) for _, label, colour, _ in layers]).add_to(fmap)
    ThemeLayers(map_data(data_layers, gazetteer), groups, tiles=_TILES).add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    if shown:
        lats = [float(t.place[3]) for t in shown]
        lons = [float(t.place[4]) for t in shown]
        fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(20, 20))
    return fmap


def _choropleth(digest: MentionDigest, gazetteer: Gazetteer, level: str) -> folium.FeatureGroup:
    """A hidden layer shading each country (or province) by how often it or a place in it is named."""
    counts: dict[str, int] = {}
    for place_id, n in digest.place_mentions.items():
        try:
            place = gazetteer.get(place_id)
        except KeyError:
            continue  # a place the optional online geocoder found: no division of ours holds it
        for area in [place, *gazetteer.ancestors(place_id)]:
            if area.kind == level:
                counts[area.place_id] = counts.get(area.place_id, 0) + int(n)
                break
    group = folium.FeatureGroup(name=f"Mentions per {'country' if level == 'country' else 'province'}",
                                show=False)
    top = max(counts.values(), default=1)
    for area_id in sorted(counts):
        if not gazetteer.has_shape(area_id):
            continue
        share = math.log1p(counts[area_id]) / math.log1p(top)
        style = {"color": "#444444", "weight": 0.5, "fillColor": "#b2182b",
                 "fillOpacity": round(0.1 + 0.6 * share, 3)}
        shape = folium.GeoJson(gazetteer.geometry(area_id).__geo_interface__,
                               style_function=lambda _, s=style: s, control=False)
        folium.Tooltip(escape_text(f"{gazetteer.get(area_id).name}: {counts[area_id]} mentions")).add_to(shape)
        shape.add_to(group)
    return group


def _deterministic_ids(root: Element, prefix: str) -> None:
    """Replace folium's random element ids by ``prefix`` and a counter, so the same input gives
    the same bytes and two maps of different prefixes can share one page."""
    counter = itertools.count()
    seen = set()

    def visit(element: Element) -> None:
        if id(element) in seen:
            return
        seen.add(id(element))
        element._id = f"{prefix}_{next(counter):04d}"
        renamed = {}
        for key, child in element._children.items():
            keyed_by_name = key == child.get_name()
            visit(child)
            renamed[child.get_name() if keyed_by_name else key] = child
        element._children = renamed
        for value in vars(element).values():
            if isinstance(value, Element) and value is not element._parent:
                visit(value)

    visit(root)


def map_prefix(name: str) -> str:
    """An element id prefix from a file or theme name: lowercase letters, digits and ``_``.

    >>> map_prefix("armenia-azerbaijan")
    'armenia_azerbaijan'
    """
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "map"


def render_html(fmap: folium.Map, prefix: str = "map") -> str:
    """The standalone HTML page of ``fmap``, identical for identical input."""
    figure = fmap.get_root()
    _deterministic_ids(figure, map_prefix(prefix))
    return figure.render()
