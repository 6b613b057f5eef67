"""The mentions table streamed: the store of Parquet parts, the digest the outputs are made from,
and the tables written a part at a time, all equal to what the whole table in memory gives."""

import json

import numpy as np
import pandas as pd
import pytest

from geo.build import build_outputs
from geo.corpus import read_corpus, sample_corpus_path
from geo.digest import UNTHEMED, MentionDigest
from geo.export import write_csv, write_geojson, write_parquet
from geo.map_data import map_data
from geo.mention_store import MentionStore, read_mention_parts
from geo.pipeline import geoparse_documents
from geo.places import PLACE_COLUMNS, places_frame
from geo.table import MENTION_COLUMNS, mentions_frame
from geo.themes import default_themes_path, load_themes


@pytest.fixture(scope="module")
def themes(gazetteer):
    return load_themes(default_themes_path(), gazetteer)


@pytest.fixture(scope="module")
def sample_mentions(parser, themes) -> pd.DataFrame:
    return geoparse_documents(read_corpus([sample_corpus_path()]), parser, themes).mentions


def _store(folder, mentions: pd.DataFrame, cuts: list[int]) -> MentionStore:
    """``mentions`` in a store, cut into parts at the row numbers ``cuts``."""
    store = MentionStore(folder)
    edges = [0, *cuts, len(mentions)]
    for start, end in zip(edges, edges[1:]):
        store.append(mentions.iloc[start:end].reset_index(drop=True))
    return store


def _article_cuts(mentions: pd.DataFrame, parts: int) -> list[int]:
    """Row numbers that cut ``mentions`` into about ``parts`` parts between articles."""
    starts = np.flatnonzero((mentions[["doc_id", "article"]] != mentions[["doc_id", "article"]].shift()).any(axis=1))
    return sorted({int(starts[i]) for i in np.linspace(1, len(starts) - 1, parts - 1).astype(int)})


def reference_places(mentions: pd.DataFrame) -> pd.DataFrame:
    """The places table by pandas groupby over the whole table: the digest must agree with it."""
    themed = mentions.assign(theme=mentions["themes"].str.split(";")).explode("theme")
    themed["theme"] = themed["theme"].where(themed["theme"] != "", UNTHEMED)
    themed["article_key"] = themed["doc_id"] + "#" + themed["article"].astype("string")
    themed["dated"] = themed["date"].where(themed["date"] != "")
    frame = themed.groupby(["theme", "place_id"], sort=True).agg(
        place_name=("place_name", "first"), kind=("kind", "first"), country_code=("country_code", "first"),
        lat=("lat", "first"), lon=("lon", "first"), mentions=("place_id", "size"),
        articles=("article_key", "nunique"), first_date=("dated", "min"), last_date=("dated", "max"),
    ).reset_index()
    frame[["first_date", "last_date"]] = frame[["first_date", "last_date"]].fillna("")
    frame = frame[list(PLACE_COLUMNS)].astype({c: dtype for c, (dtype, _) in PLACE_COLUMNS.items()})
    frame = frame.sort_values(["theme", "mentions", "place_id"], ascending=[True, False, True])
    return frame.reset_index(drop=True)


def test_places_table_agrees_with_a_groupby_over_the_whole_table(sample_mentions):
    assert len(sample_mentions) > 400 and sample_mentions["themes"].str.contains(";").any()
    pd.testing.assert_frame_equal(places_frame(sample_mentions), reference_places(sample_mentions))


def test_places_table_is_the_same_for_rows_in_any_order(sample_mentions):
    shuffled = sample_mentions.sample(frac=1.0, random_state=3).reset_index(drop=True)
    pd.testing.assert_frame_equal(places_frame(shuffled), reference_places(sample_mentions))


def test_a_store_in_parts_digests_as_the_whole_table(tmp_path, sample_mentions, gazetteer, themes):
    store = _store(tmp_path / "parts", sample_mentions, _article_cuts(sample_mentions, 7))
    assert len(store.parts()) == 7
    whole, parted = MentionDigest.of(sample_mentions), MentionDigest.of(store)
    pd.testing.assert_frame_equal(places_frame(parted), places_frame(whole))
    assert (parted.mentions, parted.articles, parted.documents) == (
        len(sample_mentions), len(sample_mentions[["doc_id", "article"]].drop_duplicates()),
        sample_mentions["doc_id"].nunique())
    for theme in [t.id for t in themes] + [UNTHEMED]:
        ours, theirs = parted.theme_tally(theme), whole.theme_tally(theme)
        assert (ours.mentions, ours.articles.count, ours.places, ours.first_date, ours.last_date) == (
            theirs.mentions, theirs.articles.count, theirs.places, theirs.first_date, theirs.last_date)
    layers = [(t.id, t.colour, parted.place_tallies(t.id)) for t in themes]
    assert map_data(layers, gazetteer) == map_data(
        [(t.id, t.colour, whole.place_tallies(t.id)) for t in themes], gazetteer)


def _mentions_of_one_place(dates: list[str]) -> pd.DataFrame:
    """One mention of Jermuk per article, the articles dated ``dates`` ("" undated)."""
    return mentions_frame({
        "doc_id": f"d{i}.md", "path": f"d{i}.md", "article": 0, "section": 0, "section_title": "",
        "title": f"Report {i}", "date": date, "author": "", "source": "", "url": "",
        "surface": "Jermuk", "start": 10, "end": 16, "mention_kind": "place", "place_id": "gn:174875",
        "place_name": "Jermuk", "kind": "city", "country_code": "AM", "lat": 39.84, "lon": 45.67,
        "confidence": 1.0, "reason": "", "themes": "armenia-azerbaijan", "theme_reasons": "",
        "snippet": f"Shells fell on Jermuk, report {i}.",
    } for i, date in enumerate(dates))


def test_a_popup_keeps_the_latest_mentions_and_counts_the_rest_per_date(gazetteer):
    dates = ["2023-05-01", "", "2024-01-02", "2023-01-09", "2024-01-02", "", "2022-12-31"]
    digest = MentionDigest.of(_mentions_of_one_place(dates), popup_entries=3)
    tally = digest.place_tallies("armenia-azerbaijan")[0]
    assert tally.mentions == 7 and tally.articles.count == 7
    # The three latest, listed in document order; the undated went first.
    assert [(e.doc_id, e.date) for e in tally.entries()] == [
        ("d0.md", "2023-05-01"), ("d2.md", "2024-01-02"), ("d4.md", "2024-01-02")]
    assert tally.dropped == {"": 2, "2023-01-09": 1, "2022-12-31": 1}
    data = map_data([("armenia-azerbaijan", "#d55e00", [tally])], gazetteer)
    assert data["dates"] == ["2022-12-31", "2023-01-09", "2023-05-01", "2024-01-02"]
    mark = data["layers"][0]["marks"][0]
    assert len(mark[1]) == 3 * 4  # four integers per listed mention
    assert mark[2] == [[-1, 2], [0, 1], [1, 1]]  # left out: two undated, one on each early date


def test_a_place_within_the_popup_limit_lists_every_mention(gazetteer):
    digest = MentionDigest.of(_mentions_of_one_place(["2023-05-01", ""]), popup_entries=3)
    data = map_data([("armenia-azerbaijan", "#d55e00", digest.place_tallies("armenia-azerbaijan"))], gazetteer)
    assert data["layers"][0]["marks"] == [[0, [0, 0, 15, 21, 1, 1, 15, 21]]]


@pytest.mark.parametrize("parts", [1, 2, 9])
def test_tables_written_from_a_store_are_the_bytes_of_the_whole_table(tmp_path, sample_mentions, parts):
    store = _store(tmp_path / "parts", sample_mentions, _article_cuts(sample_mentions, parts))
    for write, suffix in ((write_csv, "csv"), (write_geojson, "geojson"), (write_parquet, "parquet")):
        write(sample_mentions, tmp_path / f"whole.{suffix}")
        write(store, tmp_path / f"parted.{suffix}")
        assert (tmp_path / f"parted.{suffix}").read_bytes() == (tmp_path / f"whole.{suffix}").read_bytes()
    json.loads((tmp_path / "parted.geojson").read_text(encoding="utf-8"))


def test_a_parquet_file_has_the_same_row_groups_however_its_rows_were_cut(tmp_path, sample_mentions,
                                                                            monkeypatch):
    monkeypatch.setattr("geo.geoparquet.ROW_GROUP_ROWS", 100)
    write_parquet(sample_mentions, tmp_path / "whole.parquet")
    write_parquet(_store(tmp_path / "parts", sample_mentions, [7, 150, 151, 420]), tmp_path / "parted.parquet")
    assert (tmp_path / "parted.parquet").read_bytes() == (tmp_path / "whole.parquet").read_bytes()
    assert pd.read_parquet(tmp_path / "whole.parquet").shape[0] == len(sample_mentions)


def test_an_empty_store_gives_tables_with_their_header(tmp_path):
    store = MentionStore(tmp_path / "none")
    write_csv(store, tmp_path / "mentions.csv")
    assert (tmp_path / "mentions.csv").read_text(encoding="utf-8") == ",".join(MENTION_COLUMNS) + "\n"
    write_parquet(store, tmp_path / "mentions.parquet")
    assert list(pd.read_parquet(tmp_path / "mentions.parquet").columns) == [*MENTION_COLUMNS, "geometry"]
    assert read_mention_parts(tmp_path / "none").empty


def test_a_sink_takes_the_table_in_frames_of_whole_documents(parser, themes, monkeypatch):
    monkeypatch.setattr("geo.pipeline._ROWS_PER_FRAME", 50)
    whole = geoparse_documents(read_corpus([sample_corpus_path()]), parser, themes)
    frames = []
    sunk = geoparse_documents(read_corpus([sample_corpus_path()]), parser, themes, sink=frames.append)
    assert sunk.mentions.empty and list(sunk.mentions.columns) == list(MENTION_COLUMNS)
    assert len(frames) > 3
    assert not set(frames[0]["doc_id"]) & set(pd.concat(frames[1:])["doc_id"])  # documents never split
    pd.testing.assert_frame_equal(pd.concat(frames, ignore_index=True), whole.mentions)
    assert (sunk.articles, sunk.spans_found, sunk.theme_sections) == (
        whole.articles, whole.spans_found, whole.theme_sections)


def test_build_from_a_store_writes_the_files_of_the_table_in_memory(tmp_path, sample_mentions, gazetteer,
                                                                    themes):
    build_outputs(sample_mentions, themes, gazetteer, tmp_path / "memory")
    store = _store(tmp_path / "parts", sample_mentions, _article_cuts(sample_mentions, 4))
    build_outputs(store, themes, gazetteer, tmp_path / "store")
    files = sorted(p.name for p in (tmp_path / "memory").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "store").iterdir())
    for name in files:
        assert (tmp_path / "store" / name).read_bytes() == (tmp_path / "memory" / name).read_bytes(), name


def test_a_created_store_starts_empty_and_an_opened_one_goes_on(tmp_path, sample_mentions):
    _store(tmp_path / "parts", sample_mentions, [100])
    opened = MentionStore(tmp_path / "parts")
    opened.append(sample_mentions.iloc[:5])
    assert [p.name for p in opened.parts()] == [f"part-0000{i}.parquet" for i in range(3)]
    created = MentionStore.create(tmp_path / "parts")
    assert created.parts() == []
    created.append(sample_mentions)
    pd.testing.assert_frame_equal(read_mention_parts(tmp_path / "parts"), sample_mentions)
