"""Maps render what users need and nothing an article's author could make run."""

import json
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
_DATA = re.compile(r'<script type="application/json" id="[a-z0-9_]+_data">(.*?)</script>', re.S)


def build(tmp_path, text, *options):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "hostile.md").write_text(text, encoding="utf-8")
    out = tmp_path / "maps"
    result = CliRunner().invoke(main, ["build", str(corpus), "--out", str(out), "--quiet", *options])
    assert result.exit_code == 0, result.output
    return out


def map_data(page):
    (data,) = _DATA.findall(page)
    return json.loads(data)


def test_article_text_reaches_the_page_only_as_json_data(tmp_path):
    page = (build(tmp_path, HOSTILE) / "combined.html").read_text(encoding="utf-8")
    (raw,) = _DATA.findall(page)
    # The data element cannot be closed or turned into markup from inside: no "<" at all.
    assert "<" not in raw and ">" not in raw and "&" not in raw
    outside = _DATA.sub("", page)
    for payload in ("<script>alert", "<img src=x", "${6*7}", "`backtick`", "</script><b>",
                    "\\reports", "javascript:alert"):
        assert payload not in outside, payload
    data = map_data(page)
    # People still read the words as written: the popup shows them as text (geomap.js uses
    # textContent), and a javascript: link is dropped, not linked.
    assert data["articles"] == [["Clashes <script>alert('t')</script> in Vorukh", "", "2022-09-14",
                                 "<img src=x onerror=alert('s')>", "corpus/hostile.md"]]
    # Each place quotes the words around it (up to 90 characters either side).
    assert ("Fighting near Vorukh and Batken ${6*7} `backtick` continued, says "
            "C:\\reports\\20190221.txt and \"quotes\" </scrip…") == data["snippets"][1]


def test_popup_data_holds_article_date_source_link_and_the_matched_words(tmp_path):
    out = build(tmp_path, "# Shelling in Jermuk\nDate: 2022-09-13\nSource: Caucasus Wire\n"
                          "URL: https://example.org/a\n\nShells fell on Jermuk in Armenia overnight.\n")
    data = map_data((out / "combined.html").read_text(encoding="utf-8"))
    assert data["articles"] == [["Shelling in Jermuk", "https://example.org/a", "2022-09-13",
                                 "Caucasus Wire", "corpus/hostile.md"]]
    place = next(i for i, p in enumerate(data["places"]) if p[0] == "Jermuk")
    (entries,) = [entries for layer in data["layers"] for p, entries in layer["marks"] if p == place]
    snippets = [(data["snippets"][s], data["snippets"][s][a:b]) for s, a, b in
                zip(entries[1::4], entries[2::4], entries[3::4])]
    assert snippets == [("Shelling in Jermuk", "Jermuk"),
                        ("Shells fell on Jermuk in Armenia overnight.", "Jermuk")]
    assert data["dates"] == ["2022-09-13"]


def test_index_page_lists_themes_with_counts_and_links(tmp_path):
    out = build(tmp_path, "# Shelling in Jermuk\nDate: 2022-09-13\n\nAzerbaijani shelling hit Jermuk "
                          "and Goris; Pashinyan spoke of the Lachin corridor.\n")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="combined.html"><b>Combined map</b></a>' in index
    assert re.search(r'<a href="armenia-azerbaijan.html">Armenia–Azerbaijan</a>.*?</td>'
                     r'<td class="n">1</td><td class="n">\d+</td><td class="n">\d+</td>'
                     r'<td>2022-09-13 – 2022-09-13</td>', index)
    assert "<script" not in index


def test_attribution_names_tiles_and_gazetteer_sources(tmp_path):
    out = build(tmp_path, "# Note\n\nTalks in Dushanbe.\n")
    for page in ("combined.html", "index.html"):
        text = (out / page).read_text(encoding="utf-8")
        for source in ("OpenStreetMap", "GeoNames", "s On First", "geoBoundaries", "Natural Earth"):
            assert source in text, (page, source)


def test_region_mentions_are_shapes_and_corridors_lines(tmp_path):
    out = build(tmp_path, "# Blockade\n\nThe Lachin corridor stayed shut; Khatlon Province was calm.\n")
    data = map_data((out / "combined.html").read_text(encoding="utf-8"))
    shapes = {p[0]: data["shapes"][p[5]]["type"] for p in data["places"] if p[5] >= 0}
    assert shapes == {"Lachin corridor": "LineString", "Khatlon": "Polygon"}


def test_embed_and_self_contained(tmp_path):
    out = build(tmp_path, "# Note\n\nTalks in Dushanbe.\n", "--embed", "--self-contained")
    page = (out / "combined.html").read_text(encoding="utf-8")
    assert not re.search(r'<script[^>]+src="http', page) and not re.search(r'<link[^>]+href="http', page)
    fragment = (out / "combined.fragment.html").read_text(encoding="utf-8")
    assert "<html" not in fragment and "<body" not in fragment and "Geomap.draw(" in fragment
    assert (out / "combined.iframe.html").read_text(encoding="utf-8").startswith('<iframe src="combined.html"')


def test_ids_differ_between_maps_so_fragments_can_share_a_page(tmp_path):
    out = build(tmp_path, "# Note\n\nTalks in Dushanbe and Khujand.\n", "--embed")
    ids = [set(re.findall(r'id="([^"]+)"', (out / f"{name}.fragment.html").read_text(encoding="utf-8")))
           for name in ("combined", "kyrgyz-tajik-border")]
    assert ids[0] and ids[1] and not ids[0] & ids[1]


def test_large_map_data_is_deflated_and_inflates_to_the_same_json(tmp_path, monkeypatch):
    import base64
    import zlib

    from geo.map_data import json_for_html, packed_data

    data = {"snippets": ["Shelling near Jermuk </script> ${6*7}"] * 3, "layers": []}
    assert packed_data(data) == ("application/json", json_for_html(data))
    monkeypatch.setattr("geo.map_data.COMPRESS_ABOVE", 10)
    kind, text = packed_data(data)
    assert kind == "application/x-geomap-deflate" and re.fullmatch(r"[A-Za-z0-9+/=]+", text)
    assert json.loads(zlib.decompress(base64.b64decode(text), -15)) == data
