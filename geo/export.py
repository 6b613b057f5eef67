"""Write the mentions and places tables for other tools: CSV, GeoJSON and GeoParquet, each atomically."""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path

import pandas as pd

from .exc import OutputError
from .geoparquet import geoparquet_bytes

__all__ = ["write_atomic", "write_csv", "write_geojson", "write_parquet", "geojson_text", "json_record"]


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` beside ``path``, then rename: readers never see half a file."""
    path = Path(path)
    mode = "wb" if isinstance(data, bytes) else "w"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(mode, dir=path.parent, prefix=f".{path.name}.",
                                         delete=False, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as handle:
            handle.write(data)
        # Temporary files are private (0600); the result gets the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(handle.name, 0o666 & ~umask)
        os.replace(handle.name, path)
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror}; check the --out folder") from error


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """The table as UTF-8 CSV with a header row (floats in shortest round-trip form)."""
    write_atomic(path, frame.to_csv(index=False, lineterminator="\n"))


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """The table as GeoParquet 1.0.0: its columns and dtypes, plus point ``geometry`` (OGC:CRS84).

    See :mod:`geo.geoparquet`.
    """
    write_atomic(path, geoparquet_bytes(frame))


def _json_value(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if value is pd.NA:
        return None
    return value


def json_record(record: dict) -> dict:
    """A table row as plain JSON values (numpy scalars unwrapped, NaN and NA as null)."""
    return {column: _json_value(value) for column, value in record.items()}


def geojson_text(frame: pd.DataFrame) -> str:
    """An RFC 7946 FeatureCollection of points, one feature per row, other columns as properties.

    >>> text = geojson_text(pd.DataFrame({"name": ["Jermuk"], "lat": [39.84], "lon": [45.67]}))
    >>> feature = json.loads(text)["features"][0]
    >>> feature["geometry"], feature["properties"]
    ({'type': 'Point', 'coordinates': [45.67, 39.84]}, {'name': 'Jermuk'})
    """
    properties = [c for c in frame.columns if c not in ("lat", "lon")]
    features = []
    for record in frame.to_dict("records"):
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [record["lon"], record["lat"]]},
            "properties": json_record({c: record[c] for c in properties}),
        })
    return json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False, indent=None, separators=(",", ":")) + "\n"


def write_geojson(frame: pd.DataFrame, path: Path) -> None:
    """The table as GeoJSON points (lon, lat order, as the format wants)."""
    write_atomic(path, geojson_text(frame))
