"""Column layout of the gazetteer data files shipped in ``gazetteer/data``.

``python -m gazetteer.build`` writes them; :mod:`gazetteer.gazetteer` reads them.
All three are Parquet (zstd), rows sorted so that a rebuild from the same
sources gives the same bytes.

places.parquet
    One row per place, sorted by ``place_id``. Columns are the fields of
    :class:`gazetteer.place.Place`, in that order.
names.parquet
    One row per (place, name), sorted by ``place_id, name``. Only Latin and
    Cyrillic names are kept: those are the scripts the matcher reads.
geometries.parquet
    One row per place that is not a point (areas and lines), sorted by
    ``place_id``; ``wkb`` is the shapely geometry (lon/lat order, as WKB
    wants), simplified for web maps.
word_frequency.parquet
    Name keys that are also everyday words, with their Zipf frequency in
    English and Russian (from wordfreq, CC BY-SA 4.0); sorted by ``key``.
"""

__all__ = [
    "PLACES_FILE", "NAMES_FILE", "GEOMETRIES_FILE", "FREQUENCY_FILE", "BUILD_INFO_FILE",
    "PLACE_COLUMNS", "NAME_COLUMNS", "GEOMETRY_COLUMNS", "FREQUENCY_COLUMNS", "NAME_TYPES", "SCRIPTS",
]

PLACES_FILE = "places.parquet"
NAMES_FILE = "names.parquet"
GEOMETRIES_FILE = "geometries.parquet"
#: Name keys that are also common words: ``key, zipf_en, zipf_ru`` (from wordfreq).
FREQUENCY_FILE = "word_frequency.parquet"
#: Counts, source files and their checksums; no timestamps (rebuilds are byte-identical).
BUILD_INFO_FILE = "build_info.json"

PLACE_COLUMNS = {
    "place_id": "string",
    "name": "string",
    "kind": "string",
    "country_code": "string",
    "lat": "float64",
    "lon": "float64",
    "population": "int64",
    "parent_id": "string",
    "feature_code": "string",
    "source": "string",
}

NAME_COLUMNS = {
    "place_id": "string",
    "name": "string",
    "script": "string",     # one of SCRIPTS
    "name_type": "string",  # one of NAME_TYPES
}

FREQUENCY_COLUMNS = {
    "key": "string",       # a folded name (gazetteer.normalize.fold_name)
    "zipf_en": "float32",  # Zipf frequency as an English word (0 = unseen, 7.7 = "the")
    "zipf_ru": "float32",  # Zipf frequency as a Russian word
}

GEOMETRY_COLUMNS = {
    "place_id": "string",
    "wkb": "binary",
}

#: ``canonical`` is the place's own name; ``demonym`` links an adjective or
#: people name ("Tajik", "Azerbaijani") to a country; ``historical`` covers
#: former names (Leninabad); ``abbreviation`` covers short forms (USA, UK).
NAME_TYPES = ("canonical", "alternate", "historical", "abbreviation", "demonym")
SCRIPTS = ("Latn", "Cyrl")
