"""Names that read like places but that the gazetteer does not know.

"Clashes near Golovnoi" names a place even if no gazetteer row does: the
capitalised words after a locative preposition, or before a division word
("Shamsiddin Shohin district"), that no span covers are reported so users
know what to add with ``--gazetteer``.
"""

from __future__ import annotations

import re

from .matcher import is_headline, line_around
from .mention import Span

__all__ = ["unknown_place_names"]

_NAME = r"([A-ZА-ЯЁІЇЄҐ][\w'’-]+(?:[ \t]+[A-ZА-ЯЁІЇЄҐ][\w'’-]+){0,2})"
_AFTER_PREPOSITION = re.compile(
    r"\b(?:in|near|outside|around|at|from|towards?|village of|town of|city of|district of|"
    r"province of|region of)[ \t]+(?:the[ \t]+)?" + _NAME
)
_BEFORE_DIVISION = re.compile(
    _NAME + r"[ \t]+(?i:district|province|region|oblast|village|town|valley|river|mountains)\b",
)
# Calendar words follow "in" as often as places do ("in March", "on Monday").
_CALENDAR = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)


def unknown_place_names(text: str, spans: list[Span]) -> list[str]:
    """Place-like names in ``text`` that overlap none of ``spans``, in text order.

    >>> unknown_place_names("Water was cut near Golovnoi in March.", [])
    ['Golovnoi']
    """
    covered = [(s.start, s.end) for s in spans]
    names = []
    for pattern in (_AFTER_PREPOSITION, _BEFORE_DIVISION):
        for match in pattern.finditer(text):
            start, end = match.span(1)
            name = match.group(1)
            if name.split()[0].lower() in _CALENDAR:
                continue
            if any(s < end and start < e for s, e in covered):
                continue
            if is_headline(line_around(text, start, end)[1]):
                continue  # "... War in Seventeen Months": every word is capitalised there
            names.append((start, name))
    return [name for _, name in sorted(set(names))]
