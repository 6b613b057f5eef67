"""Names that read like places but that the gazetteer does not know.

"Clashes near Golovnoi" names a place even if no gazetteer row does: the
capitalised words after a locative preposition, or before a division word
("Shamsiddin Shohin district"), that no span covers are reported so users
know what to add with ``--gazetteer``.
"""

from __future__ import annotations

import bisect
import itertools
import re

from .matcher import is_headline, line_around
from .mention import Span
from .normalize import fold_name

__all__ = ["unknown_place_names", "unknown_place_spans"]

# (Possessive "++": a word never gives back letters, since only a blank may follow it; this
# spares the regex trying every shorter word at every capital.)
_NAME = r"([A-ZА-ЯЁІЇЄҐ][\w'’-]++(?:[ \t]+[A-ZА-ЯЁІЇЄҐ][\w'’-]++){0,2})"
_AFTER_PREPOSITION = re.compile(
    r"\b(?:in|near|outside|around|at|from|towards?|village of|town of|city of|district of|"
    r"province of|region of)[ \t]+(?:the[ \t]+)?" + _NAME
)
_DIVISION_WORDS = "district province region oblast village town valley river mountains".split()
_BEFORE_DIVISION = re.compile(_NAME + r"[ \t]+(?i:" + "|".join(_DIVISION_WORDS) + r")\b")
_NAME_GOES_ON = re.compile(r"[ \t]+[A-ZА-ЯЁІЇЄҐ]")  # another capitalised word after the longest name taken
# Calendar words follow "in" as often as places do ("in March", "on Monday").
_CALENDAR = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)


class _Coverage:
    """Does ``[start, end)`` overlap any of ``spans``? In log time, since a page has many spans."""

    def __init__(self, spans: list[Span]):
        ordered = sorted((s.start, s.end) for s in spans)
        self._starts = [start for start, _ in ordered]
        # Per span in start order: the furthest end of it and the spans before it.
        self._max_ends = list(itertools.accumulate((end for _, end in ordered), max))

    def overlaps(self, start: int, end: int) -> bool:
        before = bisect.bisect_left(self._starts, end)  # the spans starting before ``end``
        return before > 0 and self._max_ends[before - 1] > start


def _candidates(text: str, spans: list[Span]) -> set[tuple[int, int, str]]:
    """``(start, end, name)`` of every place-like name that overlaps none of ``spans``."""
    covered = _Coverage(spans)
    found = set()
    lowered = text.lower()
    # (A text without a division word spares the second scan, which tries every capital.)
    patterns = [_AFTER_PREPOSITION] + ([_BEFORE_DIVISION] if any(w in lowered for w in _DIVISION_WORDS) else [])
    for pattern in patterns:
        for match in pattern.finditer(text):
            start, end = match.span(1)
            name = match.group(1)
            if name.split()[0].lower() in _CALENDAR:
                continue
            if pattern is _AFTER_PREPOSITION and _NAME_GOES_ON.match(text, end):
                continue  # "at the United Nations Security Council": four names in a row are no place
            if covered.overlaps(start, end):
                continue
            if is_headline(line_around(text, start, end)[1]):
                continue  # "... War in Seventeen Months": every word is capitalised there
            found.add((start, end, name))
    return found


def unknown_place_names(text: str, spans: list[Span]) -> list[str]:
    """Place-like names in ``text`` that overlap none of ``spans``, in text order.

    >>> unknown_place_names("Water was cut near Golovnoi in March.", [])
    ['Golovnoi']
    >>> unknown_place_names("Envoys met at the United Nations Security Council.", [])
    []
    >>> unknown_place_names("Shelling hit the Shamsiddin Shohin District.", [])
    ['Shamsiddin Shohin']
    """
    return [name for _, name in sorted({(start, name) for start, _, name in _candidates(text, spans)})]


def unknown_place_spans(text: str, spans: list[Span]) -> list[Span]:
    """Where :func:`unknown_place_names` found its names: non-overlapping spans in text order.

    Of overlapping finds the one starting first (then the longest) is kept;
    ``key`` is the folded name and ``key_number`` is -1 (no gazetteer name).

    >>> [(s.start, s.end, s.surface) for s in unknown_place_spans("Shelling hit Golovnoi village.", [])]
    [(13, 21, 'Golovnoi')]
    """
    kept: list[Span] = []
    for start, end, name in sorted(_candidates(text, spans), key=lambda c: (c[0], -c[1])):
        if kept and start < kept[-1].end:
            continue
        kept.append(Span(start, end, name, fold_name(name)))
    return kept
