"""Readers of the Natural Earth sources (public domain).

* ``naturalearth_v5_admin0_10m/*.geojson``: NE v5.1 10m admin-0 countries, one
  file per unit with all attributes (names in 27 languages, label point);
* ``naturalearth_v4_2017/``: NE v4.0 10m marine polygons, physical regions,
  disputed areas, admin-1 label points, and the 50m admin-1 polygons (US, BR, CA, AU).

Natural Earth labels are cartographic (``CAUCASUS MTS.``, ``N. Cyprus``);
:func:`ne_label` turns them into names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shapely.geometry.base import BaseGeometry

from .geometry import from_geojson
from .names import clean, expand_abbreviations, title_case
from .sources import Sources

__all__ = [
    "Admin0Unit", "read_admin0", "read_admin1_label_points", "read_marine", "read_regions",
    "read_disputed", "read_ne50_admin1", "read_elevation_points", "ne_label", "iso2_of",
]

_V4 = "naturalearth_v4_2017/"


@dataclass(frozen=True)
class Admin0Unit:
    """One Natural Earth admin-0 unit.

    Attributes
    ----------
    filename : str
        Source file (upper-case ISO3 names are the main units; lower-case ones are
        extra units such as ``kosovo``, ``akrotiri``, ``baikonur``).
    props : dict
        The NE attributes, lower-case keys.
    geometry : BaseGeometry
        Unsimplified polygon(s), lon/lat.
    """

    filename: str
    props: dict
    geometry: BaseGeometry

    @property
    def iso2(self) -> str:
        """``iso_a2_eh`` (NE's ISO code "even if" not officially assigned, e.g. ``XK``) or ``""``."""
        return iso2_of(self.props.get("iso_a2_eh")) or iso2_of(self.props.get("iso_a2"))

    @property
    def is_main_unit(self) -> bool:
        """Whether the file is a main unit (``TJK.geojson``) rather than an extra unit."""
        stem = self.filename.rsplit(".", 1)[0]
        return stem.isupper() or stem == "kosovo"


def iso2_of(value) -> str:
    """A two-letter ISO code, or ``""`` for NE's ``-99`` and compound codes like ``CN-TW``."""
    value = (value or "").strip()
    return value if re.fullmatch(r"[A-Z]{2}", value) else ""


def read_admin0(sources: Sources) -> list[Admin0Unit]:
    """All NE v5 10m admin-0 units, sorted by file name."""
    units = []
    for rel in sources.glob("naturalearth_v5_admin0_10m/*.geojson"):
        for feat in sources.features(rel):
            geom = from_geojson(feat["geometry"])
            if geom is None:
                continue
            props = {k.lower(): v for k, v in feat["properties"].items()}
            units.append(Admin0Unit(rel.rsplit("/", 1)[1], props, geom))
    return units


def _features(sources: Sources, name: str) -> list[tuple[dict, BaseGeometry | None]]:
    out = []
    for feat in sources.features(_V4 + name):
        props = {k.lower(): v for k, v in feat["properties"].items()}
        out.append((props, from_geojson(feat["geometry"])))
    return out


def read_admin1_label_points(sources: Sources) -> list[dict]:
    """NE 10m admin-1 label points: dicts with ``adm1_code, iso_a2, name, lat, lon, objectid``."""
    out = []
    for props, geom in _features(sources, "ne_10m_admin_1_label_points.json"):
        if geom is None:
            continue
        out.append({
            "adm1_code": props["adm1_code"], "iso_a2": iso2_of(props.get("iso_a2")),
            "name": clean(props.get("name")), "lat": geom.y, "lon": geom.x,
            "objectid": int(props["objectid_1"]),
        })
    return sorted(out, key=lambda r: r["objectid"])


def read_marine(sources: Sources) -> list[tuple[dict, BaseGeometry]]:
    """NE 10m marine polygons (seas, gulfs, straits...) with a name."""
    return [(p, g) for p, g in _features(sources, "ne_10m_geography_marine_polys.json") if g is not None and p.get("name")]


def read_regions(sources: Sources) -> list[tuple[dict, BaseGeometry]]:
    """NE 10m physical-region polygons (islands, ranges, deserts...) with a name."""
    return [(p, g) for p, g in _features(sources, "ne_10m_geography_regions_polys.json") if g is not None and p.get("name")]


def read_disputed(sources: Sources) -> list[tuple[dict, BaseGeometry]]:
    """NE 10m disputed areas and breakaway regions, sorted by ``brk_a3``."""
    feats = [(p, g) for p, g in _features(sources, "ne_10m_admin_0_disputed_areas.json") if g is not None]
    return sorted(feats, key=lambda pg: pg[0]["brk_a3"])


def read_elevation_points(sources: Sources) -> dict[str, tuple[float, float]]:
    """NE 10m elevation points (peaks, depressions) by name: ``(lat, lon)``; unnamed points are skipped."""
    out = {}
    for props, geom in _features(sources, "ne_10m_geography_regions_elevation_points.json"):
        name = clean(props.get("name"))
        if name and geom is not None and name not in out:
            out[name] = (round(geom.y, 5), round(geom.x, 5))
    return out


def read_ne50_admin1(sources: Sources) -> list[tuple[dict, BaseGeometry]]:
    """NE 50m admin-1 polygons (United States, Brazil, Canada, Australia) with their GeoNames id ``gn_id``."""
    return [(p, g) for p, g in _features(sources, "ne_50m_admin_1_states_provinces.json") if g is not None]


def ne_label(raw: str | None, fixes: dict[str, str]) -> tuple[str, list[str]]:
    """Turn a Natural Earth label into a name.

    Parameters
    ----------
    raw : str
        The label, e.g. ``"CAUCASUS MTS."``.
    fixes : dict
        Curated replacements for labels the rules cannot read (``"S. Nevada"`` ->
        ``"Sierra Nevada"``) or that would be misleading (the peninsula labelled
        ``"INDIA"``), keyed by the cleaned label.

    Returns
    -------
    name : str
        ``"Caucasus Mountains"``.
    originals : list of str
        Other forms worth keeping as alternates (the title-cased label when it
        differs; none for a curated replacement).

    Examples
    --------
    >>> ne_label("CAUCASUS MTS.", {})
    ('Caucasus Mountains', ['Caucasus Mts.'])
    >>> ne_label("Caribbean  Sea", {})
    ('Caribbean Sea', [])
    """
    label = clean(raw)
    if label in fixes:  # a curated name replaces an unreadable or misleading label outright
        return fixes[label], []
    name = expand_abbreviations(title_case(label))
    originals = []
    titled = title_case(label)
    if titled != name:
        originals.append(titled)
    return name, originals
