"""Folding text and names into one comparable form, one character for one.

The matcher runs over a *folded* copy of the article text. Folding maps every
character to exactly one character, so an offset in the folded text is the
same offset in the original: a snippet shown on a map is exactly what the file
says. Letters and digits are lower-cased and stripped of diacritics; every
other character (space, punctuation, apostrophe, hyphen) becomes a space, so
word boundaries, possessives ("Russia’s") and hyphenated compounds
("Kyrgyz-Tajik") need no special cases: ``" russia "`` is found in
``" russia s "`` and ``" kyrgyz "`` in ``" kyrgyz tajik "``.

>>> fold("Kyrgyz-Tajik clashes near Vorukh’s school")
'kyrgyz tajik clashes near vorukh s school'
>>> fold("Çanakkale, İzmir; ХАТЛОН")
'canakkale  izmir  хатлон'
>>> fold_name("  Côte d'Ivoire ")
'cote d ivoire'
"""

from __future__ import annotations

import unicodedata

import numpy as np

__all__ = ["fold", "fold_code_points", "fold_name"]

# Letters whose decomposition does not strip to an ASCII base.
_SPECIAL = {
    "ı": "i", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "ħ": "h", "ŧ": "t",
    "ß": "s", "æ": "a", "œ": "o", "þ": "t", "ŋ": "n", "ə": "e", "ʻ": " ", "ʼ": " ",
    # Cyrillic: fold the letters that Russian and Ukrainian writers interchange.
    # Й is a letter of its own, not И with a mark, so it is kept.
    "ё": "е", "й": "й", "ї": "і", "ґ": "г",
}


def _fold_char(char: str) -> str:
    if not (char.isalnum()):
        return " "
    lower = char.lower()
    if len(lower) != 1:  # e.g. "İ".lower() is two characters
        lower = unicodedata.normalize("NFD", char)[0].lower()
    if lower in _SPECIAL:
        return _SPECIAL[lower]
    if lower.isascii():
        return lower
    base = unicodedata.normalize("NFD", lower)[0]
    return base if base.isalnum() else lower


class _FoldTable(dict):
    """A ``str.translate`` table that computes and remembers each character's fold."""

    def __missing__(self, code_point: int) -> str:
        folded = _fold_char(chr(code_point))
        self[code_point] = folded
        return folded


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Fold ``text`` for matching; the result has exactly ``len(text)`` characters."""
    return text.translate(_TABLE)


# fold() per code point of the Basic Multilingual Plane, filled in as characters are met.
_UNSEEN = 0xFFFFFFFF
_BMP_FOLD = np.full(0x10000, _UNSEEN, dtype=np.uint32)


def fold_code_points(codes: np.ndarray) -> np.ndarray:
    """``fold`` of the text whose code points are ``codes`` (uint32), as code points.

    A table lookup, many times faster than ``str.translate`` on long texts.

    >>> codes = np.frombuffer("Vorukh’s".encode("utf-32-le"), dtype=np.uint32)
    >>> fold_code_points(codes).tobytes().decode("utf-32-le")
    'vorukh s'
    """
    if len(codes) and int(codes.max()) > 0xFFFF:  # (rare: characters beyond the BMP)
        text = codes.tobytes().decode("utf-32-le", "surrogatepass")
        return np.frombuffer(fold(text).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    folded = _BMP_FOLD[codes]
    unseen = folded == _UNSEEN
    if unseen.any():
        for code in np.unique(codes[unseen]).tolist():
            _BMP_FOLD[code] = ord(_TABLE[code])
        folded = _BMP_FOLD[codes]
    return folded


def fold_name(name: str) -> str:
    """Fold a gazetteer name into its matching key: folded, single-spaced, trimmed."""
    return " ".join(fold(name).split())

