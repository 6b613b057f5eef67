"""The evaluation harness scores spans and distances exactly, and prints JSON for scripts."""

import json

from gazetteer.evaluate import main

TEXT = "Shelling hit Jermuk. Talks in Paris went on in Georgia, near Vorukhistan."


def write_gold(tmp_path):
    def at(name):
        return TEXT.index(name), TEXT.index(name) + len(name)

    toponyms = [
        # right: Jermuk, Armenia
        {"name": "Jermuk", "lat": 39.84, "lon": 45.67, "geonameid": 174884},
        # "wrong" on purpose: gold says Paris, Texas, the parser says Paris, France
        {"name": "Paris", "lat": 33.66, "lon": -95.56, "geonameid": 4717560},
        # a country is scored by country, whatever its point
        {"name": "Georgia", "lat": 0.0, "lon": 0.0, "geonameid": 614540},
        # not in the gazetteer: missed
        {"name": "Vorukhistan", "lat": 39.85, "lon": 70.58, "geonameid": None},
    ]
    for toponym in toponyms:
        toponym["start"], toponym["end"] = at(toponym["name"])
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"id": "a1", "text": TEXT, "toponyms": toponyms}) + "\n", encoding="utf-8")
    return path


def test_scores_and_json_line(tmp_path, capsys, gazetteer):
    assert main([str(write_gold(tmp_path)), "--json", "--errors"]) == 0
    out = capsys.readouterr().out.splitlines()
    figures = json.loads(out[-1])
    assert list(figures) == ["precision", "recall", "f1", "f1_exact", "acc_161", "mean_km",
                             "median_km", "auc", "e2e_acc_161", "articles_per_s"]
    assert (figures["precision"], figures["recall"]) == (1.0, 0.75)
    assert figures["acc_161"] == round(2 / 3, 4)       # Jermuk and Georgia right, Paris wrong
    assert figures["e2e_acc_161"] == 0.5               # 2 of 4 gold toponyms
    assert figures["median_km"] == 0.0
    assert 7_700 < figures["mean_km"] * 3 < 7_900  # Paris, France to Paris, Texas: 7,802 km
    assert "a1\tmissed\t'Vorukhistan' gn:None" in out
    assert any(line.startswith("a1\twrong\t'Paris' -> Paris") for line in out)


def test_missing_file_is_one_line_and_exit_2(tmp_path, capsys):
    assert main([str(tmp_path / "none.jsonl")]) == 2
    assert capsys.readouterr().err == (f"error: {tmp_path / 'none.jsonl'} does not exist; "
                                       "give a JSONL file in the GeoWebNews schema\n")
