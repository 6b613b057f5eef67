"""The output folder: swapped in whole, never half written, never a stranger's, never outside --out."""

import dataclasses
import errno
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import geo
from geo.build import build_outputs
from geo.cli import main
from geo.corpus import sample_corpus_path
from geo.exc import OutputError, ThemeError
from geo.output_dir import MARKER, MARKER_TEXT, check_output_dir, staged_output
from geo.themes import default_themes_path, load_themes

ARTICLE = "# Shelling near Jermuk\nDate: 2022-09-13\n\nShells fell on Jermuk, Armenia, overnight.\n"
#: What ``geomap build`` writes with the default themes, the marker included.
DEFAULT_OUTPUTS = sorted([
    MARKER, "combined.html", "tajik-afghan-border.html", "kyrgyz-tajik-border.html",
    "armenia-azerbaijan.html", "iran-syunik.html", "crocus-migrants.html", "greece-turkey-aegean.html",
    "mentions.csv", "mentions.geojson", "mentions.parquet", "places.csv", "places.geojson",
    "places.parquet", "errors.csv", "index.html"])


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "jermuk.md").write_text(ARTICLE, encoding="utf-8")
    return folder


def build(corpus, out, *options):
    return CliRunner().invoke(main, ["build", str(corpus), "--out", str(out), "--quiet", *options])


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by its relative path, with its bytes."""
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def beside(out: Path) -> list[str]:
    """The staging, backup and deleted folders of ``out`` beside it."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(out.name + ".geomap-"))


# --- Replacing the folder ----------------------------------------------------------------------


def test_a_new_folder_gets_the_outputs_and_the_marker(corpus, tmp_path):
    out = tmp_path / "new" / "maps"
    assert build(corpus, out).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == DEFAULT_OUTPUTS
    assert (out / MARKER).read_text(encoding="utf-8") == MARKER_TEXT
    assert beside(out) == []


def test_an_empty_folder_is_filled_and_keeps_its_permissions(corpus, tmp_path):
    out = tmp_path / "maps"
    out.mkdir(mode=0o750)
    out.chmod(0o750)
    assert build(corpus, out).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == DEFAULT_OUTPUTS
    assert out.stat().st_mode & 0o777 == 0o750


def test_a_rebuild_replaces_the_whole_folder(corpus, tmp_path):
    out = tmp_path / "maps"
    assert build(corpus, out).exit_code == 0
    (out / "old-theme.html").write_text("a theme map the new theme file no longer has")
    assert build(corpus, out).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == DEFAULT_OUTPUTS
    assert beside(out) == []


def test_a_folder_geomap_did_not_write_is_refused_without_force(corpus, tmp_path):
    out = tmp_path / "documents"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"years of work")
    # Refused before the corpus is read: a missing corpus is not what is reported.
    result = build(tmp_path / "no-such-corpus", out)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {out} is not empty and was not written by geomap (it has no .geomap-output file); "
        "geomap replaces its output folder as a whole, so give a new or empty folder with --out, or "
        "add --force to replace this one and everything in it\n")
    assert tree(out) == {"thesis.docx": b"years of work"} and beside(out) == []
    result = build(corpus, out, "--force")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == DEFAULT_OUTPUTS


def test_a_file_is_no_output_folder(corpus, tmp_path):
    out = tmp_path / "maps.html"
    out.write_text("mine")
    for options in ((), ("--force",)):
        result = build(corpus, out, *options)
        assert (result.exit_code, result.output) == (
            1, f"Error: --out {out} is a file, not a folder; give a folder to write the maps into\n")
    assert out.read_text() == "mine"


def test_a_link_to_the_output_folder_stays_a_link(corpus, tmp_path):
    real = tmp_path / "www" / "maps"
    real.mkdir(parents=True)
    link = tmp_path / "maps"
    link.symlink_to(real, target_is_directory=True)
    assert build(corpus, link).exit_code == 0
    assert build(corpus, link).exit_code == 0
    assert link.is_symlink() and sorted(p.name for p in real.iterdir()) == DEFAULT_OUTPUTS
    assert beside(real) == [] and beside(link) == []


def test_the_staging_folder_is_swapped_in_only_when_the_block_succeeds(tmp_path):
    out = tmp_path / "maps"
    with staged_output(out) as staging:
        (staging / "a.txt").write_text("first")
        assert staging.parent == tmp_path and staging.name.startswith("maps.geomap-tmp-")
        assert not out.exists()
    assert tree(out) == {MARKER: MARKER_TEXT.encode(), "a.txt": b"first"}
    with pytest.raises(RuntimeError, match="^disk on fire$"):
        with staged_output(out) as staging:
            (staging / "a.txt").write_text("second")
            raise RuntimeError("disk on fire")
    assert tree(out) == {MARKER: MARKER_TEXT.encode(), "a.txt": b"first"}
    assert beside(out) == []


def test_files_put_in_the_folder_during_the_build_are_not_swapped_away(tmp_path):
    out = tmp_path / "maps"
    out.mkdir()
    with pytest.raises(OutputError) as raised:
        with staged_output(out) as staging:
            (staging / "index.html").write_text("new")
            (out / "notes.txt").write_text("written meanwhile")
    assert str(raised.value).startswith(f"{out} is not empty and was not written by geomap ")
    assert tree(out) == {"notes.txt": b"written meanwhile"} and beside(out) == []


def test_a_build_that_fails_leaves_the_old_folder_as_it_was(corpus, tmp_path, monkeypatch):
    out = tmp_path / "maps"
    assert build(corpus, out).exit_code == 0
    before = tree(out)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in a writer")

    monkeypatch.setattr("geo.build.index_html", broken)  # the last file written
    result = build(corpus, out)
    assert isinstance(result.exception, RuntimeError)
    assert tree(out) == before and beside(out) == []

    def full(frame, path):
        raise OutputError(f"cannot write {path}: No space left on device; check the --out folder")

    monkeypatch.setitem(geo.build.TABLE_FORMATS, "parquet", full)
    result = build(corpus, out)
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot write ") and result.output.count("\n") == 1
    assert "mentions.parquet: No space left on device" in result.output
    assert tree(out) == before and beside(out) == []


def test_leftovers_of_killed_runs_are_cleared_but_not_those_of_running_ones(corpus, tmp_path):
    out = tmp_path / "maps"
    assert build(corpus, out).exit_code == 0
    for name in ("maps.geomap-tmp-dead", "maps.geomap-del-dead", "maps.geomap-old-dead",
                 "maps.geomap-tmp-running"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "combined.html").write_text("half")
    (tmp_path / "maps-other.geomap-tmp-x").mkdir()  # another output folder's: not ours
    running = os.open(tmp_path / "maps.geomap-tmp-running", os.O_RDONLY)
    try:
        fcntl.flock(running, fcntl.LOCK_EX)  # as a build still writing there holds it
        assert build(corpus, out).exit_code == 0
    finally:
        os.close(running)
    assert beside(out) == ["maps.geomap-tmp-running"]
    assert (tmp_path / "maps-other.geomap-tmp-x").is_dir()
    assert build(corpus, out).exit_code == 0
    assert beside(out) == []


def test_a_run_killed_between_the_two_renames_gets_its_old_folder_back(corpus, tmp_path):
    out = tmp_path / "maps"
    assert build(corpus, out).exit_code == 0
    before = tree(out)
    out.rename(tmp_path / "maps.geomap-old-1a2b3c4d")  # killed here: the new one not yet in place
    (tmp_path / "maps.geomap-tmp-5e6f7a8b").mkdir()
    check_output_dir(out)
    assert tree(out) == before and beside(out) == []


def _big_corpus(folder: Path, copies: int) -> Path:
    for n in range(copies):
        shutil.copytree(sample_corpus_path(), folder / f"copy-{n}")
    return folder


def test_a_killed_build_leaves_the_last_output_whole(corpus, tmp_path):
    out = tmp_path / "maps"
    assert build(corpus, out).exit_code == 0
    before = tree(out)
    big = _big_corpus(tmp_path / "big", copies=8)  # a few seconds to read, one or two to write
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(Path(geo.__file__).parents[1]), os.environ.get("PYTHONPATH", "")]))
    process = subprocess.Popen(
        [sys.executable, "-c", "from geo.cli import main; main()", "build", str(big), "--out", str(out),
         "--quiet"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    staging = None
    deadline = time.monotonic() + 300
    try:
        while process.poll() is None and time.monotonic() < deadline:
            found = list(tmp_path.glob("maps.geomap-tmp-*"))
            if found and any(found[0].iterdir()):  # killed while it writes the new maps
                staging = found[0]
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.005)
    finally:
        process.kill()
        _, errors = process.communicate()
    assert staging is not None, f"the build ended before it was killed: {errors.decode()}"
    assert process.returncode == -signal.SIGKILL
    assert tree(out) == before
    assert beside(out) == [staging.name]  # what the killed run left
    assert build(corpus, out).exit_code == 0
    assert tree(out) == before and beside(out) == []


# --- Same input, same bytes ---------------------------------------------------------------------


def test_two_builds_of_the_same_input_are_byte_identical(tmp_path):
    outputs = []
    for name in ("a", "b"):
        result = CliRunner().invoke(main, ["build", "--out", str(tmp_path / name), "--quiet", "--embed",
                                           "--self-contained", "--choropleth", "admin1"])
        assert result.exit_code == 0, result.output
        outputs.append(tree(tmp_path / name))
    assert list(outputs[0]) == list(outputs[1])
    assert len(outputs[0]) == len(DEFAULT_OUTPUTS) + 2 * 7  # a fragment and an iframe per map
    for name, data in outputs[0].items():
        assert data == outputs[1][name], name


# --- Nothing outside --out ----------------------------------------------------------------------

THEMES = ('version = 1\n\n[[themes]]\nid = "fine"\nplaces = ["Jermuk"]\n\n'
          '[[themes]]\n{id}title = "Second"\nplaces = ["Jermuk"]\n')
_CHARACTERS = "must be lowercase letters, digits and '-' (e.g. \"aegean-disputes\")"


@pytest.mark.parametrize(("written", "message"), [
    ('"../x"', f"theme id '../x' {_CHARACTERS}"),
    ('"/abs"', f"theme id '/abs' {_CHARACTERS}"),
    ("'..\\x'", f"theme id '..\\\\x' {_CHARACTERS}"),
    ('"x/../../y"', f"theme id 'x/../../y' {_CHARACTERS}"),
    ('""', f"theme id '' {_CHARACTERS}"),
    ('"ünï"', f"theme id 'ünï' {_CHARACTERS}"),
    ('"map\\n"', f"theme id 'map\\n' {_CHARACTERS}"),
    ('"a.html"', f"theme id 'a.html' {_CHARACTERS}"),
    ("7", f"theme id 7 {_CHARACTERS}"),
    ('"con"', "theme id 'con' is taken by a device name on Windows, where no file can have it; "
              'choose another, e.g. "con-theme"'),
    ('"lpt1"', "theme id 'lpt1' is taken by a device name on Windows, where no file can have it; "
               'choose another, e.g. "lpt1-theme"'),
    ('"index"', "theme id 'index' is taken by geomap's own index.html; choose another, "
                'e.g. "index-theme"'),
    ('"combined"', "theme id 'combined' is taken by geomap's own combined.html; choose another, "
                   'e.g. "combined-theme"'),
    ('"unthemed"', "theme id 'unthemed' is taken by the layer of sections in no theme; choose another, "
                   'e.g. "unthemed-theme"'),
    (None, 'this theme has no id; give it one, e.g. id = "aegean-disputes"'),
])
def test_theme_ids_that_could_name_another_file_are_refused(tmp_path, gazetteer, written, message):
    path = tmp_path / "themes.toml"
    path.write_text(THEMES.format(id=f"id = {written}\n" if written else ""), encoding="utf-8")
    line = 8 if written else 7  # the id's line, or the [[themes]] line of a theme without one
    with pytest.raises(ThemeError) as raised:
        load_themes(path, gazetteer)
    assert str(raised.value) == f"{path}:{line}: {message}"


def test_a_bad_theme_id_stops_the_build_before_anything_is_written(corpus, tmp_path):
    themes = tmp_path / "themes.toml"
    themes.write_text(THEMES.format(id='id = "../escaped"\n'), encoding="utf-8")
    result = build(corpus, tmp_path / "maps", "--themes", str(themes))
    assert (result.exit_code, result.output) == (
        1, f"Error: {themes}:8: theme id '../escaped' {_CHARACTERS}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "themes.toml"]


@pytest.mark.parametrize("theme_id", ["../x", "/abs", "..\\x", "con", "", "ünï"])
def test_build_outputs_refuses_themes_made_in_python_with_such_ids(tmp_path, gazetteer, theme_id):
    theme = dataclasses.replace(load_themes(default_themes_path(), gazetteer)[0], id=theme_id)
    mentions = pd.DataFrame(columns=geo.MENTION_COLUMNS)
    with pytest.raises(ThemeError, match="; the id names the theme's map file, <id>.html$"):
        build_outputs(mentions, [theme], gazetteer, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_document_names_never_name_a_file(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("con.md", "ünï ü.md", "--out=x.md", "a\\b.md", "..x.txt"):  # "..x.txt" is hidden
        (corpus / name).write_text(ARTICLE, encoding="utf-8")
    rows = ["../x", "/abs", "..\\x", "con", "", "ünï", "../../../etc/passwd"]
    pd.DataFrame({"id": rows, "title": "Shelling", "text": "Shells fell on Jermuk, Armenia."}).to_csv(
        corpus / "export.csv", index=False)
    before = tree(tmp_path)
    out = tmp_path / "maps"
    result = build(corpus, out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == DEFAULT_OUTPUTS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "maps"]
    assert tree(corpus) == {name[len("corpus/"):]: data for name, data in before.items()}
    documents = set(pd.read_csv(out / "mentions.csv", dtype=str, keep_default_na=False)["doc_id"])
    assert documents >= {"corpus/con.md", "corpus/ünï ü.md", "corpus/--out=x.md", "corpus/a\\b.md",
                         "corpus/export.csv#../x", "corpus/export.csv#/abs", "corpus/export.csv#con"}


def test_a_disk_that_fills_while_mentions_are_stored_is_one_line_and_the_old_folder_stays(
        corpus, tmp_path, monkeypatch):
    out = tmp_path / "maps"
    assert build(corpus, out).exit_code == 0
    before = tree(out)
    written = Path.write_bytes

    def full(path, data):
        if path.name.startswith("part-"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return written(path, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    result = build(corpus, out)
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert result.output.startswith("Error: cannot write ")
    assert "part-00000.parquet: No space left on device; the mentions are kept on disk" in result.output
    assert tree(out) == before and beside(out) == []
