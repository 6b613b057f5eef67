"""The geomap command: exit codes, messages and the files it writes."""

import html
import json
import re

import pytest
from click.testing import CliRunner

from geo.cli import main
from geo.engine_dask import ParserSettings


@pytest.fixture
def runner():
    return CliRunner()


def test_missing_corpus_path_is_one_clear_line(runner, tmp_path):
    missing = tmp_path / "no-such-folder"
    result = runner.invoke(main, ["build", str(missing), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: corpus path {str(missing)!r} does not exist; give files or folders of articles "
        "(.txt, .md, .html, .htm, .csv, .tsv, .jsonl, .ndjson, .parquet), or no path for the bundled "
        "sample corpus\n"
    )
    assert not (tmp_path / "out").exists()


def test_a_missing_path_is_reported_before_the_dask_engine_loads_the_gazetteer(runner, tmp_path, monkeypatch):
    def load(self):
        raise AssertionError("the gazetteer was loaded before the paths were checked")

    monkeypatch.setattr(ParserSettings, "load", load)
    missing = tmp_path / "no-such-folder"
    result = runner.invoke(main, ["build", str(missing), "--out", str(tmp_path / "out"), "--engine", "dask"])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: corpus path {str(missing)!r} does not exist; ")


def test_mentions_needs_a_path(runner):
    result = runner.invoke(main, ["mentions"])
    assert result.exit_code == 2
    assert "Missing argument 'PATHS...'" in result.output


def test_help_of_every_command(runner):
    for args in (["--help"], ["build", "--help"], ["mentions", "--help"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        assert "Usage: " in result.output


def test_build_writes_maps_and_tables(runner, tmp_path):
    out = tmp_path / "maps"
    result = runner.invoke(main, ["build", "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([
        ".geomap-output", "index.html", "combined.html", "mentions.csv", "mentions.geojson", "mentions.parquet", "places.csv",
        "places.geojson", "places.parquet", "errors.csv", "tajik-afghan-border.html",
        "kyrgyz-tajik-border.html", "armenia-azerbaijan.html", "iran-syunik.html",
        "crocus-migrants.html", "greece-turkey-aegean.html",
    ])
    index = (out / "combined.html").read_text(encoding="utf-8")
    # Layer names as the layer control shows them: JSON strings holding escaped HTML text.
    overlays = [html.unescape(json.loads(f'"{name}"'))
                for name in re.findall(r'"([^"]+) \(\d+\)" : feature_group_', index)]
    assert overlays == ["Tajik–Afghan border", "Kyrgyz–Tajik border", "Armenia–Azerbaijan",
                        "Iran and the Syunik border", "Crocus City Hall and migrants in Russia",
                        "Greece–Turkey in the Aegean", "Unthemed"]
    geojson = json.loads((out / "mentions.geojson").read_text(encoding="utf-8"))
    header = (out / "mentions.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("doc_id,path,article,section,section_title,title,date")
    assert len(geojson["features"]) == len((out / "mentions.csv").read_text().splitlines()) - 1


def test_build_writes_only_the_table_formats_asked_for(runner, tmp_path):
    every = tmp_path / "every"
    assert runner.invoke(main, ["build", "--out", str(every), "--quiet"]).exit_code == 0
    out = tmp_path / "parquet"
    result = runner.invoke(main, ["build", "--out", str(out), "--tables", "parquet"])
    assert result.exit_code == 0, result.output
    tables = sorted(p.name for p in out.iterdir() if p.suffix in (".csv", ".geojson", ".parquet"))
    assert tables == ["errors.csv", "mentions.parquet", "places.parquet"]
    for name in ("mentions.parquet", "places.parquet", "combined.html", "errors.csv"):
        assert (out / name).read_bytes() == (every / name).read_bytes(), name
    index = (out / "index.html").read_text(encoding="utf-8")
    assert ('Tables: <a href="mentions.parquet">mentions.parquet</a> · '
            '<a href="places.parquet">places.parquet</a>') in index
    assert "mentions.parquet" in result.output and "mentions.csv" not in result.output
    two = runner.invoke(main, ["build", "--out", str(tmp_path / "two"), "--quiet",
                               "--tables", "geojson", "--tables", "csv"])
    assert two.exit_code == 0, two.output
    assert sorted(p.name for p in (tmp_path / "two").iterdir() if p.name.startswith(("mentions", "places"))) == [
        "mentions.csv", "mentions.geojson", "places.csv", "places.geojson"]


def test_an_unknown_table_format_is_refused(runner, tmp_path):
    result = runner.invoke(main, ["build", "--out", str(tmp_path / "out"), "--tables", "xlsx"])
    assert result.exit_code == 2
    assert "Invalid value for '--tables': 'xlsx' is not one of 'csv', 'geojson', 'parquet'." in result.output
    assert not (tmp_path / "out").exists()


def test_build_twice_gives_identical_bytes(runner, tmp_path):
    for name in ("a", "b"):
        assert runner.invoke(main, ["build", "--out", str(tmp_path / name), "--quiet"]).exit_code == 0
    for file in (tmp_path / "a").iterdir():
        assert file.read_bytes() == (tmp_path / "b" / file.name).read_bytes(), file.name


def test_mentions_jsonl(runner, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Shelling Near Jermuk\ndate 2022-09-13\n\nShells fell on Jermuk and Sotk.\n",
                    encoding="utf-8")
    result = runner.invoke(main, ["mentions", str(page)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [(r["surface"], r["start"], r["end"], r["country_code"], r["date"]) for r in rows] == [
        ("Jermuk", 14, 20, "AM", "2022-09-13"),
        ("Jermuk", 53, 59, "AM", "2022-09-13"),
        ("Sotk", 64, 68, "AM", "2022-09-13"),
    ]


def _inputs_with_problems(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Shelling Near Jermuk\ndate 2022-09-13\n\nShells fell on Jermuk.\n",
                                     encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "rows.csv").write_text("title,body\nA,\"open quote\n", encoding="utf-8")
    return folder


def test_unreadable_inputs_are_reported_in_the_summary_and_errors_csv(runner, tmp_path):
    folder = _inputs_with_problems(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = [
        f"{folder}/empty.txt: empty file; nothing to read",
        f"{folder}/rows.csv:2: a \" in this row is never closed, so line 2 was not read (the rest of the "
        "file); close the quote, or write a \" inside a quoted field as \"\"",
    ]
    assert "input problems: 2 (2 skipped, the rest read with a caveat; also in errors.csv):\n" \
           + "".join(f"  {line}\n" for line in lines) in result.output
    assert (out / "errors.csv").read_text(encoding="utf-8") == (
        "file,line,problem,skipped\n"
        f"{folder}/empty.txt,,empty file; nothing to read,yes\n"
        f"{folder}/rows.csv,2,\"a \"\" in this row is never closed, so line 2 was not read (the rest of the "
        "file); close the quote, or write a \"\" inside a quoted field as \"\"\"\"\",yes\n")


def test_strict_fails_on_the_first_problem_and_keeps_earlier_maps(runner, tmp_path):
    folder = _inputs_with_problems(tmp_path)
    out = tmp_path / "out"
    assert runner.invoke(main, ["build", str(folder / "good.txt"), "--out", str(out), "--quiet"]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    result = runner.invoke(main, ["build", str(folder), "--out", str(out), "--strict"])
    assert result.exit_code == 1
    assert result.output == (f"Error: {folder}/empty.txt: empty file; nothing to read "
                             "(--strict stops at the first problem)\n")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_nothing_readable_is_an_error_not_empty_maps(runner, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "scan.pdf").write_bytes(b"%PDF-1.7")
    result = runner.invoke(main, ["build", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: no article could be read from {tmp_path / 'in'}; first problem: {tmp_path / 'in'}/scan.pdf: "
        "not a file type geomap reads (.pdf); use one of .txt, .md, .html, .htm, .csv, .tsv, .jsonl, "
        ".ndjson, .parquet\n")
    assert not (tmp_path / "out").exists()


def test_table_columns_are_chosen_on_the_command_line(runner, tmp_path):
    table = tmp_path / "export.csv"
    table.write_text("uid,heading,content,when\nx7,Talks,Delegates met in Bishkek.,2024-03-31\n",
                     encoding="utf-8")
    result = runner.invoke(main, ["mentions", str(table), "--text-col", "content", "--title-col", "heading",
                                  "--id-col", "uid", "--date-col", "when", "--format", "csv"])
    assert result.exit_code == 0, result.output
    header, row = result.output.splitlines()[:2]
    record = dict(zip(header.split(","), row.split(",")))
    assert (record["doc_id"], record["title"], record["date"], record["surface"]) == (
        "export.csv#x7", "Talks", "2024-03-31", "Bishkek")


def test_themes_check_prints_control_characters_of_a_theme_file_as_escapes(runner, tmp_path):
    themes = tmp_path / "themes.toml"
    themes.write_text('[[themes]]\nid = "border"\ntitle = "Border\\u001b[2J\\r clashes"\n'
                      'threshold = 1.0\nkeywords = { "shelling\\u202e" = 1.0 }\n', encoding="utf-8")
    result = runner.invoke(main, ["themes", "check", str(themes), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert "Border\\x1b[2J\\r clashes" in result.output
    assert "shelling\\u202e" in result.output
    assert "\x1b" not in result.output and "\r" not in result.output and "\u202e" not in result.output
