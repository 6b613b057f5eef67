"""Peak memory of a whole ``geomap build`` as the corpus grows: prints figures, asserts nothing.

Usage: ``python benchmarks/memory_scale.py [--mb 100 1000] [--file-mb 20] [--eval ../shared/eval/geowebnews.jsonl]``

For each size, a corpus of that many MB of article text is written to a
temporary folder: JSONL files of about ``--file-mb`` MB (text, title, date,
source, url; ``--file-mb 1000`` makes one file of 1 GB), the texts of
``benchmarks/throughput.py`` (the sample corpus, and the
GeoWebNews texts when the file is there) over and over, each copy with its
own title, URL and a date spread over two years. Then ``geomap build
--no-cache --quiet`` runs on it in a child process and this prints its peak
memory (max RSS of that process), wall and CPU time, the mentions found and
the sizes of what it wrote.

Issue 8's target: peak memory under 1 GB for a 1 GB corpus.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import _DEFAULT_EVAL, base_texts  # noqa: E402

_OUTLETS = ["Caucasus Wire", "Pamir Monitor", "Aegean Desk", "Transit Watch", "Steppe Review"]


def write_corpus(folder: Path, texts: list[str], megabytes: float, file_megabytes: float = 20.0) -> int:
    """JSONL files of ``file_megabytes`` holding ``megabytes`` MB of article text; returns the
    number of articles."""
    folder.mkdir(parents=True)
    wanted, size, count, file_size, handle = megabytes * 1e6, 0, 0, 0, None
    first_day = datetime.date(2023, 1, 1)
    try:
        while size < wanted:
            text = texts[count % len(texts)]
            if handle is None or file_size >= file_megabytes * 1e6:
                if handle is not None:
                    handle.close()
                handle = (folder / f"export-{count:08d}.jsonl").open("w", encoding="utf-8")
                file_size = 0
            record = {"id": f"a{count}", "title": f"Report {count}", "text": text,
                      "date": (first_day + datetime.timedelta(days=count % 730)).isoformat(),
                      "source": _OUTLETS[count % len(_OUTLETS)], "url": f"https://example.org/{count}"}
            line = json.dumps(record, ensure_ascii=False) + "\n"
            handle.write(line)
            length = len(text.encode("utf-8"))
            size += length
            file_size += len(line.encode("utf-8"))
            count += 1
    finally:
        if handle is not None:
            handle.close()
    return count


def run_build(corpus: Path, out: Path) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of ``geomap build`` on ``corpus`` in a child process."""
    command = [sys.executable, "-c", "from geo.cli import main; main()", "build", str(corpus),
               "--out", str(out), "--no-cache", "--quiet"]
    started = time.perf_counter()
    child = subprocess.Popen(command)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"geomap build failed with status {child.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _megabytes(path: Path) -> float:
    return path.stat().st_size / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, nargs="+", default=[100.0, 1000.0], help="corpus sizes in MB")
    parser.add_argument("--file-mb", type=float, default=20.0, help="size of each JSONL file in MB")
    parser.add_argument("--eval", type=Path, default=_DEFAULT_EVAL, help="GeoWebNews JSONL for more texts")
    parser.add_argument("--tmp", type=Path, default=None, help="folder for the corpus and output")
    args = parser.parse_args()
    texts = base_texts(args.eval)
    print(f"{'corpus MB':>9} {'articles':>9} {'mentions':>10} {'wall s':>7} {'CPU s':>7} {'MB/s CPU':>8} "
          f"{'peak MB':>8} {'combined.html MB':>16} {'mentions.parquet MB':>19} {'output MB':>9}")
    for megabytes in args.mb:
        with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
            corpus, out = Path(tmp) / "corpus", Path(tmp) / "out"
            articles = write_corpus(corpus, texts, megabytes, args.file_mb)
            wall, cpu, peak = run_build(corpus, out)
            mentions = pq.ParquetFile(out / "mentions.parquet").metadata.num_rows
            output = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6
            print(f"{megabytes:9.0f} {articles:9,} {mentions:10,} {wall:7.0f} {cpu:7.0f} {megabytes / cpu:8.2f} "
                  f"{peak:8.0f} {_megabytes(out / 'combined.html'):16.1f} "
                  f"{_megabytes(out / 'mentions.parquet'):19.1f} {output:9.0f}", flush=True)


if __name__ == "__main__":
    main()
