"""Split a page's text into articles and sections, read their metadata, drop boilerplate.

A page is read as *units*: a line standing alone between blank lines, or a
paragraph of several lines. Metadata lines (see :mod:`.metadata_lines`) are
taken out of the units first and read into the article they sit in.

* The first unit, when it is a single line, is the headline (a date before it
  on the same line is metadata: ``date 2024-03-31 Citizens of ...``).
* A later headline-like line (short, no final period, not bulleted) starts a
  new **article** when metadata follows it (``date ...``, ``By ...``), or, on
  pages whose first headline has no metadata either, when it is a Title-Case
  headline of six words or more followed by text: articles glued together with
  only their headlines between them. Otherwise it is a **section** heading
  (so is a bulleted line followed by text: "* Border Skirmishes Are ...").
* A boilerplate marker ("Similar Posts", "Leave a Reply", "Комментарии") opens
  a footer that runs to the end of its article; short lines after an
  article's last paragraph (a teaser list of headlines) are dropped as well.

Markdown files hold one article per level-1 heading (``# Title``) and one
section per ``## `` heading; the same metadata and boilerplate rules apply
inside each. Every offset points into the text as given.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from .boilerplate import is_boilerplate_marker
from .dates import parse_date, year_of
from .document import Article, Section
from .metadata_lines import BULLET, MetaLine, read_meta_line

__all__ = ["split_markdown", "split_page", "mask_ranges"]

_H1 = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_H2 = re.compile(r"^##[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_LINE = re.compile(r"[^\n]*")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_MAX_HEADLINE_WORDS = 25
_MAX_HEADLINE_CHARS = 200
_MAX_FIRST_HEADLINE_WORDS = 35  # a first line ending in a period may still be the headline
_GLUED_HEADLINE_WORDS = 6       # a Title-Case line this long, with text under it, is another article
_SHORT_LINE_CHARS = 50          # lines of a paragraph block shorter than this are a list, not prose


@dataclass
class _Unit:
    """A line standing alone, or a paragraph; ``meta`` holds the metadata lines just after it."""

    start: int
    end: int
    text: str
    lines: int = 1
    meta: list[MetaLine] = field(default_factory=list)

    @property
    def single(self) -> bool:
        return self.lines == 1

    @property
    def bulleted(self) -> bool:
        return bool(BULLET.match(self.text))

    @property
    def marker(self) -> bool:
        return self.single and is_boilerplate_marker(self.text)

    @property
    def headline_like(self) -> bool:
        """Short, no sentence end: a headline, a section heading or a teaser."""
        if not self.single or len(self.text) > _MAX_HEADLINE_CHARS:
            return False  # (tested first: paragraphs are long, and finding their words is not cheap)
        words = _WORD.findall(self.text)
        return (0 < len(words) <= _MAX_HEADLINE_WORDS and not self.bulleted
                and not self.text.rstrip().endswith((".", ",", ";", ":")))

    @property
    def heading_text(self) -> str:
        return self.text[BULLET.match(self.text).end():].strip() if self.bulleted else self.text.strip()


def _title_case(text: str) -> bool:
    """Most words of four letters or more capitalised ("Clashes Near Vorukh Leave Two Dead")."""
    long_words = [w for w in _WORD.findall(text) if len(w) >= 4]
    return bool(long_words) and sum(w[0].isupper() for w in long_words) / len(long_words) >= 0.8


def _units(text: str, start: int, end: int, context_year: int | None) -> tuple[list[_Unit], list[MetaLine]]:
    """The content units of ``text[start:end]`` and every metadata line found there."""
    units: list[_Unit] = []
    all_meta: list[MetaLine] = []
    block: list[tuple[int, int]] = []

    def flush():
        if not block:
            return
        texts = [text[s:e] for s, e in block]
        if (len(block) > 1 and _Unit(*block[0], texts[0]).headline_like
                and any(len(t) >= _SHORT_LINE_CHARS for t in texts[1:])):
            units.append(_Unit(*block[0], texts[0]))  # a headline right above its first paragraph
            del block[0], texts[0]
        prose = len(block) > 1 and sum(len(t) >= _SHORT_LINE_CHARS for t in texts) * 2 >= len(block)
        if prose:
            units.append(_Unit(block[0][0], block[-1][1], text[block[0][0]:block[-1][1]], len(block)))
        else:
            units.extend(_Unit(s, e, text[s:e]) for s, e in block)
        block.clear()

    for line in _LINE.finditer(text, start, end):
        line_start, line_end = line.start(), line.end()
        if not text[line_start:line_end].strip():
            flush()
            continue
        meta = read_meta_line(text, line_start, line_end, context_year)
        if meta:
            all_meta.extend(meta)
            rest = meta[0].rest
            if rest < line_end and text[rest:line_end].strip():
                block.append((rest, line_end))  # the headline after "date 2024-03-31"
                continue
            flush()
            if units:
                units[-1].meta.extend(meta)
            continue
        block.append((line_start, line_end))
    flush()
    return units, all_meta


def _context_year(text: str, extra: dict[str, str] | None) -> int | None:
    """The year of the page: its own metadata's date, else the first dated metadata line."""
    if extra and extra.get("date"):
        return year_of(extra["date"])
    for line in _LINE.finditer(text):
        for meta in read_meta_line(text, line.start(), line.end()):
            if meta.key == "date":
                return year_of(meta.value)
    return None


def _meta_follows(units: list[_Unit], i: int) -> bool:
    """A date or byline right under the line, then prose: how a new article opens."""
    prose_next = i + 1 < len(units) and not units[i + 1].headline_like and not units[i + 1].marker
    return prose_next and any(m.key in ("date", "author") for m in units[i].meta)


def _starts_article(units: list[_Unit], i: int, first_has_meta: bool, first_title_case: bool,
                    in_footer: bool) -> bool:
    unit = units[i]
    if not unit.headline_like or unit.marker:
        return False
    if _meta_follows(units, i):
        return True
    if in_footer or first_has_meta or not first_title_case:
        return False
    body_after = i + 1 < len(units) and not units[i + 1].headline_like and not units[i + 1].marker
    return (body_after and _title_case(unit.text)
            and len(_WORD.findall(unit.text)) >= _GLUED_HEADLINE_WORDS)


def _is_section_heading(units: list[_Unit], i: int) -> bool:
    """A heading line with prose under it; a bulleted one only when it is no item of a list."""
    unit = units[i]
    following = units[i + 1] if i + 1 < len(units) else None
    if unit.marker or following is None or following.headline_like or following.bulleted or following.marker:
        return False
    if unit.bulleted:
        previous = units[i - 1] if i else None
        return (unit.single and len(unit.text) <= _MAX_HEADLINE_CHARS
                and len(_WORD.findall(unit.text)) <= _MAX_HEADLINE_WORDS
                and (previous is None or not previous.bulleted))
    return unit.headline_like


def _article_metadata(meta: list[MetaLine], start: int, end: int) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in meta:
        if start <= line.start < end:
            found.setdefault(line.key, line.value)
    return found


def _footer_and_teasers(units: list[_Unit]) -> int | None:
    """Index of the first unit to drop at the end of an article's units, or None."""
    for i, unit in enumerate(units):
        if unit.marker:
            return i
    last_prose = max((i for i, u in enumerate(units) if not u.headline_like and not u.bulleted), default=-1)
    trailing = units[last_prose + 1:]
    if last_prose >= 0 and len(trailing) >= 2 and all(u.headline_like for u in trailing):
        return last_prose + 1  # a list of other articles' headlines after the last paragraph
    return None


def _build_article(text: str, index: int, start: int, end: int, title: str, units: list[_Unit],
                   meta: list[MetaLine], extra: dict[str, str] | None, first_unit_is_title: bool,
                   context_year: int | None) -> tuple[Article, list[tuple[int, int]]]:
    masked = [(m.start, m.end) for m in meta if start <= m.start < end]
    drop = _footer_and_teasers(units)
    body_units = units if drop is None else units[:drop]
    content_end = end if drop is None else units[drop].start
    if drop is not None:
        masked.append((units[drop].start, end))
    found = {**(extra or {}), **_article_metadata(meta, start, content_end)}
    date = parse_date(found.get("date", ""), context_year=context_year)
    heads = [i for i in range(1 if first_unit_is_title else 0, len(body_units))
             if _is_section_heading(body_units, i)]
    sections = _sections(text, [title] + [body_units[i].heading_text for i in heads],
                         [start] + [body_units[i].start for i in heads] + [content_end])
    article = Article(index=index, title=title, start=start, end=end, date=date,
                      author=found.get("author", ""), source=found.get("source", ""),
                      url=found.get("url", ""), sections=sections)
    return article, masked


def split_page(text: str, extra: dict[str, str] | None = None,
               start: int = 0, end: int | None = None, first_index: int = 0
               ) -> tuple[list[Article], list[tuple[int, int]]]:
    """The articles of a text page and the ranges not to geoparse (metadata, boilerplate).

    ``extra`` is metadata known from elsewhere (an HTML page's tags, a table's
    columns): it fills the first article's title and any field its text lacks.
    """
    end = len(text) if end is None else end
    if not text[start:end].strip():
        return [], []
    context_year = _context_year(text, extra)
    units, meta = _units(text, start, end, context_year)
    if not units:
        return [], [(m.start, m.end) for m in meta]
    first = units[0]
    first_is_title = first.single and len(_WORD.findall(first.text)) <= _MAX_FIRST_HEADLINE_WORDS \
        and len(units) > 1 and not first.marker
    first_has_meta = bool(first.meta) or any(m.end <= first.start for m in meta)
    first_title_case = first_is_title and _title_case(first.text)
    starts = [0]
    in_footer = False
    for i in range(1, len(units)):
        if units[i].marker:
            in_footer = True
        if _starts_article(units, i, first_has_meta, first_title_case, in_footer):
            starts.append(i)
            in_footer = False
    articles, masked = [], []
    for k, unit_index in enumerate(starts):
        last = starts[k + 1] if k + 1 < len(starts) else len(units)
        a_start = start if k == 0 else units[unit_index].start
        a_end = units[last].start if last < len(units) else end
        own = units[unit_index:last]
        is_title = first_is_title if k == 0 else True
        title = own[0].text.strip() if is_title else ""
        if k == 0 and extra and extra.get("title"):
            title = extra["title"]
        article, ranges = _build_article(text, first_index + len(articles), a_start, a_end, title, own,
                                         meta, extra if k == 0 else None, is_title, context_year)
        masked.extend(ranges)
        if article.sections:  # (a page of nothing but boilerplate has no article)
            articles.append(article)
    return articles, masked


def split_markdown(text: str) -> tuple[list[Article], list[tuple[int, int]]]:
    """Articles of a Markdown document (one per ``# `` heading) and the ranges not to geoparse."""
    heads = list(_H1.finditer(text))
    if not heads:
        return split_page(text)
    articles, masked = [], []
    if text[: heads[0].start()].strip():
        articles, masked = split_page(text, end=heads[0].start())
    context_year = _context_year(text, None)
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        units, meta = _units(text, head.end(), end, context_year)
        title = head.group(1).strip()
        article, ranges = _build_article(text, len(articles), head.start(), end, title, units, meta,
                                         None, False, context_year)
        article = _with_markdown_sections(text, article, title)
        articles.append(article)
        masked.extend(ranges)
        masked.append((head.start(), head.start(1)))  # the "# " marker itself
    return articles, masked


def _with_markdown_sections(text: str, article: Article, title: str) -> Article:
    """``## `` headings are a Markdown article's sections (its text headings are not)."""
    content_end = max(s.end for s in article.sections) if article.sections else article.end
    heads = list(_H2.finditer(text, article.start, content_end))
    return dataclasses.replace(article, sections=_sections(
        text, [title] + [h.group(1).strip() for h in heads],
        [article.start] + [h.start() for h in heads] + [content_end]))


def _sections(text: str, titles: list[str], bounds: list[int]) -> tuple[Section, ...]:
    """Section ``k`` is ``titles[k]`` over ``text[bounds[k]:bounds[k + 1]]``; empty ones are left
    out and the rest numbered from 0."""
    kept = [(titles[k], bounds[k], bounds[k + 1]) for k in range(len(titles))
            if text[bounds[k]:bounds[k + 1]].strip()]
    return tuple(Section(k, t, s, e) for k, (t, s, e) in enumerate(kept))


def mask_ranges(text: str, ranges: list[tuple[int, int]]) -> str:
    """``text`` with each range replaced by spaces (newlines kept), same length."""
    chars = list(text)
    for start, end in ranges:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)
