"""Mentions grouped per place and theme: what one map marker stands for."""

from __future__ import annotations

import pandas as pd

__all__ = ["UNTHEMED", "explode_themes", "places_frame"]

#: The theme id of mentions whose section belongs to no theme.
UNTHEMED = "unthemed"


def explode_themes(mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per (mention, theme); mentions without a theme get :data:`UNTHEMED`."""
    themed = mentions.assign(theme=mentions["themes"].fillna("").str.split(";"))
    themed = themed.explode("theme")
    themed["theme"] = themed["theme"].where(themed["theme"] != "", UNTHEMED).astype("string")
    return themed.reset_index(drop=True)


def places_frame(mentions: pd.DataFrame) -> pd.DataFrame:
    """Per place and theme: mention count, article count, first and last date.

    Columns: ``theme, place_id, place_name, kind, country_code, lat, lon,
    mentions, articles, first_date, last_date``; sorted by theme, then most
    mentioned first.
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
    frame = frame.sort_values(["theme", "mentions", "place_id"], ascending=[True, False, True])
    return frame.reset_index(drop=True)
