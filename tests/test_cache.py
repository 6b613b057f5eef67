"""The per-article result cache: re-runs parse only new articles, with the same output."""

import shutil
import sqlite3

import pandas as pd
import pytest
from click.testing import CliRunner

import geo.cache
from gazetteer import Geoparser, read_user_places
from geo.cache import (RESULTS_FILE, ResultCache, article_key, cached_geoparse_article, component_fingerprint,
                       run_fingerprint)
from geo.cli import main
from geo.corpus import read_corpus, sample_corpus_path
from geo.pipeline import geoparse_documents
from geo.themes import default_themes_path, load_themes

A = """# Shelling Near Jermuk
Date: 2022-09-13

Shells fell on Jermuk and Sotk in Armenia overnight, the defence ministry in Yerevan said.

# Talks in Dushanbe
Date: 2022-09-20

Officials met in Dushanbe to discuss the Vorukh enclave and the border with Kyrgyzstan.
"""
NEW = """# Flights Resume to Khujand
Date: 2022-10-01

Flights between Moscow and Khujand resumed on Monday, the airline said.

"""


@pytest.fixture(scope="module")
def themes(parser):
    return load_themes(default_themes_path(), parser.gazetteer)


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def counted(monkeypatch):
    """How many articles were really parsed (not read from the cache)."""
    calls = []
    parse = geo.cache.geoparse_article

    def counting(document, article, geoparser, themes):
        calls.append((document.doc_id, article.title))
        return parse(document, article, geoparser, themes)

    monkeypatch.setattr(geo.cache, "geoparse_article", counting)
    return calls


def _documents(*paths):
    return list(read_corpus(list(paths)))


def _assert_same(result, expected):
    pd.testing.assert_frame_equal(result.mentions, expected.mentions)
    assert result.section_scores == expected.section_scores
    assert (result.articles, result.sections, result.spans_found) == (
        expected.articles, expected.sections, expected.spans_found)
    assert (result.not_places, result.unknown_names, result.theme_sections) == (
        expected.not_places, expected.unknown_names, expected.theme_sections)


def _first_line(output):
    return next(line for line in output.splitlines() if line.startswith("read "))


# --- re-runs --------------------------------------------------------------------------------

def test_a_grown_corpus_parses_only_its_new_articles(tmp_path, parser, themes, counted):
    folder = tmp_path / "corpus"
    shutil.copytree(sample_corpus_path(), folder)
    fingerprint = run_fingerprint(parser, themes)
    with ResultCache.open(tmp_path / "cache" / RESULTS_FILE) as cache:
        first = geoparse_documents(_documents(folder), parser, themes, cache=cache)
        assert (first.articles, first.from_cache, len(counted)) == (21, 0, 21)
        assert run_fingerprint(parser, themes) == fingerprint  # what parsing memoises is not in it
        (folder / "zz-new.md").write_text(NEW, encoding="utf-8")
        counted.clear()
        grown = geoparse_documents(_documents(folder), parser, themes, cache=cache)
    assert counted == [("corpus/zz-new.md", "Flights Resume to Khujand")]
    assert (grown.articles, grown.from_cache) == (22, 21)
    _assert_same(grown, geoparse_documents(_documents(folder), parser, themes))


def test_an_article_that_moved_or_a_renamed_file_still_hits(tmp_path, parser, themes, counted):
    (tmp_path / "page.md").write_text(A, encoding="utf-8")
    with ResultCache.open(tmp_path / RESULTS_FILE) as cache:
        geoparse_documents(_documents(tmp_path / "page.md"), parser, themes, cache=cache)
        # Renamed, and a new article in front: the two old ones are now articles 1 and 2, further on.
        (tmp_path / "page.md").unlink()
        (tmp_path / "renamed.md").write_text(NEW + A, encoding="utf-8")
        counted.clear()
        moved = geoparse_documents(_documents(tmp_path / "renamed.md"), parser, themes, cache=cache)
    assert counted == [("renamed.md", "Flights Resume to Khujand")]
    assert moved.from_cache == 2
    expected = geoparse_documents(_documents(tmp_path / "renamed.md"), parser, themes)
    _assert_same(moved, expected)
    jermuk = moved.mentions[moved.mentions["surface"] == "Jermuk"].iloc[-1]
    assert (jermuk["doc_id"], jermuk["article"]) == ("renamed.md", 1)
    assert (NEW + A)[jermuk["start"]:jermuk["end"]] == "Jermuk"
    assert [(s.doc_id, s.article) for s in moved.section_scores] == [
        ("renamed.md", 0), ("renamed.md", 1), ("renamed.md", 2)]


def test_key_ignores_place_and_name_but_not_text_or_metadata(tmp_path):
    (tmp_path / "a.md").write_text(A, encoding="utf-8")
    (tmp_path / "b.md").write_text(NEW + A, encoding="utf-8")
    (tmp_path / "c.md").write_text(A.replace("2022-09-13", "2022-09-14"), encoding="utf-8")
    (tmp_path / "d.md").write_text(A.replace("Sotk", "Goris"), encoding="utf-8")
    a, b, c, d = _documents(*(tmp_path / f"{name}.md" for name in "abcd"))
    key = article_key(a, a.articles[0], "run")
    assert article_key(b, b.articles[1], "run") == key
    assert article_key(a, a.articles[0], "other run") != key
    assert article_key(c, c.articles[0], "run") != key  # the date lands in every row
    assert article_key(d, d.articles[0], "run") != key
    assert article_key(d, d.articles[1], "run") == article_key(a, a.articles[1], "run")


# --- the command line: same bytes cold, warm and without the cache -------------------------

def test_build_is_byte_identical_cold_warm_and_uncached(runner, tmp_path):
    cache = ["--cache-dir", str(tmp_path / "cache")]
    outputs = {}
    for name, extra in (("cold", cache), ("warm", cache), ("uncached", ["--no-cache"])):
        result = runner.invoke(main, ["build", "--out", str(tmp_path / name), *extra])
        assert result.exit_code == 0, result.output
        outputs[name] = _first_line(result.stdout)
    assert outputs == {
        "cold": "read 12 files: 21 articles (0 from cache, 21 parsed), 36 sections",
        "warm": "read 12 files: 21 articles (21 from cache, 0 parsed), 36 sections",
        "uncached": "read 12 files: 21 articles, 36 sections",
    }
    files = sorted(p.name for p in (tmp_path / "cold").iterdir() if not p.name.startswith("."))
    for name in ("warm", "uncached"):
        assert sorted(p.name for p in (tmp_path / name).iterdir() if not p.name.startswith(".")) == files
        for file in files:
            assert (tmp_path / name / file).read_bytes() == (tmp_path / "cold" / file).read_bytes(), file


@pytest.mark.parametrize("command", [["mentions", "--format", "csv"], ["themes", "check"]])
def test_mentions_and_themes_check_read_the_cache(runner, tmp_path, command, counted):
    page = tmp_path / "page.md"
    page.write_text(A, encoding="utf-8")
    args = [*command, *([str(default_themes_path())] if command[0] == "themes" else []), str(page)]
    cached = ["--cache-dir", str(tmp_path / "cache")]
    cold = runner.invoke(main, [*args, *cached])
    warm = runner.invoke(main, [*args, *cached])
    uncached = runner.invoke(main, [*args, "--no-cache"])
    assert cold.exit_code == warm.exit_code == uncached.exit_code == 0, cold.output
    assert len(counted) == 2 + 0 + 2
    assert cold.output == warm.output == uncached.output
    assert "Jermuk" in cold.output


# --- what invalidates it ----------------------------------------------------------------------

def _build_line(runner, tmp_path, page, *extra):
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(page), "--out", str(out), "--force",
                                  "--cache-dir", str(tmp_path / "cache"), *extra])
    assert result.exit_code == 0, result.output
    return _first_line(result.stdout)


def test_a_user_gazetteer_added_or_edited_invalidates(runner, tmp_path):
    page = tmp_path / "page.md"
    page.write_text(A.replace("overnight", "and at Golovnoi overnight"), encoding="utf-8")
    places = tmp_path / "places.csv"
    parsed, cached = "2 articles (0 from cache, 2 parsed)", "2 articles (2 from cache, 0 parsed)"
    assert parsed in _build_line(runner, tmp_path, page)
    assert cached in _build_line(runner, tmp_path, page)
    places.write_text("name,lat,lon\nGolovnoi,39.5,45.9\n", encoding="utf-8")
    assert parsed in _build_line(runner, tmp_path, page, "--gazetteer", str(places))
    assert cached in _build_line(runner, tmp_path, page, "--gazetteer", str(places))
    rows = pd.read_csv(tmp_path / "out" / "mentions.csv")
    assert rows.loc[rows["surface"] == "Golovnoi", "lat"].tolist() == [39.5]
    places.write_text("name,lat,lon\nGolovnoi,39.6,45.9\n", encoding="utf-8")
    assert parsed in _build_line(runner, tmp_path, page, "--gazetteer", str(places))
    rows = pd.read_csv(tmp_path / "out" / "mentions.csv")
    assert rows.loc[rows["surface"] == "Golovnoi", "lat"].tolist() == [39.6]


def test_an_edited_theme_file_invalidates_and_a_copy_does_not(runner, tmp_path):
    page = tmp_path / "page.md"
    page.write_text(A, encoding="utf-8")
    theme_file = tmp_path / "themes.toml"
    text = default_themes_path().read_text(encoding="utf-8")
    theme_file.write_text(text, encoding="utf-8")
    assert "(0 from cache, 2 parsed)" in _build_line(runner, tmp_path, page, "--themes", str(theme_file))
    assert "(2 from cache, 0 parsed)" in _build_line(runner, tmp_path, page)  # same themes, other path
    assert '"blockade" = 1.0' in text
    theme_file.write_text(text.replace('"blockade" = 1.0', '"blockade" = 1.5', 1), encoding="utf-8")
    assert "(0 from cache, 2 parsed)" in _build_line(runner, tmp_path, page, "--themes", str(theme_file))


def test_demonyms_on_and_off_are_cached_apart(runner, tmp_path):
    page = tmp_path / "page.md"
    page.write_text(A.replace("Shells fell", "Azerbaijani shells fell"), encoding="utf-8")
    assert "(0 from cache, 2 parsed)" in _build_line(runner, tmp_path, page)
    assert "(0 from cache, 2 parsed)" in _build_line(runner, tmp_path, page, "--no-demonyms")
    rows = pd.read_csv(tmp_path / "out" / "mentions.csv")
    assert "demonym" not in set(rows["mention_kind"])
    assert "(2 from cache, 0 parsed)" in _build_line(runner, tmp_path, page, "--demonyms")
    rows = pd.read_csv(tmp_path / "out" / "mentions.csv")
    assert rows.loc[rows["mention_kind"] == "demonym", "surface"].tolist() == ["Azerbaijani"]


class _Wrapper:
    """A resolver wrapping another, as an online fallback does."""

    def __init__(self, inner, fingerprint=None):
        self.inner = inner
        if fingerprint is not None:
            self.fingerprint = fingerprint

    def resolve(self, text, spans):
        return self.inner.resolve(text, spans)


def test_a_wrapping_resolver_brings_its_own_settings_into_the_fingerprint(gazetteer, themes):
    plain = Geoparser(gazetteer)
    no_demonyms = Geoparser(gazetteer, include_demonyms=False)
    prints = {run_fingerprint(p, themes) for p in (
        plain, no_demonyms,
        Geoparser(gazetteer, resolver=_Wrapper(plain.resolver)),
        Geoparser(gazetteer, resolver=_Wrapper(no_demonyms.resolver)),
        Geoparser(gazetteer, resolver=_Wrapper(plain.resolver, "nominatim at example.org")),
        Geoparser(gazetteer, resolver=_Wrapper(plain.resolver, "nominatim at example.net")))}
    assert len(prints) == 6
    assert run_fingerprint(Geoparser(gazetteer), themes) == run_fingerprint(plain, themes)
    assert component_fingerprint(_Wrapper(no_demonyms.resolver)) == (
        f"_Wrapper(inner=ContextResolver(gazetteer={gazetteer.fingerprint}, include_demonyms=False, "
        "max_candidates=40))")


def test_user_places_are_in_the_fingerprint(gazetteer, themes, tmp_path):
    places = tmp_path / "places.csv"
    places.write_text("name,lat,lon\nGolovnoi,39.5,45.9\n", encoding="utf-8")
    extended = Geoparser(gazetteer.with_places(*read_user_places(places)))
    assert run_fingerprint(extended, themes) != run_fingerprint(Geoparser(gazetteer), themes)


# --- a damaged, locked or deleted cache ---------------------------------------------------------

def _mentions_csv(runner, tmp_path, page, *extra):
    result = runner.invoke(main, ["mentions", "--format", "csv", str(page), *extra])
    assert result.exit_code == 0, result.output
    return result


def test_a_garbage_cache_file_costs_one_warning_and_the_same_output(runner, tmp_path):
    page = tmp_path / "page.md"
    page.write_text(A, encoding="utf-8")
    path = tmp_path / "cache" / RESULTS_FILE
    path.parent.mkdir()
    path.write_bytes(b"\x00garbage, not a database\xff" * 1000)
    damaged = _mentions_csv(runner, tmp_path, page, "--cache-dir", str(path.parent))
    assert damaged.stderr == (
        f"warning: result cache {path} not used (file is not a database); the run goes on without it. "
        "Deleting the file is safe: it is rebuilt on the next run\n")
    assert damaged.stdout == _mentions_csv(runner, tmp_path, page, "--no-cache").stdout
    path.unlink()
    rebuilt = _mentions_csv(runner, tmp_path, page, "--cache-dir", str(path.parent))
    assert (rebuilt.stderr, rebuilt.stdout) == ("", damaged.stdout)


def test_a_damaged_value_is_a_miss_and_replaced(tmp_path, parser, themes, counted):
    (tmp_path / "page.md").write_text(A, encoding="utf-8")
    documents = _documents(tmp_path / "page.md")
    path = tmp_path / RESULTS_FILE
    with ResultCache.open(path) as cache:
        first = geoparse_documents(documents, parser, themes, cache=cache)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE results SET value = ?", (b"\x78\x9cnot zlib",))
    db.close()
    counted.clear()
    with ResultCache.open(path) as cache:
        again = geoparse_documents(documents, parser, themes, cache=cache)
        assert (again.from_cache, len(counted)) == (0, 2)
        assert geoparse_documents(documents, parser, themes, cache=cache).from_cache == 2
    _assert_same(again, first)


def test_a_locked_cache_costs_one_warning_and_the_run_goes_on(tmp_path, parser, themes, monkeypatch):
    monkeypatch.setattr(geo.cache, "_BUSY_MS", 50)
    (tmp_path / "page.md").write_text(A, encoding="utf-8")
    documents = _documents(tmp_path / "page.md")
    path = tmp_path / RESULTS_FILE
    ResultCache.open(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another process writing, for longer than we wait
    warnings = []
    try:
        with ResultCache.open(path, warn=warnings.append) as cache:
            locked = geoparse_documents(documents, parser, themes, cache=cache)
            assert not cache.enabled
    finally:
        other.close()
    assert len(warnings) == 1 and "database is locked" in warnings[0]
    assert locked.from_cache == 0
    _assert_same(locked, geoparse_documents(documents, parser, themes))


def test_deleting_the_cache_gives_the_same_output(runner, tmp_path):
    page = tmp_path / "page.md"
    page.write_text(A, encoding="utf-8")
    folder = tmp_path / "cache"
    cold = _mentions_csv(runner, tmp_path, page, "--cache-dir", str(folder))
    assert (folder / RESULTS_FILE).is_file()
    shutil.rmtree(folder)
    again = _mentions_csv(runner, tmp_path, page, "--cache-dir", str(folder))
    assert (again.stderr, again.stdout) == ("", cold.stdout)


def test_two_processes_share_one_file(tmp_path, parser, themes):
    (tmp_path / "page.md").write_text(A, encoding="utf-8")
    documents = _documents(tmp_path / "page.md")
    path = tmp_path / RESULTS_FILE
    with ResultCache.open(path) as writer, ResultCache.open(path) as reader:
        geoparse_documents(documents, parser, themes, cache=writer)
        assert geoparse_documents(documents, parser, themes, cache=reader).from_cache == 2


# --- pruning ----------------------------------------------------------------------------------

def _results_per_run(path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        counts = dict(db.execute("SELECT run, COUNT(*) FROM results GROUP BY run"))
    db.close()
    return counts


def _parse_at(day: float, path, documents, parser, themes, run: str) -> int:
    """Articles read from the cache by a run with fingerprint ``run`` on ``day``."""
    with ResultCache.open(path, clock=lambda: day * 86_400) as cache:
        hits = 0
        for document in documents:
            for article in document.articles:
                hits += cached_geoparse_article(document, article, parser, themes, cache, run)[1]
    return hits


def test_results_of_a_run_setting_unused_for_a_month_are_deleted(tmp_path, parser, themes):
    (tmp_path / "page.md").write_text(A, encoding="utf-8")
    documents = _documents(tmp_path / "page.md")
    path = tmp_path / RESULTS_FILE
    assert _parse_at(0, path, documents, parser, themes, "old-setting") == 0
    assert _parse_at(20, path, documents, parser, themes, "new-setting") == 0
    assert _parse_at(29, path, documents, parser, themes, "new-setting") == 2
    assert _results_per_run(path) == {"old-setting": 2, "new-setting": 2}
    # Day 31: "old-setting" was last used 31 days ago, "new-setting" 2 days ago.
    assert _parse_at(31, path, documents, parser, themes, "new-setting") == 2
    assert _results_per_run(path) == {"new-setting": 2}
    assert _parse_at(31, path, documents, parser, themes, "old-setting") == 0  # parsed again
    assert _parse_at(59, path, documents, parser, themes, "new-setting") == 2  # used on day 31: kept


def test_a_cache_file_from_before_runs_were_recorded_is_kept_a_month(tmp_path, parser, themes):
    (tmp_path / "page.md").write_text(A, encoding="utf-8")
    documents = _documents(tmp_path / "page.md")
    path = tmp_path / RESULTS_FILE
    fingerprint = run_fingerprint(parser, themes)
    with ResultCache.open(path) as cache:
        geoparse_documents(documents, parser, themes, cache=cache)
    with sqlite3.connect(path) as db:  # the layout of the first cache files: no runs recorded
        rows = list(db.execute("SELECT key, value FROM results"))
        db.executescript("DROP TABLE results; DROP TABLE runs; "
                         "CREATE TABLE results (key BLOB PRIMARY KEY, value BLOB NOT NULL);")
        db.executemany("INSERT INTO results VALUES (?, ?)", rows)
    db.close()
    assert _parse_at(100, path, documents, parser, themes, fingerprint) == 2
    assert _results_per_run(path) == {"": 2}
    assert _parse_at(131, path, documents, parser, themes, "other") == 0
    assert _results_per_run(path) == {"other": 2}
