"""Mentions grouped per place and theme: the places table, one row per map mark."""

from __future__ import annotations

import pandas as pd

from .digest import UNTHEMED, MentionDigest, as_digest
from .mention_store import MentionStore
from .table import MENTION_COLUMNS

__all__ = ["PLACE_COLUMNS", "UNTHEMED", "places_frame"]

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


def places_frame(mentions: pd.DataFrame | MentionStore | MentionDigest) -> pd.DataFrame:
    """Per place and theme: mention count, article count, first and last date.

    A mention with several themes counts once for each. Columns and dtypes are
    :data:`PLACE_COLUMNS`; rows are sorted by theme, then most mentioned first,
    then by place id.
    """
    digest = as_digest(mentions)
    rows = [(theme_id, place_id, *tally.place, tally.mentions, tally.articles.count,
             tally.first_date, tally.last_date)
            for (theme_id, place_id), tally in digest.tallies.items()]
    frame = pd.DataFrame(rows, columns=list(PLACE_COLUMNS))
    frame = frame.astype({column: dtype for column, (dtype, _) in PLACE_COLUMNS.items()})
    frame = frame.sort_values(["theme", "mentions", "place_id"], ascending=[True, False, True])
    return frame.reset_index(drop=True)
