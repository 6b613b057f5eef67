"""The Dask engine: two worker processes give the local engine's mentions, counts and problems."""

import json
import logging
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from geo.cli import main
from geo.corpus import ReadOptions, read_corpus, sample_corpus_path
from geo.engine_dask import PARTS_DIR, ParserSettings, geoparse_dask, read_mention_parts
from geo.exc import CorpusError
from geo.partitions import corpus_pieces, partition_pieces
from geo.pipeline import geoparse_documents
from geo.themes import default_themes_path, load_themes

_COUNTS = ("documents", "articles", "sections", "spans_found", "not_places", "unknown_names",
           "theme_sections", "section_scores", "problems")
_SENTENCES = ["Shelling hit Jermuk and Sotk in Armenia.", "Border guards met in Vorukh, Tajikistan.",
              "Talks in Dushanbe and Bishkek ended.", "Migrants returned from Moscow to Khujand.",
              "A ferry crossed from Lesbos to Ayvalik."]


@pytest.fixture(scope="module")
def cluster():
    """A local cluster of two single-threaded worker processes, shared by the tests here."""
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0", silence_logs=logging.ERROR) as local:
        yield local.scheduler_address


def _table(path: Path, rows: int = 24, group: int = 4) -> None:
    """A Parquet table of ``rows`` articles in row groups of ``group`` rows, some without text,
    without article text or with a date nobody can read, in several groups."""
    texts = [" ".join(_SENTENCES[(i + k) % len(_SENTENCES)] for k in range(3)) for i in range(rows)]
    for empty in (2, 9, 17):
        texts[empty] = " "
    for bare in (3, 21):
        texts[bare] = "By John Smith"
    dates = [f"2024-03-{1 + i % 28:02d}" for i in range(rows)]
    for undated in (5, 14):
        dates[undated] = "some day"
    table = pa.table({"id": [f"a{i}" for i in range(rows)], "title": [f"Report {i}" for i in range(rows)],
                      "date": dates, "text": texts})
    pq.write_table(table, path, row_group_size=group)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    """The sample corpus, plus a folder of a Parquet table in six row groups and two bad files."""
    folder = tmp_path_factory.mktemp("corpus")
    _table(folder / "news.parquet")
    (folder / "broken.csv").write_text('title,text\nOne,"Clashes in Vorukh." x\nTwo,Talks in Osh.\n',
                                       encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    return [sample_corpus_path(), folder]


def _local(paths, parser, options=ReadOptions()):
    problems = []
    documents = list(read_corpus(paths, options, problems))
    result = geoparse_documents(documents, parser, load_themes(default_themes_path(), parser.gazetteer))
    result.problems = sorted(problems)
    return result


def _assert_same(result, expected):
    pd.testing.assert_frame_equal(result.mentions, expected.mentions)
    for count in _COUNTS:
        assert getattr(result, count) == getattr(expected, count), count


def test_the_table_is_read_in_slices_of_row_groups(corpus):
    plan = partition_pieces(corpus_pieces(corpus), count=100)
    slices = [p.pieces[0] for p in plan if p.pieces[0].slices > 1]
    assert [s.row_groups for s in slices] == [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6)]
    assert [s.first_row for s in slices] == [0, 4, 8, 12, 16, 20]
    assert all(len(p.pieces) == 1 for p in plan if p.pieces[0].slices > 1)


def test_two_workers_give_the_local_engines_result(cluster, corpus, parser, tmp_path):
    expected = _local(corpus, parser)
    result = geoparse_dask(corpus, ParserSettings.of(default_themes_path()), tmp_path / "parts",
                           scheduler=cluster, partitions=100)
    _assert_same(result, expected)
    assert [str(p) for p in expected.problems] == [
        f"{corpus[1] / 'broken.csv'}:2: broken quoting in this row: text after a closing \"; row skipped "
        '(write a " inside a quoted field as "")',
        f"{corpus[1] / 'empty.txt'}: empty file; nothing to read",
        f"{corpus[1] / 'news.parquet'}: 3 rows with empty text skipped: rows 3, 10, 18",
        f"{corpus[1] / 'news.parquet'}: dates not understood, rows kept without a date: rows 6, 15",
        f"{corpus[1] / 'news.parquet'}: no article text (only metadata or boilerplate), rows skipped: "
        "rows 4, 22",
    ]
    parts = sorted(p.name for p in (tmp_path / "parts").iterdir())
    assert len(parts) > 12 and parts[0] == "part-00000.parquet"
    pd.testing.assert_frame_equal(read_mention_parts(tmp_path / "parts"), expected.mentions)


def test_strict_stops_at_the_local_engines_first_problem(cluster, corpus, tmp_path):
    strict = ReadOptions(strict=True)
    table_only = [corpus[1] / "news.parquet"]
    with pytest.raises(CorpusError) as local:
        list(read_corpus(table_only, strict))
    with pytest.raises(CorpusError) as dask:
        geoparse_dask(table_only, ParserSettings.of(default_themes_path()), tmp_path / "parts",
                      read_options=strict, scheduler=cluster, partitions=6)
    assert str(dask.value) == str(local.value) == (
        f"{table_only[0]}: 3 rows with empty text skipped: rows 3, 10, 18 "
        "(--strict stops at the first problem)")


def test_an_unreadable_row_group_leaves_the_whole_file_out(cluster, parser, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    _table(folder / "news.parquet")
    data = bytearray((folder / "news.parquet").read_bytes())
    metadata = pq.read_metadata(folder / "news.parquet")
    third = metadata.row_group(2).column(3)  # the text column of rows 9-12
    start = third.data_page_offset
    data[start:start + third.total_compressed_size] = b"\xff" * third.total_compressed_size
    (folder / "news.parquet").write_bytes(bytes(data))
    (folder / "note.txt").write_text("Clashes near Vorukh, Tajikistan.\n", encoding="utf-8")
    expected = _local([folder], parser)
    result = geoparse_dask([folder], ParserSettings.of(default_themes_path()), tmp_path / "parts",
                           scheduler=cluster, partitions=6)
    _assert_same(result, expected)
    assert [p.path for p in result.problems] == [str(folder / "news.parquet")]
    assert set(result.mentions["doc_id"]) == {"corpus/note.txt"}


def _text_tables(folder: Path, rows: int = 40) -> list[Path]:
    """A JSON Lines and a CSV export of ``rows`` articles each, with a line that is no JSON,
    rows with empty text, without article text and with a date nobody can read, far apart;
    and a JSON array that is no JSON Lines."""
    records = [{"id": f"r{i}", "title": f"Report {i}", "date": f"2024-05-{1 + i % 28:02d}",
                "text": " ".join(_SENTENCES[(i + k) % len(_SENTENCES)] for k in range(4))}
               for i in range(rows)]
    records[7]["text"] = ""
    for bare in (3, 36):
        records[bare]["text"] = "By John Smith"
    for undated in (2, 30):
        records[undated]["date"] = "some day"
    lines = [json.dumps(record) for record in records]
    lines[12] = '{"id": "r12", "text": "Clashes in Vorukh."'  # cut short
    (folder / "export.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    pd.DataFrame(records).to_csv(folder / "export.csv", index=False)
    (folder / "z-array.jsonl").write_text(json.dumps(records, indent=1), encoding="utf-8")
    return [folder / "export.jsonl", folder / "export.csv", folder / "z-array.jsonl"]


def test_a_large_text_table_is_read_here_and_parsed_in_batches(cluster, parser, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    _text_tables(folder)
    expected = _local([folder], parser)
    assert [str(p).replace(str(folder), "{folder}") for p in expected.problems] == [
        "{folder}/export.csv: 1 row with empty text skipped: line 9",
        "{folder}/export.csv: dates not understood, rows kept without a date: lines 4, 32",
        "{folder}/export.csv: no article text (only metadata or boilerplate), rows skipped: lines 5, 38",
        "{folder}/export.jsonl: 1 row with empty text skipped: line 8",
        "{folder}/export.jsonl: dates not understood, rows kept without a date: lines 3, 31",
        "{folder}/export.jsonl: no article text (only metadata or boilerplate), rows skipped: lines 4, 37",
        "{folder}/export.jsonl:13: not valid JSON (Expecting ',' delimiter at column 43); line skipped",
        "{folder}/z-array.jsonl: one JSON array, not JSON Lines; write one object per line (jq -c '.[]' does it)"]
    result = geoparse_dask([folder], ParserSettings.of(default_themes_path()), tmp_path / "parts",
                           scheduler=cluster, partitions=8)
    _assert_same(result, expected)
    # Three files (three parts at most if read whole), the two exports cut into batches.
    assert len(list((tmp_path / "parts").iterdir())) >= 5


def test_strict_stops_at_a_large_text_tables_first_problem(cluster, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    _text_tables(folder)
    strict = ReadOptions(strict=True)
    with pytest.raises(CorpusError) as local:
        list(read_corpus([folder], strict))
    with pytest.raises(CorpusError) as dask:
        geoparse_dask([folder], ParserSettings.of(default_themes_path()), tmp_path / "parts",
                      read_options=strict, scheduler=cluster, partitions=8)
    assert str(dask.value) == str(local.value)


@pytest.fixture
def runner():
    return CliRunner()


def test_cli_builds_the_same_files_as_the_local_engine(runner, tmp_path):
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    outputs = {}
    for engine in ("local", "dask"):
        out = tmp_path / engine
        args = ["build", "--out", str(out), "--quiet", "--cache-dir", str(tmp_path / "cache")]
        result = runner.invoke(main, args + (["--engine", "dask", "--partitions", "2"]
                                             if engine == "dask" else []))
        assert result.exit_code == 0, result.output
        outputs[engine] = {p.relative_to(out).as_posix(): p.read_bytes()
                           for p in sorted(out.rglob("*")) if p.is_file()}
    parts = {name for name in outputs["dask"] if name.startswith(f"{PARTS_DIR}/")}
    assert sorted(parts) == [f"{PARTS_DIR}/part-{i:05d}.parquet" for i in range(len(parts))]
    assert len(parts) >= 2
    assert {k: v for k, v in outputs["dask"].items() if k not in parts} == outputs["local"]
    pd.testing.assert_frame_equal(read_mention_parts(tmp_path / "dask" / PARTS_DIR),
                                  pd.read_parquet(tmp_path / "local" / "mentions.parquet")
                                  .drop(columns="geometry"))


def test_dask_engine_without_dask_is_one_line_naming_the_fix(runner, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails, as uninstalled
    result = runner.invoke(main, ["build", "--engine", "dask", "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output == ("Error: --engine dask needs Dask's distributed scheduler, which is not "
                             "installed; install it with: pip install 'geomap[dask]'\n")
    assert not (tmp_path / "out").exists()


def test_scheduler_without_the_dask_engine_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(main, ["build", "--scheduler", "tcp://127.0.0.1:8786",
                                  "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "Error: --scheduler and --partitions go with --engine dask" in result.output


def test_an_unreachable_scheduler_is_one_line(runner, tmp_path, monkeypatch):
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    monkeypatch.setattr("geo.engine_dask._CONNECT_SECONDS", 1)
    result = runner.invoke(main, ["build", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9",
                                  "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot reach the Dask scheduler at tcp://127.0.0.1:9 (")
    assert result.output.endswith("start one with `dask scheduler` and give the address it prints, "
                                  "or leave out --scheduler to start a local cluster\n")
    assert result.output.count("\n") == 1
    assert not (tmp_path / "out").exists()
