"""An optional online geocoder for names the gazetteer lacks: Nominatim through geopy.

Off unless asked for (``geomap build --geocoder nominatim --user-agent ...``).
It follows Nominatim's usage policy (https://operations.osmfoundation.org/policies/nominatim/):
at most one request a second (geopy's :class:`~geopy.extra.rate_limiter.RateLimiter`),
an identifying User-Agent, and every answer kept in a persistent cache, so a
name is never asked twice, across runs.

* **Retries.** A rate limit (HTTP 429), a server error (5xx), a timeout, a
  dropped connection or an answer that is not Nominatim's JSON is retried with
  exponential backoff (honouring ``Retry-After``); after ``max_tries`` the
  name is given up for this run, reported once in :attr:`OnlineGeocoder.problems`,
  and the run goes on. Failures are never cached, so the next run asks again.
* **Refusals.** A refused request (HTTP 400) gives the name up at once; a server
  that denies access (401, 402, 403) or fails ``max_failed_in_a_row`` names in a
  row stops all lookups for the rest of the run.
* **Cache.** SQLite, ``<cache dir>/geocoder-nominatim.sqlite`` (see
  :func:`gazetteer.name_index.cache_dir`), one row per server and query; "not
  found" answers are cached too. Each answer is committed on its own, so a killed
  run loses at most the answer in flight, and deleting the file is always safe.
* **Places.** An answer becomes a :class:`~gazetteer.place.Place` with the id
  ``nominatim:<osm_type>/<osm_id>``; results that are not places (shops, roads,
  offices) are skipped.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import time
from pathlib import Path
from urllib.parse import urlsplit

from geopy.adapters import URLLibAdapter
from geopy.exc import (
    ConfigurationError,
    GeocoderAuthenticationFailure,
    GeocoderInsufficientPrivileges,
    GeocoderQueryError,
    GeocoderQuotaExceeded,
    GeocoderRateLimited,
    GeocoderServiceError,
)
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

from .exc import GazetteerError
from .name_index import cache_dir
from .place import Place

__all__ = [
    "CACHE_FILE", "DEFAULT_NOMINATIM_URL", "GeocoderCacheError", "GeocoderConfigError", "GeocoderError",
    "OnlineGeocoder", "place_from_nominatim",
]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())  # problems are in OnlineGeocoder.problems; log only if asked

#: The public Nominatim server of the OpenStreetMap Foundation.
DEFAULT_NOMINATIM_URL = "https://nominatim.openstreetmap.org"
CACHE_FILE = "geocoder-nominatim.sqlite"  # in the cache folder, unless cache_path says otherwise
_CACHE_FORMAT = 1  # PRAGMA user_version of the cache file
_RESULTS_ASKED = 5  # answers per query: the first that is a place wins

# Nominatim's place types (``addresstype``, or ``type`` of class ``place``) -> Place.kind.
_KIND_OF_TYPE = {
    "country": "country",
    **dict.fromkeys(("state", "province", "region"), "admin1"),
    **dict.fromkeys(("state_district", "county", "district", "municipality"), "admin2"),
    **dict.fromkeys(("city", "town", "village", "hamlet", "suburb", "quarter", "neighbourhood",
                     "borough", "city_district", "isolated_dwelling", "locality", "farm"), "city"),
    **dict.fromkeys(("island", "islet", "archipelago"), "island"),
    **dict.fromkeys(("sea", "ocean"), "water"),
}
_NATURAL_KIND = {
    **dict.fromkeys(("water", "bay", "strait", "wetland", "glacier"), "water"),
    **dict.fromkeys(("peak", "volcano", "mountain_range", "ridge", "valley", "desert", "plateau",
                     "hill", "cape", "saddle"), "physical"),
}


class GeocoderError(GazetteerError):
    """Base class of the online geocoder's errors."""


class GeocoderConfigError(GeocoderError, ValueError):
    """The geocoder was set up wrongly (no User-Agent, an unusable URL)."""


class GeocoderCacheError(GeocoderError, OSError):
    """The answer cache cannot be read or written."""


def _kind(raw: dict) -> str | None:
    """The :data:`~gazetteer.place.KINDS` value of a Nominatim result, or None if it is no place."""
    category = raw.get("class") or raw.get("category")  # format json / jsonv2
    osm_type, address_type = raw.get("type"), raw.get("addresstype")
    if category == "place":
        return _KIND_OF_TYPE.get(osm_type) or _KIND_OF_TYPE.get(address_type)
    if category == "boundary" and osm_type == "administrative":
        return _KIND_OF_TYPE.get(address_type, "admin2")
    if category == "natural":
        return _NATURAL_KIND.get(osm_type)
    if category == "waterway" and osm_type in ("river", "canal", "stream"):
        return "water"
    if (category, osm_type) in {("aeroway", "aerodrome"), ("landuse", "military")} or category == "military":
        return "venue"
    return None


def place_from_nominatim(raw: dict) -> Place | None:
    """The :class:`Place` a Nominatim search result stands for, or None if it is no place.

    Works on ``format=json`` and ``jsonv2`` results; the country code comes from
    the ``address`` part (asked for with ``addressdetails=1``).

    >>> place = place_from_nominatim({"osm_type": "node", "osm_id": 4242, "lat": "39.94", "lon": "70.57",
    ...     "class": "place", "type": "village", "name": "Golovnoi",
    ...     "address": {"village": "Golovnoi", "country_code": "kg"}})
    >>> place.place_id, place.name, place.kind, place.country_code, (place.lat, place.lon)
    ('nominatim:node/4242', 'Golovnoi', 'city', 'KG', (39.94, 70.57))
    >>> place_from_nominatim({"osm_type": "node", "osm_id": 1, "lat": "0", "lon": "0",
    ...     "class": "shop", "type": "bakery", "name": "Golovnoi"}) is None
    True
    """
    kind = _kind(raw)
    if kind is None or raw.get("osm_type") not in ("node", "way", "relation"):
        return None
    name = str(raw.get("name") or str(raw.get("display_name") or "").split(",")[0]).strip()
    country = str((raw.get("address") or {}).get("country_code") or "").upper()
    try:
        return Place(
            place_id=f"nominatim:{raw['osm_type']}/{int(raw['osm_id'])}",
            name=name or str(raw["osm_id"]),
            kind=kind,
            country_code=country if re.fullmatch(r"[A-Z]{2}", country) else "",
            lat=float(raw["lat"]),
            lon=float(raw["lon"]),
            source="nominatim",
        )
    except (KeyError, TypeError, ValueError):
        return None  # no id or coordinates, or coordinates out of range


def _query_key(name: str) -> str:
    """How a name is asked and cached: its words, single-spaced."""
    return " ".join(name.split())


class _AnswerCache:
    """Nominatim's answers, one SQLite row per (server, query); every write is its own transaction."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise self._error(error) from error
        [(version,)] = self._run("PRAGMA user_version")
        if version not in (0, _CACHE_FORMAT):
            raise self._error(f"format {version}, expected {_CACHE_FORMAT}")
        self._run("CREATE TABLE IF NOT EXISTS answers (endpoint TEXT NOT NULL, query TEXT NOT NULL,"
                  " results TEXT NOT NULL, fetched TEXT NOT NULL, PRIMARY KEY (endpoint, query))")
        self._run(f"PRAGMA user_version = {_CACHE_FORMAT}")

    def _error(self, error: Exception | str) -> GeocoderCacheError:
        return GeocoderCacheError(
            f"the geocoder cache {self.path} cannot be used ({error}); it only holds past answers "
            "of the geocoder: delete it and run again")

    def _run(self, sql: str, parameters: tuple = ()) -> list[tuple]:
        connection = None
        try:
            connection = sqlite3.connect(self.path, timeout=30)
            with connection:  # commits, or rolls back on error
                return connection.execute(sql, parameters).fetchall()
        except sqlite3.Error as error:
            raise self._error(error) from error
        finally:
            if connection is not None:
                connection.close()

    def get(self, endpoint: str, query: str) -> list[dict] | None:
        """The cached results for ``query`` (``[]`` when it was not found), or None if never asked."""
        rows = self._run("SELECT results FROM answers WHERE endpoint = ? AND query = ?", (endpoint, query))
        return json.loads(rows[0][0]) if rows else None

    def put(self, endpoint: str, query: str, results: list[dict]) -> None:
        fetched = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        self._run("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)",
                  (endpoint, query, json.dumps(results, ensure_ascii=False, sort_keys=True), fetched))


class OnlineGeocoder:
    """Places for names the gazetteer lacks, from a Nominatim server, cached and rate-limited.

    Constructing one contacts nothing; :meth:`geocode` asks the server only for
    names that are not in the cache.

    Parameters
    ----------
    user_agent : str
        Identifies your application to the server, as Nominatim's policy requires
        (e.g. ``"conflict-maps/1.0 (you@example.org)"``).
    url : str
        The server: ``scheme://host[:port][/path]``; default :data:`DEFAULT_NOMINATIM_URL`.
    timeout : float
        Seconds to wait for an answer before the try counts as failed.
    min_delay_seconds : float
        Least time between two requests (1 s is the public server's limit).
    max_tries : int
        Requests per name before it is given up for this run.
    backoff_seconds, max_backoff_seconds : float
        The wait after the n-th failed try is ``backoff_seconds * 2 ** (n - 1)``, at most
        ``max_backoff_seconds``, and at least what a 429's ``Retry-After`` asks.
    max_failed_in_a_row : int
        After this many names given up in a row, stop asking for the rest of the run.
    language : str
        ``Accept-Language`` of the requests: the language of the names that come back.
    cache_path : path, optional
        The SQLite answer cache; default ``<cache dir>/geocoder-nominatim.sqlite``.
    adapter_factory : callable
        geopy adapter; the default, :class:`geopy.adapters.URLLibAdapter`, makes no
        retries of its own, so the ones above are all there are.

    Attributes
    ----------
    requests : int
        Requests sent to the server by this instance.
    problems : list of str
        One line per name given up (or per stop), in the order they happened.
    """

    def __init__(self, user_agent: str, *, url: str = DEFAULT_NOMINATIM_URL, timeout: float = 10.0,
                 min_delay_seconds: float = 1.0, max_tries: int = 4, backoff_seconds: float = 2.0,
                 max_backoff_seconds: float = 60.0, max_failed_in_a_row: int = 3, language: str = "en",
                 cache_path: str | Path | None = None, adapter_factory=URLLibAdapter):
        user_agent = (user_agent or "").strip()
        if not user_agent:
            raise GeocoderConfigError(
                "the online geocoder needs a User-Agent naming your application, as Nominatim's usage "
                "policy requires; give one, e.g. --user-agent 'my-maps/1.0 (me@example.org)'")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise GeocoderConfigError(
                f"geocoder URL {url!r} is not a server address; expected scheme://host[:port][/path], "
                f"e.g. {DEFAULT_NOMINATIM_URL}")
        if max_tries < 1 or timeout <= 0 or min_delay_seconds < 0 or backoff_seconds < 0:
            raise GeocoderConfigError(
                f"max_tries={max_tries}, timeout={timeout}, min_delay_seconds={min_delay_seconds}, "
                f"backoff_seconds={backoff_seconds}: expected max_tries ≥ 1, timeout > 0 and no "
                "negative delays")
        domain = parts.netloc + parts.path.rstrip("/")
        try:
            self._nominatim = Nominatim(user_agent=user_agent, domain=domain, scheme=parts.scheme,
                                        timeout=timeout, adapter_factory=adapter_factory)
        except ConfigurationError as error:
            raise GeocoderConfigError(f"{error}; give your own --user-agent") from error
        # Only the spacing of requests is left to the RateLimiter; retries are ours, below.
        self._search = RateLimiter(self._geocode_after_a_pause, min_delay_seconds=min_delay_seconds,
                                   max_retries=0, error_wait_seconds=min_delay_seconds,
                                   swallow_exceptions=False)
        self._min_delay = min_delay_seconds
        self._answered_at = -float("inf")
        self.url = f"{parts.scheme}://{domain}"
        self.language = language
        self.timeout = timeout
        self.max_tries = max_tries
        self.backoff_seconds = backoff_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.max_failed_in_a_row = max_failed_in_a_row
        self._cache = _AnswerCache(Path(cache_path) if cache_path is not None else cache_dir() / CACHE_FILE)
        self.requests = 0
        self.problems: list[str] = []
        self._places: dict[str, Place | None] = {}  # this run's answers, by query
        self._given_up: set[str] = set()
        self._failed_in_a_row = 0
        self._stopped = False

    @property
    def cache_path(self) -> Path:
        """Where the answers are kept."""
        return self._cache.path

    @property
    def fingerprint(self) -> str:
        """What decides this geocoder's answers (server, language, cache format), for result caches."""
        return f"OnlineGeocoder({self._endpoint}, format={_CACHE_FORMAT})"

    @property
    def _endpoint(self) -> str:
        # The cache key's server part: the same query may have other answers elsewhere or in
        # another language.
        return f"{self.url}/search?accept-language={self.language}"

    def _geocode_after_a_pause(self, *args, **kwargs):
        """Nominatim's geocode, a full delay after the previous answer came back.

        The RateLimiter spaces the moments requests are sent; a slow network can bunch up
        when they arrive. Waiting from the previous answer keeps arrivals a delay apart too.
        """
        wait = self._answered_at + self._min_delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        try:
            return self._nominatim.geocode(*args, **kwargs)
        finally:
            self._answered_at = time.monotonic()

    def geocode(self, name: str) -> Place | None:
        """The place ``name`` stands for, or None when it is not found or could not be asked.

        Asks the server only when the cache has no answer; a name given up in this run
        is not asked again in this run.
        """
        query = _query_key(name)
        if not query:
            return None
        if query in self._places:
            return self._places[query]
        results = self._cache.get(self._endpoint, query)
        if results is None:
            if self._stopped or query in self._given_up:
                return None
            results = self._fetch(query)
            if results is None:
                self._given_up.add(query)
                return None
            self._cache.put(self._endpoint, query, results)
        place = next((p for p in map(place_from_nominatim, results) if p is not None), None)
        self._places[query] = place
        return place

    def _fetch(self, query: str) -> list[dict] | None:
        """The raw results for ``query`` (``[]``: not found), or None when it had to be given up."""
        failure = ""
        for attempt in range(1, self.max_tries + 1):
            wait = min(self.backoff_seconds * 2 ** (attempt - 1), self.max_backoff_seconds)
            try:
                self.requests += 1
                locations = self._search(query, exactly_one=False, limit=_RESULTS_ASKED,
                                         addressdetails=True, language=self.language,
                                         timeout=self.timeout)
                results = [location.raw for location in locations or []]
                if not all(isinstance(raw, dict) for raw in results):
                    raise TypeError("a result is not a JSON object")
                self._failed_in_a_row = 0
                return results
            except GeocoderRateLimited as error:
                failure = f"rate limited (HTTP 429): {error}"
                wait = min(max(wait, error.retry_after or 0), self.max_backoff_seconds)
            except (GeocoderQuotaExceeded, GeocoderAuthenticationFailure,
                    GeocoderInsufficientPrivileges) as error:
                self._stop(f"the server at {self.url} refused access ({type(error).__name__}: {error}); "
                           "no more names are looked up in this run")
                return None
            except GeocoderQueryError as error:
                self._report(f"{self.url} refused the query {query!r}: {error}; not retried")
                return None
            except GeocoderServiceError as error:  # 5xx, timeouts, dropped connections, bad JSON
                failure = f"{type(error).__name__}: {error}"
            except (AttributeError, TypeError, ValueError) as error:  # JSON, but not Nominatim's
                failure = f"malformed answer ({error})"
            logger.info("geocoder: try %d of %d for %r failed: %s", attempt, self.max_tries, query, failure)
            if attempt < self.max_tries:
                time.sleep(wait)
        self._report(f"gave up on {query!r} after {self.max_tries} tries at {self.url}; last error: "
                     f"{(failure.splitlines() or [''])[0][:200]}; it will be asked again next run")
        self._failed_in_a_row += 1
        if self._failed_in_a_row >= self.max_failed_in_a_row:
            self._stop(f"{self._failed_in_a_row} names failed in a row at {self.url}; no more names are "
                       "looked up in this run")
        return None

    def _report(self, problem: str) -> None:
        line = f"geocoder: {problem}"
        self.problems.append(line)
        logger.warning(line)

    def _stop(self, problem: str) -> None:
        self._stopped = True
        self._report(problem)
