"""Seas and physical regions from Natural Earth: kinds ``water``, ``physical`` and ``island``.

* ``ne_10m_geography_marine_polys``: oceans, seas, gulfs, straits, bays ->
  ``ne:water-<slug>``;
* ``ne_10m_geography_regions_polys``: islands and island groups -> ``island``,
  mountain ranges, valleys, deserts, plateaus, plains... -> ``physical``,
  ``ne:phys-<slug>``. NE's continents are left out (the continent layer draws
  them from the countries).

Country codes: a physical region gets the code of the country holding at
least :data:`LAND_SHARE` of its land (the part inside any country, since NE's
region polygons overhang coasts), so a range or valley across a border (the
Pyrenees, the Fergana Valley) gets none. An island or water gets the code of
the country holding :data:`COUNTRY_SHARE` of its whole area. For islands and water the share is taken
against each country polygon widened by :data:`COAST_BUFFER_DEGREES`, because
NE's region and marine polygons do not follow the admin-0 coastline (Lesbos
overhangs it) and a strait lies off the land it runs through. Water must also
be *enclosed* by that country: its land must make up at least
:data:`WATER_ENCLOSURE` of a ring of :data:`COAST_BUFFER_DEGREES` around the
water, since NE draws some open straits as small polygons off one coast (the
Luzon Strait off Taiwan, the Korea Strait off Korea). So the Bosporus, the
Dardanelles and Chesapeake Bay get TR, TR and US; the Strait of Gibraltar,
between two coasts, and the Luzon Strait get none.

Points: a sea's point is the centroid of its polygon when the centroid lies in
it (the middle of the Mediterranean, not a shore of it), else a point inside
the polygon; land regions get :func:`geometry.central_latlon`.

Labels are cartographic and partly ALL CAPS; :func:`naturalearth.ne_label`
turns them into names and keeps the label as an alternate. Features sharing a
name and lying within :data:`MERGE_DEGREES` of each other are parts of one place
(the two polygons of the Mediterranean Sea); farther apart they are different
places (Flores in Indonesia and in the Azores) and get numbered ids.
"""

from __future__ import annotations

from collections import defaultdict

from shapely.affinity import translate
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from gazetteer.place import Place

from .geometry import PolygonIndex, central_latlon, simplify, union
from .names import clean, slugify
from .naturalearth import ne_label
from .records import Layer, Name, PlaceRecord

__all__ = ["build_water", "build_physical", "MERGE_DEGREES", "COUNTRY_SHARE", "LAND_SHARE", "COAST_BUFFER_DEGREES",
           "WATER_ENCLOSURE", "DEGENERATE_AREA"]

#: Same-name features closer than this (degrees) are merged into one place.
MERGE_DEGREES = 3.0
#: An island or water gets a country code when that country (widened) holds this share of its area.
COUNTRY_SHARE = 0.75
#: A land region gets a country code when that country holds this share of its land.
LAND_SHARE = 0.9
#: Islands and water: the country polygons are widened by this much (degrees, ~10 km) for the share.
COAST_BUFFER_DEGREES = 0.1
#: Water: share of the ring of COAST_BUFFER_DEGREES around it that must be land of its country.
WATER_ENCLOSURE = 0.6
#: Natural Earth v4 draws a few regions as slivers (the Caucasus Mountains as a 0.02° triangle
#: near Baku, the Garagum as a strip by the Aral Sea); below this area (sq. degrees) a
#: non-island region keeps its point but ships no geometry.
DEGENERATE_AREA = 1e-3

_WATER_CODES = {"ocean": "OCN", "sea": "SEA", "gulf": "GULF", "bay": "BAY", "strait": "STRT",
                "sound": "SD", "channel": "CHN", "lagoon": "LGN", "fjord": "FJD", "river": "STM",
                "reef": "RF", "inlet": "INLT"}
_PHYSICAL_CODES = {"Range/mtn": "MTS", "Plateau": "PLAT", "Desert": "DSRT", "Pen/cape": "PEN",
                   "Peninsula": "PEN", "Plain": "PLN", "Valley": "VAL", "Delta": "DLTA", "Basin": "BSNU",
                   "Coast": "CST", "Geoarea": "RGN", "Lowland": "LWLD", "Tundra": "TUND", "Isthmus": "ISTH",
                   "Wetlands": "WTLD", "Gorge": "GRGE", "Foothills": "HLLS", "Lake": "LKS",
                   "Depression": "DPR", "Island": "ISL", "Island group": "ISLS"}
_SKIP_REGIONS = frozenset({"Continent", "Dragons-be-here"})
_OKINA = str.maketrans("", "", "‘ʻ")


def _near(a: BaseGeometry, b: BaseGeometry) -> bool:
    """Within MERGE_DEGREES, also across the antimeridian (the Ross Sea has a part on each side)."""
    if a.distance(b) < MERGE_DEGREES:
        return True
    return any(a.distance(translate(b, xoff=shift)) < MERGE_DEGREES for shift in (-360.0, 360.0))


def _groups(items: list[tuple[str, dict, BaseGeometry]]) -> list[list[tuple[str, dict, BaseGeometry]]]:
    """Cluster same-name features lying within MERGE_DEGREES of each other, in input order."""
    by_name: dict[str, list] = defaultdict(list)
    for item in items:
        by_name[item[0]].append(item)
    out = []
    for name in sorted(by_name):
        clusters: list[list] = []
        for item in by_name[name]:
            home = next((c for c in clusters if any(_near(item[2], o[2]) for o in c)), None)
            if home is None:
                clusters.append([item])
            else:
                home.append(item)
        out.extend(clusters)
    return out


def _main_country(geom: BaseGeometry, countries: PolygonIndex, widen: float = 0.0, enclosure: float = 0.0) -> str:
    """The country holding most of ``geom``, else ``""`` (it spans several).

    Without ``widen`` (land regions) that country must hold :data:`LAND_SHARE`
    of the part of ``geom`` inside any country. With ``widen`` > 0 (islands,
    water) each country polygon is first buffered by that many degrees
    (clipped to the neighbourhood of ``geom`` to keep it cheap) and must hold
    :data:`COUNTRY_SHARE` of the whole area. With ``enclosure`` > 0 that
    country's land must also cover this share of the ring of width ``widen``
    around ``geom``.
    """
    area = geom.area
    if area == 0:
        return ""
    min_x, min_y, max_x, max_y = geom.bounds
    near = box(min_x - 2 * widen, min_y - 2 * widen, max_x + 2 * widen, max_y + 2 * widen)
    shares: dict[str, float] = {}
    for key in countries.overlapping(near if widen else geom):
        country = countries.geometry(key)
        if widen:
            country = country.intersection(near).buffer(widen, quad_segs=4)
        shares[key] = geom.intersection(country).area
    if not shares:
        return ""
    best = max(sorted(shares), key=shares.get)
    whole, needed = (area, COUNTRY_SHARE) if widen else (sum(shares.values()), LAND_SHARE)
    if whole == 0 or shares[best] / whole < needed:
        return ""
    if enclosure:
        ring = geom.buffer(widen, quad_segs=4).difference(geom)
        if ring.is_empty or ring.intersection(countries.geometry(best)).area / ring.area < enclosure:
            return ""
    return best


def _sea_latlon(geom: BaseGeometry) -> tuple[float, float]:
    """The centroid of all parts if it lies in ``geom`` (a sea drawn in two parts), else :func:`central_latlon`."""
    centre = geom.centroid
    if geom.contains(centre):
        return round(centre.y, 5), round(centre.x, 5)
    return central_latlon(geom)


def _alternates(props: dict, originals: list[str], fixes: dict[str, str]) -> list[Name]:
    names = [Name(o) for o in originals]
    for alt in clean(props.get("namealt")).split(","):
        if alt.strip():
            alt_name, alt_originals = ne_label(alt.strip(), fixes)
            names.append(Name(alt_name))
            names.extend(Name(o) for o in alt_originals)
    return names


def _build(features, kind_of, prefix, fixes, countries: PolygonIndex | None, code_of) -> tuple[list[PlaceRecord], dict]:
    items = []
    for props, geom in features:
        kind = kind_of(props)
        if kind is None:
            continue
        name, originals = ne_label(props["name"], fixes)
        items.append((name, {**props, "_kind": kind, "_originals": originals}, geom))
    records, seen = [], defaultdict(int)
    merged = 0
    degenerate: list[str] = []
    for cluster in _groups(items):
        name = cluster[0][0]
        props = cluster[0][1]
        kind = props["_kind"]
        geom = union(g for _, _, g in cluster) if len(cluster) > 1 else cluster[0][2]
        merged += len(cluster) - 1
        slug = slugify(name)
        seen[slug] += 1
        place_id = f"ne:{prefix}-{slug}" + (f"-{seen[slug]}" if seen[slug] > 1 else "")
        names = []
        for _, p, _ in cluster:
            names.extend(_alternates(p, p["_originals"], fixes))
        for text in [name, *(n.text for n in names)]:
            plain = text.translate(_OKINA)
            if plain != text:  # Hawaiian and Samoan ʻokina: O‘ahu -> Oahu
                names.append(Name(plain))
        lat, lon = _sea_latlon(geom) if kind == "water" else central_latlon(geom)
        widen = COAST_BUFFER_DEGREES if kind in ("water", "island") else 0.0
        enclosure = WATER_ENCLOSURE if kind == "water" else 0.0
        cc = _main_country(geom, countries, widen, enclosure) if countries is not None else ""
        shape_ = simplify(geom, kind)
        if kind == "physical" and geom.area < DEGENERATE_AREA:
            degenerate.append(f"{place_id} ({geom.area:.1e} sq. deg.)")
            shape_ = None
        place = Place(place_id=place_id, name=name, kind=kind, country_code=cc, lat=lat, lon=lon,
                      population=0, parent_id="", feature_code=code_of(props), source="naturalearth")
        records.append(PlaceRecord(place, tuple(names), shape_))
    return records, {"merged_parts": merged, "degenerate": degenerate}


def build_water(marine: list[tuple[dict, BaseGeometry]], fixes: dict[str, str],
                countries: PolygonIndex) -> tuple[Layer, dict]:
    """Seas, gulfs, straits... as ``water`` places.

    Most border several countries and get ``""``; a strait or bay lying
    within one country (the Bosporus) gets its code, see :func:`_main_country`.
    """
    records, info = _build(marine, lambda p: "water", "water", fixes, countries,
                           lambda p: _WATER_CODES.get(p.get("featurecla", ""), ""))
    return Layer.from_records(records), {"water_parts_merged": info["merged_parts"]}


def build_physical(regions: list[tuple[dict, BaseGeometry]], fixes: dict[str, str],
                   countries: PolygonIndex) -> tuple[Layer, dict]:
    """Islands and physical regions; a country code where one country holds most of the area.

    ``countries`` indexes the (simplified) country polygons by ISO2. A region
    spread over several countries (the Fergana Valley, the Caucasus Mountains)
    gets ``""``, as :class:`gazetteer.place.Place` documents.
    """
    def kind_of(p):
        cla = p.get("featurecla", "")
        if cla in _SKIP_REGIONS:
            return None
        return "island" if cla in ("Island", "Island group") else "physical"

    records, info = _build(regions, kind_of, "phys", fixes, countries,
                           lambda p: _PHYSICAL_CODES.get(p.get("featurecla", ""), ""))
    return Layer.from_records(records), {"physical_parts_merged": info["merged_parts"],
                                         "physical_degenerate_polygon_no_geometry": info["degenerate"]}
