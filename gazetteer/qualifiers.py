"""Generic words that say what kind of division a name is: "Khatlon Province", "Viloyati Sughd".

They are handled by rule, not listed per place: the matcher folds a qualifier
into the mention and the resolver prefers the kind it asks for; ``lookup``
strips it when the full phrase is not itself a name.
"""

from __future__ import annotations

import functools

__all__ = ["QUALIFIERS", "PREFIX_QUALIFIERS", "strip_qualifier"]

#: Qualifier after a name -> the kind it asks for.
QUALIFIERS = {
    "autonomous region": "admin1", "autonomous oblast": "admin1", "autonomous republic": "admin1",
    "autonomous okrug": "admin1", "province": "admin1", "oblast": "admin1", "region": "admin1",
    "viloyat": "admin1", "governorate": "admin1", "prefecture": "admin1", "krai": "admin1",
    "kray": "admin1", "district": "admin2", "rayon": "admin2", "raion": "admin2",
    "county": "admin2", "municipality": "admin2", "state": "admin1",
}
#: Qualifier before a name ("Viloyati Sughd" in Tajik word order; "the town of Batken").
PREFIX_QUALIFIERS = {"viloyati": "admin1", "city of": "city", "town of": "city",
                     "village of": "city"}
_LONGEST_FIRST = sorted(QUALIFIERS.items(), key=lambda item: -len(item[0]))


@functools.lru_cache(maxsize=1 << 16)  # called for every span; names repeat
def strip_qualifier(key: str) -> tuple[str, str]:
    """``(name, kind asked for)`` of a folded key, or ``(key, "")`` without a qualifier.

    >>> strip_qualifier("nakhchivan autonomous republic")
    ('nakhchivan', 'admin1')
    >>> strip_qualifier("viloyati khatlon")
    ('khatlon', 'admin1')
    """
    for word, kind in _LONGEST_FIRST:
        if key.endswith(" " + word):
            return key[: -len(word) - 1], kind
    for word, kind in PREFIX_QUALIFIERS.items():
        if key.startswith(word + " "):
            return key[len(word) + 1:], kind
    return key, ""
