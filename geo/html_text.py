"""Article text and metadata out of an HTML page (standard library only).

Kept: the text of the page's body, one line per block element. Left out:
scripts and styles, navigation, sidebars and footers, forms, and any element
whose class or id names page furniture (``comments``, ``share``,
``related-posts``, ``newsletter``, ``sidebar``...). Metadata comes from the
page itself: ``<meta>`` tags (Open Graph, Dublin Core...), JSON-LD
(``NewsArticle``: headline, datePublished, author, publisher, url), the first
``<time datetime>``, the canonical link. A page with several ``<article>``
elements (a blog's front page) yields one range of text per article, each
with its own headline and date.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .dates import parse_date

__all__ = ["HtmlArticle", "HtmlPage", "extract_html"]

# Elements whose content is never article text.
_SKIP = frozenset({"script", "style", "nav", "aside", "form", "noscript", "template", "svg",
                   "button", "select", "iframe", "footer", "textarea", "label"})
# Elements that end a line of text.
_BLOCK = frozenset({"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "article",
                    "section", "blockquote", "pre", "ul", "ol", "table", "figcaption", "title",
                    "header", "main", "dd", "dt", "hr", "time"})
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "source", "wbr", "area", "base", "col"})
# Class or id words of page furniture (matched as whole words of a class/id: "comment-list").
_FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:comments?|commentlist|respond|reply|share|sharing|sharedaddy|social|related|"
    r"relatedposts|newsletter|subscribe|subscription|sidebar|widget|menu|navbar|breadcrumbs?|cookie|"
    r"cookies|advert|advertisement|ads|promo|popular|trending|recommended|tags|author-bio)(?:$|[\s_-])",
    re.IGNORECASE)
_DATE_META = ("date", "article:published_time", "pubdate", "publishdate", "dc.date", "dc.date.issued",
              "og:published_time", "datepublished", "sailthru.date", "parsely-pub-date",
              "article:modified_time")


@dataclass(frozen=True)
class HtmlArticle:
    """One ``<article>`` element's range in :attr:`HtmlPage.text`, with its own headline and date."""

    start: int
    end: int
    title: str = ""
    date: str = ""


@dataclass
class HtmlPage:
    """What :func:`extract_html` finds: the text (headline first) and the page's metadata."""

    text: str
    title: str = ""
    date: str = ""
    author: str = ""
    source: str = ""
    url: str = ""
    meta: dict = field(default_factory=dict)
    articles: list[HtmlArticle] = field(default_factory=list)


class _Extractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # open elements: (tag, skipped)
        self.skip_depth = 0
        self.parts: list[str] = []
        self.length = 0  # characters in parts so far, for article ranges
        self.meta: dict[str, str] = {}
        self.canonical = ""
        self.title = ""
        self.in_title = False
        self.json_ld: list[str] = []
        self.in_json_ld = False
        self.headings: list[tuple[str, str]] = []  # (tag, text) of h1/h2 in reading order
        self.heading: list[str] | None = None
        self.times: list[str] = []
        self.articles: list[dict] = []  # {"start", "end", "h": [...], "time": [...]}
        self.article_depth = 0

    def _emit(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def handle_starttag(self, tag, attrs):
        attributes = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (attributes.get("name") or attributes.get("property") or attributes.get("itemprop") or "").lower()
            if key and "content" in attributes:
                self.meta.setdefault(key, attributes["content"].strip())
            return
        if tag == "link":
            if "canonical" in attributes.get("rel", "").lower():
                self.canonical = attributes.get("href", "").strip()
            return
        if tag == "title":
            self.in_title = True
        if tag == "script" and "ld+json" in attributes.get("type", "").lower():
            self.in_json_ld = True
        if tag in _VOID:
            if tag in _BLOCK and not self.skip_depth:
                self._emit("\n")
            return
        furniture = _FURNITURE.search(f"{attributes.get('class', '')} {attributes.get('id', '')}")
        skipped = tag in _SKIP or bool(furniture) or (tag == "header" and not self.article_depth
                                                      and not self.articles)
        self.stack.append((tag, skipped))
        if skipped:
            self.skip_depth += 1
            return
        if self.skip_depth:
            return
        if tag == "article":
            if not self.article_depth:
                self.articles.append({"start": self.length, "end": None, "h": [], "time": []})
            self.article_depth += 1
        if tag == "time" and attributes.get("datetime"):
            self.times.append(attributes["datetime"])
            if self.article_depth:
                self.articles[-1]["time"].append(attributes["datetime"])
        if tag in ("h1", "h2"):
            self.heading = []
        if tag in _BLOCK:
            self._emit("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if tag == "script":
            self.in_json_ld = False
        if tag in _VOID:
            return
        # Close up to the matching element; HTML in the wild leaves elements unclosed.
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                for open_tag, skipped in reversed(self.stack[depth:]):
                    self._close(open_tag, skipped)
                del self.stack[depth:]
                break

    def _close(self, tag: str, skipped: bool) -> None:
        if skipped:
            self.skip_depth -= 1
            return
        if self.skip_depth:
            return
        if tag in ("h1", "h2") and self.heading is not None:
            text = " ".join("".join(self.heading).split())
            self.headings.append((tag, text))
            if self.article_depth:
                self.articles[-1]["h"].append((tag, text))
            self.heading = None
        if tag in _BLOCK:
            self._emit("\n")
        if tag == "article" and self.article_depth:
            self.article_depth -= 1
            if not self.article_depth:
                self.articles[-1]["end"] = self.length

    def parse_html_declaration(self, i):
        # Python's parser raises AssertionError on a "<![" it cannot read ('<!["'); HTML reads
        # any such declaration as a bogus comment, up to the next ">".
        try:
            return super().parse_html_declaration(i)
        except AssertionError:
            return self.parse_bogus_comment(i)

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        if self.in_json_ld:
            self.json_ld.append(data)
        if self.skip_depth or self.in_title:
            return
        if self.heading is not None:
            self.heading.append(data)
        self._emit(data)


def _ld_text(value) -> str:
    """A JSON-LD value as text: a string, or the ``name`` of an object ("author": {"name": ...})."""
    if isinstance(value, dict):
        value = value.get("name", "")
    if not isinstance(value, str):
        return ""
    # A "\ud800" escape without its other half is no character, and no UTF-8 output holds it.
    return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace").strip()


def _json_ld_article(blobs: list[str]) -> dict[str, str]:
    """headline, date, author, source and url of the first JSON-LD article object."""
    for blob in blobs:
        try:
            data = json.loads(blob)
        except (ValueError, RecursionError):  # (RecursionError: arrays thousands deep)
            continue  # broken JSON-LD is common; the other metadata still counts
        if isinstance(data, dict):
            data = data.get("@graph", data)  # a list of items, one item, or junk ("@graph": null)
        items = data if isinstance(data, list) else [data]
        for item in items:
            if not isinstance(item, dict) or "headline" not in item and "datePublished" not in item:
                continue
            author = item.get("author")
            if isinstance(author, list):
                author = author[0] if author else ""
            page = item.get("mainEntityOfPage")
            return {
                "title": _ld_text(item.get("headline")),
                "date": _ld_text(item.get("datePublished")),
                "author": _ld_text(author),
                "source": _ld_text(item.get("publisher")),
                "url": _ld_text(item.get("url")) or _ld_text(page.get("@id") if isinstance(page, dict) else page),
            }
    return {}


_WHITESPACE = re.compile(r"\s+")


def _tidy(text: str, offsets: list[int]) -> tuple[str, dict[int, int]]:
    """Collapse the markup's whitespace (one space inside lines, at most one blank line
    between blocks); also return where each of ``offsets`` lands in the result."""
    pieces: list[str] = []
    length = last = 0
    wanted = sorted(set(offsets), reverse=True)  # popped from the end, smallest first
    moved: dict[int, int] = {}
    for gap in [*_WHITESPACE.finditer(text), None]:
        gap_start, gap_end = (gap.start(), gap.end()) if gap else (len(text), len(text) + 1)
        while wanted and wanted[-1] < gap_start:  # inside a run of text: same distance from its start
            offset = wanted.pop()
            moved[offset] = length + offset - last
        pieces.append(text[last:gap_start])
        length += gap_start - last
        while wanted and wanted[-1] < gap_end:  # inside whitespace: where the gap starts
            moved[wanted.pop()] = length
        if gap is None:
            break
        newlines = gap.group().count("\n")
        separator = "\n\n" if newlines >= 2 else "\n" if newlines else " "
        if length and gap_end < len(text):
            pieces.append(separator)
            length += len(separator)
        last = gap_end
    return "".join(pieces) + "\n", moved


def extract_html(markup: str) -> HtmlPage:
    """The readable text of ``markup`` and its title, date, author, outlet and URL.

    >>> page = extract_html("<title>T</title><nav>Menu</nav><h1>Clash</h1><p>In Batken.</p>")
    >>> page.text, page.title
    ('Clash\\n\\nIn Batken.\\n', 'Clash')
    """
    parser = _Extractor()
    parser.feed(markup)
    parser.close()
    raw = "".join(parser.parts)
    complete = [a for a in parser.articles if a["end"] is not None]
    text, moved = _tidy(raw, [a["start"] for a in complete] + [a["end"] for a in complete])
    meta = parser.meta
    ld = _json_ld_article(parser.json_ld)
    h1 = next((t for tag, t in parser.headings if tag == "h1" and t), "")
    date = (ld.get("date") or next((meta[k] for k in _DATE_META if meta.get(k)), "")
            or (parser.times[0] if parser.times else ""))
    articles = []
    if len(complete) > 1:
        for found in complete:
            heading = next((t for _, t in found["h"] if t), "")
            articles.append(HtmlArticle(moved[found["start"]], moved[found["end"]], heading,
                                        parse_date(found["time"][0]) if found["time"] else ""))
    return HtmlPage(
        text=text,
        title=" ".join((ld.get("title") or h1 or meta.get("og:title") or parser.title).split()),
        date=parse_date(date),
        author=ld.get("author") or meta.get("author", "") or meta.get("article:author", ""),
        source=ld.get("source") or meta.get("og:site_name", ""),
        url=parser.canonical or meta.get("og:url", "") or ld.get("url", ""),
        meta=meta,
        articles=articles,
    )
