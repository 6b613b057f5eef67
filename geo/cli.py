"""The ``geomap`` command: a thin layer that turns library errors into one line and exit 1."""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import sys
from pathlib import Path

import click

from gazetteer import GazetteerError
from gazetteer.name_index import cache_dir
from gazetteer.online import CACHE_FILE as GEOCODER_CACHE_FILE, DEFAULT_NOMINATIM_URL, OnlineGeocoder

from ._version import __version__
from .build import TABLE_FORMATS, MapOptions, build_outputs
from .cache import RESULTS_FILE, ResultCache
from .corpus import ReadOptions, check_corpus_paths, read_corpus, sample_corpus_path
from .digest import MentionDigest
from .engine_dask import PARTS_DIR, ParserSettings, geoparse_dask, require_distributed
from .exc import CorpusError, GeomapError
from .export import json_record
from .mention_store import MentionStore
from .output_dir import check_output_dir, staged_output
from .pipeline import geoparse_documents, load_parser
from .problems import InputProblem
from .summary import format_summary
from .tables import TableColumns
from .terminal import for_terminal
from .theme_check import theme_report
from .themes import default_themes_path

__all__ = ["main"]

# Where the local engine keeps the mentions while it builds (in the staged folder, then deleted).
_MENTIONS_SCRATCH = ".mentions-scratch"


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


def _geocoder_options(command):
    """--geocoder, --user-agent and --geocoder-url: the opt-in online lookup of unknown names."""
    command = click.option(
        "--geocoder-url", default=DEFAULT_NOMINATIM_URL, show_default=True, metavar="URL",
        help="The Nominatim server --geocoder asks.")(command)
    command = click.option(
        "--user-agent", default=None, metavar="TEXT",
        help="Names your application to the geocoder, as Nominatim's policy requires "
             "(required with --geocoder), e.g. 'my-maps/1.0 (me@example.org)'.")(command)
    return click.option(
        "--geocoder", type=click.Choice(["nominatim"]), default=None,
        help="Look up place-like names the gazetteer lacks online, at most one request a second, "
             "each name once (answers cached in the cache folder). Off by default: without it "
             "nothing is asked online.")(command)


def _geocoder(options: dict) -> OnlineGeocoder | None:
    geocoder, user_agent, url = (options.pop(k) for k in ("geocoder", "user_agent", "geocoder_url"))
    if geocoder != "nominatim":
        return None
    folder = options.get("cache_dir")  # (--cache-dir keeps the geocoder's answers too)
    return OnlineGeocoder(user_agent, url=url, cache_path=folder / GEOCODER_CACHE_FILE if folder else None)


def _cache_options(command):
    """--no-cache and --cache-dir: reuse the results of articles parsed in earlier runs (geo.cache)."""
    command = click.option(
        "--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
        help="Folder of the result cache and of --geocoder's answers. Default: $GEOMAP_CACHE_DIR, "
             "else ~/.cache/geomap.")(command)
    return click.option(
        "--cache/--no-cache", "use_cache", default=True, show_default=True,
        help="Reuse the results of articles parsed before with the same gazetteer, themes and "
             "settings, so a grown corpus only parses its new articles. Safe to delete.")(command)


def _cache_path(options: dict) -> Path | None:
    # (cache_dir is left in the options: the geocoder keeps its answers there too, whichever asks first)
    use_cache, folder = options.pop("use_cache"), options.get("cache_dir")
    return (folder or cache_dir()) / RESULTS_FILE if use_cache else None


def _engine_options(command):
    """--engine, --scheduler and --partitions: parse on Dask workers (geo.engine_dask)."""
    command = click.option(
        "--partitions", type=click.IntRange(min=1), default=None, metavar="N",
        help="With --engine dask: split the corpus into at least N partitions (default: two per "
             "worker; at most 32 MB of input each).")(command)
    command = click.option(
        "--scheduler", default=None, metavar="ADDRESS",
        help="With --engine dask: the Dask scheduler to use, e.g. tcp://10.0.0.5:8786 (default: start "
             "a local cluster, one worker per core). Workers read the inputs at the same paths.")(command)
    return click.option(
        "--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
        help="Parse in this process, or on Dask workers (needs pip install 'geomap[dask]'); "
             f"the dask engine also writes the mentions as OUT/{PARTS_DIR}/part-*.parquet.")(command)


def _dask_options(options: dict) -> dict | None:
    """``geoparse_dask``'s scheduler and partitions for ``--engine dask``, else None."""
    engine, scheduler, partitions = (options.pop(k) for k in ("engine", "scheduler", "partitions"))
    if engine == "dask":
        require_distributed()  # before anything is read
        return {"scheduler": scheduler, "partitions": partitions}
    if scheduler is not None or partitions is not None:
        raise click.UsageError("--scheduler and --partitions go with --engine dask")
    return None


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


def _parsing_options(command):
    """What every command that geoparses a corpus takes: places, demonyms, the online geocoder,
    how to read tables and the result cache."""
    for option in (_cache_options, _input_options, _geocoder_options, _demonyms_option, _gazetteer_option):
        command = option(command)
    return command


def _read_options(options: dict) -> ReadOptions:
    columns = TableColumns(**{role: options.pop(f"{role}_col") for role in
                              ("text", "title", "date", "url", "id", "author", "source")})
    return ReadOptions(columns=columns, strict=options.pop("strict"))


def _parse(corpus: tuple[Path, ...], themes_path: Path | None, user_gazetteers: tuple[Path, ...],
           demonyms: bool, progress: bool, read_options: ReadOptions,
           geocoder: OnlineGeocoder | None = None, cache_path: Path | None = None, **parsing):
    """Geoparse the corpus on this machine; ``parsing``: more :func:`geoparse_documents` options."""
    paths = list(corpus) or [sample_corpus_path()]
    # Documents are read as they are parsed, never all held at once. The first is read before
    # anything loads: a missing path, or no readable article at all, fails at once. Any
    # problem under --strict fails when met; other problems are reported and the rest is read.
    problems: list[InputProblem] = []
    documents = read_corpus(paths, read_options, problems)
    first = next(documents, None)
    if first is None:
        raise _nothing_read(paths, problems)
    geoparser, themes = load_parser(themes_path or default_themes_path(), user_gazetteers,
                                    demonyms=demonyms, geocoder=geocoder)
    if geocoder is not None:
        cache_path = None  # a name the geocoder gave up on is asked again next run: parse its articles again
    with (ResultCache.open(cache_path, warn=lambda message: click.echo(f"warning: {message}", err=True))
          if cache_path is not None else contextlib.nullcontext()) as cache:
        result = geoparse_documents(itertools.chain([first], documents), geoparser, themes,
                                    progress=progress, cache=cache, **parsing)
    for problem in geocoder.problems if geocoder is not None else ():
        click.echo(for_terminal(problem), err=True)
    result.problems = sorted(problems)
    return geoparser, themes, result


def _nothing_read(paths: list[Path], problems: list[InputProblem]) -> CorpusError:
    return CorpusError(f"no article could be read from {', '.join(map(str, paths))}; "
                       + (f"first problem: {min(problems)}" if problems else "the inputs are empty"))


def _parse_dask(corpus: tuple[Path, ...], themes_path: Path | None, user_gazetteers: tuple[Path, ...],
                demonyms: bool, progress: bool, read_options: ReadOptions, cache_path: Path | None,
                parts_dir: Path, dask: dict):
    """``_parse`` on Dask workers; the mentions are also written to ``parts_dir`` as they come."""
    paths = list(corpus) or [sample_corpus_path()]
    check_corpus_paths(paths)  # (before the gazetteer loads, as the local engine checks them)
    settings = ParserSettings.of(themes_path or default_themes_path(), user_gazetteers, demonyms, cache_path)
    geoparser, themes = settings.load()  # a mistake in these files shows before a cluster starts
    result = geoparse_dask(paths, settings, parts_dir, read_options=read_options, section_scores=False,
                           progress=progress, read_mentions=False, **dask)
    if not result.documents:
        raise _nothing_read(paths, result.problems)
    return geoparser, themes, result


@click.group()
@click.version_option(__version__, prog_name="geomap")
def main():
    """Geoparse conflict reporting and draw layered theme maps."""


@main.command()
@click.argument("corpus", nargs=-1, type=click.Path(path_type=Path))
@_themes_option
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("maps"),
              show_default=True,
              help="Folder to write the maps and tables into; replaced as a whole once all is written.")
@click.option("--force", is_flag=True,
              help="Replace the --out folder even if it holds files and geomap did not write it.")
@_parsing_options
@_engine_options
@click.option("--self-contained", is_flag=True,
              help="Inline Leaflet into each map, so it opens with no network but for map tiles.")
@click.option("--embed", is_flag=True,
              help="Also write <map>.fragment.html (to include in a page) and <map>.iframe.html "
                   "(an iframe snippet) beside each map.")
@click.option("--choropleth", type=click.Choice(["country", "admin1"]), default=None,
              help="Add a hidden layer shading countries (or provinces) by their mentions.")
@click.option("--tables", "table_formats", multiple=True, type=click.Choice(list(TABLE_FORMATS)),
              help="Write the mentions and places tables in this format only; repeat for several "
                   "(default: csv, geojson and parquet; on a large corpus parquet alone is a tenth "
                   "of the size and quicker to write).")
@click.option("--quiet", is_flag=True, help="Print nothing but errors and input problems.")
@_errors_as_one_line
def build(corpus, themes_path, user_gazetteers, out_dir, force, demonyms, self_contained, embed,
          choropleth, table_formats, quiet, **options):
    """Read CORPUS (files, folders or tables; default: the bundled sample) and write maps and tables.

    Reads .txt, .md, .html/.htm pages and .csv, .tsv, .jsonl, .parquet tables
    (one article per row). Writes OUT/index.html (the maps and counts per
    theme), OUT/combined.html (a layer per theme), OUT/<theme-id>.html, the
    mentions and places tables as .csv, .geojson and GeoParquet .parquet
    (or the --tables formats only), and
    OUT/errors.csv (inputs that could not be read), then prints a summary.
    OUT is replaced as a whole once everything is written; a non-empty folder
    geomap did not write is replaced only with --force.
    """
    check_output_dir(out_dir, force=force)  # before the corpus is read, not after
    dask, read_options = _dask_options(options), _read_options(options)
    geocoder, cache_path = _geocoder(options), _cache_path(options)
    if dask is not None and geocoder is not None:
        raise click.UsageError("--geocoder goes with --engine local: its one request a second is "
                               "counted per process")
    map_options = MapOptions(self_contained=self_contained, embed=embed, choropleth=choropleth)
    # The mentions go to Parquet parts as they are found and every output is made from them
    # a part at a time: a large corpus's mentions table is never in memory whole.
    with staged_output(out_dir, force=force) as staging:  # (a failed run leaves the old folder)
        if dask is None:
            store = MentionStore.create(staging / _MENTIONS_SCRATCH)
            geoparser, themes, result = _parse(corpus, themes_path, user_gazetteers, demonyms,
                                               progress=not quiet, read_options=read_options,
                                               geocoder=geocoder, cache_path=cache_path,
                                               section_scores=False, sink=store.append)
        else:
            store = MentionStore(staging / PARTS_DIR)
            geoparser, themes, result = _parse_dask(corpus, themes_path, user_gazetteers, demonyms,
                                                    not quiet, read_options, cache_path, store.folder, dask)
        digest = MentionDigest.of(store)
        written = build_outputs(store, themes, geoparser.gazetteer, staging, result.problems,
                                map_options, digest, table_formats or tuple(TABLE_FORMATS))
        if dask is None:
            store.remove()
        else:
            written.append(store.folder)
    written = [out_dir / path.relative_to(staging) for path in written]
    if not quiet:
        click.echo(format_summary(result, digest, themes, written, out_dir))
    elif result.problems:
        click.echo("\n".join(for_terminal(p) for p in result.problems), err=True)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["jsonl", "csv"]), default="jsonl",
              show_default=True, help="One JSON object per line, or CSV with a header.")
@_themes_option
@_parsing_options
@_errors_as_one_line
def mentions(paths, output_format, themes_path, user_gazetteers, demonyms, **options):
    """Print the resolved place mentions of PATHS, one row per mention, to standard output.

    Inputs that could not be read are listed on standard error, one line each.
    """
    frames_written = itertools.count()

    def print_frame(frame) -> None:  # rows are printed as they are found, a frame at a time
        header = next(frames_written) == 0
        if output_format == "csv":
            if header or len(frame):
                sys.stdout.write(frame.to_csv(index=False, header=header, lineterminator="\n"))
            return
        for record in frame.to_dict("records"):
            sys.stdout.write(json.dumps(json_record(record), ensure_ascii=False) + "\n")

    _, _, result = _parse(paths, themes_path, user_gazetteers, demonyms, progress=False,
                          read_options=_read_options(options), geocoder=_geocoder(options),
                          cache_path=_cache_path(options), section_scores=False, sink=print_frame)
    for problem in result.problems:
        click.echo(for_terminal(problem), err=True)


@main.group()
def themes():
    """Check theme files."""


@themes.command("check")
@click.argument("theme_file", type=click.Path(path_type=Path))
@click.argument("corpus", nargs=-1, type=click.Path(path_type=Path))
@_parsing_options
@_errors_as_one_line
def check(theme_file, corpus, user_gazetteers, demonyms, **options):
    """Validate THEME_FILE and show what each theme catches in CORPUS (default: the sample corpus).

    Mistakes are reported with their line and the fix (exit status 1). For a
    valid file it prints, per theme, the places its anchors resolved to, its
    areas and keywords, the sections it catches with their scores and reasons,
    and its near misses (sections scoring under the threshold).
    """
    geoparser, loaded, result = _parse(corpus, theme_file, user_gazetteers, demonyms, progress=False,
                                       read_options=_read_options(options), geocoder=_geocoder(options),
                                       cache_path=_cache_path(options))
    click.echo(theme_report(theme_file, loaded, result, geoparser.gazetteer), nl=False)
