"""Geometry helpers: simplification for web maps, representative points, a polygon index.

Shapely works in ``(x=lon, y=lat)``; every function here that takes or returns a
point says so and uses ``(lat, lon)`` at its boundary, like the rest of the code.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

__all__ = [
    "TOLERANCE", "GRID", "from_geojson", "simplify", "central_latlon", "to_wkb",
    "union", "iou", "PolygonIndex", "polygonal", "line_through", "point",
]

#: Simplification tolerance in degrees, per place kind (``simplify(..., preserve_topology=True)``).
TOLERANCE = {
    "country": 0.01, "dependency": 0.01, "disputed": 0.005, "admin1": 0.01, "admin2": 0.005,
    "water": 0.02, "physical": 0.02, "island": 0.02,
    "continent": 0.05, "macro_region": 0.05, "historical": 0.05, "corridor": 0.0,
}
#: Coordinates are snapped to this grid (degrees) after simplification: ~11 m at the equator.
GRID = 1e-4


def from_geojson(geometry: dict | None) -> BaseGeometry | None:
    """Shapely geometry of a GeoJSON geometry object, repaired if invalid; ``None`` if absent or empty."""
    if not geometry:
        return None
    geom = shape(geometry)
    if geom.is_empty:
        return None
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    return polygonal(geom) if geom.geom_type not in ("Point", "LineString", "MultiLineString") else geom


def polygonal(geom: BaseGeometry) -> BaseGeometry | None:
    """Keep only the polygon parts of a geometry (``make_valid`` can return collections)."""
    if geom is None or geom.is_empty:
        return None
    if isinstance(geom, (Polygon, MultiPolygon)):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if isinstance(g, (Polygon, MultiPolygon))]
    if not parts:
        return None
    return shapely.union_all(parts)


def simplify(geom: BaseGeometry, kind: str) -> BaseGeometry | None:
    """Simplify for web maps and snap to :data:`GRID`; the result is valid and non-empty.

    Parameters
    ----------
    geom : BaseGeometry
        Polygonal or linear geometry in lon/lat.
    kind : str
        Place kind, which picks the tolerance in :data:`TOLERANCE`.

    Returns
    -------
    BaseGeometry or None
        ``None`` if nothing is left (a sliver smaller than the grid).
    """
    tolerance = TOLERANCE[kind]
    out = geom.simplify(tolerance, preserve_topology=True) if tolerance else geom
    for grid in (GRID, GRID / 10, GRID / 100):
        snapped = shapely.set_precision(out, grid)
        if not snapped.is_empty:
            if not snapped.is_valid:
                snapped = shapely.make_valid(snapped)
            if snapped.geom_type not in ("LineString", "MultiLineString"):
                snapped = polygonal(snapped)
            if snapped is not None and not snapped.is_empty:
                return snapped
    return None


def central_latlon(geom: BaseGeometry) -> tuple[float, float]:
    """``(lat, lon)`` of a point inside the geometry, near its middle; 5 decimals.

    The centroid of the largest part when it lies inside that part (most
    shapes); otherwise (a crescent, a province with a long panhandle like
    Badakhshan's Wakhan strip) whichever of GEOS's interior point and the pole
    of inaccessibility lies nearer the centroid. GEOS's interior point alone
    can land at the end of a panhandle; the pole alone at the far end of a
    long province (Gansu).
    """
    parts = getattr(geom, "geoms", None)
    part = max(parts, key=lambda p: p.area) if parts else geom
    centre = part.centroid
    if part.area == 0:  # a line or a point
        point = part.representative_point()
    elif part.contains(centre):
        point = centre
    else:
        candidates = [part.representative_point(), polylabel(part, tolerance=0.01)]
        point = min(candidates, key=lambda c: (c.distance(centre), c.x, c.y))
    return round(point.y, 5), round(point.x, 5)


def to_wkb(geom: BaseGeometry) -> bytes:
    """Little-endian 2-D WKB (lon/lat order, as WKB wants)."""
    return shapely.to_wkb(geom, output_dimension=2, byte_order=1)


def union(geoms: Iterable[BaseGeometry]) -> BaseGeometry | None:
    """Union of polygonal geometries (``None`` if there are none)."""
    parts = [g for g in geoms if g is not None and not g.is_empty]
    if not parts:
        return None
    return polygonal(shapely.union_all(parts))


def iou(a: BaseGeometry, b: BaseGeometry) -> float:
    """Intersection over union of two areas (0 when disjoint)."""
    inter = a.intersection(b).area
    if inter == 0:
        return 0.0
    return inter / (a.area + b.area - inter)


def line_through(points: Sequence[tuple[float, float]]) -> LineString:
    """LineString through ``(lat, lon)`` points, in that order."""
    return LineString([(lon, lat) for lat, lon in points])


class PolygonIndex:
    """Find which of a set of polygons contain points.

    Parameters
    ----------
    keys : sequence of str
        An id per polygon.
    geoms : sequence of BaseGeometry
        The polygons, lon/lat.
    """

    def __init__(self, keys: Sequence[str], geoms: Sequence[BaseGeometry]):
        self.keys = list(keys)
        self.geoms = list(geoms)
        self._tree = shapely.STRtree(self.geoms)
        self._position = {key: i for i, key in enumerate(self.keys)}

    def __len__(self) -> int:
        return len(self.keys)

    def containing(self, lats: Sequence[float], lons: Sequence[float]) -> list[list[str]]:
        """For each ``(lat, lon)``, the keys of the polygons covering it, sorted."""
        points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
        out: list[list[str]] = [[] for _ in range(len(points))]
        if len(points) == 0 or not self.keys:
            return out
        pt_idx, poly_idx = self._tree.query(points, predicate="intersects")
        for p, g in zip(pt_idx.tolist(), poly_idx.tolist()):
            out[p].append(self.keys[g])
        for keys in out:
            keys.sort()
        return out

    def first_containing(self, lat: float, lon: float) -> str | None:
        """The key of the single polygon covering ``(lat, lon)``, else ``None`` (none or several)."""
        hits = self.containing([lat], [lon])[0]
        return hits[0] if len(hits) == 1 else None

    def overlapping(self, geom: BaseGeometry) -> list[str]:
        """Keys of the polygons whose area intersects ``geom``, sorted."""
        idx = self._tree.query(geom, predicate="intersects")
        return sorted(self.keys[i] for i in idx.tolist())

    def geometry(self, key: str) -> BaseGeometry:
        """The polygon stored under ``key``."""
        return self.geoms[self._position[key]]


def point(lat: float, lon: float) -> Point:
    """Shapely point of ``(lat, lon)``."""
    return Point(lon, lat)
