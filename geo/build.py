"""Write everything ``geomap build`` produces into the output folder."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from gazetteer import Gazetteer

from .export import write_atomic, write_csv, write_geojson
from .problems import InputProblem, problems_csv
from .render import build_map, render_html
from .themes import Theme

__all__ = ["build_outputs"]


def build_outputs(mentions: pd.DataFrame, themes: list[Theme], gazetteer: Gazetteer,
                  out_dir: Path, problems: list[InputProblem] = ()) -> list[Path]:
    """Write the combined map, one map per theme, the mention tables and ``errors.csv``
    (one row per input problem, a header only when there was none); return the paths."""
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
    write_csv(mentions, out_dir / "mentions.csv")
    write_geojson(mentions, out_dir / "mentions.geojson")
    write_atomic(out_dir / "errors.csv", problems_csv(list(problems)))
    written += [out_dir / "mentions.csv", out_dir / "mentions.geojson", out_dir / "errors.csv"]
    return written
