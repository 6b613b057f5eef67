"""Article text and metadata out of an HTML page (standard library only)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["HtmlPage", "extract_html"]

# Elements whose content is never article text.
_SKIP = frozenset({"script", "style", "nav", "header", "footer", "aside", "form", "noscript",
                   "template", "svg", "button", "select", "iframe"})
# Elements that end a line of text.
_BLOCK = frozenset({"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "article",
                    "section", "blockquote", "pre", "ul", "ol", "table", "figcaption", "title"})
_DATE_META = ("date", "article:published_time", "pubdate", "publishdate", "dc.date",
              "og:published_time", "datepublished", "sailthru.date", "parsely-pub-date")


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


class _Extractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip_depth = 0
        self.in_title = False
        self.in_h1 = False
        self.title = ""
        self.h1 = ""
        self.parts: list[str] = []
        self.meta: dict[str, str] = {}
        self.canonical = ""

    def handle_starttag(self, tag, attrs):
        attributes = {k.lower(): (v or "") for k, v in attrs}
        if tag in _SKIP:
            self.skip_depth += 1
        elif tag == "meta":
            key = (attributes.get("name") or attributes.get("property") or
                   attributes.get("itemprop") or "").lower()
            if key and "content" in attributes:
                self.meta.setdefault(key, attributes["content"].strip())
        elif tag == "link" and "canonical" in attributes.get("rel", "").lower():
            self.canonical = attributes.get("href", "").strip()
        elif tag == "title":
            self.in_title = True
        elif tag == "h1":
            self.in_h1 = True
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP and self.skip_depth:
            self.skip_depth -= 1
        elif tag == "title":
            self.in_title = False
        elif tag == "h1":
            self.in_h1 = False
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self.in_title:
            self.title += data
            return
        if self.skip_depth:
            return
        if self.in_h1:
            self.h1 += data
        self.parts.append(data)


def _tidy(text: str) -> str:
    """Collapse the markup's whitespace: one space inside lines, one blank line between blocks."""
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def extract_html(markup: str) -> HtmlPage:
    """The readable text of ``markup`` and its title, date, author, outlet and URL.

    >>> page = extract_html("<title>T</title><nav>Menu</nav><h1>Clash</h1><p>In Batken.</p>")
    >>> page.text, page.title
    ('Clash\\n\\nIn Batken.\\n', 'Clash')
    """
    parser = _Extractor()
    parser.feed(markup)
    parser.close()
    meta = parser.meta
    date = next((meta[k] for k in _DATE_META if meta.get(k)), "")
    return HtmlPage(
        text=_tidy("".join(parser.parts)),
        title=" ".join((parser.h1 or meta.get("og:title") or parser.title).split()),
        date=date[:10] if re.match(r"\d{4}-\d{2}-\d{2}", date) else "",
        author=meta.get("author", "") or meta.get("article:author", ""),
        source=meta.get("og:site_name", ""),
        url=parser.canonical or meta.get("og:url", ""),
        meta=meta,
    )
