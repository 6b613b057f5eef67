"""First-level divisions: GeoNames admin1 codes placed with the best available shape.

Every GeoNames admin1 code (``CC.XX``) becomes ``gn:<geonameid>``. Its
representative point comes from, in order of preference:

1. a polygon: geoBoundaries (19 focus countries), Who's On First regions (7
   countries, paired by GeoNames id), Natural Earth 50m (US, BR, CA, AU, by id);
2. the Natural Earth 10m admin-1 label point with the same name (or the same consonant skeleton: Sinnar ~ Sennar);
3. the population-weighted centroid of the GeoNames populated places with that code.

Polygons are paired with codes by name (:func:`matching.match_by_names`), then
by where the code's populated places fall (:func:`matching.match_by_points`).
geoBoundaries levels do not always match GeoNames levels (GeoNames' Azerbaijani
admin1 are the districts, geoBoundaries' ADM2), so per country the level whose
unit count is closer to GeoNames' is used.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd
from shapely.geometry.base import BaseGeometry

from gazetteer.place import Place

from .countries import CountryTable
from .geoboundaries import Boundary
from .geometry import PolygonIndex, central_latlon, simplify
from .matching import NAME_TIERS, match_by_names, match_by_points
from .names import clean, qualifier_variants, script_of
from .records import Layer, Name, PlaceRecord
from .wof import WofRecord, drop_shared_names

__all__ = ["Admin1Table", "build_admin1", "city_points"]


@dataclass
class Admin1Table:
    """What later parts need to know about the admin1 places.

    Attributes
    ----------
    place_by_code : dict
        ``"CC.XX"`` -> place id (only codes that became places).
    geometry_by_place : dict
        place id -> unsimplified polygon, for places that have one.
    used_boundaries : set
        geoBoundaries keys consumed as admin1 (not to be reused as admin2).
    used_wof : set
        WOF ids consumed as admin1.
    country_by_place : dict
        place id -> ISO2.
    """

    place_by_code: dict[str, str] = field(default_factory=dict)
    geometry_by_place: dict[str, BaseGeometry] = field(default_factory=dict)
    used_boundaries: set[str] = field(default_factory=set)
    used_wof: set[int] = field(default_factory=set)
    country_by_place: dict[str, str] = field(default_factory=dict)
    wof_region_place: dict[int, str] = field(default_factory=dict)

    def index(self, iso2: str | None = None) -> PolygonIndex:
        """Polygon index of the admin1 places (of one country, or all)."""
        keys = sorted(k for k in self.geometry_by_place if iso2 is None or self.country_by_place[k] == iso2)
        return PolygonIndex(keys, [self.geometry_by_place[k] for k in keys])


def city_points(cities: pd.DataFrame, by: str = "admin1") -> dict[str, list[tuple[float, float, float]]]:
    """Populated places grouped by ``CC.<code>``: ``(lat, lon, population + 1)`` tuples."""
    out: dict[str, list] = defaultdict(list)
    sub = cities[cities[by] != ""]
    for cc, code, lat, lon, pop in zip(sub["cc"], sub[by], sub["lat"], sub["lon"], sub["population"]):
        out[f"{cc}.{code}"].append((lat, lon, float(pop) + 1.0))
    return dict(out)


def _centroid(points: list[tuple[float, float, float]]) -> tuple[float, float] | None:
    if not points:
        return None
    total = sum(p[2] for p in points)
    return (round(sum(p[0] * p[2] for p in points) / total, 5),
            round(sum(p[1] * p[2] for p in points) / total, 5))


def _label_points(labels: list[dict]) -> dict[str, dict]:
    """NE label points grouped by ``adm1_code``: names, and one point per group."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for lab in labels:
        groups[lab["adm1_code"]].append(lab)
    return {code: {"iso2": pts[0]["iso_a2"], "names": sorted({p["name"] for p in pts if p["name"]}), "points": pts}
            for code, pts in groups.items()}


def _nearest(points: list[dict], target: tuple[float, float] | None) -> tuple[float, float]:
    if target is None or len(points) == 1:
        p = points[0]
    else:
        p = min(points, key=lambda q: ((q["lat"] - target[0]) ** 2 + (q["lon"] - target[1]) ** 2, q["objectid"]))
    return round(p["lat"], 5), round(p["lon"], 5)


def build_admin1(
    codes: pd.DataFrame,
    countries: CountryTable,
    cities: pd.DataFrame,
    boundaries: dict[str, dict[int, list[Boundary]]],
    wof_regions: list[tuple[WofRecord, BaseGeometry]],
    ne50: list[tuple[dict, BaseGeometry]],
    labels: list[dict],
) -> tuple[Layer, Admin1Table, dict]:
    """Build the admin1 places.

    Parameters
    ----------
    codes : DataFrame
        GeoNames admin1 codes (:func:`geonames.read_admin1`).
    countries : CountryTable
    cities : DataFrame
        GeoNames cities500 (``cc``, ``admin1``, ``lat``, ``lon``, ``population``).
    boundaries : dict
        ISO2 -> {1: ADM1 boundaries, 2: ADM2 boundaries} for the geoBoundaries focus countries.
    wof_regions : list
        Current WOF region records with their polygons.
    ne50 : list
        Natural Earth 50m admin-1 polygons (properties, geometry).
    labels : list
        Natural Earth admin-1 label points.

    Returns
    -------
    layer : Layer
    table : Admin1Table
    report : dict
    """
    points = city_points(cities)
    centroids = {code: _centroid(pts) for code, pts in points.items()}
    label_groups = _label_points(labels)
    wof_names = drop_shared_names([r for r, _ in wof_regions])
    wof_by_gn = {}
    for rec, geom in wof_regions:
        if rec.gn_id and rec.gn_id not in wof_by_gn:
            wof_by_gn[rec.gn_id] = (rec, geom)
    ne50_by_gn = {int(p["gn_id"]): (p, g) for p, g in ne50 if p.get("gn_id") and int(p["gn_id"]) > 0}

    table = Admin1Table()
    records: list[PlaceRecord] = []
    report = {"admin1_dropped_no_point": [], "admin1_point_source": defaultdict(int),
              "admin1_geoboundaries_level": {}, "admin1_wof_names_not_trusted": []}
    for cc, group in codes.groupby("cc", sort=True):
        country = countries.by_iso2.get(cc)
        if country is None:
            report["admin1_dropped_no_point"].extend(f"{c} (no country)" for c in group["code"])
            continue
        units = {row.code: row for row in group.itertuples(index=False)}
        unit_names = {code: [clean(r.name), clean(r.ascii)] for code, r in units.items()}
        geom_of: dict[str, BaseGeometry] = {}
        extra_names: dict[str, list[Name]] = defaultdict(list)
        source_of: dict[str, str] = {}

        # WOF regions: by GeoNames id, then by name.
        wof_here = [(r, g) for r, g in wof_regions if r.country == cc]
        if wof_here:
            paired = {}
            for code, r in units.items():
                if r.geonameid in wof_by_gn and wof_by_gn[r.geonameid][0].country == cc:
                    paired[code] = wof_by_gn[r.geonameid][0].wof_id
            rest = {str(rec.wof_id): [rec.name] + list(wof_names[rec.wof_id])
                    for rec, _ in wof_here if rec.wof_id not in paired.values()}
            left = {c: unit_names[c] for c in units if c not in paired}
            for code, wid in match_by_names(left, rest, NAME_TIERS[:2]).items():
                paired[code] = int(wid)
            by_id = {rec.wof_id: (rec, g) for rec, g in wof_here}
            for code, wid in paired.items():
                rec, g = by_id[wid]
                geom_of[code] = g
                source_of[code] = "wof"
                table.used_wof.add(wid)
                table.wof_region_place[wid] = f"gn:{units[code].geonameid}"
                # WOF names are only trusted when one of them agrees with GeoNames' name
                # (WOF gives Lachin's GeoNames id to its Lankaran record)
                if match_by_names({code: unit_names[code]}, {"w": [rec.name, *wof_names[wid]]}):
                    extra_names[code].extend(Name(n) for n in (rec.name, *wof_names[wid]))
                else:
                    report["admin1_wof_names_not_trusted"].append(f"{code} {units[code].name} / WOF {rec.name}")

        # geoBoundaries: the level closest in count to GeoNames, names then points.
        levels = boundaries.get(cc)
        if levels:
            n = len(units)
            level = min((1, 2), key=lambda lv: (abs(len(levels.get(lv, [])) - n), lv))
            report["admin1_geoboundaries_level"][cc] = level
            feats = {b.key: b for b in levels.get(level, [])}
            pairs = match_by_names(unit_names, {k: [b.name] for k, b in feats.items()})
            index = PolygonIndex(sorted(feats), [feats[k].geometry for k in sorted(feats)])
            pairs.update(match_by_points({c: points.get(c, []) for c in units}, index,
                                         taken_left=pairs, taken_right=pairs.values()))
            other = 2 if level == 1 else 1
            other_feats = {b.key: b for b in levels.get(other, [])}
            left = {c: unit_names[c] for c in units if c not in pairs}
            pairs.update(match_by_names(left, {k: [b.name] for k, b in other_feats.items()}, NAME_TIERS[:2]))
            for code, key in pairs.items():
                b = feats.get(key) or other_feats[key]
                geom_of[code] = b.geometry
                source_of[code] = "geoboundaries"
                table.used_boundaries.add(key)
                extra_names[code].append(Name(b.name))

        for code, r in units.items():
            hit = ne50_by_gn.get(int(r.geonameid))
            if hit and code not in geom_of:
                p, g = hit
                geom_of[code] = g
                source_of[code] = "naturalearth50"
            if hit:
                p = hit[0]
                for f in ("name", "woe_name", "gn_name", "gns_name"):
                    if clean(p.get(f)):
                        extra_names[code].append(Name(clean(p[f])))
                for alt in clean(p.get("name_alt")).split("|"):
                    if alt.strip():
                        extra_names[code].append(Name(alt.strip()))

        # Natural Earth label points by name.
        groups_here = {k: v for k, v in label_groups.items() if v["iso2"] == cc}
        label_pairs = match_by_names(unit_names, {k: v["names"] for k, v in groups_here.items()}, NAME_TIERS)

        for code, r in units.items():
            place_id = f"gn:{r.geonameid}"
            names = [Name(clean(r.ascii))] + extra_names[code]
            if code in label_pairs:
                names.extend(Name(n) for n in groups_here[label_pairs[code]]["names"])
            geom = geom_of.get(code)
            if geom is not None:
                lat, lon = central_latlon(geom)
                point_source = source_of[code]
            elif code in label_pairs:
                lat, lon = _nearest(groups_here[label_pairs[code]]["points"], centroids.get(code))
                point_source = "naturalearth_label"
            elif centroids.get(code):
                lat, lon = centroids[code]
                point_source = "geonames_city_centroid"
            else:
                report["admin1_dropped_no_point"].append(f"{code} {r.name}")
                continue
            report["admin1_point_source"][point_source] += 1
            # qualifier-stripped forms of every Latin/Cyrillic name
            texts = [clean(r.name)] + [n.text for n in names]
            for t in texts:
                for v in qualifier_variants(t):
                    names.append(Name(v))
            names = [n for n in names if n.text and script_of(n.text)]
            simplified = simplify(geom, "admin1") if geom is not None else None
            place = Place(place_id=place_id, name=clean(r.name), kind="admin1", country_code=cc,
                          lat=lat, lon=lon, population=0, parent_id=country.place_id,
                          feature_code="ADM1", source="geonames+" + point_source)
            records.append(PlaceRecord(place, tuple(names), simplified))
            table.place_by_code[code] = place_id
            table.country_by_place[place_id] = cc
            if geom is not None:
                table.geometry_by_place[place_id] = geom
    report["admin1_point_source"] = dict(sorted(report["admin1_point_source"].items()))
    return Layer.from_records(records), table, report
