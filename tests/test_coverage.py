"""Coverage of place names as conflict reporting writes them.

``tests/data/coverage.csv`` lists names with the kind, country and location the
lookup should offer. The expected values are independent real-world geography
(well-known coordinates), not copied from the gazetteer, so a missing name, a
wrong kind or a misplaced point fails here.
"""

import csv
from pathlib import Path

import pytest
from geopy.distance import geodesic

COVERAGE_CSV = Path(__file__).parent / "data" / "coverage.csv"
COLUMNS = ["name", "kind", "country_code", "lat", "lon", "tolerance_km", "note"]


def _rows() -> list[dict]:
    with COVERAGE_CSV.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == COLUMNS, reader.fieldnames
        rows = list(reader)
    for row in rows:
        row["lat"] = float(row["lat"])
        row["lon"] = float(row["lon"])
        row["tolerance_km"] = float(row["tolerance_km"])
    return rows


ROWS = _rows()

def _describe(place, expected) -> str:
    km = geodesic(expected, (place.lat, place.lon)).km
    return (f"  {place.place_id} {place.name!r} kind={place.kind} cc={place.country_code!r} "
            f"({place.lat:.4f}, {place.lon:.4f}) {km:.0f} km away")


@pytest.mark.parametrize("row", ROWS, ids=[r["name"] for r in ROWS])
def test_name_is_covered(gazetteer, row):
    expected = (row["lat"], row["lon"])
    places = gazetteer.lookup(row["name"])
    matches = [
        p for p in places
        if p.kind == row["kind"]
        and (p.country_code or "") == row["country_code"]
        and geodesic(expected, (p.lat, p.lon)).km <= row["tolerance_km"]
    ]
    returned = "\n".join(_describe(p, expected) for p in places) or "  (nothing)"
    assert matches, (
        f"{row['name']!r}: expected kind={row['kind']} cc={row['country_code']!r} "
        f"within {row['tolerance_km']:.0f} km of {expected}; lookup returned:\n{returned}"
    )


def test_coverage_table_is_broad():
    assert len(ROWS) >= 160
    names = [r["name"] for r in ROWS]
    assert len(set(names)) == len(names), "duplicate names"
    country_codes = {r["country_code"] for r in ROWS if r["country_code"]}
    assert len(country_codes) >= 30, sorted(country_codes)
