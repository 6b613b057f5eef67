"""How big the maps get and how long they take to build and draw: prints figures, asserts nothing.

Usage: ``python benchmarks/map_scale.py [--sizes 1000 10000 100000] [--places 3000] [--seed 7]``

For each size, a synthetic mentions table (:data:`geo.table.MENTION_COLUMNS`)
is drawn with a seeded generator: ``--places`` real gazetteer places (nine in
ten populated cities, weighted toward the larger ones, one in ten provinces,
districts, countries, seas and mountain ranges), a few places named far more
often than the rest, articles of about eight mentions dated over 2023-2024,
each in none, one or two of the six default themes, and a sentence of about
150 characters per mention. Then it prints:

* ``html MB``: the size of ``combined.html`` (every theme as a layer), in 10^6 bytes;
* ``map s``: building and rendering that map (``build_map`` + ``render_html``);
* ``build s``: :func:`geo.build.build_outputs`, everything ``geomap build
  --self-contained`` writes after reading the corpus (every map, the index
  page, the tables);
* ``draw s``: the median of three openings of ``combined.html`` in headless Chromium (``tests/browser.py``:
  served from 127.0.0.1, Leaflet from xstatic-leaflet, blank tiles), from
  navigation start to the map drawn and painted;
* ``places`` and ``drawn``: rows of ``places.csv`` in the themes shown at start,
  and the features Leaflet has on the map (``browser.count_features``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from gazetteer import Gazetteer
from geo.build import COMBINED_MAP, MapOptions, build_outputs
from geo.places import UNTHEMED, places_frame
from geo.render import build_map, render_html
from geo.table import MENTION_COLUMNS
from geo.themes import Theme, default_themes_path, load_themes

# The browser helpers live with the tests that mainly use them.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import browser  # noqa: E402

_AREA_KINDS = ["country", "admin1", "admin2", "water", "physical", "disputed"]
_OUTLETS = ["Caucasus Wire", "Pamir Monitor", "Aegean Desk", "Transit Watch", "Steppe Review",
            "Eurasia Brief", "Fergana Ledger", "Caspian Ledger"]
_WORDS = ("officials said the border road was closed after overnight shelling while residents "
          "reported damage to homes and a school near the checkpoint as talks resumed in the "
          "capital with envoys from both sides and observers from the mission").split()
_MENTIONS_PER_ARTICLE = 8
_SNIPPET_CHARS = 150
_DRAW_RUNS = 3


def sample_places(gazetteer: Gazetteer, count: int, rng: np.random.Generator) -> pd.DataFrame:
    """``count`` distinct places: nine in ten populated cities (weighted by sqrt of population)."""
    table = gazetteer.table
    cities = table[(table["kind"] == "city") & (table["population"] > 0)]
    areas = table[table["kind"].isin(_AREA_KINDS)]
    n_areas = count // 10
    weights = np.sqrt(cities["population"].to_numpy(dtype=float))
    chosen_cities = rng.choice(len(cities), size=count - n_areas, replace=False, p=weights / weights.sum())
    chosen_areas = rng.choice(len(areas), size=n_areas, replace=False)
    places = pd.concat([cities.iloc[chosen_cities], areas.iloc[chosen_areas]], ignore_index=True)
    return places.iloc[rng.permutation(len(places))].reset_index(drop=True)


def _sentence(name: str, rng: np.random.Generator) -> tuple[str, int]:
    """A sentence of about 150 characters naming ``name``, and where the name starts in it."""
    words = rng.choice(_WORDS, size=40)
    lead = " ".join(words[: rng.integers(2, 10)]).capitalize() + " in "
    tail, used = [], len(lead) + len(name)
    for word in words[10:]:
        if used >= _SNIPPET_CHARS:
            break
        tail.append(word)
        used += len(word) + 1
    return f"{lead}{name} {' '.join(tail)}.", len(lead)


def synthetic_mentions(size: int, places: pd.DataFrame, themes: list[Theme],
                       rng: np.random.Generator) -> pd.DataFrame:
    """``size`` mentions of ``places`` in articles of about eight mentions, typed as MENTION_COLUMNS."""
    zipf = 1.0 / np.arange(1, len(places) + 1) ** 0.9
    place_rows = places.iloc[rng.choice(len(places), size=size, p=zipf / zipf.sum())].reset_index(drop=True)
    article = np.sort(rng.integers(0, max(1, size // _MENTIONS_PER_ARTICLE), size=size))
    n_articles = int(article.max()) + 1
    days = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 731, n_articles), unit="D")
    theme_ids = [theme.id for theme in themes]
    article_themes = []
    for _ in range(n_articles):
        k = rng.choice([0, 1, 2], p=[0.2, 0.65, 0.15])
        article_themes.append(sorted(rng.choice(theme_ids, size=k, replace=False)))
    sentences = [_sentence(name, rng) for name in place_rows["name"]]
    doc_ids = [f"synthetic/{a:06d}.txt" for a in article]
    columns = {
        "doc_id": doc_ids, "path": doc_ids, "article": 0, "section": 0, "section_title": "",
        "title": [f"Synthetic report {a}" for a in article],
        "date": days.strftime("%Y-%m-%d").to_numpy()[article], "author": "",
        "source": np.array(_OUTLETS)[article % len(_OUTLETS)],
        "url": [f"https://example.org/synthetic/{a}" for a in article],
        "surface": place_rows["name"], "start": [start for _, start in sentences],
        "end": [start + len(name) for (_, start), name in zip(sentences, place_rows["name"])],
        "mention_kind": "place", "place_id": place_rows["place_id"],
        "place_name": place_rows["name"], "kind": place_rows["kind"].astype(str),
        "country_code": place_rows["country_code"].astype(str).replace("nan", ""),
        "lat": place_rows["lat"], "lon": place_rows["lon"],
        "confidence": rng.uniform(0.5, 1.0, size), "reason": "synthetic",
        "themes": [";".join(article_themes[a]) for a in article],
        "theme_reasons": [" | ".join(f"{t}: synthetic" for t in article_themes[a]) for a in article],
        "snippet": [sentence for sentence, _ in sentences],
    }
    frame = pd.DataFrame(columns)[list(MENTION_COLUMNS)]
    return frame.astype({column: dtype for column, (dtype, _) in MENTION_COLUMNS.items()})


def measure(size: int, places: pd.DataFrame, themes: list[Theme], gazetteer: Gazetteer,
            chromium, seed: int, timeout_s: float) -> dict:
    mentions = synthetic_mentions(size, places, themes, np.random.default_rng(seed + size))
    started = time.perf_counter()
    render_html(build_map(mentions, themes, gazetteer, title="geomap: all themes"), prefix="combined")
    map_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="geomap-scale-") as out:
        out = Path(out)
        started = time.perf_counter()
        # Self-contained, as a reader offline would get it: the draw time is the map's own,
        # not the test harness answering Leaflet requests.
        build_outputs(mentions, themes, gazetteer, out, options=MapOptions(self_contained=True))
        build_s = time.perf_counter() - started
        shown = places_frame(mentions)
        row = {"mentions": size, "html MB": (out / COMBINED_MAP).stat().st_size / 1e6,
               "map s": map_s, "build s": build_s,
               "places": int((shown["theme"] != UNTHEMED).sum()),  # Unthemed starts hidden
               "draw s": float("nan"), "drawn": -1, "note": ""}
        base_url, stop = browser.serve(out)
        try:
            draws = []
            for _ in range(_DRAW_RUNS):  # the median of a few openings: one can catch a busy moment
                with browser.open_map(chromium, base_url + COMBINED_MAP, timeout_s=timeout_s) as opened:
                    draws.append(opened.draw_seconds)
                    row["drawn"] = browser.count_features(opened.page)
                    errors = opened.console_errors + opened.page_errors
                    if errors:
                        row["note"] = f"{len(errors)} console/page errors, first: {errors[0][:80]}"
            row["draw s"] = statistics.median(draws)
        except Exception as error:  # a map that never draws is a figure too
            row["note"] = f"not drawn: {type(error).__name__}: {str(error).splitlines()[0][:80]}"
        finally:
            stop()
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--places", type=int, default=3000, help="distinct places to draw from")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for a map to draw")
    args = parser.parse_args()
    if reason := browser.unavailable():
        sys.exit(f"map_scale: {reason}")
    gazetteer = Gazetteer.load()
    themes = load_themes(default_themes_path(), gazetteer)
    places = sample_places(gazetteer, args.places, np.random.default_rng(args.seed))
    print(f"{args.places} places ({(places['kind'] == 'city').sum()} cities), {len(themes)} themes, "
          f"seed {args.seed}; Chromium {browser.CHROMIUM}")
    header = f"{'mentions':>9} {'places':>7} {'drawn':>7} {'html MB':>8} {'map s':>7} {'build s':>8} {'draw s':>7}"
    print(header)
    with browser.chromium() as chromium:
        for size in args.sizes:
            row = measure(size, places, themes, gazetteer, chromium, args.seed, args.timeout)
            print(f"{row['mentions']:>9,} {row['places']:>7,} {row['drawn']:>7,} {row['html MB']:>8.2f} "
                  f"{row['map s']:>7.1f} {row['build s']:>8.1f} {row['draw s']:>7.2f}"
                  + (f"  {row['note']}" if row["note"] else ""), flush=True)


if __name__ == "__main__":
    main()
