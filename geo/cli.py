"""The ``geomap`` command: a thin layer that turns library errors into one line and exit 1."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from gazetteer import Gazetteer, GazetteerError, Geoparser, read_user_places

from ._version import __version__
from .build import build_outputs
from .corpus import read_corpus, sample_corpus_path
from .exc import GeomapError
from .export import json_record
from .pipeline import geoparse_documents
from .summary import format_summary
from .themes import default_themes_path, load_themes

__all__ = ["main"]


def _errors_as_one_line(command):
    """Run ``command``; a library error becomes ``Error: <message>`` and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (GeomapError, GazetteerError) as error:
            raise click.ClickException(str(error)) from error

    return wrapper


_themes_option = click.option(
    "--themes", "themes_path", type=click.Path(path_type=Path), default=None,
    help="Theme file (TOML). Default: the themes shipped with geomap.",
)
_gazetteer_option = click.option(
    "--gazetteer", "user_gazetteers", multiple=True, type=click.Path(path_type=Path),
    help="Extra places (CSV with name,lat,lon[,kind,country_code,place_id,alt_names] or GeoJSON); "
         "a place_id already in the gazetteer replaces that place. May be repeated.",
)
_demonyms_option = click.option(
    "--demonyms/--no-demonyms", default=True, show_default=True,
    help="Count adjectives and people names ('Tajik', 'Azerbaijani') as mentions of their country.",
)


def _parse(corpus: tuple[Path, ...], themes_path: Path | None, user_gazetteers: tuple[Path, ...],
           demonyms: bool, progress: bool):
    paths = list(corpus) or [sample_corpus_path()]
    # Read every input first: a missing or unreadable one fails at once, with nothing written.
    documents = list(read_corpus(paths))
    user_tables = [read_user_places(path) for path in user_gazetteers]
    gazetteer = Gazetteer.load()
    for tables in user_tables:
        gazetteer = gazetteer.with_places(*tables)
    geoparser = Geoparser(gazetteer, include_demonyms=demonyms)
    themes = load_themes(themes_path or default_themes_path(), geoparser.gazetteer)
    return geoparser, themes, geoparse_documents(documents, geoparser, themes, progress=progress)


@click.group()
@click.version_option(__version__, prog_name="geomap")
def main():
    """Geoparse conflict reporting and draw layered theme maps."""


@main.command()
@click.argument("corpus", nargs=-1, type=click.Path(path_type=Path))
@_themes_option
@_gazetteer_option
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("maps"),
              show_default=True, help="Folder to write the maps and tables into.")
@_demonyms_option
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
@_errors_as_one_line
def build(corpus, themes_path, user_gazetteers, out_dir, demonyms, quiet):
    """Read CORPUS (files or folders; default: the bundled sample) and write maps and tables.

    Writes OUT/index.html (a layer per theme), OUT/<theme-id>.html,
    OUT/mentions.csv and OUT/mentions.geojson, then prints a summary.
    """
    geoparser, themes, result = _parse(corpus, themes_path, user_gazetteers, demonyms,
                                       progress=not quiet)
    written = build_outputs(result.mentions, themes, geoparser.gazetteer, out_dir)
    if not quiet:
        click.echo(format_summary(result, themes, written, out_dir))


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["jsonl", "csv"]), default="jsonl",
              show_default=True, help="One JSON object per line, or CSV with a header.")
@_themes_option
@_gazetteer_option
@_demonyms_option
@_errors_as_one_line
def mentions(paths, output_format, themes_path, user_gazetteers, demonyms):
    """Print the resolved place mentions of PATHS, one row per mention, to standard output."""
    _, _, result = _parse(paths, themes_path, user_gazetteers, demonyms, progress=False)
    frame = result.mentions
    if output_format == "csv":
        sys.stdout.write(frame.to_csv(index=False, lineterminator="\n"))
        return
    for record in frame.to_dict("records"):
        sys.stdout.write(json.dumps(json_record(record), ensure_ascii=False) + "\n")
