"""The places table: mentions aggregated per place and theme, with counts and dates."""

from pathlib import Path

from geo.corpus import read_corpus
from geo.pipeline import geoparse_documents
from geo.places import places_frame
from geo.themes import default_themes_path, load_themes


def test_per_place_and_theme_counts_articles_and_dates(tmp_path, gazetteer, parser):
    (tmp_path / "a.md").write_text(
        "# Shelling in Jermuk\nDate: 2022-09-13\n\nShelling hit Jermuk and Goris near the "
        "Azerbaijani positions; Jermuk was evacuated.\n\n"
        "# Jermuk reopens\nDate: 2022-10-01\n\nThe spa town of Jermuk reopened after the Azerbaijani "
        "shelling; buses run again from Goris.\n",
        encoding="utf-8")
    themes = load_themes(default_themes_path(), gazetteer)
    result = geoparse_documents(read_corpus([Path(tmp_path)]), parser, themes)
    places = places_frame(result.mentions)
    jermuk = places[(places["place_name"] == "Jermuk") & (places["theme"] == "armenia-azerbaijan")]
    assert jermuk[["mentions", "articles", "first_date", "last_date"]].values.tolist() == [
        [5, 2, "2022-09-13", "2022-10-01"]]  # headline and body mentions, two articles
    assert list(places.columns) == ["theme", "place_id", "place_name", "kind", "country_code", "lat",
                                    "lon", "mentions", "articles", "first_date", "last_date"]
