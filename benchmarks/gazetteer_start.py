"""How fast and how big the gazetteer is to start: prints figures, asserts nothing.

Usage: ``python benchmarks/gazetteer_start.py [--runs 5]``

* first start: a new process with an empty cache folder, up to the first
  parsed sentence (loads the data and builds the name index);
* warm start: the same with the cache in place (median of ``--runs``);
* peak memory (max RSS) of each;
* installed size: geomap's own files (code + gazetteer data) and every
  installed distribution it depends on.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

_PROBE = r"""
import json, resource, time
started = time.perf_counter()
from gazetteer import Geoparser
mentions = Geoparser().parse("Shelling near Jermuk, Armenia, and in Khatlon Province.")
elapsed = time.perf_counter() - started
assert [m.place.name for m in mentions] == ["Jermuk", "Armenia", "Khatlon"], mentions
print(json.dumps({"seconds": elapsed, "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _probe(cache: str) -> dict:
    env = {**os.environ, "GEOMAP_CACHE_DIR": cache}
    out = subprocess.run([sys.executable, "-c", _PROBE], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _size_mb(paths) -> float:
    return sum(p.stat().st_size for p in paths if p.is_file()) / 1e6


def _distribution_files(name: str, seen: set) -> list[Path]:
    """Files of distribution ``name`` and of everything it requires, each counted once."""
    key = name.lower().replace("_", "-")
    if key in seen:
        return []
    seen.add(key)
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return []
    files = [Path(dist.locate_file(f)) for f in dist.files or []]
    for requirement in dist.requires or []:
        if "extra ==" in requirement:
            continue
        dependency = requirement.split(";")[0].split("[")[0]
        for stop in "<>=!~ (":
            dependency = dependency.split(stop)[0]
        files += _distribution_files(dependency.strip(), seen)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="warm starts to take the median of")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        first = _probe(cache)
        warm = [_probe(cache) for _ in range(args.runs)]
        cache_mb = _size_mb(Path(cache).iterdir())
    import gazetteer
    import geo

    own = [p for package in (gazetteer, geo) for p in Path(package.__file__).parent.rglob("*")
           if "__pycache__" not in p.parts]
    data = list((Path(gazetteer.__file__).parent / "data").iterdir())
    print(f"first start (empty cache): {first['seconds']:.2f} s, peak memory {first['max_rss_mb']:.0f} MB")
    print(f"warm start (median of {args.runs}): {statistics.median(w['seconds'] for w in warm):.2f} s, "
          f"peak memory {max(w['max_rss_mb'] for w in warm):.0f} MB")
    print(f"name index cache: {cache_mb:.1f} MB")
    print(f"installed: geomap {_size_mb(own):.1f} MB (gazetteer data {_size_mb(data):.1f} MB); "
          f"with its dependencies {_size_mb(_distribution_files('geomap', set())):.0f} MB")


if __name__ == "__main__":
    main()
