"""Split a document's text into articles and sections, and read their metadata lines.

A Markdown file holds one article per level-1 heading (``# Title``); ``## ``
headings start sections. A text page holds one article: its first line is the
headline. Metadata lines (``Date: 2024-03-31``, ``date 2024-03-31``,
``By <name>``, ``Source: <outlet>``, ``URL: ...``) are read into the article
and masked so they are never geoparsed; so is a boilerplate footer
("Similar Posts", "Leave a Reply", ...).
"""

from __future__ import annotations

import re

from .document import Article, Section

__all__ = ["split_markdown", "split_page", "mask_ranges"]

_META_LINE = re.compile(
    r"^[ \t]*(?:(?P<key>date|author|source|url|by|published)[ \t]*:[ \t]*(?P<value>\S.*?)"
    r"|date[ \t]+(?P<bare_date>\d{4}-\d{2}-\d{2})"
    r"|by[ \t]+(?P<byline>[^\W\d_][^\n]{0,60}?))[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_H1 = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_H2 = re.compile(r"^##[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BOILERPLATE = re.compile(
    r"^[ \t]*(similar posts|related posts|recent posts|leave a reply|leave a comment|share this:?|"
    r"your email address will not be published|you may also like|read more:?|"
    r"похожие записи|добавить комментарий|схожі записи|залишити коментар)[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


def _metadata(text: str, start: int, end: int) -> tuple[dict[str, str], list[tuple[int, int]]]:
    """Metadata of the lines in ``text[start:end]`` and the ranges of those lines."""
    found: dict[str, str] = {}
    ranges = []
    for match in _META_LINE.finditer(text, start, end):
        key = (match.group("key") or "").lower()
        value = (match.group("value") or "").strip()
        if match.group("bare_date"):
            key, value = "date", match.group("bare_date")
        elif match.group("byline"):
            byline = match.group("byline").strip()
            if len(byline.split()) > 5 or byline.endswith((".", ",")):
                continue  # a sentence that starts with "By", not a byline
            key, value = "author", byline
        key = {"by": "author", "published": "date"}.get(key, key)
        if key == "date":
            iso = _ISO_DATE.search(value)
            if not iso:
                continue
            value = iso.group(0)
        found.setdefault(key, value)
        ranges.append((match.start(), match.end()))
    return found, ranges


def _footer_start(text: str, start: int, end: int) -> int:
    """Where a boilerplate footer begins in ``text[start:end]``, or ``end``."""
    match = _BOILERPLATE.search(text, start, end)
    return match.start() if match else end


def _sections(text: str, start: int, end: int, title: str) -> tuple[Section, ...]:
    heads = list(_H2.finditer(text, start, end))
    bounds = [start] + [h.start() for h in heads] + [end]
    titles = [title] + [h.group(1).strip() for h in heads]
    return tuple(
        Section(i, titles[i], bounds[i], bounds[i + 1])
        for i in range(len(titles)) if text[bounds[i]:bounds[i + 1]].strip()
    )


def _article(text: str, index: int, start: int, end: int, title: str,
             extra: dict[str, str] | None = None) -> tuple[Article, list[tuple[int, int]]]:
    """One article spanning ``text[start:end]``, and the ranges to mask in it."""
    footer = _footer_start(text, start, end)
    meta, masked = _metadata(text, start, end)
    meta = {**(extra or {}), **{k: v for k, v in meta.items() if v}}
    if footer < end:
        masked.append((footer, end))
    article = Article(
        index=index, title=title, start=start, end=end,
        date=meta.get("date", ""), author=meta.get("author", ""),
        source=meta.get("source", ""), url=meta.get("url", ""),
        sections=_sections(text, start, footer, title),
    )
    return article, masked


def split_markdown(text: str) -> tuple[list[Article], list[tuple[int, int]]]:
    """Articles of a Markdown document (one per ``# `` heading) and the ranges to mask."""
    heads = list(_H1.finditer(text))
    if not heads:
        return split_page(text)
    articles, masked = [], []
    if text[: heads[0].start()].strip():
        preface, ranges = split_page(text[: heads[0].start()])
        articles.extend(preface)
        masked.extend(ranges)
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        article, ranges = _article(text, len(articles), head.start(), end, head.group(1).strip())
        articles.append(article)
        masked.extend(ranges)
        masked.append((head.start(), head.start(1)))  # the "# " marker itself
    return articles, masked


def split_page(text: str, extra: dict[str, str] | None = None) -> tuple[list[Article], list[tuple[int, int]]]:
    """A text page as one article: its first non-metadata line is the headline."""
    meta_ranges = _metadata(text, 0, len(text))[1]
    title = ""
    for line in re.finditer(r"[^\n]+", text):
        inside_meta = any(s <= line.start() < e for s, e in meta_ranges)
        if line.group().strip() and not inside_meta:
            title = line.group().strip()
            break
    if extra and extra.get("title"):
        title = extra["title"]
    if not text.strip():
        return [], []
    article, masked = _article(text, 0, 0, len(text), title, extra)
    return [article], masked


def mask_ranges(text: str, ranges: list[tuple[int, int]]) -> str:
    """``text`` with each range replaced by spaces (newlines kept), same length."""
    chars = list(text)
    for start, end in ranges:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)
