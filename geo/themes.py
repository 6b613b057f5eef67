"""Conflict themes: read a theme file, and assign themes to article sections with a reason.

A section's score for a theme is the sum of

* each keyword's weight times how often it occurs (case-insensitive, whole words),
* ``place_weight`` for each distinct anchor place the section mentions,
* ``area_weight`` for each distinct place mentioned inside one of the theme's areas
  (gazetteer regions by name, WKT polygons, or GeoJSON polygons given inline as a
  TOML table or JSON string, or as a ``.geojson`` file next to the theme file).

The section joins the theme when the score reaches the theme's ``threshold``.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import shapely
import shapely.geometry
from shapely.errors import ShapelyError

from gazetteer import Gazetteer, Mention
from gazetteer.normalize import fold_name

from .exc import ThemeError

__all__ = ["RESERVED_IDS", "Theme", "ThemeMatch", "load_themes", "default_themes_path", "assign_themes",
           "score_themes", "passes", "theme_id_problem"]

_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")  # whole id: "<id>.html" names its map file
#: Ids a theme may not take: geomap's own pages and layer, and names Windows keeps for devices.
RESERVED_IDS = frozenset({"combined", "index", "unthemed", "con", "prn", "aux", "nul",
                          *(f"{port}{n}" for port in ("com", "lpt") for n in range(10))})
_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_WKT_START = re.compile(r"^\s*(MULTI)?POLYGON\s*\(", re.IGNORECASE)
_HINT_MIN_POPULATION = 1_000  # towns smaller than this are not offered as "did you mean"
_WIDER_THAN_AREAS = frozenset({"continent", "macro_region", "historical", "country", "dependency"})


@dataclass(frozen=True)
class Theme:
    """One theme of a theme file: a map layer and the evidence that puts a section in it."""

    id: str
    title: str
    colour: str
    icon: str
    description: str
    threshold: float
    place_weight: float
    area_weight: float
    keywords: tuple[tuple[str, float], ...]
    #: (anchor as the file names it, every place id that name denotes in the theme's areas)
    places: tuple[tuple[str, frozenset[str]], ...]
    areas: tuple[tuple[str, object], ...]  # (label, shapely geometry)
    _keyword_pattern: re.Pattern | None = None
    _folded_keywords: tuple[str, ...] = ()  # the keywords casefolded, for a quick test first
    # Place id -> which of the areas cover its point: a place's answer never changes.
    _covered_by: dict = field(default_factory=dict, compare=False, repr=False)
    # Those casefolded keywords in ASCII: the only ones an ASCII text can hold (set below).
    _ascii_keywords: tuple[str, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "_ascii_keywords", tuple(k for k in self._folded_keywords if k.isascii()))


@dataclass(frozen=True)
class ThemeMatch:
    """A theme's score for a section and, in words, why (assigned when it reaches the threshold)."""

    theme_id: str
    score: float
    reason: str


def default_themes_path() -> Path:
    """The theme file shipped with the package."""
    return Path(str(resources.files("geo") / "themes" / "default.toml"))


def _line_of(source: str, needle: str, theme_id: str = "", field: str = "") -> int:
    """The 1-based line of ``needle`` in ``source`` (0 if nowhere).

    The search starts at the theme's ``id`` line and, given ``field``, at
    that field's line, so an error names the line that holds the mistake.
    """
    start = 0
    if theme_id:
        found = re.search(rf'^\s*id\s*=\s*["\']{re.escape(theme_id)}["\']', source, re.MULTILINE)
        start = found.start() if found else 0
    if field:
        found = re.compile(rf"^\s*{re.escape(field)}\s*=", re.MULTILINE).search(source, start)
        start = found.start() if found else start
    index = source.find(needle, start)
    return source.count("\n", 0, index) + 1 if index >= 0 else 0


def _fail(path: Path, source: str, needle: str, message: str, theme_id: str = "",
          field: str = "") -> ThemeError:
    line = _line_of(source, needle, theme_id, field)
    where = f"{path}:{line}" if line else str(path)
    return ThemeError(f"{where}: {message}")


_ANCHOR_RANK = {"country": 0, "disputed": 1, "macro_region": 1, "admin1": 2, "corridor": 2,
                "water": 2, "physical": 3, "admin2": 3, "city": 4}


def theme_id_problem(theme_id: object) -> str | None:
    """Why ``theme_id`` cannot be a theme id (it names the map file ``<id>.html``), or ``None``.

    >>> theme_id_problem("aegean-disputes") is None
    True
    >>> print(theme_id_problem("../x"))
    theme id '../x' must be lowercase letters, digits and '-' (e.g. "aegean-disputes")
    >>> print(theme_id_problem("con"))
    theme id 'con' is taken by a device name on Windows, where no file can have it; choose another, e.g. "con-theme"
    """
    if theme_id is None:
        return 'this theme has no id; give it one, e.g. id = "aegean-disputes"'
    if not isinstance(theme_id, str) or not _ID.fullmatch(theme_id):
        return (f"theme id {theme_id!r} must be lowercase letters, digits and '-' "
                '(e.g. "aegean-disputes")')
    if theme_id in RESERVED_IDS:
        taken = (f"geomap's own {theme_id}.html" if theme_id in ("combined", "index") else
                 "the layer of sections in no theme" if theme_id == "unthemed" else
                 "a device name on Windows, where no file can have it")
        return f"theme id {theme_id!r} is taken by {taken}; choose another, e.g. \"{theme_id}-theme\""
    return None


def _id_line(source: str, index: int) -> int:
    """The line of the ``id`` of the ``index``-th ``[[themes]]`` table (its header line when it
    has no id; 0 when the file does not use ``[[themes]]`` headers)."""
    headers = list(re.finditer(r"^[ \t]*\[\[[ \t]*themes[ \t]*\]\]", source, re.MULTILINE))
    if index >= len(headers):
        return 0
    start = headers[index].start()
    end = headers[index + 1].start() if index + 1 < len(headers) else len(source)
    found = re.compile(r"^[ \t]*id[ \t]*=", re.MULTILINE).search(source, start, end)
    return source.count("\n", 0, (found or headers[index]).start()) + 1


def _places_named(name: str, gazetteer: Gazetteer, within=()) -> list:
    """The places a theme file may mean by ``name`` (a gazetteer name or a place id).

    Namesakes inside the theme's own areas are preferred ("Moura" in a Sahel
    theme is the town in Mali, not the one in Portugal); the list is ordered
    larger kinds first, then by population.
    """
    if ":" in name and gazetteer.names.key_number(fold_name(name)) < 0:
        try:
            return [gazetteer.get(name)]
        except KeyError:
            return []
    candidates = gazetteer.lookup(name)
    inside = [p for p in candidates if any(area.covers(shapely.Point(p.lon, p.lat)) for area in within)]
    # Else the places called so in their own name: "Goris" is the Armenian town, not Gori
    # (Georgia), which merely lists it among its spellings. "Stepanakert", by which only
    # Khankendi is called, still finds Khankendi.
    own = [p for p in candidates if fold_name(p.name) == fold_name(name)]
    return sorted(inside or own or candidates,
                  key=lambda p: (_ANCHOR_RANK.get(p.kind, 5), -p.population, p.place_id))


def _keyword_pattern(keywords: tuple[tuple[str, float], ...]) -> re.Pattern | None:
    if not keywords:
        return None
    alternatives = sorted((re.escape(k.casefold()) for k, _ in keywords), key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(alternatives) + r")(?!\w)")


def load_themes(path: str | Path, gazetteer: Gazetteer) -> list[Theme]:
    """Read and check a theme file; every mistake is a :class:`ThemeError` naming the line."""
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise ThemeError(f"theme file {str(path)!r} does not exist; give a TOML theme file "
                         "or leave out --themes for the default one") from error
    except (OSError, UnicodeDecodeError) as error:
        raise ThemeError(f"{path}: cannot be read as UTF-8 text ({error})") from error
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        raise ThemeError(f"{path}: not valid TOML: {error}") from error
    except RecursionError as error:  # arrays in arrays thousands deep
        raise ThemeError(f"{path}: not valid TOML: nested too deeply to read") from error
    entries = data.get("themes")
    if not isinstance(entries, list) or not entries:
        raise ThemeError(f"{path}: no [[themes]] entries; see the default theme file for the format")
    themes, seen = [], set()
    for index, entry in enumerate(entries):
        problem = theme_id_problem(entry.get("id") if isinstance(entry, dict) else None)
        if problem:
            line = _id_line(source, index)
            raise ThemeError(f"{path}:{line}: {problem}" if line else f"{path}: {problem}")
        themes.append(_theme(path, source, entry, gazetteer, seen))
    return themes


def _theme(path: Path, source: str, entry: dict, gazetteer: Gazetteer, seen: set) -> Theme:
    theme_id = entry["id"]  # checked by load_themes
    here = f'"{theme_id}"'
    if theme_id in seen:
        index = source.find(here, source.find(here) + 1)
        line = source.count("\n", 0, index) + 1
        raise ThemeError(f"{path}:{line}: duplicate theme id {theme_id!r}; give each theme its own id")
    seen.add(theme_id)
    colour = entry.get("colour", entry.get("color", "#3388ff"))
    if not isinstance(colour, str) or not _COLOUR.match(colour):
        raise _fail(path, source, str(colour),
                    f"theme {theme_id!r}: colour {colour!r} is not a CSS hex colour such as \"#b2182b\"",
                    theme_id, "colour")
    numbers = {}
    for key, default in (("threshold", 2.0), ("place_weight", 2.0), ("area_weight", 1.0)):
        value = entry.get(key, default)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value < math.inf:
            raise _fail(path, source, str(value),
                        f"theme {theme_id!r}: {key} must be a non-negative number, got {value!r}",
                        theme_id, key)
        numbers[key] = float(value)
    keywords = entry.get("keywords", {})
    if not isinstance(keywords, dict) or not all(
            isinstance(w, (int, float)) and not isinstance(w, bool) and math.isfinite(w)
            for w in keywords.values()):
        raise _fail(path, source, "keywords",
                    f"theme {theme_id!r}: keywords must be a table of \"phrase\" = weight", theme_id)
    blank = next((k for k in keywords if not k.strip()), None)
    if blank is not None:  # an empty phrase would match between every two words
        raise _fail(path, source, "keywords", f"theme {theme_id!r}: keyword {blank!r} is blank; "
                    "give each keyword a word or phrase", theme_id)
    for key, example in (("areas", '["Armenia"]'), ("places", '["Goris", "Kapan"]')):
        if not isinstance(entry.get(key, []), list):
            raise _fail(path, source, key, f"theme {theme_id!r}: {key} must be a list, "
                        f"e.g. {key} = {example}, got {entry[key]!r}", theme_id)
    areas = []
    for area in entry.get("areas", []):
        geometry = _area_geometry(path, source, theme_id, area, gazetteer)
        shapely.prepare(geometry)  # tested against every section's places: index it once
        areas.append((_area_label(area), geometry))
    places = []
    for name in entry.get("places", []):
        named = _places_named(str(name), gazetteer, within=[geometry for _, geometry in areas])
        if not named:
            raise _fail(path, source, f'"{name}"',
                        f"theme {theme_id!r}: anchor place {name!r} is not in the gazetteer; "
                        + _closest_names_hint(str(name), gazetteer), theme_id, "places")
        places.append((str(name), frozenset(p.place_id for p in named)))
    keyword_pairs = tuple(sorted((str(k), float(w)) for k, w in keywords.items()))
    return Theme(
        id=theme_id, title=str(entry.get("title", theme_id)), colour=colour,
        icon=str(entry.get("icon", "info-sign")), description=str(entry.get("description", "")),
        keywords=keyword_pairs, places=tuple(places),
        areas=tuple(areas), _keyword_pattern=_keyword_pattern(keyword_pairs),
        _folded_keywords=tuple(k.casefold() for k, _ in keyword_pairs), **numbers,
    )


def _closest_names_hint(name: str, gazetteer: Gazetteer) -> str:
    """ "did you mean ..." with up to three gazetteer names spelt most like ``name``."""
    wanted = fold_name(name)
    table = gazetteer.table
    # Provinces, regions and towns of some size: a theme's anchor is rarely a hamlet.
    known = table[(table["kind"] != "city") | (table["population"] >= _HINT_MIN_POPULATION)]
    by_fold: dict[str, tuple] = {}
    for row in known.itertuples(index=False):
        folded = fold_name(row.name)
        if folded[:1] == wanted[:1]:
            by_fold.setdefault(folded, (row.name, row.kind, row.country_code, row.place_id))
    close = difflib.get_close_matches(wanted, sorted(by_fold), n=3, cutoff=0.75)
    if not close:
        return "check the spelling, or give a place id such as \"gn:1221092\""
    described = [f"{n!r} ({kind}{', ' + cc if cc else ''}, {pid})"
                 for n, kind, cc, pid in (by_fold[c] for c in close)]
    return "did you mean " + " or ".join(described) + "?"


def _area_label(area) -> str:
    """How a reason names the area: the region's or file's name, or what kind of polygon it is."""
    if isinstance(area, dict) or str(area).lstrip().startswith("{"):
        return "GeoJSON polygon"
    return "polygon" if _WKT_START.match(str(area)) else str(area)


def _geojson_area(path: Path, source: str, theme_id: str, area) -> object:
    """A GeoJSON geometry or feature, given inline (a TOML table or a JSON string) or as a
    ``.geojson`` file next to the theme file (all its features, merged)."""
    where = area if isinstance(area, str) else "type"
    try:
        if isinstance(area, str) and area.lower().endswith((".geojson", ".json")):
            data = json.loads((path.parent / area).read_text(encoding="utf-8"))
        else:
            data = json.loads(area) if isinstance(area, str) else area
        features = data["features"] if data.get("type") == "FeatureCollection" else [data]
        parts = [shapely.geometry.shape(f["geometry"] if f.get("type") == "Feature" else f)
                 for f in features]
        geometry = shapely.union_all(parts)
    except OSError as error:
        raise _fail(path, source, where, f"theme {theme_id!r}: area file {area!r} cannot be read "
                    f"({error.strerror}); give a path relative to the theme file", theme_id, "areas") from error
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, ShapelyError) as error:
        raise _fail(path, source, where, f"theme {theme_id!r}: broken GeoJSON area ({error}); "
                    "write a Polygon or MultiPolygon geometry, e.g. {type = \"Polygon\", "
                    "coordinates = [[[lon, lat], ...]]}", theme_id, "areas") from error
    if geometry.geom_type not in ("Polygon", "MultiPolygon") or not geometry.is_valid:
        reason = shapely.is_valid_reason(geometry) if geometry.geom_type.endswith("Polygon") else \
            f"a {geometry.geom_type}, not a polygon"
        raise _fail(path, source, where, f"theme {theme_id!r}: the GeoJSON area is not a valid "
                    f"polygon ({reason})", theme_id, "areas")
    return geometry


def _area_geometry(path, source, theme_id, area, gazetteer):
    if isinstance(area, dict) or isinstance(area, str) and (
            area.lstrip().startswith("{") or area.lower().endswith((".geojson", ".json"))):
        return _geojson_area(path, source, theme_id, area)
    if not isinstance(area, str):
        raise _fail(path, source, "areas", f"theme {theme_id!r}: each area must be a region name, "
                    "a WKT polygon or a GeoJSON polygon", theme_id)
    if _WKT_START.match(area):
        try:
            geometry = shapely.from_wkt(area)
        except ShapelyError as error:
            raise _fail(path, source, area[:30],
                        f"theme {theme_id!r}: broken WKT polygon ({error}); "
                        "write POLYGON ((lon lat, lon lat, ...)) with the first point repeated last",
                        theme_id, "areas") from error
        if not geometry.is_valid:
            raise _fail(path, source, area[:30], f"theme {theme_id!r}: the WKT polygon is not valid "
                        f"({shapely.is_valid_reason(geometry)})", theme_id, "areas")
        return geometry
    shaped = [p for p in _places_named(area, gazetteer) if gazetteer.has_shape(p.place_id)]
    place = shaped[0] if shaped else None
    if place is None:
        raise _fail(path, source, f'"{area}"', f"theme {theme_id!r}: area {area!r} is not a gazetteer "
                    "region with a shape; name a country, province or region, or give a WKT polygon",
                    theme_id, "areas")
    return gazetteer.geometry(place.place_id)


def _areas_covering(theme: Theme, places: list) -> list[tuple[bool, ...]]:
    """For each place: does each of ``theme``'s areas cover its point (remembered per place)."""
    known = theme._covered_by
    new = list({p.place_id: p for p in places if p.place_id not in known}.values())
    if new and theme.areas:
        points = shapely.points([p.lon for p in new], [p.lat for p in new])
        columns = [shapely.covers(geometry, points).tolist() for _, geometry in theme.areas]
        known.update((p.place_id, tuple(column[i] for column in columns)) for i, p in enumerate(new))
    elif new:
        known.update((p.place_id, ()) for p in new)
    return [known[p.place_id] for p in places]


def score_themes(themes: list[Theme], text: str, mentions: list[Mention]) -> list[ThemeMatch]:
    """Every theme's score for a section with ``text`` and ``mentions``, with the reason,
    whether or not it reaches the threshold (``geomap themes check`` shows near misses)."""
    folded = text.casefold()
    ascii_text = folded.isascii()
    places = {m.place.place_id: m for m in mentions if m.mention_kind == "place"}
    place_ids = set(places)  # (a set: each anchor's few ids are then looked up in it, not the reverse)
    # A country's point inside an area says nothing: Tajikistan's lies in Gorno-Badakhshan.
    local = [m.place for m in places.values() if m.place.kind not in _WIDER_THAN_AREAS]
    scored = []
    for theme in themes:
        score, reasons = 0.0, []
        # (A keyword absent from the text spares the regex scan: most sections have none.)
        keywords = theme._ascii_keywords if ascii_text else theme._folded_keywords
        if theme._keyword_pattern is not None and any(map(folded.__contains__, keywords)):
            counts: dict[str, int] = {}
            for hit in theme._keyword_pattern.finditer(folded):
                counts[hit.group(1)] = counts.get(hit.group(1), 0) + 1
            weights = {k.casefold(): w for k, w in theme.keywords}
            found = [(k, n, weights[k]) for k, n in sorted(counts.items())]
            if found:
                score += sum(n * w for _, n, w in found)
                reasons.append("keywords " + ", ".join(f"{k}×{n}" if n > 1 else k for k, n, _ in found))
        anchors = [name for name, ids in theme.places if not ids.isdisjoint(place_ids)]
        if anchors:
            score += theme.place_weight * len(anchors)
            reasons.append("places " + ", ".join(sorted(anchors)))
        in_area, described = set(), []
        # (Most sections have no place in any of the theme's areas: those skip the areas one by one.)
        covered = [(p, areas) for p, areas in zip(local, _areas_covering(theme, local)) if True in areas]
        for area, (label, _) in enumerate(theme.areas if covered else ()):
            inside = {p.place_id: p.name for p, areas in covered if areas[area]}
            if inside:
                in_area |= inside.keys()
                described.append(f"{label}: {', '.join(sorted(set(inside.values())))}")
        if in_area:
            score += theme.area_weight * len(in_area)
            reasons.append("in areas " + "; ".join(described))
        scored.append(ThemeMatch(theme.id, round(score, 3), "; ".join(reasons)))
    return scored


def passes(theme: Theme, match: ThemeMatch) -> bool:
    """True when ``match``'s score puts its section in ``theme``."""
    return match.score >= theme.threshold and match.score > 0


def assign_themes(themes: list[Theme], text: str, mentions: list[Mention]) -> list[ThemeMatch]:
    """The themes a section with ``text`` and ``mentions`` belongs to, with score and reason."""
    return [m for theme, m in zip(themes, score_themes(themes, text, mentions)) if passes(theme, m)]
