"""Curated places and names from ``gazetteer/curated/``.

Files (all written by hand, each feature or row with a note on its source):

``corridors.geojson``
    Roads and corridors (kind ``corridor``). Geometry is ``null`` in the file:
    the build draws a line through the gazetteer points of the ``waypoints``
    (name and country of real populated places), so no coordinate is typed
    where a real point exists.
``water.geojson``
    Rivers, lakes, reservoirs and straits that no source draws (kind
    ``water``), drawn through town points like the corridors (see
    :mod:`.drawn`: a line along a river, a hull around a lake's shore towns).
``landforms.geojson``
    Valleys, gorges, mountains and islands missing from Natural Earth (kinds
    ``physical`` and ``island``), drawn the same way (a band along a valley, a
    hull around the towns in it).
``regions.geojson``
    Macro-regions, former states and composite disputed areas. Geometry is
    ``null``: the build unions the Natural Earth polygons of the ``countries``
    (ISO2 codes) and the geometries of the ``places`` (place ids of this
    gazetteer), the latter optionally clipped to ``clip_places_to``
    ``[min_lon, min_lat, max_lon, max_lat]``. A region whose members have no
    polygon in the sources has ``waypoints`` instead and is drawn as a hull.
``venues.geojson``
    Buildings and sites (kind ``venue``) with Point geometry.
``aliases.csv``
    ``place_id,name,name_type,note``: extra names of existing places (USA,
    Türkiye, Leninabad...). ``name_type`` ``canonical`` renames the place (its old
    name stays as an alternate).
``demonyms.csv``
    ``country_iso2,demonym``: adjectives and people names of countries.
``ne_name_fixes.csv``
    ``layer,label,name,note``: names for Natural Earth labels the casing and
    abbreviation rules cannot read (``S. Nevada`` -> ``Sierra Nevada``).
``recognised_countries.csv``
    ``brk_a3,country_iso2,note``: the internationally recognised country of
    Natural Earth disputed areas whose administering country is not it
    (Crimea -> UA); see :mod:`.disputed`.
``ne_point_fixes.csv``
    ``place_id,elevation_point,note``: Natural Earth regions whose polygon is a
    broken sliver, moved to a named NE elevation point (or left out with ``-``).
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict

import pandas as pd
from shapely.geometry import box, shape

from gazetteer._schema import NAME_TYPES
from gazetteer.place import KINDS, Place

from .admin1 import Admin1Table
from .countries import CountryTable
from .drawn import Towns, draw
from .geometry import central_latlon, simplify, union
from .names import clean
from .records import Layer, Name, PlaceRecord
from .sources import SourceError, Sources

__all__ = ["read_name_fixes", "read_recognised_countries", "apply_point_fixes", "build_curated", "curated_names"]


def _csv(sources: Sources, name: str, columns: list[str]) -> list[dict]:
    path = sources.curated_path(name)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != columns:
            raise SourceError(f"{path}: header is {reader.fieldnames}; expected {columns}")
        rows = []
        for line, row in enumerate(reader, start=2):
            row = {k: clean(v) for k, v in row.items()}
            if any(not row[c] for c in columns if c != "note"):
                raise SourceError(f"{path}, line {line}: empty field in {row}; every column but 'note' is required")
            row["_where"] = f"{path.name}, line {line}"
            rows.append(row)
    return rows


def read_name_fixes(sources: Sources) -> dict[str, dict[str, str]]:
    """Curated Natural Earth names: layer (``marine``, ``regions``, ``disputed``) -> label -> name."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for row in _csv(sources, "ne_name_fixes.csv", ["layer", "label", "name", "note"]):
        out[row["layer"]][row["label"]] = row["name"]
    return dict(out)


def read_recognised_countries(sources: Sources, countries: CountryTable) -> dict[str, str]:
    """``recognised_countries.csv``: NE ``brk_a3`` -> ISO2 of the recognised country.

    Raises
    ------
    SourceError
        If a row names a country the gazetteer does not have.
    """
    out = {}
    for row in _csv(sources, "recognised_countries.csv", ["brk_a3", "country_iso2", "note"]):
        if row["country_iso2"] not in countries.by_iso2:
            raise SourceError(f"{row['_where']}: country {row['country_iso2']!r} is not in the gazetteer; "
                              "use an ISO 3166-1 alpha-2 code of countryInfo.tsv")
        out[row["brk_a3"]] = row["country_iso2"]
    return out


def apply_point_fixes(sources: Sources, layer: Layer, peaks: dict[str, tuple[float, float]]) -> tuple[Layer, dict]:
    """Apply ``ne_point_fixes.csv`` to the Natural Earth physical layer.

    Each row moves a place whose NE polygon is broken to a named NE elevation
    point (and drops its geometry and country code), or, with ``-``, leaves the
    place out.

    Raises
    ------
    SourceError
        If a row names a place or an elevation point that does not exist.
    """
    places = layer.places.copy()
    geoms = dict(layer.geometries)
    dropped, moved = [], []
    for row in _csv(sources, "ne_point_fixes.csv", ["place_id", "elevation_point", "note"]):
        mask = places["place_id"] == row["place_id"]
        if not mask.any():
            raise SourceError(f"{row['_where']}: place id {row['place_id']!r} is not a Natural Earth physical place")
        geoms.pop(row["place_id"], None)
        if row["elevation_point"] == "-":
            places = places[~mask]
            dropped.append(row["place_id"])
            continue
        if row["elevation_point"] not in peaks:
            raise SourceError(f"{row['_where']}: {row['elevation_point']!r} is not a named point of "
                              "ne_10m_geography_regions_elevation_points.json")
        lat, lon = peaks[row["elevation_point"]]
        places.loc[mask, ["lat", "lon", "country_code"]] = [lat, lon, ""]
        moved.append(f"{row['place_id']} -> {row['elevation_point']}")
    names = layer.names[layer.names["place_id"].isin(set(places["place_id"]))]
    return Layer(places, names, geoms), {"physical_moved_to_peak": moved, "physical_dropped_broken": dropped}


def _features(sources: Sources, name: str) -> list[dict]:
    path = sources.curated_path(name)
    with path.open(encoding="utf-8") as fh:
        doc = json.load(fh)
    if doc.get("type") != "FeatureCollection":
        raise SourceError(f"{path}: a GeoJSON {doc.get('type')!r}; expected a FeatureCollection")
    out = []
    for i, feat in enumerate(doc["features"]):
        props = feat.get("properties") or {}
        for key in ("place_id", "name", "kind", "country_code", "names", "source"):
            if key not in props:
                raise SourceError(f"{path}, feature {i} ({props.get('name')!r}): property {key!r} is missing; "
                                  "every curated feature needs place_id, name, kind, country_code, names and source")
        if props["kind"] not in KINDS:
            raise SourceError(f"{path}, feature {i}: kind {props['kind']!r}; expected one of {KINDS}")
        if not str(props["place_id"]).startswith(("geomap:", "gn:")):
            raise SourceError(f"{path}, feature {i}: place_id {props['place_id']!r}; curated ids start with 'geomap:'")
        out.append({"where": f"{path.name}, feature {i} ({props['name']})", "props": props,
                    "geometry": feat.get("geometry")})
    return out


def build_curated(
    sources: Sources,
    countries: CountryTable,
    admin1: Admin1Table,
    cities: Layer,
    other_geometries: dict,
) -> tuple[Layer, dict]:
    """Build corridors, regions and venues.

    Parameters
    ----------
    sources : Sources
    countries : CountryTable
        Country polygons for the unions.
    admin1 : Admin1Table
        Parents of venues.
    cities : Layer
        Populated places, for corridor waypoints.
    other_geometries : dict
        place id -> geometry of the places built so far (water, disputed...).

    Returns
    -------
    layer : Layer
    report : dict
    """
    records: list[PlaceRecord] = []
    report: dict = {"curated_regions_missing_countries": []}

    drawn = _features(sources, "corridors.geojson") + _features(sources, "water.geojson") \
        + _features(sources, "landforms.geojson")
    regions = _features(sources, "regions.geojson")
    wanted = {(w["name"], w["country_code"]) for f in drawn + regions for w in f["props"].get("waypoints", [])}
    towns = Towns(cities, wanted)
    for f in drawn:
        p = f["props"]
        if not p.get("waypoints"):
            raise SourceError(f"{f['where']}: property 'waypoints' is missing; list the towns to draw it through")
        lat, lon, geom = draw(p, towns, f["where"])
        records.append(_record(p, lat, lon, simplify(geom, p["kind"]), ""))

    for f in regions:
        p = f["props"]
        if p.get("waypoints"):
            lat, lon, geom = draw(p, towns, f["where"])
            records.append(_record(p, lat, lon, simplify(geom, p["kind"]), ""))
            continue
        parts = []
        for iso2 in p.get("countries", []):
            country = countries.by_iso2.get(iso2)
            if country is None or country.geometry is None:
                report["curated_regions_missing_countries"].append(f"{p['place_id']}: {iso2}")
                continue
            parts.append(country.geometry)
        clip = box(*p["clip_places_to"]) if p.get("clip_places_to") else None
        for pid in p.get("places", []):
            if pid not in other_geometries:
                raise SourceError(f"{f['where']}: member place {pid!r} has no geometry in the gazetteer; "
                                  "use the id of an area built from the sources (see places.parquet)")
            geom = other_geometries[pid]
            parts.append(geom.intersection(clip) if clip is not None else geom)
        geom = union(parts)
        if geom is None:
            raise SourceError(f"{f['where']}: no member has a geometry; list ISO2 codes in 'countries' "
                              "or place ids in 'places'")
        lat, lon = central_latlon(geom)
        kind = p["kind"]
        records.append(_record(p, lat, lon, simplify(geom, "admin1" if kind == "disputed" else kind), ""))

    for f in _features(sources, "venues.geojson"):
        p = f["props"]
        g = f["geometry"]
        if not g or g.get("type") != "Point":
            raise SourceError(f"{f['where']}: a venue needs a Point geometry [lon, lat]")
        pt = shape(g)
        lat, lon = round(pt.y, 5), round(pt.x, 5)
        parent = ""
        if p["country_code"]:
            parent = admin1.index(p["country_code"]).first_containing(lat, lon) or countries.place_id(p["country_code"])
        records.append(_record(p, lat, lon, None, parent))
    return Layer.from_records(records), report


def _record(p: dict, lat: float, lon: float, geometry, parent: str) -> PlaceRecord:
    names = [Name(n) for n in p.get("names", [])]
    names += [Name(n, "abbreviation") for n in p.get("abbreviations", [])]
    names += [Name(n, "historical") for n in p.get("historical_names", [])]
    place = Place(place_id=p["place_id"], name=p["name"], kind=p["kind"], country_code=p["country_code"],
                  lat=lat, lon=lon, population=int(p.get("population", 0)), parent_id=parent,
                  feature_code=p.get("feature_code", ""), source="curated")
    return PlaceRecord(place, tuple(names), geometry)


def curated_names(sources: Sources, places: pd.DataFrame, countries: CountryTable) -> tuple[pd.DataFrame, dict[str, str]]:
    """Names from ``aliases.csv`` and ``demonyms.csv``.

    Returns
    -------
    names : DataFrame
        ``place_id, name, name_type`` rows.
    renames : dict
        place id -> new canonical name (rows of type ``canonical``).

    Raises
    ------
    SourceError
        If a row names a place id or country the gazetteer does not have.
    """
    known = set(places["place_id"])
    rows, renames = [], {}
    for row in _csv(sources, "aliases.csv", ["place_id", "name", "name_type", "note"]):
        if row["place_id"] not in known:
            raise SourceError(f"{row['_where']}: place id {row['place_id']!r} is not in the gazetteer; "
                              "check the id in places.parquet (countries are gn:<geonameid>)")
        if row["name_type"] not in NAME_TYPES:
            raise SourceError(f"{row['_where']}: name_type {row['name_type']!r}; expected one of {NAME_TYPES}")
        if row["name_type"] == "canonical":
            renames[row["place_id"]] = row["name"]
        else:
            rows.append((row["place_id"], row["name"], row["name_type"]))
    for row in _csv(sources, "demonyms.csv", ["country_iso2", "demonym"]):
        pid = countries.place_id(row["country_iso2"])
        if not pid:
            raise SourceError(f"{row['_where']}: country {row['country_iso2']!r} is not in the gazetteer; "
                              "use an ISO 3166-1 alpha-2 code of countryInfo.tsv")
        rows.append((pid, row["demonym"], "demonym"))
    return pd.DataFrame(rows, columns=["place_id", "name", "name_type"]), renames
