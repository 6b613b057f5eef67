"""How common each gazetteer name is as an ordinary word, from the wordfreq lists.

"March", "Deal", "Of" and "The" are all names of some place; at the start of a
sentence or in a Title-Case headline their capital letter proves nothing. The
resolver asks for more evidence when a name is a common word, and this table
(name key -> Zipf frequency in English and Russian) is where it learns that.
Only keys at or above ``MIN_ZIPF`` in either language are kept, which keeps the
file small. wordfreq's data is CC BY-SA 4.0 (Robyn Speer); see README.
"""

from __future__ import annotations

import pandas as pd

from ..normalize import fold_name

__all__ = ["MIN_ZIPF", "frequency_table"]

MIN_ZIPF = 2.5
_MAX_WORDS = 3  # longer names are never everyday phrases


def frequency_table(names: list[str]) -> pd.DataFrame:
    """``key, zipf_en, zipf_ru`` for the folded ``names`` that are common words, sorted by key."""
    from wordfreq import zipf_frequency  # build-time only: pip install -e '.[build]'

    rows = []
    for key in sorted({fold_name(name) for name in names}):
        if len(key.split()) > _MAX_WORDS:
            continue
        english, russian = zipf_frequency(key, "en"), zipf_frequency(key, "ru")
        if max(english, russian) >= MIN_ZIPF:
            rows.append((key, english, russian))
    return pd.DataFrame(rows, columns=["key", "zipf_en", "zipf_ru"]).astype(
        {"key": "string", "zipf_en": "float32", "zipf_ru": "float32"}
    )
