"""The files ``build_outputs`` writes, read back by pandas, geopandas and GDAL (what QGIS uses).

geopandas and pyogrio come from the ``test`` extra; geomap itself never imports them.
"""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import geopandas
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pyogrio
import pytest
from pyproj import CRS

from geo.build import build_outputs
from geo.corpus import read_corpus, sample_corpus_path
from geo.export import write_atomic
from geo.geoparquet import geoparquet_bytes
from geo.pipeline import geoparse_documents
from geo.places import PLACE_COLUMNS, places_frame
from geo.table import MENTION_COLUMNS
from geo.themes import default_themes_path, load_themes

COLUMNS = {"mentions": MENTION_COLUMNS, "places": PLACE_COLUMNS}
TABLE_FILES = ["mentions.csv", "mentions.geojson", "mentions.parquet",
               "places.csv", "places.geojson", "places.parquet"]

# A row of each table of the sample corpus: (selection, expected values), as the files must hold them.
VORUKH_MENTION = (
    {"doc_id": "sample_corpus/kyrgyz-tajik-border.md", "article": 1, "surface": "Vorukh"},
    {"start": 2533, "end": 2539, "date": "2022-09-19", "place_id": "gn:1220164", "place_name": "Vorukh",
     "kind": "city", "country_code": "TJ", "lat": 39.85125, "lon": 70.58012},
)
VORUKH_PLACE = (
    {"theme": "kyrgyz-tajik-border", "place_id": "gn:1220164"},
    {"place_name": "Vorukh", "kind": "city", "country_code": "TJ", "lat": 39.85125, "lon": 70.58012,
     "mentions": 3, "articles": 3, "first_date": "2021-05-03", "last_date": "2025-03-14"},
)
KNOWN_ROWS = {"mentions": VORUKH_MENTION, "places": VORUKH_PLACE}


def _build(corpus, gazetteer, parser, out):
    themes = load_themes(default_themes_path(), gazetteer)
    result = geoparse_documents(read_corpus([corpus]), parser, themes)
    written = build_outputs(result.mentions, themes, gazetteer, out, result.problems)
    return themes, written, {"mentions": result.mentions, "places": places_frame(result.mentions)}


@pytest.fixture(scope="module")
def sample(gazetteer, parser, tmp_path_factory):
    """The bundled sample corpus built into a folder: (folder, themes, paths written, tables)."""
    out = tmp_path_factory.mktemp("sample")
    return (out, *_build(sample_corpus_path(), gazetteer, parser, out))


@pytest.fixture(scope="module")
def awkward(gazetteer, parser, tmp_path_factory):
    """A corpus with an undated article, quotes, commas, a newline in a title and Cyrillic."""
    corpus = tmp_path_factory.mktemp("awkward-corpus")
    (corpus / "a.md").write_text(
        '# Shelling near Jermuk, "again"\nDate: 2022-09-13\n\nShelling hit Jermuk and Goris near the '
        "Azerbaijani positions; Jermuk was evacuated.\n\n"
        "# Обстрел Джермука\n\nСнаряды упали на Джермук и Горис, у азербайджанских позиций.\n",
        encoding="utf-8")
    (corpus / "rows.csv").write_text(
        'title,text\n"Two lines,\none title","Buses run again from Kapan to Meghri, near the border."\n',
        encoding="utf-8")
    out = tmp_path_factory.mktemp("awkward")
    return (out, *_build(corpus, gazetteer, parser, out))


def _known_row(frame, name):
    selection, expected = KNOWN_ROWS[name]
    rows = frame.loc[(frame[list(selection)] == pd.Series(selection)).all(axis=1)]
    assert len(rows) == 1, rows
    return {column: rows.iloc[0][column] for column in expected}, expected


def _gdal_geojson(path, columns):
    """The GeoJSON as GDAL reads it, as a table typed by ``columns`` (lat and lon from the points).

    GDAL reads a property whose values are all ISO dates as a Date field; it is compared as text.
    """
    read = geopandas.read_file(path)
    assert read.crs == CRS("EPSG:4326")
    assert (read.geom_type == "Point").all()
    frame = pd.DataFrame(read.drop(columns="geometry")).assign(lat=read.geometry.y, lon=read.geometry.x)
    for column in frame.columns:
        if frame[column].dtype.kind == "M":
            frame[column] = frame[column].dt.strftime("%Y-%m-%d").fillna("")
    return frame[list(columns)].astype({column: dtype for column, (dtype, _) in columns.items()})


def test_build_writes_maps_then_tables_then_errors(sample):
    out, themes, written, _ = sample
    expected = ["combined.html", *[f"{theme.id}.html" for theme in themes], *TABLE_FILES, "errors.csv",
                "index.html"]
    assert [path.name for path in written] == expected
    assert all(path.parent == out for path in written)
    assert sorted(path.name for path in out.iterdir()) == sorted(expected)


def test_build_twice_gives_identical_bytes(sample, gazetteer, parser, tmp_path):
    out, _, written, _ = sample
    again = _build(sample_corpus_path(), gazetteer, parser, tmp_path)[1]
    assert [path.name for path in again] == [path.name for path in written]
    for path in written:
        assert path.read_bytes() == (tmp_path / path.name).read_bytes(), path.name


@pytest.mark.parametrize("name", ["mentions", "places"])
def test_geoparquet_reads_in_geopandas_as_it_is(sample, name):
    out, _, _, tables = sample
    frame = tables[name]
    assert list(frame.columns) == list(COLUMNS[name])
    path = out / f"{name}.parquet"
    geo = json.loads(pq.read_schema(path).metadata[b"geo"])
    assert geo == {"version": "1.0.0", "primary_column": "geometry", "columns": {"geometry": {
        "encoding": "WKB", "geometry_types": ["Point"],
        "bbox": [frame["lon"].min(), frame["lat"].min(), frame["lon"].max(), frame["lat"].max()]}}}
    read = geopandas.read_parquet(path)
    assert isinstance(read, geopandas.GeoDataFrame)
    assert read.crs == CRS("OGC:CRS84")  # no "crs" key: the GeoParquet default
    assert read.crs.equals("EPSG:4326", ignore_axis_order=True)
    assert list(read.columns) == [*COLUMNS[name], "geometry"]
    assert (read.geom_type == "Point").all()
    assert read.geometry.x.tolist() == frame["lon"].tolist()
    assert read.geometry.y.tolist() == frame["lat"].tolist()
    pd.testing.assert_frame_equal(pd.DataFrame(read.drop(columns="geometry")), frame)
    pd.testing.assert_frame_equal(pd.read_parquet(path).drop(columns="geometry"), frame)
    values, expected = _known_row(read, name)
    assert values == expected


@pytest.mark.parametrize("name", ["mentions", "places"])
def test_geojson_reads_in_gdal_as_it_is(sample, name):
    out, _, _, tables = sample
    frame = tables[name]
    document = json.loads((out / f"{name}.geojson").read_text(encoding="utf-8"))
    assert document["type"] == "FeatureCollection" and "crs" not in document  # RFC 7946: WGS84 lon, lat
    assert document["features"][0]["geometry"] == {
        "type": "Point", "coordinates": [frame["lon"][0], frame["lat"][0]]}
    assert pyogrio.read_info(out / f"{name}.geojson")["fields"].tolist() == [
        column for column in COLUMNS[name] if column not in ("lat", "lon")]
    read = _gdal_geojson(out / f"{name}.geojson", COLUMNS[name])
    pd.testing.assert_frame_equal(read, frame)
    values, expected = _known_row(read, name)
    assert values == expected


@pytest.mark.parametrize("name", ["mentions", "places"])
def test_csv_reads_in_pandas_and_gdal(sample, name):
    out, _, _, tables = sample
    frame = tables[name]
    dtypes = {column: dtype for column, (dtype, _) in COLUMNS[name].items()}
    read = pd.read_csv(out / f"{name}.csv", dtype=dtypes, keep_default_na=False)
    pd.testing.assert_frame_equal(read, frame)
    values, expected = _known_row(read, name)
    assert values == expected
    # GDAL's CSV driver, told the coordinate columns, as QGIS' "delimited text" layer is.
    points = pyogrio.read_dataframe(out / f"{name}.csv", X_POSSIBLE_NAMES="lon", Y_POSSIBLE_NAMES="lat")
    assert points.geometry.x.tolist() == frame["lon"].tolist()
    assert points.geometry.y.tolist() == frame["lat"].tolist()
    assert points["place_id"].tolist() == frame["place_id"].tolist()


@pytest.mark.parametrize("name", ["mentions", "places"])
def test_awkward_text_and_missing_dates_survive_every_format(awkward, name):
    out, _, _, tables = awkward
    frame = tables[name]
    if name == "mentions":
        assert set(zip(frame["title"], frame["date"])) == {
            ('Shelling near Jermuk, "again"', "2022-09-13"), ("Обстрел Джермука", ""),
            ("Two lines,\none title", "")}
        assert "Джермук" in set(frame["surface"])
    else:
        assert set(frame["first_date"]) == set(frame["last_date"]) == {"2022-09-13", ""}
    dtypes = {column: dtype for column, (dtype, _) in COLUMNS[name].items()}
    csv = pd.read_csv(out / f"{name}.csv", dtype=dtypes, keep_default_na=False)
    pd.testing.assert_frame_equal(csv, frame)
    pd.testing.assert_frame_equal(_gdal_geojson(out / f"{name}.geojson", COLUMNS[name]), frame)
    parquet = geopandas.read_parquet(out / f"{name}.parquet")
    pd.testing.assert_frame_equal(pd.DataFrame(parquet.drop(columns="geometry")), frame)


def test_empty_table_is_a_geoparquet_file_without_bbox():
    frame = pd.DataFrame({"place_id": [], "lat": [], "lon": []}).astype(
        {"place_id": "string", "lat": "float64", "lon": "float64"})
    data = geoparquet_bytes(frame)
    assert json.loads(pq.read_schema(pa.BufferReader(data)).metadata[b"geo"])["columns"] == {
        "geometry": {"encoding": "WKB", "geometry_types": ["Point"]}}
    read = geopandas.read_parquet(pa.BufferReader(data))
    assert list(read.columns) == ["place_id", "lat", "lon", "geometry"] and len(read) == 0
    assert read.crs == CRS("OGC:CRS84")


def test_untyped_column_is_refused_with_the_fix():
    frame = pd.DataFrame({"lat": [40.0], "lon": [45.0], "count": pd.array([1], dtype="Int64")})
    with pytest.raises(TypeError) as caught:
        geoparquet_bytes(frame)
    assert str(caught.value) == ("column 'count' has dtype Int64; expected one of string, int64, "
                                 "float64: type the frame with its documented columns")


def test_geomap_does_not_import_geopandas():
    """geopandas is a test dependency only: building the outputs must not need it."""
    code = "import sys, geo.build, geo.cli; print(sorted({'geopandas', 'pyogrio', 'pyproj'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).parents[1])
    assert result.stdout == "[]\n"


def test_a_write_that_fails_midway_leaves_the_old_file_and_no_temporary_one(tmp_path):
    from geo.export import open_atomic

    path = tmp_path / "mentions.csv"
    path.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with open_atomic(path) as handle:
            handle.write("half a ta")
            raise RuntimeError("killed")
    assert path.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mentions.csv"]


@pytest.mark.parametrize("umask, expected", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_written_file_gets_the_permissions_the_umask_gives(tmp_path, umask, expected):
    # (The temporary file it is written through is private, 0600, whatever the umask.)
    previous = os.umask(umask)
    try:
        write_atomic(tmp_path / "errors.csv", "path,line,message\n")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "errors.csv").stat().st_mode) == expected
