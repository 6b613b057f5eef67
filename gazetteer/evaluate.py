"""Measure the geoparser on a gold-annotated corpus (GeoWebNews schema).

Usage::

    python -m gazetteer.evaluate FILE.jsonl [--json] [--errors] [--demonyms] [--limit N]

Each line of FILE is ``{"id", "text", "toponyms": [{"start", "end", "name",
"lat", "lon", "geonameid"}]}``. Printed: span precision/recall/F1 (spans
matched by overlap, and exactly), accuracy within 161 km on matched spans,
mean and median error in km, the AUC of the error curve (Gritta et al. 2019:
area under sorted ln(1 + km) / ln(20039), lower is better), end-to-end
accuracy over all gold toponyms, and articles per second. A prediction with the
gold GeoNames id is right whatever the distance between the two sources'
points; a gold toponym that is a country is scored by country: right when the
prediction is that country; a predicted continent, macro-region, body of water,
physical region or corridor is scored by the distance from the gold point to
its shape (0 when the shape holds it), since such places have no meaningful
single point. Everything else is scored by distance between points.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import shapely
import shapely.ops
from geopy.distance import geodesic

from .gazetteer import Gazetteer
from .geoparser import Geoparser
from .mention import Mention

__all__ = ["Scores", "evaluate", "main"]

ACCURACY_KM = 161.0  # 100 miles, the field's usual threshold
_MAX_ERROR_KM = 20039.0  # half the Earth's circumference: the worst possible error
_COUNTRY_KINDS = ("country", "dependency")
# Places with no meaningful single point: scored by the distance from the gold point to their shape.
_EXTENDED_KINDS = ("continent", "macro_region", "water", "physical", "corridor")


@dataclass
class Scores:
    """Counts and errors gathered over a corpus; :meth:`summary` turns them into figures."""

    gold: int = 0
    predicted: int = 0
    matched: int = 0
    matched_exact: int = 0
    errors_km: list[float] = field(default_factory=list)
    articles: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        precision = self.matched / self.predicted if self.predicted else 0.0
        recall = self.matched / self.gold if self.gold else 0.0
        exact_p = self.matched_exact / self.predicted if self.predicted else 0.0
        exact_r = self.matched_exact / self.gold if self.gold else 0.0
        correct = sum(e <= ACCURACY_KM for e in self.errors_km)
        errors = sorted(self.errors_km)
        auc = 0.0
        if len(errors) > 1:
            scaled = [math.log(1 + e) / math.log(_MAX_ERROR_KM) for e in errors]
            step = 1 / (len(scaled) - 1)
            auc = sum((a + b) / 2 * step for a, b in zip(scaled, scaled[1:]))
        return {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(_f1(precision, recall), 4),
            "f1_exact": round(_f1(exact_p, exact_r), 4),
            "acc_161": round(correct / len(errors), 4) if errors else 0.0,
            "mean_km": round(statistics.fmean(errors), 1) if errors else 0.0,
            "median_km": round(statistics.median(errors), 1) if errors else 0.0,
            "auc": round(auc, 4),
            "e2e_acc_161": round(correct / self.gold, 4) if self.gold else 0.0,
            "articles_per_s": round(self.articles / self.seconds, 1) if self.seconds else 0.0,
        }


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _error_km(mention: Mention, gold: dict, gazetteer: Gazetteer) -> float:
    """Distance from the predicted place to the gold point; 0 or max for country-level gold."""
    gold_id = f"gn:{gold['geonameid']}" if gold.get("geonameid") else ""
    gold_place = None
    if gold_id:
        try:
            gold_place = gazetteer.get(gold_id)
        except KeyError:
            pass
    if gold_id and mention.place.place_id == gold_id:
        return 0.0  # the very place: representative points may differ between sources
    if mention.place.kind in _EXTENDED_KINDS and gazetteer.has_shape(mention.place.place_id):
        # A sea, a river or a region has no meaningful point: the error is how far the gold
        # point lies from its shape (0 inside it, a few km beside a river's line).
        shape = gazetteer.geometry(mention.place.place_id)
        gold_point = shapely.Point(gold["lon"], gold["lat"])
        if shape.covers(gold_point):
            return 0.0
        nearest = shapely.ops.nearest_points(shape, gold_point)[0]
        return geodesic((nearest.y, nearest.x), (gold["lat"], gold["lon"])).km
    if gold_place is not None and gold_place.kind in _COUNTRY_KINDS:
        same = (mention.place.kind in _COUNTRY_KINDS
                and mention.place.country_code == gold_place.country_code)
        return 0.0 if same else max(ACCURACY_KM * 2, _distance(mention, gold))
    return _distance(mention, gold)


def _distance(mention: Mention, gold: dict) -> float:
    return geodesic((mention.place.lat, mention.place.lon), (gold["lat"], gold["lon"])).km


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


def score_article(article: dict, mentions: list[Mention], gazetteer: Gazetteer, scores: Scores) -> None:
    """Add one article's spans and errors to ``scores``."""
    gold = sorted(article["toponyms"], key=lambda t: t["start"])
    scores.gold += len(gold)
    scores.predicted += len(mentions)
    used: set[int] = set()
    for mention in mentions:
        match = next((i for i, g in enumerate(gold) if i not in used
                      and _overlaps(mention.start, mention.end, g["start"], g["end"])), None)
        if match is None:
            scores.problems.append(f"{article['id']}\tspurious\t{mention.surface!r} -> "
                                   f"{mention.place.name} ({mention.place.kind}, {mention.place.country_code})")
            continue
        used.add(match)
        g = gold[match]
        scores.matched += 1
        scores.matched_exact += (mention.start, mention.end) == (g["start"], g["end"])
        error = _error_km(mention, g, gazetteer)
        scores.errors_km.append(error)
        if error > ACCURACY_KM:
            scores.problems.append(
                f"{article['id']}\twrong\t{mention.surface!r} -> {mention.place.name} "
                f"({mention.place.kind}, {mention.place.country_code}, {mention.place.place_id}); "
                f"gold {g['name']} gn:{g.get('geonameid')} ({g['lat']:.2f}, {g['lon']:.2f}); {error:.0f} km")
    for i, g in enumerate(gold):
        if i not in used:
            scores.problems.append(f"{article['id']}\tmissed\t{g['name']!r} gn:{g.get('geonameid')}")


def evaluate(path: Path, geoparser: Geoparser, limit: int | None = None) -> Scores:
    """Run ``geoparser`` over every article of ``path`` and score it."""
    scores = Scores()
    with open(path, encoding="utf-8") as lines:
        articles = [json.loads(line) for line in lines if line.strip()]
    if limit:
        articles = articles[:limit]
    for article in articles:
        started = time.perf_counter()
        mentions = geoparser.parse(article["text"])
        scores.seconds += time.perf_counter() - started
        scores.articles += 1
        score_article(article, mentions, geoparser.gazetteer, scores)
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gazetteer.evaluate", description=__doc__.split("\n")[0])
    parser.add_argument("file", type=Path, help="gold corpus, one JSON article per line")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    parser.add_argument("--errors", action="store_true", help="list every wrong, missed and spurious span")
    parser.add_argument("--no-demonyms", dest="demonyms", action="store_false",
                        help="leave out demonyms ('Russian', 'Tajik'); by default they count as their country")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N articles")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        print(f"error: {args.file} does not exist; give a JSONL file in the GeoWebNews schema",
              file=sys.stderr)
        return 2
    geoparser = Geoparser(include_demonyms=args.demonyms)
    geoparser.gazetteer.names  # load the index before timing starts
    scores = evaluate(args.file, geoparser, args.limit)
    figures = scores.summary()
    if args.errors:
        print("\n".join(scores.problems))
    print(f"articles {scores.articles}, gold toponyms {scores.gold}, predicted {scores.predicted}")
    print(f"span precision {figures['precision']:.3f}  recall {figures['recall']:.3f}  "
          f"F1 {figures['f1']:.3f}  (exact-span F1 {figures['f1_exact']:.3f})")
    print(f"accuracy@161km on matched spans {figures['acc_161']:.3f}  mean {figures['mean_km']:.0f} km  "
          f"median {figures['median_km']:.0f} km  AUC {figures['auc']:.3f}")
    print(f"end-to-end accuracy@161km over all gold toponyms {figures['e2e_acc_161']:.3f}")
    print(f"speed {figures['articles_per_s']:.1f} articles/s")
    if args.json:
        print(json.dumps(figures, sort_keys=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
