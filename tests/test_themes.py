"""Theme files: exact errors for mistakes, and assignments per section with reasons."""

import textwrap

import pytest

from geo.exc import ThemeError
from geo.themes import assign_themes, default_themes_path, load_themes

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
