"""Curated places drawn through the points of real towns of the gazetteer.

A curated feature with ``waypoints`` (name and ISO2 country of populated
places) gets its geometry at build time, so no coordinate is typed where a real
point exists. Its ``shape`` property says how:

``line`` (default)
    A line through the waypoints in order: corridors and rivers. The place's
    point is the middle of the line.
``band``
    That line buffered by ``buffer_km`` on each side: valleys and gorges. The
    point is the middle of the line.
``hull``
    The convex hull of the waypoints buffered by ``buffer_km``: lakes, straits,
    islands and regions drawn around their shore or member towns. The point is
    the centroid of the (convex, so containing it) polygon.

Buffers are computed in a local frame where one degree of longitude is scaled
by the cosine of the latitude, so ``buffer_km`` is roughly the same distance in
every direction. The shapes are schematic: they show where a place is, not its
surveyed outline.
"""

from __future__ import annotations

import math
from collections import defaultdict

import pandas as pd
from shapely.affinity import scale
from shapely.geometry import MultiPoint
from shapely.geometry.base import BaseGeometry

from .geometry import line_through
from .records import Layer
from .sources import SourceError

__all__ = ["Towns", "draw", "SHAPES", "KM_PER_DEGREE"]

#: Values of the ``shape`` property.
SHAPES = ("line", "band", "hull")
#: Kilometres per degree of latitude, for ``buffer_km``.
KM_PER_DEGREE = 111.2


class Towns:
    """Populated places of some countries, looked up by any of their names.

    Parameters
    ----------
    cities : Layer
        The populated places of the gazetteer.
    wanted : set of (name, iso2)
        The waypoints that will be looked up.
    """

    def __init__(self, cities: Layer, wanted: set[tuple[str, str]]):
        lowered = {name.lower() for name, _ in wanted}
        countries = {cc for _, cc in wanted}
        places = cities.places[cities.places["country_code"].isin(countries)]
        self._rows = {r.place_id: r for r in places.itertuples(index=False)}
        names = cities.names[cities.names["place_id"].isin(self._rows)]
        pairs = pd.concat([places[["place_id", "name"]], names[["place_id", "name"]]], ignore_index=True)
        pairs = pairs[pairs["name"].astype(str).str.lower().isin(lowered)]
        self._index: dict[tuple[str, str], set[str]] = defaultdict(set)
        for pid, name in zip(pairs["place_id"].tolist(), pairs["name"].tolist()):
            self._index[(self._rows[pid].country_code, str(name).lower())].add(pid)

    def find(self, name: str, country_code: str, where: str) -> tuple[float, float, str]:
        """``(lat, lon, place_id)`` of the most populous town of that name in that country.

        Raises
        ------
        SourceError
            If the country has no populated place of that name.
        """
        hits = self._index.get((country_code, name.lower()), set())
        if not hits:
            raise SourceError(f"{where}: waypoint {name!r} ({country_code}) is not a populated place of the "
                              "gazetteer; use a name GeoNames or WOF gives it, or another town on the route")
        best = max(sorted(hits), key=lambda pid: self._rows[pid].population)
        row = self._rows[best]
        return float(row.lat), float(row.lon), best


def _buffer(geom: BaseGeometry, km: float, lat: float) -> BaseGeometry:
    """Buffer by ``km`` in a frame where longitude is scaled by cos(lat)."""
    shrink = math.cos(math.radians(lat))
    local = scale(geom, xfact=shrink, yfact=1.0, origin=(0, 0))
    return scale(local.buffer(km / KM_PER_DEGREE, quad_segs=4), xfact=1.0 / shrink, yfact=1.0, origin=(0, 0))


def draw(props: dict, towns: Towns, where: str) -> tuple[float, float, BaseGeometry]:
    """The point ``(lat, lon)`` and geometry of a curated feature with ``waypoints``.

    Raises
    ------
    SourceError
        If the shape is unknown, a waypoint is not a town, there are too few
        waypoints, or a ``band``/``hull`` has no positive ``buffer_km``.
    """
    shape_ = props.get("shape", "line")
    if shape_ not in SHAPES:
        raise SourceError(f"{where}: shape {shape_!r}; expected one of {SHAPES}")
    pts = [towns.find(w["name"], w["country_code"], where)[:2] for w in props["waypoints"]]
    need = 3 if shape_ == "hull" else 2
    if len(pts) < need:
        raise SourceError(f"{where}: a {shape_} needs at least {need} waypoints; got {len(pts)}")
    km = float(props.get("buffer_km", 0))
    if shape_ != "line" and km <= 0:
        raise SourceError(f"{where}: a {shape_} needs a positive 'buffer_km' (the half-width in km)")
    mid_lat = sum(lat for lat, _ in pts) / len(pts)
    if shape_ == "hull":
        geom = _buffer(MultiPoint([(lon, lat) for lat, lon in pts]).convex_hull, km, mid_lat)
        centre = geom.centroid
    else:
        line = line_through(pts)
        centre = line.interpolate(0.5, normalized=True)
        geom = line if shape_ == "line" else _buffer(line, km, mid_lat)
    return round(centre.y, 5), round(centre.x, 5), geom
