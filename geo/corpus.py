"""Read a corpus: files, folders and tables of articles into :class:`~geo.document.Document` records.

Text pages (``.txt``, ``.md``, ``.html``/``.htm``) become one document each,
split into articles; every row of a table (``.csv``, ``.tsv``, ``.jsonl``,
``.parquet``) becomes one document whose metadata comes from its columns.
A file or row that cannot be read is recorded as an
:class:`~geo.problems.InputProblem` and the rest of the corpus is still read;
with ``strict`` the first problem raises instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .articles import mask_ranges, split_markdown, split_page
from .dates import parse_date
from .decode import decode_bytes
from .document import Document
from .exc import CorpusError
from .html_text import extract_html
from .problems import InputProblem
from .tables import TABLE_SUFFIXES, TableColumns, TableReader, TableRecord, listed_rows

__all__ = ["TEXT_SUFFIXES", "TABLE_SUFFIXES", "MAX_FILE_BYTES", "MAX_TABLE_BYTES", "ReadOptions",
           "read_corpus", "read_document", "sample_corpus_path", "check_corpus_paths", "corpus_files", "check_size",
           "check_table_size", "document_problems", "documents_of", "error_problem", "file_documents",
           "row_document", "row_documents"]

TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")
#: Text pages larger than this are reported, not read: no article is this long.
MAX_FILE_BYTES = 50 * 1024 * 1024
#: Tables larger than this are reported, not read (split the export).
MAX_TABLE_BYTES = 2 * 1024 * 1024 * 1024
_SUPPORTED = ", ".join(TEXT_SUFFIXES + TABLE_SUFFIXES)


@dataclass(frozen=True)
class ReadOptions:
    """How to read a corpus: table columns to use (``None``: detect) and whether problems are fatal."""

    columns: TableColumns = TableColumns()
    strict: bool = False


def sample_corpus_path() -> Path:
    """The folder of the bundled sample corpus."""
    return Path(str(resources.files("geo") / "sample_corpus"))


def check_corpus_paths(paths: Iterable[Path]) -> None:
    """Raise :class:`CorpusError` for the first of ``paths`` that does not exist."""
    for path in paths:
        if not Path(path).exists():
            raise CorpusError(
                f"corpus path {str(path)!r} does not exist; give files or folders of articles "
                f"({_SUPPORTED}), or no path for the bundled sample corpus"
            )


def corpus_files(path: Path) -> list[Path]:
    """The files under ``path`` (itself when it is a file), hidden ones left out, in a stable order."""
    check_corpus_paths([path])
    if path.is_file():
        return [path]
    return sorted(
        (p for p in path.rglob("*") if p.is_file()
         and not any(part.startswith(".") for part in p.relative_to(path).parts)),
        key=lambda p: p.relative_to(path).as_posix(),
    )


def check_size(path: Path, name: str, limit: int, per: str = "file",
               fix: str = "split it into smaller files") -> None:
    """Raise :class:`CorpusError` when the file at ``path`` is larger than ``limit`` bytes."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise CorpusError(f"{name}: cannot be read ({error.strerror}); check its permissions") from error
    if size > limit:
        raise CorpusError(f"{name}: {size:,} bytes is over the {limit:,}-byte limit per {per}; {fix}")


def _read_bytes(path: Path, name: str, limit: int) -> bytes:
    check_size(path, name, limit)
    try:
        return path.read_bytes()
    except OSError as error:
        raise CorpusError(f"{name}: cannot be read ({error.strerror}); check its permissions") from error


def _page_document(doc_id: str, path: str, text: str, suffix: str) -> Document:
    """Split a decoded page into articles, with its markup (HTML) or metadata lines masked."""
    if suffix in (".html", ".htm"):
        page = extract_html(text)
        text = page.text
        meta = {k: v for k, v in {"title": page.title, "date": page.date, "author": page.author,
                                  "source": page.source, "url": page.url}.items() if v}
        if page.articles:
            articles, masked = [], []
            for found in page.articles:
                own = {**meta, "title": found.title, "date": found.date or meta.get("date", "")}
                more, ranges = split_page(text, own, start=found.start, end=found.end,
                                          first_index=len(articles))
                articles.extend(more)
                masked.extend(ranges)
        else:
            articles, masked = split_page(text, meta)
    elif suffix == ".md":
        articles, masked = split_markdown(text)
    else:
        articles, masked = split_page(text)
    return Document(doc_id=doc_id, path=path, text=text, masked=mask_ranges(text, masked),
                    articles=tuple(articles))


def read_document(path: Path, doc_id: str, name: str | None = None,
                  problems: list[InputProblem] | None = None) -> Document:
    """Read one text page (``.txt``, ``.md``, ``.html``) into a document.

    A problem that did not stop the reading (a truncated last character) is
    appended to ``problems`` when a list is given.

    Raises
    ------
    CorpusError
        When the file cannot be read at all (missing, too large, binary, undecodable, empty).
    """
    name = name or str(path)
    decoded = decode_bytes(_read_bytes(path, name, MAX_FILE_BYTES), name)
    if decoded.note and problems is not None:
        problems.append(InputProblem(name, 0, decoded.note, skipped=False))
    document = _page_document(doc_id, str(path), decoded.text, path.suffix.lower())
    if not document.articles:
        raise CorpusError(f"{name}: no article text (only markup, metadata or boilerplate); "
                          "check that it is an article page")
    return document


def row_document(doc_id: str, path: str, record: TableRecord) -> Document:
    """The document of one table row: its text split into articles, its columns as metadata."""
    meta = dict(record.meta)
    if meta.get("date"):
        meta["date"] = parse_date(meta["date"])
    articles, masked = split_page(record.text, {k: v for k, v in meta.items() if v})
    return Document(doc_id=f"{doc_id}#{record.row_id}", path=path, text=record.text,
                    masked=mask_ranges(record.text, masked), articles=tuple(articles))


def check_table_size(path: Path, name: str) -> None:
    """Raise :class:`CorpusError` for a table over :data:`MAX_TABLE_BYTES`."""
    check_size(path, name, MAX_TABLE_BYTES, "table", "split the export into smaller files")


def _table_documents(path: Path, doc_id: str, name: str, options: ReadOptions,
                     problems: list[InputProblem]) -> Iterator[Document]:
    check_table_size(path, name)
    table = TableReader(path, options.columns, name=name)
    bare, undated = [], []
    yield from row_documents(table, doc_id, str(path), bare, undated)
    problems += table.problems + document_problems(name, bare, undated, path.suffix.lower() == ".parquet")


def row_documents(records: Iterable[TableRecord], doc_id: str, path: str, bare: list[int],
                  undated: list[int]) -> Iterator[Document]:
    """The documents of table rows (see :func:`row_document`), as they are read; the lines of
    rows without article text (left out) go to ``bare``, of dates not understood to ``undated``."""
    for record in records:
        document = row_document(doc_id, path, record)
        if record.meta.get("date") and not parse_date(record.meta["date"]):
            undated.append(record.line)
        if document.articles:
            yield document
        else:
            bare.append(record.line)


def document_problems(name: str, bare: list[int], undated: list[int], parquet: bool) -> list[InputProblem]:
    """The problem lines for a table's rows without article text (skipped) and with dates
    not understood (kept)."""
    problems = []
    unit = "row" if parquet else "line"  # (Parquet rows have no lines)
    if bare:
        problems.append(InputProblem(name, 0, "no article text (only metadata or boilerplate), rows "
                                     f"skipped: {listed_rows(unit, bare)}"))
    if undated:
        problems.append(InputProblem(name, 0, f"dates not understood, rows kept without a date: "
                                     f"{listed_rows(unit, undated)}", skipped=False))
    return problems


def documents_of(file: Path, doc_id: str, name: str, options: ReadOptions,
                 problems: list[InputProblem]) -> Iterator[Document]:
    """The documents of one page or table file, read as they are asked for; the problems met
    reading it are added to ``problems`` once it is read.

    Raises :class:`~geo.exc.CorpusError` for a file that cannot be read, before its first
    document unless it fails partway (a table that changes while read).
    """
    suffix = file.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return _table_documents(file, doc_id, name, options, problems)
    if suffix in TEXT_SUFFIXES:
        return iter([read_document(file, doc_id, name, problems)])
    raise CorpusError(f"{name}: not a file type geomap reads ({suffix or 'no suffix'}); "
                      f"use one of {_SUPPORTED}")


def read_corpus(paths: list[Path], options: ReadOptions = ReadOptions(),
                problems: list[InputProblem] | None = None) -> Iterator[Document]:
    """Every document under ``paths``; doc ids are paths relative to each given root.

    A file or row that cannot be read is appended to ``problems`` and skipped
    (with ``options.strict``, a :class:`~geo.exc.CorpusError` is raised
    instead). Files of the bundled sample corpus are recorded as
    ``sample_corpus/<file>`` rather than by where the package is installed.

    Raises
    ------
    CorpusError
        When a path does not exist, or on the first problem in strict mode.
    """
    problems = [] if problems is None else problems
    roots = [Path(root) for root in paths]
    check_corpus_paths(roots)  # every path must exist before anything is read
    for root in roots:
        for file in corpus_files(root):
            relative = file.name if root.is_file() else file.relative_to(root).as_posix()
            doc_id = f"{root.name}/{relative}" if root.is_dir() else relative
            name = doc_id if root == sample_corpus_path() else str(file)
            found: list[InputProblem] = []
            yield from file_documents(file, doc_id, name, options, found, sample=root == sample_corpus_path())
            for problem in found:
                if options.strict:
                    raise CorpusError(f"{problem} (--strict stops at the first problem)")
                problems.append(problem)


def file_documents(file: Path, doc_id: str, name: str, options: ReadOptions,
                   problems: list[InputProblem], *, sample: bool = False) -> Iterator[Document]:
    """:func:`documents_of`, never raising for a bad file: its error becomes its only problem.

    Documents of the bundled sample corpus (``sample``) record ``doc_id`` as their path
    rather than where the package is installed.
    """
    found: list[InputProblem] = []
    try:
        for document in documents_of(file, doc_id, name, options, found):
            yield dataclasses.replace(document, path=doc_id) if sample else document
    except CorpusError as error:
        found = [error_problem(name, error)]
    problems += found


def error_problem(name: str, error: CorpusError) -> InputProblem:
    """The problem of file ``name`` that ``error`` stopped: its text without the file name it
    starts with (the problem records that)."""
    text = str(error)
    return InputProblem(name, 0, text[len(name) + 2:] if text.startswith(f"{name}: ") else text)

