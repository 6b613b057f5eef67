"""Property-based tests: untrusted input gives results or the project's own error, never a traceback.

Every reader (pages, tables, theme files, user gazetteers) is fed arbitrary
bytes and text, and input that is *almost* valid: real sample files with bytes
flipped, CSV with random quoting, JSON Lines of random values, HTML soup,
pages of random metadata lines, in random encodings and line breaks. The
matcher and the geoparser are fed arbitrary text and real names glued with
odd separators; every offset they return must point at the text it names.

The examples are derandomized, so a run is reproducible. To hunt for bugs, run
N times as many random examples::

    GEOMAP_FUZZ_SCALE=20 pytest tests/test_fuzz.py
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from gazetteer import Gazetteer, Geoparser, _schema
from gazetteer.exc import GazetteerError
from gazetteer.user_places import read_user_places
from geo import decode
from geo.corpus import ReadOptions, read_corpus, read_document, sample_corpus_path
from geo.document import Document
from geo.exc import CorpusError, ThemeError
from geo.pipeline import geoparse_documents
from geo.problems import InputProblem
from geo.tables import COLUMN_NAMES, TableColumns, read_table
from geo.themes import default_themes_path, load_themes

FIXTURES = Path(__file__).parent / "fixtures"
# More (and random) examples with GEOMAP_FUZZ_SCALE=N; the default run is reproducible.
_SCALE = float(os.environ.get("GEOMAP_FUZZ_SCALE", "1"))


def fuzz(examples: int):
    """Settings for one property: ``examples`` examples (times the scale), no deadline."""
    return settings(max_examples=max(1, int(examples * _SCALE)), deadline=None, database=None,
                    derandomize=_SCALE == 1, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much, HealthCheck.large_base_example])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def mini() -> Gazetteer:
    return Gazetteer.from_files(FIXTURES / "mini_places.csv", FIXTURES / "mini_names.csv")


# --- what every reader must give ----------------------------------------------------------------

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_META = ("title", "date", "author", "source", "url")


def one_line(message: str) -> bool:
    return isinstance(message, str) and message.strip() != "" and not set(message) & set("\n\r")


def check_document(document: Document) -> None:
    """Offsets inside the text, metadata strings, dates ISO or empty, masking in place."""
    text = document.text
    assert isinstance(text, str)
    text.encode("utf-8")  # every output is written as UTF-8: no lone surrogates
    assert len(document.masked) == len(text)
    assert all(m == c or m == " " for m, c in zip(document.masked, text))
    assert document.articles, "a document without articles is reported, not returned"
    previous_end = 0
    for article in document.articles:
        assert previous_end <= article.start <= article.end <= len(text), article
        previous_end = article.end
        for key in _META:
            value = getattr(article, key)
            assert isinstance(value, str), (key, value)
            value.encode("utf-8")
        if article.date:
            assert _ISO.fullmatch(article.date), article.date
            dt.date.fromisoformat(article.date)
        assert article.sections
        section_end = article.start
        for section in article.sections:
            assert section_end <= section.start <= section.end <= article.end, (article, section)
            section_end = section.end
            assert isinstance(section.title, str)
            section.title.encode("utf-8")


def check_problems(problems: list, name: str) -> None:
    for problem in problems:
        assert isinstance(problem, InputProblem), problem
        assert problem.path == name
        assert isinstance(problem.line, int) and problem.line >= 0
        assert one_line(problem.message), problem


def read_all(path: Path, options: ReadOptions = ReadOptions()) -> list[Document]:
    """``read_corpus`` over one file: documents, or problems naming it; never a traceback."""
    problems: list[InputProblem] = []
    documents = list(read_corpus([path], options, problems))
    for document in documents:
        check_document(document)
    check_problems(problems, str(path))
    assert documents or problems, "nothing read and nothing reported"
    strict = ReadOptions(options.columns, strict=True)
    try:
        strict_documents = list(read_corpus([path], strict))
    except CorpusError as error:
        assert problems, error
        assert one_line(str(error)) and str(error).startswith(str(path))
    else:
        assert not problems and len(strict_documents) == len(documents)
    return documents


def write(workdir: Path, suffix: str, data: bytes) -> Path:
    path = workdir / f"input{suffix}"
    path.write_bytes(data)
    return path


# --- text: pieces of real pages ------------------------------------------------------------------

_NAMES = ["Khatlon Province", "Gulf of Aden", "Lachin corridor", "Нагорный Карабах", "St. Petersburg",
          "Vorukh", "Batken", "Dushanbe", "Kyrgyzstan", "Tajik", "Armenia", "Georgia", "Goris",
          "Nagorno-Karabakh", "Aegean Sea", "Syunik", "Gorno-Badakhshan", "Хатлон", "Бишкек",
          "Crocus City Hall", "Krasnogorsk", "Sahel", "Paris", "New York", "Isfara", "Москва"]
_LINES = [
    "Clashes Near Vorukh Leave Two Dead", "date 2024-03-31", "date 2024-03-31 Citizens of Tajikistan began",
    "Published: Monday, December 12", "Published: Monday, December 12, 2022 at 10:00",
    "31 марта 2024", "Опубликовано 31 марта 2024 г.", "12 березня 2024 року", "March 31, 2024",
    "03/04/2024", "31.02.2024", "20240331", "By Aizada Toktosunova", "By Jane Roe | March 31, 2024",
    "Автор: Иван Петров", "Source: Fergana Ledger", "Джерело: Укрінформ", "URL: https://example.org/a",
    "https://example.org/x?y=1", "Similar Posts", "Leave a Reply", "Комментарии (3)", "Share this:",
    "Your email address will not be published. Required fields are marked *",
    "* Border Skirmishes Are Nothing New", "– item", "2) second", "# A Markdown Title", "## Section",
    "#", "##", "# ", "Fighting spread from Vorukh to the outskirts of Isfara on Tuesday morning.",
    "Переговоры в Душанбе прошли спокойно, сообщили в МИД.", "Люди ждали на границе возле Баткена.",
    "Tajik Migrants Return Home From Russia After Crocus City Hall Attack",
    "", " ", "\t", "\u00a0", "\ufeff", "\x00", "\u2028", "\u200b", "\x0c", "\x85",
]
_SEPARATORS = ["\n", "\n\n", "\r\n", "\r", "\r\n\r\n", "\n\n\n", " \n", "\u2028"]
_ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1251",
              "koi8-r", "koi8-u", "latin-1", "cp866"]

_unicode = st.text(st.characters(codec="utf-8"), max_size=60)
_any_text = st.text(st.characters(), max_size=60)  # lone surrogates too
_line = st.one_of(st.sampled_from(_LINES), st.sampled_from(_NAMES), _unicode,
                  st.builds(" ".join, st.lists(st.sampled_from(_NAMES + _LINES), max_size=6)))


@st.composite
def pages(draw) -> str:
    lines = draw(st.lists(_line, max_size=30))
    separators = draw(st.lists(st.sampled_from(_SEPARATORS), min_size=len(lines), max_size=len(lines)))
    return "".join(line + separator for line, separator in zip(lines, separators))


@st.composite
def encoded(draw, text: st.SearchStrategy[str]) -> bytes:
    """``text`` in a random encoding (unencodable characters replaced or kept as raw surrogates)."""
    value = draw(text)
    encoding = draw(st.sampled_from(_ENCODINGS))
    errors = "surrogatepass" if encoding.startswith("utf") else "replace"
    try:
        data = value.encode(encoding, errors)
    except UnicodeEncodeError:
        data = value.encode(encoding, "replace")
    if draw(st.booleans()):
        data = data[:draw(st.integers(0, len(data)))]  # truncated
    return data


def mutated(data: bytes) -> st.SearchStrategy[bytes]:
    """``data`` with a few bytes replaced, inserted or deleted, or cut short."""
    @st.composite
    def build(draw) -> bytes:
        out = bytearray(data)
        for _ in range(draw(st.integers(1, 6))):
            where = draw(st.integers(0, len(out)))
            action = draw(st.sampled_from(["replace", "insert", "delete", "truncate"]))
            piece = draw(st.binary(min_size=1, max_size=4))
            if action == "replace":
                out[where:where + len(piece)] = piece
            elif action == "insert":
                out[where:where] = piece
            elif action == "delete":
                del out[where:where + len(piece)]
            else:
                del out[where:]
        return bytes(out)
    return build()


_SAMPLES = {p.name: p.read_bytes() for p in sorted(sample_corpus_path().iterdir())
            if p.suffix in (".txt", ".md", ".html")}
_SAMPLES.update({f"pages/{p.name}": p.read_bytes() for p in sorted((FIXTURES / "pages").iterdir())})
_PAGE_SUFFIXES = [".txt", ".md", ".html", ".htm"]
_ALL_SUFFIXES = _PAGE_SUFFIXES + [".csv", ".tsv", ".jsonl", ".ndjson", ".parquet", ".pdf", ""]


# --- HTML soup -----------------------------------------------------------------------------------

_TAGS = ["p", "div", "article", "h1", "h2", "h3", "time", "script", "style", "nav", "meta", "link",
         "title", "br", "header", "footer", "a", "span", "section", "li", "ul", "main", "template",
         "svg", "textarea", "pre", "html", "body", "head", "hr", "img", "aside", "form", "ARTICLE"]
_ATTRIBUTES = ["class", "id", "datetime", "content", "name", "property", "rel", "href", "type",
               "itemprop", "CLASS"]
_VALUES = ["comments", "share-bar", "related-posts", "post", "2024-03-31", "2024-03-31T10:00:00Z",
           "Monday, December 12", "31 марта 2024", "canonical", "https://example.org/a",
           "og:title", "og:site_name", "author", "date", "article:published_time",
           "application/ld+json", "description", "", "\x00", "&amp;", "\"", "'"]
_ENTITIES = ["&amp;", "&lt;", "&gt;", "&nbsp;", "&#0;", "&#x0;", "&#xD800;", "&#1114112;",
             "&#x110000;", "&#99999999999;", "&bogus;", "&", "&#", "&#x;", "&#128512;", "&shy;",
             "&#x202E;", "&zwnj;"]


@st.composite
def html_soup(draw) -> str:
    pieces = []
    for _ in range(draw(st.integers(0, 40))):
        kind = draw(st.sampled_from(["open", "close", "text", "entity", "json-ld", "comment", "junk"]))
        if kind == "open":
            tag = draw(st.sampled_from(_TAGS))
            attributes = draw(st.lists(st.tuples(st.sampled_from(_ATTRIBUTES),
                                                 st.one_of(st.sampled_from(_VALUES), _unicode)),
                                       max_size=3))
            quoted = "".join(f' {k}="{v.replace(chr(34), "&quot;")}"' for k, v in attributes)
            pieces.append(f"<{tag}{quoted}{draw(st.sampled_from(['', '/']))}>")
        elif kind == "close":
            pieces.append(f"</{draw(st.sampled_from(_TAGS))}>")
        elif kind == "text":
            pieces.append(draw(_line) + draw(st.sampled_from(["", "\n", "\r\n", "\n\n"])))
        elif kind == "entity":
            pieces.append(draw(st.sampled_from(_ENTITIES)))
        elif kind == "json-ld":
            value = draw(json_values)
            ld_value = st.one_of(json_values, st.sampled_from(["\ud800", "a\udfff", "\ud83d\ude00"]),
                                 st.fixed_dictionaries({"name": json_values}))
            item = draw(st.fixed_dictionaries({}, optional={
                "headline": ld_value, "datePublished": ld_value, "author": ld_value,
                "publisher": ld_value, "url": ld_value, "mainEntityOfPage": ld_value,
                "@graph": json_values}))
            blob = json.dumps(draw(st.sampled_from([value, item, [item], {"@graph": [item]},
                                                    {"@graph": item}])))
            if draw(st.integers(0, 20)) == 0:
                blob = draw(st.sampled_from(["[" * 5000, "{", "", "\ud800", '"\ud800"']))
            pieces.append(f'<script type="application/ld+json">{blob}</script>')
        elif kind == "comment":
            pieces.append(draw(st.sampled_from(["<!-- x -->", "<!--", "-->", "<![CDATA[x]]>", "<!DOCTYPE html>",
                                                "<?xml version='1.0'?>", "<!x"])))
        else:
            pieces.append(draw(st.sampled_from(["<", ">", "</", "<p", "<a href='", "\"", "<<p>>", "</>"])))
    return "".join(pieces)


# --- JSON values ---------------------------------------------------------------------------------

_json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                          _any_text, st.sampled_from(_NAMES + _LINES))
json_values = st.recursive(_json_scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(_any_text, children, max_size=4)), max_leaves=12)
_ROLE_NAMES = [name for names in COLUMN_NAMES.values() for name in names[:3]] + ["Text", " body ", ""]
_column = st.one_of(st.sampled_from(_ROLE_NAMES), _unicode)


@st.composite
def jsonl_text(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["object", "object", "value", "junk", "blank"]))
        if kind == "object":
            row = draw(st.dictionaries(_column, st.one_of(json_values, st.sampled_from(_LINES)), max_size=6))
            lines.append(json.dumps(row, ensure_ascii=draw(st.booleans())))
        elif kind == "value":
            lines.append(json.dumps(draw(json_values)))
        elif kind == "junk":
            lines.append(draw(st.one_of(_unicode, st.sampled_from(
                ['{"text": "a', "[", "[1, 2]", '{"text": NaN}', '{"text": Infinity}', "1e999999",
                 '{"text": "\\ud800"}', '{"text": "\\udfff\\ud800x"}', "[" * 3000, '{"a":1}{"b":2}']))))
        else:
            lines.append(draw(st.sampled_from(["", " ", "\t", "\r"])))
    return draw(st.sampled_from(["\n", "\r\n"])).join(lines)


# --- CSV and TSV ---------------------------------------------------------------------------------

_cell = st.one_of(st.sampled_from(_LINES + _NAMES + ["", '"', '""', ",", "\t", "\n", "a\"b", "5\" screen"]),
                  _unicode)


@st.composite
def delimited_text(draw, delimiter: str) -> str:
    width = draw(st.integers(1, 5))
    header = draw(st.lists(_column, min_size=width, max_size=width))
    rows = [header] + draw(st.lists(st.lists(_cell, min_size=max(0, width - 1), max_size=width + 1),
                                    max_size=6))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    out = []
    for row in rows:
        fields = []
        for value in row:
            style = draw(st.sampled_from(["plain", "quoted", "quoted", "broken", "space"]))
            if style == "quoted":
                fields.append('"' + value.replace('"', '""') + '"')
            elif style == "broken":
                fields.append('"' + value + draw(st.sampled_from(['"', '" x', '', '""'])))
            elif style == "space":
                fields.append(' "' + value.replace('"', '""') + '" ')
            else:
                fields.append(value)
        out.append(delimiter.join(fields) + draw(st.sampled_from(["", delimiter])))
        if draw(st.integers(0, 5)) == 0:
            out.append(draw(st.sampled_from(["", " ", "\t"])))
    return newline.join(out) + draw(st.sampled_from(["", newline]))


# --- properties: pages and tables ----------------------------------------------------------------

@fuzz(400)
@given(suffix=st.sampled_from(_ALL_SUFFIXES), data=st.binary(max_size=400))
def test_arbitrary_bytes_in_any_file_are_read_or_reported(workdir, suffix, data):
    read_all(write(workdir, suffix, data))


@fuzz(300)
@given(suffix=st.sampled_from(_PAGE_SUFFIXES), data=st.sampled_from(sorted(_SAMPLES)).flatmap(
    lambda key: mutated(_SAMPLES[key])))
def test_damaged_sample_pages_are_read_or_reported(workdir, suffix, data):
    read_all(write(workdir, suffix, data))


@fuzz(500)
@given(suffix=st.sampled_from(_PAGE_SUFFIXES), data=encoded(pages()))
def test_pages_of_random_metadata_lines(workdir, suffix, data):
    path = write(workdir, suffix, data)
    problems: list[InputProblem] = []
    try:
        document = read_document(path, "doc", problems=problems)
    except CorpusError as error:
        assert one_line(str(error)) and str(error).startswith(str(path)), error
    else:
        check_document(document)
        check_problems(problems, str(path))
    read_all(path)


@fuzz(250)
@given(suffix=st.sampled_from([".html", ".htm"]), data=encoded(html_soup()))
def test_html_soup(workdir, suffix, data):
    read_all(write(workdir, suffix, data))


def _check_table(path: Path, columns: TableColumns = TableColumns()) -> None:
    try:
        read = read_table(path, columns, name=str(path))
    except CorpusError as error:
        assert one_line(str(error)) and str(error).startswith(str(path)), error
    else:
        check_problems(read.problems, str(path))
        assert read.records or read.problems
        for record in read.records:
            assert record.text.strip() and isinstance(record.row_id, str)
            record.text.encode("utf-8")
            assert set(record.meta) <= set(_META)
            for value in record.meta.values():
                assert isinstance(value, str) and value == value.strip() and value
                value.encode("utf-8")
    read_all(path, ReadOptions(columns))


_chosen = st.one_of(st.just(TableColumns()), st.builds(
    TableColumns, text=st.sampled_from(["text", "body", "Text", "missing"]),
    date=st.sampled_from([None, "date", "time", "title"])))


@fuzz(400)
@given(suffix=st.sampled_from([".csv", ".tsv"]), data=st.data())
def test_almost_valid_csv_and_tsv(workdir, suffix, data):
    delimiter = "\t" if suffix == ".tsv" else data.draw(st.sampled_from([",", ",", ";"]))
    text = data.draw(delimited_text(delimiter))
    raw = data.draw(encoded(st.just(text)))
    _check_table(write(workdir, suffix, raw), data.draw(_chosen))


@fuzz(300)
@given(suffix=st.sampled_from([".jsonl", ".ndjson"]), data=st.data())
def test_almost_valid_json_lines(workdir, suffix, data):
    raw = data.draw(encoded(jsonl_text()))
    _check_table(write(workdir, suffix, raw), data.draw(_chosen))


def _read_or_error(path: Path, columns: TableColumns):
    try:
        read = read_table(path, columns, name="t")
    except CorpusError as error:
        return str(error)
    return read.records, read.problems, read.columns, read.encoding


@fuzz(300)
@given(suffix=st.sampled_from([".csv", ".tsv", ".jsonl"]), data=st.data(), piece_bytes=st.integers(1, 9))
def test_a_table_read_in_pieces_is_read_as_a_whole(workdir, suffix, data, piece_bytes):
    # Tables are decoded a megabyte at a time: lines, quoted fields, \r\n pairs and
    # characters cut at piece boundaries must read as they do in one piece.
    text = data.draw(jsonl_text() if suffix == ".jsonl" else delimited_text("\t" if suffix == ".tsv" else ","))
    path = write(workdir, suffix, data.draw(encoded(st.just(text))))
    columns = data.draw(_chosen)
    whole = _read_or_error(path, columns)
    default, decode._CHUNK_BYTES = decode._CHUNK_BYTES, piece_bytes
    try:
        assert _read_or_error(path, columns) == whole
    finally:
        decode._CHUNK_BYTES = default


# --- Parquet -------------------------------------------------------------------------------------

_PARQUET_COLUMNS = {
    "text": st.one_of(_unicode, st.sampled_from(_LINES + _NAMES), st.none()),
    "int": st.integers(-2**63, 2**63 - 1),
    "float": st.floats(allow_nan=True, allow_infinity=True),
    "bool": st.booleans(),
    "datetime": st.datetimes(min_value=dt.datetime(1677, 9, 22), max_value=dt.datetime(2262, 4, 10)),
    "date": st.dates(),
    "bytes": st.binary(max_size=20),
    "list": st.lists(st.one_of(_unicode, st.none()), max_size=3),
    "struct": st.fixed_dictionaries({"a": st.integers(0, 9), "b": _unicode}),
    "nullable": st.one_of(st.none(), st.integers(0, 10**6)),
}


@st.composite
def parquet_bytes(draw) -> bytes:
    rows = draw(st.integers(0, 4))
    columns = {}
    for _ in range(draw(st.integers(1, 4))):
        name = draw(_column)
        kind = draw(st.sampled_from(sorted(_PARQUET_COLUMNS)))
        columns[name] = draw(st.lists(_PARQUET_COLUMNS[kind], min_size=rows, max_size=rows))
    frame = pd.DataFrame(columns)
    dtype = draw(st.sampled_from([None, "category", "string", "object"]))
    buffer = io.BytesIO()
    try:
        if dtype and len(frame.columns):
            frame[frame.columns[0]] = frame[frame.columns[0]].astype(dtype)
        frame.to_parquet(buffer, index=draw(st.booleans()))
    except Exception:  # a frame pandas or pyarrow cannot write is not a Parquet file to read
        assume(False)
    return buffer.getvalue()


@fuzz(200)
@given(data=parquet_bytes(), damage=st.booleans(), seed=st.data())
def test_random_and_damaged_parquet(workdir, data, damage, seed):
    if damage:
        data = seed.draw(mutated(data))
    _check_table(write(workdir, ".parquet", data), seed.draw(_chosen))


# --- themes --------------------------------------------------------------------------------------

_toml_scalar = st.one_of(st.booleans(), st.integers(-5, 5), st.floats(-5, 10, allow_nan=False),
                         st.sampled_from(["#b2182b", "#abc", "#GGGGGG", "red", "", "aegean-disputes",
                                          "Aegean Disputes", "gn:1220164", "gn:x", ":", "Vorukh", "Georgia"]),
                         _unicode, st.dates())
_WKT = ["POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))", "POLYGON ((0 0, 1 1, 0 0))", "POLYGON ((0 0, 1 0",
        "POLYGON (())", "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)))", "polygon((0 0,2 2,2 0,0 2,0 0))",
        "POLYGON ((nan nan, 1 0, 1 1, nan nan))", "POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0), (5 5, 6 5, 6 6, 5 5))",
        "POLYGON ((1e400 0, 1 0, 1 1, 1e400 0))", "POLYGON EMPTY", "MULTIPOLYGON (EMPTY)"]
_GEOJSON = ['{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}',
            '{"type": "Polygon", "coordinates": []}', '{"type": "Point", "coordinates": [0, 0]}',
            '{"type": "FeatureCollection", "features": []}', '{"type": "FeatureCollection"}',
            '{"type": "Feature", "geometry": null}', '{"type": "Polygon"}', '{', "{}", "[]",
            '{"type": "FeatureCollection", "features": [1]}', '{"type": "Polygon", "coordinates": "x"}',
            "area.geojson", "missing.geojson", "../x.json", "area.json"]
_area = st.one_of(st.sampled_from(_WKT + _GEOJSON + _NAMES + ["Pamirs", "Caucasus", ""]), _toml_scalar,
                  st.dictionaries(st.sampled_from(["type", "coordinates", "features", "geometry"]),
                                  st.one_of(_toml_scalar, st.lists(st.lists(st.lists(
                                      st.floats(-200, 200, allow_nan=False), max_size=3), max_size=4),
                                      max_size=2)), max_size=3))
_THEME_KEYS = {
    "id": st.one_of(st.sampled_from(["aegean", "a", "b-1", "Aegean", "x" * 70, "-x", "dup"]), _toml_scalar),
    "title": _toml_scalar, "colour": _toml_scalar, "color": _toml_scalar, "icon": _toml_scalar,
    "description": _toml_scalar, "threshold": _toml_scalar, "place_weight": _toml_scalar,
    "area_weight": _toml_scalar,
    "keywords": st.one_of(st.dictionaries(st.one_of(_unicode, st.sampled_from(["shelling", "обстрел", ""])),
                                          _toml_scalar, max_size=4), _toml_scalar),
    "places": st.one_of(st.lists(st.one_of(st.sampled_from(_NAMES + ["gn:1220164", "gn:0", "x:y"]),
                                           _toml_scalar), max_size=4), _toml_scalar),
    "areas": st.one_of(st.lists(_area, max_size=3), _toml_scalar),
}


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, dt.date)):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ("nan" if math.isnan(value) else "inf")
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string, but for \u escapes of controls
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"


@st.composite
def theme_files(draw) -> str:
    out = []
    for _ in range(draw(st.integers(0, 3))):
        entry = draw(st.fixed_dictionaries({}, optional=_THEME_KEYS))
        style = draw(st.sampled_from(["array", "array", "inline", "wrong"]))
        header = {"array": "[[themes]]", "inline": "[[themes]]", "wrong": "[themes]"}[style]
        out.append(header)
        keywords = entry.pop("keywords", None)
        out.extend(f"{key} = {_toml_value(value)}" for key, value in entry.items())
        if isinstance(keywords, dict):
            out.append("[themes.keywords]")
            out.extend(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in keywords.items())
        elif keywords is not None:
            out.append(f"keywords = {_toml_value(keywords)}")
    if draw(st.integers(0, 4)) == 0:
        out.insert(draw(st.integers(0, len(out))), draw(st.one_of(_unicode, st.sampled_from(
            ["themes = 1", "themes = []", "themes = [1, 2]", "themes = [[]]", "[themes", "x = ",
             "themes = [{id = \"a\"}, 3]", "[[themes.areas]]", "[[themes]]\nareas = [{}]"]))))
    return "\n".join(out) + "\n"


def _check_themes(path: Path, gazetteer: Gazetteer) -> None:
    try:
        themes = load_themes(path, gazetteer)
    except ThemeError as error:
        message = str(error)
        assert one_line(message) and str(path) in message, message
    else:
        assert themes
        for theme in themes:
            assert theme.id and isinstance(theme.title, str) and isinstance(theme.description, str)


@fuzz(500)
@given(source=theme_files(), extra=st.sampled_from(list(_GEOJSON[:6]) + [None]))
def test_almost_valid_theme_files(workdir, mini, source, extra):
    if extra is not None:
        (workdir / "area.geojson").write_text(extra, encoding="utf-8")
        (workdir / "area.json").write_bytes(b"\xff\xfe")
    path = workdir / "themes.toml"
    path.write_text(source, encoding="utf-8", errors="surrogatepass")
    _check_themes(path, mini)


@fuzz(300)
@given(data=st.one_of(st.binary(max_size=300), encoded(_any_text),
                      mutated(default_themes_path().read_bytes())))
def test_arbitrary_theme_files(workdir, mini, data):
    path = workdir / "bytes.toml"
    path.write_bytes(data)
    _check_themes(path, mini)


# --- user gazetteers ----------------------------------------------------------------------------

_PLACE_COLUMNS = ["name", "lat", "lon", "kind", "country_code", "place_id", "population", "alt_names"]
_place_value = st.one_of(
    st.sampled_from(["Checkpoint 7", "38.56", "-91", "1e400", "nan", "inf", "venue", "city", "castle",
                     "TJ", "tj", "TJK", "gn:1220164", "user:x", "1e30", "12.5", "-0", "Гульбахор;Gulbahor",
                     ";;", "", " "]),
    _unicode, st.floats(), st.integers(), st.none(), st.booleans(),
    st.lists(st.one_of(_unicode, st.integers(), st.none()), max_size=3))


@st.composite
def user_csv(draw) -> str:
    header = draw(st.lists(st.one_of(st.sampled_from(_PLACE_COLUMNS), _unicode), max_size=8))
    if draw(st.booleans()):
        header = ["name", "lat", "lon"] + header
    rows = [header] + draw(st.lists(st.lists(st.one_of(_place_value, _cell).map(
        lambda v: v if isinstance(v, str) else json.dumps(v)), max_size=len(header) + 1), max_size=5))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(rows)
    return buffer.getvalue()


_coordinates = st.recursive(st.floats(-200, 200), lambda c: st.lists(c, max_size=5), max_leaves=20)
_geometry = st.one_of(
    st.none(), _place_value,
    st.fixed_dictionaries({"type": st.sampled_from(["Point", "LineString", "Polygon", "MultiPolygon",
                                                    "GeometryCollection", "Nonsense"])},
                          optional={"coordinates": _coordinates, "geometries": st.lists(st.none(), max_size=2)}))


@st.composite
def user_geojson(draw) -> str:
    features = draw(st.lists(st.one_of(
        st.fixed_dictionaries({"type": st.just("Feature"), "geometry": _geometry},
                              optional={"properties": st.one_of(st.dictionaries(
                                  st.sampled_from(_PLACE_COLUMNS), _place_value, max_size=8), _place_value)}),
        _place_value), max_size=4))
    data = draw(st.sampled_from([{"type": "FeatureCollection", "features": features},
                                 {"type": "FeatureCollection", "features": draw(_place_value)},
                                 {"type": "Feature"}, features]))
    return json.dumps(data, allow_nan=True, ensure_ascii=draw(st.booleans()))


def _check_user_places(path: Path, gazetteer: Gazetteer) -> None:
    try:
        places, names, geometries = read_user_places(path)
    except GazetteerError as error:
        assert one_line(str(error)) and str(path) in str(error), error
    else:
        assert list(places.columns) == list(_schema.PLACE_COLUMNS)
        assert places["place_id"].is_unique
        assert places["lat"].between(-90, 90).all() and places["lon"].between(-180, 180).all()
        assert set(names["place_id"]) <= set(places["place_id"])
        assert set(geometries["place_id"]) <= set(places["place_id"])
        for name in names["name"]:
            assert name.strip() == name and name
            name.encode("utf-8")
        extended = gazetteer.with_places(places, names, geometries)  # the tables are usable
        assert len(extended) >= len(gazetteer)


@fuzz(300)
@given(suffix=st.sampled_from([".csv", ".geojson", ".json"]), data=st.data())
def test_almost_valid_user_gazetteers(workdir, mini, suffix, data):
    text = data.draw(user_csv() if suffix == ".csv" else user_geojson())
    path = workdir / f"places{suffix}"
    path.write_bytes(data.draw(encoded(st.just(text))))
    _check_user_places(path, mini)


@fuzz(300)
@given(suffix=st.sampled_from([".csv", ".geojson", ".txt"]), data=st.binary(max_size=300))
def test_arbitrary_bytes_as_user_gazetteers(workdir, mini, suffix, data):
    path = workdir / f"bytes{suffix}"
    path.write_bytes(data)
    _check_user_places(path, mini)


# --- matcher and geoparser ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def geoparser() -> Geoparser:
    return Geoparser(Gazetteer.load())


_GLUE = [" ", "  ", "\u00a0", "\r\n", "\n", "\t", "\u200b", "\u200d", "\u0301", "\u0308", ", ", ".",
         "-", "’s ", "'", "(", ")", "«", "»", "\"", "😀", "🇦🇲", "\u202e", "שלום", "مرحبا", "\u2028",
         " of ", " the ", " province ", " Province", " oblast ", " в ", " near ", "\ufeff", "\x00",
         "İ", "ß", "ﬃ", "\u0130stanbul", "ǅ", "Mr ", "President ", "\u00ad"]


@st.composite
def name_soup(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 12))):
        name = draw(st.sampled_from(_NAMES))
        case = draw(st.sampled_from(["as is", "as is", "upper", "lower", "title", "swap"]))
        name = {"as is": name, "upper": name.upper(), "lower": name.lower(), "title": name.title(),
                "swap": name.swapcase()}[case]
        if draw(st.integers(0, 4)) == 0:  # a separator inside the name
            at = draw(st.integers(0, len(name)))
            name = name[:at] + draw(st.sampled_from(_GLUE)) + name[at:]
        parts.append(name)
        parts.append(draw(st.one_of(st.sampled_from(_GLUE), _unicode)))
    return "".join(parts)


_matcher_text = st.one_of(name_soup(), st.text(st.characters(codec="utf-8"), max_size=200))


def check_spans(text: str, spans) -> None:
    end = 0
    for span in spans:
        assert end <= span.start < span.end <= len(text), (span, spans)
        assert text[span.start:span.end] == span.surface, span
        end = span.end


def check_mentions(text: str, mentions) -> None:
    for mention in mentions:
        assert 0 <= mention.start < mention.end <= len(text), mention
        assert text[mention.start:mention.end] == mention.surface, mention
        assert 0 <= mention.confidence <= 1
    starts = [m.start for m in mentions]
    assert starts == sorted(starts)


@fuzz(600)
@given(text=_matcher_text)
def test_matcher_offsets_point_at_the_matched_text(geoparser, text):
    check_spans(text, geoparser.matcher.find(text))


@fuzz(500)
@given(text=_matcher_text)
def test_geoparser_mentions_point_at_their_text(geoparser, text):
    check_mentions(text, geoparser.parse(text))


@fuzz(300)
@given(text=st.text(st.characters(), max_size=60))
def test_matcher_takes_any_str(geoparser, text):
    check_spans(text, geoparser.matcher.find(text))
    check_mentions(text, geoparser.parse(text))


@pytest.fixture(scope="module")
def default_themes(geoparser):
    return load_themes(default_themes_path(), geoparser.gazetteer)


_fuzzed_pages = st.one_of(encoded(pages()), encoded(name_soup()), encoded(html_soup()),
                         st.sampled_from(sorted(_SAMPLES)).flatmap(lambda key: mutated(_SAMPLES[key])))


def geoparse_file(workdir, geoparser, themes, suffix, data) -> tuple[dict, pd.DataFrame]:
    """The documents read from ``data`` (by id) and their mentions table."""
    documents = read_all(write(workdir, suffix, data))
    result = geoparse_documents(documents, geoparser, themes)
    return {document.doc_id: document for document in documents}, result.mentions


# A metadata line between two words of a name is blanked out in the masked text that is geoparsed;
# "Khatlon\n31.03.2024\nProvince" once gave the surface "Khatlon\n          \nProvince".
_MASKED_LINE_INSIDE_A_NAME = "Talks\nKhatlon\n31.03.2024\nProvince\n".encode()


@fuzz(200)
@given(suffix=st.sampled_from(_PAGE_SUFFIXES), data=_fuzzed_pages)
@example(suffix=".txt", data=_MASKED_LINE_INSIDE_A_NAME)
def test_pipeline_rows_point_at_the_document_text(workdir, geoparser, default_themes, suffix, data):
    documents, mentions = geoparse_file(workdir, geoparser, default_themes, suffix, data)
    for row in mentions.itertuples(index=False):
        text = documents[row.doc_id].text
        assert 0 <= row.start < row.end <= len(text), row
        assert text[row.start:row.end] == row.surface, row
