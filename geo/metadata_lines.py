"""Metadata lines of scraped pages: dates, bylines, outlets and links.

A line is metadata when it *is* one of these, not when it merely mentions a
date: ``date 2024-03-31``, ``Published: Monday, December 12``, ``March 31,
2024``, ``By Aizada Toktosunova``, ``By Jane Roe | March 31, 2024``,
``Source: Fergana Ledger``, ``URL: https://...``, ``Опубликовано 31 марта
2024``, ``Автор: ...``, ``Джерело: ...``. A date line may go on with the
headline (``date 2024-03-31 Citizens of Tajikistan began...``): only the
label and the date are metadata then. Bulleted lines are list items, never
metadata (a list of earlier articles with their dates is not this article's date).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import find_date

__all__ = ["BULLET", "MetaLine", "read_meta_line"]

#: A list item's marker at the start of a line ("* ", "– ", "2) "); such lines are never metadata.
BULLET = re.compile(r"[^\S\n]*(?:[*•·▪◦–-]|\d{1,2}[.)])[^\S\n]+")
_DATE_LABEL = re.compile(
    r"[^\S\n]*(?:date|dated|published|posted|updated|last updated|published on|posted on|"
    r"опубликовано|дата|дата публикации|обновлено|опубліковано|оновлено|дата публікації)"
    r"(?![\w])[^\S\n]*[:\-–—]?[^\S\n]*", re.IGNORECASE)
_BYLINE = re.compile(r"[^\S\n]*(?:by|written by|author|автор|авторы|авторка)(?![\w])[^\S\n]*:?[^\S\n]+", re.IGNORECASE)
_SOURCE = re.compile(r"[^\S\n]*(?:source|via|outlet|источник|джерело)[^\S\n]*:[^\S\n]*", re.IGNORECASE)
_URL_LABEL = re.compile(r"[^\S\n]*(?:url|link|ссылка|посилання)[^\S\n]*:[^\S\n]*", re.IGNORECASE)
_URL = re.compile(r"https?://\S+")
_PART_SEPARATOR = re.compile(r"[^\S\n]+[|·•—–][^\S\n]+")
_MAX_NAME_WORDS = 5  # "By the time the convoy reached Goris, ..." is a sentence, not a byline
_MAX_SOURCE_WORDS = 8
_MAX_META_CHARS = 160  # longer unlabelled lines are prose, not metadata


@dataclass(frozen=True)
class MetaLine:
    """One metadata value read from a line: ``key`` is date, author, source or url.

    ``start``/``end`` is the range to mask (never geoparsed); ``rest`` is where
    the line's remaining text (a headline after a date) begins, or ``end``.
    """

    key: str
    value: str
    start: int
    end: int
    rest: int


def _name(value: str) -> bool:
    words = value.split()
    return 0 < len(words) <= _MAX_NAME_WORDS and not value.rstrip().endswith((".", ",", ";", ":"))


def _whole_date(text: str, start: int, end: int, context_year: int | None) -> str:
    """The ISO date when ``text[start:end]`` is a date and nothing else ("March 31, 2024")."""
    part = text[start:end]
    iso, found_start, found_end = find_date(part, context_year=context_year)
    if iso and not part[:found_start].strip() and not part[found_end:].strip(" \t,.|"):
        return iso
    return ""


def _byline(text: str, start: int, end: int, context_year: int | None) -> list[MetaLine]:
    label = _BYLINE.match(text, start, end)
    if not label:
        return []
    parts, cursor = [], label.end()
    for separator in _PART_SEPARATOR.finditer(text, label.end(), end):
        parts.append((cursor, separator.start()))
        cursor = separator.end()
    parts.append((cursor, end))
    name = text[parts[0][0]:parts[0][1]].strip()
    if not _name(name) or not name[0].isupper():
        return []
    found = [MetaLine("author", name, start, end, end)]
    for part_start, part_end in parts[1:]:
        iso = _whole_date(text, part_start, part_end, context_year)
        if iso:
            found.append(MetaLine("date", iso, start, end, end))
    return found


def read_meta_line(text: str, start: int, end: int, context_year: int | None = None) -> list[MetaLine]:
    """The metadata the line ``text[start:end]`` holds, or ``[]`` for an ordinary line.

    >>> [(m.key, m.value) for m in read_meta_line("By Jane Roe | March 31, 2024", 0, 28)]
    [('author', 'Jane Roe'), ('date', '2024-03-31')]
    >>> line = "date 2024-03-31 Citizens of Tajikistan began to leave"
    >>> meta = read_meta_line(line, 0, len(line))[0]
    >>> meta.value, line[meta.rest:]
    ('2024-03-31', 'Citizens of Tajikistan began to leave')
    """
    if BULLET.match(text, start, end):
        return []
    label = _DATE_LABEL.match(text, start, end)
    if label:
        part = text[label.end():end]
        iso, found_start, found_end = find_date(part, context_year=context_year)
        if iso and not part[:found_start].strip():
            date_end = label.end() + found_end
            rest = date_end + len(part[found_end:]) - len(part[found_end:].lstrip(" \t,.|:-–—"))
            return [MetaLine("date", iso, start, date_end, rest if rest < end else end)]
    if end - start > _MAX_META_CHARS:
        return []  # a paragraph (only a labelled date line may go on with a headline)
    iso = _whole_date(text, start, end, context_year)
    if iso:
        return [MetaLine("date", iso, start, end, end)]
    byline = _byline(text, start, end, context_year)
    if byline:
        return byline
    label = _SOURCE.match(text, start, end)
    if label:
        value = text[label.end():end].strip()
        if 0 < len(value.split()) <= _MAX_SOURCE_WORDS:
            return [MetaLine("source", value, start, end, end)]
    label = _URL_LABEL.match(text, start, end)
    url = _URL.fullmatch(text[label.end() if label else start:end].strip())
    if url:
        return [MetaLine("url", url.group(0), start, end, end)]
    return []
