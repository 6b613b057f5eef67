"""Readers of the Who's On First extracts (``wof/``) for seven countries.

``wof_<cc>_all_records.jsonl.gz`` has every record (id, placetype, names, label
point, hierarchy, GeoNames id); ``wof_<cc>_admin_polygons.geojson`` the same for
admin units, with geometry. Only records whose status is ``current`` are used.
Data from Who's On First (CC BY, mixed upstream sources).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from shapely.geometry.base import BaseGeometry

from .geometry import from_geojson
from .names import clean, fold, script_of
from .sources import Sources

__all__ = ["WOF_COUNTRIES", "WofRecord", "read_records", "read_polygons", "drop_shared_names"]

#: Countries with a WOF extract (ISO 3166-1 alpha-2).
WOF_COUNTRIES = ("AF", "AM", "AZ", "GE", "KG", "TJ", "UZ")


@dataclass(frozen=True)
class WofRecord:
    """One current WOF record.

    Attributes
    ----------
    wof_id : int
    placetype : str
        ``locality``, ``county``, ``localadmin``, ``region``...
    name : str
    lat, lon : float
        Label point or centroid.
    country : str
        ISO2.
    gn_id : int or None
        GeoNames id, when WOF knows it.
    region_id : int or None
        The WOF region (admin1) the record lies in.
    population : int
    names : tuple of str
        Latin and Cyrillic names from every ``name:*`` field, sorted, deduplicated.
    """

    wof_id: int
    placetype: str
    name: str
    lat: float
    lon: float
    country: str
    gn_id: int | None
    region_id: int | None
    population: int
    names: tuple[str, ...]


def _record(raw: dict) -> WofRecord | None:
    if raw.get("status") != "current" or raw.get("lat") is None or raw.get("lon") is None:
        return None
    name = clean(raw.get("name"))
    if not name:
        return None
    names = set()
    for values in raw.get("names", {}).values():
        for value in values:
            value = clean(value)
            if value and script_of(value):
                names.add(value)
    hierarchy = (raw.get("hierarchy") or [{}])[0] or {}
    return WofRecord(
        wof_id=int(raw["wof_id"]), placetype=raw["placetype"], name=name,
        lat=float(raw["lat"]), lon=float(raw["lon"]), country=(raw.get("country") or "").upper(),
        gn_id=int(raw["gn_id"]) if raw.get("gn_id") else None,
        region_id=hierarchy.get("region_id"),
        population=int(raw.get("population") or 0), names=tuple(sorted(names)),
    )


def read_records(sources: Sources, placetypes: tuple[str, ...]) -> list[WofRecord]:
    """Current records of the given placetypes from all seven extracts, sorted by id."""
    out = []
    for cc in WOF_COUNTRIES:
        for raw in sources.jsonl_gz(f"wof/wof_{cc.lower()}_all_records.jsonl.gz"):
            if raw.get("placetype") in placetypes:
                rec = _record(raw)
                if rec is not None:
                    out.append(rec)
    return sorted(out, key=lambda r: r.wof_id)


def read_polygons(sources: Sources, placetypes: tuple[str, ...]) -> list[tuple[WofRecord, BaseGeometry]]:
    """Current admin polygons of the given placetypes, with their records, sorted by id."""
    out = []
    for cc in WOF_COUNTRIES:
        for feat in sources.features(f"wof/wof_{cc.lower()}_admin_polygons.geojson"):
            props = feat["properties"]
            if props.get("placetype") not in placetypes:
                continue
            rec = _record(props)
            geom = from_geojson(feat.get("geometry"))
            if rec is not None and geom is not None and geom.geom_type in ("Polygon", "MultiPolygon"):
                out.append((rec, geom))
    return sorted(out, key=lambda rg: rg[0].wof_id)


def drop_shared_names(records: list[WofRecord]) -> dict[int, tuple[str, ...]]:
    """Names of each record, without names that sibling records of the same placetype share.

    WOF ``name:*`` fields carry copy errors (the Dushanbe region is "Karategin" in
    English, as is the region next to it); a name found on two records of the same
    placetype and country is dropped from both.

    Returns
    -------
    dict
        wof_id -> kept names (the record's own ``name`` is always kept).
    """
    counts = Counter()
    for rec in records:
        for key in {fold(n) for n in rec.names}:
            counts[(rec.country, rec.placetype, key)] += 1
    out = {}
    for rec in records:
        kept = [n for n in rec.names if counts[(rec.country, rec.placetype, fold(n))] == 1 or fold(n) == fold(rec.name)]
        out[rec.wof_id] = tuple(kept)
    return out
