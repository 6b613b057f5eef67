"""Score the geoparser on the two scraped pages of ``../shared/corpus-dev``: prints figures.

Usage: ``python benchmarks/corpus_dev_eval.py [--errors] [--corpus-dev DIR]``

A check that the resolver was not tuned to GeoWebNews alone: the pages are
real blog posts on Central Asia and Russia, annotated by hand (without looking
at the parser's output) in ``benchmarks/corpus_dev_gold.csv``. The gold file
holds offsets, surfaces and coordinates only; the texts stay where they are,
since they are the publishers'. Same scoring as ``python -m gazetteer.evaluate``.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from pathlib import Path

from gazetteer import Geoparser
from gazetteer.evaluate import Scores, score_article

GOLD = Path(__file__).with_name("corpus_dev_gold.csv")


def gold_articles(corpus_dev: Path) -> list[dict]:
    """The pages in the GeoWebNews schema: ``{"id", "text", "toponyms"}``."""
    toponyms = defaultdict(list)
    with GOLD.open(encoding="utf-8", newline="") as rows:
        for row in csv.DictReader(rows):
            toponyms[row["file"]].append({
                "start": int(row["start"]), "end": int(row["end"]), "name": row["surface"],
                "lat": float(row["lat"]), "lon": float(row["lon"]),
                "geonameid": int(row["geonameid"]) if row["geonameid"] else None,
            })
    articles = []
    for name in sorted(toponyms):
        text = (corpus_dev / name).read_text(encoding="utf-8")
        for t in toponyms[name]:
            if text[t["start"]:t["end"]] != t["name"]:
                raise SystemExit(f"{GOLD}: {name} offset {t['start']} is not {t['name']!r}; "
                                 "the page changed, annotate it again")
        articles.append({"id": name, "text": text, "toponyms": toponyms[name]})
    return articles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus-dev", type=Path, default=Path(__file__).parents[2] / "shared" / "corpus-dev")
    parser.add_argument("--errors", action="store_true", help="list every wrong, missed and spurious span")
    args = parser.parse_args(argv)
    if not args.corpus_dev.is_dir():
        print(f"error: {args.corpus_dev} is not a folder; pass --corpus-dev", file=sys.stderr)
        return 2
    geoparser = Geoparser()
    scores = Scores()
    for article in gold_articles(args.corpus_dev):
        scores.articles += 1
        score_article(article, geoparser.parse(article["text"]), geoparser.gazetteer, scores)
    if args.errors:
        print("\n".join(scores.problems))
    figures = scores.summary()
    print(f"pages {scores.articles}, gold toponyms {scores.gold}, predicted {scores.predicted}")
    print(json.dumps({k: figures[k] for k in ("precision", "recall", "f1", "acc_161", "mean_km")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
