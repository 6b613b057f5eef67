"""Maps render what users need and nothing an article's author could make run."""

import re

from click.testing import CliRunner

from geo.cli import main

HOSTILE = (
    "# Clashes <script>alert('t')</script> in Vorukh\n"
    "Date: 2022-09-14\n"
    "Source: <img src=x onerror=alert('s')>\n"
    "URL: javascript:alert('u')\n\n"
    "Fighting near Vorukh and Batken ${6*7} `backtick` continued, "
    "says C:\\reports\\20190221.txt and \"quotes\" </script><b>bold</b>.\n"
)


def build(tmp_path, text):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "hostile.md").write_text(text, encoding="utf-8")
    out = tmp_path / "maps"
    result = CliRunner().invoke(main, ["build", str(corpus), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    return (out / "index.html").read_text(encoding="utf-8")


def test_article_text_never_reaches_the_page_as_markup_or_code(tmp_path):
    page = build(tmp_path, HOSTILE)
    for payload in ("<script>alert", "<img src=x", "${6*7}", "`backtick`", "</script><b>",
                    "\\reports", "javascript:alert"):
        assert payload not in page, payload
    # The words are still there for people to read, as character references.
    assert "&#36;&#123;6*7&#125;" in page
    assert "C:&#92;reports&#92;20190221.txt" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


def test_popup_shows_article_date_and_sentence_with_the_place_in_bold(tmp_path):
    page = build(tmp_path, "# Shelling in Jermuk\nDate: 2022-09-13\nSource: Caucasus Wire\n"
                           "URL: https://example.org/a\n\nShells fell on Jermuk overnight.\n")
    assert 'href="https://example.org/a"' in page
    assert "2022-09-13 · Caucasus Wire" in page
    assert re.search(r"Shells fell on <b>Jermuk</b> overnight\.", page)


def test_attribution_names_tiles_and_gazetteer_sources(tmp_path):
    page = build(tmp_path, "# Note\n\nTalks in Dushanbe.\n")
    for source in ("OpenStreetMap", "GeoNames", "s On First", "geoBoundaries", "Natural Earth"):
        assert source in page, source
