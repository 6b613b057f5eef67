"""The names table: cleaning, filtering, script detection and de-duplication.

Every place gets its own name as a ``canonical`` row; the other names the parts
of the build collected are cleaned (:func:`names.clean`), alternates are
filtered (:func:`names.is_good_alternate`), names that are not wholly Latin or
wholly Cyrillic are dropped, and when a place has the same name twice the row of
the strongest type is kept (canonical > historical > demonym > abbreviation >
alternate).
"""

from __future__ import annotations

import pandas as pd

from gazetteer._schema import NAME_COLUMNS

from .names import clean, is_good_alternate, repair, script_of, split_canonical

__all__ = ["TYPE_PRIORITY", "finalize_names", "repair_place_names"]

#: Lower is stronger; decides which row survives when a place has a name twice.
TYPE_PRIORITY = {"canonical": 0, "historical": 1, "demonym": 2, "abbreviation": 3, "alternate": 4}


def finalize_names(places: pd.DataFrame, names: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Build the final names table.

    Parameters
    ----------
    places : DataFrame
        Final places (``place_id``, ``name``).
    names : DataFrame
        Raw ``place_id, name, name_type`` rows (any script, uncleaned).

    Returns
    -------
    names : DataFrame
        Columns of :data:`gazetteer._schema.NAME_COLUMNS`, sorted by place id and name.
    report : dict
        Counts of rows dropped and why.
    """
    known = set(places["place_id"].tolist())
    pids = places["place_id"].tolist() + names["place_id"].tolist()
    texts = [str(n) for n in places["name"].tolist()] + [str(n) for n in names["name"].tolist()]
    types = ["canonical"] * len(places) + names["name_type"].tolist()
    orphans = sorted({p for p in pids if p not in known})
    if orphans:
        raise ValueError(f"names for unknown places: {orphans[:5]}")
    canon_of = {pid: clean(str(n)) for pid, n in zip(places["place_id"].tolist(), places["name"].tolist())}

    cache: dict[str, tuple[str, str | None, bool]] = {}

    def info(text: str) -> tuple[str, str | None, bool]:
        hit = cache.get(text)
        if hit is None:
            cleaned = repair(clean(text))
            hit = (cleaned, script_of(cleaned), is_good_alternate(cleaned))
            cache[text] = hit
        return hit

    best: dict[tuple[str, str], tuple[int, str, str]] = {}
    dropped_alternates = dropped_script = canonical_other_script = duplicates = 0
    for pid, text, typ in zip(pids, texts, types):
        name, script, good = info(text)
        if len(name) < 2:
            continue
        if typ == "alternate" and not good and name != canon_of[pid]:
            dropped_alternates += 1
            continue
        if script is None:
            dropped_script += 1
            canonical_other_script += typ == "canonical"
            continue
        key = (pid, name)
        rank = TYPE_PRIORITY[typ]
        prev = best.get(key)
        if prev is not None:
            duplicates += 1
            if prev[0] <= rank:
                continue
        best[key] = (rank, typ, script)
    keys = sorted(best)
    out = pd.DataFrame({
        "place_id": [k[0] for k in keys],
        "name": [k[1] for k in keys],
        "script": [best[k][2] for k in keys],
        "name_type": [best[k][1] for k in keys],
    })[list(NAME_COLUMNS)]
    report = {
        "names_dropped_filtered_alternates": dropped_alternates,
        "names_dropped_other_script": dropped_script,
        "names_dropped_duplicates": duplicates,
        "places_whose_canonical_name_is_not_latin_or_cyrillic": canonical_other_script,
    }
    return out, report


def repair_place_names(places: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Repair canonical names spoiled in a source (look-alike letters, several scripts in one name).

    Returns
    -------
    places : DataFrame
        With repaired ``name`` values.
    alternates : DataFrame
        ``place_id, name, name_type`` rows for the parts split off and the original names.
    """
    names = places["name"].astype(str).map(clean)
    rows, fixed = [], {}
    for pid, name in zip(places["place_id"], names):
        if script_of(name) is None:
            new, others = split_canonical(name)
            if new != name:
                fixed[pid] = new
                rows.extend((pid, o, "alternate") for o in [name, *others])
    places = places.assign(name=names)
    if fixed:
        mask = places["place_id"].isin(fixed)
        places.loc[mask, "name"] = places.loc[mask, "place_id"].map(fixed)
    return places, pd.DataFrame(rows, columns=["place_id", "name", "name_type"])
