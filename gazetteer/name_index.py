"""The folded-name index: every gazetteer name as a 64-bit hash in a sorted array.

A name is found in text by hashing the word n-grams that start at a capital
letter and looking them up with a binary search (``numpy.searchsorted``). The
hashes of every word-prefix of every name are kept too, so an n-gram is only
extended while some name still starts with it. This is an exact dictionary
match at word boundaries, like an Aho–Corasick automaton over the names, but
its whole state is a handful of numpy arrays: they load memory-mapped in
milliseconds, where an automaton over a million names takes seconds to load
or build. Hash collisions between 64-bit hashes of a million names are
negligible (about one chance in 10^13 per lookup).

The arrays are built on first use and cached in the user cache folder
(``$GEOMAP_CACHE_DIR``, else ``$XDG_CACHE_HOME/geomap``, else
``~/.cache/geomap``) under the gazetteer's fingerprint. Deleting the cache is
always safe.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import _schema
from .normalize import fold_name

__all__ = ["NameIndex", "cache_dir", "key_hash"]

# Bump when the index layout, the hash or the folding rules change: old caches are then ignored.
_INDEX_VERSION = 5
_NAME_TYPE_CODES = {name_type: code for code, name_type in enumerate(_schema.NAME_TYPES)}
_MEMO_MAX = 500_000  # memoised single lookups kept, at most
_ARRAYS = ("key_hashes", "prefix_hashes", "offsets", "rows", "name_types", "zipf", "parent_rows")


def cache_dir() -> Path:
    """Where geomap keeps rebuildable caches."""
    if os.environ.get("GEOMAP_CACHE_DIR"):
        return Path(os.environ["GEOMAP_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "geomap"


def key_hash(key: str) -> int:
    """Stable 64-bit hash of a folded name (Python's own ``hash`` changes per process)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


def _parent_rows(places: pd.DataFrame) -> np.ndarray:
    return pd.Index(places["place_id"].astype(str)).get_indexer(
        places["parent_id"].astype(str)).astype(np.int32)


def _sorted_member(table: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(found, position)`` of each value in the sorted ``table``."""
    position = np.searchsorted(table, values)
    clipped = np.minimum(position, len(table) - 1)
    found = (table[clipped] == values) if len(table) else np.zeros(len(values), dtype=bool)
    return found, clipped


def _zipf_per_key(hashes: np.ndarray, frequencies: pd.DataFrame | None) -> np.ndarray:
    """Each key's Zipf frequency in the language of its script (English, or Russian for Cyrillic)."""
    zipf = np.zeros(len(hashes), dtype=np.float32)
    if frequencies is None or not len(frequencies):
        return zipf
    keys = frequencies["key"].astype(str)
    found, position = _sorted_member(hashes, np.array([key_hash(k) for k in keys], dtype=np.uint64))
    cyrillic = keys.str.contains("[а-яёіїєґ]", regex=True).to_numpy(dtype=bool)
    values = np.where(cyrillic, frequencies["zipf_ru"], frequencies["zipf_en"]).astype(np.float32)
    zipf[position[found]] = values[found]
    return zipf


@dataclass(frozen=True)
class NameIndex:
    """Folded name keys -> the place rows and name types that carry them.

    Key number ``k`` is the position of the key's hash in ``key_hashes``; its
    places are ``rows[offsets[k]:offsets[k + 1]]`` with name types
    ``name_types[...]`` (codes into :data:`gazetteer._schema.NAME_TYPES`).
    ``zipf[k]`` says how common key ``k`` is as an everyday word in its own
    script's language (0 = never). ``prefix_hashes`` holds the hashes of every
    leading run of words of every key ("gulf", "gulf of", "gulf of aden").
    ``parent_rows`` is not about names: it is the place hierarchy as row
    numbers, kept here because it is as costly to derive and cached alike.
    """

    key_hashes: np.ndarray
    prefix_hashes: np.ndarray
    offsets: np.ndarray
    rows: np.ndarray
    name_types: np.ndarray
    zipf: np.ndarray
    parent_rows: np.ndarray  # per place row: its parent's row, -1 at the top
    # Folded key -> key number, for the single lookups the resolver makes over and over.
    _numbers: dict = field(default_factory=dict, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.key_hashes)

    def key_number(self, key: str) -> int:
        """The number of the folded ``key``, or -1 when no place has that name."""
        number = self._numbers.get(key)
        if number is None:
            if len(self._numbers) > _MEMO_MAX:
                self._numbers.clear()
            found, position = _sorted_member(self.key_hashes, np.array([key_hash(key)], dtype=np.uint64))
            number = self._numbers[key] = int(position[0]) if found[0] else -1
        return number

    def lookup_many(self, keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """For each folded key: ``(key number or -1, whether some longer key starts with it)``."""
        hashes = np.fromiter((key_hash(k) for k in keys), dtype=np.uint64, count=len(keys))
        is_key, position = _sorted_member(self.key_hashes, hashes)
        is_prefix, _ = _sorted_member(self.prefix_hashes, hashes)
        return np.where(is_key, position, -1), is_prefix

    def rows_for(self, key: str) -> np.ndarray:
        """Place rows whose names fold to ``key`` (empty when none)."""
        number = self.key_number(key)
        return self.entries(number)[0] if number >= 0 else np.empty(0, dtype=np.int32)

    def entries(self, number: int) -> tuple[np.ndarray, np.ndarray]:
        """``(rows, name_type_codes)`` of key ``number``."""
        lo, hi = self.offsets[number], self.offsets[number + 1]
        return self.rows[lo:hi], self.name_types[lo:hi]

    def commonness(self, key: str) -> float:
        """Zipf frequency of ``key`` as an everyday word (0 when it is not one)."""
        number = self.key_number(key)
        return float(self.zipf[number]) if number >= 0 else 0.0

    # -- construction --------------------------------------------------------------
    def with_names(self, row_map: np.ndarray, names: pd.DataFrame, rows: np.ndarray,
                   places: pd.DataFrame) -> "NameIndex":
        """This index with its place rows renumbered and ``names`` added, without a rebuild.

        ``row_map[old_row]`` is a place's new row (-1 drops it); ``rows[i]`` is
        the row of the place of ``names.iloc[i]``; ``places`` is the new places
        table. Adding a user's few places to a million-name index takes well
        under a second this way.
        """
        counts = np.diff(self.offsets)
        old_rows = row_map[self.rows]
        keep = old_rows >= 0
        keys = [fold_name(n) for n in names["name"]]
        hashes = np.fromiter((key_hash(k) for k in keys), dtype=np.uint64, count=len(keys))
        own_zipf = np.array([self.commonness(k) for k in keys], dtype=np.float32)
        codes = names["name_type"].map(_NAME_TYPE_CODES).fillna(_NAME_TYPE_CODES["alternate"])
        entry_hash = np.concatenate([np.repeat(self.key_hashes, counts)[keep], hashes])
        entry_row = np.concatenate([old_rows[keep], rows]).astype(np.int32)
        entry_type = np.concatenate([self.name_types[keep], codes.to_numpy(dtype=np.int8)])
        entry_zipf = np.concatenate([np.repeat(self.zipf, counts)[keep], own_zipf])
        order = np.lexsort((entry_type, entry_row, entry_hash))
        entry_hash, entry_row = entry_hash[order], entry_row[order]
        entry_type, entry_zipf = entry_type[order], entry_zipf[order]
        first = np.ones(len(order), dtype=bool)  # one entry per (key, place), best name type first
        first[1:] = (entry_hash[1:] != entry_hash[:-1]) | (entry_row[1:] != entry_row[:-1])
        entry_hash, entry_row, entry_type, entry_zipf = (
            a[first] for a in (entry_hash, entry_row, entry_type, entry_zipf))
        key_hashes, starts = np.unique(entry_hash, return_index=True)
        prefixes = [" ".join(words[:n]) for k in keys for words in [k.split()] for n in range(1, len(words))]
        return NameIndex(
            key_hashes=key_hashes,
            prefix_hashes=np.union1d(self.prefix_hashes, np.array([key_hash(p) for p in prefixes],
                                                                  dtype=np.uint64)),
            offsets=np.append(starts, len(entry_hash)).astype(np.int64),
            rows=entry_row,
            name_types=entry_type,
            zipf=entry_zipf[starts],
            parent_rows=_parent_rows(places),
        )

    @classmethod
    def build(cls, places: pd.DataFrame, names: pd.DataFrame | Callable[[], pd.DataFrame],
              frequencies: pd.DataFrame | None = None) -> "NameIndex":
        """Index every name of ``names`` against the rows of ``places``."""
        names = names() if callable(names) else names
        # "Savannah, Georgia" is a description, not a name a text uses: it would swallow the state.
        names = names[~names["name"].str.contains(",", regex=False)]
        rows = pd.Index(places["place_id"]).get_indexer(names["place_id"])
        keys = [fold_name(n) for n in names["name"]]
        codes = names["name_type"].map(_NAME_TYPE_CODES).fillna(_NAME_TYPE_CODES["alternate"])
        table = pd.DataFrame({"key": keys, "row": rows, "type": codes.astype("int8")})
        del names, keys  # the largest tables of the build: free them before the next ones
        table = table[(table["row"] >= 0) & (table["key"].str.len() >= 2)]
        unique_keys = table["key"].drop_duplicates().tolist()
        hash_of = dict(zip(unique_keys, (key_hash(k) for k in unique_keys)))
        table["hash"] = table["key"].map(hash_of).astype(np.uint64)
        # One entry per (key, place): a name that is canonical and alternate counts as canonical.
        table = table.sort_values(["hash", "row", "type"], kind="stable").drop_duplicates(["hash", "row"])
        key_hashes, starts = np.unique(table["hash"].to_numpy(), return_index=True)
        prefixes = {" ".join(words[:n]) for k in unique_keys if " " in k
                    for words in [k.split()] for n in range(1, len(words))}
        prefix_hashes = np.unique(np.fromiter((key_hash(p) for p in prefixes), dtype=np.uint64,
                                              count=len(prefixes)))
        return cls(
            key_hashes=key_hashes,
            prefix_hashes=prefix_hashes,
            offsets=np.append(starts, len(table)).astype(np.int64),
            rows=table["row"].to_numpy(dtype=np.int32),
            name_types=table["type"].to_numpy(dtype=np.int8),
            zipf=_zipf_per_key(key_hashes, frequencies),
            parent_rows=_parent_rows(places),
        )

    @classmethod
    def for_gazetteer(cls, places: pd.DataFrame, names: Callable[[], pd.DataFrame],
                      frequencies: pd.DataFrame | None, fingerprint: str) -> "NameIndex":
        """Load the cached index for ``fingerprint``, building and caching it when absent.

        ``names`` is called only to build: a warm start never reads the names table.
        """
        path = cache_dir() / f"name-index-v{_INDEX_VERSION}-{fingerprint}.npz"
        try:
            with np.load(path) as cached:
                return cls(**{name: cached[name] for name in _ARRAYS})
        except (OSError, KeyError, ValueError):
            pass  # absent, stale or damaged: rebuild below
        index = cls.build(places, names, frequencies)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write beside, then rename: a concurrent or killed run never leaves half a file.
            with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npz", delete=False) as handle:
                np.savez(handle, **{name: getattr(index, name) for name in _ARRAYS})
            os.replace(handle.name, path)
        except OSError:
            pass  # a read-only home is fine: the index just is not cached
        return index
