"""Write the mentions and places tables for other tools: CSV, GeoJSON and GeoParquet, each atomically."""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pandas as pd

from .exc import OutputError
from .geoparquet import geoparquet_bytes

_ROWS_PER_CHUNK = 20_000  # rows turned into text at a time by the streamed writers

__all__ = ["open_atomic", "write_atomic", "write_csv", "write_geojson", "write_parquet", "geojson_text", "json_record"]


@contextlib.contextmanager
def open_atomic(path: Path, mode: str = "w") -> Iterator[IO]:
    """A file to write ``path`` through: written beside it, renamed into place when the block
    ends without an error (readers never see half a file), deleted when it fails."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(mode, dir=path.parent, prefix=f".{path.name}.", delete=False,
                                             **({} if "b" in mode else {"encoding": "utf-8", "newline": ""}))
    except OSError as error:
        raise _write_error(path, error) from error
    try:
        with handle:
            yield handle
        # Temporary files are private (0600); the result gets the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(handle.name, 0o666 & ~umask)
        os.replace(handle.name, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        if isinstance(error, OSError):
            raise _write_error(path, error) from error
        raise


def _write_error(path: Path, error: OSError) -> OutputError:
    return OutputError(f"cannot write {path}: {error.strerror}; check the --out folder")


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` beside ``path``, then rename: readers never see half a file."""
    with open_atomic(path, "wb" if isinstance(data, bytes) else "w") as handle:
        handle.write(data)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """The table as UTF-8 CSV with a header row (floats in shortest round-trip form).

    Written in chunks of rows: a million mentions never sit in memory as one string.
    """
    with open_atomic(path) as handle:
        frame.to_csv(handle, index=False, lineterminator="\n", chunksize=_ROWS_PER_CHUNK)


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
    return "".join(_geojson_pieces(frame))


def _geojson_pieces(frame: pd.DataFrame) -> Iterator[str]:
    """The text of :func:`geojson_text`, a feature at a time (the same bytes as one json.dumps)."""
    properties = [c for c in frame.columns if c not in ("lat", "lon")]
    yield '{"type":"FeatureCollection","features":['
    first = True
    for start in range(0, len(frame), _ROWS_PER_CHUNK):
        for record in frame.iloc[start:start + _ROWS_PER_CHUNK].to_dict("records"):
            feature = {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [record["lon"], record["lat"]]},
                "properties": json_record({c: record[c] for c in properties}),
            }
            yield ("" if first else ",") + json.dumps(feature, ensure_ascii=False, separators=(",", ":"))
            first = False
    yield "]}\n"


def write_geojson(frame: pd.DataFrame, path: Path) -> None:
    """The table as GeoJSON points (lon, lat order, as the format wants), written a feature at a
    time."""
    with open_atomic(path) as handle:
        handle.writelines(_geojson_pieces(frame))
