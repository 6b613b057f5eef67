"""Regression tests on ambiguous or tricky names in conflict reporting.

``tests/data/tricky_names.csv`` holds one short news-style sentence per row, the
surface that must be resolved and the expected result: a ``place_id`` chosen
from real-world knowledge (then looked up among the gazetteer's candidates to
get its id), or ``NONE`` when the surface must not be resolved as a place at
all. The first mention with that surface is checked, or the N-th when the note
says ``occurrence N``.

``tests/data/tricky_names_gaps.csv`` lists the cases the parser gets wrong today,
each with its diagnosis. They are strict xfails: a case that gets fixed fails
here until it is taken off the gaps list.
"""

import csv
import re
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
CASES_CSV = DATA / "tricky_names.csv"
GAPS_CSV = DATA / "tricky_names_gaps.csv"
COLUMNS = ["text", "surface", "expected", "note"]


def _rows() -> list[dict]:
    with CASES_CSV.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == COLUMNS, reader.fieldnames
        return list(reader)


def _case_id(row: dict) -> str:
    note = row["note"] if len(row["note"]) <= 40 else row["note"][:37] + "..."
    return f"{row['surface']}|{note}"


def _gaps() -> dict[str, str]:
    if not GAPS_CSV.exists():
        return {}
    with GAPS_CSV.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == ["surface", "note", "diagnosis"], reader.fieldnames
        return {_case_id(r): r["diagnosis"] for r in reader}


ROWS = _rows()
GAPS = _gaps()


def _param(row: dict):
    case_id = _case_id(row)
    marks = [pytest.mark.xfail(strict=True, reason=GAPS[case_id])] if case_id in GAPS else []
    return pytest.param(row, id=case_id, marks=marks)


def _occurrence(note: str) -> int:
    found = re.search(r"occurrence (\d+)", note)
    return int(found.group(1)) if found else 1


def _describe(m) -> str:
    p = m.place
    return (f"{m.surface!r}@{m.start} -> {p.place_id} {p.name!r} kind={p.kind} "
            f"cc={p.country_code!r} ({m.mention_kind}, conf={m.confidence:.2f}): {m.reason}")


@pytest.mark.parametrize("row", [_param(r) for r in ROWS])
def test_tricky_name(parser, row):
    text, surface, expected = row["text"], row["surface"], row["expected"]
    assert surface in text, f"bad row: {surface!r} not in {text!r}"
    mentions = parser.parse(text)
    hits = sorted((m for m in mentions if m.surface == surface), key=lambda m: m.start)
    everything = "\n".join("  " + _describe(m) for m in mentions) or "  (no mentions)"
    if expected == "NONE":
        assert not hits, (f"{surface!r} must not resolve as a place in {text!r}, got:\n"
                          + "\n".join("  " + _describe(m) for m in hits))
        return
    n = _occurrence(row["note"])
    assert len(hits) >= n, (f"{surface!r} (occurrence {n}) not found as a mention in {text!r}; "
                            f"mentions:\n{everything}")
    m = hits[n - 1]
    assert m.place.place_id == expected, (
        f"{surface!r} in {text!r}: expected {expected}, got {_describe(m)}\nall mentions:\n{everything}"
    )


def test_every_gap_is_a_case():
    assert set(GAPS) <= {_case_id(r) for r in ROWS}


def test_table_is_large_enough():
    assert len(ROWS) >= 64
    ids = [_case_id(r) for r in ROWS]
    assert len(set(ids)) == len(ids), "duplicate case ids"
