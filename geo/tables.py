"""Read article tables (CSV, TSV, JSON Lines, Parquet): one article per row.

Which column holds what is given by the user (:class:`TableColumns`, the
``--text-col``... options) or detected from common export names
(:data:`COLUMN_NAMES`, case-insensitive, earlier names first). Only the text
column is required.

A problem with the whole file (unreadable, not a table, no text column, a
named column missing) raises :class:`~geo.exc.CorpusError`; a problem with a
row is recorded in :attr:`TableRead.problems` and the rest is read:

- CSV/TSV rows with more or fewer fields than the header are skipped. Empty
  fields after the last column (a trailing delimiter) are ignored.
- A CSV/TSV row with text after a closing quote (``"a" b``, an inner ``"``
  not written as ``""``) is skipped and reading goes on with the next line.
  In a TSV file such a row is first read literally (quotes kept, split at
  tabs) when its first line alone has the right number of fields: plain TSV
  has no quoting, so a title such as ``"No": voters`` is common there.
- A quote that is never closed makes the rest of the file one field: what
  follows cannot be told apart reliably, so rows before it are kept and the
  rest of the file is reported as not read.
- A ``"`` inside an unquoted field (``5" screen``) is read as written.
- JSON Lines lines that are not valid JSON or not an object are skipped. A
  ``\\uD800`` escape without its other half (no character, and no UTF-8 output
  could hold it) is read as U+FFFD, with a problem line.
- Rows with empty text are skipped with one problem line for the file.
- Blank lines (empty or only spaces) between rows are ignored.

A table is read a row at a time (:class:`TableReader`), never held whole:
the text is decoded a megabyte at a time, Parquet read 256 rows at a time.
Whatever makes the whole file unreadable is found before its first row: the
encoding is checked over the whole file, every page of a Parquet file's
columns is read once first, and JSON Lines are read twice (first for the
keys the columns are detected among). Memory then grows with the longest
row, not with the file; only a CSV/TSV quote left open holds the rest of the
file, and a JSON array spread over lines is read whole to be recognised.

Values are returned as written, except: line breaks become ``\\n``, metadata
values are stripped and empty ones left out, JSON/Parquet values that are not
strings become text (numbers as written, whole floats without ``.0``, null
and NaN as ``""``, dates in ISO form, lists joined with ``", "``, or with a
blank line for the text). Dates are normalised elsewhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .decode import TextFile, open_binary, open_text
from .exc import CorpusError
from .problems import InputProblem

__all__ = ["COLUMN_NAMES", "TABLE_SUFFIXES", "RowCollector", "TableColumns", "TableRead", "TableReader",
           "TableRecord", "empty_text_problems", "listed_rows", "read_table"]

TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson", ".parquet")

#: Role -> column names detected for it, best first (compared case-insensitively).
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "article_text", "full_text", "fulltext",
             "message", "story"),
    "title": ("title", "headline", "heading", "subject"),
    "date": ("date", "published", "published_at", "publish_date", "pub_date", "pubdate",
             "datetime", "timestamp", "created_at", "time"),
    "url": ("url", "link", "href", "source_url", "permalink"),
    "id": ("id", "doc_id", "article_id", "uuid", "guid"),
    "author": ("author", "byline", "authors", "creator"),
    "source": ("source", "outlet", "publisher", "site", "site_name", "domain", "media"),
}
_META_ROLES = ("title", "date", "url", "author", "source")
# Problems listing row lines name this many, then "and N more".
_LISTED = 20


@dataclass(frozen=True)
class TableColumns:
    """The user's choice of column per role (``--text-col``...); ``None`` detects it."""

    text: str | None = None
    title: str | None = None
    date: str | None = None
    url: str | None = None
    id: str | None = None
    author: str | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        for role in COLUMN_NAMES:
            value = getattr(self, role)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise CorpusError(f"--{role}-col is {value!r}; give a column name, "
                                  "or leave the option out to detect the column")


@dataclass(frozen=True)
class TableRecord:
    """One article row of a table.

    Attributes
    ----------
    row_id : str
        The id column's value, else the 1-based number of the row among the
        data rows (blank lines not counted, skipped rows counted).
    line : int
        The line where the row starts (CSV, TSV, JSONL); the row number for Parquet.
    text : str
        The article text.
    meta : dict
        Keys among ``title``, ``date``, ``url``, ``author``, ``source``: raw
        values, stripped; empty ones left out.
    """

    row_id: str
    line: int
    text: str
    meta: dict = field(default_factory=dict)


@dataclass(frozen=True)
class TableRead:
    """What :func:`read_table` found.

    Attributes
    ----------
    records : list of TableRecord
        The article rows, in file order.
    problems : list of InputProblem
        Rows skipped, or read despite a problem (``skipped=False``).
    columns : dict
        Role -> column used, e.g. ``{"text": "body", "title": "headline"}``, in role order.
    encoding : str
        How the file was decoded (see :class:`~geo.decode.Decoded`); ``""`` for Parquet.
    """

    records: list[TableRecord]
    problems: list[InputProblem]
    columns: dict
    encoding: str = ""


def read_table(path: Path, columns: TableColumns = TableColumns(), name: str | None = None) -> TableRead:
    """Read a table of articles, one per row.

    Parameters
    ----------
    path : Path
        A ``.csv``, ``.tsv``, ``.jsonl``/``.ndjson`` or ``.parquet`` file.
    columns : TableColumns
        Columns chosen by the user; the others are detected.
    name : str, optional
        How the file is named in messages; ``str(path)`` by default.

    Returns
    -------
    TableRead

    Raises
    ------
    CorpusError
        The file cannot be read as a table, has no text column, lacks a
        named column, or has no rows.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "news.csv").write_text(
    ...     "headline,body\\nTalks,Delegations met in Dushanbe.\\n", encoding="utf-8")
    >>> read = read_table(folder / "news.csv", name="news.csv")
    >>> read.records
    [TableRecord(row_id='1', line=2, text='Delegations met in Dushanbe.', meta={'title': 'Talks'})]
    >>> read.columns
    {'text': 'body', 'title': 'headline'}
    """
    reader = TableReader(path, columns, name)
    records = list(reader)
    return TableRead(records, reader.problems, reader.columns, reader.encoding)


class TableReader:
    """The rows of a table as they are read, never the whole file at once (:func:`read_table`
    reads them all).

    Iterating gives the :class:`TableRecord` of each row and raises
    :class:`CorpusError` as :func:`read_table` does, before the first row for
    a problem with the whole file. Once the rows are read, ``problems``,
    ``columns`` and ``encoding`` are those of :class:`TableRead`. A file is
    checked whole before its first row is given: its encoding (a text
    table) or every page of its columns (Parquet); JSON Lines are read
    twice, first for the keys that the columns are found among.

    Parameters
    ----------
    path, columns, name
        As for :func:`read_table`.
    row_groups : range, optional
        Only these row groups of a Parquet file, whose first row is number
        ``first_row`` + 1; a slice with no rows is then no error.
    first_row : int
    """

    def __init__(self, path: Path, columns: TableColumns = TableColumns(), name: str | None = None,
                 *, row_groups: range | None = None, first_row: int = 0):
        self.path = Path(path)
        self.name = str(path) if name is None else name
        self.chosen = columns
        self.suffix = self.path.suffix.lower()
        if self.suffix not in TABLE_SUFFIXES:
            raise CorpusError(f"{self.name}: not a table ({self.suffix or 'no suffix'}); "
                              f"tables are read from {', '.join(TABLE_SUFFIXES)} files")
        self.row_groups, self.first_row = row_groups, first_row
        self.problems: list[InputProblem] = []
        self.columns: dict[str, str] = {}
        self.encoding = ""
        self.empty_rows: list[int] = []  # rows with empty text (skipped)

    def __iter__(self) -> Iterator[TableRecord]:
        if self.suffix == ".parquet":
            yield from _parquet_rows(self)
            return
        source = open_text(self.path, self.name)
        self.encoding = source.encoding
        problems = [InputProblem(self.name, 0, source.note, skipped=False)] if source.note else []
        if self.suffix in (".jsonl", ".ndjson"):
            yield from _jsonl_rows(self, source, problems)
        else:
            yield from _delimited_rows(self, source, "\t" if self.suffix == ".tsv" else ",", problems)

    def _collector(self, available: list[str], hint: str = "") -> RowCollector:
        collector = RowCollector(_resolve(available, self.chosen, self.name, hint), self.empty_rows)
        self.columns = collector.resolved
        return collector

    def _finish(self, problems: list[InputProblem]) -> None:
        unit = "row" if self.suffix == ".parquet" else "line"  # (Parquet rows have no lines)
        self.problems = problems + empty_text_problems(self.name, unit, self.empty_rows)


# --- columns -------------------------------------------------------------------------------------

def _resolve(available: list[str], chosen: TableColumns, name: str, hint: str = "") -> dict[str, str]:
    """Role -> column: the user's choices, then detection among the columns left.

    ``hint`` replaces the usual fix in the errors when the cause is known.
    """
    used: dict[str, str] = {}
    for role in COLUMN_NAMES:
        wanted = getattr(chosen, role)
        if wanted is None:
            continue
        column = _find(wanted, available)
        if column is None:
            raise CorpusError(f"{name}: no column {wanted!r} for --{role}-col "
                              f"(columns: {_listing(available)}); {hint or 'use one of these names'}")
        used[role] = column
    for role, candidates in COLUMN_NAMES.items():
        if role in used:
            continue
        # A column the user gave one role is not detected for another.
        free = [c for c in available if c not in used.values()]
        found = next((c for wanted in candidates for c in free if _key(c) == wanted), None)
        if found is not None:
            used[role] = found
    if "text" not in used:
        raise CorpusError(f"{name}: no text column (columns: {_listing(available)}); "
                          f"{hint or 'name it with --text-col'}")
    for role, column in used.items():
        if available.count(column) > 1:
            raise CorpusError(f"{name}: {available.count(column)} columns are named {column!r} "
                              f"(the {role} column); rename them so that each name is used once")
    return {role: used[role] for role in COLUMN_NAMES if role in used}


def _key(column: str) -> str:
    return column.strip().casefold()


def _find(wanted: str, available: list[str]) -> str | None:
    """``wanted`` itself, else the first column equal to it ignoring case and spaces."""
    if wanted in available:
        return wanted
    return next((c for c in available if _key(c) == _key(wanted)), None)


def _listing(available: list[str]) -> str:
    """The column names for a message, on one line: blank ones as "(unnamed)", ones with line
    breaks or other control characters quoted with escapes ('a\\nb')."""
    names = [(c if c.isprintable() else repr(c)) if c.strip() else "(unnamed)"
             for c in available] or ["none"]
    more = f" and {len(names) - 30} more" if len(names) > 30 else ""
    return ", ".join(names[:30]) + more


# --- values and records --------------------------------------------------------------------------

def _cell(value: object, joiner: str = ", ") -> str:
    """A JSON or Parquet value as text: numbers as written, null/NaN as ``""``, lists joined."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        # Ids and years stored as floats (a column with nulls) read as written: 7, not 7.0.
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (list, tuple)):
        return joiner.join(filter(None, (_cell(item) for item in value)))
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class RowCollector:
    """Makes records of rows, noting the rows with empty text in ``empty``."""

    resolved: dict[str, str]
    empty: list[int] = field(default_factory=list)

    def record(self, values: Mapping[str, object], line: int, number: int) -> TableRecord | None:
        """The record of a row; None (and the row noted) when its text is empty."""
        text = _newlines(_cell(values.get(self.resolved["text"]), "\n\n"))
        if not text.strip():
            self.empty.append(line)
            return None
        meta = {}
        for role in _META_ROLES:
            if role in self.resolved:
                value = _newlines(_cell(values.get(self.resolved[role]))).strip()
                if value:
                    meta[role] = value
        row_id = _cell(values.get(self.resolved["id"])).strip() if "id" in self.resolved else ""
        return TableRecord(row_id or str(number), line, text, meta)


def empty_text_problems(name: str, unit: str, lines: list[int]) -> list[InputProblem]:
    """The problem line for rows skipped for their empty text (``unit``: "line" or "row"),
    or none."""
    if not lines:
        return []
    plural = "" if len(lines) == 1 else "s"
    return [InputProblem(name, 0, f"{len(lines)} row{plural} with empty text skipped: "
                                  f"{listed_rows(unit, lines)}")]


def listed_rows(unit: str, numbers: list[int]) -> str:
    """"line 4", "rows 6, 15", "lines 1, 2, ..., 20 and 7 more": the first 20 ``numbers``
    (a large table's problem stays one readable line)."""
    more = f" and {len(numbers) - _LISTED} more" if len(numbers) > _LISTED else ""
    plural = "" if len(numbers) == 1 else "s"
    return f"{unit}{plural} " + ", ".join(map(str, numbers[:_LISTED])) + more


# --- CSV and TSV ---------------------------------------------------------------------------------

class _Lines:
    """The physical lines of a text for :func:`csv.reader`, numbered from 1. The lines from
    the first one of the row being read on are kept, so that reading can go back to it."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._source = lines
        self._kept: list[str] = []
        self._first = 1  # the number of _kept[0]
        self.position = 0  # the number of the last line handed out
        self.exhausted = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        index = self.position + 1 - self._first
        if index < len(self._kept):
            line = self._kept[index]
        else:
            line = next(self._source, None)
            if line is None:
                self.exhausted = True
                raise StopIteration
            self._kept.append(line)
        self.position += 1
        return line

    def line(self, number: int) -> str:
        return self._kept[number - self._first]

    def go_back(self, position: int) -> None:
        """Read on after line ``position`` (a kept one)."""
        self.position, self.exhausted = position, False

    def forget_before(self, number: int) -> None:
        drop = number - self._first
        if drop > 0:
            del self._kept[:drop]
            self._first = number


def _delimited_rows(reader: TableReader, source: TextFile, delimiter: str,
                    problems: list[InputProblem]) -> Iterator[TableRecord]:
    # A single field may be the whole file (a long article, an unclosed quote). The limit is
    # process-wide: it is restored once the file is read.
    limit = csv.field_size_limit(max(csv.field_size_limit(), source.stop - source.start + 1))
    try:
        yield from _parse_delimited(reader, _Lines(source.lines()), delimiter, problems)
    finally:
        csv.field_size_limit(limit)


def _parse_delimited(reader: TableReader, lines: _Lines, delimiter: str,
                     problems: list[InputProblem]) -> Iterator[TableRecord]:
    name = reader.name
    comma = delimiter == ","
    word = "comma" if comma else "tab"
    rows = csv.reader(lines, delimiter=delimiter, strict=True, skipinitialspace=comma)
    header: list[str] | None = None
    collector: RowCollector | None = None
    number = 0
    while True:
        start = lines.position + 1
        lines.forget_before(start)
        record = None
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as error:
            end = max(lines.position, start)
            if header is None:
                raise CorpusError(f"{name}: broken quoting in the header row (line {start}); "
                                  "fix the quotes in the first line") from error
            number += 1
            literal = None if comma else _literal_tsv(lines, start, header)
            if literal is not None:
                record = collector.record(literal, start, number)
            elif lines.exhausted:
                unread = f"lines {start}-{end} were" if end > start else f"line {start} was"
                problems.append(InputProblem(name, start, (
                    f'a " in this row is never closed, so {unread} not read (the rest of the file); '
                    'close the quote, or write a " inside a quoted field as ""')))
                break
            else:
                what = 'text after a closing "' if "expected after" in str(error) else str(error)
                problems.append(InputProblem(name, start, (
                    f'broken quoting in this row{_span(start, end)}: {what}; row skipped '
                    '(write a " inside a quoted field as "")')))
        else:
            end = lines.position
            blank = not row or (len(row) == 1 and not row[0].strip())
            if blank:
                continue
            if header is None:
                header = _trim_header(row)
                collector = reader._collector(header, _delimiter_hint(header, delimiter))
                continue
            number += 1
            if len(row) > len(header) and not any(f.strip() for f in row[len(header):]):
                row = row[:len(header)]
            if len(row) == len(header):
                record = collector.record(dict(zip(header, row)), start, number)
            else:
                literal = None if comma else _literal_tsv(lines, start, header)
                if literal is not None:
                    record = collector.record(literal, start, number)
                else:
                    fix = (f"quote fields that contain a {word}" if len(row) > len(header)
                           else f"a missing {word}, or a line break outside quotes?")
                    problems.append(InputProblem(name, start, (
                        f"row{_span(start, end)} has {len(row)} fields but the header has "
                        f"{len(header)}; row skipped ({fix})")))
        if record is not None:
            yield record
    if header is None:
        raise CorpusError(f"{name}: empty file; nothing to read")
    if number == 0:
        raise CorpusError(f"{name}: a header row but no rows under it; add rows or leave the file out")
    reader._finish(problems)


def _trim_header(row: list[str]) -> list[str]:
    """The header without empty names after the last column (a trailing delimiter)."""
    while len(row) > 1 and not row[-1].strip():
        row = row[:-1]
    return row


def _literal_tsv(lines: _Lines, start: int, header: list[str]) -> dict[str, str] | None:
    """Line ``start`` read as plain TSV (no quoting) when that gives one field per column.

    Reading then goes on after that line.
    """
    line = lines.line(start)
    values = line.rstrip("\r\n").split("\t")
    if len(values) > len(header) and not any(v.strip() for v in values[len(header):]):
        values = values[:len(header)]
    if '"' not in line or len(values) != len(header):
        return None
    lines.go_back(start)
    return dict(zip(header, values))


def _span(start: int, end: int) -> str:
    return f" (lines {start}-{end})" if end > start else ""


_SEPARATORS = {",": "commas", "\t": "tabs", ";": "semicolons", "|": "'|'"}


def _delimiter_hint(header: list[str], delimiter: str) -> str:
    """The fix when a one-column header holds another separator (a ';' CSV from Excel)."""
    if len(header) != 1:
        return ""
    for other, label in _SEPARATORS.items():
        if other != delimiter and other in header[0]:
            return (f"the fields seem separated by {label}, not {_SEPARATORS[delimiter]}: "
                    "save the table with commas as .csv, or with tabs as .tsv")
    return ""


# --- JSON Lines ----------------------------------------------------------------------------------

_JSON_KINDS = {list: "an array", str: "a string", int: "a number", float: "a number",
               bool: "true or false", type(None): "null"}


def _jsonl_rows(reader: TableReader, source: TextFile,
                problems: list[InputProblem]) -> Iterator[TableRecord]:
    name = reader.name
    if _is_json_array(source):
        raise CorpusError(f"{name}: one JSON array, not JSON Lines; write one object per line "
                          "(jq -c '.[]' does it)")
    keys, first_failure = _jsonl_keys(source)
    if keys is None:
        raise CorpusError(f"{name}: no line holds a JSON object ({first_failure}); "
                          "write one JSON object per line")
    collector = reader._collector(keys)
    too_deep: list[InputProblem] = []  # (reported after the lines that hold no object)
    for line_no, number, value in _jsonl_objects(source, name, problems):
        try:
            record = collector.record(value, line_no, number)
        except RecursionError:  # lists in lists hundreds deep: nothing to read as text
            too_deep.append(InputProblem(name, line_no, "a value nested too deeply to read as "
                                         "text; line skipped (flatten the lists)"))
            continue
        if record is not None:
            yield record
    reader._finish(problems + too_deep)


def _jsonl_lines(source: TextFile) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` of the lines that are not blank."""
    # JSON strings cannot hold a raw line feed, but may hold U+2028: split at \n only.
    for line_no, line in enumerate(source.split("\n"), 1):
        if line.strip():
            yield line_no, line


def _jsonl_keys(source: TextFile) -> tuple[list[str] | None, str]:
    """Every key of the file's objects, in the order first seen (None when no line holds
    one), and why the first line that holds none does not."""
    keys: dict[str, None] = {}
    found, first_failure = False, ""
    for line_no, line in _jsonl_lines(source):
        value, _, failure = _json_object(line)
        if value is not None:
            found = True
            keys.update(dict.fromkeys(value))
        elif not first_failure:
            first_failure = f"line {line_no}: {failure}"
    return (list(keys) if found else None), first_failure


def _jsonl_objects(source: TextFile, name: str, problems: list[InputProblem]
                   ) -> Iterator[tuple[int, int, dict]]:
    """``(line, row number, object)`` of each line that holds an object; why the others
    hold none, and lone surrogates, go to ``problems``."""
    for number, (line_no, line) in enumerate(_jsonl_lines(source), 1):
        value, halves, failure = _json_object(line)
        if halves:
            problems.append(InputProblem(name, line_no, (
                f"{halves} \\uD800-\\uDFFF escape{' without its' if halves == 1 else 's without their'} "
                "other half (a lone UTF-16 surrogate, no character); read as U+FFFD"), skipped=False))
        if value is not None:
            yield line_no, number, value
        else:
            fix = " (write one {...} object per line)" if failure.endswith("object") else ""
            problems.append(InputProblem(name, line_no, f"{failure}; line skipped{fix}"))


def _json_object(line: str) -> tuple[dict | None, int, str]:
    """``(object, halves, failure)``: the object a line holds, with the lone surrogates
    replaced in it (see :func:`_loads`); else None and why not."""
    try:
        value, halves = _loads(line)
    except json.JSONDecodeError as error:
        return None, 0, f"not valid JSON ({error.msg} at column {error.colno})"
    except (ValueError, RecursionError) as error:  # a huge number, very deep nesting
        return None, 0, f"not valid JSON ({error})"
    if isinstance(value, dict):
        return value, halves, ""
    return None, halves, f"{_JSON_KINDS.get(type(value), 'a value')}, not a JSON object"


_HALF_CHARACTER = re.compile(r"\\u[dD][89a-fA-F]")  # an escape of a UTF-16 surrogate


def _loads(line: str) -> tuple[object, int]:
    """The value of a JSON line, with lone surrogates (which no UTF-8 output can hold) as
    U+FFFD; and how many there were. (A pair of escapes is one character already.)"""
    value = json.loads(line)
    if not _HALF_CHARACTER.search(line):
        return value, 0
    written = json.dumps(value, ensure_ascii=False)
    whole = written.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    if whole == written:
        return value, 0
    return json.loads(whole), sum(a != b for a, b in zip(written, whole))


def _is_json_array(source: TextFile) -> bool:
    """Whether the text is a JSON array (an export of ``json.dump(list)``), pretty-printed or not."""
    lines = (line for line in source.split("\n") if line.strip())
    first = next(lines, "").strip()
    if not first.startswith("["):
        return False
    if first == "[":
        return True
    try:
        value = json.loads(first)
    except (ValueError, RecursionError):
        # An array over several lines, or a bad first line: only the whole text tells.
        # (Such a file is rare; it is read whole.)
        try:
            return isinstance(json.loads(source.read()), list)
        except (ValueError, RecursionError):
            return False
    # Anything on the lines after a whole value makes the text no JSON at all.
    return isinstance(value, list) and next(lines, None) is None


# --- Parquet -------------------------------------------------------------------------------------

# Rows of a Parquet file converted to records at a time (articles are a few kB each).
_PARQUET_BATCH_ROWS = 256


def _parquet_rows(reader: TableReader) -> Iterator[TableRecord]:
    # Imported here: pyarrow.parquet is slow to import and only Parquet inputs need it.
    import pyarrow as pa
    import pyarrow.parquet as pq

    name = reader.name

    def unreadable(error: Exception) -> CorpusError:
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0][:160]
        return CorpusError(f"{name}: not a readable Parquet file ({reason}); re-export it")

    with open_binary(reader.path, name) as handle:
        try:
            parquet = pq.ParquetFile(handle)
            available = list(parquet.schema_arrow.names)
        except (pa.ArrowException, OSError, ValueError) as error:
            raise unreadable(error) from error
        collector = reader._collector(available)
        if reader.row_groups is None and parquet.metadata.num_rows == 0:
            raise CorpusError(f"{name}: a Parquet file with no rows; nothing to read")
        wanted = list(dict.fromkeys(collector.resolved.values()))

        def batches():
            return parquet.iter_batches(batch_size=_PARQUET_BATCH_ROWS, columns=wanted,
                                        row_groups=reader.row_groups, use_threads=False)

        try:  # every page is read once first: a damaged file is left out whole, not in part
            for _ in batches():
                pass
            number = reader.first_row
            for batch in batches():
                values = {column: batch.column(column).to_pylist() for column in wanted}
                for index in range(batch.num_rows):
                    number += 1
                    record = collector.record({column: cells[index] for column, cells in values.items()},
                                              number, number)
                    if record is not None:
                        yield record
        except (pa.ArrowException, OSError, ValueError) as error:
            raise unreadable(error) from error
    reader._finish([])
