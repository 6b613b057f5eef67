"""User places (--gazetteer): added, overriding, found by the geoparser; mistakes named by line."""

import json

import pytest
from click.testing import CliRunner

from gazetteer import Geoparser, UserGazetteerError, read_user_places
from geo.cli import main

CSV = (
    "name,lat,lon,kind,country_code,alt_names\n"
    "Golovnoi water intake,39.9986,70.6167,venue,KG,Golovnoi;Головной\n"
    'Checkpoint "Karamyk",39.46,71.73,venue,KG,\n'
)


@pytest.fixture
def user_csv(tmp_path):
    path = tmp_path / "places.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_added_places_are_found_in_text(gazetteer, user_csv):
    extended = gazetteer.with_places(*read_user_places(user_csv))
    mentions = Geoparser(extended).parse("Clashes broke out at Golovnoi near Vorukh. У Головной стреляли.")
    assert [(m.surface, m.place.place_id) for m in mentions] == [
        ("Golovnoi", "user:golovnoi-water-intake"), ("Vorukh", "gn:1220164"),
        ("Головной", "user:golovnoi-water-intake")]
    assert (mentions[0].place.lat, mentions[0].place.lon, mentions[0].place.kind) == (39.9986, 70.6167, "venue")
    assert gazetteer.lookup("Golovnoi") == []  # the shipped gazetteer is untouched


def test_a_known_place_id_overrides_the_shipped_place(gazetteer, tmp_path):
    path = tmp_path / "fix.csv"
    path.write_text("place_id,name,lat,lon,kind,country_code\ngn:1220164,Vorukh,39.86,70.59,city,TJ\n",
                    encoding="utf-8")
    extended = gazetteer.with_places(*read_user_places(path))
    assert [(p.place_id, p.lat, p.source) for p in extended.lookup("Vorukh")] == [("gn:1220164", 39.86, "user")]
    assert len(extended) == len(gazetteer)


def test_geojson_polygon_has_a_shape_and_a_point_inside(gazetteer, tmp_path):
    path = tmp_path / "area.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"name": "Kok-Tash enclave area", "kind": "disputed"},
        "geometry": {"type": "Polygon", "coordinates": [[[70.6, 39.9], [70.8, 39.9], [70.8, 40.0],
                                                         [70.6, 40.0], [70.6, 39.9]]]}}]}), encoding="utf-8")
    extended = gazetteer.with_places(*read_user_places(path))
    (place,) = extended.lookup("Kok-Tash enclave area")
    assert extended.has_shape(place.place_id)
    assert extended.contains(place.place_id, place.place_id)


@pytest.mark.parametrize(
    "text, message",
    [
        ("name,latitude,lon\nX,1,2\n",
         ":1: missing column 'lat'; the header has name, latitude, lon; needed: name, lat, lon"),
        ("name,lat,lon\nOk,1,2\nBad,95.2,10\n",
         ":3: user:bad: (lat, lon) = (95.2, 10.0) is out of range; latitude must be within ±90"),
        ("name,lat,lon,kind\nMine,1,2,mine\n", ":2: kind 'mine' is unknown; use one of continent, "),
        ("name,lat,lon\nA,1,2,3\n", ":2: 4 cells but the header has 3; quote values that contain commas"),
        ("name,lat,lon\nA,north,2\n", ":2: lat/lon 'north', '2' are not numbers"),
        ("name,lat,lon\nA,1,2\nA,3,4\n", ": place_id 'user:a' is used twice"),
        ("name,lat,lon,population\nA,1,2,1e400\n", ":2: population '1e400' is not a whole number"),
        ("name,lat,lon,place_id\nA,1,2,user:a\tb\n", ":2: place_id 'user:a\\tb' holds a line break or "
         "another control character"),
        ('"na\nme",lat\n', ":1: missing column 'name', 'lon'; the header has 'na\\nme', lat; needed"),
    ],
)
def test_mistakes_name_file_and_line(tmp_path, text, message):
    path = tmp_path / "mine.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserGazetteerError) as caught:
        read_user_places(path)
    assert str(caught.value).startswith(f"{path}{message}")


def test_broken_geojson_names_the_line(tmp_path):
    path = tmp_path / "bad.geojson"
    path.write_text('{"type": "FeatureCollection",\n "features": [\n  {"type": }\n]}', encoding="utf-8")
    with pytest.raises(UserGazetteerError, match=r"bad\.geojson:3: not valid JSON"):
        read_user_places(path)


def test_cli_reports_a_bad_gazetteer_file_in_one_line(tmp_path):
    bad = tmp_path / "mine.csv"
    bad.write_text("name,lat\nX,1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--gazetteer", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {bad}:1: missing column 'lon'")
    assert result.output.count("\n") == 1
    assert not (tmp_path / "o").exists()


_POINT = {"type": "Point", "coordinates": [70.6, 39.9]}


@pytest.mark.parametrize(
    "data, message",
    [
        ({"type": "FeatureCollection", "features": ["Golovnoi"]},
         ": feature 1: the feature is not a JSON object; write {\"type\": \"Feature\""),
        ({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": _POINT,
                                                     "properties": "Golovnoi"}]},
         ": feature 1: its properties is not a JSON object"),
        ({"type": "FeatureCollection", "features": "Golovnoi"}, ': "features" is not a list; write'),
        ({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": _POINT,
                                                     "properties": {"name": "G", "alt_names": 7}}]},
         ":1: feature 1: alt_names 7 is not a list of names"),
        ({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": _POINT,
                                                     "properties": {"name": "G\ud800"}}]},
         ": a \\uD800-\\uDFFF escape without its other half (a lone UTF-16 surrogate, no character)"),
    ],
)
def test_odd_geojson_is_a_mistake_not_a_traceback(tmp_path, data, message):
    path = tmp_path / "mine.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(UserGazetteerError) as caught:
        read_user_places(path)
    assert str(caught.value).startswith(f"{path}{message}")


def test_geojson_nested_too_deeply(tmp_path):
    path = tmp_path / "deep.geojson"
    path.write_text('{"type": "FeatureCollection", "features": ' + "[" * 100_000 + "]" * 100_000 + "}",
                    encoding="utf-8")
    with pytest.raises(UserGazetteerError, match=r"deep\.geojson: JSON nested too deeply to read"):
        read_user_places(path)


def test_alternate_names_may_be_numbers(tmp_path):
    path = tmp_path / "alt.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": _POINT, "properties": {"name": "Post 7", "alt_names": [7, "Seven"]}}]}),
        encoding="utf-8")
    _, names, _ = read_user_places(path)
    assert names["name"].tolist() == ["Post 7", "7", "Seven"]


@pytest.mark.parametrize("name, text", [("places.csv", "name,lat,lon\n"),
                                        ("places.geojson", '{"type": "FeatureCollection", "features": []}')])
def test_a_file_without_places_is_a_mistake(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserGazetteerError, match=r"holds no places; add a row \(or feature\) per place"):
        read_user_places(path)


def test_a_user_place_may_bear_an_organisation_name(gazetteer, tmp_path):
    # "Amal" in the news is the Lebanese party, never the shipped Åmål (Sweden); a place the
    # user adds under that name is still found.
    assert Geoparser(gazetteer).parse("Talks opened in Amal on Monday.") == []
    path = tmp_path / "amal.csv"
    path.write_text("name,lat,lon,kind,country_code\nAmal,33.3,35.4,venue,LB\n", encoding="utf-8")
    extended = gazetteer.with_places(*read_user_places(path))
    assert [m.place.place_id for m in Geoparser(extended).parse("Talks opened in Amal on Monday.")] == [
        "user:amal"]
