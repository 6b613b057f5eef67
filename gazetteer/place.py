"""The :class:`Place` record and the kinds of place the gazetteer knows."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Place", "KINDS", "AREA_KINDS", "LINE_KINDS"]

#: Every value of :attr:`Place.kind`, from the largest to the most local.
KINDS = (
    "continent",     # Europe, Asia
    "macro_region",  # Central Asia, South Caucasus, Middle East (curated polygons)
    "historical",    # former states: USSR, Yugoslavia
    "country",       # sovereign states
    "dependency",    # dependent territories with their own ISO code: Greenland, Guam
    "disputed",      # Nagorno-Karabakh, Crimea, Abkhazia
    "admin1",        # provinces, oblasts, viloyats: Khatlon, Syunik
    "admin2",        # districts, rayons: Darvaz, Lachin District
    "water",         # seas, gulfs, straits, lakes, rivers: Aegean Sea, Persian Gulf
    "physical",      # mountains, valleys, deserts, plateaus: Pamirs, Fergana Valley
    "island",        # Crete, Lesbos
    "corridor",      # roads and corridors drawn as lines: Lachin corridor
    "city",          # populated places
    "venue",         # buildings and sites: Crocus City Hall
)

#: Kinds drawn on maps as polygons rather than pins.
AREA_KINDS = frozenset(
    {"continent", "macro_region", "historical", "country", "dependency", "disputed",
     "admin1", "admin2", "water", "physical", "island"}
)
#: Kinds drawn as lines.
LINE_KINDS = frozenset({"corridor"})


@dataclass(frozen=True, slots=True)
class Place:
    """One place of the gazetteer.

    Coordinates are always ``(lat, lon)`` in degrees (WGS84); geometry is
    loaded separately (see :meth:`gazetteer.Gazetteer.geometry`) because most
    work never needs it.

    Attributes
    ----------
    place_id : str
        Stable id: ``gn:<geonameid>`` where GeoNames has the place, else
        ``wof:<id>``, ``ne:<slug>`` or ``geomap:<slug>`` (curated).
    name : str
        Canonical English name.
    kind : str
        One of :data:`KINDS`.
    country_code : str
        ISO 3166-1 alpha-2, or ``""`` for places spanning several countries.
    lat, lon : float
        Representative point.
    population : int
        0 where unknown.
    parent_id : str
        The enclosing division (admin2 -> admin1 -> country), ``""`` if none.
    feature_code : str
        GeoNames feature code where known (``PPLC`` capital, ``PPLA`` admin seat...).
    source : str
        Where the record comes from (``geonames``, ``naturalearth``, ``wof``, ``curated``...).
    """

    place_id: str
    name: str
    kind: str
    country_code: str
    lat: float
    lon: float
    population: int = 0
    parent_id: str = ""
    feature_code: str = ""
    source: str = ""

    def __post_init__(self):
        if not -90.0 <= self.lat <= 90.0 or not -180.0 <= self.lon <= 180.0:
            raise ValueError(
                f"{self.place_id}: (lat, lon) = ({self.lat}, {self.lon}) is out of range; "
                "latitude must be within ±90 and longitude within ±180"
            )
        if self.kind not in KINDS:
            raise ValueError(f"{self.place_id}: unknown kind {self.kind!r}; expected one of {KINDS}")
