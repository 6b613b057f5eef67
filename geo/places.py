"""Mentions grouped per place and theme: what one map marker stands for."""

from __future__ import annotations

import pandas as pd

from .table import MENTION_COLUMNS

__all__ = ["PLACE_COLUMNS", "UNTHEMED", "explode_themes", "places_frame"]

#: The theme id of mentions whose section belongs to no theme.
UNTHEMED = "unthemed"

# The place columns shared with the mentions table.
_PLACE_FIELDS = ("place_id", "place_name", "kind", "country_code", "lat", "lon")
#: Column -> (pandas dtype, meaning) of :func:`places_frame`, in the order of every export.
PLACE_COLUMNS = {
    "theme": ("string", f"theme id, or '{UNTHEMED}' for mentions in sections of no theme"),
    **{column: MENTION_COLUMNS[column] for column in _PLACE_FIELDS},
    "mentions": ("int64", "mentions of the place in sections of the theme"),
    "articles": ("int64", "distinct articles with at least one of those mentions"),
    "first_date": ("string", "earliest date of those articles, ISO YYYY-MM-DD, or empty if none is dated"),
    "last_date": ("string", "latest date of those articles, ISO YYYY-MM-DD, or empty if none is dated"),
}


def explode_themes(mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per (mention, theme); mentions without a theme get :data:`UNTHEMED`."""
    themed = mentions.assign(theme=mentions["themes"].fillna("").str.split(";"))
    themed = themed.explode("theme")
    themed["theme"] = themed["theme"].where(themed["theme"] != "", UNTHEMED).astype("string")
    return themed.reset_index(drop=True)


def places_frame(mentions: pd.DataFrame) -> pd.DataFrame:
    """Per place and theme: mention count, article count, first and last date.

    A mention with several themes counts once for each. Columns and dtypes are
    :data:`PLACE_COLUMNS`; rows are sorted by theme, then most mentioned first,
    then by place id.
    """
    themed = explode_themes(mentions)
    themed["article_key"] = themed["doc_id"] + "#" + themed["article"].astype("string")
    dates = themed["date"].where(themed["date"] != "")
    themed = themed.assign(dated=dates)
    grouped = themed.groupby(["theme", "place_id"], sort=True)
    frame = grouped.agg(
        place_name=("place_name", "first"), kind=("kind", "first"),
        country_code=("country_code", "first"), lat=("lat", "first"), lon=("lon", "first"),
        mentions=("place_id", "size"), articles=("article_key", "nunique"),
        first_date=("dated", "min"), last_date=("dated", "max"),
    ).reset_index()
    frame[["first_date", "last_date"]] = frame[["first_date", "last_date"]].fillna("")
    dtypes = {column: dtype for column, (dtype, _) in PLACE_COLUMNS.items()}
    frame = frame[list(PLACE_COLUMNS)].astype(dtypes)
    frame = frame.sort_values(["theme", "mentions", "place_id"], ascending=[True, False, True])
    return frame.reset_index(drop=True)
