"""Reading files into documents, articles and sections, with metadata and masking."""

import tracemalloc
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from geo import decode, tables
from geo.corpus import ReadOptions, read_corpus, read_document, sample_corpus_path
from geo.tables import TableColumns
from geo.exc import CorpusError


def article_summary(document):
    return [(a.title, a.date, a.author, a.source, a.url, [s.title for s in a.sections])
            for a in document.articles]


def test_markdown_file_with_two_unrelated_articles():
    document = read_document(sample_corpus_path() / "lachin-and-barcelona.md", "x")
    assert article_summary(document) == [
        ("One Month Into the Lachin Road Blockade, Karabakh Armenians Face Shortages", "2023-01-12",
         "Anahit Sargsyan", "Caucasus Wire",
         "https://example.org/caucasus-wire/2023/01/12/lachin-road-one-month",
         ["One Month Into the Lachin Road Blockade, Karabakh Armenians Face Shortages",
          "Life in Stepanakert", "Positions in Yerevan and Baku"]),
        ("Socialists Win Catalan Election as Pro-Independence Parties Lose Their Majority",
         "2024-05-13", "Laia Puig", "Iberian Dispatch",
         "https://example.com/iberian-dispatch/2024/05/13/catalan-election-results",
         ["Socialists Win Catalan Election as Pro-Independence Parties Lose Their Majority"]),
    ]
    first, second = document.articles
    assert first.end == second.start
    assert document.text[second.start:].startswith("# Socialists Win Catalan Election")


def test_metadata_lines_are_masked_but_offsets_kept():
    document = read_document(sample_corpus_path() / "lachin-and-barcelona.md", "x")
    assert len(document.masked) == len(document.text)
    assert "Caucasus Wire" in document.text and "Caucasus Wire" not in document.masked
    assert "Source:" not in document.masked and "# One Month" not in document.masked
    assert "One Month Into the Lachin Road Blockade" in document.masked  # the headline stays


def test_text_page_with_byline_source_and_footer(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(
        "Clashes Near Vorukh Leave Two Dead\n date 2022-09-14\n\nFighting spread from Vorukh.\n\n"
        "By Aizada Toktosunova\nSource: Fergana Ledger\n\nSimilar Posts\n\nBatken Today\n\n"
        "Leave a Reply\nYour email address will not be published.\n", encoding="utf-8")
    document = read_document(page, "page.txt")
    assert article_summary(document) == [
        ("Clashes Near Vorukh Leave Two Dead", "2022-09-14", "Aizada Toktosunova",
         "Fergana Ledger", "", ["Clashes Near Vorukh Leave Two Dead"])]
    assert "Batken Today" not in document.masked  # teaser after "Similar Posts" is not article text
    assert "Fighting spread from Vorukh." in document.masked


def test_html_page_uses_its_metadata_and_drops_scripts_and_navigation():
    document = read_document(sample_corpus_path() / "aegean-quiet-skies.html", "x")
    (article,) = document.articles
    assert (article.title, article.date, article.author, article.source) == (
        "Quiet Skies Over the Aegean as Washington Reinforces the Eastern Mediterranean",
        "2024-08-20", "Katerina Vlachou", "Mediterranean Notes")
    assert article.url.startswith("https://example.net/")
    assert "<" not in document.text and "function" not in document.text


def test_sample_corpus_has_dated_articles_and_multi_article_pages():
    documents = list(read_corpus([sample_corpus_path()]))
    articles = [a for d in documents for a in d.articles]
    assert len(articles) >= 12
    assert all(len(a.date) == 10 for a in articles)
    assert sum(len(d.articles) > 1 for d in documents) >= 3
    assert documents[0].doc_id == "sample_corpus/aegean-quiet-skies.html"
    assert documents[0].path == "sample_corpus/aegean-quiet-skies.html"


def test_folder_is_read_recursively_in_a_stable_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.md").write_text("# Two\n\nText.\n", encoding="utf-8")
    (tmp_path / "one.txt").write_text("One\n\nText.\n", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden\n", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    ids = [d.doc_id for d in read_corpus([Path(tmp_path)])]
    assert ids == [f"{tmp_path.name}/b/two.md", f"{tmp_path.name}/one.txt"]


# --- folders with bad files: every problem is one line, the rest is read -----------------------

def _messy_folder(root: Path) -> Path:
    folder = root / "inbox"
    folder.mkdir()
    (folder / "good.txt").write_text("Clashes Near Isfara\n\nFighting spread to Vorukh.\n", encoding="utf-8")
    (folder / "cyrillic.txt").write_bytes(
        "Бои у Исфары\n\nВо вторник вечером стрельба началась у села Ворух и продолжалась до утра.\n"
        .encode("cp1251"))
    (folder / "utf16.md").write_bytes("# Talks in Dushanbe\n\nDelegates met.\n".encode("utf-16"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.7\n...")
    (folder / "report.html").write_bytes(b"%PDF-1.4 saved with the wrong suffix")
    (folder / "cut.txt").write_bytes("Border News\n\nTalks in Khujand contin".encode("utf-8") + "ü".encode("utf-8")[:1])
    (folder / "news.csv").write_text(
        "id,headline,body,published\n"
        "n1,Talks,Delegates met in Bishkek.,\"March 31, 2024\"\n"
        "n2,Calm,\"The border \"was\" calm.\",2024-04-01\n"
        "n3,Flood,Rivers rose near Khorog.,someday\n", encoding="utf-8")
    (folder / "feed.jsonl").write_text(
        '{"text": "Shelling near Jermuk.", "date": "2022-09-13"}\n{not json}\n', encoding="utf-8")
    (folder / "export.csv").write_text("id,headline\n1,No body here\n", encoding="utf-8")
    return folder


def test_a_messy_folder_is_read_and_every_problem_reported(tmp_path):
    folder = _messy_folder(tmp_path)
    problems = []
    documents = list(read_corpus([folder], problems=problems))
    assert [(d.doc_id, [a.title for a in d.articles], [a.date for a in d.articles]) for d in documents] == [
        ("inbox/cut.txt", ["Border News"], [""]),
        ("inbox/cyrillic.txt", ["Бои у Исфары"], [""]),
        ("inbox/feed.jsonl#1", [""], ["2022-09-13"]),
        ("inbox/good.txt", ["Clashes Near Isfara"], [""]),
        ("inbox/news.csv#n1", ["Talks"], ["2024-03-31"]),
        ("inbox/news.csv#n3", ["Flood"], [""]),
        ("inbox/utf16.md", ["Talks in Dushanbe"], [""]),
    ]
    f = str(folder)
    assert [str(p) for p in problems] == [
        f"{f}/cut.txt: ends inside a UTF-8 character (truncated?); the last 1 byte was dropped",
        f"{f}/empty.txt: empty file; nothing to read",
        f"{f}/export.csv: no text column (columns: id, headline); name it with --text-col",
        f"{f}/feed.jsonl:2: not valid JSON (Expecting property name enclosed in double quotes at column 2); "
        "line skipped",
        f"{f}/news.csv:3: broken quoting in this row: text after a closing \"; row skipped "
        "(write a \" inside a quoted field as \"\")",
        f"{f}/news.csv: dates not understood, rows kept without a date: line 4",
        f"{f}/report.html: a PDF file, not text; export it as .txt or .html",
        f"{f}/scan.pdf: not a file type geomap reads (.pdf); use one of .txt, .md, .html, .htm, .csv, "
        ".tsv, .jsonl, .ndjson, .parquet",
    ]
    assert [p.skipped for p in problems] == [False, True, True, True, True, False, True, True]


def test_strict_stops_at_the_first_problem(tmp_path):
    folder = _messy_folder(tmp_path)
    with pytest.raises(CorpusError, match=r"^.*/cut\.txt: ends inside a UTF-8 character \(truncated\?\); "
                                          r"the last 1 byte was dropped \(--strict stops at the first problem\)$"):
        list(read_corpus([folder], ReadOptions(strict=True)))


def test_a_table_row_is_a_document_with_its_columns_as_metadata(tmp_path):
    table = tmp_path / "rows.csv"
    table.write_text("story,title,link,when,outlet\n"
                     "\"Fighting in Batken.\n\nSimilar Posts\nOther news from Osh\",Clashes,https://ex.org/a,"
                     "14.09.2022,Kloop\n", encoding="utf-8")
    (document,) = read_corpus([table], ReadOptions(columns=TableColumns(date="when")))
    assert document.doc_id == "rows.csv#1"
    assert [(a.title, a.date, a.source, a.url) for a in document.articles] == [
        ("Clashes", "2022-09-14", "Kloop", "https://ex.org/a")]
    assert "Osh" in document.text and "Osh" not in document.masked  # boilerplate in a cell too


def test_oversized_files_are_reported_with_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr("geo.corpus.MAX_FILE_BYTES", 10)
    page = tmp_path / "long.txt"
    page.write_text("A headline\n\nA long body of text.\n", encoding="utf-8")
    problems = []
    assert list(read_corpus([page], problems=problems)) == []
    assert [str(p) for p in problems] == [
        f"{page}: 33 bytes is over the 10-byte limit per file; split it into smaller files"]


def test_a_row_of_only_metadata_is_reported_not_returned_empty(tmp_path):
    table = tmp_path / "rows.jsonl"
    table.write_text('{"text": "date 2024-03-31"}\n{"text": "Fighting in Batken."}\n'
                     '{"text": "Similar Posts"}\n', encoding="utf-8")
    problems = []
    (document,) = read_corpus([table], problems=problems)
    assert document.doc_id == "rows.jsonl#2"
    assert [str(p) for p in problems] == [
        f"{table}: no article text (only metadata or boilerplate), rows skipped: lines 1, 3"]


@pytest.mark.parametrize("json_ld", ['{"headline": null, "@graph": null}', '[{"@graph": 1}, 5]', "null"])
def test_odd_json_ld_is_passed_over(tmp_path, json_ld):
    page = tmp_path / "page.html"
    page.write_text(f'<script type="application/ld+json">{json_ld}</script>'
                    "<h1>Clashes near Vorukh</h1><p>Fighting spread from Vorukh.</p>", encoding="utf-8")
    (article,) = read_document(page, "page.html").articles
    assert (article.title, article.date) == ("Clashes near Vorukh", "")


def test_a_declaration_python_cannot_parse_is_a_bogus_comment(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<h1>Clashes near Vorukh</h1><p>Fighting <!["x> spread from Vorukh.</p>', encoding="utf-8")
    document = read_document(page, "page.html")
    assert document.text == "Clashes near Vorukh\n\nFighting spread from Vorukh.\n"


def test_json_ld_with_half_a_character_or_nested_too_deeply(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<script type="application/ld+json">' + "[" * 100_000 + "</script>"
                    '<script type="application/ld+json">{"headline": "Clashes \\ud800near Vorukh", '
                    '"author": {"name": "Jane Roe \\udfff"}}</script><p>Fighting spread from Vorukh.</p>',
                    encoding="utf-8")
    (article,) = read_document(page, "page.html").articles
    assert (article.title, article.author) == ("Clashes \ufffdnear Vorukh", "Jane Roe \ufffd")


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl", ".parquet"])
def test_a_table_is_read_a_piece_at_a_time(tmp_path, monkeypatch, suffix):
    # Pieces of 64 kB and batches of 16 rows here (a megabyte and 256 rows otherwise), so that
    # a table of 1.7 MB of text is far larger than what reading it may hold.
    monkeypatch.setattr(decode, "_CHUNK_BYTES", 64 * 1024)
    monkeypatch.setattr(tables, "_PARQUET_BATCH_ROWS", 16)
    story = "Shelling was reported near Vorukh, in the Sughd region of Tajikistan, on Tuesday. " * 30
    rows = pd.DataFrame({"title": [f"Report {i}" for i in range(700)], "date": "2024-03-31",
                         "text": [f"{i}. {story}" for i in range(700)]})
    path = tmp_path / f"news{suffix}"
    if suffix == ".parquet":
        rows.to_parquet(path, row_group_size=250)
    elif suffix == ".jsonl":
        rows.to_json(path, orient="records", lines=True)
    else:
        rows.to_csv(path, sep="\t" if suffix == ".tsv" else ",", index=False)
    tracemalloc.start()
    try:
        dates = Counter(document.articles[0].date for document in read_corpus([path]))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert dates == {"2024-03-31": 700}
    assert peak < 1_000_000, f"{peak:,} bytes at the peak"
