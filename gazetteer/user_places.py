"""Places users add or override: a CSV or GeoJSON file given with ``--gazetteer``.

CSV: a header with at least ``name, lat, lon``; optional ``kind`` (default
``venue``), ``country_code``, ``place_id`` (default ``user:<slug of name>``),
``population`` and ``alt_names`` (``;``-separated). GeoJSON: a
FeatureCollection whose features have a geometry (point, line or polygon) and
the same properties (``alt_names`` may be a list). A row whose ``place_id`` is
already in the gazetteer replaces that place. Every mistake is reported with
the file, the line and the fix.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pandas as pd
import shapely
from shapely.errors import ShapelyError

from . import _schema
from .exc import UserGazetteerError
from .place import KINDS, Place

__all__ = ["read_user_places"]

_REQUIRED = ("name", "lat", "lon")
_OPTIONAL = ("kind", "country_code", "place_id", "population", "alt_names")


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "place"


def _script(name: str) -> str:
    return "Cyrl" if any("CYRILLIC" in unicodedata.name(c, "") for c in name) else "Latn"


def _place(where: str, record: dict, geometry=None) -> tuple[Place, list[str], object]:
    """One validated place, its extra names and its shape (``None`` for a point)."""
    name = str(record.get("name") or "").strip()
    if not name:
        raise UserGazetteerError(f"{where}: the name is empty; every place needs a name")
    try:
        lat, lon = float(record["lat"]), float(record["lon"])
    except (TypeError, ValueError, KeyError):
        raise UserGazetteerError(
            f"{where}: lat/lon {record.get('lat')!r}, {record.get('lon')!r} are not numbers; "
            "write decimal degrees such as 38.56, 68.79") from None
    kind = str(record.get("kind") or "venue").strip()
    if kind not in KINDS:
        raise UserGazetteerError(f"{where}: kind {kind!r} is unknown; use one of {', '.join(KINDS)}")
    population = record.get("population") or 0
    try:
        population = int(float(population))
    except (TypeError, ValueError, OverflowError):  # OverflowError: "1e400", "inf"
        raise UserGazetteerError(f"{where}: population {population!r} is not a whole number") from None
    country = str(record.get("country_code") or "").strip().upper()
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        raise UserGazetteerError(f"{where}: country_code {country!r} is not an ISO 3166-1 "
                                 "alpha-2 code such as TJ")
    place_id = str(record.get("place_id") or "").strip() or f"user:{_slug(name)}"
    if not place_id.isprintable():
        raise UserGazetteerError(f"{where}: place_id {place_id!r} holds a line break or another "
                                 "control character; write the id on one line, such as user:kok-tash")
    try:
        place = Place(place_id=place_id, name=name, kind=kind, country_code=country, lat=lat,
                      lon=lon, population=population, source="user")
    except ValueError as error:
        raise UserGazetteerError(f"{where}: {error}") from None
    alternates = record.get("alt_names") or []
    if isinstance(alternates, str):
        alternates = alternates.split(";")
    if not isinstance(alternates, list):
        raise UserGazetteerError(f"{where}: alt_names {alternates!r} is not a list of names; write "
                                 "them ';'-separated (\"Golovnoi;Головной\") or as a JSON list")
    return place, [str(a).strip() for a in alternates if str(a).strip()], geometry


def _from_csv(path: Path, text: str):
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as error:
        raise UserGazetteerError(f"{path}:1: broken CSV ({error}); check the quotes on this line") from error
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        listed = ", ".join(h if h.isprintable() else repr(h) for h in header)
        raise UserGazetteerError(
            f"{path}:1: missing column {', '.join(repr(c) for c in missing)}; the header has "
            f"{listed or 'nothing'}; needed: name, lat, lon (optional: {', '.join(_OPTIONAL)})")
    reader.fieldnames = header
    try:
        for record in reader:
            if None in record:  # more cells than the header has
                raise UserGazetteerError(
                    f"{path}:{reader.line_num}: {len(header) + len(record[None])} cells but the header "
                    f"has {len(header)}; quote values that contain commas")
            yield _place(f"{path}:{reader.line_num}", record)
    except csv.Error as error:
        raise UserGazetteerError(f"{path}:{reader.line_num}: broken CSV ({error}); "
                                 "check the quotes on this line") from error


def _from_geojson(path: Path, text: str):
    try:
        data = json.loads(text)
        if "\\u" in text:  # a \uD800 escape without its other half: no character, no UTF-8
            json.dumps(data, ensure_ascii=False).encode("utf-8")
    except json.JSONDecodeError as error:
        raise UserGazetteerError(f"{path}:{error.lineno}: not valid JSON ({error.msg})") from error
    except RecursionError as error:
        raise UserGazetteerError(f"{path}: JSON nested too deeply to read; write a "
                                 "FeatureCollection of Features") from error
    except UnicodeEncodeError as error:
        raise UserGazetteerError(f"{path}: a \\uD800-\\uDFFF escape without its other half (a lone "
                                 "UTF-16 surrogate, no character); write the character itself") from error
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise UserGazetteerError(f"{path}: expected a GeoJSON FeatureCollection")
    features = data.get("features") or []
    if not isinstance(features, list):
        raise UserGazetteerError(f"{path}: \"features\" is not a list; "
                                 "write \"features\": [{\"type\": \"Feature\", ...}, ...]")
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(feature, dict) or not isinstance(properties or {}, dict):
            what = "the feature" if not isinstance(feature, dict) else "its properties"
            raise UserGazetteerError(f"{path}: feature {number}: {what} is not a JSON object; write "
                                     "{\"type\": \"Feature\", \"geometry\": {...}, \"properties\": {...}}")
        properties = dict(properties or {})
        # GeoJSON has no line numbers once parsed: point at the feature's name in the file.
        name = json.dumps(properties.get("name", ""), ensure_ascii=False)
        line = text.count("\n", 0, max(text.find(name), 0)) + 1
        where = f"{path}:{line}: feature {number}"
        try:
            geometry = shapely.geometry.shape(feature.get("geometry") or {})
            valid = not geometry.is_empty and geometry.is_valid
            point = None if not valid else geometry if geometry.geom_type == "Point" \
                else geometry.representative_point()
        except (ShapelyError, ValueError, TypeError, AttributeError, KeyError, IndexError) as error:
            raise UserGazetteerError(f"{where}: broken geometry ({error})") from error
        if not valid:
            raise UserGazetteerError(f"{where}: the geometry is empty or not valid "
                                     f"({shapely.is_valid_reason(geometry)})")
        properties.setdefault("lat", point.y)
        properties.setdefault("lon", point.x)
        yield _place(where, properties, None if geometry.geom_type == "Point" else geometry)


def read_user_places(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(places, names, geometries)`` tables of a user file, laid out as the shipped ones."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserGazetteerError(f"gazetteer file {str(path)!r} does not exist; give a .csv or "
                                 ".geojson file of places") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UserGazetteerError(f"{path}: cannot be read as UTF-8 text ({error})") from error
    suffix = path.suffix.lower()
    if suffix == ".csv":
        records = list(_from_csv(path, text))
    elif suffix in (".geojson", ".json"):
        records = list(_from_geojson(path, text))
    else:
        raise UserGazetteerError(f"{path}: unknown format {suffix!r}; use .csv or .geojson")
    if not records:  # (an empty --gazetteer file is a mistake, not a run without its places)
        raise UserGazetteerError(f"{path}: holds no places; add a row (or feature) per place, e.g. "
                                 "name,lat,lon / Golovnoi,39.94,70.57")
    counts = Counter(place.place_id for place, _, _ in records)
    duplicates = sorted(i for i, n in counts.items() if n > 1)
    if duplicates:
        raise UserGazetteerError(f"{path}: place_id {duplicates[0]!r} is used twice; give each "
                                 "place its own place_id (or leave it out to derive one from the name)")
    places = pd.DataFrame([{c: getattr(p, c) for c in _schema.PLACE_COLUMNS} for p, _, _ in records],
                          columns=list(_schema.PLACE_COLUMNS))
    names = pd.DataFrame(
        [{"place_id": p.place_id, "name": n, "script": _script(n),
          "name_type": "canonical" if n == p.name else "alternate"}
         for p, alternates, _ in records for n in [p.name, *alternates]],
        columns=list(_schema.NAME_COLUMNS))
    geometries = pd.DataFrame(
        [{"place_id": p.place_id, "wkb": shapely.to_wkb(g)} for p, _, g in records if g is not None],
        columns=list(_schema.GEOMETRY_COLUMNS))
    return places, names, geometries
