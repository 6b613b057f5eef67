"""Populated places: GeoNames cities500, enriched with cities15000 and Who's On First.

Every cities500 record becomes ``gn:<geonameid>`` (kind ``city``), with its
parent admin1 from its admin1 code, its feature code from cities15000 (``PPLC``,
``PPLA``...; ``PPL`` for the smaller places cities15000 lacks) and all its
alternate names (filtered to Latin and Cyrillic when written).

WOF localities of the seven WOF countries add their names to the GeoNames place
with the same GeoNames id (or, failing that, sharing a name within 5 km). Other
current WOF localities become places of their own: ``gn:<gn_id>`` when WOF gives
a GeoNames id (the place is in GeoNames, below the cities500 threshold),
``wof:<id>`` otherwise.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pandas as pd

from gazetteer._schema import PLACE_COLUMNS
from gazetteer.place import Place

from .admin1 import Admin1Table
from .countries import CountryTable
from .names import fold
from .records import NAME_FRAME_COLUMNS, Layer
from .wof import WOF_COUNTRIES, WofRecord

__all__ = ["build_cities", "SAME_PLACE_KM"]

#: A WOF locality without GeoNames id is the GeoNames place of the same name within this distance.
SAME_PLACE_KM = 5.0


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6371.0 * math.hypot(x, y)


def build_cities(
    cities: pd.DataFrame,
    alternates: pd.DataFrame,
    big_cities: pd.DataFrame,
    countries: CountryTable,
    admin1: Admin1Table,
    localities: list[WofRecord],
    taken_ids: set[str],
) -> tuple[Layer, dict]:
    """Build the populated places.

    Parameters
    ----------
    cities, alternates : DataFrame
        GeoNames cities500 and its alternate names (:func:`geonames.read_cities500`).
    big_cities : DataFrame
        GeoNames cities15000 (feature codes, more alternate names).
    countries : CountryTable
    admin1 : Admin1Table
    localities : list of WofRecord
        Current WOF localities.
    taken_ids : set of str
        Place ids other parts of the build already use.

    Returns
    -------
    layer : Layer
    report : dict
    """
    gid = cities["geonameid"]
    admin_key = cities["cc"] + "." + cities["admin1"]
    country_ids = cities["cc"].map(lambda cc: countries.place_id(cc))
    parent = admin_key.map(admin1.place_by_code).fillna(country_ids).fillna("")
    codes = dict(zip(big_cities["geonameid"], big_cities["feature_code"]))
    places = pd.DataFrame({
        "place_id": "gn:" + gid.astype(str),
        "name": cities["name"],
        "kind": "city",
        "country_code": cities["cc"],
        "lat": cities["lat"].round(5),
        "lon": cities["lon"].round(5),
        "population": cities["population"].astype("int64"),
        "parent_id": parent,
        "feature_code": gid.map(codes).fillna("PPL").replace("", "PPL"),
        "source": "geonames",
    })[list(PLACE_COLUMNS)]
    known = set(gid.tolist())
    big = big_cities[big_cities["geonameid"].isin(known)]
    big_alts = big[["geonameid", "alternatenames"]].explode("alternatenames").dropna()
    name_frames = [
        pd.DataFrame({"place_id": "gn:" + alternates["geonameid"].astype(str), "name": alternates["name"]}),
        pd.DataFrame({"place_id": "gn:" + big_alts["geonameid"].astype(str), "name": big_alts["alternatenames"]}),
    ]

    # WOF localities
    in_wof = cities[cities["cc"].isin(WOF_COUNTRIES)]
    where = {g: (cc, lat, lon) for g, cc, lat, lon in zip(in_wof["geonameid"].tolist(), in_wof["cc"].tolist(),
                                                           in_wof["lat"].tolist(), in_wof["lon"].tolist())}
    wof_alts = alternates[alternates["geonameid"].isin(where)]
    by_name: dict[tuple[str, str], set[int]] = defaultdict(set)
    for g, name in list(zip(in_wof["geonameid"].tolist(), in_wof["name"].tolist())) + \
            list(zip(wof_alts["geonameid"].tolist(), wof_alts["name"].tolist())):
        by_name[(where[g][0], fold(name))].add(g)
    extra_names: list[tuple[str, str]] = []
    new_rows: list[dict] = []
    created: set[str] = set()
    report = {"wof_localities_merged_by_gn_id": 0, "wof_localities_merged_by_name": 0,
              "wof_localities_added": 0}
    a1_indexes = {cc: admin1.index(cc) for cc in WOF_COUNTRIES}
    for rec in localities:
        names = (rec.name, *rec.names)
        target = None
        if rec.gn_id in known:
            target = f"gn:{rec.gn_id}"
            report["wof_localities_merged_by_gn_id"] += 1
        else:
            candidates = set()
            for n in names:
                candidates |= by_name.get((rec.country, fold(n)), set())
            near = [g for g in candidates if _km(rec.lat, rec.lon, where[g][1], where[g][2]) <= SAME_PLACE_KM]
            if near:
                target = f"gn:{min(near)}"
                report["wof_localities_merged_by_name"] += 1
        if target is None:
            pid = f"gn:{rec.gn_id}" if rec.gn_id else f"wof:{rec.wof_id}"
            if pid in taken_ids:
                pid = f"wof:{rec.wof_id}"
            if pid in created:
                target = pid
            else:
                parent_id = admin1.wof_region_place.get(rec.region_id or -1, "")
                if not parent_id and rec.country in a1_indexes:
                    parent_id = a1_indexes[rec.country].first_containing(rec.lat, rec.lon) or ""
                parent_id = parent_id or countries.place_id(rec.country)
                place = Place(place_id=pid, name=rec.name, kind="city", country_code=rec.country,
                              lat=round(rec.lat, 5), lon=round(rec.lon, 5), population=rec.population,
                              parent_id=parent_id, feature_code="PPL", source="wof")
                new_rows.append({c: getattr(place, c) for c in PLACE_COLUMNS})
                created.add(pid)
                report["wof_localities_added"] += 1
                target = pid
        extra_names.extend((target, n) for n in names)
    if new_rows:
        places = pd.concat([places, pd.DataFrame(new_rows, columns=list(PLACE_COLUMNS))], ignore_index=True)
    name_frames.append(pd.DataFrame(extra_names, columns=["place_id", "name"]))
    names = pd.concat(name_frames, ignore_index=True)
    names["name_type"] = "alternate"
    names = names[NAME_FRAME_COLUMNS]
    _validate(places)
    return Layer(places, names, {}), report


def _validate(places: pd.DataFrame) -> None:
    """Check every row satisfies :class:`Place` (coordinates in range), vectorised."""
    bad = places[~(places["lat"].between(-90, 90) & places["lon"].between(-180, 180))
                 | places["lat"].isna() | places["lon"].isna()]
    if len(bad):
        row = bad.iloc[0]
        Place(**{c: row[c] for c in PLACE_COLUMNS})  # raises with the standard message
    if not np.all(places["kind"] == "city"):
        raise ValueError("populated places layer holds a kind other than 'city'")
