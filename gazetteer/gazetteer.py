"""The :class:`Gazetteer`: places, their names and geometries, and queries on them."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from . import _schema

_PLACE_CACHE_SIZE = 100_000  # rows kept as Place objects; reading a row costs ~15 µs
from .exc import GazetteerDataError
from .name_index import NameIndex
from .normalize import fold_name
from .place import Place
from .qualifiers import strip_qualifier

__all__ = ["Gazetteer"]


def _read_table(path: Path, columns: dict[str, str]) -> pd.DataFrame:
    """Read a Parquet or CSV table and check it has ``columns``."""
    path = Path(path)
    if not path.is_file():
        raise GazetteerDataError(
            f"gazetteer file {path} does not exist; reinstall geomap "
            "(pip install --force-reinstall geomap) or rebuild it with: python -m gazetteer.build"
        )
    try:
        if path.suffix == ".csv":
            # CSV has no binary type: shapes come only from Parquet files.
            dtypes = {c: t for c, t in columns.items() if t != "binary"}
            table = pd.read_csv(path, dtype=dtypes, keep_default_na=False)
        else:
            table = pd.read_parquet(path)
    except (OSError, ValueError) as error:
        raise GazetteerDataError(f"cannot read gazetteer file {path}: {error}") from error
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise GazetteerDataError(
            f"gazetteer file {path} lacks the columns {missing}; it has {list(table.columns)}"
        )
    return table


_CATEGORICAL = ("kind", "country_code", "feature_code", "source")


def _frame_fingerprint(*frames: pd.DataFrame | None) -> str:
    digest = hashlib.sha256()
    for frame in frames:
        if frame is not None:
            digest.update(pd.util.hash_pandas_object(frame.drop(columns="wkb", errors="ignore"),
                                                     index=False).values.tobytes())
    return digest.hexdigest()[:16]


class Gazetteer:
    """Places with names and geometries.

    Build one with :meth:`load` (the data shipped with the package) or
    :meth:`from_files`; both return a ready, immutable gazetteer.

    Examples
    --------
    >>> gaz = Gazetteer.load()
    >>> [p.name for p in gaz.lookup("Khatlon")][:1]
    ['Khatlon']
    >>> gaz.get(gaz.lookup("Dushanbe")[0].place_id).country_code
    'TJ'
    """

    def __init__(self, places: pd.DataFrame, names: pd.DataFrame | Callable[[], pd.DataFrame],
                 geometries: pd.DataFrame | Callable[[], pd.DataFrame] | None = None,
                 frequencies: pd.DataFrame | None = None, *, fingerprint: str = "",
                 check_ids: bool = True):
        places = places.reset_index(drop=True)
        # The shipped data is checked when it is built; other tables are checked here.
        if check_ids and places["place_id"].duplicated().any():
            dupes = places.loc[places["place_id"].duplicated(), "place_id"].head(5).tolist()
            raise GazetteerDataError(f"gazetteer has duplicate place ids, e.g. {dupes}")
        # Repeated short strings: categories make per-row lookups cheap for the resolver.
        self._places = places.astype({c: "category" for c in _CATEGORICAL})
        self._row_of = pd.Index(places["place_id"])
        # A warm start never needs the million names (the cached index has them): read on demand.
        self._names_source = names
        self._frequencies = frequencies
        self._geometries_source = geometries
        # Identifies the data the name index is built from (its cache key).
        self.fingerprint = fingerprint or _frame_fingerprint(places, self._names, frequencies)
        self._children: dict[str, list[str]] | None = None
        # Places are frozen: one object per row can serve every mention of it.
        self._place_cache: dict[int, Place] = {}

    # -- construction -------------------------------------------------------------
    @classmethod
    @functools.cache
    def load(cls) -> "Gazetteer":
        """The gazetteer shipped with the package (cached: loaded once per process)."""
        data = resources.files("gazetteer") / "data"
        with resources.as_file(data) as folder:
            return cls.from_files(
                folder / _schema.PLACES_FILE,
                folder / _schema.NAMES_FILE,
                folder / _schema.GEOMETRIES_FILE,
                folder / _schema.FREQUENCY_FILE,
                check_ids=False,  # checked by the build
            )

    @classmethod
    def from_files(cls, places: str | Path, names: str | Path, geometries: str | Path | None = None,
                   frequencies: str | Path | None = None, *, check_ids: bool = True) -> "Gazetteer":
        """Read a gazetteer from Parquet (or CSV) files laid out as :mod:`gazetteer._schema` says.

        ``geometries`` and ``frequencies`` are optional: without them every
        place is a point and no name counts as a common word.
        """
        def optional(path, columns):
            return _read_table(path, columns) if path is not None else None

        # The name index is cached under a hash of the files it is built from.
        fingerprint = hashlib.sha256()
        for path in (places, names, frequencies):
            if path is not None and Path(path).is_file():
                fingerprint.update(Path(path).read_bytes())
        return cls(
            _read_table(places, _schema.PLACE_COLUMNS),
            functools.partial(_read_table, names, _schema.NAME_COLUMNS),
            functools.partial(optional, geometries, _schema.GEOMETRY_COLUMNS),
            optional(frequencies, _schema.FREQUENCY_COLUMNS),
            fingerprint=fingerprint.hexdigest()[:16],
            check_ids=check_ids,
        )

    def with_places(self, places: pd.DataFrame, names: pd.DataFrame,
                    geometries: pd.DataFrame | None = None) -> "Gazetteer":
        """A new gazetteer with ``places`` added; a place whose id exists replaces the old one.

        The tables are laid out as :mod:`gazetteer._schema` says (see
        :func:`gazetteer.user_places.read_user_places`). The name index is
        extended, not rebuilt.
        """
        replaced = set(places["place_id"])
        kept = ~self._places["place_id"].isin(replaced).to_numpy()
        row_map = np.where(kept, np.cumsum(kept) - 1, -1)
        merged_places = pd.concat(
            [self._places[kept].astype({c: str for c in _CATEGORICAL}),
             places.astype({c: str for c in _CATEGORICAL})], ignore_index=True)
        user_rows = int(kept.sum()) + pd.Index(places["place_id"]).get_indexer(names["place_id"])
        wkb = {pid: w for pid, w in self._wkb.items() if pid not in replaced}
        if geometries is not None:
            wkb.update(zip(geometries["place_id"], geometries["wkb"]))
        extended = Gazetteer(
            merged_places,
            pd.concat([self._names[~self._names["place_id"].isin(replaced)], names],
                      ignore_index=True),
            pd.DataFrame({"place_id": list(wkb), "wkb": list(wkb.values())}),
            self._frequencies,
            fingerprint=self.fingerprint + "+" + _frame_fingerprint(places, names),
        )
        extended.__dict__["names"] = self.names.with_names(row_map, names, user_rows, merged_places)
        return extended

    @functools.cached_property
    def _names(self) -> pd.DataFrame:
        source = self._names_source
        return source() if callable(source) else source

    @functools.cached_property
    def _wkb(self) -> dict[str, bytes]:
        source = self._geometries_source
        table = source() if callable(source) else source
        return dict(zip(table["place_id"], table["wkb"])) if table is not None else {}

    @property
    def parent_rows(self) -> np.ndarray:
        """For each row, the row of its parent place (-1 at the top); kept in the name index."""
        return self.names.parent_rows

    # -- queries --------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._places)

    @functools.cached_property
    def names(self) -> NameIndex:
        """The folded-name index the matcher and :meth:`lookup` use (built once, cached on disk)."""
        return NameIndex.for_gazetteer(self._places, self._names_for_index, self._frequencies,
                                       self.fingerprint)

    def _names_for_index(self) -> pd.DataFrame:
        """The names table, without keeping it in memory when nothing else has asked for it."""
        if "_names" in self.__dict__ or not callable(self._names_source):
            return self._names
        return self._names_source()

    @functools.cached_property
    def _columns(self) -> dict:
        """The places table's columns as arrays (row access without building a pandas row)."""
        return {column: self._places[column].array for column in _schema.PLACE_COLUMNS}

    def place_at(self, row: int) -> Place:
        """The place in table row ``row`` (rows are what the name index stores)."""
        place = self._place_cache.get(row)
        if place is None:
            if len(self._place_cache) >= _PLACE_CACHE_SIZE:
                self._place_cache.clear()  # (a corpus names the same places again and again)
            place = self._place_cache[row] = self._read_place(row)
        return place

    def _read_place(self, row: int) -> Place:
        c = self._columns
        return Place(
            place_id=str(c["place_id"][row]), name=str(c["name"][row]), kind=str(c["kind"][row]),
            country_code=str(c["country_code"][row]), lat=float(c["lat"][row]),
            lon=float(c["lon"][row]), population=int(c["population"][row]),
            parent_id=str(c["parent_id"][row]), feature_code=str(c["feature_code"][row]),
            source=str(c["source"][row]),
        )

    def row_of(self, place_id: str) -> int:
        """The table row of ``place_id``; raises KeyError when it is not in the gazetteer."""
        row = self._row_of.get_indexer([place_id])[0]
        if row < 0:
            raise KeyError(f"no place with id {place_id!r} in the gazetteer")
        return int(row)

    def get(self, place_id: str) -> Place:
        """The place with id ``place_id``; raises KeyError if there is none."""
        return self.place_at(self.row_of(place_id))

    def lookup(self, name: str) -> list[Place]:
        """Every place called ``name`` (any spelling, any case), most populous first.

        A qualifier the data does not list is understood by rule:
        "Nakhchivan Autonomous Republic" finds the divisions called Nakhchivan.
        """
        key = fold_name(name)
        rows = self.names.rows_for(key)
        kind = ""
        if not len(rows):
            key, kind = strip_qualifier(key)
            rows = self.names.rows_for(key) if kind else rows
        places = [self.place_at(int(r)) for r in np.unique(rows)]
        if kind:
            places = [p for p in places if p.kind in ("admin1", "admin2", "disputed")] or places
        return sorted(places, key=lambda p: (-p.population, p.place_id))

    def names_of(self, place_id: str) -> list[str]:
        """All names of ``place_id`` in the data (canonical first)."""
        names = self._names[self._names["place_id"] == place_id]
        canonical = names[names["name_type"] == "canonical"]["name"].tolist()
        return canonical + sorted(set(names["name"]) - set(canonical))

    def parent(self, place_id: str) -> Place | None:
        """The enclosing division of ``place_id``, or None at the top."""
        parent_id = self.get(place_id).parent_id
        return self.get(parent_id) if parent_id and parent_id in self._row_of else None

    def ancestors(self, place_id: str) -> list[Place]:
        """Enclosing divisions from the nearest up (district, province, country)."""
        chain, seen = [], {place_id}
        parent = self.parent(place_id)
        while parent is not None and parent.place_id not in seen:
            chain.append(parent)
            seen.add(parent.place_id)
            parent = self.parent(parent.place_id)
        return chain

    def children(self, place_id: str) -> list[Place]:
        """Places whose parent is ``place_id``, most populous first."""
        if self._children is None:
            children: dict[str, list[str]] = {}
            for child, parent in zip(self._places["place_id"], self._places["parent_id"]):
                if parent:
                    children.setdefault(parent, []).append(child)
            self._children = children
        places = [self.get(c) for c in self._children.get(place_id, [])]
        return sorted(places, key=lambda p: (-p.population, p.place_id))

    def geometry(self, place_id: str):
        """The shapely geometry of ``place_id``: its polygon or line, else its point."""
        wkb = self._wkb.get(place_id)
        if wkb is not None:
            return shapely.from_wkb(wkb)
        place = self.get(place_id)
        return shapely.Point(place.lon, place.lat)

    def has_shape(self, place_id: str) -> bool:
        """True when ``place_id`` has a polygon or line, not just a point."""
        return place_id in self._wkb

    def contains(self, area_id: str, place_id: str) -> bool:
        """True when the representative point of ``place_id`` lies in ``area_id``'s geometry."""
        place = self.get(place_id)
        return bool(self.geometry(area_id).covers(shapely.Point(place.lon, place.lat)))

    @property
    def table(self) -> pd.DataFrame:
        """The places table (read-only view; columns as :mod:`gazetteer._schema` says)."""
        return self._places
