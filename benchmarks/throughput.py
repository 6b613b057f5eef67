"""Geoparsing throughput on one core, beside geotext: prints figures, asserts nothing.

Usage: ``python benchmarks/throughput.py [--mb 50] [--eval ../shared/eval/geowebnews.jsonl]``

The texts are the bundled sample corpus' articles and, when the file is
there, the GeoWebNews article texts, repeated until ``--mb`` megabytes of
UTF-8. On the same texts in the same run it times:

* geomap on one core, in MB/s and articles/s of CPU time (steadier than wall
  time on a shared machine): matching and resolving (``Geoparser.parse`` per
  article), first over the distinct texts once (the resolver remembers what
  it works out per name, so this pass shows a cold start), then over all of
  them; then end to end, with unknown names, theme assignment and the
  mentions table (``geoparse_documents``);
* geotext (``pip install geotext``, a common simple place extractor, installed
  for this benchmark only), for the ratio;
* the gazetteer's warm start (index cache in place) and the process's peak
  memory (max RSS).

Issue 8's targets: 2 MB/s per core end to end, peak memory under 1 GB for a 1 GB corpus.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from geo.corpus import read_corpus, sample_corpus_path
from geo.document import Article, Document, Section
from geo.pipeline import geoparse_documents
from geo.themes import default_themes_path, load_themes

_DEFAULT_EVAL = Path(__file__).parents[2] / "shared" / "eval" / "geowebnews.jsonl"


def base_texts(eval_path: Path) -> list[str]:
    """Article texts: the sample corpus' articles, then GeoWebNews' when the file exists."""
    texts = []
    for document in read_corpus([sample_corpus_path()]):
        texts += [document.masked[a.start:a.end] for a in document.articles]
    if eval_path.is_file():
        with eval_path.open(encoding="utf-8") as lines:
            texts += [json.loads(line)["text"] for line in lines if line.strip()]
    return texts


def repeated(texts: list[str], megabytes: float) -> list[str]:
    """``texts`` over and over until they hold ``megabytes`` MB of UTF-8."""
    out, size, wanted = [], 0, megabytes * 1e6
    while size < wanted:
        for text in texts:
            out.append(text)
            size += len(text.encode("utf-8"))
            if size >= wanted:
                break
    return out


def _documents(texts: list[str]) -> list[Document]:
    return [Document(doc_id=f"bench/{i}", path="", text=text, masked=text,
                     articles=(Article(0, "", 0, len(text), sections=(Section(0, "", 0, len(text)),)),))
            for i, text in enumerate(texts)]


def _megabytes(texts: list[str]) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


def _timed(work) -> float:
    """Seconds of CPU time ``work()`` takes (steadier than wall time on a busy machine)."""
    started = time.process_time()
    work()
    return time.process_time() - started


def _rate(megabytes: float, articles: int, seconds: float) -> str:
    return f"{megabytes / seconds:6.2f} MB/s {articles / seconds:8.0f} articles/s ({seconds:.1f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=50.0, help="megabytes of text to parse")
    parser.add_argument("--eval", type=Path, default=_DEFAULT_EVAL, help="GeoWebNews JSONL for more texts")
    args = parser.parse_args()

    started = time.perf_counter()
    from gazetteer import Geoparser

    geoparser = Geoparser()
    geoparser.parse("Warm-up: shelling near Jermuk, Armenia.")
    warm_start = time.perf_counter() - started

    unique = base_texts(args.eval)
    texts = repeated(unique, args.mb)
    megabytes = _megabytes(texts)
    print(f"{len(texts):,} articles, {megabytes:.1f} MB of text ({len(unique)} distinct articles, "
          f"{_megabytes(unique):.2f} MB, repeated); gazetteer warm start {warm_start:.2f} s")

    # The resolver remembers what it worked out per name; the first pass over the distinct
    # texts shows the speed before any name has been seen.
    seconds = _timed(lambda: [geoparser.parse(text) for text in unique])
    print("geomap match + resolve, first pass  ", _rate(_megabytes(unique), len(unique), seconds))
    seconds = _timed(lambda: [geoparser.parse(text) for text in texts])
    ours = megabytes / seconds
    print("geomap match + resolve              ", _rate(megabytes, len(texts), seconds))

    themes = load_themes(default_themes_path(), geoparser.gazetteer)
    documents = _documents(texts)
    seconds = _timed(lambda: geoparse_documents(documents, geoparser, themes))
    print("geomap + themes + table             ", _rate(megabytes, len(texts), seconds))

    try:
        from geotext import GeoText
    except ImportError:
        print("geotext                              not installed (pip install geotext)")
    else:
        seconds = _timed(lambda: [GeoText(text) for text in texts])
        print("geotext                             ", _rate(megabytes, len(texts), seconds),
              f"(geomap match + resolve: {ours / (megabytes / seconds):.2f}x its speed)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
