"""Write everything ``geomap build`` produces into the output folder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gazetteer import Gazetteer

from .assets import inline_assets
from .digest import MentionDigest
from .embed import embed_fragment, iframe_snippet
from .exc import ThemeError
from .export import write_atomic, write_csv, write_geojson, write_parquet
from .index_page import index_html
from .mention_store import MentionStore
from .places import places_frame
from .problems import InputProblem, problems_csv
from .render import build_map, render_html
from .themes import Theme, theme_id_problem

__all__ = ["COMBINED_MAP", "MapOptions", "TABLE_FORMATS", "build_outputs"]

#: File suffix -> writer, in the order each table is written.
TABLE_FORMATS = {"csv": write_csv, "geojson": write_geojson, "parquet": write_parquet}
#: The map with every theme as a layer (``index.html`` lists it and the theme maps).
COMBINED_MAP = "combined.html"


@dataclass(frozen=True)
class MapOptions:
    """How the maps are written.

    ``self_contained`` inlines Leaflet (no network but for tiles); ``embed``
    also writes ``<map>.fragment.html`` (to include in a page) and
    ``<map>.iframe.html`` (an iframe snippet) beside each map; ``choropleth``
    ("country" or "admin1") adds a hidden layer of mentions per area.
    """

    self_contained: bool = False
    embed: bool = False
    choropleth: str | None = None


def _write_map(fmap, path: Path, title: str, options: MapOptions) -> list[Path]:
    html = render_html(fmap, prefix=path.stem)
    if options.self_contained:
        html = inline_assets(html)
    write_atomic(path, html)
    written = [path]
    if options.embed:
        fragment = embed_fragment(fmap, self_contained=options.self_contained)
        snippet = iframe_snippet(path.name, title=title.strip() or path.stem)
        for suffix, text in ((".fragment.html", fragment), (".iframe.html", snippet + "\n")):
            extra = path.with_name(path.stem + suffix)
            write_atomic(extra, text)
            written.append(extra)
    return written


def _check_theme_ids(themes: list[Theme]) -> None:
    """Theme ids name files in the output folder: refuse any that could name another file."""
    seen = set()
    for theme in themes:
        problem = theme_id_problem(theme.id)
        if problem is None and theme.id in seen:
            problem = f"two themes have the id {theme.id!r}; give each theme its own id"
        if problem:
            raise ThemeError(f"{problem}; the id names the theme's map file, <id>.html")
        seen.add(theme.id)


def build_outputs(mentions: pd.DataFrame | MentionStore, themes: list[Theme], gazetteer: Gazetteer,
                  out_dir: Path, problems: list[InputProblem] = (),
                  options: MapOptions = MapOptions(), digest: MentionDigest | None = None,
                  table_formats: Sequence[str] = tuple(TABLE_FORMATS)) -> list[Path]:
    """Write the maps, the index page, the mentions and places tables and ``errors.csv``.

    Parameters
    ----------
    mentions
        The mentions table (:data:`geo.table.MENTION_COLUMNS`), in memory or in a
        :class:`geo.mention_store.MentionStore` (read a part at a time: the maps, the
        places table and the index page come from its digest, the mentions tables are
        written a part at a time).
    themes, gazetteer
        What the maps show and where the theme areas come from.
    out_dir
        Created if missing; files of the same names are replaced atomically. To replace the
        whole folder at once, write into :func:`geo.output_dir.staged_output`'s folder.
    problems
        Input problems, one row each in ``errors.csv`` (a header only when there was none).
    options
        Self-contained maps, embedding snippets, a choropleth layer.
    digest
        ``mentions``'s :class:`geo.digest.MentionDigest`, when already made.
    table_formats
        The formats of the mentions and places tables, among :data:`TABLE_FORMATS`
        (a large corpus's CSV and GeoJSON tables are large: Parquet alone is a tenth).

    Returns
    -------
    list of Path
        The files written, always in this order: ``combined.html`` (every theme
        as a layer), ``<theme-id>.html`` per theme in the order of ``themes``
        (each followed by its ``.fragment.html`` and ``.iframe.html`` with
        ``embed``), ``mentions.csv``, ``mentions.geojson``, ``mentions.parquet``,
        ``places.csv``, ``places.geojson``, ``places.parquet`` (the table of
        :func:`geo.places.places_frame`; the formats in ``table_formats``),
        ``errors.csv`` and ``index.html``. The
        Parquet files are GeoParquet 1.0.0. The same input gives the same bytes.

    Raises
    ------
    geo.exc.ThemeError
        A theme id that is not a safe file name (see :func:`geo.themes.theme_id_problem`),
        or two themes with one id; nothing is written then.
    geo.exc.OutputError
        A file cannot be written.
    """
    out_dir = Path(out_dir)
    _check_theme_ids(themes)
    unknown = sorted(set(table_formats) - set(TABLE_FORMATS))
    if unknown:
        raise ValueError(f"table formats {unknown} unknown; choose among {list(TABLE_FORMATS)}")
    digest = MentionDigest.of(mentions) if digest is None else digest
    written: list[Path] = []
    combined = build_map(digest, themes, gazetteer, title="geomap: all themes",
                         choropleth=options.choropleth)
    written += _write_map(combined, out_dir / COMBINED_MAP, "geomap: all themes", options)
    theme_pages = {}
    for theme in themes:
        fmap = build_map(digest, themes, gazetteer, title=theme.title, only_theme=theme.id,
                         choropleth=options.choropleth)
        written += _write_map(fmap, out_dir / f"{theme.id}.html", theme.title, options)
        theme_pages[theme.id] = f"{theme.id}.html"
    tables = []
    for name, table in (("mentions", mentions), ("places", places_frame(digest))):
        for suffix, write in TABLE_FORMATS.items():
            if suffix not in table_formats:
                continue
            path = out_dir / f"{name}.{suffix}"
            write(table, path)
            written.append(path)
            tables.append(path.name)
    write_atomic(out_dir / "errors.csv", problems_csv(list(problems)))
    written.append(out_dir / "errors.csv")
    write_atomic(out_dir / "index.html", index_html(
        digest, themes, title="geomap", combined=COMBINED_MAP, theme_pages=theme_pages,
        tables=tables, problems=len(problems)))
    written.append(out_dir / "index.html")
    return written
