"""Article tables: columns detected or named, rows read in file order, problems by line."""

import csv
import inspect
import math
import sys

import pandas as pd
import pytest

from geo.exc import CorpusError
from geo.problems import InputProblem
from geo.tables import COLUMN_NAMES, TableColumns, TableRead, TableRecord, read_table


def table(tmp_path, filename: str, content, columns: TableColumns = TableColumns()) -> TableRead:
    """Write ``content`` (text as UTF-8, or bytes) to ``filename`` and read it."""
    path = tmp_path / filename
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return read_table(path, columns, name=filename)


def table_error(tmp_path, filename: str, content, columns: TableColumns = TableColumns()) -> str:
    with pytest.raises(CorpusError) as error:
        table(tmp_path, filename, content, columns)
    return str(error.value)


# --- columns -------------------------------------------------------------------------------------

def test_csv_columns_detected_from_common_names(tmp_path):
    read = table(tmp_path, "news.csv", (
        "Article_ID,Headline,Body,Published_At,Link,Byline,Outlet,Views\n"
        "a-1,Talks in Dushanbe,Delegations met in Dushanbe.,2024-03-01,https://ex.org/1,"
        "A. Karimov,Asia-Plus,120\n"
        "a-2,Border calm,The border near Vorukh was calm.,,https://ex.org/2,,Kloop,7\n"))
    assert read.records == [
        TableRecord("a-1", 2, "Delegations met in Dushanbe.", {
            "title": "Talks in Dushanbe", "date": "2024-03-01", "url": "https://ex.org/1",
            "author": "A. Karimov", "source": "Asia-Plus"}),
        TableRecord("a-2", 3, "The border near Vorukh was calm.", {
            "title": "Border calm", "url": "https://ex.org/2", "source": "Kloop"}),
    ]
    assert read.columns == {"text": "Body", "title": "Headline", "date": "Published_At",
                            "url": "Link", "id": "Article_ID", "author": "Byline",
                            "source": "Outlet"}
    assert read.problems == []
    assert read.encoding == "utf-8"


def test_earlier_names_in_the_lists_win(tmp_path):
    # "story" and "text" are both text names; "text" comes first in COLUMN_NAMES.
    read = table(tmp_path, "t.csv", "story,text,time,date\nS,T,10:00,2024-05-01\n")
    assert read.columns == {"text": "text", "date": "date"}
    assert read.records == [TableRecord("1", 2, "T", {"date": "2024-05-01"})]


def test_named_columns_are_used_and_not_detected_again(tmp_path):
    read = table(tmp_path, "n.csv", "id,title,summary,when\n7,Ceasefire holds,Long text,May 3\n",
                 TableColumns(text="TITLE", date="when"))
    # "title" is the text now, so no title column is detected.
    assert read.columns == {"text": "title", "date": "when", "id": "id"}
    assert read.records == [TableRecord("7", 2, "Ceasefire holds", {"date": "May 3"})]


def test_no_text_column_lists_the_columns_in_file_order(tmp_path):
    assert table_error(tmp_path, "x.csv", "id,headline,when\n1,a,b\n") == (
        "x.csv: no text column (columns: id, headline, when); name it with --text-col")


def test_a_named_column_that_does_not_exist(tmp_path):
    assert table_error(tmp_path, "x.csv", "id,text,\nx,y,\n", TableColumns(date="published")) == (
        "x.csv: no column 'published' for --date-col (columns: id, text); use one of these names")


def test_unnamed_columns_are_listed_as_such(tmp_path):
    assert table_error(tmp_path, "x.csv", ",id,headline\n0,1,a\n") == (
        "x.csv: no text column (columns: (unnamed), id, headline); name it with --text-col")


def test_semicolon_csv_gets_a_hint(tmp_path):
    assert table_error(tmp_path, "excel.csv", "id;title;text\n1;a;b\n") == (
        "excel.csv: no text column (columns: id;title;text); the fields seem separated by "
        "semicolons, not commas: save the table with commas as .csv, or with tabs as .tsv")


def test_a_used_column_name_twice(tmp_path):
    assert table_error(tmp_path, "d.csv", "id,text,text\n1,a,b\n") == (
        "d.csv: 2 columns are named 'text' (the text column); "
        "rename them so that each name is used once")


def test_empty_column_choice_is_refused():
    with pytest.raises(CorpusError) as error:
        TableColumns(text=" ")
    assert str(error.value) == ("--text-col is ' '; give a column name, "
                                "or leave the option out to detect the column")


def test_the_documented_name_lists_cover_every_role():
    assert list(COLUMN_NAMES) == ["text", "title", "date", "url", "id", "author", "source"]
    assert COLUMN_NAMES["text"][:3] == ("text", "body", "content")


# --- CSV rows ------------------------------------------------------------------------------------

def test_quoted_newlines_keep_later_line_numbers(tmp_path):
    read = table(tmp_path, "q.csv", (
        'id,text\r\n'
        '1,"First paragraph.\r\n\r\nSecond paragraph, in Bishkek."\r\n'
        '2,"He said ""yes"", then left."\r\n'
        '\r\n'
        '3,Last\r\n'))
    assert read.records == [
        TableRecord("1", 2, "First paragraph.\n\nSecond paragraph, in Bishkek.", {}),
        TableRecord("2", 5, 'He said "yes", then left.', {}),
        TableRecord("3", 7, "Last", {}),
    ]
    assert read.problems == []


def test_bom_and_crlf(tmp_path):
    read = table(tmp_path, "bom.csv", "\ufefftitle,text\r\nT,Body one\r\nU,Body two\r\n")
    assert read.columns == {"text": "text", "title": "title"}
    assert read.records == [TableRecord("1", 2, "Body one", {"title": "T"}),
                            TableRecord("2", 3, "Body two", {"title": "U"})]
    assert read.encoding == "utf-8-sig"


def test_old_mac_line_endings(tmp_path):
    read = table(tmp_path, "mac.csv", 'text,title\r"Two\rlines",a\rOne line,b\r')
    assert read.records == [TableRecord("1", 2, "Two\nlines", {"title": "a"}),
                            TableRecord("2", 4, "One line", {"title": "b"})]


def test_text_after_a_closing_quote_skips_that_row_only(tmp_path):
    read = table(tmp_path, "b.csv", (
        'id,title,text\n'
        '1,Fine,Text one\n'
        '2,"The "No" vote",Text two\n'
        '3,"Two\nlines" here,Text three\n'
        '4,Fine again,Text four\n'))
    assert [(r.row_id, r.line) for r in read.records] == [("1", 2), ("4", 6)]
    assert read.problems == [
        InputProblem("b.csv", 3, 'broken quoting in this row: text after a closing "; row skipped '
                                 '(write a " inside a quoted field as "")'),
        InputProblem("b.csv", 4, 'broken quoting in this row (lines 4-5): text after a closing "; '
                                 'row skipped (write a " inside a quoted field as "")'),
    ]


def test_an_unclosed_quote_stops_reading_at_its_row(tmp_path):
    read = table(tmp_path, "u.csv", (
        'id,text\n'
        '1,Text one\n'
        '2,"Text two, never closed\n'
        '3,Text three\n'
        '4,Text four\n'))
    assert read.records == [TableRecord("1", 2, "Text one", {})]
    assert read.problems == [InputProblem("u.csv", 3, (
        'a " in this row is never closed, so lines 3-5 were not read (the rest of the file); '
        'close the quote, or write a " inside a quoted field as ""'))]


def test_an_unclosed_quote_on_the_last_line(tmp_path):
    read = table(tmp_path, "u.csv", 'id,text\r\n1,Text one\r\n2,"Text two')
    assert read.records == [TableRecord("1", 2, "Text one", {})]
    assert read.problems == [InputProblem("u.csv", 3, (
        'a " in this row is never closed, so line 3 was not read (the rest of the file); '
        'close the quote, or write a " inside a quoted field as ""'))]


def test_blank_lines_are_ignored_in_a_one_column_table(tmp_path):
    read = table(tmp_path, "one.csv", "\n  \ntext\nFirst article\n\n   \nSecond article\n")
    assert read.records == [TableRecord("1", 4, "First article", {}),
                            TableRecord("2", 7, "Second article", {})]
    assert read.problems == []


def test_a_quote_inside_an_unquoted_field_is_read_as_written(tmp_path):
    read = table(tmp_path, "s.csv", 'text,title\nA 5" screen was sold,TV\n')
    assert read.records == [TableRecord("1", 2, 'A 5" screen was sold', {"title": "TV"})]
    assert read.problems == []


def test_rows_with_more_or_fewer_fields_are_skipped(tmp_path):
    read = table(tmp_path, "r.csv", (
        "id,title,text\n"
        "1,Talks,Delegations met, then left\n"
        "2,Only two\n"
        "3,Trailing comma,Kept,,\n"
        '4,"Two\nlines",x,y\n'
        "5,Fine,Kept too\n"))
    assert read.records == [TableRecord("3", 4, "Kept", {"title": "Trailing comma"}),
                            TableRecord("5", 7, "Kept too", {"title": "Fine"})]
    assert read.problems == [
        InputProblem("r.csv", 2, "row has 4 fields but the header has 3; row skipped "
                                 "(quote fields that contain a comma)"),
        InputProblem("r.csv", 3, "row has 2 fields but the header has 3; row skipped "
                                 "(a missing comma, or a line break outside quotes?)"),
        InputProblem("r.csv", 5, "row (lines 5-6) has 4 fields but the header has 3; row skipped "
                                 "(quote fields that contain a comma)"),
    ]


def test_rows_with_empty_text_are_listed_once(tmp_path):
    read = table(tmp_path, "e.csv", "id,text,title\n1,One,a\n2,,b\n3,Three,c\n4,  ,d\n,Five,e\n")
    # An empty id falls back to the row number.
    assert read.records == [TableRecord("1", 2, "One", {"title": "a"}),
                            TableRecord("3", 4, "Three", {"title": "c"}),
                            TableRecord("5", 6, "Five", {"title": "e"})]
    assert read.problems == [InputProblem("e.csv", 0, "2 rows with empty text skipped: lines 3, 5")]


def test_a_long_list_of_empty_rows_is_cut(tmp_path):
    read = table(tmp_path, "many.csv", "id,text\n" + "".join(f"{i},\n" for i in range(25)) + "x,T\n")
    assert read.records == [TableRecord("x", 27, "T", {})]
    lines = ", ".join(str(line) for line in range(2, 22))
    assert read.problems == [InputProblem(
        "many.csv", 0, f"25 rows with empty text skipped: lines {lines} and 5 more")]


def test_row_numbers_count_skipped_rows_but_not_blank_lines(tmp_path):
    read = table(tmp_path, "n.csv", "text,title\n\nOne,a\nbad,row,extra\n\n\nThree,c\n")
    assert read.records == [TableRecord("1", 3, "One", {"title": "a"}),
                            TableRecord("3", 7, "Three", {"title": "c"})]


def test_a_field_longer_than_the_csv_default_limit(tmp_path):
    limit = csv.field_size_limit()
    body = "Dushanbe. " * 20_000
    read = table(tmp_path, "long.csv", f'id,text\n1,"{body}"\n2,short\n')
    assert read.records == [TableRecord("1", 2, body, {}), TableRecord("2", 3, "short", {})]
    assert csv.field_size_limit() == limit


def test_header_only(tmp_path):
    assert table_error(tmp_path, "h.csv", "id,text\n\n") == (
        "h.csv: a header row but no rows under it; add rows or leave the file out")


def test_broken_quoting_in_the_header(tmp_path):
    assert table_error(tmp_path, "h.csv", 'id,"text" body\n1,a\n') == (
        "h.csv: broken quoting in the header row (line 1); fix the quotes in the first line")


# --- TSV and encodings ---------------------------------------------------------------------------

def test_tsv(tmp_path):
    read = table(tmp_path, "t.tsv", (
        "doc_id\ttitle\ttext\tdate\n"
        "d1\tTalks\tDelegations met, then left.\t2024-03-01\n"
        'd2\t"Quoted\ttitle"\t"Text with ""quotes"""\t\n'))
    assert read.records == [
        TableRecord("d1", 2, "Delegations met, then left.", {"title": "Talks", "date": "2024-03-01"}),
        TableRecord("d2", 3, 'Text with "quotes"', {"title": "Quoted\ttitle"}),
    ]


def test_tsv_without_quoting_is_read_literally(tmp_path):
    read = table(tmp_path, "plain.tsv", (
        "id\ttitle\ttext\n"
        '1\t"No": voters reject the plan\tText one\n'
        '2\t"Open quote, never closed\tText two\n'
        "3\tPlain\tText three\n"
        "4\tOnly two fields\n"))
    assert read.records == [
        TableRecord("1", 2, "Text one", {"title": '"No": voters reject the plan'}),
        TableRecord("2", 3, "Text two", {"title": '"Open quote, never closed'}),
        TableRecord("3", 4, "Text three", {"title": "Plain"}),
    ]
    assert read.problems == [InputProblem("plain.tsv", 5, (
        "row has 2 fields but the header has 3; row skipped "
        "(a missing tab, or a line break outside quotes?)"))]


def test_excel_unicode_text_export(tmp_path):
    # Excel's "Unicode Text" is UTF-16 LE with a byte-order mark, tab-separated, CRLF.
    content = "\ufeffid\ttext\r\n1\tВстреча в Бишкеке\r\n".encode("utf-16-le")
    read = table(tmp_path, "excel.tsv", content)
    assert read.records == [TableRecord("1", 2, "Встреча в Бишкеке", {})]
    assert read.encoding == "utf-16-le"


@pytest.mark.parametrize("codec", ["cp1251", "koi8-r"])
def test_cyrillic_single_byte_csv(tmp_path, codec):
    content = ("id,заголовок,text,source\n"
               "1,Переговоры,Делегации встретились в Душанбе и обсудили границу.,Азия-Плюс\n"
               "2,Граница,На участке у села Ворух было спокойно.,\n").encode(codec)
    read = table(tmp_path, "ru.csv", content)
    assert read.records == [
        TableRecord("1", 2, "Делегации встретились в Душанбе и обсудили границу.",
                    {"source": "Азия-Плюс"}),
        TableRecord("2", 3, "На участке у села Ворух было спокойно.", {}),
    ]
    assert read.encoding == codec


def test_truncated_utf8_is_read_with_a_problem(tmp_path):
    read = table(tmp_path, "cut.csv", "id,text\n1,Встреча в Бишкеке".encode("utf-8")[:-1])
    assert read.records == [TableRecord("1", 2, "Встреча в Бишкек", {})]
    assert read.problems == [InputProblem(
        "cut.csv", 0, "ends inside a UTF-8 character (truncated?); the last 1 byte was dropped",
        skipped=False)]


@pytest.mark.parametrize("content, message", [
    (b"", "empty file; nothing to read"),
    (b"%PDF-1.4\n", "a PDF file, not text; export it as .txt or .html"),
    ("id,text\n1,Café Zürich\n".encode("cp1252"),
     "not UTF-8, UTF-16, Windows-1251 or KOI8-R text (bad byte 0xE9 at offset 13); save it as UTF-8"),
], ids=["empty", "pdf", "cp1252"])
def test_files_that_are_not_text(tmp_path, content, message):
    assert table_error(tmp_path, "bad.csv", content) == f"bad.csv: {message}"


def test_unsupported_suffix_and_missing_file(tmp_path):
    with pytest.raises(CorpusError) as error:
        read_table(tmp_path / "news.xlsx", name="news.xlsx")
    assert str(error.value) == ("news.xlsx: not a table (.xlsx); tables are read from "
                                ".csv, .tsv, .jsonl, .ndjson, .parquet files")
    with pytest.raises(CorpusError) as error:
        read_table(tmp_path / "gone.csv", name="gone.csv")
    assert str(error.value) == ("gone.csv: cannot be read (No such file or directory); "
                                "check the path and its permissions")


def test_name_defaults_to_the_path(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("id,title\n1,a\n", encoding="utf-8")
    with pytest.raises(CorpusError) as error:
        read_table(path)
    assert str(error.value) == f"{path}: no text column (columns: id, title); name it with --text-col"


# --- JSON Lines ----------------------------------------------------------------------------------

def test_jsonl_values_and_bad_lines(tmp_path):
    read = table(tmp_path, "a.jsonl", "\n".join([
        '{"id": 17, "text": "Talks in Dushanbe.", "authors": ["A. Karimov", "B. Usenov"], '
        '"date": null, "views": 5}',
        '',
        '[1, 2]',
        '{"id": "x", "text": "broken", ',
        '{"id": 18.0, "text": ["First paragraph.", "Second."], "source": 5, "title": true}',
        '"just a string"',
        '{"text": "", "title": "No text"}',
        '  {"text": "Untitled, no id", "url": {"href": "https://ex.org"}}  \r',
        '',
    ]))
    assert read.records == [
        TableRecord("17", 1, "Talks in Dushanbe.", {"author": "A. Karimov, B. Usenov"}),
        TableRecord("18", 5, "First paragraph.\n\nSecond.", {"title": "true", "source": "5"}),
        # No id: the row number, counting the skipped lines but not the blank ones.
        TableRecord("7", 8, "Untitled, no id", {"url": '{"href": "https://ex.org"}'}),
    ]
    assert read.columns == {"text": "text", "title": "title", "date": "date", "url": "url",
                            "id": "id", "author": "authors", "source": "source"}
    assert read.problems == [
        InputProblem("a.jsonl", 3, "an array, not a JSON object; line skipped "
                                   "(write one {...} object per line)"),
        InputProblem("a.jsonl", 4, "not valid JSON (Expecting property name enclosed in double "
                                   "quotes at column 31); line skipped"),
        InputProblem("a.jsonl", 6, "a string, not a JSON object; line skipped "
                                   "(write one {...} object per line)"),
        InputProblem("a.jsonl", 0, "1 row with empty text skipped: line 7"),
    ]


def test_ndjson_keys_seen_late_are_columns(tmp_path):
    read = table(tmp_path, "b.ndjson", '{"id": 1}\n{"id": 2, "body": "Late text", "headline": "H"}\n')
    assert read.columns == {"text": "body", "title": "headline", "id": "id"}
    assert read.records == [TableRecord("2", 2, "Late text", {"title": "H"})]
    assert read.problems == [InputProblem("b.ndjson", 0, "1 row with empty text skipped: line 1")]


def test_a_json_array_is_not_json_lines(tmp_path):
    assert table_error(tmp_path, "arr.jsonl", '[\n  {"text": "a"},\n  {"text": "b"}\n]\n') == (
        "arr.jsonl: one JSON array, not JSON Lines; write one object per line (jq -c '.[]' does it)")


def test_a_json_array_on_one_line_is_not_json_lines(tmp_path):
    assert table_error(tmp_path, "arr.jsonl", '[{"text": "a"}, {"text": "b"}]') == (
        "arr.jsonl: one JSON array, not JSON Lines; write one object per line (jq -c '.[]' does it)")


def test_jsonl_without_any_object(tmp_path):
    assert table_error(tmp_path, "none.jsonl", "id,text\n1,a\n") == (
        "none.jsonl: no line holds a JSON object (line 1: not valid JSON (Expecting value at "
        "column 1)); write one JSON object per line")


# --- Parquet -------------------------------------------------------------------------------------

def test_parquet(tmp_path):
    frame = pd.DataFrame({
        "article_id": [1.0, 2.0, math.nan, 4.0],
        "headline": ["Talks", None, "Calm", "Floods"],
        "content": ["Delegations met in Dushanbe.", "", "The border near Vorukh was calm.",
                    "Rivers rose in Khatlon."],
        "published_at": [pd.Timestamp("2024-03-01 10:30"), pd.NaT, pd.Timestamp("2024-03-03"),
                         pd.Timestamp("2024-03-04")],
    })
    frame.to_parquet(tmp_path / "p.parquet", index=False)
    read = read_table(tmp_path / "p.parquet", name="p.parquet")
    assert read.records == [
        TableRecord("1", 1, "Delegations met in Dushanbe.",
                    {"title": "Talks", "date": "2024-03-01T10:30:00"}),
        TableRecord("3", 3, "The border near Vorukh was calm.",
                    {"title": "Calm", "date": "2024-03-03T00:00:00"}),
        TableRecord("4", 4, "Rivers rose in Khatlon.",
                    {"title": "Floods", "date": "2024-03-04T00:00:00"}),
    ]
    assert read.columns == {"text": "content", "title": "headline", "date": "published_at",
                            "id": "article_id"}
    assert read.problems == [InputProblem("p.parquet", 0, "1 row with empty text skipped: row 2")]
    assert read.encoding == ""


def test_parquet_without_a_text_column(tmp_path):
    pd.DataFrame({"id": [1], "headline": ["a"]}).to_parquet(tmp_path / "p.parquet", index=False)
    with pytest.raises(CorpusError) as error:
        read_table(tmp_path / "p.parquet", name="p.parquet")
    assert str(error.value) == "p.parquet: no text column (columns: id, headline); name it with --text-col"


@pytest.mark.parametrize("cut", [lambda raw: raw[: len(raw) // 2], lambda raw: b"id,text\n1,a\n"],
                         ids=["truncated", "csv"])
def test_unreadable_parquet(tmp_path, cut):
    pd.DataFrame({"text": ["a", "b"]}).to_parquet(tmp_path / "good.parquet", index=False)
    (tmp_path / "bad.parquet").write_bytes(cut((tmp_path / "good.parquet").read_bytes()))
    with pytest.raises(CorpusError) as error:
        read_table(tmp_path / "bad.parquet", name="bad.parquet")
    assert str(error.value) == (
        "bad.parquet: not a readable Parquet file (Parquet magic bytes not found in footer. "
        "Either the file is corrupted or this is not a parquet file.); re-export it")


def test_column_names_with_line_breaks_are_listed_on_one_line(tmp_path):
    assert table_error(tmp_path, "cr.jsonl", '{"0\\r": "Talks in Dushanbe."}\n') == (
        "cr.jsonl: no text column (columns: '0\\r'); name it with --text-col")
    assert table_error(tmp_path, "nl.csv", 'title,"a\nb"\nTalks,Dushanbe\n') == (
        "nl.csv: no text column (columns: title, 'a\\nb'); name it with --text-col")


def test_a_lone_surrogate_escape_is_read_as_a_replacement_character(tmp_path):
    # No UTF-8 output can hold half a character: it would stop the run when the tables are written.
    read = table(tmp_path, "s.jsonl", '{"text": "Vorukh \\ud800 and Isfara \\ud83d\\ude00", '
                                      '"title": "\\udfff\\udfff"}\n{"text": "Batken"}\n')
    assert [(r.text, r.meta) for r in read.records] == [
        ("Vorukh \ufffd and Isfara \U0001f600", {"title": "\ufffd\ufffd"}), ("Batken", {})]
    assert read.problems == [InputProblem("s.jsonl", 1, (
        "3 \\uD800-\\uDFFF escapes without their other half (a lone UTF-16 surrogate, no character); "
        "read as U+FFFD"), skipped=False)]


def test_a_value_nested_too_deeply_skips_its_line(tmp_path):
    # Parsed, but too deep to read as text: 2 frames per level in _cell, 1 in the JSON decoder.
    depth, limit = len(inspect.stack()), sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 300)
    try:
        read = table(tmp_path, "deep.jsonl", '{"text": ' + "[" * 200 + '"x"' + "]" * 200 + '}\n{"text": "ok"}\n')
    finally:
        sys.setrecursionlimit(limit)
    assert [r.text for r in read.records] == ["ok"]
    assert read.problems == [InputProblem("deep.jsonl", 1, (
        "a value nested too deeply to read as text; line skipped (flatten the lists)"))]
