"""From documents to the mentions table: geoparse each article, theme each section."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd
from tqdm import tqdm

from gazetteer import Gazetteer, Geoparser, Mention, read_user_places
from gazetteer.mention import mention_of
from gazetteer.unknown import unknown_place_names

from .document import Article, Document
from .problems import InputProblem
from .table import mention_rows, mentions_frame
from .themes import Theme, ThemeMatch, load_themes, passes, score_themes

if TYPE_CHECKING:
    from .cache import ResultCache

__all__ = ["ArticleResult", "CorpusResult", "SectionScores", "geoparse_article", "geoparse_documents",
           "load_parser"]

_ROWS_PER_FRAME = 20_000  # mention rows gathered as dicts before they become a typed frame
# Everyday words dropped as non-places ("Monday", "Minister") are not worth listing to users.
_LISTED_MAX_ZIPF = 3.5


@dataclass(frozen=True)
class SectionScores:
    """Every theme's score for one section, assigned or not (for ``geomap themes check``)."""

    doc_id: str
    article: int
    section: int
    article_title: str
    section_title: str
    mentions: int
    scores: tuple[ThemeMatch, ...]


@dataclass
class CorpusResult:
    """The mentions table and the counts the summary reports."""

    mentions: pd.DataFrame
    documents: int = 0
    articles: int = 0
    sections: int = 0
    spans_found: int = 0
    #: Rarer names matched in the gazetteer but judged not to be places here (persons, ships...).
    not_places: Counter = field(default_factory=Counter)
    #: Names that read like places but that the gazetteer lacks.
    unknown_names: Counter = field(default_factory=Counter)
    #: Sections per theme id.
    theme_sections: Counter = field(default_factory=Counter)
    #: Per section, in reading order: every theme's score and reason.
    section_scores: list[SectionScores] = field(default_factory=list)
    #: Input files and rows that could not be read (or were read with a caveat).
    problems: list[InputProblem] = field(default_factory=list)
    #: Articles whose results came from the result cache (:mod:`geo.cache`); None: no cache used.
    from_cache: int | None = None

    def merge(self, part: "CorpusResult") -> None:
        """Add the counts of ``part`` (a result for other documents, not its problems)."""
        self.documents += part.documents
        self.articles += part.articles
        self._count_in(part)
        if part.from_cache is not None:
            self.from_cache = (self.from_cache or 0) + part.from_cache

    def add(self, article: "ArticleResult") -> list[dict]:
        """Count one article in; returns its mention rows (the caller builds the table)."""
        self.articles += 1
        self._count_in(article)
        return article.rows

    def _count_in(self, part: "CorpusResult | ArticleResult") -> None:
        """The counts a corpus result and an article result both carry."""
        self.sections += part.sections
        self.spans_found += part.spans_found
        self.not_places.update(part.not_places)
        self.unknown_names.update(part.unknown_names)
        self.theme_sections.update(part.theme_sections)
        self.section_scores.extend(part.section_scores)


def load_parser(themes_path, user_gazetteers=(), *, demonyms: bool = True,
                geocoder=None) -> tuple[Geoparser, list[Theme]]:
    """The geoparser of a run (the shipped gazetteer plus the user's place files, the optional
    online ``geocoder``) and its loaded themes.

    Raises ``GazetteerError`` or ``ThemeError`` for a mistake in a place file or the theme file.
    """
    user_tables = [read_user_places(path) for path in user_gazetteers]
    gazetteer = Gazetteer.load()
    for tables in user_tables:
        gazetteer = gazetteer.with_places(*tables)
    geoparser = Geoparser(gazetteer, include_demonyms=demonyms, geocoder=geocoder)
    return geoparser, load_themes(themes_path, geoparser.gazetteer)


def _shift(mentions: list[Mention], offset: int) -> list[Mention]:
    if not offset:
        return mentions  # (an article that opens its document: mentions are immutable)
    # (Built directly: dataclasses.replace costs several times more, for every mention.)
    return [mention_of(m.start + offset, m.end + offset, m.surface, m.place, m.confidence, m.reason,
                       m.mention_kind) for m in mentions]


@dataclass
class ArticleResult:
    """What one article adds to the corpus result: its mention rows and its counts."""

    rows: list[dict]
    sections: int
    spans_found: int
    not_places: Counter
    unknown_names: Counter
    theme_sections: Counter
    section_scores: list[SectionScores]


def geoparse_article(document: Document, article: Article, geoparser: Geoparser,
                     themes: list[Theme]) -> ArticleResult:
    """Geoparse one article of ``document`` and assign themes to each of its sections.

    Resolution sees the whole article (one sense per name per article);
    themes are assigned per section, so a page with two unrelated stories
    does not mix their themes.
    """
    text = document.masked[article.start:article.end]
    spans = geoparser.spans(text)
    mentions = _shift(geoparser.resolver.resolve(text, spans), article.start)
    # A name is never read across text the reader blanked out (the matcher stops at blank
    # lines); should one be, it is dropped rather than shown with words the file lacks.
    mentions = [m for m in mentions if document.text[m.start:m.end] == m.surface]
    resolved_at = {m.start - article.start for m in mentions}
    names = geoparser.gazetteer.names
    result = ArticleResult(
        rows=[], sections=len(article.sections), spans_found=len(spans),
        not_places=Counter(s.surface for s in spans if s.start not in resolved_at
                           and names.commonness(s.key) < _LISTED_MAX_ZIPF),
        unknown_names=Counter(unknown_place_names(text, spans)),
        theme_sections=Counter(), section_scores=[])
    for section in article.sections:
        inside = [m for m in mentions if section.start <= m.start < section.end]
        scores = score_themes(themes, document.masked[section.start:section.end], inside)
        matches = [m for theme, m in zip(themes, scores) if passes(theme, m)]
        result.theme_sections.update(m.theme_id for m in matches)
        result.section_scores.append(SectionScores(
            document.doc_id, article.index, section.index, article.title, section.title,
            len(inside), tuple(scores)))
        result.rows.extend(mention_rows(
            document, article, section, inside,
            themes=";".join(m.theme_id for m in matches),
            theme_reasons=" | ".join(f"{m.theme_id}: {m.reason}" for m in matches),
        ))
    return result


def geoparse_documents(documents: Iterable[Document], geoparser: Geoparser, themes: list[Theme],
                       *, progress: bool = False, cache: "ResultCache | None" = None,
                       section_scores: bool = True,
                       sink: Callable[[pd.DataFrame], None] | None = None) -> CorpusResult:
    """Geoparse every article of ``documents`` and assign themes to each section.

    With a :class:`geo.cache.ResultCache`, articles parsed before in a run
    with the same gazetteer, themes and settings are read from it (counted in
    ``from_cache``) and the others are stored in it; the result is the same.
    ``section_scores`` False keeps no section's theme scores (only ``geomap
    themes check`` shows them), which saves memory on large corpora.

    The mentions table is ``result.mentions``; with a ``sink`` (such as
    :meth:`geo.mention_store.MentionStore.append`) it is handed over instead,
    a typed frame of whole documents at a time, and ``result.mentions`` is
    left empty: the table of a large corpus need never be in memory.
    """
    from .cache import cached_geoparse_article, run_fingerprint  # geo.cache imports this module

    fingerprint = run_fingerprint(geoparser, themes) if cache is not None else ""
    rows, frames = [], []
    hand_over = frames.append if sink is None else sink
    result = CorpusResult(mentions=pd.DataFrame(), from_cache=0 if cache is not None else None)
    for document in tqdm(documents, desc="reading", unit="file", disable=not progress):
        result.documents += 1
        for article in document.articles:
            found, hit = cached_geoparse_article(document, article, geoparser, themes, cache, fingerprint)
            rows.extend(result.add(found))
            if hit:
                result.from_cache += 1
        if not section_scores:
            result.section_scores.clear()
        if len(rows) >= _ROWS_PER_FRAME:  # (a typed frame holds a row in a fraction of a dict's memory)
            hand_over(mentions_frame(rows))
            rows = []
    hand_over(mentions_frame(rows))
    frames = frames or [mentions_frame([])]
    result.mentions = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    return result
