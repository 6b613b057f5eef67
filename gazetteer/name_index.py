"""The folded-name index: an Aho–Corasick automaton over every gazetteer name.

Building it from a million names takes seconds, so it is pickled into the user
cache folder (``$GEOMAP_CACHE_DIR``, else ``$XDG_CACHE_HOME/geomap``, else
``~/.cache/geomap``) under the gazetteer's fingerprint; later starts load it.
Deleting the cache is always safe.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path

import ahocorasick
import numpy as np
import pandas as pd

from . import _schema
from .normalize import fold_name

__all__ = ["NameIndex", "cache_dir"]

# Bump when the index layout or the folding rules change, so old caches are ignored.
_INDEX_VERSION = 1
_NAME_TYPE_CODES = {name_type: code for code, name_type in enumerate(_schema.NAME_TYPES)}


def cache_dir() -> Path:
    """Where geomap keeps rebuildable caches."""
    if os.environ.get("GEOMAP_CACHE_DIR"):
        return Path(os.environ["GEOMAP_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "geomap"


def _zipf_per_key(keys: np.ndarray, frequencies: pd.DataFrame | None) -> np.ndarray:
    """Each key's Zipf frequency in the language of its script."""
    zipf = np.zeros(len(keys), dtype=np.float32)
    if frequencies is None or not len(frequencies):
        return zipf
    table = frequencies.set_index("key")
    position = pd.Index(keys).get_indexer(table.index)
    found = position >= 0
    cyrillic = table.index.str.contains("[а-яёіїєґ]", regex=True).to_numpy(dtype=bool)
    values = np.where(cyrillic, table["zipf_ru"], table["zipf_en"]).astype(np.float32)
    zipf[position[found]] = values[found]
    return zipf


@dataclass(frozen=True)
class NameIndex:
    """Folded name keys -> the place rows and name types that carry them.

    ``automaton`` maps ``" key "`` (padded with spaces, which make word
    boundaries part of the pattern) to a key number ``k``; the places of key
    ``k`` are ``rows[offsets[k]:offsets[k + 1]]`` with name types
    ``name_types[...]`` (codes into :data:`gazetteer._schema.NAME_TYPES`).
    ``zipf[k]`` says how common key ``k`` is as an everyday word in its own
    script's language (English for Latin, Russian for Cyrillic; 0 = never).
    """

    automaton: ahocorasick.Automaton
    keys: list[str]
    offsets: np.ndarray
    rows: np.ndarray
    name_types: np.ndarray
    zipf: np.ndarray

    def key_number(self, key: str) -> int:
        """The number of folded ``key``, or -1 when no place has that name."""
        return self.automaton.get(f" {key} ", -1)

    def rows_for(self, key: str) -> np.ndarray:
        """Place rows whose names fold to ``key`` (empty when none)."""
        number = self.key_number(key)
        if number < 0:
            return np.empty(0, dtype=np.int32)
        return self.rows[self.offsets[number]:self.offsets[number + 1]]

    def entries(self, number: int) -> tuple[np.ndarray, np.ndarray]:
        """``(rows, name_type_codes)`` of key ``number``."""
        lo, hi = self.offsets[number], self.offsets[number + 1]
        return self.rows[lo:hi], self.name_types[lo:hi]

    # -- construction --------------------------------------------------------------
    def commonness(self, key: str) -> float:
        """Zipf frequency of ``key`` as an everyday word (0 when it is not one)."""
        number = self.key_number(key)
        return float(self.zipf[number]) if number >= 0 else 0.0

    @classmethod
    def build(cls, places: pd.DataFrame, names: pd.DataFrame,
              frequencies: pd.DataFrame | None = None) -> "NameIndex":
        """Index every name of ``names`` against the rows of ``places``."""
        row_of = pd.Index(places["place_id"])
        rows = row_of.get_indexer(names["place_id"])
        keys = [fold_name(n) for n in names["name"]]
        codes = names["name_type"].map(_NAME_TYPE_CODES).fillna(_NAME_TYPE_CODES["alternate"])
        table = pd.DataFrame({"key": keys, "row": rows, "type": codes.astype("int8")})
        table = table[(table["row"] >= 0) & (table["key"].str.len() >= 2)]
        # One entry per (key, place): a name that is canonical and alternate counts as canonical.
        table = table.sort_values(["key", "row", "type"], kind="stable")
        table = table.drop_duplicates(["key", "row"])
        unique_keys, starts = np.unique(table["key"].to_numpy(dtype=object), return_index=True)
        offsets = np.append(starts, len(table)).astype(np.int64)
        automaton = ahocorasick.Automaton()
        for number, key in enumerate(unique_keys):
            automaton.add_word(f" {key} ", number)
        automaton.make_automaton()
        return cls(
            zipf=_zipf_per_key(unique_keys, frequencies),
            automaton=automaton,
            keys=list(unique_keys),
            offsets=offsets,
            rows=table["row"].to_numpy(dtype=np.int32),
            name_types=table["type"].to_numpy(dtype=np.int8),
        )

    @classmethod
    def for_gazetteer(cls, places: pd.DataFrame, names: pd.DataFrame,
                      frequencies: pd.DataFrame | None, fingerprint: str) -> "NameIndex":
        """Load the cached index for ``fingerprint``, building and caching it when absent."""
        path = cache_dir() / f"name-index-v{_INDEX_VERSION}-{fingerprint}.pickle"
        try:
            with path.open("rb") as cached:
                return pickle.load(cached)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            pass  # absent or stale: rebuild below
        index = cls.build(places, names, frequencies)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write beside, then rename: a concurrent or killed run never leaves half a file.
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
                pickle.dump(index, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(handle.name, path)
        except OSError:
            pass  # a read-only home is fine: the index just is not cached
        return index
