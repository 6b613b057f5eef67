"""What the maps, the places table, the index page and the summary need from the mentions table,
gathered in one pass over it, a frame at a time.

Its size grows with the places named, not with the mentions: per (theme,
place) it keeps counts, first and last dates and, for the map popup, the
:data:`POPUP_ENTRIES` latest mentions (those left out are counted per date,
so the map's time filter still counts them). So a 1 GB corpus's 5.5 million
mentions never sit in memory at once (:mod:`geo.mention_store`).

Distinct articles and documents are counted as they change, which is exact
when each article's rows come together, as they do in a mentions table; a
frame is regrouped by article first, in case it was sorted otherwise.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .mention_store import MentionStore, mention_frames

__all__ = ["POPUP_ENTRIES", "UNTHEMED", "MentionDigest", "PlaceTally", "PopupEntry", "ThemeTally",
           "as_digest", "excerpt"]

#: The theme id of mentions whose section belongs to no theme.
UNTHEMED = "unthemed"
#: Mentions listed in a map popup per place and theme: the latest by article date.
POPUP_ENTRIES = 50
_CONTEXT_CHARS = 90  # words kept either side of a place in a popup (the table keeps the sentence)
_COLUMNS = ("doc_id", "article", "start", "title", "url", "date", "source", "surface", "snippet",
            "themes", "place_id", "place_name", "kind", "country_code", "lat", "lon")


def excerpt(snippet: str, surface: str) -> tuple[str, int, int]:
    """The words around ``surface`` in ``snippet`` (at most 90 characters either side, cut at a
    space, "…" where cut) and where ``surface`` stands in them.

    >>> excerpt("Shelling hit Vorukh at dawn.", "Vorukh")
    ('Shelling hit Vorukh at dawn.', 13, 19)
    """
    start = snippet.find(surface)
    if start < 0:
        return snippet[:2 * _CONTEXT_CHARS], 0, 0
    end = start + len(surface)
    left, right = 0, len(snippet)
    if start > _CONTEXT_CHARS:
        cut = start - _CONTEXT_CHARS
        left = snippet.rfind(" ", 0, cut) + 1 or cut  # (no space at all: cut mid-word)
    if right - end > _CONTEXT_CHARS:
        cut = end + _CONTEXT_CHARS
        space = snippet.find(" ", cut)
        right = space if space >= 0 else cut
    prefix = "…" if left else ""
    text = prefix + snippet[left:right] + ("…" if right < len(snippet) else "")
    return text, start - left + len(prefix), end - left + len(prefix)


@dataclass(frozen=True)
class PopupEntry:
    """One mention as a popup lists it: its article and the words around it."""

    doc_id: str
    article: int
    start: int
    title: str
    url: str
    date: str
    source: str
    excerpt: str
    excerpt_start: int
    excerpt_end: int


class _ChangeCounter:
    """Counts the distinct values of a stream in which equal values come together."""

    __slots__ = ("count", "_last")

    def __init__(self):
        self.count, self._last = 0, None

    def add(self, value) -> None:
        if value != self._last:
            self.count += 1
            self._last = value


@dataclass(eq=False)
class PlaceTally:
    """One place in one theme: what its map mark, popup and places-table row show."""

    place_id: str
    place: tuple  # (place_name, kind, country_code, lat, lon)
    mentions: int = 0
    articles: _ChangeCounter = field(default_factory=_ChangeCounter)
    first_date: str = ""
    last_date: str = ""
    #: The latest mentions as a heap of (date, row number, PopupEntry); undated ones go first.
    latest: list = field(default_factory=list)
    #: Mentions left out of ``latest``, per article date ("" for undated).
    dropped: Counter | None = None

    def entries(self) -> list[PopupEntry]:
        """The kept mentions in document order (by document id, article and offset)."""
        return sorted((entry for _, _, entry in self.latest), key=lambda e: (e.doc_id, e.article, e.start))


@dataclass(eq=False)
class ThemeTally:
    """One theme over the corpus, for the index page and the summary."""

    mentions: int = 0
    articles: _ChangeCounter = field(default_factory=_ChangeCounter)
    places: int = 0
    first_date: str = ""
    last_date: str = ""


class MentionDigest:
    """Counts per theme and per (theme, place) of a mentions table, fed a frame at a time.

    ``popup_entries`` mentions are kept per (theme, place) for the map popup
    (default :data:`POPUP_ENTRIES`).

    A mention whose section has several themes counts once in each; one in a
    section of none counts in :data:`UNTHEMED`.
    """

    def __init__(self, popup_entries: int | None = None):
        self.popup_entries = POPUP_ENTRIES if popup_entries is None else popup_entries
        self.mentions = 0
        #: Mentions per place id, each counted once whatever its themes (for the choropleth).
        self.place_mentions: Counter = Counter()
        self.tallies: dict[tuple[str, str], PlaceTally] = {}  # (theme id, place id) ->
        self.themes: dict[str, ThemeTally] = {}
        self._documents, self._articles = _ChangeCounter(), _ChangeCounter()
        self._by_theme: dict[str, list[PlaceTally]] | None = None  # made when first asked

    @classmethod
    def of(cls, mentions: pd.DataFrame | MentionStore, popup_entries: int | None = None) -> "MentionDigest":
        """The digest of a whole mentions table, in memory or in a store."""
        digest = cls(popup_entries)
        for frame in mention_frames(mentions, _COLUMNS):
            digest.add(frame)
        return digest

    @property
    def documents(self) -> int:
        return self._documents.count

    @property
    def articles(self) -> int:
        return self._articles.count

    def add(self, frame: pd.DataFrame) -> None:
        """Count the rows of ``frame`` (mentions-table columns) in."""
        self._by_theme = None
        frame = _grouped_by_article(frame)
        columns = {c: frame[c].tolist() for c in _COLUMNS}
        for i, place_id in enumerate(columns["place_id"]):
            doc_id, article, date = columns["doc_id"][i], columns["article"][i], columns["date"][i]
            article_key = (doc_id, article)
            self._documents.add(doc_id)
            self._articles.add(article_key)
            self.place_mentions[place_id] += 1
            self.mentions += 1
            for theme_id in (columns["themes"][i] or UNTHEMED).split(";"):
                tally = self.tallies.get((theme_id, place_id))
                if tally is None:
                    tally = self.tallies[(theme_id, place_id)] = PlaceTally(place_id, tuple(
                        columns[c][i] for c in ("place_name", "kind", "country_code", "lat", "lon")))
                    self._theme(theme_id).places += 1
                self._count(tally, article_key, date)
                self._count(self._theme(theme_id), article_key, date)
                self._keep(tally, date, lambda: PopupEntry(
                    doc_id, article, columns["start"][i], columns["title"][i], columns["url"][i], date,
                    columns["source"][i], *excerpt(columns["snippet"][i], columns["surface"][i])))

    def _theme(self, theme_id: str) -> ThemeTally:
        tally = self.themes.get(theme_id)
        if tally is None:
            tally = self.themes[theme_id] = ThemeTally()
        return tally

    @staticmethod
    def _count(tally: PlaceTally | ThemeTally, article_key: tuple, date: str) -> None:
        tally.mentions += 1
        tally.articles.add(article_key)
        if date:
            if not tally.first_date or date < tally.first_date:
                tally.first_date = date
            if date > tally.last_date:
                tally.last_date = date

    def _keep(self, tally: PlaceTally, date: str, make_entry) -> None:
        """Keep the mention in the popup if it is among the latest; else count it as dropped."""
        key = (date, self.mentions)  # (the row number breaks ties: the later mention is the latest)
        if len(tally.latest) < self.popup_entries:
            heapq.heappush(tally.latest, (*key, make_entry()))
            return
        if tally.latest and key > tally.latest[0][:2]:
            dropped_date = heapq.heapreplace(tally.latest, (*key, make_entry()))[0]
        else:
            dropped_date = date
        if tally.dropped is None:
            tally.dropped = Counter()
        tally.dropped[dropped_date] += 1

    def theme_tally(self, theme_id: str) -> ThemeTally:
        """The counts of ``theme_id`` (all zero for a theme no mention has)."""
        return self.themes.get(theme_id) or ThemeTally()

    def place_tallies(self, theme_id: str) -> list[PlaceTally]:
        """The places of ``theme_id``, in place id order."""
        if self._by_theme is None:
            self._by_theme = {}
            for (theme, _), tally in sorted(self.tallies.items()):
                self._by_theme.setdefault(theme, []).append(tally)
        return self._by_theme.get(theme_id, [])


def _grouped_by_article(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each article's rows together, articles in order of first appearance
    (the same frame when they already are, as in every table geomap writes)."""
    keys = pd.MultiIndex.from_arrays([frame["doc_id"], frame["article"]])
    codes, _ = pd.factorize(keys)  # numbered in order of first appearance
    if bool((np.diff(codes) >= 0).all()):  # (then each article's rows are one run)
        return frame
    return frame.iloc[np.argsort(codes, kind="stable")]


def as_digest(mentions: pd.DataFrame | MentionStore | MentionDigest) -> MentionDigest:
    """``mentions`` digested, unless it already is a digest."""
    return mentions if isinstance(mentions, MentionDigest) else MentionDigest.of(mentions)
