"""Split a corpus into partitions that workers read on their own (``geomap build --engine dask``).

A partition is a run of *pieces* in reading order:

* whole files: pages (``.txt``, ``.md``, ``.html``), CSV, TSV and JSON Lines
  tables, Parquet files of one row group; consecutive files are packed into
  one partition up to its size;
* slices of a Parquet file with several row groups: consecutive row groups,
  one slice per partition.

Planning (:func:`corpus_pieces`, then :func:`partition_pieces`) reads folder
listings, file sizes and Parquet footers only; the text is read where the
partition is parsed (:func:`read_piece`), so the inputs must be readable at the
same paths there. Reading a piece gives the documents
:func:`geo.corpus.read_corpus` gives for it, and the same problems: those of a
Parquet file read in slices are put together by :func:`file_problems` once all
its slices are read, word for word as one reading of the whole file words them.

Nothing cuts a CSV, TSV or JSON Lines file by position: where a row ends
depends on the quoting before it, and its columns are found from the whole
file. One larger than a partition (:func:`reads_on_client`) is read on the
client (:func:`table_batches`), which sends its rows to the workers in
batches; they make its documents (:func:`batch_documents`), and
:func:`table_problems` puts its problems together as one reading words them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# Private helpers of the local readers, reused so that a piece is read, numbered and
# reported exactly as the local engine reads the whole file (tests/test_dask.py checks it).
from .corpus import (MAX_TABLE_BYTES, ReadOptions, check_corpus_paths, check_table_size, corpus_files,
                     document_problems, error_problem, file_documents, row_documents, sample_corpus_path)
from .document import Document
from .exc import CorpusError
from .problems import InputProblem
from .tables import TABLE_SUFFIXES, TableReader, TableRecord, empty_text_problems

__all__ = ["PARTITION_BYTES", "Partition", "Piece", "PieceRead", "TableBatch", "batch_documents",
           "corpus_pieces", "file_problems", "partition_pieces", "partition_target", "read_piece", "reads_on_client",
           "table_batches", "table_problems"]

#: A partition holds about this many bytes of input, unless one file or row group is larger.
PARTITION_BYTES = 32 * 1024 * 1024
_TEXT_TABLE_SUFFIXES = frozenset(suffix for suffix in TABLE_SUFFIXES if suffix != ".parquet")


@dataclass(frozen=True)
class Piece:
    """One file, or a slice of a Parquet file's row groups, as a worker reads it.

    Attributes
    ----------
    file : str
        The file, as found under its corpus root.
    doc_id, name : str
        Its document id and how problems name it, as :func:`geo.corpus.read_corpus` gives them.
    sample : bool
        Whether it is a file of the bundled sample corpus (documents record ``doc_id`` as path).
    size : int
        Bytes: the file's size, or the slice's row groups uncompressed.
    row_groups : tuple of int, optional
        ``(start, stop)`` of a slice's row groups; None for a whole file.
    first_row : int
        Rows of the file before the slice (rows keep their numbers in the whole file).
    slices : int
        In how many slices the file is read (1: whole).
    """

    file: str
    doc_id: str
    name: str
    sample: bool
    size: int
    row_groups: tuple[int, int] | None = None
    first_row: int = 0
    slices: int = 1

    @property
    def document_path(self) -> str:
        """The path its documents record: a sample corpus file's doc id, else the file."""
        return self.doc_id if self.sample else self.file


@dataclass(frozen=True)
class Partition:
    """Pieces parsed together, numbered in reading order from 0."""

    index: int
    pieces: tuple[Piece, ...]

    @property
    def size(self) -> int:
        """Bytes of input."""
        return sum(piece.size for piece in self.pieces)


@dataclass
class PieceRead:
    """What reading a piece gives: its documents as they are read, then the rest.

    For a whole file, ``problems`` are final once the documents are read. For a slice, ``error`` is the
    problem that stops the whole file (it is then left out, as the local
    engine leaves it out), and the rows with empty text, without article
    text and with dates not understood are what :func:`file_problems`
    reports once every slice is read.
    """

    documents: Iterable[Document]
    problems: list[InputProblem] = field(default_factory=list)
    error: InputProblem | None = None
    empty_rows: list[int] = field(default_factory=list)
    bare_rows: list[int] = field(default_factory=list)
    undated_rows: list[int] = field(default_factory=list)


def _names(root: Path, file: Path) -> tuple[str, str, bool]:
    """``(doc_id, name, sample)`` of ``file`` under ``root``, as :func:`read_corpus` names them."""
    relative = file.name if root.is_file() else file.relative_to(root).as_posix()
    doc_id = f"{root.name}/{relative}" if root.is_dir() else relative
    sample = root == sample_corpus_path()
    return doc_id, doc_id if sample else str(file), sample


def _row_groups(file: Path) -> list[tuple[int, int]]:
    """``(rows, uncompressed bytes)`` per row group of a Parquet file worth splitting, else ``[]``.

    A file whose footer cannot be read, or that is over the table size limit,
    is read whole, so that its problem is the local engine's.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        if file.stat().st_size > MAX_TABLE_BYTES:
            return []
        metadata = pq.read_metadata(file)
    except (pa.ArrowException, OSError, ValueError):
        return []
    if metadata.num_row_groups < 2 or metadata.num_rows == 0:
        return []
    return [(metadata.row_group(i).num_rows, metadata.row_group(i).total_byte_size)
            for i in range(metadata.num_row_groups)]


def _file_size(file: Path) -> int:
    try:
        return file.stat().st_size
    except OSError:
        return 0  # read whole; the worker reports it as the local engine does


def corpus_pieces(paths: Sequence[str | Path]) -> list[Piece]:
    """Every file under ``paths`` in reading order; Parquet files one piece per row group.

    Raises
    ------
    CorpusError
        When a path does not exist (every path is checked before any is listed further).
    """
    roots = [Path(root) for root in paths]
    check_corpus_paths(roots)  # every path must exist before any folder is listed
    found = [corpus_files(root) for root in roots]
    pieces = []
    for root, files in zip(roots, found):
        for file in files:
            doc_id, name, sample = _names(root, file)
            groups = _row_groups(file) if file.suffix.lower() == ".parquet" else []
            if not groups:
                pieces.append(Piece(str(file), doc_id, name, sample, _file_size(file)))
                continue
            first_row = 0
            for index, (rows, size) in enumerate(groups):
                pieces.append(Piece(str(file), doc_id, name, sample, size, (index, index + 1), first_row,
                                    len(groups)))
                first_row += rows
    return pieces


def _slices(groups: list[Piece], target: int) -> list[Piece]:
    """Consecutive row groups of one file joined into slices of about ``target`` bytes."""
    joined: list[Piece] = []
    for group in groups:
        last = joined[-1] if joined else None
        if last is not None and last.size + group.size <= target:
            joined[-1] = dataclasses.replace(last, size=last.size + group.size,
                                             row_groups=(last.row_groups[0], group.row_groups[1]))
        else:
            joined.append(group)
    if len(joined) == 1:  # the whole file after all: read as the local engine reads it
        return [dataclasses.replace(joined[0], row_groups=None, first_row=0, slices=1)]
    return [dataclasses.replace(piece, slices=len(joined)) for piece in joined]


def partition_target(pieces: Sequence[Piece], count: int = 1, max_bytes: int = PARTITION_BYTES) -> int:
    """The bytes a partition of ``pieces`` cut into about ``count`` holds (at most ``max_bytes``)."""
    total = sum(piece.size for piece in pieces)
    return max(1, min(max_bytes, math.ceil(total / max(count, 1))))


def reads_on_client(partition: Partition, target: int) -> bool:
    """True for a partition of one CSV, TSV or JSON Lines file over ``target`` bytes: only a
    reading from its start finds its rows, so the client reads it and sends its rows."""
    piece = partition.pieces[0]
    return (len(partition.pieces) == 1 and piece.size > target
            and Path(piece.file).suffix.lower() in _TEXT_TABLE_SUFFIXES)


def partition_pieces(pieces: Sequence[Piece], count: int = 1,
                     max_bytes: int = PARTITION_BYTES) -> list[Partition]:
    """Pack ``pieces`` into at least about ``count`` partitions of at most ``max_bytes`` each.

    Files stay whole and in order; a Parquet file of several row groups is cut
    at row groups into slices, each a partition of its own. A single file or
    row group larger than the target is a partition by itself.

    Examples
    --------
    >>> pieces = [Piece(f"{n}.txt", f"c/{n}.txt", f"{n}.txt", False, 10) for n in range(5)]
    >>> [[p.file for p in part.pieces] for part in partition_pieces(pieces, count=2)]
    [['0.txt', '1.txt'], ['2.txt', '3.txt'], ['4.txt']]
    """
    target = partition_target(pieces, count, max_bytes)
    units: list[Piece] = []
    position = 0
    while position < len(pieces):
        piece = pieces[position]
        if piece.row_groups is None:
            units.append(piece)
            position += 1
            continue
        stop = position + piece.slices
        units += _slices(list(pieces[position:stop]), target)
        position = stop
    partitions: list[list[Piece]] = []
    size = 0
    for unit in units:
        alone = unit.slices > 1
        if not partitions or alone or partitions[-1][-1].slices > 1 or size + unit.size > target:
            partitions.append([])
            size = 0
        partitions[-1].append(unit)
        size += unit.size
    return [Partition(index, tuple(part)) for index, part in enumerate(partitions)]


def read_piece(piece: Piece, options: ReadOptions = ReadOptions()) -> PieceRead:
    """Read ``piece``: its documents and problems (never raises for a bad file).

    The documents are read as they are asked for; the problems, the rows
    and ``error`` are complete once they all are.
    """
    read = PieceRead(documents=iter(()))
    read.documents = (file_documents(Path(piece.file), piece.doc_id, piece.name, options, read.problems,
                                     sample=piece.sample)
                      if piece.row_groups is None else _slice_documents(piece, options, read))
    return read


def _slice_documents(piece: Piece, options: ReadOptions, read: PieceRead) -> Iterator[Document]:
    """The documents of a Parquet slice, as :func:`geo.corpus.read_corpus` reads them from
    the whole file; a file that cannot be read is ``read.error``."""
    try:
        check_table_size(Path(piece.file), piece.name)
        table = TableReader(Path(piece.file), options.columns, piece.name,
                            row_groups=range(*piece.row_groups), first_row=piece.first_row)
        yield from row_documents(table, piece.doc_id, piece.document_path, read.bare_rows, read.undated_rows)
    except CorpusError as error:
        read.error = error_problem(piece.name, error)
        return
    read.empty_rows = table.empty_rows


@dataclass
class TableBatch:
    """Rows of a CSV, TSV or JSON Lines file, read on the client for a worker to make documents
    of; the file's last batch carries what its reader found: ``problems``, or the ``error``
    that stopped it (the rows read before it are kept, as the local engine keeps them)."""

    piece: Piece
    records: list[TableRecord]
    last: bool = False
    problems: list[InputProblem] = field(default_factory=list)
    error: InputProblem | None = None


def table_batches(piece: Piece, options: ReadOptions, target: int) -> Iterator[TableBatch]:
    """The rows of ``piece``, a whole text table, in batches of about ``target`` characters
    of text, as they are read."""
    batch, size = [], 0
    try:
        check_table_size(Path(piece.file), piece.name)
        table = TableReader(Path(piece.file), options.columns, piece.name)
        for record in table:
            batch.append(record)
            size += len(record.text)
            if size >= target:
                yield TableBatch(piece, batch)
                batch, size = [], 0
    except CorpusError as error:
        yield TableBatch(piece, batch, last=True, error=error_problem(piece.name, error))
        return
    yield TableBatch(piece, batch, last=True, problems=table.problems)


def batch_documents(batch: TableBatch, read: PieceRead) -> Iterator[Document]:
    """The documents of ``batch``'s rows, as :func:`geo.corpus.read_corpus` makes them; the
    rows without article text and with dates not understood go to ``read``."""
    yield from row_documents(batch.records, batch.piece.doc_id, batch.piece.document_path,
                             read.bare_rows, read.undated_rows)


def table_problems(last: TableBatch, reads: Sequence[PieceRead]) -> list[InputProblem]:
    """The problems of a text table read in batches, ``last`` being its last, whose documents
    were made with ``reads`` (in order), as reading it whole reports them."""
    if last.error is not None:
        return [last.error]
    return last.problems + _document_problems(last.piece.name, reads, parquet=False)


def _document_problems(name: str, reads: Sequence[PieceRead], parquet: bool) -> list[InputProblem]:
    """:func:`geo.corpus.document_problems` of the rows of all ``reads`` of one file."""
    bare = [row for read in reads for row in read.bare_rows]
    undated = [row for read in reads for row in read.undated_rows]
    return document_problems(name, bare, undated, parquet)


def file_problems(name: str, slices: Sequence[PieceRead]) -> list[InputProblem]:
    """The problems of a file read in ``slices`` (in order), as reading it whole reports them.

    The first slice's error, if one failed (the whole file is then left
    out); else a line each for the rows with empty text, the rows without
    article text and the dates not understood, listing the rows of every
    slice, worded as :mod:`geo.tables` and :mod:`geo.corpus` word them.
    """
    errors = [piece.error for piece in slices if piece.error is not None]
    if errors:
        return [errors[0]]
    empty = [row for piece in slices for row in piece.empty_rows]
    return empty_text_problems(name, "row", empty) + _document_problems(name, slices, parquet=True)
