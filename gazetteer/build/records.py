"""What each part of the build hands to the writer: places, their names, their shapes.

Small sources produce :class:`PlaceRecord` objects; the large ones (235,000
populated places) build the same three tables directly with pandas. Either way
they end up as a :class:`Layer`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import pandas as pd
from shapely.geometry.base import BaseGeometry

from gazetteer._schema import NAME_TYPES, PLACE_COLUMNS
from gazetteer.place import Place

__all__ = ["Name", "PlaceRecord", "Layer", "NAME_FRAME_COLUMNS"]

#: Columns of a layer's name table (the script is detected when the data are written).
NAME_FRAME_COLUMNS = ["place_id", "name", "name_type"]


@dataclass(frozen=True, slots=True)
class Name:
    """One name of a place, before cleaning and script detection.

    Attributes
    ----------
    text : str
        The name as the source gives it.
    name_type : str
        One of :data:`gazetteer._schema.NAME_TYPES` other than ``canonical``
        (the canonical name is the place's own ``name``).
    """

    text: str
    name_type: str = "alternate"

    def __post_init__(self):
        if self.name_type not in NAME_TYPES:
            raise ValueError(f"name {self.text!r}: unknown name_type {self.name_type!r}; expected one of {NAME_TYPES}")


@dataclass(frozen=True, slots=True)
class PlaceRecord:
    """A place with its names and (already simplified) geometry.

    Attributes
    ----------
    place : Place
        The validated place row.
    names : tuple of Name
        Alternate, historical, abbreviation and demonym names.
    geometry : BaseGeometry or None
        Lon/lat area or line for non-point places, simplified for web maps.
    """

    place: Place
    names: tuple[Name, ...] = ()
    geometry: BaseGeometry | None = None


def _empty_places() -> pd.DataFrame:
    return pd.DataFrame({col: pd.Series(dtype="float64" if t == "float64" else "int64" if t == "int64" else "object")
                         for col, t in PLACE_COLUMNS.items()})


@dataclass(frozen=True)
class Layer:
    """Places of one part of the build, ready to be merged and written.

    Attributes
    ----------
    places : pandas.DataFrame
        Columns of :data:`gazetteer._schema.PLACE_COLUMNS`.
    names : pandas.DataFrame
        ``place_id, name, name_type`` (non-canonical names; raw).
    geometries : dict of str to BaseGeometry
        Simplified geometry by place id.
    """

    places: pd.DataFrame = field(default_factory=_empty_places)
    names: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=NAME_FRAME_COLUMNS))
    geometries: dict = field(default_factory=dict)

    @classmethod
    def from_records(cls, records: Iterable[PlaceRecord]) -> "Layer":
        """Collect records into the three tables."""
        rows, names, geoms = [], [], {}
        for rec in records:
            p = rec.place
            rows.append({col: getattr(p, col) for col in PLACE_COLUMNS})
            names.extend((p.place_id, n.text, n.name_type) for n in rec.names)
            if rec.geometry is not None:
                geoms[p.place_id] = rec.geometry
        places = pd.DataFrame(rows, columns=list(PLACE_COLUMNS)) if rows else _empty_places()
        return cls(places, pd.DataFrame(names, columns=NAME_FRAME_COLUMNS), geoms)

    @classmethod
    def concat(cls, layers: Iterable["Layer"]) -> "Layer":
        """Stack layers; place ids must not repeat.

        Raises
        ------
        ValueError
            If two layers define the same place id.
        """
        layers = list(layers)
        places = pd.concat([l.places for l in layers if len(l.places)], ignore_index=True)
        dup = places["place_id"][places["place_id"].duplicated()]
        if len(dup):
            raise ValueError(
                f"place ids defined twice: {sorted(dup.unique())[:10]}; each part of the build "
                "must mint ids in its own namespace or skip places another part already has"
            )
        names = pd.concat([l.names for l in layers if len(l.names)], ignore_index=True)
        geoms: dict = {}
        for l in layers:
            geoms.update(l.geometries)
        return cls(places, names, geoms)

    def __len__(self) -> int:
        return len(self.places)
