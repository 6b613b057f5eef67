"""The ``geomap`` command: a thin layer that turns library errors into one line and exit 1."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from gazetteer import Gazetteer, GazetteerError, Geoparser, read_user_places

from ._version import __version__
from .build import MapOptions, build_outputs
from .corpus import ReadOptions, read_corpus, sample_corpus_path
from .exc import CorpusError, GeomapError
from .export import json_record
from .pipeline import geoparse_documents
from .problems import InputProblem
from .summary import format_summary
from .tables import TableColumns
from .theme_check import theme_report
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


def _input_options(command):
    """Options for reading tables (which column is what) and for how strict to be."""
    for role, example in reversed([("text", "body"), ("title", "headline"), ("date", "published_at"),
                                   ("url", "link"), ("id", "article_id"), ("author", "byline"),
                                   ("source", "outlet")]):
        command = click.option(
            f"--{role}-col", f"{role}_col", default=None, metavar="NAME",
            help=f"Column of CSV/TSV/JSONL/Parquet inputs holding the {role} (e.g. {example}); "
                 "detected from common names when not given.")(command)
    return click.option(
        "--strict", is_flag=True,
        help="Stop at the first unreadable file or row instead of reporting it and going on.")(command)


def _read_options(options: dict) -> ReadOptions:
    columns = TableColumns(**{role: options.pop(f"{role}_col") for role in
                              ("text", "title", "date", "url", "id", "author", "source")})
    return ReadOptions(columns=columns, strict=options.pop("strict"))


def _parse(corpus: tuple[Path, ...], themes_path: Path | None, user_gazetteers: tuple[Path, ...],
           demonyms: bool, progress: bool, read_options: ReadOptions):
    paths = list(corpus) or [sample_corpus_path()]
    # Read every input first: a missing path, or any problem under --strict, fails at once
    # with nothing written; other problems are reported and the rest is read.
    problems: list[InputProblem] = []
    documents = list(read_corpus(paths, read_options, problems))
    if not documents:
        raise CorpusError(f"no article could be read from {', '.join(map(str, paths))}; "
                          + (f"first problem: {min(problems)}" if problems else "the inputs are empty"))
    user_tables = [read_user_places(path) for path in user_gazetteers]
    gazetteer = Gazetteer.load()
    for tables in user_tables:
        gazetteer = gazetteer.with_places(*tables)
    geoparser = Geoparser(gazetteer, include_demonyms=demonyms)
    themes = load_themes(themes_path or default_themes_path(), geoparser.gazetteer)
    result = geoparse_documents(documents, geoparser, themes, progress=progress)
    result.problems = sorted(problems)
    return geoparser, themes, result


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
@_input_options
@click.option("--self-contained", is_flag=True,
              help="Inline Leaflet into each map, so it opens with no network but for map tiles.")
@click.option("--embed", is_flag=True,
              help="Also write <map>.fragment.html (to include in a page) and <map>.iframe.html "
                   "(an iframe snippet) beside each map.")
@click.option("--choropleth", type=click.Choice(["country", "admin1"]), default=None,
              help="Add a hidden layer shading countries (or provinces) by their mentions.")
@click.option("--quiet", is_flag=True, help="Print nothing but errors and input problems.")
@_errors_as_one_line
def build(corpus, themes_path, user_gazetteers, out_dir, demonyms, self_contained, embed, choropleth,
          quiet, **options):
    """Read CORPUS (files, folders or tables; default: the bundled sample) and write maps and tables.

    Reads .txt, .md, .html/.htm pages and .csv, .tsv, .jsonl, .parquet tables
    (one article per row). Writes OUT/index.html (the maps and counts per
    theme), OUT/combined.html (a layer per theme), OUT/<theme-id>.html, the
    mentions and places tables as .csv, .geojson and GeoParquet .parquet, and
    OUT/errors.csv (inputs that could not be read), then prints a summary.
    """
    geoparser, themes, result = _parse(corpus, themes_path, user_gazetteers, demonyms,
                                       progress=not quiet, read_options=_read_options(options))
    map_options = MapOptions(self_contained=self_contained, embed=embed, choropleth=choropleth)
    written = build_outputs(result.mentions, themes, geoparser.gazetteer, out_dir, result.problems,
                            map_options)
    if not quiet:
        click.echo(format_summary(result, themes, written, out_dir))
    elif result.problems:
        click.echo("\n".join(str(p) for p in result.problems), err=True)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["jsonl", "csv"]), default="jsonl",
              show_default=True, help="One JSON object per line, or CSV with a header.")
@_themes_option
@_gazetteer_option
@_demonyms_option
@_input_options
@_errors_as_one_line
def mentions(paths, output_format, themes_path, user_gazetteers, demonyms, **options):
    """Print the resolved place mentions of PATHS, one row per mention, to standard output.

    Inputs that could not be read are listed on standard error, one line each.
    """
    _, _, result = _parse(paths, themes_path, user_gazetteers, demonyms, progress=False,
                          read_options=_read_options(options))
    for problem in result.problems:
        click.echo(str(problem), err=True)
    frame = result.mentions
    if output_format == "csv":
        sys.stdout.write(frame.to_csv(index=False, lineterminator="\n"))
        return
    for record in frame.to_dict("records"):
        sys.stdout.write(json.dumps(json_record(record), ensure_ascii=False) + "\n")


@main.group()
def themes():
    """Check theme files."""


@themes.command("check")
@click.argument("theme_file", type=click.Path(path_type=Path))
@click.argument("corpus", nargs=-1, type=click.Path(path_type=Path))
@_gazetteer_option
@_demonyms_option
@_input_options
@_errors_as_one_line
def check(theme_file, corpus, user_gazetteers, demonyms, **options):
    """Validate THEME_FILE and show what each theme catches in CORPUS (default: the sample corpus).

    Mistakes are reported with their line and the fix (exit status 1). For a
    valid file it prints, per theme, the places its anchors resolved to, its
    areas and keywords, the sections it catches with their scores and reasons,
    and its near misses (sections scoring under the threshold).
    """
    geoparser, loaded, result = _parse(corpus, theme_file, user_gazetteers, demonyms, progress=False,
                                       read_options=_read_options(options))
    click.echo(theme_report(theme_file, loaded, result, geoparser.gazetteer), nl=False)
