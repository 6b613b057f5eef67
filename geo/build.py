"""Write everything ``geomap build`` produces into the output folder."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from gazetteer import Gazetteer

from .export import write_atomic, write_csv, write_geojson, write_parquet
from .places import places_frame
from .problems import InputProblem, problems_csv
from .render import build_map, render_html
from .themes import Theme

__all__ = ["TABLE_FORMATS", "build_outputs"]

#: File suffix -> writer, in the order each table is written.
TABLE_FORMATS = {"csv": write_csv, "geojson": write_geojson, "parquet": write_parquet}


def build_outputs(mentions: pd.DataFrame, themes: list[Theme], gazetteer: Gazetteer,
                  out_dir: Path, problems: list[InputProblem] = ()) -> list[Path]:
    """Write the maps, the mentions and places tables and ``errors.csv`` into ``out_dir``.

    Parameters
    ----------
    mentions
        The mentions table (:data:`geo.table.MENTION_COLUMNS`).
    themes, gazetteer
        What the maps show and where the theme areas come from.
    out_dir
        Created if missing; files of the same names are replaced atomically.
    problems
        Input problems, one row each in ``errors.csv`` (a header only when there was none).

    Returns
    -------
    list of Path
        The files written, always in this order: ``index.html`` (all themes),
        ``<theme-id>.html`` per theme in the order of ``themes``, then
        ``mentions.csv``, ``mentions.geojson``, ``mentions.parquet``,
        ``places.csv``, ``places.geojson``, ``places.parquet`` (the table of
        :func:`geo.places.places_frame`) and ``errors.csv``. The Parquet files
        are GeoParquet 1.0.0. The same input gives the same bytes.
    """
    out_dir = Path(out_dir)
    written = []
    combined = build_map(mentions, themes, gazetteer, title="geomap: all themes")
    pages = [(out_dir / "index.html", combined)]
    for theme in themes:
        pages.append((out_dir / f"{theme.id}.html",
                      build_map(mentions, themes, gazetteer, title=theme.title, only_theme=theme.id)))
    for path, fmap in pages:
        write_atomic(path, render_html(fmap))
        written.append(path)
    for name, table in (("mentions", mentions), ("places", places_frame(mentions))):
        for suffix, write in TABLE_FORMATS.items():
            path = out_dir / f"{name}.{suffix}"
            write(table, path)
            written.append(path)
    write_atomic(out_dir / "errors.csv", problems_csv(list(problems)))
    written.append(out_dir / "errors.csv")
    return written
