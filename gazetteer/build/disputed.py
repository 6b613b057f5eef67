"""Disputed areas and breakaway regions from Natural Earth (kind ``disputed``).

``ne_10m_admin_0_disputed_areas`` names each area in ``BRK_NAME`` (Crimea,
Nagorno-Karabakh, Abkhazia, Transnistria...) with ``NAME_ALT`` as alternates.
Country code rule: an area carries the *internationally recognised* country,
the one whose territory the UN and most states hold it to be, not the one
that controls it on the ground. That is NE's administering country
(``ADM0_A3``) unless ``curated/recognised_countries.csv`` names another for the
area's ``BRK_A3``: occupations and annexations the UN does not recognise
(Crimea -> UA, Golan Heights -> SY) and breakaway states no UN member
recognises (Northern Cyprus -> CY, Somaliland -> SO). Breakaway regions NE
already files under their recognised country (Abkhazia, Transnistria, Donbass)
need no row. Where sovereignty itself is disputed with no recognised holder
(Kashmir's parts, the Kuril Islands) the administering country stays. Areas
that are themselves a country or dependency of the gazetteer (same ISO code and
name: the Falkland Islands, Gibraltar, Western Sahara...) are left to that record.
"""

from __future__ import annotations

from shapely.geometry.base import BaseGeometry

from gazetteer.place import Place

from .countries import CountryTable
from .geometry import central_latlon, simplify
from .names import clean, fold, slugify
from .naturalearth import iso2_of, ne_label
from .records import Layer, Name, PlaceRecord

__all__ = ["build_disputed"]


def build_disputed(features: list[tuple[dict, BaseGeometry]], fixes: dict[str, str],
                   countries: CountryTable, recognised: dict[str, str] | None = None) -> tuple[Layer, dict]:
    """Build the disputed areas.

    Parameters
    ----------
    features : list
        NE disputed areas (properties with lower-case keys, geometry), sorted by ``brk_a3``.
    fixes : dict
        Curated names, keyed by NE label or by ``brk_a3`` (which wins).
    countries : CountryTable
    recognised : dict, optional
        ``brk_a3`` -> ISO2 of the recognised country where it is not the
        administering one (``curated/recognised_countries.csv``).

    Returns
    -------
    layer : Layer
    report : dict
        ``disputed_same_as_country``: areas left to their country record.
    """
    records, skipped, seen = [], [], set()
    country_names = {fold(c.name) for c in countries.by_iso2.values()}
    for props, geom in features:
        own_iso = iso2_of(props.get("iso_a2"))
        label = clean(props.get("brk_name"))
        if props["brk_a3"] in fixes:
            name, originals = fixes[props["brk_a3"]], [label]
        else:
            name, originals = ne_label(label, fixes)
        own = countries.by_iso2.get(own_iso)
        if own is not None and fold(own.name) == fold(name):
            skipped.append(f"{props['brk_a3']} {label}")
            continue
        names = [Name(o) for o in originals if fold(o) not in country_names]
        for alt in clean(props.get("name_alt")).split(","):
            if alt.strip():
                alt_name, alt_originals = ne_label(alt.strip(), fixes)
                names.extend(Name(n) for n in (alt_name, *alt_originals))
        ne_name = clean(props.get("name"))
        if ne_name and fold(ne_name) not in country_names and fold(ne_name) != fold(clean(props.get("admin"))):
            alt_name, alt_originals = ne_label(ne_name, fixes)
            names.append(Name(alt_name))
            names.extend(Name(o) for o in alt_originals)
        slug = slugify(name)
        place_id = f"ne:disp-{slug}"
        if place_id in seen:
            place_id = f"ne:disp-{slug}-{props['brk_a3'].lower()}"
        seen.add(place_id)
        cc = (recognised or {}).get(props["brk_a3"]) or countries.iso2_by_a3.get(props.get("adm0_a3", ""), "")
        lat, lon = central_latlon(geom)
        place = Place(place_id=place_id, name=name, kind="disputed", country_code=cc, lat=lat, lon=lon,
                      population=0, parent_id=countries.place_id(cc), feature_code="", source="naturalearth")
        records.append(PlaceRecord(place, tuple(names), simplify(geom, "disputed")))
    return Layer.from_records(records), {"disputed_same_as_country": skipped}
