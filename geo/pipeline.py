"""From documents to the mentions table: geoparse each article, theme each section."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
from tqdm import tqdm

from gazetteer import Geoparser, Mention
from gazetteer.unknown import unknown_place_names

from .document import Document
from .problems import InputProblem
from .table import mention_rows, mentions_frame
from .themes import Theme, ThemeMatch, passes, score_themes

__all__ = ["CorpusResult", "SectionScores", "geoparse_documents"]

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


def _shift(mentions: list[Mention], offset: int) -> list[Mention]:
    return [dataclasses.replace(m, start=m.start + offset, end=m.end + offset) for m in mentions]


def geoparse_documents(documents: Iterable[Document], geoparser: Geoparser, themes: list[Theme],
                       *, progress: bool = False) -> CorpusResult:
    """Geoparse every article of ``documents`` and assign themes to each section.

    Resolution sees a whole article at a time (one sense per name per
    article); themes are assigned per section, so a page with two unrelated
    stories does not mix their themes.
    """
    rows = []
    result = CorpusResult(mentions=pd.DataFrame())
    for document in tqdm(documents, desc="reading", unit="file", disable=not progress):
        result.documents += 1
        for article in document.articles:
            result.articles += 1
            text = document.masked[article.start:article.end]
            spans = geoparser.spans(text)
            mentions = _shift(geoparser.resolver.resolve(text, spans), article.start)
            result.spans_found += len(spans)
            resolved_at = {m.start - article.start for m in mentions}
            names = geoparser.gazetteer.names
            result.not_places.update(s.surface for s in spans if s.start not in resolved_at
                                     and names.commonness(s.key) < _LISTED_MAX_ZIPF)
            result.unknown_names.update(unknown_place_names(text, spans))
            for section in article.sections:
                result.sections += 1
                inside = [m for m in mentions if section.start <= m.start < section.end]
                scores = score_themes(themes, document.masked[section.start:section.end], inside)
                matches = [m for theme, m in zip(themes, scores) if passes(theme, m)]
                result.theme_sections.update(m.theme_id for m in matches)
                result.section_scores.append(SectionScores(
                    document.doc_id, article.index, section.index, article.title, section.title,
                    len(inside), tuple(scores)))
                rows.extend(mention_rows(
                    document, article, section, inside,
                    themes=";".join(m.theme_id for m in matches),
                    theme_reasons=" | ".join(f"{m.theme_id}: {m.reason}" for m in matches),
                ))
    result.mentions = mentions_frame(rows)
    return result
