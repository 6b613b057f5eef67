"""Pages split into articles and sections, with their metadata, and boilerplate left out.

The fixtures in ``tests/fixtures/pages`` were written for these tests in the
shapes users' scraped pages come in: articles glued together with only their
headlines between them, teaser lists, share bars and comment forms in English,
Russian and Ukrainian, dates without a year, bylines with a date, HTML with
JSON-LD, comment sections and several ``<article>`` elements.
"""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.articles import split_page
from geo.corpus import read_document

PAGES = Path(__file__).parent / "fixtures" / "pages"
CORPUS_DEV = Path(__file__).parents[2] / "shared" / "corpus-dev"


def read(name):
    problems = []
    document = read_document(PAGES / name, name, problems=problems)
    assert problems == []
    return document


def summary(document):
    return [(a.title, a.date, a.author, a.source, a.url, [s.title for s in a.sections])
            for a in document.articles]


def kept_lines(document):
    """The lines that are geoparsed (everything else is masked)."""
    return [line.strip() for line in document.masked.splitlines() if line.strip()]


def test_articles_glued_with_only_their_headlines_and_a_teaser_list():
    document = read("glued-headlines.txt")
    assert summary(document) == [
        ("Border Guards Exchange Fire Near the Vorukh Exclave Again", "", "", "", "",
         ["Border Guards Exchange Fire Near the Vorukh Exclave Again"]),
        ("Flooding Cuts the Pamir Highway Between Khorog and Murghab", "", "", "", "",
         ["Flooding Cuts the Pamir Highway Between Khorog and Murghab"]),
        ("Gas Deliveries From Turkmenistan to Uzbekistan Resume After Repairs", "", "", "", "",
         ["Gas Deliveries From Turkmenistan to Uzbekistan Resume After Repairs"]),
    ]
    first, second, third = document.articles
    assert document.text[second.start:].startswith("Flooding Cuts the Pamir Highway")
    assert (first.end, second.end, third.end) == (second.start, third.start, len(document.text))
    # The three teaser headlines at the end are other articles: not geoparsed.
    assert "Batken Farmers" not in document.masked and "Samarkand" not in document.masked
    assert kept_lines(document)[-1].startswith("Turkmenistan resumed gas deliveries")


def test_dated_articles_with_share_bar_teasers_and_comment_form():
    document = read("dated-articles-with-footers.txt")
    assert summary(document) == [
        # "Monday, September 12" takes its year from the page's other date (2022-09-14).
        ("Ceasefire Holds Along the Armenia-Azerbaijan Border After Night of Shelling",
         "2022-09-12", "Ani Petrosyan", "", "",
         ["Ceasefire Holds Along the Armenia-Azerbaijan Border After Night of Shelling",
          "What the ministry said"]),
        ("Tehran Warns Against Changes to the Border in Syunik", "2022-09-14", "Parisa Ahmadi",
         "Transit Watch", "", ["Tehran Warns Against Changes to the Border in Syunik"]),
    ]
    assert kept_lines(document) == [
        "Ceasefire Holds Along the Armenia-Azerbaijan Border After Night of Shelling",
        "Shelling near Jermuk and Goris stopped before dawn, the defence ministry in Yerevan said on Monday.",
        "What the ministry said",
        "Officials said the positions near Sotk came under fire from drones.",
        "Tehran Warns Against Changes to the Border in Syunik",
        "Iran's foreign ministry said any change to the border with Armenia in Syunik province was a red line.",
    ]


@pytest.mark.parametrize("name, expected, last_kept", [
    ("russian-blog-footer.txt",
     ("Трудовые мигранты из Таджикистана возвращаются домой", "2024-04-12", "Зарина Саидова", "", "",
      ["Трудовые мигранты из Таджикистана возвращаются домой"]),
     "В аэропорту Душанбе в среду встречали рейсы из Москвы и Екатеринбурга."),
    ("ukrainian-blog-footer.txt",
     ("Харків знову під обстрілом", "2024-03-12", "", "", "", ["Харків знову під обстрілом"]),
     "Увечері російські ракети влучили в енергетичну інфраструктуру Харківської області"),
])
def test_russian_and_ukrainian_blog_footers(name, expected, last_kept):
    document = read(name)
    assert summary(document) == [expected]
    assert kept_lines(document)[-1].startswith(last_kept)
    assert "Петербург" not in document.masked and "Одес" not in document.masked


def test_html_front_page_with_several_articles_and_page_furniture():
    document = read("blog-front-page.html")
    assert summary(document) == [
        ("Protests in Zhanaozen Over Fuel Prices Spread to Aktau", "2022-01-03", "", "Steppe Notes", "",
         ["Protests in Zhanaozen Over Fuel Prices Spread to Aktau"]),
        ("Kyrgyzstan Opens New Crossing on the Chinese Border", "2022-01-05", "", "Steppe Notes", "",
         ["Kyrgyzstan Opens New Crossing on the Chinese Border", "Trade figures"]),
    ]
    # Site header, navigation, share buttons, widgets, comments and footer are not article text.
    for furniture in ("Almaty", "Home", "Moscow office", "Tashkent", "Karaganda"):
        assert furniture not in document.text
    assert "3 January" in document.text and "3 January" not in document.masked  # a date line


def test_html_metadata_from_json_ld_and_comments_and_forms_dropped():
    document = read("article-with-json-ld.html")
    assert summary(document) == [(
        "Tajik and Afghan Officials Meet in Kulob to Discuss Border Security", "2023-11-07",
        "Dilnoza Karimova", "Pamir Monitor", "https://example.org/pamir-monitor/2023/11/07/kulob-talks",
        ["Tajik and Afghan Officials Meet in Kulob to Discuss Border Security"])]
    assert document.text == (
        "Tajik and Afghan Officials Meet in Kulob\n\nBorder officials from Tajikistan and Afghanistan "
        "met in Kulob on Monday to discuss smuggling along the Panj.\n\n"
        "The Afghan delegation came from Badakhshan province.\n")


def test_offsets_always_point_into_the_text_as_read():
    text = "date 2024-03-31 Clashes Near Isfara Leave Two Dead\n\nFighting spread to Vorukh.\n"
    (article,), masked = split_page(text)
    assert (article.title, article.date) == ("Clashes Near Isfara Leave Two Dead", "2024-03-31")
    assert masked == [(0, 15)]  # only the label and the date, not the headline after them
    assert text[article.start:article.end] == text


def test_a_list_of_earlier_articles_with_dates_is_not_this_articles_date():
    text = ("Lessons From the Border Clashes\n\nI have written about this before:\n\n"
            "* 24 August 2020: Notes on Belarus\n\n* 10 November 2020: The End of a War\n\n"
            "Both still hold, and here is why the border in Batken matters.\n")
    (article,), _ = split_page(text)
    assert (article.date, [s.title for s in article.sections]) == ("", ["Lessons From the Border Clashes"])


def test_bulleted_headings_between_paragraphs_are_sections():
    text = ("Ten Takeaways From the Clashes\n\nAn introduction about Central Asia.\n\n"
            "* Old Borders Are Fault Lines\n\nThe Soviet lines cut through the Fergana Valley.\n\n"
            "\u00a0* Water Is Scarce\n\nCanals near Isfara run dry in August.\n")
    (article,), _ = split_page(text)
    assert [s.title for s in article.sections] == [
        "Ten Takeaways From the Clashes", "Old Borders Are Fault Lines", "Water Is Scarce"]


@pytest.mark.skipif(not CORPUS_DEV.is_dir(), reason=f"{CORPUS_DEV} (shared dev pages) is not on this machine")
def test_the_two_scraped_dev_pages():
    problems = []
    korybko = read_document(CORPUS_DEV / "korybko-kyrgyz-tajik-clashes.txt", "k", problems=problems)
    crocus = read_document(CORPUS_DEV / "tajik-migrants-after-crocus.txt", "c", problems=problems)
    assert problems == []
    (article,) = korybko.articles
    assert (article.title, article.date, article.author, article.source) == (
        "10 Politically Tough Takeaways from the Latest Kyrgyz-Tajik Clashes", "", "Andrew Korybko", "OneWorld")
    assert len(article.sections) == 21  # the introduction and twenty bulleted takeaways and proposals
    assert kept_lines(korybko)[-1].startswith("Therefore, I hope that my list")
    (article,) = crocus.articles
    assert (article.title[:40], article.date, [s.title[:30] for s in article.sections]) == (
        "Citizens of Tajikistan began to leave Ru", "2024-03-31",
        ["Citizens of Tajikistan began t", "What is known about the mass f", "What is known about Russia's a"])


_PIECES = ["Clashes Near Isfara Leave Two Dead And Many Injured", "date 2024-03-31", "By Jane Roe",
           "Source: Fergana Ledger", "Similar Posts", "* Border Skirmishes Are Convenient",
           "Fighting spread to Vorukh on Tuesday, officials in Bishkek said.", "Share this:",
           "Monday, December 12", "Похожие записи", "\u00a0", "", "", "x"]


@given(st.lists(st.sampled_from(_PIECES), max_size=40), st.sampled_from(["\n", "\n\n", "\r\n"]))
@settings(max_examples=300, deadline=None)
def test_any_page_splits_into_ordered_articles_and_contiguous_sections(pieces, newline):
    text = newline.join(pieces)
    articles, masked = split_page(text)
    if not text.strip():
        assert articles == []
    for a, b in zip(articles, articles[1:]):
        assert a.end <= b.start
    assert [a.index for a in articles] == list(range(len(articles)))
    for article in articles:
        assert article.sections and article.sections[0].start == article.start
        for s, t in zip(article.sections, article.sections[1:]):
            assert s.end == t.start
        assert all(article.start <= s.start < s.end <= article.end for s in article.sections)
    assert all(0 <= start <= end <= len(text) for start, end in masked)
