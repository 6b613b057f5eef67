"""The mentions table kept on disk as numbered Parquet parts, read back a part at a time.

A 1 GB corpus of news names places about 5.5 million times; at some 600 bytes a
mention in memory, its table would not fit on a laptop. ``geomap build``
writes the mentions to a :class:`MentionStore` as they are found and every
output is made from its parts one after the other (:mod:`geo.digest`,
:mod:`geo.export`). The Dask engine's ``mentions.partitioned`` folder is such
a store too.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa

from .exc import OutputError
from .geoparquet import geoparquet_bytes
from .table import MENTION_COLUMNS, mentions_frame

__all__ = ["MentionStore", "PART_NAME", "mention_frames", "read_mention_parts"]

#: A part's file name: parts are read back in the order of their numbers.
PART_NAME = "part-{:05d}.parquet"
_DTYPES = {column: dtype for column, (dtype, _) in MENTION_COLUMNS.items()}


class MentionStore:
    """A folder of ``part-00000.parquet``... (GeoParquet with :data:`geo.table.MENTION_COLUMNS`).

    Parts hold whole articles, in reading order: :meth:`append` takes the
    frames :func:`geo.pipeline.geoparse_documents` hands its ``sink``.
    """

    def __init__(self, folder: str | Path):
        """The store in ``folder`` as it is (appending adds parts after those there)."""
        self.folder = Path(folder)
        self._next = len(self.parts())

    @classmethod
    def create(cls, folder: str | Path) -> "MentionStore":
        """An empty store in ``folder``: parts a previous run left there are deleted."""
        for stale in Path(folder).glob("part-*.parquet"):
            stale.unlink()
        return cls(folder)

    def parts(self) -> list[Path]:
        return sorted(self.folder.glob("part-*.parquet"))

    def append(self, frame: pd.DataFrame) -> None:
        """Write ``frame`` as the next part (an empty frame writes nothing).

        Raises :class:`geo.exc.OutputError` when the part cannot be written.
        """
        if not len(frame):
            return
        part = self.folder / PART_NAME.format(self._next)
        try:
            # (Not written atomically: the store is scratch, or in a build's staged folder.)
            self.folder.mkdir(parents=True, exist_ok=True)
            part.write_bytes(geoparquet_bytes(frame))
        except OSError as error:
            raise OutputError(f"cannot write {part}: {error.strerror}; the mentions are kept on disk "
                              "while a build runs: free some space, or give an --out folder on "
                              "another disk") from error
        self._next += 1

    def frames(self, columns: Iterable[str] | None = None) -> Iterator[pd.DataFrame]:
        """Each part's rows, typed, in order; only ``columns`` (in table order) if given."""
        wanted = [c for c in MENTION_COLUMNS if columns is None or c in set(columns)]
        parts = self.parts()
        if not parts:
            yield mentions_frame([])[wanted]  # (so that a table of no mentions still has its header)
        for part in parts:
            yield pd.read_parquet(part, columns=wanted).astype({c: _DTYPES[c] for c in wanted})
            # Arrow's allocator keeps what it freed for reuse; a long pass over the parts would
            # otherwise hold on to a part's worth of memory per column it ever read.
            pa.default_memory_pool().release_unused()

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def mention_frames(mentions: pd.DataFrame | MentionStore,
                   columns: Iterable[str] | None = None) -> Iterator[pd.DataFrame]:
    """The mentions table a frame at a time, whether held in memory or in a :class:`MentionStore`."""
    if isinstance(mentions, MentionStore):
        yield from mentions.frames(columns)
    else:
        yield mentions if columns is None else mentions[[c for c in mentions.columns if c in set(columns)]]


def read_mention_parts(folder: str | Path) -> pd.DataFrame:
    """The whole mentions table of a store's folder in memory (for small corpora and tests)."""
    frames = list(MentionStore(folder).frames())
    return pd.concat(frames, ignore_index=True) if frames else mentions_frame([])
