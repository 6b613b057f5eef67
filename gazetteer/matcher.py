"""Find every piece of text that is written like a gazetteer name, at word boundaries.

The matcher is deliberately permissive about *which* place a span is and strict
about *how it is written*: a span must look like a proper name (capitalised,
or ALL CAPS), and the longest such span wins. Deciding whether "Georgia" is the
country or the state, or whether "Ararat" is a person, is the resolver's job.
"""

from __future__ import annotations

import functools
import re

import numpy as np

from .mention import Span, span_of
from .name_index import NameIndex
from .normalize import fold_code_points
from .qualifiers import PREFIX_QUALIFIERS, QUALIFIERS, strip_qualifier

__all__ = ["GazetteerMatcher", "is_article_joined", "is_headline", "line_around", "looks_like_name"]

_QUALIFIER_AFTER = re.compile(
    r"[ \t]+(" + "|".join(sorted((re.escape(q) for q in QUALIFIERS), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_QUALIFIER_BEFORE = re.compile(
    r"\b(" + "|".join(q.replace(" ", r"[ \t]+") for q in PREFIX_QUALIFIERS) + r")[ \t]+$", re.IGNORECASE)

# Lower-case words that may sit inside a proper name ("Gulf of Aden", "Rostov-on-Don").
_NAME_PARTICLES = frozenset(
    "of the and on upon de del della di da do dos das du des la le les el al en y e i "
    "van von der den am an im na nad pod sur bin ibn".split()
)
# The Arabic article as news transliterates it, assimilated or not ("ash-Sham", "ez-Zor").
_ARABIC_ARTICLES = frozenset("al el ad ed an en ar er as es ash esh at et az ez ul".split())
# Generic words that end many names and are often written lower-case in running text.
_GENERIC_HEADS = frozenset(
    "corridor road valley river sea gulf strait lake mountains mountain range desert plateau "
    "peninsula island islands bay basin canal gorge pass steppe region".split()
)
_SENTENCE_END = re.compile(r"[.!?:;\n\"“”«»]\s*$")
_MAX_WORDS = 8  # the longest names news uses ("Bosnia and Herzegovina", "Gorno-Badakhshan Autonomous Region")
_LOOKUP_MEMO_MAX = 500_000
_LINE_WORD = re.compile(r"[^\W\d_][\w'’-]*")


# Is each Basic Multilingual Plane code point an upper-case letter (str.isupper of the character)?
_BMP_UPPER = np.array([chr(c).isupper() for c in range(0x10000)], dtype=bool)


def _is_upper(codes: np.ndarray) -> np.ndarray:
    """``chr(code).isupper()`` for each code point, looked up in a table."""
    upper = _BMP_UPPER[np.minimum(codes, 0xFFFF)]
    for i in np.flatnonzero(codes > 0xFFFF).tolist():  # (rare: letters beyond the BMP)
        upper[i] = chr(codes[i]).isupper()
    return upper


_PREFIX_QUALIFIER_ENDS = tuple({q.split()[-1] for q in PREFIX_QUALIFIERS})
# The characters that may end the word before a prefix qualifier's name ("of", "viloyati"), or
# a blank when more than one blank follows it.
_PREFIX_QUALIFIER_LAST = frozenset(
    " \t" + "".join(end[-1] + end[-1].upper() for end in _PREFIX_QUALIFIER_ENDS))


def _may_follow_prefix_qualifier(text: str, start: int) -> bool:
    """A cheap test before the regex: do the words before ``start`` end like "city of"?"""
    return (start > 1 and text[start - 1] in " \t"
            and text[start - 2] in _PREFIX_QUALIFIER_LAST  # (checked first: rules out most words)
            and text[max(0, start - 20):start].rstrip(" \t").lower().endswith(_PREFIX_QUALIFIER_ENDS))


def is_article_joined(word: str) -> bool:
    """True for an Arabic article joined to a capitalised word: "ez-Zor", "al-Balah", "el-Sheikh".

    >>> is_article_joined("al-Balah"), is_article_joined("Al-Bab"), is_article_joined("al-based")
    (True, True, False)
    """
    article, dash, rest = word.partition("-")
    return bool(dash) and article.lower() in _ARABIC_ARTICLES and rest[:1].isupper()


def looks_like_name(surface: str) -> bool:
    """True when ``surface`` is capitalised the way a proper name is.

    After the first word, particles ("of", "on"), generic heads ("the
    Lachin corridor", "the Fergana valley") and Arabic articles ("Deir
    ez-Zor") may be lower-case.

    >>> looks_like_name("Gulf of Aden"), looks_like_name("wake up"), looks_like_name("KHATLON")
    (True, False, True)
    >>> looks_like_name("Lachin corridor"), looks_like_name("corridor of Lachin")
    (True, False)
    >>> looks_like_name("Sharm el-Sheikh"), looks_like_name("Deir ez-zor")
    (True, False)
    """
    words = surface.split()
    if not words or not words[0][:1].isupper():
        return False
    return all(w[:1].isupper() or not w[:1].isalpha() or w.lower() in _NAME_PARTICLES
               or w.lower() in _GENERIC_HEADS or is_article_joined(w) for w in words[1:])


def line_around(text: str, start: int, end: int) -> tuple[int, str]:
    """``(offset, line)``: the line of ``text`` that holds ``text[start:end]``."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return line_start, text[line_start:line_end if line_end >= 0 else len(text)]


def is_headline(line: str) -> bool:
    """A short line, not ending a sentence, whose longer words are (almost) all capitalised."""
    if len(line) > 200 or line.rstrip().endswith((".", ",", ";")):
        return False
    words = [w for w in _LINE_WORD.findall(line) if len(w) > 3]
    if len(words) < 2:
        return False
    capitalised = sum(w[0].isupper() for w in words)
    return capitalised >= 0.8 * len(words)


@functools.lru_cache(maxsize=4096)  # (the same few endings, "  ", ". ", "in ", over and over)
def _ends_sentence(before: str) -> bool:
    """Do the three characters ``before`` a word end a sentence?"""
    return bool(_SENTENCE_END.search(before))


def _blank_line_between(text: str, end: int, start: int) -> bool:
    """A name never spans a blank line (nor a masked metadata line): "Khatlon\n\nProvince"."""
    return text.count("\n", end, start) >= 2


def _words(text: str) -> tuple[str, list[int], list[int], list[int]]:
    """``(folded, starts, ends, capitalised)``: ``text`` folded, where each of its words starts
    and ends, and the numbers of the words that start with a capital letter."""
    # ("surrogatepass": a lone surrogate from a damaged file is just another character.)
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    folded = fold_code_points(codes)
    # Folding leaves letters and digits, and spaces for everything else: the words are the
    # runs of non-spaces, and a gram is its words one-spaced, so "St. Petersburg" and
    # "Khatlon\r\nProvince" match. (Only the few words looked up are cut out of it.)
    folded_text = folded.tobytes().decode("utf-32-le", "surrogatepass")
    letter = np.zeros(len(folded) + 2, dtype=bool)
    letter[1:-1] = folded != 32
    edges = np.flatnonzero(letter[1:] != letter[:-1])  # where each word starts, then ends
    capitalised = np.flatnonzero(_is_upper(codes[edges[::2]])).tolist()
    bounds = edges.tolist()
    return folded_text, bounds[::2], bounds[1::2], capitalised


def _longer_runs(text: str, folded: str, starts: list[int], ends: list[int], runs: list[int],
                 grams: list[str], answers: list[tuple[int, bool]],
                 length: int) -> tuple[list[int], list[str]]:
    """The runs of ``length`` words (numbered by their first word) whose gram begins a longer
    name, one word longer, and their grams; a run never goes past a blank line."""
    longer, longer_grams = [], []
    for i, gram, (_, more) in zip(runs, grams, answers):
        added = i + length
        # (A gap of one character holds no blank line: most words are one blank apart.)
        if more and added < len(starts) and (starts[added] - ends[added - 1] < 2
                                            or not _blank_line_between(text, ends[added - 1], starts[added])):
            longer.append(i)
            longer_grams.append(gram + " " + folded[starts[added]:ends[added]])
    return longer, longer_grams


class GazetteerMatcher:
    """Dictionary search of a :class:`~gazetteer.name_index.NameIndex` over text.

    Parameters
    ----------
    index : NameIndex
        The gazetteer's name index (``Gazetteer.names``).
    """

    def __init__(self, index: NameIndex):
        self.index = index
        # Folded n-gram -> (key number or -1, does a longer name start with it). Texts reuse
        # the same capitalised words and names, so most lookups are answered here.
        self._lookups: dict[str, tuple[int, bool]] = {}

    def find(self, text: str) -> list[Span]:
        """Every non-overlapping, name-like span of ``text`` that names a place, leftmost-longest."""
        longest = self._longest_matches(text)
        spans, last_end = [], 0
        headlines: dict[int, bool] = {}  # line start -> is it a headline (computed once per line)
        for word in sorted(longest):  # (words are numbered in text order)
            start, end, key, number = longest[word]
            if start >= last_end:
                spans.append(self._span(text, start, end, key, number, headlines))
                last_end = spans[-1].end
        return spans

    def _longest_matches(self, text: str) -> dict[int, tuple[int, int, str, int]]:
        """Word number -> ``(start, end, key, key number)`` of the longest name-like match
        that starts at that word, for words that start with a capital letter.

        Words are looked up in rounds: first every capitalised word, then the
        two-word runs whose first word begins some longer name, and so on.
        (Only the longest match at a word can win: a shorter one ends inside it.)
        """
        folded, starts, ends, capitalised = _words(text)
        longest = {}
        # Run i: words i to i + length - 1; its gram: those words folded, one-spaced.
        runs, grams = capitalised, [folded[starts[i]:ends[i]] for i in capitalised]
        length = 1
        while runs:
            answers = self._look_up(grams)
            for i, gram, (number, _) in zip(runs, grams, answers):
                # (A one-word match is written like a name: it starts at the capital that began the lookup.)
                if number >= 0 and (length == 1 or looks_like_name(text[starts[i]:ends[i + length - 1]])):
                    longest[i] = (starts[i], ends[i + length - 1], gram, number)
            if length == _MAX_WORDS:
                break
            # The runs that begin longer names, one word longer (not past a blank line).
            runs, grams = _longer_runs(text, folded, starts, ends, runs, grams, answers, length)
            length += 1
        return longest

    def _look_up(self, grams: list[str]) -> list[tuple[int, bool]]:
        """``(key number or -1, extendable)`` per gram, from the memo or the index."""
        lookups = self._lookups
        if len(lookups) > _LOOKUP_MEMO_MAX:
            lookups.clear()  # a bound on memory for endless streams of new words
        answers = list(map(lookups.get, grams))
        if None in answers:  # (new grams are looked up all at once)
            missing = list({gram for gram, answer in zip(grams, answers) if answer is None})
            numbers, extendable = self.index.lookup_many(missing)
            lookups.update(zip(missing, zip(numbers.tolist(), extendable.tolist())))
            answers = [lookups[gram] for gram in grams]
        return answers

    def _span(self, text: str, start: int, end: int, key: str, number: int,
              headlines: dict[int, bool]) -> Span:
        qualifier = ""
        after = _QUALIFIER_AFTER.match(text, end)
        if after:
            qualifier = QUALIFIERS[after.group(1).lower()]
            end = after.end()
        else:
            qualifier = strip_qualifier(key)[1]  # a name that includes its qualifier
            before = (_QUALIFIER_BEFORE.search(text, max(0, start - 20), start)
                      if _may_follow_prefix_qualifier(text, start) else None)
            if before:
                qualifier = PREFIX_QUALIFIERS[" ".join(before.group(1).lower().split())]
        line_start = text.rfind("\n", 0, start) + 1
        if line_start not in headlines:
            headlines[line_start] = is_headline(line_around(text, start, end)[1])
        sentence_initial = start == line_start or _ends_sentence(text[max(0, start - 3):start])
        return span_of(start, end, text[start:end], key, number, qualifier, headlines[line_start],
                       sentence_initial)
