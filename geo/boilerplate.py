"""Lines that open the non-article part of a page: comment forms, share bars, teaser lists.

Everything from such a line to the end of its article is left out of what is
geoparsed ("Similar Posts" is followed by other articles' headlines, whose
places are not this article's). Blog platforms write them in English, Russian
and Ukrainian; a line must be the marker and nothing else (with an optional
colon or count), so an article sentence that starts with "Read more" is not one.
"""

from __future__ import annotations

import re

__all__ = ["is_boilerplate_marker"]

_MARKERS = [
    # English
    "similar posts", "similar articles", "related posts", "related articles", "related stories",
    "related", "recent posts", "recent articles", "latest posts", "latest news", "more stories",
    "more from", "more news", "you may also like", "you might also like", "read more", "read also",
    "also read", "see also", "popular posts", "most popular", "most read", "trending", "trending now",
    "leave a reply", "leave a comment", "post a comment", "add a comment", "comments", "comment",
    "responses", "share this", "share this article",
    "share", "share on facebook", "share on twitter", "follow us", "subscribe",
    "subscribe to our newsletter", "sign up for our newsletter", "tags", "categories",
    "filed under", "about the author", "advertisement",
    # Russian
    "похожие записи", "похожие статьи", "похожие публикации", "читайте также", "читать также",
    "другие новости", "последние новости", "последние записи", "свежие записи", "популярное",
    "поделиться", "поделитесь", "оставить комментарий", "добавить комментарий", "комментарии",
    "ответить", "подписывайтесь", "подпишитесь",
    "метки", "рубрики", "теги",
    # Ukrainian
    "схожі записи", "схожі статті", "читайте також", "інші новини", "останні новини",
    "останні записи", "популярне", "поділитися", "залишити коментар", "додати коментар",
    "коментарі", "відповісти", "підписуйтесь", "підпишіться", "мітки", "рубрики", "теги",
]
# Comment-form notices go on with more text on the same line ("... Required fields are marked *").
_NOTICE_PREFIXES = [
    "your email address will not be published", "ваш адрес email не будет опубликован",
    "ваша адреса електронної пошти не буде опублікована",
]
_NOTICE = re.compile(r"[^\S\n]*(?:" + "|".join(re.escape(p) for p in _NOTICE_PREFIXES) + r")", re.IGNORECASE)
_MARKER = re.compile(
    r"[^\S\n]*(?:" + "|".join(re.escape(m) for m in sorted(set(_MARKERS), key=len, reverse=True)) + r")"
    r"[^\S\n]*(?:\(\d+\)|\d+)?[^\S\n]*[:.!…]?[^\S\n]*\*?[^\S\n]*",
    re.IGNORECASE,
)


def is_boilerplate_marker(line: str) -> bool:
    """True when ``line`` is a footer heading such as "Similar Posts" or "Комментарии (3)".

    >>> is_boilerplate_marker("Similar Posts"), is_boilerplate_marker("Leave a Reply")
    (True, True)
    >>> is_boilerplate_marker("Read more about the clashes in Batken.")
    False
    """
    return bool(_MARKER.fullmatch(line) or _NOTICE.match(line))
