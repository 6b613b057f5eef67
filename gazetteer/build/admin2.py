"""Second-level divisions where a source gives their shape.

Candidates are geoBoundaries ADM2 polygons (the focus countries whose ADM2 level
is not already used as GeoNames admin1) and current Who's On First ``county``
polygons. A WOF county and a geoBoundaries polygon covering the same area
(intersection over union > 0.5) are one district with merged names.

Each district is linked to a GeoNames admin2 code when one has the same name
within the same admin1 (then the id is ``gn:<geonameid>``); other GeoNames codes
with the same name (GeoNames has, e.g., both "Darvozskiy Rayon" and "Nohiyai
Darvoz") only add their names. Unlinked districts get ``wof:<id>`` or
``gb:<ISO3>-<slug>``. In the focus countries, GeoNames admin2 codes without a
shape are not placed; in countries without any district shapes, codes holding
GeoNames cities15000 places are placed at those places' population-weighted
centroid (no geometry).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd
from shapely.geometry.base import BaseGeometry

from gazetteer.place import Place

from .admin1 import Admin1Table
from .countries import CountryTable
from .geoboundaries import Boundary
from .geometry import PolygonIndex, iou, central_latlon, simplify
from .matching import NAME_TIERS, match_by_names, match_by_points
from .names import clean, qualifier_variants, script_of, slugify, tajik_variants
from .records import Layer, Name, PlaceRecord
from .wof import WofRecord, drop_shared_names

__all__ = ["build_admin2"]


@dataclass
class _District:
    key: str
    cc: str
    iso3: str
    name: str
    geometry: BaseGeometry
    boundary: Boundary | None = None
    wof: WofRecord | None = None
    names: list[str] = field(default_factory=list)
    gn_rows: list = field(default_factory=list)
    admin1_place: str = ""


def _split(name: str) -> list[str]:
    """``"Cataluña/Catalunya"`` -> both parts and the whole."""
    parts = [p.strip() for p in name.split("/") if p.strip()]
    return [name] + parts if len(parts) > 1 else [name]


def build_admin2(
    codes: pd.DataFrame,
    countries: CountryTable,
    admin1: Admin1Table,
    boundaries: dict[str, dict[int, list[Boundary]]],
    admin1_levels: dict[str, int],
    wof_counties: list[tuple[WofRecord, BaseGeometry]],
    big_cities: pd.DataFrame,
) -> tuple[Layer, dict]:
    """Build the admin2 places.

    Parameters
    ----------
    codes : DataFrame
        GeoNames admin2 codes (:func:`geonames.read_admin2`).
    countries : CountryTable
    admin1 : Admin1Table
    boundaries : dict
        ISO2 -> {1: ADM1, 2: ADM2} geoBoundaries polygons.
    admin1_levels : dict
        ISO2 -> the geoBoundaries level used for admin1.
    wof_counties : list
        Current WOF county polygons with their records.
    big_cities : DataFrame
        GeoNames cities15000 with ``admin2`` codes and coordinates, used to pair
        codes with polygons when names differ.

    Returns
    -------
    layer : Layer
    report : dict
    """
    wof_names = drop_shared_names([r for r, _ in wof_counties])
    gn_by_id = {int(r.geonameid): r for r in codes.itertuples(index=False)}
    a2_points: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for r in big_cities[big_cities["admin2"] != ""].itertuples(index=False):
        a2_points[f"{r.country_code}.{r.admin1}.{r.admin2}"].append((r.lat, r.lon, float(r.population) + 1.0))
    records: list[PlaceRecord] = []
    report = {"admin2_geonames_without_shape": 0, "admin2_same_as_admin1": [], "admin2_by_source": defaultdict(int)}
    used_ids: set[str] = set()
    ccs = sorted(set(boundaries) | {r.country for r, _ in wof_counties})
    for cc in ccs:
        country = countries.by_iso2.get(cc)
        if country is None:
            continue
        a1_index = admin1.index(cc)
        iso3 = next((a3 for a3, i2 in sorted(countries.iso2_by_a3.items()) if i2 == cc and len(a3) == 3), cc)
        districts: list[_District] = []
        if cc in boundaries and admin1_levels.get(cc, 1) == 1:
            for b in boundaries[cc].get(2, []):
                if b.key in admin1.used_boundaries:
                    continue
                same = [k for k in a1_index.overlapping(b.geometry)
                        if iou(b.geometry, admin1.geometry_by_place[k]) > 0.9]
                if same:
                    report["admin2_same_as_admin1"].append(f"{cc} {b.name}")
                    continue
                districts.append(_District(b.key, cc, b.iso3, b.name, b.geometry, boundary=b,
                                           names=_split(b.name)))
        # WOF counties: merge into an overlapping geoBoundaries district, else their own.
        if districts:
            d_index = PolygonIndex([d.key for d in districts], [d.geometry for d in districts])
            by_key = {d.key: d for d in districts}
        for rec, geom in wof_counties:
            if rec.country != cc or rec.wof_id in admin1.used_wof:
                continue
            names = [rec.name, *wof_names[rec.wof_id]]
            target = None
            if districts:
                scored = [(iou(geom, by_key[k].geometry), k) for k in d_index.overlapping(geom)]
                scored = [s for s in scored if s[0] > 0.5 and by_key[s[1]].wof is None]
                if scored:
                    target = by_key[max(scored)[1]]
            if target is not None:
                target.wof = rec
                target.names.extend(names)
            else:
                districts.append(_District(f"wof-{rec.wof_id}", cc, iso3, rec.name, geom, wof=rec, names=names))
        if not districts:
            continue
        districts.sort(key=lambda d: d.key)
        # parent admin1 by the district's representative point
        for d in districts:
            lat, lon = central_latlon(d.geometry)
            d.admin1_place = a1_index.first_containing(lat, lon) or ""
        # GeoNames admin2 codes: by WOF's GeoNames id, by name within the admin1, then country-wide, then by cities
        gn_rows = codes[codes["cc"] == cc]
        place_to_a1 = {pid: code for code, pid in admin1.place_by_code.items()}
        linked: dict[str, int] = {}
        for d in districts:
            if d.wof is not None and d.wof.gn_id in gn_by_id and gn_by_id[d.wof.gn_id].cc == cc:
                linked[d.key] = d.wof.gn_id
        taken = set(linked.values())
        left_all = {str(r.geonameid): [clean(r.name), clean(r.ascii)] for r in gn_rows.itertuples(index=False)
                    if r.geonameid not in taken}
        a1_of_gn = {str(r.geonameid): f"{r.cc}.{r.admin1}" for r in gn_rows.itertuples(index=False)}
        by_a1: dict[str, list[_District]] = defaultdict(list)
        for d in districts:
            by_a1[place_to_a1.get(d.admin1_place, "")].append(d)
        for a1code, ds in sorted(by_a1.items()):
            if not a1code:
                continue
            left = {g: n for g, n in left_all.items() if a1_of_gn[g] == a1code and int(g) not in taken}
            right = {d.key: d.names for d in ds if d.key not in linked}
            for g, key in match_by_names(left, right, shared_left=True).items():
                linked[key] = int(g)
                taken.add(int(g))
        left = {g: n for g, n in left_all.items() if int(g) not in taken}
        right = {d.key: d.names for d in districts if d.key not in linked}
        for g, key in match_by_names(left, right, NAME_TIERS[:2]).items():
            linked[key] = int(g)
            taken.add(int(g))
        if a2_points:
            free = [d for d in districts if d.key not in linked]
            if free:
                idx = PolygonIndex([d.key for d in free], [d.geometry for d in free])
                pts = {}
                for r in gn_rows.itertuples(index=False):
                    if r.geonameid not in taken:
                        pts[str(r.geonameid)] = a2_points.get(r.code, [])
                for g, key in match_by_points(pts, idx).items():
                    linked[key] = int(g)
                    taken.add(int(g))
        by_key = {d.key: d for d in districts}
        for key, g in linked.items():
            by_key[key].gn_rows.append(gn_by_id[g])
        # further GeoNames codes naming an already linked district only add names
        for g, names in sorted(left_all.items()):
            if int(g) in taken:
                continue
            ds = [d for d in by_a1.get(a1_of_gn[g], []) if d.gn_rows]
            hit = match_by_names({g: names}, {d.key: d.names + [n for r in d.gn_rows for n in (r.name, r.ascii)] for d in ds})
            if hit:
                by_key[hit[g]].gn_rows.append(gn_by_id[int(g)])
                taken.add(int(g))
        report["admin2_geonames_without_shape"] += int(sum(1 for g in left_all if int(g) not in taken))

        slug_count: dict[str, int] = defaultdict(int)
        for d in districts:
            if d.gn_rows:
                place_id = f"gn:{d.gn_rows[0].geonameid}"
            elif d.wof is not None:
                place_id = f"wof:{d.wof.wof_id}"
            else:
                slug = slugify(d.name)
                slug_count[slug] += 1
                place_id = f"gb:{d.iso3}-{slug}" + (f"-{slug_count[slug]}" if slug_count[slug] > 1 else "")
            if place_id in used_ids:
                place_id = f"gb:{d.iso3}-{slugify(d.name)}-{d.key.rsplit('-', 1)[1]}"
            used_ids.add(place_id)
            texts = list(d.names)
            for r in d.gn_rows:
                texts.extend((clean(r.name), clean(r.ascii)))
            for t in list(texts):
                texts.extend(qualifier_variants(t))
            if cc == "TJ":  # bare Tajik names only: Darvoz -> Darvaz
                texts.extend(v for t in list(texts) if not qualifier_variants(t) for v in tajik_variants(t))
            names = [Name(t) for t in texts if t and script_of(t)]
            parent = d.admin1_place
            if not parent and d.gn_rows:
                parent = admin1.place_by_code.get(f"{cc}.{d.gn_rows[0].admin1}", "")
            parent = parent or country.place_id
            lat, lon = central_latlon(d.geometry)
            sources = ["geoboundaries"] if d.boundary else []
            sources += ["wof"] if d.wof else []
            sources += ["geonames"] if d.gn_rows else []
            source = "+".join(sources)
            report["admin2_by_source"][source] += 1
            name = clean(d.boundary.name) if d.boundary else d.name
            place = Place(place_id=place_id, name=name, kind="admin2", country_code=cc, lat=lat, lon=lon,
                          population=0, parent_id=parent, feature_code="ADM2", source=source)
            records.append(PlaceRecord(place, tuple(names), simplify(d.geometry, "admin2")))
    records.extend(_centroid_districts(codes, countries, admin1, a2_points, set(ccs), used_ids, report))
    report["admin2_by_source"] = dict(sorted(report["admin2_by_source"].items()))
    return Layer.from_records(records), report


def _centroid_districts(codes, countries, admin1, a2_points, shaped: set[str], used_ids: set[str], report) -> list[PlaceRecord]:
    """GeoNames admin2 codes of countries without district shapes, placed at their big cities.

    In countries with no geoBoundaries or WOF districts (the United States,
    Russia...), an admin2 code with at least one GeoNames cities15000 place is
    placed at the population-weighted centroid of those places (a point inside
    or near the district; no geometry).
    """
    out = []
    for r in codes.itertuples(index=False):
        if r.cc in shaped or r.cc not in countries.by_iso2:
            continue
        pts = a2_points.get(r.code)
        place_id = f"gn:{r.geonameid}"
        if not pts or place_id in used_ids:
            continue
        total = sum(p[2] for p in pts)
        lat = round(sum(p[0] * p[2] for p in pts) / total, 5)
        lon = round(sum(p[1] * p[2] for p in pts) / total, 5)
        texts = [clean(r.name), clean(r.ascii)]
        texts += [v for t in list(texts) for v in qualifier_variants(t)]
        parent = admin1.place_by_code.get(f"{r.cc}.{r.admin1}", "") or countries.place_id(r.cc)
        place = Place(place_id=place_id, name=clean(r.name), kind="admin2", country_code=r.cc, lat=lat, lon=lon,
                      population=0, parent_id=parent, feature_code="ADM2", source="geonames+geonames_city_centroid")
        out.append(PlaceRecord(place, tuple(Name(t) for t in texts if t and script_of(t)), None))
        used_ids.add(place_id)
        report["admin2_by_source"]["geonames_city_centroid"] += 1
    return out
