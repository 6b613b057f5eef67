"""Records for what the corpus readers produce: documents, articles and sections.

Every offset is a character offset into :attr:`Document.text`, the text of
the file as read, so a snippet is always exactly what the file says.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Document", "Article", "Section"]


@dataclass(frozen=True, slots=True)
class Section:
    """A part of an article under one heading (the article itself when it has none)."""

    index: int
    title: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Article:
    """One article of a document, with the metadata found for it.

    ``date`` is ISO ``YYYY-MM-DD`` or ``""``; ``body`` ranges exclude the
    headline and metadata lines, which are never geoparsed as body text.
    """

    index: int
    title: str
    start: int
    end: int
    date: str = ""
    author: str = ""
    source: str = ""
    url: str = ""
    sections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class Document:
    """One input file (or table row) and its articles.

    ``masked`` has the length of ``text``; characters that must not be
    geoparsed (metadata lines, markup, boilerplate) are spaces there.
    """

    doc_id: str
    path: str
    text: str
    masked: str
    articles: tuple[Article, ...] = field(default=())
