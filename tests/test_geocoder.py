"""The opt-in online geocoder, against a real HTTP server on 127.0.0.1 speaking Nominatim's JSON.

The server answers ``/search`` from a script per query (normal, empty, slow,
429, 500, malformed) and records when each request came and what it carried,
so the rate limit, the retries and the cache are asserted on the requests
themselves.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from click.testing import CliRunner

from gazetteer import FallbackResolver, Geoparser, Place
from gazetteer.online import GeocoderCacheError, GeocoderConfigError, OnlineGeocoder
from geo.cli import main

USER_AGENT = "geomap-tests/1.0 (tests@example.org)"


def village(name="Golovnoi", osm_id=7001, lat="39.9395", lon="70.5704", country="kg", **extra):
    """One result as Nominatim's ``format=json&addressdetails=1`` gives it (the values are illustrative)."""
    return {
        "place_id": 100000 + osm_id, "licence": "Data © OpenStreetMap contributors, ODbL 1.0. "
        "http://osm.org/copyright", "osm_type": "node", "osm_id": osm_id, "lat": lat, "lon": lon,
        "class": "place", "type": "village", "place_rank": 19, "importance": 0.21,
        "addresstype": "village", "name": name, "display_name": f"{name}, Batken Region, Kyrgyzstan",
        "address": {"village": name, "state": "Batken Region", "country": "Kyrgyzstan",
                    "country_code": country},
        "boundingbox": ["39.9295", "39.9495", "70.5604", "70.5804"], **extra,
    }


GOLOVNOI = Place("nominatim:node/7001", "Golovnoi", "city", "KG", 39.9395, 70.5704, source="nominatim")


@dataclass
class Reply:
    status: int = 200
    body: object = field(default_factory=list)  # JSON-encoded unless already str
    delay: float = 0.0
    headers: dict = field(default_factory=dict)


@dataclass
class Request:
    at: float  # time.monotonic() when it arrived
    query: str
    params: dict
    user_agent: str


class NominatimStub:
    """A Nominatim stand-in: replies to ``q`` from ``script[q]`` in turn (the last one repeats)."""

    def __init__(self):
        self.script: dict[str, list[Reply]] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                url = urlsplit(self.path)
                params = {k: v[0] for k, v in parse_qs(url.query).items()}
                with stub._lock:
                    stub.requests.append(Request(time.monotonic(), params.get("q", ""), params,
                                                 self.headers.get("User-Agent", "")))
                    replies = stub.script.get(params.get("q", ""), [Reply()])
                    reply = replies.pop(0) if len(replies) > 1 else replies[0]
                if url.path != "/search":
                    reply = Reply(404, {"error": "unknown path"})
                time.sleep(reply.delay)
                body = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
                data = body.encode("utf-8")
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and left

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)

    def queries(self) -> list[str]:
        return [r.query for r in self.requests]

    def gaps(self) -> list[float]:
        times = [r.at for r in self.requests]
        return [b - a for a, b in zip(times, times[1:])]


@pytest.fixture
def server():
    stub = NominatimStub()
    stub.thread.start()
    try:
        yield stub
    finally:
        stub.server.shutdown()
        stub.server.server_close()
        stub.thread.join()


@pytest.fixture
def make_geocoder(server, tmp_path, monkeypatch):
    """Geocoders on the stub with a small rate limit and backoff, sharing one cache file."""
    monkeypatch.delenv("http_proxy", raising=False)
    monkeypatch.delenv("HTTP_PROXY", raising=False)

    def make(**options):
        settings = dict(url=server.url, cache_path=tmp_path / "geocoder.sqlite", min_delay_seconds=0.01,
                        backoff_seconds=0.05, timeout=2.0)
        return OnlineGeocoder(USER_AGENT, **{**settings, **options})

    return make


# -- answers -------------------------------------------------------------------------------


def test_an_answer_becomes_a_place_and_the_request_is_nominatims(server, make_geocoder):
    server.script["Golovnoi"] = [Reply(body=[village()])]
    assert make_geocoder().geocode("Golovnoi") == GOLOVNOI
    [request] = server.requests
    assert request.user_agent == USER_AGENT
    assert request.params == {"q": "Golovnoi", "format": "json", "limit": "5", "addressdetails": "1",
                              "accept-language": "en"}


@pytest.mark.parametrize(("result", "kind"), [
    ({"class": "boundary", "type": "administrative", "addresstype": "state"}, "admin1"),
    ({"class": "boundary", "type": "administrative", "addresstype": "county"}, "admin2"),
    ({"class": "boundary", "type": "administrative", "addresstype": "country"}, "country"),
    ({"class": "place", "type": "hamlet", "addresstype": "hamlet"}, "city"),
    ({"class": "natural", "type": "peak", "addresstype": "peak"}, "physical"),
    ({"class": "waterway", "type": "river", "addresstype": "river"}, "water"),
    ({"class": "place", "type": "island", "addresstype": "island"}, "island"),
])
def test_kinds_from_class_type_and_addresstype(server, make_geocoder, result, kind):
    server.script["Golovnoi"] = [Reply(body=[village(**result)])]
    assert make_geocoder().geocode("Golovnoi").kind == kind


def test_results_that_are_no_place_are_skipped(server, make_geocoder):
    bakery = village(osm_id=1, **{"class": "shop", "type": "bakery", "addresstype": "shop"})
    server.script["Golovnoi"] = [Reply(body=[bakery, village()])]
    assert make_geocoder().geocode("Golovnoi") == GOLOVNOI
    server.script["Reuters"] = [Reply(body=[bakery])]
    assert make_geocoder().geocode("Reuters") is None


def test_jsonv2_results_are_read_too(server, make_geocoder):
    result = village()
    result["category"] = result.pop("class")
    server.script["Golovnoi"] = [Reply(body=[result])]
    assert make_geocoder().geocode("Golovnoi") == GOLOVNOI


# -- the cache -----------------------------------------------------------------------------


def test_a_name_is_never_asked_twice_across_runs(server, make_geocoder):
    server.script["Golovnoi"] = [Reply(body=[village()])]
    server.script["Nowhereville"] = [Reply(body=[])]
    first = make_geocoder()
    assert [first.geocode(n) for n in ("Golovnoi", "Nowhereville", "Golovnoi", " Golovnoi ")] == [
        GOLOVNOI, None, GOLOVNOI, GOLOVNOI]
    assert server.queries() == ["Golovnoi", "Nowhereville"]
    second = make_geocoder()  # a new run, the same cache file
    assert [second.geocode("Golovnoi"), second.geocode("Nowhereville")] == [GOLOVNOI, None]
    assert server.queries() == ["Golovnoi", "Nowhereville"] and second.requests == 0


def test_another_server_has_its_own_answers(server, make_geocoder):
    server.script["Golovnoi"] = [Reply(body=[village()])]
    make_geocoder().geocode("Golovnoi")
    other = make_geocoder(url=server.url + "/nominatim")  # "/nominatim/search" is a 404 here
    assert other.geocode("Golovnoi") is None
    assert len(server.requests) == 1 + 4
    assert other.problems[0].startswith(f"geocoder: gave up on 'Golovnoi' after 4 tries at {server.url}"
                                        "/nominatim; last error: ")


def test_a_broken_cache_file_is_one_clear_error(tmp_path, server):
    path = tmp_path / "geocoder.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(GeocoderCacheError) as error:
        OnlineGeocoder(USER_AGENT, url=server.url, cache_path=path)
    assert str(error.value) == (
        f"the geocoder cache {path} cannot be used (file is not a database); it only holds past "
        "answers of the geocoder: delete it and run again")
    path.unlink()
    OnlineGeocoder(USER_AGENT, url=server.url, cache_path=path)  # deleting it is the fix
    assert sqlite3.connect(path).execute("SELECT count(*) FROM answers").fetchone() == (0,)


# -- rate limit, retries, timeouts, bad answers --------------------------------------------


def test_requests_are_at_least_a_second_apart_by_default(server, tmp_path):
    geocoder = OnlineGeocoder(USER_AGENT, url=server.url, cache_path=tmp_path / "geocoder.sqlite")
    assert [geocoder.geocode(n) for n in ("Golovnoi", "Nowhereville", "Elsewhere")] == [None] * 3
    assert len(server.requests) == 3
    assert all(gap >= 0.95 for gap in server.gaps()), server.gaps()


@pytest.mark.parametrize("failure", [
    Reply(429, {"error": "Too many requests"}, headers={"Retry-After": "0"}),
    Reply(500, "Internal Server Error"),
    Reply(503, "Service Unavailable"),
    Reply(200, "[{\"osm_type\": \"node\", \"osm_id\": "),  # cut off
    Reply(200, "<html>Bad Gateway</html>"),
    Reply(200, {"unexpected": "object"}),
    Reply(200, '"a string"'),
    Reply(200, [{"osm_type": "node", "class": "place"}]),  # no coordinates: geopy cannot read it
])
def test_failures_are_retried_with_backoff_then_succeed(server, make_geocoder, failure):
    server.script["Golovnoi"] = [failure, failure, Reply(body=[village()])]
    geocoder = make_geocoder(backoff_seconds=0.1)
    assert geocoder.geocode("Golovnoi") == GOLOVNOI
    assert server.queries() == ["Golovnoi"] * 3
    first, second = server.gaps()
    assert first >= 0.1 and second >= 0.2  # exponential: 0.1 s, then 0.2 s
    assert geocoder.problems == []


def test_retry_after_of_a_429_is_honoured(server, make_geocoder):
    server.script["Golovnoi"] = [Reply(429, {"error": "slow down"}, headers={"Retry-After": "1"}),
                                 Reply(body=[village()])]
    assert make_geocoder(backoff_seconds=0.01).geocode("Golovnoi") == GOLOVNOI
    assert server.gaps()[0] >= 0.95


def test_a_slow_answer_times_out_and_is_asked_again(server, make_geocoder):
    server.script["Golovnoi"] = [Reply(body=[village()], delay=1.0), Reply(body=[village()])]
    assert make_geocoder(timeout=0.3).geocode("Golovnoi") == GOLOVNOI
    assert len(server.requests) == 2


@pytest.mark.parametrize("failure", [
    Reply(500, "Internal Server Error"),
    Reply(200, "{not json"),
    Reply(200, [{"osm_type": "node"}], delay=1.0),  # always slower than the timeout
])
def test_a_name_that_keeps_failing_is_given_up_reported_once_and_not_cached(server, make_geocoder,
                                                                            failure):
    server.script["Golovnoi"] = [failure]
    server.script["Khoja Alo"] = [Reply(body=[village("Khoja Alo", osm_id=7002)])]
    geocoder = make_geocoder(max_tries=3, timeout=0.3)
    assert geocoder.geocode("Golovnoi") is None
    assert geocoder.geocode("Golovnoi") is None  # not asked again in this run
    assert geocoder.geocode("Khoja Alo").place_id == "nominatim:node/7002"  # the run goes on
    assert server.queries() == ["Golovnoi"] * 3 + ["Khoja Alo"]
    [problem] = geocoder.problems
    assert problem.startswith(f"geocoder: gave up on 'Golovnoi' after 3 tries at {server.url}; last error: ")
    assert problem.endswith("; it will be asked again next run")
    server.script["Golovnoi"] = [Reply(body=[village()])]
    assert make_geocoder().geocode("Golovnoi") == GOLOVNOI  # the next run asks again


def test_lookups_stop_after_names_fail_in_a_row(server, make_geocoder):
    for name in ("Aa", "Bb", "Cc"):
        server.script[name] = [Reply(500, "down")]
    geocoder = make_geocoder(max_tries=2, max_failed_in_a_row=2)
    assert [geocoder.geocode(n) for n in ("Aa", "Bb", "Cc")] == [None, None, None]
    assert server.queries() == ["Aa", "Aa", "Bb", "Bb"]
    assert geocoder.problems[-1] == (f"geocoder: 2 names failed in a row at {server.url}; no more names "
                                     "are looked up in this run")


def test_a_server_that_denies_access_stops_lookups_at_once(server, make_geocoder):
    server.script["Aa"] = [Reply(403, "<html>Access blocked</html>")]
    geocoder = make_geocoder()
    assert [geocoder.geocode("Aa"), geocoder.geocode("Bb")] == [None, None]
    assert server.queries() == ["Aa"]
    [problem] = geocoder.problems
    assert problem.startswith(f"geocoder: the server at {server.url} refused access "
                              "(GeocoderInsufficientPrivileges: ")


def test_setup_mistakes_are_clear():
    with pytest.raises(GeocoderConfigError, match="needs a User-Agent naming your application"):
        OnlineGeocoder("  ")
    with pytest.raises(GeocoderConfigError, match=r"geocoder URL 'ftp://x' is not a server address"):
        OnlineGeocoder(USER_AGENT, url="ftp://x")


# -- geoparsing with the fallback ----------------------------------------------------------

TEXT = "Shelling hit Golovnoi village near Vorukh on Monday. Golovnoi residents fled to Vorukh."


def test_geoparser_adds_geocoded_mentions_in_text_order(server, make_geocoder, gazetteer):
    server.script["Golovnoi"] = [Reply(body=[village()])]
    parser = Geoparser(gazetteer, geocoder=make_geocoder())
    mentions = parser.parse(TEXT)
    assert [(m.start, m.surface, m.place.place_id) for m in mentions] == [
        (13, "Golovnoi", "nominatim:node/7001"), (35, "Vorukh", "gn:1220164"),
        (53, "Golovnoi", "nominatim:node/7001"), (80, "Vorukh", "gn:1220164")]
    geocoded = mentions[0]
    assert geocoded.confidence == 0.5
    assert geocoded.reason == "not in the gazetteer; geocoded by Nominatim (OpenStreetMap data)"
    assert parser.resolver.places == {"nominatim:node/7001": GOLOVNOI}
    assert server.queries() == ["Golovnoi"]
    # Deterministic given the cache: a new run gives the same mentions without asking.
    assert Geoparser(gazetteer, geocoder=make_geocoder()).parse(TEXT) == mentions
    assert server.queries() == ["Golovnoi"]


def test_geocoded_mentions_never_overlap_gazetteer_mentions(gazetteer):
    class Everywhere:
        def geocode(self, name):
            return Place(f"nominatim:node/{len(name)}", name, "city", "", 1.0, 2.0)

    parser = Geoparser(gazetteer, resolver=FallbackResolver(Geoparser(gazetteer).resolver, Everywhere()))
    # Longer names first: "Golovnoi" does not take the first word of "Golovnoi Vodozabor".
    mentions = parser.parse("Fighting near Khatlon Province and in Golovnoi Vodozabor, then near Golovnoi.")
    assert [(m.surface, m.place.place_id) for m in mentions] == [
        ("Khatlon Province", "gn:1347488"), ("Golovnoi Vodozabor", "nominatim:node/18"),
        ("Golovnoi", "nominatim:node/8")]
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:]))


# -- the command line ----------------------------------------------------------------------


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "news.txt"
    path.write_text("Shelling hit Golovnoi village\n\nShelling hit Golovnoi village near Vorukh "
                    "on Monday. Golovnoi residents fled to Vorukh.\n", encoding="utf-8")
    return path


@pytest.fixture
def cli_cache(tmp_path, monkeypatch):
    """The CLI's geocoder cache in a fresh folder (the name index cache stays where it is)."""
    monkeypatch.setattr("gazetteer.online.cache_dir", lambda: tmp_path / "cache")
    return tmp_path / "cache" / "geocoder-nominatim.sqlite"


def test_without_geocoder_nothing_is_asked(server, corpus, cli_cache):
    for args in (["mentions", str(corpus)], ["build", str(corpus), "--out", str(corpus.parent / "maps"),
                                             "--quiet"]):
        result = CliRunner().invoke(main, [*args, "--geocoder-url", server.url, "--user-agent", USER_AGENT])
        assert result.exit_code == 0, result.output
    assert server.requests == []
    assert not cli_cache.exists()


@pytest.mark.parametrize("command", [["build"], ["mentions"], ["themes", "check", "x.toml"]])
def test_geocoder_without_user_agent_is_one_line(server, corpus, command):
    result = CliRunner().invoke(main, [*command, str(corpus), "--geocoder", "nominatim",
                                       "--geocoder-url", server.url])
    assert result.exit_code == 1
    assert result.output == (
        "Error: the online geocoder needs a User-Agent naming your application, as Nominatim's usage "
        "policy requires; give one, e.g. --user-agent 'my-maps/1.0 (me@example.org)'\n")
    assert server.requests == []


def test_build_with_geocoder_puts_the_place_on_maps_and_tables(server, corpus, cli_cache):
    server.script["Golovnoi"] = [Reply(body=[village()])]
    out = corpus.parent / "maps"
    result = CliRunner().invoke(main, [
        "build", str(corpus), "--out", str(out), "--quiet", "--geocoder", "nominatim",
        "--user-agent", USER_AGENT, "--geocoder-url", server.url])
    assert result.exit_code == 0, result.output
    assert server.queries() == ["Golovnoi"]
    mentions = pd.read_csv(out / "mentions.csv", keep_default_na=False)
    golovnoi = mentions[mentions["surface"] == "Golovnoi"]
    assert golovnoi["start"].tolist() == [13, 44, 84]  # the headline and both sentences
    assert set(golovnoi["place_id"]) == {"nominatim:node/7001"}
    assert golovnoi.iloc[0][["place_name", "kind", "country_code", "lat", "lon", "confidence"]].tolist() == [
        "Golovnoi", "city", "KG", 39.9395, 70.5704, 0.5]
    places = pd.read_csv(out / "places.csv", keep_default_na=False)
    row = places[places["place_id"] == "nominatim:node/7001"]
    assert row[["place_name", "mentions", "articles"]].values.tolist() == [["Golovnoi", 3, 1]]
    features = json.loads((out / "mentions.geojson").read_text(encoding="utf-8"))["features"]
    assert [f["geometry"]["coordinates"] for f in features if f["properties"]["surface"] == "Golovnoi"] == [
        [70.5704, 39.9395]] * 3
    combined = (out / "combined.html").read_text(encoding="utf-8")
    # In the map's data: name, kind, country, lat, lon and -1 for "no shape": drawn as a point.
    assert '["Golovnoi","city","KG",39.9395,70.5704,-1]' in combined
    attribution = json.loads(re.search(r'"attribution": ("(?:[^"\\]|\\.)*")', combined).group(1))
    assert 'OpenStreetMap</a> contributors' in attribution  # as ODbL asks of OSM data
    # The next run asks nothing and writes the same maps.
    again = CliRunner().invoke(main, [
        "build", str(corpus), "--out", str(corpus.parent / "again"), "--quiet", "--geocoder", "nominatim",
        "--user-agent", USER_AGENT, "--geocoder-url", server.url])
    assert again.exit_code == 0, again.output
    assert server.queries() == ["Golovnoi"]
    assert (corpus.parent / "again" / "combined.html").read_text(encoding="utf-8") == combined


def test_mentions_reports_a_failing_geocoder_on_stderr_and_goes_on(server, corpus, cli_cache):
    server.script["Golovnoi"] = [Reply(403, "<html>Access blocked</html>")]
    result = CliRunner().invoke(main, ["mentions", str(corpus), "--format", "csv", "--geocoder", "nominatim",
                                       "--user-agent", USER_AGENT, "--geocoder-url", server.url])
    assert result.exit_code == 0, result.output
    assert server.queries() == ["Golovnoi"]
    assert result.stderr.startswith(f"geocoder: the server at {server.url} refused access ")
    assert len(result.stderr.splitlines()) == 1
    assert [row["surface"] for row in csv.DictReader(io.StringIO(result.stdout))] == ["Vorukh", "Vorukh"]
    # Given up is not an answer: the next run asks again, and no cached result hides the name.
    server.script["Golovnoi"] = [Reply(body=[village()])]
    again = CliRunner().invoke(main, ["mentions", str(corpus), "--format", "csv", "--geocoder", "nominatim",
                                      "--user-agent", USER_AGENT, "--geocoder-url", server.url])
    assert again.exit_code == 0, again.output
    assert server.queries() == ["Golovnoi"] * 2
    assert [row["surface"] for row in csv.DictReader(io.StringIO(again.stdout))] == [
        "Golovnoi", "Golovnoi", "Vorukh", "Golovnoi", "Vorukh"]


def test_choropleth_map_leaves_out_geocoded_places_it_has_no_division_for(server, corpus, cli_cache):
    server.script["Golovnoi"] = [Reply(body=[village()])]
    out = corpus.parent / "maps"
    result = CliRunner().invoke(main, [
        "build", str(corpus), "--out", str(out), "--quiet", "--choropleth", "country",
        "--geocoder", "nominatim", "--user-agent", USER_AGENT, "--geocoder-url", server.url])
    assert result.exit_code == 0, result.output
    assert "Mentions per country" in (out / "combined.html").read_text(encoding="utf-8")


def test_cache_dir_keeps_the_geocoders_answers(server, corpus, cli_cache, tmp_path):
    server.script["Golovnoi"] = [Reply(body=[village()])]
    folder = tmp_path / "my-cache"
    for _ in range(2):  # (the second run is answered from the folder's cache)
        result = CliRunner().invoke(main, ["mentions", str(corpus), "--format", "csv", "--geocoder", "nominatim",
                                           "--user-agent", USER_AGENT, "--geocoder-url", server.url,
                                           "--cache-dir", str(folder)])
        assert result.exit_code == 0, result.output
    assert server.queries() == ["Golovnoi"]
    assert (folder / "geocoder-nominatim.sqlite").is_file() and not cli_cache.exists()
