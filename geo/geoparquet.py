"""GeoParquet 1.0.0 for point tables: a WKB ``geometry`` column built from ``lat``/``lon``.

The ``geo`` file metadata names no CRS, which the specification defines as
OGC:CRS84 (WGS84 longitude, latitude): the coordinates of the gazetteer.
``geopandas.read_parquet`` reads such a file as it is, as does GDAL's Parquet
driver (QGIS, where GDAL is built with Arrow); plain ``pandas.read_parquet``
gets the table back with its dtypes, plus the geometry as WKB bytes.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable, Iterable
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

__all__ = ["GEOPARQUET_VERSION", "geo_metadata", "geoparquet_bytes", "geoparquet_table", "point_wkb",
           "ROW_GROUP_ROWS", "write_geoparquet_frames"]

GEOPARQUET_VERSION = "1.0.0"

#: Arrow type of each column dtype a documented table may have.
_ARROW_TYPES = {"string": pa.string(), "int64": pa.int64(), "float64": pa.float64()}

#: Fixed writer options: same table, same bytes (pyarrow writes no timestamp).
_WRITE_OPTIONS = dict(compression="zstd", compression_level=9, data_page_version="1.0", version="2.6",
                      write_statistics=True, use_dictionary=True)
#: Rows per row group: readers can take a large table a group at a time.
ROW_GROUP_ROWS = 50_000


def point_wkb(lat, lon) -> np.ndarray:
    """ISO WKB of 2D points, little-endian, x = longitude and y = latitude.

    >>> point_wkb([40.0], [45.5])[0].hex()
    '01010000000000000000c046400000000000004440'
    """
    points = shapely.points(np.asarray(lon, dtype="float64"), np.asarray(lat, dtype="float64"))
    return shapely.to_wkb(points, output_dimension=2, byte_order=1, flavor="iso")


def geo_metadata(lat, lon) -> dict:
    """The ``geo`` metadata of a table of these points; no ``bbox`` when there are none.

    >>> geo_metadata([40.0, 41.5], [45.5, 44.0])["columns"]["geometry"]["bbox"]
    [44.0, 40.0, 45.5, 41.5]
    """
    column = {"encoding": "WKB", "geometry_types": ["Point"]}
    if len(lat):
        column["bbox"] = [float(np.min(lon)), float(np.min(lat)), float(np.max(lon)), float(np.max(lat))]
    return {"version": GEOPARQUET_VERSION, "primary_column": "geometry", "columns": {"geometry": column}}


def geoparquet_table(frame: pd.DataFrame, geo: dict | None = None) -> pa.Table:
    """``frame`` (typed, with ``lat`` and ``lon``) plus a last ``geometry`` column, as Arrow.

    Keeps the pandas metadata, so ``pandas.read_parquet`` restores the dtypes. ``geo`` is the
    ``geo`` metadata (default: :func:`geo_metadata` of the frame's points).

    Raises
    ------
    TypeError
        A column whose dtype is not ``string``, ``int64`` or ``float64``.
    """
    fields = []
    for column, dtype in frame.dtypes.items():
        if str(dtype) not in _ARROW_TYPES:
            raise TypeError(f"column {column!r} has dtype {dtype}; expected one of "
                            f"{', '.join(_ARROW_TYPES)}: type the frame with its documented columns")
        fields.append(pa.field(column, _ARROW_TYPES[str(dtype)]))
    fields.append(pa.field("geometry", pa.binary(), nullable=False))
    with_geometry = frame.assign(geometry=point_wkb(frame["lat"], frame["lon"]))
    table = pa.Table.from_pandas(with_geometry, schema=pa.schema(fields), preserve_index=False)
    geo = json.dumps(geo or geo_metadata(frame["lat"], frame["lon"]), separators=(",", ":"))
    return table.replace_schema_metadata({**table.schema.metadata, b"geo": geo.encode("utf-8")})


def geoparquet_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as a GeoParquet 1.0.0 file: zstd, row groups of :data:`ROW_GROUP_ROWS` rows."""
    buffer = io.BytesIO()
    write_geoparquet_frames(lambda columns: [frame if columns is None else frame[columns]], buffer)
    return buffer.getvalue()


def write_geoparquet_frames(frames: Callable[[list[str] | None], Iterable[pd.DataFrame]],
                            handle: IO[bytes]) -> None:
    """A table given in frames as one GeoParquet file, in row groups of :data:`ROW_GROUP_ROWS`.

    ``frames(columns)`` gives the table's frames with only ``columns`` (all for None). It is
    called twice: the file's ``bbox`` comes first, from every frame's ``lat`` and ``lon``, then
    the rows. Row groups do not depend on how the rows were cut into frames, so the
    same table gives the same bytes (the local and the Dask engine cut it differently), and
    no more than a row group is held at a time.
    """
    south = west = math.inf
    north = east = -math.inf
    for frame in frames(["lat", "lon"]):
        if len(frame):
            south, north = min(south, frame["lat"].min()), max(north, frame["lat"].max())
            west, east = min(west, frame["lon"].min()), max(east, frame["lon"].max())
    bounded = south <= north
    geo = geo_metadata([south, north] if bounded else [], [west, east] if bounded else [])
    writer, pending, written = None, [], 0
    for frame in frames(None):
        if writer is not None and not len(frame):
            continue  # (an empty first frame still writes the schema of a table of no rows)
        table = geoparquet_table(frame, geo)
        if writer is None:
            writer = pq.ParquetWriter(handle, table.schema, **_WRITE_OPTIONS)
        pending.append(table)
        if sum(t.num_rows for t in pending) >= ROW_GROUP_ROWS:
            rows = pa.concat_tables(pending)
            whole = rows.num_rows - rows.num_rows % ROW_GROUP_ROWS
            writer.write_table(rows.slice(0, whole), row_group_size=ROW_GROUP_ROWS)
            written += whole
            pending = [rows.slice(whole)]
    if writer is not None:
        rest = pa.concat_tables(pending)
        if rest.num_rows or not written:  # (a table of no rows is written as one empty group)
            writer.write_table(rest, row_group_size=ROW_GROUP_ROWS)
        writer.close()
