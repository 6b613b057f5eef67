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

Values are returned as written, except: line breaks become ``\\n``, metadata
values are stripped and empty ones left out, JSON/Parquet values that are not
strings become text (numbers as written, whole floats without ``.0``, null
and NaN as ``""``, dates in ISO form, lists joined with ``", "``, or with a
blank line for the text). Dates are normalised elsewhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .decode import decode_bytes
from .exc import CorpusError
from .problems import InputProblem

__all__ = ["COLUMN_NAMES", "TABLE_SUFFIXES", "RowCollector", "TableColumns", "TableRead", "TableRecord",
           "parquet_rows", "read_table"]

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
    path = Path(path)
    name = str(path) if name is None else name
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise CorpusError(f"{name}: not a table ({suffix or 'no suffix'}); "
                          f"tables are read from {', '.join(TABLE_SUFFIXES)} files")
    if suffix == ".parquet":
        return _read_parquet(path, name, columns)
    decoded = decode_bytes(_read_bytes(path, name), name)
    problems = [InputProblem(name, 0, decoded.note, skipped=False)] if decoded.note else []
    if suffix in (".jsonl", ".ndjson"):
        read = _read_jsonl(decoded.text, name, columns)
    else:
        read = _read_delimited(decoded.text, "\t" if suffix == ".tsv" else ",", name, columns)
    return TableRead(read.records, problems + read.problems, read.columns, decoded.encoding)


def _read_bytes(path: Path, name: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CorpusError(f"{name}: cannot be read ({error.strerror}); check the path and "
                          "its permissions") from error


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
    """Builds records from rows, noting rows with empty text."""

    resolved: dict[str, str]
    unit: str  # "line" or "row", for the empty-text problem
    records: list[TableRecord] = field(default_factory=list)
    empty: list[int] = field(default_factory=list)

    def add(self, values: Mapping[str, object], line: int, number: int) -> None:
        text = _newlines(_cell(values.get(self.resolved["text"]), "\n\n"))
        if not text.strip():
            self.empty.append(line)
            return
        meta = {}
        for role in _META_ROLES:
            if role in self.resolved:
                value = _newlines(_cell(values.get(self.resolved[role]))).strip()
                if value:
                    meta[role] = value
        row_id = _cell(values.get(self.resolved["id"])).strip() if "id" in self.resolved else ""
        self.records.append(TableRecord(row_id or str(number), line, text, meta))

    def result(self, name: str, problems: list[InputProblem]) -> TableRead:
        if self.empty:
            count = len(self.empty)
            listed = ", ".join(map(str, self.empty[:_LISTED]))
            more = f" and {count - _LISTED} more" if count > _LISTED else ""
            plural = "" if count == 1 else "s"
            problems = problems + [InputProblem(name, 0, (
                f"{count} row{plural} with empty text skipped: {self.unit}{plural} {listed}{more}"))]
        return TableRead(self.records, problems, self.resolved)


# --- CSV and TSV ---------------------------------------------------------------------------------

class _Lines:
    """The physical lines of a text for :func:`csv.reader`, with a position that can be moved."""

    def __init__(self, text: str) -> None:
        # newline="" splits at \n, \r\n and \r and keeps them, as the csv module expects.
        self.lines = io.StringIO(text, newline="").readlines()
        self.position = 0
        self.exhausted = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.position >= len(self.lines):
            self.exhausted = True
            raise StopIteration
        self.position += 1
        return self.lines[self.position - 1]


def _read_delimited(text: str, delimiter: str, name: str, chosen: TableColumns) -> TableRead:
    lines = _Lines(text)
    # A single field may be the whole file (a long article, an unclosed quote). The limit is
    # process-wide: it is restored after reading.
    limit = csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    try:
        return _parse_delimited(lines, delimiter, name, chosen)
    finally:
        csv.field_size_limit(limit)


def _parse_delimited(lines: _Lines, delimiter: str, name: str, chosen: TableColumns) -> TableRead:
    comma = delimiter == ","
    word = "comma" if comma else "tab"
    reader = csv.reader(lines, delimiter=delimiter, strict=True, skipinitialspace=comma)
    problems: list[InputProblem] = []
    header: list[str] | None = None
    collector: RowCollector | None = None
    number = 0
    while True:
        start = lines.position + 1
        try:
            row = next(reader)
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
                collector.add(literal, start, number)
                continue
            if lines.exhausted:
                unread = f"lines {start}-{end} were" if end > start else f"line {start} was"
                problems.append(InputProblem(name, start, (
                    f'a " in this row is never closed, so {unread} not read (the rest of the file); '
                    'close the quote, or write a " inside a quoted field as ""')))
                break
            what = 'text after a closing "' if "expected after" in str(error) else str(error)
            problems.append(InputProblem(name, start, (
                f'broken quoting in this row{_span(start, end)}: {what}; row skipped '
                '(write a " inside a quoted field as "")')))
            continue
        end = lines.position
        blank = not row or (len(row) == 1 and not row[0].strip())
        if header is None:
            if blank:
                continue
            header = _trim_header(row)
            collector = RowCollector(_resolve(header, chosen, name, _delimiter_hint(header, delimiter)),
                                   "line")
            continue
        if blank:
            continue
        number += 1
        if len(row) > len(header) and not any(f.strip() for f in row[len(header):]):
            row = row[:len(header)]
        if len(row) != len(header):
            literal = None if comma else _literal_tsv(lines, start, header)
            if literal is not None:
                collector.add(literal, start, number)
                continue
            fix = (f"quote fields that contain a {word}" if len(row) > len(header)
                   else f"a missing {word}, or a line break outside quotes?")
            problems.append(InputProblem(name, start, (
                f"row{_span(start, end)} has {len(row)} fields but the header has {len(header)}; "
                f"row skipped ({fix})")))
            continue
        collector.add(dict(zip(header, row)), start, number)
    if header is None:
        raise CorpusError(f"{name}: empty file; nothing to read")
    if number == 0:
        raise CorpusError(f"{name}: a header row but no rows under it; add rows or leave the file out")
    return collector.result(name, problems)


def _trim_header(row: list[str]) -> list[str]:
    """The header without empty names after the last column (a trailing delimiter)."""
    while len(row) > 1 and not row[-1].strip():
        row = row[:-1]
    return row


def _literal_tsv(lines: _Lines, start: int, header: list[str]) -> dict[str, str] | None:
    """Line ``start`` read as plain TSV (no quoting) when that gives one field per column.

    Reading then goes on after that line.
    """
    line = lines.lines[start - 1]
    values = line.rstrip("\r\n").split("\t")
    if len(values) > len(header) and not any(v.strip() for v in values[len(header):]):
        values = values[:len(header)]
    if '"' not in line or len(values) != len(header):
        return None
    lines.position, lines.exhausted = start, False
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


def _read_jsonl(text: str, name: str, chosen: TableColumns) -> TableRead:
    if _is_json_array(text):
        raise CorpusError(f"{name}: one JSON array, not JSON Lines; write one object per line "
                          "(jq -c '.[]' does it)")
    problems: list[InputProblem] = []
    rows: list[tuple[int, int, dict]] = []
    keys: dict[str, None] = {}  # every key, in the order first seen
    number = 0
    first_failure = ""  # why the first bad line is bad, for a file with no object at all
    # JSON strings cannot hold a raw line feed, but may hold U+2028: split at \n only.
    for line_no, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        number += 1
        try:
            value, halves = _loads(line)
        except json.JSONDecodeError as error:
            failure = f"not valid JSON ({error.msg} at column {error.colno})"
        except (ValueError, RecursionError) as error:  # a huge number, very deep nesting
            failure = f"not valid JSON ({error})"
        else:
            if halves:
                problems.append(InputProblem(name, line_no, (
                    f"{halves} \\uD800-\\uDFFF escape{' without its' if halves == 1 else 's without their'} "
                    "other half (a lone UTF-16 surrogate, no character); read as U+FFFD"), skipped=False))
            if isinstance(value, dict):
                rows.append((line_no, number, value))
                keys.update(dict.fromkeys(value))
                continue
            failure = f"{_JSON_KINDS.get(type(value), 'a value')}, not a JSON object"
        first_failure = first_failure or f"line {line_no}: {failure}"
        fix = " (write one {...} object per line)" if failure.endswith("object") else ""
        problems.append(InputProblem(name, line_no, f"{failure}; line skipped{fix}"))
    if not rows:
        raise CorpusError(f"{name}: no line holds a JSON object ({first_failure}); "
                          "write one JSON object per line")
    collector = RowCollector(_resolve(list(keys), chosen, name), "line")
    for line_no, row_number, value in rows:
        try:
            collector.add(value, line_no, row_number)
        except RecursionError:  # lists in lists hundreds deep: nothing to read as text
            problems.append(InputProblem(name, line_no, "a value nested too deeply to read as "
                                         "text; line skipped (flatten the lists)"))
    return collector.result(name, problems)


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


def _is_json_array(text: str) -> bool:
    """Whether ``text`` is a JSON array (an export of ``json.dump(list)``), pretty-printed or not."""
    stripped = text.lstrip()
    if not stripped.startswith("["):
        return False
    if stripped.split("\n", 1)[0].strip() == "[":
        return True
    try:
        return isinstance(json.loads(text), list)
    except (ValueError, RecursionError):
        return False


# --- Parquet -------------------------------------------------------------------------------------

def _read_parquet(path: Path, name: str, chosen: TableColumns) -> TableRead:
    read = parquet_rows(path, name, chosen).result(name, [])
    return TableRead(read.records, read.problems, read.columns, "")


def parquet_rows(path: Path, name: str, chosen: TableColumns, row_groups: range | None = None,
                 first_row: int = 0) -> "RowCollector":
    """The rows of a Parquet file (or of its ``row_groups``, whose first row is number
    ``first_row``), collected as :func:`read_table` collects them.

    Raises :class:`CorpusError` for a file that cannot be read, or a whole file with no rows.
    """
    # Imported here: pyarrow.parquet is slow to import and only Parquet inputs need it.
    import pyarrow as pa
    import pyarrow.parquet as pq

    def unreadable(error: Exception) -> CorpusError:
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0][:160]
        return CorpusError(f"{name}: not a readable Parquet file ({reason}); re-export it")

    try:
        handle = path.open("rb")
    except OSError as error:
        raise CorpusError(f"{name}: cannot be read ({error.strerror}); check the path and "
                          "its permissions") from error
    with handle:
        try:
            parquet = pq.ParquetFile(handle)
            available = list(parquet.schema_arrow.names)
        except (pa.ArrowException, OSError, ValueError) as error:
            raise unreadable(error) from error
        resolved = _resolve(available, chosen, name)
        wanted = list(dict.fromkeys(resolved.values()))
        try:
            table = (parquet.read(columns=wanted) if row_groups is None
                     else parquet.read_row_groups(row_groups, columns=wanted))
        except (pa.ArrowException, OSError, ValueError) as error:
            raise unreadable(error) from error
    if row_groups is None and table.num_rows == 0:
        raise CorpusError(f"{name}: a Parquet file with no rows; nothing to read")
    values = {column: table.column(column).to_pylist() for column in resolved.values()}
    collector = RowCollector(resolved, "row")
    for index in range(table.num_rows):
        number = first_row + index + 1
        collector.add({column: cells[index] for column, cells in values.items()}, number, number)
    return collector
