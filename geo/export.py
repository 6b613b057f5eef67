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
from .geoparquet import geoparquet_bytes, write_geoparquet_frames
from .mention_store import MentionStore, mention_frames
from .output_dir import usual_permissions

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
        os.chmod(handle.name, usual_permissions(0o666))
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


def write_csv(table: pd.DataFrame | MentionStore, path: Path) -> None:
    """The table as UTF-8 CSV with a header row (floats in shortest round-trip form).

    Written in chunks of rows: a million mentions never sit in memory as one string.
    """
    with open_atomic(path) as handle:
        for i, frame in enumerate(mention_frames(table)):
            frame.to_csv(handle, index=False, header=i == 0, lineterminator="\n", chunksize=_ROWS_PER_CHUNK)


def write_parquet(table: pd.DataFrame | MentionStore, path: Path) -> None:
    """The table as GeoParquet 1.0.0: its columns and dtypes, plus point ``geometry`` (OGC:CRS84).

    A store is written a part at a time, each part a row group. See :mod:`geo.geoparquet`.
    """
    if isinstance(table, pd.DataFrame):
        write_atomic(path, geoparquet_bytes(table))
        return
    with open_atomic(path, "wb") as handle:
        write_geoparquet_frames(lambda columns: mention_frames(table, columns), handle)


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


def _json_column(column: pd.Series) -> list:
    """A column's values as plain JSON values (as :func:`json_record` makes them)."""
    values = column.tolist()  # (Python scalars, but NA stays NA and NaN stays NaN)
    if column.dtype == object or column.isna().any():
        values = [_json_value(value) for value in values]
    return values


def _geojson_pieces(table: pd.DataFrame | MentionStore) -> Iterator[str]:
    """The text of :func:`geojson_text`, a chunk of features at a time (the same bytes as one
    json.dumps of the whole collection)."""
    yield '{"type":"FeatureCollection","features":['
    first = True
    for frame in mention_frames(table):
        properties = [c for c in frame.columns if c not in ("lat", "lon")]
        for start in range(0, len(frame), _ROWS_PER_CHUNK):
            chunk = frame.iloc[start:start + _ROWS_PER_CHUNK]
            columns = [_json_column(chunk[c]) for c in properties]
            features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                         "properties": dict(zip(properties, row))}
                        for lon, lat, *row in zip(_json_column(chunk["lon"]), _json_column(chunk["lat"]), *columns)]
            # One dumps per chunk, its brackets cut: the encoder's cost is per call.
            yield ("" if first else ",") + json.dumps(features, ensure_ascii=False, separators=(",", ":"))[1:-1]
            first = False
    yield "]}\n"


def write_geojson(table: pd.DataFrame | MentionStore, path: Path) -> None:
    """The table as GeoJSON points (lon, lat order, as the format wants), written a feature at a
    time."""
    with open_atomic(path) as handle:
        handle.writelines(_geojson_pieces(table))
