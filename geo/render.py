"""Folium maps of the mentions: one overlay layer per theme, one marker per place.

Mentions are grouped per (theme, place): a place named 40 times in a theme is
one circle sized by that count whose popup lists the articles. Places with a
shape (provinces, districts, disputed areas, seas, regions) are drawn as light
polygons and corridors as lines, so "Khatlon Province" shows as the province,
not as a pin in its middle.
"""

from __future__ import annotations

import itertools
import math

import folium
import pandas as pd
from branca.element import Element

from gazetteer import LINE_KINDS, Gazetteer

from .escape import escape_text, safe_url
from .map_elements import MapTitle
from .places import UNTHEMED, explode_themes
from .themes import Theme

__all__ = ["ATTRIBUTION", "build_map", "render_html"]

ATTRIBUTION = (
    'Tiles &copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
    ' | Places: <a href="https://www.geonames.org/">GeoNames</a> (CC BY 4.0),'
    ' <a href="https://whosonfirst.org/">Who&#39;s On First</a> (CC BY),'
    ' <a href="https://www.geoboundaries.org/">geoBoundaries</a> (CC BY 4.0),'
    ' <a href="https://www.naturalearthdata.com/">Natural Earth</a>'
)
_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
_UNTHEMED_COLOUR = "#777777"
_ARTICLES_PER_POPUP = 25
# Drawn as their shape: a mention of "Khatlon Province" is the province, not a pin in it.
# Countries and larger stay points: a shaded Russia would cover every other layer.
_SHAPE_KINDS = frozenset({"admin1", "admin2", "disputed", "macro_region", "water", "physical",
                          "island"}) | LINE_KINDS
_SNIPPETS_PER_ARTICLE = 3


def _popup_html(group: pd.DataFrame) -> str:
    """Place, kind and country, then each article with its sentence, matched words in bold."""
    first = group.iloc[0]
    country = f", {escape_text(first['country_code'])}" if first["country_code"] else ""
    parts = [f"<b>{escape_text(first['place_name'])}</b> <small>({escape_text(first['kind'])}"
             f"{country}) · {len(group)} mention{'s' if len(group) != 1 else ''}</small>"]
    articles = group.groupby(["doc_id", "article"], sort=False)
    for count, ((_, _), rows) in enumerate(articles):
        if count == _ARTICLES_PER_POPUP:
            parts.append(f"<p><i>and {articles.ngroups - count} more articles</i></p>")
            break
        head = rows.iloc[0]
        title = escape_text(head["title"] or head["doc_id"])
        url = safe_url(head["url"])
        if url:
            title = f'<a href="{escape_text(url)}" target="_blank" rel="noopener noreferrer">{title}</a>'
        meta = " · ".join(escape_text(v) for v in (head["date"], head["source"]) if v)
        snippets = []
        for _, row in rows.drop_duplicates("snippet").head(_SNIPPETS_PER_ARTICLE).iterrows():
            snippets.append(_highlight(row["snippet"], row["surface"]))
        parts.append(f"<p style='margin:6px 0'>{title}<br><small>{meta}</small><br>"
                     + "<br>".join(f"“{s}”" for s in snippets) + "</p>")
    return "<div style='max-height:300px;overflow:auto'>" + "".join(parts) + "</div>"


def _highlight(snippet: str, surface: str) -> str:
    """``snippet`` escaped, with the first occurrence of ``surface`` in bold."""
    index = snippet.find(surface)
    if index < 0:
        return escape_text(snippet)
    return (escape_text(snippet[:index]) + "<b>" + escape_text(surface) + "</b>"
            + escape_text(snippet[index + len(surface):]))


def _add_place(layer, group: pd.DataFrame, colour: str, gazetteer: Gazetteer) -> None:
    first = group.iloc[0]
    count = len(group)
    popup = folium.Popup(_popup_html(group), max_width=420)
    tooltip = folium.Tooltip(f"{escape_text(first['place_name'])} ({count})")
    place_id, kind = first["place_id"], first["kind"]
    if kind in _SHAPE_KINDS and gazetteer.has_shape(place_id):
        geometry = gazetteer.geometry(place_id)
        line = kind in LINE_KINDS
        style = {"color": colour, "weight": 4 if line else 1.5, "opacity": 0.8,
                 "fillColor": colour, "fillOpacity": 0.0 if line else 0.12}
        shape = folium.GeoJson(geometry.__geo_interface__, style_function=lambda _, s=style: s,
                               highlight_function=None, control=False)
        shape.add_child(popup)
        shape.add_child(tooltip)
        shape.add_to(layer)
        return
    folium.CircleMarker(
        location=[float(first["lat"]), float(first["lon"])],
        radius=round(4 + 3 * math.sqrt(count), 1), color=colour, weight=1.5,
        fill=True, fill_color=colour, fill_opacity=0.6, popup=popup, tooltip=tooltip,
    ).add_to(layer)


def build_map(mentions: pd.DataFrame, themes: list[Theme], gazetteer: Gazetteer, *,
              title: str = "geomap", only_theme: str | None = None) -> folium.Map:
    """A map of ``mentions``: an overlay per theme (or only ``only_theme``) with a layer control.

    The unthemed layer is included, hidden by default, on the combined map.
    """
    themed = explode_themes(mentions)
    layers = [(t.id, t.title, t.colour, True) for t in themes]
    if only_theme is not None:
        layers = [layer for layer in layers if layer[0] == only_theme]
    else:
        layers.append((UNTHEMED, "Unthemed", _UNTHEMED_COLOUR, False))
    shown = themed[themed["theme"].isin([layer[0] for layer in layers])]
    fmap = folium.Map(location=[30.0, 50.0], zoom_start=3, tiles=None, max_zoom=18,
                      control_scale=True, prefer_canvas=True)
    folium.TileLayer(_TILES, attr=ATTRIBUTION, name="OpenStreetMap", control=False,
                     max_zoom=18).add_to(fmap)
    for theme_id, label, colour, show in layers:
        rows = shown[shown["theme"] == theme_id]
        layer = folium.FeatureGroup(name=escape_text(f"{label} ({len(rows)})"), show=show)
        for _, group in rows.groupby("place_id", sort=True):
            _add_place(layer, group.sort_values(["doc_id", "article", "start"]), colour, gazetteer)
        layer.add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    MapTitle(title, [(label, colour) for _, label, colour, _ in layers]).add_to(fmap)
    if len(shown):
        south, north = float(shown["lat"].min()), float(shown["lat"].max())
        west, east = float(shown["lon"].min()), float(shown["lon"].max())
        fmap.fit_bounds([[south, west], [north, east]], padding=(20, 20))
    return fmap


def _deterministic_ids(root: Element) -> None:
    """Replace folium's random element ids by a counter, so the same input gives the same bytes."""
    counter = itertools.count()
    seen = set()

    def visit(element: Element) -> None:
        if id(element) in seen:
            return
        seen.add(id(element))
        element._id = f"{next(counter):06d}"
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


def render_html(fmap: folium.Map) -> str:
    """The standalone HTML page of ``fmap``, identical for identical input."""
    figure = fmap.get_root()
    _deterministic_ids(figure)
    return figure.render()
