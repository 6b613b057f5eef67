"""Countries and dependencies: GeoNames country info joined to Natural Earth admin-0.

Ids and populations come from GeoNames ``countryInfo.tsv`` (``gn:<geonameid>``);
polygons, label points, the sovereign/dependent distinction and most names from
Natural Earth v5 10m admin-0; more names from ``country_translations.json``
(Latin and Cyrillic only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
from shapely.geometry.base import BaseGeometry

from gazetteer.place import Place

from .geometry import central_latlon, simplify
from .names import clean, script_of
from .naturalearth import Admin0Unit
from .records import Layer, Name, PlaceRecord

__all__ = ["Country", "CountryTable", "build_countries", "HISTORICAL_CODES"]

#: GeoNames "countries" that no longer exist; the curated historical layer has them.
HISTORICAL_CODES = frozenset({"AN", "CS"})

#: Sovereign state of dependencies that Natural Earth does not draw as units of their own.
_SOVEREIGN_OF = {"BQ": "NL", "BV": "NO", "CC": "AU", "CX": "AU", "GF": "FR", "GP": "FR",
                 "MQ": "FR", "RE": "FR", "SJ": "NO", "TK": "NZ", "YT": "FR"}
#: Natural Earth lists Palestine under the sovereignty of Israel; the gazetteer treats it as a state.
_FORCE_COUNTRY = frozenset({"PS"})
#: Territories whose sovereignty is itself disputed, not a state's: Western Sahara is a UN
#: non-self-governing territory, mostly administered by Morocco and claimed by the Sahrawi Republic.
_DISPUTED_TERRITORIES = frozenset({"EH"})
#: NE label fields holding Latin-script English names.
_NE_NAME_FIELDS = ("name", "name_long", "formal_en", "name_sort", "name_alt", "name_ciawf",
                   "brk_name", "admin", "geounit", "subunit", "name_en")
_FEATURE_CODES = {"country": "PCLI", "dependency": "PCLD", "disputed": "TERR"}
_INITIALISM = re.compile(r"(?:[A-Z]\.){3,}")


@dataclass(frozen=True)
class Country:
    """A country or dependency as other parts of the build need it.

    Attributes
    ----------
    iso2, place_id, name, kind : str
    lat, lon : float
    geometry : BaseGeometry or None
        Unsimplified NE polygon, lon/lat (``None`` where NE has no unit).
    continent : str
        NE ``continent`` value (``""`` without a unit).
    """

    iso2: str
    place_id: str
    name: str
    kind: str
    lat: float
    lon: float
    geometry: BaseGeometry | None
    continent: str


@dataclass
class CountryTable:
    """Countries by ISO2, plus NE's ISO3 -> ISO2 map for units named by ``adm0_a3``."""

    by_iso2: dict[str, Country] = field(default_factory=dict)
    iso2_by_a3: dict[str, str] = field(default_factory=dict)

    def place_id(self, iso2: str) -> str:
        """Place id of a country, ``""`` if unknown."""
        country = self.by_iso2.get(iso2)
        return country.place_id if country else ""


def _capital_point(iso2: str, capital: str, cities: pd.DataFrame) -> tuple[float, float] | None:
    if not capital:
        return None
    sub = cities[(cities["cc"] == iso2) & (cities["name"] == capital)]
    if sub.empty:
        return None
    row = sub.sort_values(["population", "geonameid"], ascending=[False, True]).iloc[0]
    return round(float(row["lat"]), 5), round(float(row["lon"]), 5)


def _weighted_centroid(iso2: str, cities: pd.DataFrame) -> tuple[float, float] | None:
    sub = cities[cities["cc"] == iso2]
    if sub.empty:
        return None
    w = sub["population"] + 1
    return round(float((sub["lat"] * w).sum() / w.sum()), 5), round(float((sub["lon"] * w).sum() / w.sum()), 5)


def build_countries(
    info: pd.DataFrame,
    units: list[Admin0Unit],
    translations: dict[int, list[str]],
    cities: pd.DataFrame,
) -> tuple[Layer, CountryTable, dict]:
    """Build the country and dependency places.

    Parameters
    ----------
    info : DataFrame
        GeoNames country info (:func:`geonames.read_country_info`).
    units : list of Admin0Unit
        Natural Earth admin-0 units.
    translations : dict
        geonameid -> names in many languages.
    cities : DataFrame
        GeoNames cities500 (for the capital of dependencies NE does not draw).

    Returns
    -------
    layer : Layer
    table : CountryTable
    report : dict
        ``dropped`` (no representative point) and ``ne_units_unused``.
    """
    main = {u.iso2: u for u in units if u.is_main_unit and u.iso2}
    table = CountryTable(iso2_by_a3={u.props["adm0_a3"]: u.iso2 for u in units if u.iso2})
    admin_to_iso2 = {u.props["admin"]: u.iso2 for u in main.values()}
    records, dropped = [], []
    pending_parent: dict[str, str] = {}
    for row in info.itertuples(index=False):
        iso2 = row.iso2
        if iso2 in HISTORICAL_CODES:
            continue
        unit = main.get(iso2)
        gn_name = clean(row.name)
        name = gn_name[4:] if gn_name.startswith("The ") else gn_name
        names = [Name(gn_name)] if name != gn_name else []
        geometry = None
        continent = ""
        if unit is not None:
            p = unit.props
            is_sovereign = p["sovereignt"] == p["admin"] or iso2 in _FORCE_COUNTRY
            kind = "country" if is_sovereign else "dependency"
            if iso2 in _DISPUTED_TERRITORIES:
                kind = "disputed"
            if p.get("label_y") is not None and p.get("label_x") is not None:
                lat, lon = round(float(p["label_y"]), 5), round(float(p["label_x"]), 5)
            else:
                lat, lon = central_latlon(unit.geometry)
            for f in _NE_NAME_FIELDS:
                value = clean(p.get(f))
                for part in ([value] if f != "name_alt" else value.split(",")):
                    part = part.strip()
                    if part and script_of(part) == "Latn":
                        names.append(Name(part))
            if clean(p.get("name_ru")):
                names.append(Name(clean(p["name_ru"])))
            abbrev = clean(p.get("abbrev"))
            if _INITIALISM.fullmatch(abbrev):
                names.append(Name(abbrev, "abbreviation"))
            geometry = unit.geometry
            continent = p.get("continent") or ""
            if kind == "dependency":
                pending_parent[iso2] = admin_to_iso2.get(p["sovereignt"], "")
        else:
            kind = "dependency"
            pending_parent[iso2] = _SOVEREIGN_OF.get(iso2, "")
            point = _capital_point(iso2, clean(row.capital), cities) or _weighted_centroid(iso2, cities)
            if point is None:
                dropped.append(f"{iso2} {name}")
                continue
            lat, lon = point
        for value in translations.get(int(row.geonameid), []):
            value = clean(value)
            if script_of(value):
                names.append(Name(value))
        place_id = f"gn:{row.geonameid}"
        table.by_iso2[iso2] = Country(iso2, place_id, name, kind, lat, lon, geometry, continent)
        records.append((iso2, place_id, name, kind, lat, lon, int(row.population), names, geometry))

    out = []
    for iso2, place_id, name, kind, lat, lon, population, names, geometry in records:
        parent = table.place_id(pending_parent.get(iso2, "")) if kind == "dependency" else ""
        place = Place(place_id=place_id, name=name, kind=kind, country_code=iso2, lat=lat, lon=lon,
                      population=population, parent_id=parent,
                      feature_code=_FEATURE_CODES[kind], source="geonames+naturalearth")
        out.append(PlaceRecord(place, tuple(names), simplify(geometry, kind) if geometry is not None else None))
    unused = sorted(f"{u.filename} ({u.props['admin']})" for u in units
                    if not (u.is_main_unit and u.iso2 in table.by_iso2))
    return Layer.from_records(out), table, {"countries_dropped_no_point": dropped, "ne_admin0_units_not_used": unused}
