"""Write the data files of :mod:`gazetteer._schema`, byte-identical from run to run.

Parquet files are written with pyarrow from explicit schemas (no pandas
metadata), zstd compression at a fixed level, one row group per file, rows
sorted; ``build_info.json`` has sorted keys and no timestamps.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from gazetteer._schema import (
    BUILD_INFO_FILE, FREQUENCY_COLUMNS, FREQUENCY_FILE, GEOMETRIES_FILE, GEOMETRY_COLUMNS, NAME_COLUMNS, NAMES_FILE,
    PLACE_COLUMNS, PLACES_FILE,
)
from gazetteer.place import Place

from .geometry import to_wkb

__all__ = ["write_all", "validate_places", "PARQUET_OPTIONS"]

_ARROW_TYPES = {"string": pa.string(), "float64": pa.float64(), "float32": pa.float32(), "int64": pa.int64(),
                "binary": pa.binary()}

#: Fixed writer options: same input, same bytes.
PARQUET_OPTIONS = dict(compression="zstd", compression_level=9, use_dictionary=True, write_statistics=True,
                       data_page_version="1.0", version="2.6")


def _table(df: pd.DataFrame, columns: dict[str, str]) -> pa.Table:
    arrays, fields = [], []
    for col, kind in columns.items():
        typ = _ARROW_TYPES[kind]
        values = df[col].tolist()
        arrays.append(pa.array(values, type=typ))
        fields.append(pa.field(col, typ, nullable=False))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _write_parquet(df: pd.DataFrame, columns: dict[str, str], path: Path) -> None:
    table = _table(df, columns)
    tmp = path.with_suffix(path.suffix + ".tmp")
    pq.write_table(table, tmp, row_group_size=max(1, len(df)), **PARQUET_OPTIONS)
    os.replace(tmp, path)


def validate_places(places: pd.DataFrame) -> None:
    """Build a :class:`Place` from every row (raises on a bad coordinate or kind) and check id uniqueness.

    Raises
    ------
    ValueError
        The first offending row, with :class:`Place`'s message.
    """
    dup = places["place_id"][places["place_id"].duplicated()]
    if len(dup):
        raise ValueError(f"duplicate place ids: {sorted(dup.unique())[:10]}")
    for row in places[list(PLACE_COLUMNS)].itertuples(index=False):
        Place(*row)


def write_all(out_dir: Path, places: pd.DataFrame, names: pd.DataFrame, geometries: dict,
              frequencies: pd.DataFrame, info: dict) -> dict[str, int]:
    """Write the five files into ``out_dir``; return their sizes in bytes.

    Parameters
    ----------
    out_dir : Path
    places : DataFrame
        :data:`PLACE_COLUMNS`, any order (sorted here by ``place_id``).
    names : DataFrame
        :data:`NAME_COLUMNS` (sorted here by ``place_id, name``).
    geometries : dict
        place id -> shapely geometry (lon/lat).
    frequencies : DataFrame
        :data:`FREQUENCY_COLUMNS` (sorted here by ``key``).
    info : dict
        Content of ``build_info.json``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    places = places.sort_values("place_id", kind="mergesort").reset_index(drop=True)
    places["population"] = places["population"].astype("int64")
    names = names.sort_values(["place_id", "name"], kind="mergesort").reset_index(drop=True)
    geo = pd.DataFrame({"place_id": sorted(geometries)})
    geo["wkb"] = [to_wkb(geometries[pid]) for pid in geo["place_id"]]
    _write_parquet(places, PLACE_COLUMNS, out_dir / PLACES_FILE)
    _write_parquet(names, NAME_COLUMNS, out_dir / NAMES_FILE)
    _write_parquet(geo, GEOMETRY_COLUMNS, out_dir / GEOMETRIES_FILE)
    frequencies = frequencies.sort_values("key", kind="mergesort").reset_index(drop=True)
    _write_parquet(frequencies, FREQUENCY_COLUMNS, out_dir / FREQUENCY_FILE)
    text = json.dumps(info, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    (out_dir / BUILD_INFO_FILE).write_text(text, encoding="utf-8")
    files = (PLACES_FILE, NAMES_FILE, GEOMETRIES_FILE, FREQUENCY_FILE, BUILD_INFO_FILE)
    return {f: (out_dir / f).stat().st_size for f in files}
