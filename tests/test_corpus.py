"""Reading files into documents, articles and sections, with metadata and masking."""

from pathlib import Path

import pytest

from geo.corpus import read_corpus, read_document, sample_corpus_path
from geo.exc import CorpusError


def article_summary(document):
    return [(a.title, a.date, a.author, a.source, a.url, [s.title for s in a.sections])
            for a in document.articles]


def test_markdown_file_with_two_unrelated_articles():
    document = read_document(sample_corpus_path() / "lachin-and-barcelona.md", "x")
    assert article_summary(document) == [
        ("One Month Into the Lachin Road Blockade, Karabakh Armenians Face Shortages", "2023-01-12",
         "Anahit Sargsyan", "Caucasus Wire",
         "https://example.org/caucasus-wire/2023/01/12/lachin-road-one-month",
         ["One Month Into the Lachin Road Blockade, Karabakh Armenians Face Shortages",
          "Life in Stepanakert", "Positions in Yerevan and Baku"]),
        ("Socialists Win Catalan Election as Pro-Independence Parties Lose Their Majority",
         "2024-05-13", "Laia Puig", "Iberian Dispatch",
         "https://example.com/iberian-dispatch/2024/05/13/catalan-election-results",
         ["Socialists Win Catalan Election as Pro-Independence Parties Lose Their Majority"]),
    ]
    first, second = document.articles
    assert first.end == second.start
    assert document.text[second.start:].startswith("# Socialists Win Catalan Election")


def test_metadata_lines_are_masked_but_offsets_kept():
    document = read_document(sample_corpus_path() / "lachin-and-barcelona.md", "x")
    assert len(document.masked) == len(document.text)
    assert "Caucasus Wire" in document.text and "Caucasus Wire" not in document.masked
    assert "Source:" not in document.masked and "# One Month" not in document.masked
    assert "One Month Into the Lachin Road Blockade" in document.masked  # the headline stays


def test_text_page_with_byline_source_and_footer(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(
        "Clashes Near Vorukh Leave Two Dead\n date 2022-09-14\n\nFighting spread from Vorukh.\n\n"
        "By Aizada Toktosunova\nSource: Fergana Ledger\n\nSimilar Posts\n\nBatken Today\n\n"
        "Leave a Reply\nYour email address will not be published.\n", encoding="utf-8")
    document = read_document(page, "page.txt")
    assert article_summary(document) == [
        ("Clashes Near Vorukh Leave Two Dead", "2022-09-14", "Aizada Toktosunova",
         "Fergana Ledger", "", ["Clashes Near Vorukh Leave Two Dead"])]
    assert "Batken Today" not in document.masked  # teaser after "Similar Posts" is not article text
    assert "Fighting spread from Vorukh." in document.masked


def test_html_page_uses_its_metadata_and_drops_scripts_and_navigation():
    document = read_document(sample_corpus_path() / "aegean-quiet-skies.html", "x")
    (article,) = document.articles
    assert (article.title, article.date, article.author, article.source) == (
        "Quiet Skies Over the Aegean as Washington Reinforces the Eastern Mediterranean",
        "2024-08-20", "Katerina Vlachou", "Mediterranean Notes")
    assert article.url.startswith("https://example.net/")
    assert "<" not in document.text and "function" not in document.text


def test_sample_corpus_has_dated_articles_and_multi_article_pages():
    documents = list(read_corpus([sample_corpus_path()]))
    articles = [a for d in documents for a in d.articles]
    assert len(articles) >= 12
    assert all(len(a.date) == 10 for a in articles)
    assert sum(len(d.articles) > 1 for d in documents) >= 3
    assert documents[0].doc_id == "sample_corpus/aegean-quiet-skies.html"
    assert documents[0].path == "sample_corpus/aegean-quiet-skies.html"


def test_file_that_is_not_utf8_names_the_file(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes("Душанбе".encode("cp1251"))
    with pytest.raises(CorpusError, match=r"bad\.txt: not valid UTF-8 \(byte 0\); save the file as UTF-8"):
        read_document(bad, "bad.txt")


def test_folder_is_read_recursively_in_a_stable_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.md").write_text("# Two\n\nText.\n", encoding="utf-8")
    (tmp_path / "one.txt").write_text("One\n\nText.\n", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden\n", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    ids = [d.doc_id for d in read_corpus([Path(tmp_path)])]
    assert ids == [f"{tmp_path.name}/b/two.md", f"{tmp_path.name}/one.txt"]
