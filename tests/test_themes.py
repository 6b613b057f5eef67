"""Theme files: exact errors for mistakes, and assignments per section with reasons."""

import textwrap

import pytest
from click.testing import CliRunner

from geo.cli import main
from geo.corpus import read_document, sample_corpus_path
from geo.exc import ThemeError
from geo.pipeline import geoparse_documents
from geo.themes import assign_themes, default_themes_path, load_themes, passes

VALID = """\
version = 1

[[themes]]
id = "caucasus"
title = "Caucasus"
colour = "#1b9e77"
threshold = 3.0
places = ["Goris", "Kapan"]
areas = ["Armenia"]

[themes.keywords]
"shelling" = 1.0
"обстрел" = 1.0
"""


def write(tmp_path, text):
    path = tmp_path / "themes.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('colour = "#1b9e77"', 'colour = "green-ish"',
         ":6: theme 'caucasus': colour 'green-ish' is not a CSS hex colour such as \"#b2182b\""),
        ('places = ["Goris", "Kapan"]', 'places = ["Goris", "Atlantis of the East"]',
         ":8: theme 'caucasus': anchor place 'Atlantis of the East' is not in the gazetteer"),
        ('areas = ["Armenia"]', 'areas = ["POLYGON ((45 39, 46 39, 46))"]',
         ":9: theme 'caucasus': broken WKT polygon"),
        ('id = "caucasus"', 'id = "Caucasus Theme"',
         ":4: theme id 'Caucasus Theme' must be lowercase letters, digits and '-'"),
        ("threshold = 3.0", "threshold = -1",
         ":7: theme 'caucasus': threshold must be a non-negative number, got -1"),
        ("threshold = 3.0", "threshold = nan",  # a threshold no score ever reaches
         ":7: theme 'caucasus': threshold must be a non-negative number, got nan"),
        ("threshold = 3.0", "threshold = inf",
         ":7: theme 'caucasus': threshold must be a non-negative number, got inf"),
    ],
)
def test_mistakes_name_the_line_and_the_fix(tmp_path, gazetteer, old, new, message):
    path = write(tmp_path, VALID.replace(old, new))
    with pytest.raises(ThemeError) as caught:
        load_themes(path, gazetteer)
    assert str(caught.value).startswith(f"{path}{message}")


def test_duplicate_ids_point_at_the_second(tmp_path, gazetteer):
    second = VALID.split("\n", 2)[2]  # the [[themes]] block again
    path = write(tmp_path, VALID + "\n" + second)
    with pytest.raises(ThemeError, match=r":16: duplicate theme id 'caucasus'; give each theme its own id"):
        load_themes(path, gazetteer)


def test_not_toml(tmp_path, gazetteer):
    path = write(tmp_path, "[[themes]\nid = 1\n")
    with pytest.raises(ThemeError, match=r"themes\.toml: not valid TOML: "):
        load_themes(path, gazetteer)


def test_missing_file(tmp_path, gazetteer):
    with pytest.raises(ThemeError, match="does not exist; give a TOML theme file"):
        load_themes(tmp_path / "nope.toml", gazetteer)


def test_assignment_gives_score_and_reason(tmp_path, gazetteer, parser):
    (theme,) = load_themes(write(tmp_path, VALID), gazetteer)
    text = "Shelling hit Goris and Kapan overnight; obstruction near Jermuk."
    (match,) = assign_themes([theme], text, parser.parse(text))
    assert match.theme_id == "caucasus"
    assert match.score == 1.0 + 2 * 2.0 + 3 * 1.0
    assert match.reason == ("keywords shelling; places Goris, Kapan; "
                            "in areas Armenia: Goris, Jermuk, Kapan")


def test_below_threshold_is_no_theme(tmp_path, gazetteer, parser):
    (theme,) = load_themes(write(tmp_path, VALID), gazetteer)
    text = "Heavy shelling was reported."
    assert assign_themes([theme], text, parser.parse(text)) == []


def test_shipped_theme_files_load(gazetteer):
    themes = load_themes(default_themes_path(), gazetteer)
    assert [t.id for t in themes] == ["tajik-afghan-border", "kyrgyz-tajik-border",
                                      "armenia-azerbaijan", "iran-syunik", "crocus-migrants",
                                      "greece-turkey-aegean"]
    sahel = load_themes(default_themes_path().with_name("example-sahel.toml"), gazetteer)
    assert [t.id for t in sahel] == ["sahel-jihadist-violence", "wagner-africa-corps", "sahel-coups"]


def test_anchor_place_with_a_typo_suggests_the_closest_names(tmp_path, gazetteer):
    path = write(tmp_path, VALID.replace('places = ["Goris", "Kapan"]', 'places = ["Khatlan"]'))
    with pytest.raises(ThemeError) as caught:
        load_themes(path, gazetteer)
    assert str(caught.value) == (
        f"{path}:8: theme 'caucasus': anchor place 'Khatlan' is not in the gazetteer; did you mean "
        "'Khatlon' (admin1, TJ, gn:1347488) or 'Khatanga' (city, RU, gn:2022572) or 'Khalīfān' "
        "(city, IQ, gn:446732)?")


def test_an_anchor_means_the_places_of_that_name_not_those_listing_it_as_a_spelling(tmp_path, gazetteer):
    (theme,) = load_themes(write(tmp_path, VALID.replace('areas = ["Armenia"]', "areas = []")), gazetteer)
    # The town and its community, not Gori (Georgia) nor Gorey (Ireland).
    assert dict(theme.places)["Goris"] == {"gn:174895", "gn:13133005"}


SQUARE = "[[[44.0, 38.8], [46.7, 38.8], [46.7, 41.3], [44.0, 41.3], [44.0, 38.8]]]"


@pytest.mark.parametrize("area", [
    f'{{type = "Polygon", coordinates = {SQUARE}}}',
    f"'{{\"type\": \"Feature\", \"geometry\": {{\"type\": \"Polygon\", \"coordinates\": {SQUARE}}}}}'",
    '"armenia-box.geojson"',
])
def test_geojson_areas_inline_as_json_or_in_a_file(tmp_path, gazetteer, parser, area):
    (tmp_path / "armenia-box.geojson").write_text(
        f'{{"type": "FeatureCollection", "features": [{{"type": "Feature", "properties": {{}}, '
        f'"geometry": {{"type": "Polygon", "coordinates": {SQUARE}}}}}]}}', encoding="utf-8")
    (theme,) = load_themes(write(tmp_path, VALID.replace('areas = ["Armenia"]', f"areas = [{area}]")), gazetteer)
    text = "Shelling hit Goris and Kapan overnight; obstruction near Jermuk."
    (match,) = assign_themes([theme], text, parser.parse(text))
    label = "armenia-box.geojson" if "geojson" in area else "GeoJSON polygon"
    assert match.reason == f"keywords shelling; places Goris, Kapan; in areas {label}: Goris, Jermuk, Kapan"


@pytest.mark.parametrize("area, message", [
    ('{type = "Polygon", coordinates = [[[44, 38], [46, 38]]]}',
     ":9: theme 'caucasus': broken GeoJSON area (A linearring requires at least 4 coordinates.); write a "
     "Polygon or MultiPolygon geometry, e.g. {type = \"Polygon\", coordinates = [[[lon, lat], ...]]}"),
    ('{type = "Point", coordinates = [44, 38]}',
     ":9: theme 'caucasus': the GeoJSON area is not a valid polygon (a Point, not a polygon)"),
    ('"missing.geojson"',
     ":9: theme 'caucasus': area file 'missing.geojson' cannot be read (No such file or directory); "
     "give a path relative to the theme file"),
])
def test_broken_geojson_areas_name_the_line_and_the_fix(tmp_path, gazetteer, area, message):
    path = write(tmp_path, VALID.replace('areas = ["Armenia"]', f"areas = [{area}]"))
    with pytest.raises(ThemeError) as caught:
        load_themes(path, gazetteer)
    assert str(caught.value) == f"{path}{message}"


def test_a_country_whose_point_lies_in_an_area_is_no_place_in_that_area(tmp_path, gazetteer, parser):
    (theme,) = load_themes(write(tmp_path, VALID.replace('places = ["Goris", "Kapan"]', "places = []")
                                 .replace("threshold = 3.0", "threshold = 0.5")), gazetteer)
    text = "Armenia said Jermuk was calm."
    (match,) = assign_themes([theme], text, parser.parse(text))
    assert match.reason == "in areas Armenia: Jermuk"


def test_a_page_with_two_unrelated_stories_is_themed_per_section(gazetteer, parser):
    themes = load_themes(default_themes_path(), gazetteer)
    document = read_document(sample_corpus_path() / "lachin-and-barcelona.md", "lachin-and-barcelona.md")
    result = geoparse_documents([document], parser, themes)
    assigned = [(s.article, s.section, s.section_title,
                 [(m.theme_id, m.reason) for t, m in zip(themes, s.scores) if passes(t, m)])
                for s in result.section_scores]
    assert assigned == [
        (0, 0, "One Month Into the Lachin Road Blockade, Karabakh Armenians Face Shortages", [
            ("armenia-azerbaijan", "keywords blockade×2, karabakh×2, peacekeepers×2; places Lachin corridor, "
             "Nagorno-Karabakh, Shusha; in areas Nagorno-Karabakh: Lachin corridor, Nagorno-Karabakh, Shusha")]),
        (0, 1, "Life in Stepanakert", [
            ("armenia-azerbaijan", "keywords лачин; places Stepanakert; in areas Nagorno-Karabakh: Khankendi, "
             "Laçın; Lachin District: Laçın")]),
        (0, 2, "Positions in Yerevan and Baku", [
            ("armenia-azerbaijan", "keywords pashinyan; places Goris, Lachin corridor; in areas "
             "Nagorno-Karabakh: Lachin corridor")]),
        # Barcelona is in no theme: the Catalan story is a section of its own article.
        (1, 0, "Socialists Win Catalan Election as Pro-Independence Parties Lose Their Majority", []),
    ]
    barcelona = result.mentions[result.mentions["surface"] == "Barcelona"]
    assert set(barcelona["themes"]) == {""}


def test_themes_check_prints_what_each_theme_catches(gazetteer):
    result = CliRunner().invoke(main, ["themes", "check", str(default_themes_path())])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (f"{default_themes_path()}: 6 themes, no mistakes; tried on 12 files, 21 articles, "
                        "36 sections")
    assert "  catches 11 sections of 6 articles (152 mentions), best:" in lines
    assert ("  anchors: Khatlon → Khatlon (admin1, TJ, gn:1347488); Gorno-Badakhshan → Gorno-Badakhshan "
            "(admin1, TJ, gn:1221692); Darvaz → Darvaz (city, TJ, gn:1143928), Darvoz District (admin2, TJ, "
            "gn:1221558)") in lines[3]
    assert lines[-2:] == ["unthemed: 1 sections of 1 articles",
                          "    sample_corpus/lachin-and-barcelona.md article 1 'Socialists Win Catalan "
                          "Election as Pro-Independence Parties Lose Their Majority'"]


def test_themes_check_reports_a_broken_file_in_one_line(tmp_path):
    path = write(tmp_path, VALID.replace('colour = "#1b9e77"', 'colour = "green"'))
    result = CliRunner().invoke(main, ["themes", "check", str(path)])
    assert result.exit_code == 1
    assert result.output == (f"Error: {path}:6: theme 'caucasus': colour 'green' is not a CSS hex colour "
                             "such as \"#b2182b\"\n")


def test_toml_nested_too_deeply(tmp_path, gazetteer):
    path = write(tmp_path, "x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(ThemeError) as caught:
        load_themes(path, gazetteer)
    assert str(caught.value) == f"{path}: not valid TOML: nested too deeply to read"


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('places = ["Goris", "Kapan"]', "places = false",
         ":8: theme 'caucasus': places must be a list, e.g. places = [\"Goris\", \"Kapan\"], got False"),
        ('areas = ["Armenia"]', 'areas = "Armenia"',
         ":9: theme 'caucasus': areas must be a list, e.g. areas = [\"Armenia\"], got 'Armenia'"),
        ('"shelling" = 1.0', '" " = 1.0',
         ":11: theme 'caucasus': keyword ' ' is blank; give each keyword a word or phrase"),
    ],
)
def test_values_of_the_wrong_kind_are_mistakes(tmp_path, gazetteer, old, new, message):
    path = write(tmp_path, VALID.replace(old, new))
    with pytest.raises(ThemeError) as caught:
        load_themes(path, gazetteer)
    assert str(caught.value) == f"{path}{message}"
