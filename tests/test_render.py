"""Maps render what users need and nothing an article's author could make run."""

import html
import json
import re
from html.parser import HTMLParser

import pytest
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


# --- Hostile articles, theme files and place files: every output shows them as text -----------

#: Each piece would leave a trace if it ran: ``window.__xss`` set, a dialog, or a request to
#: 127.0.0.1:9 (nothing listens there) or to ``x`` beside the page.
PAYLOADS = (
    "<script>window.__xss='script'</script>",
    "<img src=http://127.0.0.1:9/img onerror=\"window.__xss='img'\">",
    "</script><script>window.__xss='end'</script>",
    "<img src=x onerror=alert('img')>",
    "${window.__xss='template'}",
    "`+(window.__xss='backtick')+`",
    "\"'><svg onload=\"window.__xss='svg'\">",
    "<iframe src=\"javascript:alert('iframe')\"></iframe>",
    "<a href=\"javascript:alert('link')\">link</a>",
    "<style>@import url(http://127.0.0.1:9/css)</style>",
    "<!-- {{ 7*7 }} {% raw %} C:\\reports\\x.txt &amp;",
)
PAYLOAD = " ".join(PAYLOADS)
SOURCE = "<img src=http://127.0.0.1:9/source onerror=alert('source')>"  # a Source: line is short
#: Theme titles also carry what a terminal would obey: a colour change and a carriage return.
THEME_TITLE = "Border \x1b[31m" + PAYLOAD + "\r"
HOSTILE_THEME_ID = "hostile-theme"
#: Where the hostile places are: a user place "Xsstown" and Armenia, replaced by a box.
XSSTOWN = (39.95, 45.2)


def _toml(text: str) -> str:
    return json.dumps(text)  # a JSON string is a TOML basic string


def hostile_inputs(folder, payload: str = PAYLOAD, title: str = THEME_TITLE) -> list[str]:
    """Write a corpus, a theme file and two place files carrying ``payload`` into ``folder``;
    the ``geomap build`` arguments that read them (maps with embedding and a choropleth)."""
    corpus = folder / "corpus"
    corpus.mkdir()
    source = payload if payload != PAYLOAD else SOURCE
    (corpus / "hostile.md").write_text(
        f"# Shelling near Jermuk {payload}\n"
        "Date: 2022-09-13\n"
        f"Source: {source}\n"
        "URL: https://example.org/x\"><svg/onload=window.__xss='href'>\n\n"
        f"Shelling hit Jermuk, Armenia, near {payload} overnight; talks in Xsstown.\n\n"
        f"# Second report {payload}\n"
        "URL: javascript:alert('url')\n\n"
        "Shelling near Jermuk again.\n", encoding="utf-8")
    themes = folder / "themes.toml"
    themes.write_text(
        "version = 1\n\n[[themes]]\n"
        f'id = "{HOSTILE_THEME_ID}"\ntitle = {_toml(title)}\ncolour = "#d55e00"\n'
        f"description = {_toml('About ' + payload)}\nthreshold = 1.0\nplaces = [\"Jermuk\"]\n\n"
        f"[themes.keywords]\n{_toml(payload)} = 1.0\nshelling = 1.0\n", encoding="utf-8")
    places = folder / "places.csv"
    places.write_text("name,lat,lon,kind,country_code,alt_names\n"
                      f'"Xss {payload.replace(chr(34), chr(34) * 2)}",{XSSTOWN[0]},{XSSTOWN[1]},venue,AM,'
                      "Xsstown\n", encoding="utf-8")
    armenia = folder / "armenia.geojson"
    armenia.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": {"type": "Polygon", "coordinates": [
            [[43.5, 38.8], [46.6, 38.8], [46.6, 41.3], [43.5, 41.3], [43.5, 38.8]]]},
        "properties": {"place_id": "gn:174982", "name": f"Armenia {payload}", "kind": "country",
                       "country_code": "AM", "alt_names": "Armenia"}}]}), encoding="utf-8")
    return [str(corpus), "--themes", str(themes), "--gazetteer", str(places), "--gazetteer", str(armenia),
            "--embed", "--choropleth", "country"]


def _build_hostile(folder, *inputs):
    out = folder / "maps"
    result = CliRunner().invoke(main, ["build", *inputs, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


_JS_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`', re.S)


class _Skeleton(HTMLParser):
    """A page as its elements, attributes and code, with text, titles and JS strings blanked."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.text = [], []
        self._code: list[str] | None = None  # inside <script> or <style>
        self._data_element = False

    def handle_starttag(self, tag, attrs):
        self.parts.append((tag, tuple((name, "V" if name == "title" else value) for name, value in attrs)))
        if tag in ("script", "style"):
            self._code = []
            self._data_element = ("type", "application/json") in attrs

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if self._code is not None:
            code = "".join(self._code)
            self.parts.append(("code", "DATA" if self._data_element else _JS_STRING.sub('""', code)))
            self._code = None
        self.parts.append(("/" + tag,))

    def handle_data(self, data):
        if self._code is not None:
            self._code.append(data)
            return
        self.text.append(data)
        if data.strip() and self.parts[-1:] != [("text",)]:
            self.parts.append(("text",))

    def handle_comment(self, data):
        self.parts.append(("comment", data))


def _skeleton(page: str) -> _Skeleton:
    parser = _Skeleton()
    parser.feed(page)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    """The maps of the hostile inputs and of the same inputs with harmless words instead."""
    built = {}
    for name, payload, title in (("hostile", PAYLOAD, THEME_TITLE), ("harmless", "harmless words", "Border")):
        folder = tmp_path_factory.mktemp(name)
        built[name] = _build_hostile(folder, *hostile_inputs(folder, payload, title))
    return built


def test_hostile_outputs_have_the_elements_and_code_of_harmless_ones(hostile_build):
    (hostile, _), (harmless, _) = hostile_build["hostile"], hostile_build["harmless"]
    pages = sorted(p.name for p in hostile.glob("*.html"))
    assert pages == sorted(p.name for p in harmless.glob("*.html")) == sorted(
        f"{stem}{suffix}" for stem in ("combined", HOSTILE_THEME_ID) for suffix in
        (".html", ".fragment.html", ".iframe.html")) + ["index.html"]
    for name in pages:
        shown, plain = (_skeleton((folder / name).read_text(encoding="utf-8"))
                        for folder in (hostile, harmless))
        # The same elements, attributes and script code, in the same order: the payloads changed
        # nothing but text, the JSON data and the contents of JavaScript strings.
        assert shown.parts == plain.parts, name


def test_hostile_text_reads_as_written_in_every_page(hostile_build):
    out, _ = hostile_build["hostile"]
    text = {p.name: "".join(_skeleton(p.read_text(encoding="utf-8")).text) for p in out.glob("*.html")}
    title = THEME_TITLE.replace("\r", "\n")  # HTML reads a carriage return as a line break
    for page in ("combined.html", f"{HOSTILE_THEME_ID}.html", "combined.fragment.html"):
        assert title in text[page], page  # the legend
    assert title in text["index.html"] and f"About {PAYLOAD}" in text["index.html"]
    iframe = _skeleton((out / f"{HOSTILE_THEME_ID}.iframe.html").read_text(encoding="utf-8"))
    (frame,) = [part for part in iframe.parts if part[0] == "iframe"]
    assert dict(frame[1])["src"] == f"{HOSTILE_THEME_ID}.html"
    page = (out / "combined.html").read_text(encoding="utf-8")
    # The layer control's labels are JSON strings of escaped HTML, which Leaflet sets as HTML.
    labels = [html.unescape(json.loads(label))
              for label in re.findall(r'("(?:[^"\\]|\\.)*") : feature_group_', page)]
    # Jermuk three times (a title, a sentence, the second report's "Jermuk" alone, Armenia's
    # town too), Armenia and Xsstown once each.
    assert labels == [f"{THEME_TITLE} (5)", "Unthemed (0)", "Mentions per country"]
    tooltips = [html.unescape(text)
                for text in re.findall(r"bindTooltip\(\s*`<div>\s*(.*?)\s*</div>`", page, re.S)]
    assert f"Armenia {PAYLOAD}: 4 mentions" in tooltips


def test_hostile_place_and_article_text_is_only_json_data(hostile_build):
    out, _ = hostile_build["hostile"]
    for name in ("combined.html", f"{HOSTILE_THEME_ID}.html", "combined.fragment.html"):
        data = map_data((out / name).read_text(encoding="utf-8"))
        assert f"Xss {PAYLOAD}" in [place[0] for place in data["places"]], name
        assert [article[0] for article in data["articles"]] == [
            f"Shelling near Jermuk {PAYLOAD}", f"Second report {PAYLOAD}"], name
        # A javascript: URL is dropped; an http(s) one is kept whole, to be set as a link's href.
        assert [article[1] for article in data["articles"]] == [
            "https://example.org/x\"><svg/onload=window.__xss='href'>", ""], name
        assert [article[3] for article in data["articles"]] == [SOURCE, ""], name


def test_summary_shows_what_a_terminal_would_obey_as_escapes(hostile_build):
    _, output = hostile_build["hostile"]
    summary = output[output.index("read 1 files"):]  # after the progress bar, which moves the cursor
    (line,) = [line for line in summary.splitlines() if line.startswith(f"  {HOSTILE_THEME_ID} ")]
    assert line.endswith("mentions  Border \\x1b[31m" + PAYLOAD + "\\r")
    assert "\x1b" not in summary and "\r" not in summary


def test_text_is_never_a_template_on_the_machine_building_the_map(tmp_path):
    # branca renders what an element renders once more as a Jinja template: "{{ 7*7 }}" would be
    # 49 and "{{ lipsum.__globals__.os... }}" would run Python. It stays text.
    text = "{{ 7*7 }} {% if true %}IF{% endif %} {# note #}"
    out = build(tmp_path, f"# Talks {text} in Jermuk\n\nShelling hit Jermuk {text} overnight.\n")
    data = map_data((out / "combined.html").read_text(encoding="utf-8"))
    assert data["articles"][0][0] == f"Talks {text} in Jermuk"
    assert data["snippets"][-1] == f"Shelling hit Jermuk {text} overnight."


def test_a_blank_theme_title_still_gives_a_titled_iframe(tmp_path):
    themes = tmp_path / "themes.toml"
    themes.write_text('version = 1\n\n[[themes]]\nid = "untitled"\ntitle = "  "\nplaces = ["Jermuk"]\n',
                      encoding="utf-8")
    out = build(tmp_path, "# Shelling\n\nShells fell on Jermuk.\n", "--themes", str(themes), "--embed")
    assert (out / "untitled.iframe.html").read_text(encoding="utf-8").startswith(
        '<iframe src="untitled.html" title="untitled" ')
