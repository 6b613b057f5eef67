"""Reader of the geoBoundaries CGAZ polygons for the focus countries.

``geoboundaries_cgaz_focus/XXX.geojson`` is ADM1 and ``XXX2.geojson`` ADM2 of one
country (ISO3 ``XXX``); each feature carries only ``shapeName``.
geoBoundaries CGAZ is CC BY 4.0 (attribution "geoBoundaries").
"""

from __future__ import annotations

from dataclasses import dataclass

from shapely.geometry.base import BaseGeometry

from .geometry import from_geojson
from .names import clean
from .sources import Sources

__all__ = ["FOCUS_ISO3", "Boundary", "read_level"]

#: Countries with geoBoundaries files in the source tree.
FOCUS_ISO3 = ("AFG", "ARM", "AZE", "CHN", "CYP", "CZE", "ESP", "GEO", "GRC", "IRN", "KAZ",
              "KGZ", "LBY", "MDA", "TJK", "TKM", "TUR", "UKR", "UZB")


@dataclass(frozen=True)
class Boundary:
    """One geoBoundaries polygon.

    Attributes
    ----------
    key : str
        Stable id within the build: ``<ISO3>-ADM<level>-<index in file>``.
    iso3 : str
    level : int
        1 or 2.
    name : str
        ``shapeName``, cleaned.
    geometry : BaseGeometry
        Unsimplified, lon/lat.
    """

    key: str
    iso3: str
    level: int
    name: str
    geometry: BaseGeometry


def read_level(sources: Sources, iso3: str, level: int) -> list[Boundary]:
    """The ADM1 (``level=1``) or ADM2 (``level=2``) polygons of a focus country, in file order."""
    rel = f"geoboundaries_cgaz_focus/{iso3}{'' if level == 1 else '2'}.geojson"
    out = []
    for i, feat in enumerate(sources.features(rel)):
        name = clean(feat["properties"].get("shapeName")).rstrip("*").strip()
        geom = from_geojson(feat.get("geometry"))
        if name and geom is not None:
            out.append(Boundary(f"{iso3}-ADM{level}-{i:04d}", iso3, level, name, geom))
    return out
