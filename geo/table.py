"""The tidy mentions table: one row per resolved place mention, with its article and themes."""

from __future__ import annotations

import bisect
import operator
import re

import pandas as pd

from gazetteer import Mention

from .document import Article, Document, Section

__all__ = ["MENTION_COLUMNS", "mention_rows", "mentions_frame", "snippet_around"]

#: Column -> (pandas dtype, meaning). The order is the order of every export.
MENTION_COLUMNS = {
    "doc_id": ("string", "document id: the file's path relative to the corpus root given"),
    "path": ("string", "the file as read"),
    "article": ("int64", "index of the article within the document, from 0"),
    "section": ("int64", "index of the section within the article, from 0"),
    "section_title": ("string", "heading of the section (the article title for the first)"),
    "title": ("string", "article title"),
    "date": ("string", "article date, ISO YYYY-MM-DD, or empty"),
    "author": ("string", "article author, or empty"),
    "source": ("string", "outlet the article came from, or empty"),
    "url": ("string", "article URL, or empty"),
    "surface": ("string", "the words as written in the document"),
    "start": ("int64", "character offset of the mention in the document text"),
    "end": ("int64", "character offset just after the mention"),
    "mention_kind": ("string", "'place', or 'demonym' for adjectives such as 'Tajik'"),
    "place_id": ("string", "gazetteer id of the place"),
    "place_name": ("string", "canonical name of the place"),
    "kind": ("string", "kind of place: country, admin1, admin2, city, water, corridor..."),
    "country_code": ("string", "ISO 3166-1 alpha-2 code, empty for multi-country places"),
    "lat": ("float64", "latitude of the place's representative point (WGS84)"),
    "lon": ("float64", "longitude of the place's representative point (WGS84)"),
    "confidence": ("float64", "resolver confidence in [0, 1]"),
    "reason": ("string", "why the resolver chose this place"),
    "themes": ("string", "';'-separated ids of the themes of the mention's section"),
    "theme_reasons": ("string", "'theme-id: reason' for each theme, separated by ' | '"),
    "snippet": ("string", "the sentence of the document where the place is mentioned"),
}

_ROW_VALUES = operator.itemgetter(*MENTION_COLUMNS)  # a row's values, in column order
# A sentence break: the blanks after a full stop, "!" or "?" (group 1) before a capital or a
# digit, or a newline before a blank line or text. (The pattern opens with the characters a
# break can start with: the search then skips everything else in C, not trying each character.)
_SENTENCE_BREAK = re.compile(r"[.!?\n](?:(?<=[.!?])([\"”»']?\s+)(?=[\"“«]?[A-ZА-ЯЁІЇЄҐ0-9])"
                             r"|(?<=\n)(?:\s*\n|(?=\S)))")
_SNIPPET_MAX = 400
_HEADING_MARK = re.compile(r"[ \t]*#{1,6}[ \t]+")
_HEADING_FIRST = ("#", " ", "\t")  # what a heading mark can start with


class SentenceFinder:
    """Find the sentence around any span of ``text[lower:upper]``, finding its breaks once.

    (Scanning from ``lower`` for every mention would cost a section's length per mention.)
    """

    def __init__(self, text: str, lower: int = 0, upper: int | None = None):
        self.text, self.lower = text, lower
        self.upper = len(text) if upper is None else upper
        self._starts, self._ends = _sentence_breaks(text, lower, self.upper)
        self._snippets: dict[tuple[int, int], str] = {}  # (a sentence often names several places)

    def snippet(self, start: int, end: int) -> str:
        """The sentence holding ``text[start:end]``, at most ``_SNIPPET_MAX`` characters, one-spaced."""
        before = bisect.bisect_right(self._ends, start)  # breaks ending at or before the span
        sentence_start = self._ends[before - 1] if before else self.lower
        after = bisect.bisect_left(self._starts, end)  # the first break at or after its end
        sentence_end = self._starts[after] if after < len(self._starts) else self.upper
        sentence_start = max(sentence_start, start - _SNIPPET_MAX // 2)
        sentence_end = min(sentence_end, end + _SNIPPET_MAX // 2)
        if self.text.startswith(_HEADING_FIRST, sentence_start):  # (most sentences start with a letter)
            heading = _HEADING_MARK.match(self.text, sentence_start, start)  # "# " of a Markdown headline
            if heading:
                sentence_start = heading.end()
        snippet = self._snippets.get((sentence_start, sentence_end))
        if snippet is None:
            snippet = self._snippets[sentence_start, sentence_end] = " ".join(
                self.text[sentence_start:sentence_end].split())
        return snippet


def _sentence_breaks(text: str, lower: int, upper: int) -> tuple[list[int], list[int]]:
    """``(starts, ends)`` of the sentence breaks of ``text[lower:upper]``, in text order.

    A break after a full stop starts after it (group 1), so a full stop just before
    ``lower`` still makes a break start at ``lower``.
    """
    starts, ends = [], []
    scan_from = lower - 1 if lower and text[lower - 1] in ".!?" else lower
    for found in _SENTENCE_BREAK.finditer(text, scan_from, upper):
        after_stop = found.start(1)
        starts.append(after_stop if after_stop >= 0 else found.start())
        ends.append(found.end())
    return starts, ends


def snippet_around(text: str, start: int, end: int, lower: int = 0, upper: int | None = None) -> str:
    """The sentence of ``text`` holding ``text[start:end]``, within ``[lower, upper)``.

    >>> snippet_around("One. Clashes hit Vorukh today. Three.", 17, 23)
    'Clashes hit Vorukh today.'
    >>> snippet_around("One. Vorukh was hit today. Three.", 5, 11)
    'Vorukh was hit today.'
    """
    return SentenceFinder(text, lower, upper).snippet(start, end)


def mention_rows(document: Document, article: Article, section: Section, mentions: list[Mention],
                 themes: str, theme_reasons: str):
    """Rows (dicts in :data:`MENTION_COLUMNS` order) for the mentions of one section."""
    if not mentions:
        return
    sentences = SentenceFinder(document.text, section.start, section.end)
    for mention in mentions:
        place = mention.place
        yield {
            "doc_id": document.doc_id, "path": document.path, "article": article.index,
            "section": section.index, "section_title": section.title, "title": article.title,
            "date": article.date, "author": article.author, "source": article.source,
            "url": article.url, "surface": mention.surface, "start": mention.start,
            "end": mention.end, "mention_kind": mention.mention_kind, "place_id": place.place_id,
            "place_name": place.name, "kind": place.kind, "country_code": place.country_code,
            "lat": place.lat, "lon": place.lon, "confidence": mention.confidence,
            "reason": mention.reason, "themes": themes, "theme_reasons": theme_reasons,
            "snippet": sentences.snippet(mention.start, mention.end),
        }


def mentions_frame(rows) -> pd.DataFrame:
    """A DataFrame with exactly :data:`MENTION_COLUMNS`, typed, in document order."""
    rows = list(rows)
    try:  # (typed column by column: much faster than a frame of dicts, then typed)
        columns = list(zip(*map(_ROW_VALUES, rows))) or [()] * len(MENTION_COLUMNS)
        frame = pd.DataFrame({column: pd.array(list(values), dtype=dtype)
                              for (column, (dtype, _)), values in zip(MENTION_COLUMNS.items(), columns)})
    except KeyError:  # a row lacking a column: that column gets NaN, as from dicts
        frame = pd.DataFrame(rows, columns=list(MENTION_COLUMNS))
        frame = frame.astype({column: dtype for column, (dtype, _) in MENTION_COLUMNS.items()})
    if frame[["lat", "lon"]].isna().any().any():
        raise ValueError("mentions table has rows without coordinates; every place must have a point")
    return frame.reset_index(drop=True)
