"""Per-article results kept between runs, so a grown corpus only parses its new articles.

An article's result (its mention rows, counts and section scores) is stored
under a hash of everything that decides it:

* the article: its text and masked text, its title, date, author, source and
  URL, and its sections' titles and offsets relative to the article;
* the run (:func:`run_fingerprint`): the cache format, geomap's version and
  source code, the gazetteer (user places added with ``--gazetteer``
  included), the loaded themes, and the matcher's and resolver's settings
  (``include_demonyms``...).

Results are stored relative to their article: offsets count from the
article's start, and the document id, path and article number are those of
the document being read. An article that moved within a grown page, or whose
file was renamed, is still found; so is the same article in two files.

The store is one SQLite file, ``results-v1.sqlite`` in the cache folder
(:func:`gazetteer.name_index.cache_dir`: ``$GEOMAP_CACHE_DIR``, else
``$XDG_CACHE_HOME/geomap``, else ``~/.cache/geomap``). SQLite commits are
atomic, so a killed run never leaves it half-written, and any number of
processes may read and write it at once. A cache file that is damaged,
locked or cannot be created costs one warning, and the run goes on uncached.
Deleting the cache is always safe.

Each result records the run setting (the fingerprint) that made it, and the
file the day each setting was last used. Opening the cache deletes the
results of settings unused for :data:`STALE_AFTER_DAYS` days (an older
geomap, an edited theme file), so the file does not grow with every upgrade.

Examples
--------
>>> from gazetteer import Geoparser
>>> from geo.corpus import read_corpus, sample_corpus_path
>>> from geo.themes import default_themes_path, load_themes
>>> parser = Geoparser()
>>> themes = load_themes(default_themes_path(), parser.gazetteer)
>>> document = next(read_corpus([sample_corpus_path() / "aegean.md"]))
>>> fingerprint = run_fingerprint(parser, themes)
>>> import tempfile; folder = tempfile.TemporaryDirectory()
>>> with ResultCache.open(Path(folder.name) / RESULTS_FILE) as cache:
...     first, hit = cached_geoparse_article(document, document.articles[0], parser, themes,
...                                          cache, fingerprint)
...     again, hit_again = cached_geoparse_article(document, document.articles[0], parser, themes,
...                                                cache, fingerprint)
>>> hit, hit_again, again == first
(False, True, True)
>>> folder.cleanup()
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import re
import sqlite3
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import shapely

from gazetteer import Geoparser
from gazetteer.name_index import cache_dir

from ._version import __version__
from .document import Article, Document
from .pipeline import ArticleResult, SectionScores, geoparse_article
from .table import MENTION_COLUMNS
from .themes import Theme, ThemeMatch

__all__ = ["RESULTS_FILE", "STALE_AFTER_DAYS", "ResultCache", "article_key", "cached_geoparse_article",
           "component_fingerprint", "run_fingerprint"]

# Bump when the stored value's layout changes (the file name changes with it: old files are ignored).
_FORMAT = 1
#: The cache file, in the cache folder.
RESULTS_FILE = f"results-v{_FORMAT}.sqlite"
# Taken from the document being read, never from the cache: a renamed file or a moved article hits.
_ANCHORED = ("doc_id", "path", "article")
_STORED = [column for column in MENTION_COLUMNS if column not in _ANCHORED]
_START, _END = _STORED.index("start"), _STORED.index("end")
_ROW_KEYS = (*_ANCHORED, *_STORED)
# How long a run waits for another process's write before giving up on the cache.
_BUSY_MS = 10_000
#: Results of a run setting (a :func:`run_fingerprint`) that no run has used for this many days
#: are deleted when the cache is opened: after an upgrade or a theme edit they never hit again.
STALE_AFTER_DAYS = 30
_PLAIN = (bool, int, float, str, type(None))

_log = logging.getLogger(__name__)


# -- keys -------------------------------------------------------------------------------------

def _canonical(value):
    """``value`` as JSON-able data that is the same in every process (sets sorted, shapes as WKB).

    A dataclass's private fields are left out: they hold what is derived from
    the public ones (a theme's keyword pattern, its memo of places in areas).
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)
                if not f.name.startswith("_")}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, re.Pattern):
        return [value.pattern, value.flags]
    if isinstance(value, shapely.Geometry):
        return shapely.to_wkb(value, hex=True)
    if isinstance(value, _PLAIN):
        return value
    raise TypeError(f"cannot fingerprint a {type(value).__name__}: {value!r}")


def component_fingerprint(component) -> str:
    """What a matcher or resolver contributes to :func:`run_fingerprint`.

    A component with a ``fingerprint`` attribute (a string, or a method
    returning one) gives that: a resolver whose results depend on more than
    its plain settings (an online geocoder fallback: its service, language,
    confidence) should say so there, including the wrapped resolver's
    ``component_fingerprint``. Otherwise: the class name and the public
    attributes that are plain values (``include_demonyms``, ``max_candidates``),
    and those of any public attribute that is itself a resolver (has
    ``resolve``) or has a ``fingerprint``.

    >>> from gazetteer import Gazetteer
    >>> from gazetteer.resolver import ContextResolver
    >>> gazetteer = Gazetteer.load()
    >>> component_fingerprint(ContextResolver(gazetteer, include_demonyms=False)) == (
    ...     f"ContextResolver(gazetteer={gazetteer.fingerprint}, include_demonyms=False, max_candidates=40)")
    True
    """
    own = getattr(component, "fingerprint", None)
    if own is not None:
        return str(own() if callable(own) else own)
    settings = []
    for name, value in sorted(getattr(component, "__dict__", {}).items()):
        if name.startswith("_"):
            continue
        if isinstance(value, _PLAIN):
            settings.append(f"{name}={value!r}")
        elif hasattr(value, "resolve") or hasattr(value, "fingerprint"):
            settings.append(f"{name}={component_fingerprint(value)}")
    return f"{type(component).__qualname__}({', '.join(settings)})"


@functools.cache
def _code_fingerprint() -> str:
    """A hash of the geo and gazetteer sources: results from other code (a git checkout) miss."""
    import gazetteer

    digest = hashlib.blake2b(digest_size=16)
    for package in (Path(__file__).parent, Path(gazetteer.__file__).parent):
        for source in sorted(package.glob("*.py")):
            digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()


def run_fingerprint(geoparser: Geoparser, themes: list[Theme]) -> str:
    """A hash of everything besides the article that decides an article's result.

    The cache format, geomap's version and source code, the gazetteer's
    fingerprint (which covers the places added with ``--gazetteer``), the
    loaded themes (so editing a keyword or an area of the theme file
    changes it), and the matcher's and resolver's settings as
    :func:`component_fingerprint` gives them (``include_demonyms`` among them).
    Compute it once per run; it is a short string, cheap to send to workers.
    """
    parts = {
        "format": _FORMAT, "geomap": __version__, "code": _code_fingerprint(),
        "gazetteer": geoparser.gazetteer.fingerprint,
        "matcher": component_fingerprint(geoparser.matcher),
        "resolver": component_fingerprint(geoparser.resolver),
        "themes": _canonical(list(themes)),
    }
    payload = json.dumps(parts, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.blake2b(payload, digest_size=16).hexdigest()


def article_key(document: Document, article: Article, fingerprint: str) -> bytes:
    """The cache key of ``article`` of ``document`` in a run with ``fingerprint`` (16 bytes).

    It does not depend on where the article sits, nor on the document's id or path.
    """
    start = min([article.start] + [s.start for s in article.sections])
    end = max([article.end] + [s.end for s in article.sections])
    text, masked = document.text[start:end], document.masked[start:end]
    header = [fingerprint, start - article.start, end - article.start, len(text), len(masked),
              article.title, article.date, article.author, article.source, article.url,
              [[s.index, s.title, s.start - article.start, s.end - article.start]
               for s in article.sections]]
    digest = hashlib.blake2b(digest_size=16)
    for part in (json.dumps(header, ensure_ascii=False), text, masked):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.digest()


# -- values -----------------------------------------------------------------------------------

def _encode(article: Article, result: ArticleResult) -> bytes:
    rows = []
    for row in result.rows:
        values = [row[column] for column in _STORED]
        values[_START] -= article.start
        values[_END] -= article.start
        rows.append(values)
    scores = [[s.section, s.article_title, s.section_title, s.mentions,
               [[m.theme_id, m.score, m.reason] for m in s.scores]] for s in result.section_scores]
    value = [rows, result.sections, result.spans_found, list(result.not_places.items()),
             list(result.unknown_names.items()), list(result.theme_sections.items()), scores]
    return zlib.compress(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _decode(data: bytes, document: Document, article: Article) -> ArticleResult:
    rows, sections, spans_found, not_places, unknown_names, theme_sections, scores = json.loads(
        zlib.decompress(data))
    anchored = [document.doc_id, document.path, article.index]  # as _ANCHORED lists them
    decoded = []
    for values in rows:
        if len(values) != len(_STORED):
            raise ValueError(f"a stored row has {len(values)} values, expected {len(_STORED)}")
        values[_START] += article.start
        values[_END] += article.start
        decoded.append(dict(zip(_ROW_KEYS, anchored + values)))
    return ArticleResult(
        rows=decoded, sections=sections, spans_found=spans_found,
        not_places=Counter(dict(not_places)), unknown_names=Counter(dict(unknown_names)),
        theme_sections=Counter(dict(theme_sections)),
        section_scores=[SectionScores(document.doc_id, article.index, section, article_title,
                                      section_title, mentions, tuple(ThemeMatch(*m) for m in matches))
                        for section, article_title, section_title, mentions, matches in scores])


# -- the store --------------------------------------------------------------------------------

class ResultCache:
    """Article results in one SQLite file; open with :meth:`open`, close when done.

    Never raises for the cache's sake: the first error (damaged or locked
    file, full disk) is reported once through ``warn`` and the cache then
    stays off for the rest of the run; a stored value that cannot be read is
    a miss. Safe to share between threads; each process opens its own.
    """

    def __init__(self, path: Path, connection: sqlite3.Connection | None,
                 warn: Callable[[str], None], clock: Callable[[], float] = time.time):
        self.path = path
        self._connection = connection
        self._warn = warn
        self._clock = clock
        self._lock = threading.Lock()
        self._runs_marked: set[str] = set()

    @classmethod
    def open(cls, path: str | Path | None = None, *, warn: Callable[[str], None] | None = None,
             clock: Callable[[], float] = time.time) -> "ResultCache":
        """Open (creating it if needed) the cache file ``path``, by default
        ``cache_dir() / RESULTS_FILE``; ``warn`` gets the one line said when the
        cache cannot be used (default: a warning on the ``geo.cache`` logger).

        Results of run settings unused for :data:`STALE_AFTER_DAYS` days (by
        ``clock``, seconds since the epoch) are deleted; their space is reused.
        """
        path = Path(path) if path is not None else cache_dir() / RESULTS_FILE
        cache = cls(path, None, warn or _log.warning, clock)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=_BUSY_MS / 1000, isolation_level=None,
                                         check_same_thread=False)
            try:
                connection.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
                # Values are 1-4 kB: 16 kB pages hold several (a new file only; else a no-op).
                connection.execute("PRAGMA page_size = 16384")
                connection.execute("PRAGMA journal_mode = WAL")  # readers never wait for a writer
                connection.execute("PRAGMA synchronous = NORMAL")  # atomic still; no fsync per commit
                _create_tables(connection, clock())
                _delete_stale_runs(connection, clock() - STALE_AFTER_DAYS * 86_400)
            except sqlite3.Error:
                connection.close()
                raise
        except (sqlite3.Error, OSError) as error:
            cache._give_up(error)
        else:
            cache._connection = connection
        return cache

    @property
    def enabled(self) -> bool:
        """False once the cache could not be used (the run goes on without it)."""
        return self._connection is not None

    def _give_up(self, error: Exception) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except sqlite3.Error:
                pass
            self._connection = None
        self._warn(f"result cache {self.path} not used ({error}); the run goes on without it. "
                   "Deleting the file is safe: it is rebuilt on the next run")

    def get(self, key: bytes, document: Document, article: Article) -> ArticleResult | None:
        """The result stored under ``key``, anchored on ``article`` of ``document``, or None."""
        with self._lock:
            if self._connection is None:
                return None
            try:
                found = self._connection.execute(
                    "SELECT value FROM results WHERE key = ?", (key,)).fetchone()
            except sqlite3.Error as error:
                self._give_up(error)
                return None
        if found is None:
            return None
        try:
            return _decode(found[0], document, article)
        except (zlib.error, ValueError, TypeError, IndexError, KeyError):
            return None  # written by a broken run or another layout: parsed again and replaced

    def put(self, key: bytes, article: Article, result: ArticleResult, run: str) -> None:
        """Store ``result`` of ``article`` under ``key``, made by a run with fingerprint ``run``
        (committed at once)."""
        value = _encode(article, result)
        with self._lock:
            if self._connection is None:
                return
            try:
                self._connection.execute("INSERT OR REPLACE INTO results (key, value, run) VALUES (?, ?, ?)",
                                         (key, value, run))
            except sqlite3.Error as error:
                self._give_up(error)

    def mark_used(self, run: str) -> None:
        """Record that a run with fingerprint ``run`` uses the cache now (once per cache opened):
        its results are kept for :data:`STALE_AFTER_DAYS` days from now."""
        with self._lock:
            if self._connection is None or run in self._runs_marked:
                return
            self._runs_marked.add(run)
            try:
                self._connection.execute("INSERT INTO runs VALUES (?, ?) "
                                         "ON CONFLICT (run) DO UPDATE SET last_used = excluded.last_used",
                                         (run, self._clock()))
            except sqlite3.Error as error:
                self._give_up(error)

    def close(self) -> None:
        """Close the file (further gets miss, puts are dropped)."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def __enter__(self) -> "ResultCache":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def cached_geoparse_article(document: Document, article: Article, geoparser: Geoparser,
                            themes: list[Theme], cache: ResultCache | None,
                            fingerprint: str) -> tuple[ArticleResult, bool]:
    """:func:`geo.pipeline.geoparse_article` through ``cache``: ``(result, True)`` when it
    came from the cache, else the parsed result (now stored) and False.

    ``fingerprint`` is :func:`run_fingerprint` of ``geoparser`` and ``themes``;
    with ``cache`` None the article is simply parsed.
    """
    if cache is None:
        return geoparse_article(document, article, geoparser, themes), False
    cache.mark_used(fingerprint)
    key = article_key(document, article, fingerprint)
    found = cache.get(key, document, article)
    if found is not None:
        return found, True
    result = geoparse_article(document, article, geoparser, themes)
    cache.put(key, article, result, fingerprint)
    return result, False


def _create_tables(connection: sqlite3.Connection, now: float) -> None:
    """The results table (with the run that made each result) and the runs' last use."""
    connection.execute("BEGIN IMMEDIATE")  # (one process at a time adds what is missing)
    try:
        connection.execute("CREATE TABLE IF NOT EXISTS results "
                           "(key BLOB PRIMARY KEY, value BLOB NOT NULL, run TEXT NOT NULL DEFAULT '')")
        connection.execute("CREATE TABLE IF NOT EXISTS runs (run TEXT PRIMARY KEY, last_used REAL NOT NULL)")
        columns = [row[1] for row in connection.execute("PRAGMA table_info(results)")]
        if "run" not in columns:
            # A file from before runs were recorded: its results count as used now.
            connection.execute("ALTER TABLE results ADD COLUMN run TEXT NOT NULL DEFAULT ''")
            connection.execute("INSERT OR REPLACE INTO runs VALUES ('', ?)", (now,))
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _delete_stale_runs(connection: sqlite3.Connection, cutoff: float) -> None:
    """Delete the results of the runs last used before ``cutoff`` (seconds since the epoch)."""
    if connection.execute("SELECT 1 FROM runs WHERE last_used < ? LIMIT 1", (cutoff,)).fetchone() is None:
        return  # (the usual case: no scan of the results)
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.execute("DELETE FROM results WHERE run IN (SELECT run FROM runs WHERE last_used < ?)",
                           (cutoff,))
        connection.execute("DELETE FROM runs WHERE last_used < ?", (cutoff,))
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
