"""The gazetteer's interface: lookup, get, hierarchy, names, shapes, and clear errors."""

import pytest

from gazetteer import Gazetteer, GazetteerDataError


def test_lookup_get_and_hierarchy(gazetteer):
    (vorukh,) = [p for p in gazetteer.lookup("Vorukh") if p.kind == "city"]
    assert (vorukh.place_id, vorukh.country_code) == ("gn:1220164", "TJ")
    assert gazetteer.get("gn:1220164") == vorukh
    assert [p.name for p in gazetteer.ancestors("gn:1220164")] == ["Sughd", "Tajikistan"]
    assert gazetteer.parent("gn:1221692").name == "Tajikistan"  # Gorno-Badakhshan
    assert "Khatlon" in [p.name for p in gazetteer.children("gn:1220409")]


def test_names_in_latin_and_cyrillic(gazetteer):
    names = gazetteer.names_of("gn:1221874")  # Dushanbe
    assert names[0] == "Dushanbe"
    assert {"Душанбе", "Stalinabad"} <= set(names)


def test_shapes_and_containment(gazetteer):
    khatlon = gazetteer.lookup("Khatlon Province")[0]
    assert gazetteer.has_shape(khatlon.place_id)
    assert gazetteer.geometry(khatlon.place_id).geom_type in ("Polygon", "MultiPolygon")
    (kulob,) = [p for p in gazetteer.lookup("Kulob") if p.country_code == "TJ" and p.kind == "city"]
    assert gazetteer.contains(khatlon.place_id, kulob.place_id)
    assert not gazetteer.contains(khatlon.place_id, "gn:1220164")  # Vorukh is in Sughd
    corridor = gazetteer.get("geomap:lachin-corridor")
    assert gazetteer.geometry(corridor.place_id).geom_type == "LineString"


def test_unknown_id_and_missing_files(tmp_path):
    with pytest.raises(GazetteerDataError, match=r"places\.csv does not exist; reinstall geomap"):
        Gazetteer.from_files(tmp_path / "places.csv", tmp_path / "names.csv")


def test_get_unknown_place_is_a_key_error(gazetteer):
    with pytest.raises(KeyError, match="no place with id 'gn:0' in the gazetteer"):
        gazetteer.get("gn:0")
