"""The matcher finds name-like spans with exact offsets, whatever the spelling or script."""

import pytest

from gazetteer.matcher import looks_like_name
from gazetteer.normalize import fold


def spans(parser, text):
    return [(s.surface, s.start, s.end, s.qualifier) for s in parser.spans(text)]


def test_folding_keeps_every_offset():
    text = "İzmir’s ХАТЛОН, Xankəndi — Łódź"
    assert len(fold(text)) == len(text)
    assert fold(text) == "izmir s хатлон  xankendi   lodz"


@pytest.mark.parametrize(
    "text, expected",
    [
        # possessives, straight and curly
        ("Tajikistan's border and Russia’s army", [("Tajikistan", 0, 10, ""), ("Russia", 24, 30, "")]),
        # hyphenated compounds are split at the hyphen
        ("Armenia-Azerbaijan talks", [("Armenia", 0, 7, ""), ("Azerbaijan", 8, 18, "")]),
        # ALL CAPS and Cyrillic
        ("DUSHANBE and Хатлон", [("DUSHANBE", 0, 8, ""), ("Хатлон", 13, 19, "")]),
        # longest match wins over the shorter name inside it
        ("in Khatlon Province today", [("Khatlon Province", 3, 19, "admin1")]),
        # a qualifier the gazetteer does not list is folded in by rule
        ("the Batken region and Vorukh", [("Batken region", 4, 17, "admin1"), ("Vorukh", 22, 28, "")]),
        # runs of whitespace and line breaks inside a name still match
        ("Saint\n  Petersburg", [("Saint\n  Petersburg", 0, 18, "")]),
        # ... but not a blank line, nor a metadata line the corpus reader blanked out
        ("Saint\n\nPetersburg", [("Petersburg", 7, 17, "")]),
        ("in Khatlon\n          \nProvince", [("Khatlon", 3, 10, "")]),
    ],
)
def test_span_offsets(mini_parser, text, expected):
    found = spans(mini_parser, text)
    assert found == expected
    for surface, start, end, _ in found:
        assert text[start:end] == surface


def test_lower_case_words_are_not_names(mini_parser):
    assert spans(mini_parser, "the paris of fashion, baku style") == []


def test_words_inside_longer_words_do_not_match(mini_parser):
    assert spans(mini_parser, "Bakuvian Parisian Gorisland") == []


@pytest.mark.parametrize(
    "surface, expected",
    [("Gulf of Aden", True), ("Rostov-on-Don", True), ("wake up", False), ("KHATLON", True),
     ("Khatlon province", False), ("Хатлон", True), ("хатлон", False)],
)
def test_looks_like_name(surface, expected):
    assert looks_like_name(surface) is expected
