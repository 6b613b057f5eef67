"""Untrusted text into HTML that is itself embedded in JavaScript strings.

Folium puts popup and tooltip HTML inside JavaScript template literals, where
``${...}`` runs as code and a backslash starts an escape sequence. Article text
is written by strangers, so every character that means something to HTML or to
a template literal becomes a character reference, which the browser shows as
the character itself.
"""

from __future__ import annotations

import html

__all__ = ["escape_text", "safe_url"]

_TEMPLATE_LITERAL = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"})


def escape_text(text: object) -> str:
    """``text`` as inert HTML, safe inside a JS template literal too.

    >>> escape_text("<img src=x onerror=alert(1)> ${6*7} `C:\\\\x`")
    '&lt;img src=x onerror=alert(1)&gt; &#36;&#123;6*7&#125; &#96;C:&#92;x&#96;'
    """
    return html.escape(str(text), quote=True).translate(_TEMPLATE_LITERAL)


def safe_url(url: str) -> str:
    """``url`` when it is an http(s) link, else ``""`` (no ``javascript:`` links)."""
    url = url.strip()
    return url if url.lower().startswith(("http://", "https://")) else ""
