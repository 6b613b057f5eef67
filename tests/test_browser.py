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

# The layer control may follow a title with its count: "Armenia–Azerbaijan (152)".
_COUNT_SUFFIX = re.compile(r"\s*\(\d[\d,.\u202f ]*\)$")

HOSTILE = (
    "# Shelling near Jermuk\n"
    "Date: 2022-09-13\n"
    "URL: javascript:alert(1)\n\n"
    'Shelling hit Jermuk, Armenia, near <img src=x onerror="window.__xss=1"> ${6*7} `backtick` '
    "C:\\reports\\20190221.txt overnight.\n"
)


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
    corpus = tmp_path_factory.mktemp("hostile-corpus")
    (corpus / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    with _built(tmp_path_factory.mktemp("hostile-maps"), str(corpus)) as built:
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


def test_hostile_article_text_is_shown_as_text_and_never_run(chromium, hostile, themes):
    jermuk = hostile.places[hostile.places["place_name"] == "Jermuk"].iloc[0]
    title = {t.id: t.title for t in themes}.get(jermuk["theme"], "Unthemed")
    with browser.open_map(chromium, hostile.base_url + COMBINED_MAP) as shown:
        _set_overlay(shown.page, title, True)
        text = browser.open_popup_at(shown.page, jermuk["lat"], jermuk["lon"])
        ran = shown.page.evaluate("() => typeof window.__xss")
        javascript_links = shown.page.eval_on_selector_all(
            'a[href^="javascript:" i]', "links => links.map(a => a.outerHTML)")
        injected_images = shown.page.eval_on_selector_all('img[src="x"]', "images => images.length")
        page_errors = shown.page_errors
    assert text.startswith("Jermuk"), text
    assert '<img src=x onerror="window.__xss=1">' in text
    assert "${6*7}" in text and "42" not in text
    assert "`backtick`" in text
    assert "C:\\reports\\20190221.txt" in text
    assert ran == "undefined"
    assert javascript_links == []
    assert injected_images == 0
    assert page_errors == []


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
