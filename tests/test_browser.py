"""The built maps in headless Chromium, as a person opening them would see them, with no internet.

Needs the ``playwright`` package (test extra) and Debian's Chromium, which
``.ci/run`` installs. Without them these tests fail on CI (``CI`` set) and are
skipped, with the reason, elsewhere. Pages are served from 127.0.0.1; every
other request is answered by ``tests/browser.py`` or blocked and recorded.
"""

import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import browser
from geo.build import COMBINED_MAP
from geo.cli import main
from geo.places import UNTHEMED
from geo.themes import default_themes_path, load_themes
from test_render import HOSTILE_THEME_ID, PAYLOAD, SOURCE, XSSTOWN, hostile_inputs, map_data

# The layer control may follow a title with its count: "Armenia–Azerbaijan (152)".
_COUNT_SUFFIX = re.compile(r"\s*\(\d[\d,.\u202f ]*\)$")

#: Pages of the hostile build opened in the browser (the host pages are written by the fixture).
HOSTILE_PAGES = (COMBINED_MAP, f"{HOSTILE_THEME_ID}.html", "index.html", "host-fragment.html",
                 "host-iframes.html")


@dataclass(frozen=True)
class Built:
    """A folder written by ``geomap build`` and the URL it is served at."""

    folder: Path
    base_url: str
    places: pd.DataFrame
    mentions: pd.DataFrame


@dataclass(frozen=True)
class MapCase:
    """One map file and the overlays its layer control should list: title -> theme id, in order."""

    file: str
    layers: dict[str, str]


@contextmanager
def _built(out: Path, *args: str):
    """Run ``geomap build ARGS --out OUT --quiet`` and serve OUT."""
    result = CliRunner().invoke(main, ["build", *args, "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    tables = {name: pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)
              for name in ("places", "mentions")}
    tables["places"] = tables["places"].astype({"mentions": "int64", "lat": float, "lon": float})
    base_url, stop = browser.serve(out)
    try:
        yield Built(out, base_url, **tables)
    finally:
        stop()


@pytest.fixture(scope="module")
def chromium():
    reason = browser.unavailable()
    if reason:
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(f"browser tests cannot run on CI: {reason}", pytrace=False)
        pytest.skip(reason)
    with browser.chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def themes(gazetteer):
    return load_themes(default_themes_path(), gazetteer)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    with _built(tmp_path_factory.mktemp("sample-maps")) as built:
        yield built


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """Maps of hostile articles, a hostile theme file and hostile place names (see test_render),
    with two host pages: one including both maps' fragments, one both maps' iframes."""
    folder = tmp_path_factory.mktemp("hostile")
    with _built(folder / "maps", *hostile_inputs(folder)) as built:
        for host, stems, suffix in (("host-fragment.html", ["combined", HOSTILE_THEME_ID], ".fragment.html"),
                                    ("host-iframes.html", ["combined", HOSTILE_THEME_ID], ".iframe.html")):
            parts = [(built.folder / f"{stem}{suffix}").read_text(encoding="utf-8") for stem in stems]
            (built.folder / host).write_text(
                '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Host</title></head>\n'
                "<body><h1>A page that includes maps</h1>\n" + "\n".join(parts) + "</body></html>\n",
                encoding="utf-8")
        yield built


@pytest.fixture(scope="module")
def self_contained(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("small-corpus")
    (corpus / "jermuk.md").write_text("# Shelling near Jermuk\nDate: 2022-09-13\n\n"
                                      "Shells fell on Jermuk, Armenia, overnight.\n", encoding="utf-8")
    with _built(tmp_path_factory.mktemp("self-contained-maps"), str(corpus), "--self-contained") as built:
        yield built


@pytest.fixture(scope="module", params=["combined", "one theme"])
def case(request, themes) -> MapCase:
    if request.param == "combined":
        return MapCase(COMBINED_MAP, {t.title: t.id for t in themes} | {"Unthemed": UNTHEMED})
    return MapCase(f"{themes[0].id}.html", {themes[0].title: themes[0].id})


@pytest.fixture(scope="module")
def loaded(chromium, sample, case):
    """The map as it opens, shared by the checks that change nothing on it."""
    with browser.open_map(chromium, sample.base_url + case.file) as shown:
        yield shown


def _title(label: str) -> str:
    return _COUNT_SUFFIX.sub("", label)


def _shown_themes(page, case: MapCase) -> list[str]:
    """Ids of the themes whose overlay is ticked in the layer control."""
    return [case.layers[_title(label)] for label, ticked in browser.overlays(page) if ticked]


def _set_overlay(page, title: str, ticked: bool) -> None:
    label = page.locator(".leaflet-control-layers-overlays label").filter(
        has_text=re.compile(rf"^\s*{re.escape(title)}(?:\s*\(|\s*$)"))
    label.locator("input").set_checked(ticked)


def test_map_opens_without_console_or_page_errors(loaded):
    assert loaded.page_errors == []
    assert loaded.console_errors == []


def test_map_asks_the_internet_for_nothing_it_cannot_do_without(loaded):
    # Leaflet is answered from the installed xstatic-leaflet and tiles with a blank image;
    # anything else a map asks for would be missing for a reader offline.
    assert loaded.network.blocked == []


def test_self_contained_map_asks_the_network_for_tiles_only(chromium, self_contained):
    with browser.open_map(chromium, self_contained.base_url + COMBINED_MAP) as shown:
        network, errors = shown.network, shown.console_errors + shown.page_errors
    assert (network.served, network.blocked, errors) == ([], [], [])
    assert network.tiles > 0


def test_layer_control_lists_each_theme(loaded, case):
    assert [_title(label) for label, _ in browser.overlays(loaded.page)] == list(case.layers)


def test_each_place_of_the_shown_themes_is_drawn_once(loaded, case, sample):
    # places.csv has one row per (theme, place): one circle, polygon or line each.
    shown = _shown_themes(loaded.page, case)
    assert shown, "no overlay is ticked when the map opens"
    expected = int(sample.places["theme"].isin(shown).sum())
    assert browser.count_features(loaded.page) == expected


def test_map_screenshot_is_saved(loaded, case, tmp_path_factory):
    path = tmp_path_factory.mktemp("screenshots") / case.file.replace(".html", ".png")
    loaded.page.screenshot(path=path)
    print(f"screenshot of {case.file}: {path}")
    assert path.stat().st_size > 10_000


def test_ticking_unthemed_draws_its_places(chromium, sample):
    unthemed = int((sample.places["theme"] == UNTHEMED).sum())
    assert unthemed > 0, "the sample corpus should have places in no theme"
    with browser.open_map(chromium, sample.base_url + COMBINED_MAP) as shown:
        was_ticked = next(ticked for label, ticked in browser.overlays(shown.page)
                          if _title(label) == "Unthemed")
        before = browser.count_features(shown.page)
        _set_overlay(shown.page, "Unthemed", not was_ticked)
        after = browser.count_features(shown.page)
    assert abs(after - before) == unthemed


def test_popup_shows_the_place_and_a_sentence_naming_it(chromium, sample, case):
    with browser.open_map(chromium, sample.base_url + case.file) as shown:
        visible = sample.places[sample.places["theme"].isin(_shown_themes(shown.page, case))]
        top = visible.sort_values("mentions", ascending=False, kind="stable").iloc[0]
        text = browser.open_popup_at(shown.page, top["lat"], top["lon"])
    rows = sample.mentions[sample.mentions["place_id"] == top["place_id"]]
    # The popup quotes the words around the place: up to 90 characters either side of it.
    around = {row.snippet[max(0, row.snippet.find(row.surface) - 40):row.snippet.find(row.surface) + 40]
              for row in rows.itertuples() if row.surface in row.snippet}
    # Headed by the place clicked: a shape drawn over its point would answer with its own name.
    assert text.startswith(top["place_name"]), (top["place_name"], text)
    assert any(words in text for words in around), (top["place_name"], text)


def test_hostile_article_text_is_shown_as_text_and_never_run(chromium, hostile):
    jermuk = hostile.places[hostile.places["place_name"] == "Jermuk"].iloc[0]
    with browser.open_map(chromium, hostile.base_url + COMBINED_MAP) as shown:
        text = browser.open_popup_at(shown.page, jermuk["lat"], jermuk["lon"])
        ran = shown.page.evaluate("() => typeof window.__xss")
        javascript_links = shown.page.eval_on_selector_all(
            'a[href^="javascript:" i]', "links => links.map(a => a.outerHTML)")
        links = shown.page.eval_on_selector_all(".geomap-popup a", "links => links.map(a => a.href)")
        injected = shown.page.eval_on_selector_all(".geomap-popup img, .geomap-popup svg, "
                                                   ".geomap-popup iframe", "nodes => nodes.length")
        page_errors = shown.page_errors
    assert text.startswith("Jermuk"), text
    # Titles and outlets in full, quoted sentences around the place, all as written.
    assert f"Shelling near Jermuk {PAYLOAD}" in text
    assert SOURCE in text
    assert "Shelling hit Jermuk, Armenia, near <script>window.__xss='script'</script>" in text
    assert "49" not in text  # "{{ 7*7 }}" is not a template either
    assert ran == "undefined"
    assert javascript_links == []
    assert links == ["https://example.org/x%22%3E%3Csvg/onload=window.__xss='href'%3E"]
    assert injected == 0
    assert page_errors == []


_OPEN_EVERYTHING = """async (places) => {
  const frame = () => new Promise(done => requestAnimationFrame(done));
  const shown = [];
  const text = selector => [...document.querySelectorAll(selector)].map(node => node.innerText);
  // Every overlay ticked: hidden layers ("Unthemed", the choropleth) are drawn too.
  for (const input of document.querySelectorAll(".leaflet-control-layers-overlays input")) {
    if (!input.checked) { input.click(); await frame(); }
  }
  shown.push(...text(".geomap-legend"), ...text(".leaflet-control-layers-overlays label"));
  // Every place's popup, in every map of the page.
  for (const hooks of Object.values(window.geomap || {})) {
    for (const place of places) {
      if (hooks.openPlace(place)) { await frame(); shown.push(...text(".leaflet-popup-content")); }
    }
  }
  // The place search's list.
  for (const input of document.querySelectorAll(".geomap-search input")) {
    input.value = "xss";
    input.dispatchEvent(new Event("input"));
    shown.push(...text(".geomap-search li"));
  }
  // Every tooltip bound to a layer (the choropleth's).
  for (const key of Object.keys(window)) {
    let map;
    try { map = window[key]; } catch (error) { continue; }
    if (!(window.L && map instanceof L.Map)) continue;
    map.eachLayer(layer => { if (layer.getTooltip && layer.getTooltip()) layer.openTooltip(); });
  }
  await frame();
  shown.push(...text(".leaflet-tooltip"));
  return shown.join("\\n");
}"""


@pytest.mark.parametrize("name", HOSTILE_PAGES)
def test_hostile_input_never_runs_in_any_page(chromium, hostile, name):
    """Hostile text in articles, themes and places, shown everywhere it appears, runs nowhere.

    Each payload would leave a trace if it ran: ``window.__xss`` set, a dialog, or a request
    to anything but the build's own files, Leaflet and the tiles (127.0.0.1:9, ``x``...).
    """
    places = sorted(set(hostile.places["place_name"]))
    with browser.open_page(chromium, hostile.base_url + name) as shown:
        page = shown.page
        hovered = ""
        if name in (COMBINED_MAP, f"{HOSTILE_THEME_ID}.html"):
            # The long hostile title makes the legend and layer control cover the map.
            controls = page.add_style_tag(content=".leaflet-control-container { display: none }")
            hovered = browser.hover_at(page, *XSSTOWN)
            controls.evaluate("style => style.remove()")
        frames = page.frames
        for frame in frames[1:]:  # the iframes: wait until their maps are drawn
            frame.wait_for_function("() => window.geomap && Object.values(window.geomap).length "
                                    "&& Object.values(window.geomap).every(map => map.drawn)")
        seen = [frame.evaluate(_OPEN_EVERYTHING, places) for frame in frames]
        page.wait_for_load_state("networkidle")
        traces = [frame.evaluate("() => typeof window.__xss") for frame in frames]
        body = page.inner_text("body")
    local = {hostile.base_url + file.name for file in hostile.folder.iterdir()} | {
        hostile.base_url + "favicon.ico"}
    strays = shown.network.blocked + [url for url in shown.network.requests
                                      if url.startswith("http://127.0.0.1") and url not in local]
    assert (traces, shown.dialogs, strays) == (["undefined"] * len(frames), [], [])
    assert shown.page_errors + shown.console_errors == []
    assert len(frames) == (3 if name == "host-iframes.html" else 1)
    if name == "index.html":
        assert PAYLOAD in body and f"About {PAYLOAD}" in body  # theme title and description
        return
    # What a reader sees: the theme's title in the legend and layer control, the hostile
    # place name in popups, tooltips and the search list, article titles in popups.
    for frame_seen in seen[-1:] if name == "host-iframes.html" else seen:
        assert frame_seen.count(PAYLOAD) >= 4, frame_seen
        assert f"Xss {PAYLOAD}" in frame_seen and f"Shelling near Jermuk {PAYLOAD}" in frame_seen
        assert f"Second report {PAYLOAD}" in frame_seen
        assert f"Armenia {PAYLOAD}: 4 mentions" in frame_seen or name.startswith(HOSTILE_THEME_ID)
    if hovered:
        assert hovered == f"Xss {PAYLOAD} (1)"


def test_a_map_whose_data_is_compressed_draws_the_same(chromium, sample, tmp_path_factory, monkeypatch):
    # Large maps carry their data deflated (geo.map_data.packed_data); force it on the sample.
    monkeypatch.setattr("geo.map_data.COMPRESS_ABOVE", 0)
    with _built(tmp_path_factory.mktemp("compressed-maps")) as built:
        page = (built.folder / COMBINED_MAP).read_text(encoding="utf-8")
        assert 'type="application/x-geomap-deflate"' in page
        with browser.open_map(chromium, built.base_url + COMBINED_MAP) as shown:
            assert shown.console_errors + shown.page_errors == []
            drawn = browser.count_features(shown.page)
    themed = sample.places[sample.places["theme"] != UNTHEMED]
    assert drawn == len(themed)


def _set_time_control(page, last_date_index: int | None = None, undated: bool = True) -> None:
    """Move the time control's "last date shown" slider and tick "undated", as a person would."""
    if last_date_index is not None:
        page.evaluate("""(index) => {
            const input = document.querySelector('input[aria-label="Last date shown"]');
            input.value = index;
            input.dispatchEvent(new Event("input"));
        }""", last_date_index)
    box = page.locator(".geomap-time input[type=checkbox]")
    if box.is_checked() != undated:
        box.click()


def _popup_head(page, place: str) -> str:
    """The first line of ``place``'s popup, opened through the map's test hook (as the search
    box opens it)."""
    return page.evaluate("""async (place) => {
        if (!Object.values(window.geomap)[0].openPlace(place)) return "";
        await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
        // (The last one: a closed popup fades out for a moment before it leaves the page.)
        const heads = document.querySelectorAll(".leaflet-popup-content .geomap-popup-head");
        return heads[heads.length - 1].innerText;
    }""", place)


def test_a_place_named_more_often_than_its_popup_lists_still_counts_every_mention(
        chromium, tmp_path_factory, monkeypatch):
    monkeypatch.setattr("geo.digest.POPUP_ENTRIES", 2)
    with _built(tmp_path_factory.mktemp("capped-maps")) as built:
        places = built.places[built.places["theme"] != UNTHEMED]
        top = places.sort_values("mentions", ascending=False, kind="stable").iloc[0]
        assert top["mentions"] > 10
        page_file = f"{top['theme']}.html"
        dates = map_data((built.folder / page_file).read_text(encoding="utf-8"))["dates"]
        rows = built.mentions[(built.mentions["place_id"] == top["place_id"])
                              & built.mentions["themes"].str.split(";").apply(lambda ids: top["theme"] in ids)]
        dated = rows[rows["date"] != ""]
        first_day = int((dated["date"] == dated["date"].min()).sum())
        assert 0 < first_day < len(dated) <= len(rows) == top["mentions"]
        with browser.open_map(chromium, built.base_url + page_file) as shown:
            text = browser.open_popup_at(shown.page, top["lat"], top["lon"])
            heads = [_popup_head(shown.page, top["place_name"])]
            _set_time_control(shown.page, undated=False)
            heads.append(_popup_head(shown.page, top["place_name"]))
            _set_time_control(shown.page, last_date_index=dates.index(dated["date"].min()), undated=False)
            heads.append(_popup_head(shown.page, top["place_name"]))
            early = shown.page.inner_text(".leaflet-popup-content >> nth=-1")
            assert shown.console_errors + shown.page_errors == []
    assert f"{top['mentions']} mentions" in text
    assert "The latest 2 are listed; mentions.csv has them all." in text
    # The first day's mentions are not among the latest two: the popup says so.
    assert "Only the latest mentions are listed, none of these dates; mentions.csv has them all." in early
    assert [head.rsplit("\u00b7", 1)[-1].strip() for head in heads] == [
        f"{n} mentions" for n in (top["mentions"], len(dated), first_day)]
