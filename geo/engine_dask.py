"""Parse a corpus on Dask workers (``geomap build --engine dask``), with the local engine's result.

The client plans the partitions (:mod:`geo.partitions`: folder listings,
file sizes and Parquet footers only) and sends each to a worker, which reads
it, geoparses its articles with a :class:`~gazetteer.Geoparser` built once per
worker process (:class:`ParserSettings` says how, in a few short strings) and
returns a small mentions frame with the counts and problems. A CSV, TSV or
JSON Lines file larger than a partition is read on the client instead (only a
reading from its start finds its rows), and its rows go to the workers in
batches of about a partition's size. The client writes each frame as it
arrives to ``part-NNNNN.parquet`` in a folder (:data:`PARTS_DIR` in the output
folder: GeoParquet files, numbered in reading order), keeping only a few tasks
in flight, and at the end puts the counts together in reading order.

The mentions, the counts and the problems equal :func:`geo.pipeline.geoparse_documents`'s
over :func:`geo.corpus.read_corpus`, row for row; ``strict`` stops at the
problem the local engine stops at. Without a scheduler address a
:class:`distributed.LocalCluster` is started, one single-threaded worker
process per core. Needs ``dask[distributed]`` (``pip install 'geomap[dask]'``);
geomap imports and runs without it.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from gazetteer import GazetteerError, Geoparser

from .cache import ResultCache
from .corpus import ReadOptions
from .exc import CorpusError, GeomapError
from .export import write_parquet
from .mention_store import PART_NAME, read_mention_parts
from .partitions import (Partition, PieceRead, TableBatch, batch_documents, corpus_pieces,
                         file_problems, partition_pieces, partition_target, read_piece, reads_on_client,
                         table_batches, table_problems)
from .pipeline import CorpusResult, geoparse_documents, load_parser
from .table import mentions_frame
from .themes import Theme

__all__ = ["PARTS_DIR", "EngineError", "ParserSettings", "PartitionResult", "geoparse_dask",
           "parse_batch", "parse_partition", "read_mention_parts", "require_distributed"]

#: The folder of partitioned mentions in the output folder: ``part-00000.parquet``... in reading order.
PARTS_DIR = "mentions.partitioned"
_INSTALL = "pip install 'geomap[dask]'"
# How long to wait for a remote scheduler, and for its first worker.
_CONNECT_SECONDS = 30
_WORKER_SECONDS = 120
_MIN_BATCH_BYTES = 1024 * 1024  # a table read here is worth a worker per megabyte, at most


class EngineError(GeomapError, RuntimeError):
    """The Dask engine cannot run: dask not installed, no scheduler, a worker failing."""


def require_distributed():
    """The ``distributed`` module, or an :class:`EngineError` naming the fix."""
    try:
        import distributed
    except ImportError as error:
        raise EngineError("--engine dask needs Dask's distributed scheduler, which is not installed; "
                          f"install it with: {_INSTALL}") from error
    return distributed


@dataclass(frozen=True)
class ParserSettings:
    """How a worker builds the run's geoparser and themes: files it reads at the same paths.

    ``digest`` hashes those files' bytes (and the ``.geojson`` areas beside
    the theme file), so a worker of a long-lived cluster reloads after an
    edit; ``cache_path``, when not empty, is the result cache file
    (:mod:`geo.cache`) the workers share.
    """

    themes_path: str
    user_gazetteers: tuple[str, ...] = ()
    demonyms: bool = True
    cache_path: str = ""
    digest: str = ""

    @classmethod
    def of(cls, themes_path: str | Path, user_gazetteers: Sequence[str | Path] = (),
           demonyms: bool = True, cache_path: str | Path | None = None) -> "ParserSettings":
        """Settings with the digest of the files as they are now."""
        digest = hashlib.blake2b(digest_size=16)
        themes_path = Path(themes_path)
        areas = sorted(themes_path.parent.glob("*.geojson")) if themes_path.parent.is_dir() else []
        for path in [themes_path, *areas, *map(Path, user_gazetteers)]:
            digest.update(str(path).encode("utf-8", "surrogatepass") + b"\0")
            try:
                digest.update(path.read_bytes())
            except OSError:
                pass  # load() reports it
            digest.update(b"\0")
        return cls(str(themes_path), tuple(map(str, user_gazetteers)), demonyms,
                   str(cache_path) if cache_path else "", digest.hexdigest())

    def load(self) -> tuple[Geoparser, list[Theme]]:
        """The geoparser (shipped gazetteer plus the user's places) and the loaded themes.

        Raises
        ------
        GazetteerError, ThemeError
            A user place file or the theme file has a mistake.
        """
        return load_parser(self.themes_path, self.user_gazetteers, demonyms=self.demonyms)


@dataclass
class _Worker:
    geoparser: Geoparser
    themes: list[Theme]
    cache: ResultCache | None


@functools.lru_cache(maxsize=1)
def _worker(settings: ParserSettings) -> _Worker:
    """The worker process's geoparser for ``settings``: built by its first task, reused after."""
    geoparser, themes = settings.load()
    cache = ResultCache.open(settings.cache_path) if settings.cache_path else None
    return _Worker(geoparser, themes, cache)


@dataclass
class PartitionResult:
    """What a worker sends back for one partition, or one batch of a table's rows.

    ``index`` is the task's number in reading order (the client sets it);
    ``counts`` holds the counts and the problems of its whole files (its
    ``mentions`` are empty); ``slice`` what a slice of a larger Parquet file,
    or a batch, adds to that file's problems; ``mentions`` the partition's rows.
    """

    index: int
    counts: CorpusResult
    slice: PieceRead | None
    mentions: pd.DataFrame


def parse_partition(partition: Partition, settings: ParserSettings,
                    read_options: ReadOptions = ReadOptions(),
                    section_scores: bool = True) -> PartitionResult:
    """Read and geoparse ``partition`` (runs on a worker).

    ``section_scores`` False leaves out every section's theme scores (only
    ``geomap themes check`` shows them), which saves memory on large corpora.
    """
    worker = _worker(settings)
    reads = []

    def documents():
        for piece in partition.pieces:
            read = read_piece(piece, read_options)
            yield from read.documents
            read.documents = []  # (parsed: not kept, not sent back)
            reads.append(read)

    counts = geoparse_documents(documents(), worker.geoparser, worker.themes, cache=worker.cache,
                                section_scores=section_scores)
    counts.problems = [problem for read in reads for problem in read.problems]
    mentions, counts.mentions = counts.mentions, pd.DataFrame()
    sliced = reads[0] if partition.pieces and partition.pieces[0].slices > 1 else None
    return PartitionResult(partition.index, counts, sliced, mentions)


def parse_batch(batch: TableBatch, settings: ParserSettings, section_scores: bool = True) -> PartitionResult:
    """Make documents of the rows of a table the client reads, and geoparse them (runs on a
    worker); the result's ``index`` is the client's to set, its ``slice`` holds the rows
    without article text and with dates not understood."""
    worker = _worker(settings)
    read = PieceRead(documents=[])
    counts = geoparse_documents(batch_documents(batch, read), worker.geoparser, worker.themes,
                                cache=worker.cache, section_scores=section_scores)
    mentions, counts.mentions = counts.mentions, pd.DataFrame()
    return PartitionResult(-1, counts, read, mentions)


@dataclass
class _Task:
    """One task, numbered in reading order (its part's number): a partition a worker reads, or
    a batch of the rows of a table the client reads (its records dropped once sent)."""

    index: int
    partition: Partition
    batch: TableBatch | None = None

    @property
    def ends_partition(self) -> bool:
        return self.batch is None or self.batch.last


def _tasks(plan: list[Partition], target: int, read_options: ReadOptions) -> Iterator[_Task]:
    """The tasks of ``plan`` in reading order; a large text table is read here as they are asked for."""
    index = 0
    for partition in plan:
        if not reads_on_client(partition, target):
            yield _Task(index, partition)
            index += 1
            continue
        for batch in table_batches(partition.pieces[0], read_options, target):
            yield _Task(index, partition, batch)
            index += 1


class _Collected:
    """The tasks' results on the client: parts written as they come, counts in reading order."""

    def __init__(self, parts_dir: Path, strict: bool, read_mentions: bool):
        self.tasks: list[_Task] = []
        self.read_mentions = read_mentions
        self.parts_dir = parts_dir
        self.strict = strict
        self.results: dict[int, PartitionResult] = {}
        self.failed: set[str] = set()  # Parquet files read in slices of which one failed
        self.checked = 0  # under strict: tasks before this one have no problem
        self.slices_of: dict[str, list[int]] = {}
        self.batches_of: dict[int, list[int]] = {}  # partition -> its tasks, for a table read here

    def register(self, task: _Task) -> None:
        """Note ``task``, the next in reading order, as sent."""
        self.tasks.append(task)
        piece = task.partition.pieces[0]
        if piece.slices > 1:
            self.slices_of.setdefault(piece.file, []).append(task.index)
        if task.batch is not None:
            self.batches_of.setdefault(task.partition.index, []).append(task.index)

    def _part(self, index: int) -> Path:
        return self.parts_dir / PART_NAME.format(index)

    def add(self, result: PartitionResult) -> None:
        mentions, result.mentions = result.mentions, None
        self.results[result.index] = result
        file = self.tasks[result.index].partition.pieces[0].file
        if result.slice is not None and result.slice.error is not None:
            self.failed.add(file)  # the whole file is left out, as the local engine leaves it out
            for index in self.slices_of[file]:
                self._part(index).unlink(missing_ok=True)
        if not (result.slice is not None and file in self.failed):
            write_parquet(mentions, self._part(result.index))
        if self.strict:
            self._stop_at_first_problem()

    def _problems(self, index: int) -> list | None:
        """The problems task ``index`` adds, in reading order; None while not all known."""
        result = self.results.get(index)
        if result is None:
            return None
        task = self.tasks[index]
        if task.batch is not None:
            if not task.batch.last:
                return []  # reported with the table's last batch
            indexes = self.batches_of[task.partition.index]
            if any(i not in self.results for i in indexes):
                return None
            return table_problems(task.batch, [self.results[i].slice for i in indexes])
        if result.slice is None:
            return result.counts.problems
        piece = task.partition.pieces[0]
        indexes = self.slices_of[piece.file]
        if index != indexes[0]:
            return []  # reported with the file's first slice
        if len(indexes) < piece.slices or any(i not in self.results for i in indexes):
            return None
        return file_problems(piece.name, [self.results[i].slice for i in indexes])

    def _stop_at_first_problem(self) -> None:
        while self.checked < len(self.tasks):
            problems = self._problems(self.checked)
            if problems is None:
                return
            if problems:
                raise CorpusError(f"{problems[0]} (--strict stops at the first problem)")
            self.checked += 1

    def result(self) -> CorpusResult:
        total = CorpusResult(mentions=pd.DataFrame())
        for task in self.tasks:
            result = self.results[task.index]
            total.problems += self._problems(task.index)
            if result.slice is None or task.partition.pieces[0].file not in self.failed:
                total.merge(result.counts)
        total.problems.sort()
        total.mentions = read_mention_parts(self.parts_dir) if self.read_mentions else mentions_frame([])
        return total


@contextmanager
def _client(scheduler: str | None, local_workers: int) -> Iterator:
    distributed = require_distributed()
    if scheduler is None:
        with distributed.LocalCluster(n_workers=local_workers, threads_per_worker=1, processes=True,
                                      dashboard_address=":0", silence_logs=logging.ERROR) as cluster, \
                distributed.Client(cluster, set_as_default=False) as client:
            yield client
        return
    try:
        client = distributed.Client(scheduler, timeout=_CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise EngineError(f"cannot reach the Dask scheduler at {scheduler} ({error}); start one with "
                          "`dask scheduler` and give the address it prints, or leave out --scheduler "
                          "to start a local cluster") from error
    with client:
        try:
            client.wait_for_workers(1, timeout=_WORKER_SECONDS)
        except TimeoutError as error:
            raise EngineError(f"the Dask scheduler at {scheduler} has no worker after "
                              f"{_WORKER_SECONDS} s; start some with `dask worker {scheduler}`") from error
        yield client


def _failed(partition: Partition, error: BaseException) -> GeomapError:
    """A one-line error for a task that failed on a worker."""
    if isinstance(error, (GeomapError, GazetteerError)):
        return error  # a mistake in the inputs, worded as the local engine words it
    files = partition.pieces[0].name + (f" and {len(partition.pieces) - 1} more files"
                                        if len(partition.pieces) > 1 else "")
    fix = ("check that geomap is installed on every worker, in the version the client runs, and that "
           "the inputs, theme and place files are readable there at the same paths")
    if isinstance(error, require_distributed().KilledWorker):
        fix = "a worker died on it (out of memory?); give more --partitions or workers more memory"
    return EngineError(f"partition {partition.index} ({files}) failed on a worker: "
                       f"{type(error).__name__}: {error}; {fix}")


def geoparse_dask(paths: Sequence[str | Path], settings: ParserSettings, parts_dir: str | Path, *,
                  read_options: ReadOptions = ReadOptions(), scheduler: str | None = None,
                  partitions: int | None = None, section_scores: bool = True,
                  progress: bool = False, read_mentions: bool = True) -> CorpusResult:
    """Geoparse the corpus under ``paths`` on Dask workers; the mentions go to ``parts_dir`` too.

    Parameters
    ----------
    paths
        Files and folders, as :func:`geo.corpus.read_corpus` takes them; the
        workers read them at the same paths.
    settings
        The gazetteer, themes and demonym choice (:class:`ParserSettings`).
        The result cache is used on a local cluster only, whose workers
        share this machine's cache file (SQLite wants a local disk).
    parts_dir
        Folder the mentions are written to as ``part-00000.parquet``...
        (GeoParquet, in reading order; created, earlier parts deleted).
    read_options
        Table columns, and ``strict``: stop at the first input problem.
    scheduler
        A scheduler address (``tcp://host:8786``); None starts a local
        cluster of one single-threaded worker process per core (no more
        than ``partitions``).
    partitions
        At least this many partitions; default two per worker thread. A
        partition holds at most :data:`geo.partitions.PARTITION_BYTES`
        unless one file or row group is larger.
    section_scores
        Keep every section's theme scores (``CorpusResult.section_scores``).
    progress
        Show a progress bar of partitions.
    read_mentions
        False leaves ``result.mentions`` empty: the table is only in ``parts_dir``
        (read it a part at a time with :class:`geo.mention_store.MentionStore`).

    Returns
    -------
    CorpusResult
        Equal to the local engine's (mentions, counts, problems).

    Raises
    ------
    EngineError
        Dask is not installed, the scheduler cannot be reached, a worker fails.
    CorpusError
        A path does not exist, or, under ``strict``, the first input problem.
    """
    distributed = require_distributed()
    pieces = corpus_pieces(paths)
    parts_dir = Path(parts_dir)
    parts_dir.mkdir(parents=True, exist_ok=True)
    for stale in parts_dir.glob("part-*.parquet"):
        stale.unlink()
    if not pieces:  # empty folders: nothing to start a cluster for
        return CorpusResult(mentions=mentions_frame([]))
    cores = os.cpu_count() or 1
    # (A large text table is read here and sent in batches of a megabyte or more: it can keep
    # several workers busy.)
    spread = sum(1 + (piece.size // _MIN_BATCH_BYTES if piece.row_groups is None else 0) for piece in pieces)
    local_workers = max(1, min(cores, partitions or cores, spread))
    if scheduler is not None:
        settings = dataclasses.replace(settings, cache_path="")
    with _client(scheduler, local_workers) as client:
        threads = sum(client.nthreads().values())
        count = partitions or 2 * threads
        plan = partition_pieces(pieces, count=count)
        collected = _Collected(parts_dir, read_options.strict, read_mentions)
        waiting = _tasks(plan, partition_target(pieces, count), read_options)
        running = {}  # future key -> (future, task)

        def submit():
            task = next(waiting, None)
            if task is None:
                return None
            collected.register(task)
            if task.batch is not None:
                # (Scattered: a batch is megabytes of text, too large to travel in the task graph.)
                batch = client.scatter(task.batch, hash=False)
                future = client.submit(parse_batch, batch, settings, section_scores, pure=False)
                task.batch = dataclasses.replace(task.batch, records=[])  # (not kept here once sent)
            else:
                future = client.submit(parse_partition, task.partition, settings, read_options,
                                       section_scores, pure=False)
            running[future.key] = future, task
            return future

        # Results wait on the workers until fetched: a few partitions in flight at most.
        first = [submit() for _ in range(threads + 2)]
        futures = distributed.as_completed([f for f in first if f is not None], loop=client.loop)
        try:
            with tqdm(total=len(plan), desc="parsing", unit="partition", disable=not progress) as bar:
                for future in futures:
                    _, task = running.pop(future.key)
                    try:
                        result = future.result()
                    except Exception as error:  # raised on the worker; re-raised here as one line
                        raise _failed(task.partition, error) from error
                    future.release()
                    result.index = task.index
                    following = submit()
                    if following is not None:
                        futures.add(following)
                    collected.add(result)
                    bar.update(task.ends_partition)
        finally:
            client.cancel([future for future, _ in running.values()])
    return collected.result()
