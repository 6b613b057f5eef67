"""Local engine against the Dask engine with N workers: throughput and peak memory. Prints figures.

Usage: ``python benchmarks/dask_scale.py [--mb 200] [--workers 2] [--format parquet|files]
[--engines local,dask] [--eval ../shared/eval/geowebnews.jsonl]``

The corpus is made at run time in a temporary folder (nothing is copied into
the repository): the sample corpus' articles and, when the file is there, the
GeoWebNews article texts, repeated until ``--mb`` megabytes of UTF-8, either as
one Parquet table in row groups of about 8 MB (one article per row, with a
title and a date) or as a folder of text files of about 100 articles each.

Each engine runs in a process of its own, as ``geomap build --no-cache``
does: read and geoparse the corpus (the local engine reads documents as it
parses them and writes the mentions to a store of Parquet parts, as the CLI
does; the Dask engine runs on a ``LocalCluster`` of
``--workers`` single-threaded worker processes started in that process),
then write the maps and tables. Printed per engine: the parse and the build
in seconds, the parse in MB/s and articles/s, the peak memory of the client
process alone and of the client and its workers together (the sum of the
resident sizes of the whole process tree, sampled every 0.2 s; for Dask also
while the workers run), the client's resident size after the parse, the
number of mentions, and the size of the outputs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_HERE = Path(__file__).parent
_DEFAULT_EVAL = _HERE.parents[1] / "shared" / "eval" / "geowebnews.jsonl"
_ROW_GROUP_BYTES = 8_000_000
_ARTICLES_PER_FILE = 100


def make_corpus(folder: Path, megabytes: float, form: str, eval_path: Path) -> tuple[Path, int, float]:
    """Write the synthetic corpus; ``(path, articles, MB of text)``."""
    sys.path.insert(0, str(_HERE))
    from throughput import base_texts, repeated

    texts = repeated(base_texts(eval_path), megabytes)
    size = sum(len(t.encode("utf-8")) for t in texts)
    if form == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table({
            "id": [f"a{i}" for i in range(len(texts))],
            "title": [f"Report {i}" for i in range(len(texts))],
            "date": [f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(len(texts))],
            "text": texts,
        })
        path = folder / "corpus.parquet"
        rows = max(1, int(len(texts) * _ROW_GROUP_BYTES / size))
        pq.write_table(table, path, row_group_size=rows, compression="zstd")
        return path, len(texts), size / 1e6
    path = folder / "corpus"
    path.mkdir()
    for start in range(0, len(texts), _ARTICLES_PER_FILE):
        # One article per Markdown "# " heading.
        page = "\n\n".join(f"# Report {start + i}\n\n{text}"
                           for i, text in enumerate(texts[start:start + _ARTICLES_PER_FILE]))
        (path / f"page-{start // _ARTICLES_PER_FILE:06d}.md").write_text(page + "\n", encoding="utf-8")
    return path, len(texts), size / 1e6


def _rss() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 1e6


def _peak() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def run_engine(engine: str, corpus: Path, out: Path, workers: int) -> dict:
    """One build in this process (the child); returns the figures as a dict."""
    import logging

    from geo.build import MapOptions, build_outputs
    from geo.corpus import ReadOptions, read_corpus
    from geo.digest import MentionDigest
    from geo.engine_dask import PARTS_DIR, ParserSettings, geoparse_dask
    from geo.mention_store import MentionStore
    from geo.pipeline import geoparse_documents
    from geo.themes import default_themes_path

    settings = ParserSettings.of(default_themes_path())
    figures: dict = {}
    started = time.perf_counter()
    if engine == "local":
        store = MentionStore.create(out / ".mentions-scratch")
        geoparser, themes = settings.load()
        result = geoparse_documents(read_corpus([corpus], ReadOptions(), []), geoparser, themes,
                                    section_scores=False, sink=store.append)
    else:
        import distributed

        geoparser, themes = settings.load()
        with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                      dashboard_address=":0", silence_logs=logging.ERROR) as cluster:
            result = geoparse_dask([corpus], settings, out / PARTS_DIR, scheduler=cluster.scheduler_address,
                                   partitions=4 * workers, section_scores=False, read_mentions=False)
        store = MentionStore(out / PARTS_DIR)
    figures["parse_s"] = time.perf_counter() - started
    figures["rss_after_parse_mb"] = _rss()
    figures["peak_during_parse_mb"] = _peak()
    figures["articles"] = result.articles
    started = time.perf_counter()
    digest = MentionDigest.of(store)
    figures["mentions"] = digest.mentions
    build_outputs(store, themes, geoparser.gazetteer, out, result.problems, MapOptions(), digest)
    figures["build_s"] = time.perf_counter() - started
    figures["client_peak_mb"] = _peak()
    sizes = {p.name: p.stat().st_size for p in out.iterdir() if p.is_file()}
    figures["maps_mb"] = sum(v for k, v in sizes.items() if k.endswith(".html")) / 1e6
    figures["combined_map_mb"] = sizes.get("combined.html", 0) / 1e6
    figures["tables_mb"] = sum(v for k, v in sizes.items() if not k.endswith(".html")) / 1e6
    return figures


def _measure(engine: str, corpus: Path, out: Path, workers: int) -> dict:
    """Run one engine in a child process, sampling the resident size of its whole process tree."""
    import psutil

    child = subprocess.Popen([sys.executable, __file__, "--child", engine, "--corpus", str(corpus),
                              "--out", str(out), "--workers", str(workers)],
                             stdout=subprocess.PIPE, text=True)
    process = psutil.Process(child.pid)
    tree_peak = workers_peak = while_parsing = 0.0
    while child.poll() is None:
        sizes = []
        for member in [process, *process.children(recursive=True)]:
            try:
                sizes.append(member.memory_info().rss / 1e6)
            except psutil.Error:
                pass
        tree_peak = max(tree_peak, sum(sizes))
        if len(sizes) > 2:  # the client, the cluster's process starter, workers
            workers_peak = max(workers_peak, sum(sizes[1:]))
            while_parsing = max(while_parsing, sum(sizes))
        time.sleep(0.2)
    output = child.stdout.read()
    if child.returncode:
        raise SystemExit(f"{engine} engine failed (exit {child.returncode})")
    figures = json.loads(output.strip().splitlines()[-1])
    figures["tree_peak_mb"] = tree_peak
    figures["workers_peak_mb"] = workers_peak
    figures["tree_peak_parsing_mb"] = while_parsing
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=200.0, help="megabytes of article text")
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes")
    parser.add_argument("--format", choices=["parquet", "files"], default="parquet")
    parser.add_argument("--engines", default="local,dask", help="comma-separated: local, dask")
    parser.add_argument("--eval", type=Path, default=_DEFAULT_EVAL, help="GeoWebNews JSONL for more texts")
    parser.add_argument("--child", choices=["local", "dask"], help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_engine(args.child, args.corpus, args.out, args.workers)))
        return

    folder = Path(tempfile.mkdtemp(prefix="geomap-dask-scale-"))
    try:
        corpus, articles, megabytes = make_corpus(folder, args.mb, args.format, args.eval)
        on_disk = sum(p.stat().st_size for p in ([corpus] if corpus.is_file() else corpus.iterdir()))
        print(f"corpus: {articles:,} articles, {megabytes:.1f} MB of text, {on_disk / 1e6:.1f} MB on disk "
              f"({args.format}); {os.cpu_count()} cores, {args.workers} Dask workers")
        for engine in args.engines.split(","):
            out = folder / f"out-{engine}"
            f = _measure(engine, corpus, out, args.workers)
            label = engine if engine == "local" else f"dask x{args.workers}"
            print(f"{label:>8}: parse {f['parse_s']:7.1f} s = {megabytes / f['parse_s']:5.2f} MB/s "
                  f"{f['articles'] / f['parse_s']:6.0f} articles/s; build {f['build_s']:6.1f} s")
            print(f"{'':>8}  peak memory: client {f['client_peak_mb']:6.0f} MB (parse "
                  f"{f['peak_during_parse_mb']:.0f} MB, after it {f['rss_after_parse_mb']:.0f} MB), "
                  f"client + workers {f['tree_peak_mb']:6.0f} MB")
            if f["workers_peak_mb"]:
                print(f"{'':>8}  while parsing: workers {f['workers_peak_mb']:.0f} MB, client + workers "
                      f"{f['tree_peak_parsing_mb']:.0f} MB")
            print(f"{'':>8}  mentions {f['mentions']:,}; "
                  f"maps {f['maps_mb']:.1f} MB (combined {f['combined_map_mb']:.1f} MB), "
                  f"tables {f['tables_mb']:.1f} MB")
            shutil.rmtree(out, ignore_errors=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
