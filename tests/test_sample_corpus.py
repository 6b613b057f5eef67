"""The bundled sample corpus geoparsed with the shipped gazetteer: exact places and offsets."""

import pytest

from geo.corpus import read_document, sample_corpus_path


def mentions_of(parser, file, article=0):
    document = read_document(sample_corpus_path() / file, file)
    chosen = document.articles[article]
    text = document.masked[chosen.start:chosen.end]
    found = []
    for m in parser.parse(text):
        start, end = chosen.start + m.start, chosen.start + m.end
        assert document.text[start:end] == m.surface
        found.append((m.surface, start, end, m.place.place_id, m.mention_kind))
    return found


def test_kyrgyz_tajik_treaty_article(parser):
    assert mentions_of(parser, "kyrgyz-tajik-border-treaty.txt") == [
        ("Kyrgyzstan", 0, 10, "gn:1527747", "place"),
        ("Tajikistan", 15, 25, "gn:1220409", "place"),
        ("Batken", 66, 72, "gn:1528735", "place"),
        ("Kyrgyzstan", 108, 118, "gn:1527747", "place"),
        ("Tajikistan", 123, 133, "gn:1220409", "place"),
        ("Bishkek", 175, 182, "gn:1528675", "place"),
        ("Fergana Valley", 246, 260, "ne:phys-fergana-valley", "place"),
        ("Kyrgyz", 340, 346, "gn:1527747", "demonym"),
        ("Batken region", 497, 510, "gn:1463580", "place"),   # the qualifier asks for the province
        ("Kyzyl-Bel", 512, 521, "gn:8375168", "place"),
        ("Kairagach", 526, 535, "gn:1528009", "place"),
        ("Dushanbe", 608, 616, "gn:1221874", "place"),
        ("Bishkek", 621, 628, "gn:1528675", "place"),
        ("Khujand", 641, 648, "gn:1514879", "place"),
        ("Bishkek", 653, 660, "gn:1528675", "place"),
        ("Uzbekistan", 774, 784, "gn:1512440", "place"),
        ("Khujand", 852, 859, "gn:1514879", "place"),
        ("Kyrgyz", 927, 933, "gn:1527747", "demonym"),
        ("Isfara", 1096, 1102, "gn:1514896", "place"),
        ("Vorukh", 1153, 1159, "gn:1220164", "place"),
        ("Tajik", 1165, 1170, "gn:1220409", "demonym"),
        ("Batken region", 1182, 1195, "gn:1463580", "place"),
        ("Kyrgyz", 1211, 1217, "gn:1527747", "demonym"),
        ("Leilek", 1369, 1375, "wof:1091690385", "place"),
        ("Isfara", 1403, 1409, "gn:1514896", "place"),
    ]


@pytest.mark.parametrize(
    "file, article, absent",
    [
        # a person, not Mount Ararat or the town of Ararat
        ("armenia-azerbaijan.md", 0, "Ararat"),
        # a person, not Michel anywhere
        ("armenia-azerbaijan.md", 1, "Michel"),
        # a company: neither China nor a road
        ("chinese-workers-attacked-gbao.txt", 0, "Road"),
        # a ship
        ("aegean-quiet-skies.html", 0, "Lincoln"),
    ],
)
def test_names_that_are_not_places(parser, file, article, absent):
    assert absent not in [surface for surface, *_ in mentions_of(parser, file, article)]


def test_company_name_does_not_pin_china(parser):
    found = mentions_of(parser, "chinese-workers-attacked-gbao.txt")
    document = read_document(sample_corpus_path() / "chinese-workers-attacked-gbao.txt", "x")
    company = document.text.index("China Road and Bridge Corporation")
    assert all(start != company for _, start, *_ in found)


def test_georgia_beside_armenia_is_the_country(parser):
    found = mentions_of(parser, "armenia-azerbaijan.md", 1)
    assert {place for surface, _, _, place, _ in found if surface == "Georgia"} == {"gn:614540"}


def test_stepanakert_and_khankendi_are_one_place(parser):
    stepanakert = {p for s, _, _, p, _ in mentions_of(parser, "lachin-and-barcelona.md") if s == "Stepanakert"}
    khankendi = {p for s, _, _, p, _ in mentions_of(parser, "khankendi-flag-raising.md") if s == "Khankendi"}
    assert stepanakert == khankendi == {"gn:146970"}


def test_lachin_road_is_the_corridor(parser):
    found = mentions_of(parser, "lachin-and-barcelona.md")
    assert {p for s, _, _, p, _ in found if s == "Lachin Road"} == {"geomap:lachin-corridor"}


def test_mentions_gathered_in_many_frames_make_the_same_table(parser, monkeypatch):
    import pandas as pd

    import geo.pipeline
    from geo.corpus import read_corpus
    from geo.themes import default_themes_path, load_themes

    themes = load_themes(default_themes_path(), parser.gazetteer)
    documents = list(read_corpus([sample_corpus_path()]))
    whole = geo.pipeline.geoparse_documents(documents, parser, themes).mentions
    monkeypatch.setattr(geo.pipeline, "_ROWS_PER_FRAME", 7)  # a frame every few articles
    pieces = geo.pipeline.geoparse_documents(documents, parser, themes).mentions
    pd.testing.assert_frame_equal(pieces, whole)
    assert len(whole) > 100
