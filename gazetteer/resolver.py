"""Choose one place for each matched span, using the article as context.

Resolution runs in three steps:

1. *Is it a place at all?* A span that is part of a longer proper noun
   ("Ararat Mirzoyan", "USS Abraham Lincoln", "China Road and Bridge
   Corporation") or follows a personal title is dropped.
2. *Which place?* Each candidate gets a prior from its kind and population,
   a bonus when a qualifier asks for its kind ("Samsun province"), and a
   context bonus when it lies in a country the article names or near the
   article's other unambiguous places (Georgia beside Armenia and Baku).
3. *One sense per name per article*: every span with the same name in one
   text gets the place that scores best over all of them.
"""

from __future__ import annotations

import array
import math
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from geopy.distance import EARTH_RADIUS

from . import _schema
from .gazetteer import Gazetteer
from .matcher import is_article_joined, line_around
from .mention import Mention, Span, mention_of
from .normalize import fold_name

__all__ = ["ContextResolver", "Candidate"]

_CANONICAL = _schema.NAME_TYPES.index("canonical")
_DEMONYM = _schema.NAME_TYPES.index("demonym")
_HISTORICAL = _schema.NAME_TYPES.index("historical")
_ABBREVIATION = _schema.NAME_TYPES.index("abbreviation")
_ALTERNATE = _schema.NAME_TYPES.index("alternate")
# A place called by its own name is likelier than one that merely lists the name.
_NAME_TYPE_BONUS = {_CANONICAL: 1.5, _ALTERNATE: 0.0, _HISTORICAL: -1.0, _ABBREVIATION: -0.5,
                    _DEMONYM: 0.0}
# A winner must score this much (prior + qualifier + context) to count as a place at all:
# an unknown hamlet reached through an alternate spelling, with no support, does not.
_ACCEPT_SCORE = 5.0
_SURE_MARGIN = 2.5  # a span whose best reading leads by this much anchors the context
_SEAT_KM = 150.0  # a division and a same-named city this close: the city is its seat
_SEAT_AT_POINT_KM = 30.0
_METROPOLIS = 1_000_000
_SEAT_CODES = frozenset({"PPLC", "PPLA", "PPLA2", "PPLA3"})

# Prior score of a candidate by kind, before population (cities) is added.
_KIND_PRIOR = {
    # Continents and macro-regions get no country context, so their priors carry them alone.
    "country": 12.0, "continent": 11.0, "dependency": 8.0, "macro_region": 11.0, "disputed": 8.5,
    "corridor": 9.0, "venue": 10.0, "historical": 7.0, "water": 10.0, "admin1": 8.5,
    "physical": 6.0, "island": 6.0, "admin2": 4.5, "city": 2.0,
}
# What a qualifier word asks for, and how much other kinds still get.
_QUALIFIER_FIT = {
    "admin1": {"admin1": 6.0, "admin2": 3.0, "macro_region": 2.0, "physical": 2.0, "disputed": 3.0},
    "admin2": {"admin2": 6.0, "admin1": 3.0},
    "city": {"city": 4.0},
}
# Words before a name that make it a person: "President Charles Michel", "Mr Lincoln".
_TITLES = frozenset(
    "mr mrs ms miss dr prof president minister secretary general gen col colonel lt sgt "
    "captain capt commander chancellor premier senator sen rep gov governor king queen prince "
    "princess sheikh emir ambassador mayor judge pope chairman spokesman spokeswoman "
    "spokesperson envoy deputy uss hms attorney archbishop bishop cardinal rabbi imam reverend "
    "rev pastor sheriff".split()
)
# Capitalised words that may precede a place name without making it part of another name.
_PLACE_MODIFIERS = frozenset(
    "north south east west northern southern eastern western central upper lower greater "
    "new old inner outer far near mid northeast northwest southeast southwest northeastern "
    "northwestern southeastern southwestern occupied annexed liberated the in at from to "
    "near of on for and but by with as after before since across into outside inside "
    "around via over under between along during "
    # Russian and Ukrainian prepositions and conjunctions open sentences the same way.
    "в во на у из под над за к от до при около возле через и но а з із біля між та".split()
)
# Capitalised words that are never part of a name: function words that open a sentence
# ("Though London"), and days and months ("expelled from Russia Thursday").
_NON_NAME_WORDS = frozenset(
    "a an this that these those some any every each all both either neither no not only also "
    "even just still yet so then thus hence though although while when whenever where whereas "
    "if unless because until once like unlike including except plus or nor however meanwhile "
    "moreover furthermore nevertheless instead indeed perhaps there here he she it we they i you "
    "his her its our their my your who whom whose which what why how many much most more few "
    "several such other another last next today yesterday tomorrow tonight now "
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december".split()
)
# Capitalised words after a place name that keep it a place ("Dushanbe Airport").
# (Not "Road", "Street" or "Station": those are named after a place, often far from it.)
_PLACE_HEADS = frozenset(
    "city airport valley river mountains mountain region province oblast district sea gulf "
    "strait lake border borders crossing corridor port harbour harbor bay coast island "
    "islands peninsula plateau desert basin front checkpoint dam reservoir canal".split()
)
# Zipf frequencies (wordfreq scale: 7.7 = "the", 4 = "valley", 3 = "armenia").
_JUNK_ALTERNATE_ZIPF = 4.0   # a place's *alternate* name this common is noise in GeoNames
_UNCERTAIN_CAPITAL_ZIPF = 3.0  # at a sentence start or in a headline, such a word may be a word
_COMMON_WORD_ZIPF = 4.5      # even capitalised mid-sentence, such a word needs a strong place
_EVERYDAY_WORD_ZIPF = 5.5    # "Some", "End", "Man": opening a sentence they are just words
# Kinds that are the usual meaning of their name even when it is a common word ("Turkey", "Chad").
_STRONG_KINDS = frozenset({"country", "continent", "macro_region", "disputed", "dependency",
                           "admin1", "water", "historical", "corridor", "venue"})
_STRONG_CITY_POPULATION = 100_000
# Words of position that divisions are named by (Fiji's Central, Cameroon's Centre): alone, without
# a qualifier ("Central Province") or the text being about that country, they are just words.
_POSITION_WORDS = frozenset(
    "north south east west northern southern eastern western central centre center middle "
    "northeast northwest southeast southwest northeastern northwestern southeastern southwestern "
    "north-east north-west south-east south-west upper lower interior capital coast coastal "
    "highlands lowlands islands lakes".split()
)
# Unsure names support each other's top readings that lie this close (see _add_mutual_support).
_MUTUAL_TOP = 3
_MUTUAL_KM = 150.0
_MUTUAL_BONUS = 1.5
# A sure town this size or larger lends its country to the other names (a hamlet does not).
_COUNTRY_ANCHOR_POPULATION = 10_000

# A verb of saying right after a name: a person, or a country standing for its government.
_SAYS = re.compile(r"[ \t]+(?:said|says|told|added|wrote|argued|insisted|tweeted|explained)\b")
_SPEAKING_KINDS = frozenset({"country", "dependency", "continent", "macro_region", "historical",
                             "admin1", "disputed"})
_LOCATIVE_BEFORE = re.compile(r"\b(?:in|at|from|near|inside|outside)[ \t]+$", re.IGNORECASE)
_LARGE_KINDS = ["continent", "macro_region", "historical", "country", "dependency", "disputed",
                "admin1", "water"]
_LARGE_KIND_SET = frozenset(_LARGE_KINDS)
_NATIONAL_KINDS = frozenset({"continent", "country", "dependency"})
# Head nouns of organisations named after a place: the place is still referred to
# ("Pakistan Army", "Washington Post"), unlike a surname after a first name.
_ORGANISATION_HEADS = frozenset(
    "army navy police forces force government ministry parliament times post herald journal "
    "tribune news bank airlines airways university embassy consulate council court authority "
    "agency department office party state-run central national federal chamber commission "
    "limited board committee tribunal police cathedral hospital academy institute society "
    "college school schools senate assembly legislature lottery democrats republicans lawmakers "
    "officials guard mission club".split()
)
_ACRONYM_MAX = 5
_DISTANCE_BATCH_CELLS = 1_000_000  # readings x places per distance matrix, at most
_MEMO_MAX = 200_000  # entries per memo table: a bound on memory for endless streams of names
_ACRONYM_KINDS = ["country", "dependency", "admin1", "historical", "macro_region"]
# Armed groups, parties, parliaments and news outlets whose names a town shares, or that GeoNames
# lists as a town's other name: in the news they are the organisation ("Hamas" is no name of
# Hamm, Germany, "IRA" none of Iran, the "Duma" sits in Moscow). Only places the user adds
# (--gazetteer) are read under these names.
_ORGANISATION_NAMES = frozenset({"hamas", "taliban", "ira", "wagner", "amal", "duma", "mehr", "xinhua",
                                 "pravda", "hurriyet", "ahram", "tolo", "saraya"})


def _opens_sentence(text: str, index: int) -> bool:
    head = text[max(0, index - 3):index].rstrip(" \t\"“«'(")
    return index == 0 or not head or head[-1] in ".!?:;\n"


def _is_plural_people(key: str, names) -> bool:
    """"Mexicans", "South Koreans": a demonym plus "s" whose singular is a demonym too."""
    if not key.endswith("s"):
        return False
    singular = names.key_number(key[:-1])
    return singular >= 0 and bool((names.entries(singular)[1] == _DEMONYM).any())


def _is_acronym(span: Span, text: str) -> bool:
    """An ALL-CAPS word of up to five letters on a line that is not itself in capitals."""
    if not span.surface.isupper():
        return False  # (checked first: it settles almost every span)
    letters = [c for c in span.surface if c.isalpha()]
    if not letters or len(letters) > _ACRONYM_MAX:
        return False
    return not line_around(text, span.start, span.end)[1].isupper()


_WORD_BEFORE = re.compile(r"([^\W\d_][\w'’.-]*)[ \t]+$")
_NAME_WORDS_AFTER = re.compile(r"((?:[ \t]+[A-Z][\w'’-]*){0,3})")  # up to three capitalised words
_WORD_AFTER = re.compile(r"[ \t]+([^\W\d_][\w'’-]*)")
# A first name, then a middle initial or a particle, right before a span: "Gino D. Bassett",
# "Mike de Kock", "Osama bin Laden".
_NAME_LINKS = "de da di del della du van von der den ter bin ibn".split()
_NAME_LINK_BEFORE = re.compile(
    r"([^\W\d_][\w'’-]*)[ \t]+(?:[A-Z]\.|" + "|".join(_NAME_LINKS) + r")[ \t]+$")
_NAME_LINK_SET = frozenset(_NAME_LINKS)
# A capitalised word, then an article joined to what follows: "Maarat al-" before "Numan".
_NAME_AND_ARTICLE_BEFORE = re.compile(r"([^\W\d_][\w'’]*)[ \t]+([^\W\d_]+)-$")

_UNSEARCHED = object()  # "not searched yet", as opposed to None ("no match")
_BEFORE_WINDOW = 40  # characters before a span in which the words before it are looked for
_BLANKS = " \t"


def _search_before(pattern: re.Pattern, text: str, end: int, *, words: int) -> re.Match | None:
    """``pattern.search`` of the ``_BEFORE_WINDOW`` characters before ``end``, for a pattern
    ending in ``[ \t]+$`` that spans at most ``words`` blank-separated words.

    The search starts at the first of those words rather than 40 characters back: a match
    cannot start earlier, and a regex anchored at ``$`` otherwise tries every position.
    """
    if end == 0:
        return None
    last = text[end - 1]
    if last == "\n":  # ("$" also matches before a final newline)
        return pattern.search(text, max(0, end - _BEFORE_WINDOW), end)
    if last not in _BLANKS:
        return None  # (no blank right before: the pattern cannot end there)
    lower = max(0, end - _BEFORE_WINDOW)
    window = text[lower:end]
    first = len(window)
    for _ in range(words):  # back over the blanks, then over the word before them
        head = window[:first].rstrip(_BLANKS)
        first = max(head.rfind(" "), head.rfind("\t")) + 1
    return pattern.search(text, lower + first, end)


def _may_follow_name_link(text: str, end: int) -> bool:
    """A cheap test before :data:`_NAME_LINK_BEFORE`: is the word before ``end`` an initial or
    a particle ("D.", "de", "bin")?"""
    if end == 0 or text[end - 1] == "\n":
        return end > 0  # (let the regex decide: "$" also matches before a final newline)
    if text[end - 1] not in _BLANKS:
        return False
    head = text[max(0, end - _BEFORE_WINDOW):end].rstrip(_BLANKS)
    word = head[max(head.rfind(" "), head.rfind("\t")) + 1:]
    return word in _NAME_LINK_SET or (len(word) == 2 and word[1] == "." and "A" <= word[0] <= "Z")


@dataclass
class Candidate:
    """One possible place for a span, with its running score and the reasons behind it."""

    row: int
    kind: str
    country_code: str
    lat: float
    lon: float
    demonym: bool
    name_type: int
    score: float
    reasons: list[str] = field(default_factory=list)
    supported: bool = False  # the article's other places back it (its country, a neighbour, its division)


@dataclass(frozen=True)
class _NameFacts:
    """What the places of one name are, whatever the text: for the place-reference tests."""

    demonym: bool         # some place has it as its people's adjective ("Tajik")
    national: bool        # it is a country's (or continent's) own name, not an adjective nor an
                          # alternate: "Snake Island" is no Iceland ("Island" in German)
    large: bool           # some place of that name is a province or larger
    largest_city: int     # population of its largest city (0 when none)
    zipf: float           # how common the name is as an everyday word (0 = never)


def _haversine_matrix(cand_lats: list, cand_lons: list, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """The haversine of the angle from each candidate point (rows) to each point (columns),
    within [0, 1]; :func:`_km_of_haversine` turns it into km. It grows with the distance."""
    clat = np.radians(cand_lats)[:, None]
    clon = np.radians(cand_lons)[:, None]
    plat, plon = np.radians(lats)[None, :], np.radians(lons)[None, :]
    h = np.sin((plat - clat) / 2) ** 2 + np.cos(clat) * np.cos(plat) * np.sin((plon - clon) / 2) ** 2
    # (minimum and maximum: the same as np.clip, at a fraction of its overhead per call)
    return np.minimum(np.maximum(h, 0.0), 1.0)


def _km_of_haversine(h: np.ndarray) -> np.ndarray:
    return 2 * EARTH_RADIUS * np.arcsin(np.sqrt(h))


def _distance_matrix_km(cand_lats: list, cand_lons: list, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle km from each candidate point (rows) to each point (columns)."""
    return _km_of_haversine(_haversine_matrix(cand_lats, cand_lons, lats, lons))


def _nearest_km_apart(cands: list, groups: list, points: list, point_groups: list) -> list[float]:
    """Per candidate: the km to the nearest of ``points`` in another group than its own (inf
    when there is none); ``groups`` and ``point_groups`` name each one's group.

    Computed for all at once (numpy's cost is per call), in row batches of bounded size,
    since a long page can name thousands of places.
    """
    # A text names its places again and again: each distinct (group, point) is measured once.
    cand_keys = [(group, c.lat, c.lon) for group, c in zip(groups, cands)]
    rows = list(dict.fromkeys(cand_keys))
    columns = list(dict.fromkeys((group, p.lat, p.lon) for group, p in zip(point_groups, points)))
    number = {group: i for i, group in enumerate(dict.fromkeys(point_groups))}
    point_group = np.array([number[group] for group, _, _ in columns])
    cand_group = np.array([number.get(group, -1) for group, _, _ in rows])
    lats, lons = np.array([lat for _, lat, _ in columns]), np.array([lon for _, _, lon in columns])
    batch_rows = max(1, _DISTANCE_BATCH_CELLS // len(columns))
    nearest = []
    for first in range(0, len(rows), batch_rows):
        last = first + batch_rows
        h = _haversine_matrix([lat for _, lat, _ in rows[first:last]],
                              [lon for _, _, lon in rows[first:last]], lats, lons)
        same = cand_group[first:last, None] == point_group[None, :]
        # The km grow with the haversine, so only each row's least one is turned into km
        # (the same km as the least of the row's km, at a fraction of the arcsines).
        least = np.where(same, np.inf, h).min(axis=1)
        nearest += np.where(np.isinf(least), np.inf, _km_of_haversine(np.minimum(least, 1.0))).tolist()
    nearest_of = dict(zip(rows, nearest))
    return [nearest_of[key] for key in cand_keys]


class ContextResolver:
    """Resolve spans to places with priors, qualifiers and article context.

    Parameters
    ----------
    gazetteer : Gazetteer
        Where candidates come from.
    include_demonyms : bool
        Keep adjectives and people names ("Tajik", "Azerbaijani") as mentions
        of their country (``mention_kind == "demonym"``). On by default: on
        GeoWebNews it raises span F1 from 0.74 to 0.83 and accuracy too.
    max_candidates : int
        Candidates kept per name, by prior; the long tail of hamlets sharing a
        famous name never wins and only costs time.
    """

    def __init__(self, gazetteer: Gazetteer, *, include_demonyms: bool = True,
                 max_candidates: int = 40):
        self.gazetteer = gazetteer
        self.include_demonyms = include_demonyms
        self.max_candidates = max_candidates
        table = gazetteer.table
        self._kind = table["kind"].to_numpy(dtype=object)
        self._country = table["country_code"].to_numpy(dtype=object)
        self._lat = table["lat"].to_numpy(dtype=float)
        self._lon = table["lon"].to_numpy(dtype=float)
        self._population = table["population"].to_numpy(dtype=np.int64)
        self._feature = table["feature_code"].to_numpy(dtype=object)
        self._curated = (table["source"] == "curated").to_numpy()
        self._user_place = (table["source"] == "user").to_numpy()
        # (An array.array: read one item at a time, it is much faster to index than numpy.)
        self._parent_row = array.array("i", gazetteer.parent_rows.astype(np.int32).tobytes())
        # What does not depend on the article is worked out once per name and kept: the
        # facts about each name's places, whether a word joins a name, and the scored
        # candidates of a name as written (texts repeat their names).
        self._facts: dict[int, _NameFacts] = {}
        self._joins: dict[str, bool] = {}
        self._scored: dict[tuple, list[tuple]] = {}
        self._hopeless: dict[tuple, bool] = {}

    # -- public ---------------------------------------------------------------------
    def resolve(self, text: str, spans: list[Span]) -> list[Mention]:
        """Resolve ``spans`` of ``text``; spans judged not to be places are left out."""
        # ("He", "March" opening a sentence: a name that no place can ever win is not tested
        # as a place reference, only as a surname below.)
        hopeless = {id(s) for s in spans if self._never_has_candidates(s)}
        kept = [s for s in spans if id(s) not in hopeless and self._is_place_reference(text, s)]
        kept_ids = {id(s) for s in kept}
        # "John Kelly ... Kelly said": a surname seen after a first name is a person throughout.
        surnames = set()
        for span in spans:
            # (Cheap tests first: the first name is costly, and a hopeless span's place test more so.)
            if (id(span) not in kept_ids and " " not in span.key and not self._names_a_large_place(span)
                    and self._first_name_before(text, span)
                    and (id(span) not in hopeless or not self._is_place_reference(text, span))):
                surnames.add(span.key)
        kept = [s for s in kept if s.key not in surnames]
        candidates = {id(s): self._candidates(s, text) for s in kept}
        kept = [s for s in kept if candidates[id(s)]]
        self._add_context(kept, candidates)
        chosen = self._one_sense_per_name(kept, candidates)
        mentions = []
        for span in kept:
            winner, share, score = chosen[(span.key, span.qualifier)]
            mention = self._mention(span, winner, share, score)
            if mention is not None:
                mentions.append(mention)
        return mentions

    # -- step 1: is the span a place reference? ---------------------------------------
    def _is_place_reference(self, text: str, span: Span) -> bool:
        before = _search_before(_WORD_BEFORE, text, span.start, words=1)
        if before and before.group(1).rstrip(".").lower() in _TITLES:
            return False  # "Minister Ararat Mirzoyan", "USS Abraham Lincoln"
        if text[span.start - 1:span.start] == "-" and self._ends_arabic_name(text, span):
            return False  # "Maarat al-Numan", a name the gazetteer lacks, is no Numan (Nigeria)
        if span.in_headline:
            return True  # every word is capitalised there: neighbours prove nothing
        facts = self._facts_of(span)  # (looked up once: every test below asks about the name)
        # A capitalised neighbour joined by one space makes the span part of a longer proper
        # noun the gazetteer does not know: "Charles Michel", "Salvador Illa", "Ararat
        # Mirzoyan", "China Road and Bridge Corporation".
        if (not facts.national and self._first_name_before(text, span, before)
                and not (span.surface.isupper() and facts.large)):
            # (A word before a country is almost never a first name, "DeSmog Canada", and an
            # abbreviation is no surname, "FrontCounter BC".)
            return False
        after = _WORD_AFTER.match(text, span.end)
        if not after or span.qualifier or facts.demonym:
            return True  # an adjective precedes its noun: "Russian Foreign Ministry"
        word = after.group(1)
        large_or_big_city = facts.large or facts.largest_city >= _STRONG_CITY_POPULATION
        if large_or_big_city and _ORGANISATION_HEADS.intersection(
                _NAME_WORDS_AFTER.match(text, span.end).group(1).lower().split()):
            return True  # "Pakistan Army", "Cauvery Management Board": the organisation is the place's
        if large_or_big_city and word.rstrip(".").lower() in _TITLES:
            return True  # "US President Barack Obama", "Oklahoma Gov. Mary Fallin": the title is the place's
        if facts.large and span.surface.isupper():
            return True  # "EU Aviation Strategy", "UK Government": an abbreviation is no first name
        return not self._joins_name(word)

    def _number(self, span: Span) -> int:
        """The span's key number (spans made by hand may lack it)."""
        return span.key_number if span.key_number >= 0 else self.gazetteer.names.key_number(span.key)

    def _name_facts(self, number: int) -> _NameFacts:
        facts = self._facts.get(number)
        if facts is None:
            if len(self._facts) > _MEMO_MAX:
                self._facts.clear()
            rows, types = self.gazetteer.names.entries(number)
            kinds, types = self._kind[rows].tolist(), types.tolist()
            facts = self._facts[number] = _NameFacts(
                demonym=_DEMONYM in types,
                national=any(k in _NATIONAL_KINDS and t not in (_DEMONYM, _ALTERNATE) for k, t in zip(kinds, types)),
                large=any(k in _LARGE_KIND_SET for k in kinds),
                largest_city=max((int(self._population[r]) for r, k in zip(rows.tolist(), kinds)
                                  if k == "city"), default=0),
                zipf=float(self.gazetteer.names.zipf[number]))
        return facts

    def _facts_of(self, span: Span) -> _NameFacts:
        return self._name_facts(self._number(span))

    def _names_a_large_place(self, span: Span) -> bool:
        """True when some place called ``span.key`` is a country, province or larger."""
        return self._facts_of(span).large

    def _first_name_before(self, text: str, span: Span, before: object = _UNSEARCHED
                           ) -> re.Match | None:
        """The capitalised word right before ``span`` when it reads as a first name, else None.

        ``before`` is :data:`_WORD_BEFORE`'s match before the span, when already searched.
        """
        linked = (_search_before(_NAME_LINK_BEFORE, text, span.start, words=2)
                  if _may_follow_name_link(text, span.start) else None)
        if linked and linked.group(1)[0].isupper():
            # (Checked first: the matcher takes the initial's period for a sentence end.)
            return linked if self._joins_name(linked.group(1)) else None
        if span.sentence_initial:
            return None  # "... in March. Britain blames": the word before ends a sentence
        if before is _UNSEARCHED:
            before = _search_before(_WORD_BEFORE, text, span.start, words=1)
        if not before or before.group(1).endswith(("'s", "’s")):
            return None  # "Afghanistan's Badakhshan", "Putin's Russia": a genitive, not a first name
        # "John Kelly said": a first name may open a sentence too.
        return before if self._joins_name(before.group(1).rstrip(".")) else None

    def _joins_name(self, word: str) -> bool:
        """True when capitalised ``word`` next to a place name would make one longer name."""
        joins = self._joins.get(word)
        if joins is None:
            if len(self._joins) > _MEMO_MAX:
                self._joins.clear()
            joins = self._joins[word] = self._word_joins_name(word)
        return joins

    def _ends_arabic_name(self, text: str, span: Span) -> bool:
        """True when a capitalised word and an article joined to the span come before it:
        "Ras al-Ain", "Maarat al-Numan" (but "in al-Bab" is Al Bab)."""
        found = _NAME_AND_ARTICLE_BEFORE.search(text, max(0, span.start - _BEFORE_WINDOW), span.start)
        return bool(found and is_article_joined(f"{found.group(2)}-{span.surface}")
                    and self._joins_name(found.group(1)))

    def _word_joins_name(self, word: str) -> bool:
        if is_article_joined(word):
            return True  # "Ras al-Ain", "Jisr al-Shughur": the rest of an Arabic name
        lower = word.lower()
        if (len(word) < 2 or not word[0].isupper() or lower in _PLACE_MODIFIERS
                or lower in _PLACE_HEADS or lower in _NON_NAME_WORDS):
            return False
        number = self.gazetteer.names.key_number(fold_name(word))
        # "Afghan Badakhshan", "Armenian Syunik": a people's adjective qualifies a place.
        return number < 0 or not (self.gazetteer.names.entries(number)[1] == _DEMONYM).any()

    # -- step 2: candidates and their scores ----------------------------------------
    def _candidates(self, span: Span, text: str) -> list[Candidate]:
        # "Kelly said" is a person; "Baku says" is a government; "officials in Dushanbe said"
        # is a place whatever follows.
        speaker = bool(_SAYS.match(text, span.end)) and not _LOCATIVE_BEFORE.search(
            text, max(0, span.start - 12), span.start)
        scored = self._scored_candidates(self._number(span), span.key, span.qualifier,
                                         _is_acronym(span, text), speaker)
        return [Candidate(*fields, list(reasons)) for fields, reasons in scored]

    def _scored_candidates(self, *memo_key) -> list[tuple]:
        """:meth:`_score_candidates`, remembered."""
        scored = self._scored.get(memo_key)
        if scored is None:
            if len(self._scored) > _MEMO_MAX:
                self._scored.clear()
            scored = self._scored[memo_key] = self._score_candidates(*memo_key)
        return scored

    def _never_has_candidates(self, span: Span) -> bool:
        """True when ``span``'s name has no candidate however it is written or followed (as an
        acronym or not, before "said" or not): "He", "In", "March" opening a sentence."""
        number = self._number(span)
        never = self._hopeless.get((number, span.key, span.qualifier))
        if never is None:
            if len(self._hopeless) > _MEMO_MAX:
                self._hopeless.clear()
            never = self._hopeless[number, span.key, span.qualifier] = not any(
                self._scored_candidates(number, span.key, span.qualifier, acronym, speaker)
                for acronym in (False, True) for speaker in (False, True))
        return never

    def _score_candidates(self, number: int, key: str, qualifier: str, acronym: bool,
                          speaker: bool) -> list[tuple]:
        """The candidates of a name as written, scored by prior and qualifier, best first, as
        ``(fields before the reasons, reasons)`` of :class:`Candidate` (the same for every text
        that writes it so)."""
        rows, types = self.gazetteer.names.entries(number)
        if key in _ORGANISATION_NAMES:
            keep = self._user_place[rows]
            rows, types = rows[keep], types[keep]
        if acronym:
            # "NATO", "BA", "APC" in running text are acronyms of something else; places are
            # written that way through abbreviations ("GBAO") or when they are large ("U.S.").
            keep = (types == _ABBREVIATION) | np.isin(self._kind[rows], _ACRONYM_KINDS)
            rows, types = rows[keep], types[keep]
        if (types == _DEMONYM).any():
            # An adjective such as "Tajik" names the people's country, not a village of that name.
            # People in the plural ("Mexicans") say who, not where: the evaluation agrees.
            if not self.include_demonyms or _is_plural_people(key, self.gazetteer.names):
                return []
            keep = types == _DEMONYM
            rows, types = rows[keep], types[keep]
        # Junk collisions are single everyday words ("No", "Gulf"), never names like "New York".
        junk_alternates = (self.gazetteer.names.zipf[number] >= _JUNK_ALTERNATE_ZIPF
                           and " " not in key)
        # Москва is Moscow's own name in another script; "No" is a Latin spelling of Ho (Ghana).
        latin = key.isascii()
        out = []
        for row, name_type in zip(rows.tolist(), types.tolist()):
            kind = self._kind[row]
            if (junk_alternates and kind not in _NATIONAL_KINDS and name_type == _ALTERNATE
                    and not self._curated[row]  # ("Atlantic" for the ocean was chosen by hand)
                    and (latin or self._population[row] < _STRONG_CITY_POPULATION)):
                # "The", "For", "At", "No" are alternate names of some town, "Gulf" of Gulf
                # Province (Papua New Guinea): as everyday words they are never that place.
                continue
            if speaker and kind not in _SPEAKING_KINDS and self._feature[row] != "PPLC":
                continue  # people speak; countries, provinces and capitals do too, by metonymy
            score, reasons = self._prior(row, kind, name_type)
            fit = _QUALIFIER_FIT.get(qualifier, {}).get(kind, 0.0)
            if fit:
                score += fit
                reasons.append(f"qualifier asks for {qualifier}")
            out.append(Candidate(row, kind, self._country[row], self._lat[row], self._lon[row],
                                 name_type == _DEMONYM, name_type, score, reasons))
        if self.gazetteer.names.zipf[number] >= _COMMON_WORD_ZIPF and " " not in key:
            # An everyday word ("California", "Home") is only ever a famous place: :meth:`_evidence`
            # rejects the small ones, so they must neither outscore it nor lend context.
            out = [c for c in out if self._is_strong(c)]
        out.sort(key=lambda c: (-c.score, c.row))
        out = out[: self.max_candidates]
        self._prefer_seats(qualifier, out)
        out.sort(key=lambda c: (-c.score, c.row))
        return [((c.row, c.kind, c.country_code, c.lat, c.lon, c.demonym, c.name_type, c.score),
                 tuple(c.reasons)) for c in out]

    def _is_strong(self, cand: Candidate) -> bool:
        """A kind, or a city size, that is the usual meaning of its name even as a common word."""
        return cand.kind in _STRONG_KINDS or (
            cand.kind == "city" and self._population[cand.row] >= _STRONG_CITY_POPULATION)

    def _prior(self, row: int, kind: str, name_type: int) -> tuple[float, list[str]]:
        score = _KIND_PRIOR[kind]
        reasons = [kind]
        if kind == "city":
            population = int(self._population[row])
            score += 1.2 * math.log10(population + 1)
            reasons = [f"city of {population:,}"]
            if self._feature[row] == "PPLC":
                score += 2.0
                reasons.append("capital")
            elif self._feature[row] in ("PPLA", "PPLA2") and name_type != _ALTERNATE:
                # (A seat is likelier under its own name; "Jermuk" is Armenia's town, not
                # Çermik, a Turkish district seat that GeoNames also calls so.)
                score += 0.8
        score += _NAME_TYPE_BONUS[name_type]
        if kind == "country" and name_type == _ALTERNATE:
            # Country alternates are mostly other languages' names: "Island" is Iceland in
            # German, "Granada" is Grenada in Spanish.
            score -= 3.0
            reasons.append("by an alternate name")
        return score, reasons

    def _prefer_seats(self, qualifier: str, cands: list[Candidate]) -> None:
        """Without a qualifier, "Moscow" is the city, not the oblast named after it."""
        if qualifier:
            return
        # A division's seat is an administrative centre nearby, or a namesake right at its point;
        # any other namesake town ("California", Pennsylvania) does not count.
        cities = [c for c in cands if c.kind == "city"]
        if not cities:
            return
        city_lats = np.array([c.lat for c in cities])
        city_lons = np.array([c.lon for c in cities])
        for cand in cands:
            if cand.kind not in ("admin1", "admin2"):
                continue
            distances = _distance_matrix_km([cand.lat], [cand.lon], city_lats, city_lons)[0]
            seats = [c for c, km in zip(cities, distances) if c.country_code == cand.country_code
                     and km < (_SEAT_KM if self._feature[c.row] in _SEAT_CODES else _SEAT_AT_POINT_KM)]
            # "New York": a division holding a namesake metropolis usually means the city.
            seats += [c for c in cities if self._parent_row[c.row] == cand.row
                      and self._population[c.row] >= _METROPOLIS]
            if seats:
                cand.score -= 3.0
                cand.reasons.append("named after its seat, which is likelier meant")

    def _add_context(self, spans: list[Span], candidates: dict[int, list[Candidate]]) -> None:
        """Raise candidates that sit in the article's countries and near its sure places."""
        # Sure places, with the name that gave them: a name is never its own context.
        sure = [(span.key, cands[0]) for span in spans for cands in [candidates[id(span)]]
                if len(cands) == 1 or (cands and cands[0].score - cands[1].score >= _SURE_MARGIN)]
        self._add_hierarchy(spans, candidates, sure)
        self._add_mutual_support(spans, candidates, {key for key, _ in sure})
        # A hamlet named once ("Gotham") does not make its whole country the article's subject.
        national = [(key, a) for key, a in sure if a.country_code
                    and (a.kind != "city" or self._population[a.row] >= _COUNTRY_ANCHOR_POPULATION)]
        local = [(key, a) for key, a in sure if a.kind not in ("continent", "macro_region", "historical")]
        national_per_country = Counter(a.country_code for _, a in national)
        national_of_name: dict[str, list[Candidate]] = {}
        for key, a in national:
            national_of_name.setdefault(key, []).append(a)
        ambiguous = [span for span in spans if len(candidates[id(span)]) >= 2]
        nearest_per_span = self._nearest_other_places(local, ambiguous, candidates)
        for span, nearest in zip(ambiguous, nearest_per_span):
            cands = candidates[id(span)]
            # Other names' sure places support any reading; this name's sure reading (from its
            # other mentions) supports only itself, never its rivals ("Kherson" the city does
            # not make "Kherson" the oblast likelier).
            own_name = national_of_name.get(span.key, [])
            own = own_name[0] if own_name else None
            countries_of_name = {c.country_code for c in cands}
            # ("Lebanon": a town named after a country competes with the country itself.)
            names_a_country = any(c.kind in _NATIONAL_KINDS and c.name_type == _CANONICAL for c in cands)
            for i, cand in enumerate(cands):
                in_country = national_per_country.get(cand.country_code, 0)
                if own_name:
                    in_country -= sum(1 for a in own_name
                                      if a.country_code == cand.country_code and a.row != cand.row)
                if own is not None and own.row == cand.row:
                    in_country -= 1  # one mention is not its own context
                if in_country > 0:
                    # Texts name the big countries all the time: that alone barely lifts a hamlet
                    # ("Atlantic", Iowa) over the famous place of its name.
                    small = (cand.kind == "city" and countries_of_name != {cand.country_code}
                             and (self._population[cand.row] < _COUNTRY_ANCHOR_POPULATION
                                  or names_a_country))
                    cand.score += 1.0 if small else 2.0 + 0.5 * min(in_country, 3)
                    cand.reasons.append(f"in {cand.country_code}, which the text names")
                    cand.supported = True
                if nearest is not None and nearest[i] < 500:
                    cand.score += 2.5 * math.exp(-nearest[i] / 250)
                    cand.reasons.append(f"{nearest[i]:.0f} km from another place in the text")
                    cand.supported = True

    @staticmethod
    def _nearest_other_places(places: list[tuple[str, Candidate]], spans: list[Span],
                              candidates: dict[int, list[Candidate]]):
        """Per span: the km from each of its candidates to the nearest of ``places`` given by
        another name (None when there is no such place)."""
        if not places:
            yield from (None for _ in spans)
            return
        keys = {key for key, _ in places}
        cands = [c for span in spans for c in candidates[id(span)]]
        groups = [span.key for span in spans for _ in candidates[id(span)]]
        nearest = _nearest_km_apart(cands, groups, [a for _, a in places], [key for key, _ in places])
        first = 0
        for span in spans:
            last = first + len(candidates[id(span)])
            yield None if keys == {span.key} else nearest[first:last]
            first = last

    def _add_mutual_support(self, spans: list[Span], candidates: dict[int, list[Candidate]],
                            sure_keys: set[str]) -> None:
        """Two unsure names with readings close together support those readings: in "from
        Goris to Jermuk" neither is sure alone, but the Armenian towns are 60 km apart."""
        unsure = {}
        for span in spans:
            cands = candidates[id(span)]
            if len(cands) > 1 and span.key not in sure_keys:
                unsure.setdefault(span.key, cands[:_MUTUAL_TOP])
        if len(unsure) < 2:
            return
        readings = [c for cands in unsure.values() for c in cands]
        groups = [key for key, cands in unsure.items() for _ in cands]
        for cand, km in zip(readings, _nearest_km_apart(readings, groups, readings, groups)):
            if km < _MUTUAL_KM:
                cand.score += _MUTUAL_BONUS * math.exp(-km / _MUTUAL_KM)
                cand.reasons.append(f"{km:.0f} km from a reading of another name in the text")
        for cands in candidates.values():
            cands.sort(key=lambda c: (-c.score, c.row))

    def _add_hierarchy(self, spans: list[Span], candidates: dict[int, list[Candidate]],
                       sure: list[tuple[str, Candidate]]) -> None:
        """Raise a candidate whose province or district the text also names ("Sacramento,
        California", "Darvaz District, Gorno-Badakhshan Autonomous Region"), and a division
        holding a sure place the text names ("Seattle ... Washington" is the state)."""
        held: dict[int, set[int]] = {}  # division row -> rows of the sure places inside it
        for _, place in sure:
            parent = self._parent_row[place.row]
            for _ in range(2):  # the parent, then the grandparent
                if parent < 0:
                    break
                held.setdefault(parent, set()).add(place.row)
                parent = self._parent_row[parent]
        named = {}
        for span in spans:
            cands = candidates[id(span)]
            for cand in cands:
                if cand.kind in ("admin1", "admin2", "disputed"):
                    named.setdefault(cand.row, span.key)
                    # (A place this name may itself mean is no other place: "Lachin" the town
                    # does not make "Лачин" the district.)
                    inside = held.get(cand.row)
                    if inside and inside - {c.row for c in cands}:
                        cand.score += 2.0
                        cand.reasons.append("holds another place the text names")
                        cand.supported = True
        if not named:
            return
        for span in spans:
            for cand in candidates[id(span)]:
                parent = self._parent_row[cand.row]
                for _ in range(2):  # the parent, then the grandparent
                    if parent < 0:
                        break
                    if parent in named and named[parent] != span.key:
                        cand.score += 3.0
                        cand.reasons.append("its division is named too")
                        cand.supported = True
                        break
                    parent = self._parent_row[parent]

    # -- step 3: one sense per name -------------------------------------------------
    def _one_sense_per_name(self, spans, candidates) -> dict[tuple[str, str], tuple[Candidate, float, float]]:
        """Per (name, qualifier): the place it means here, its share of the evidence, its score."""
        best: dict[tuple[str, str], dict[int, Candidate]] = {}
        totals: dict[tuple[str, str], dict[int, float]] = {}
        counts: dict[tuple[str, str], int] = {}
        for span in spans:  # (each has candidates)
            sense = (span.key, span.qualifier)
            counts[sense] = counts.get(sense, 0) + 1
            total = totals.setdefault(sense, {})
            kept = best.setdefault(sense, {})
            for cand in candidates[id(span)]:
                row = cand.row
                total[row] = total.get(row, 0.0) + cand.score
                if row not in kept or cand.score > kept[row].score:
                    kept[row] = cand
        chosen = {}
        for sense, total in totals.items():
            if len(total) == 1:  # (most names: one place, which has all the evidence)
                (row, score), = total.items()
                chosen[sense] = (best[sense][row], 1.0, score / counts[sense])
                continue
            ranked = sorted(total.items(), key=lambda item: (-item[1], item[0]))
            scores = [t / counts[sense] for _, t in ranked[:5]]  # best first
            probabilities = [math.exp((score - scores[0]) / 2.0) for score in scores]
            winner = best[sense][ranked[0][0]]
            chosen[sense] = (winner, probabilities[0] / sum(probabilities), scores[0])
        return chosen

    def _evidence(self, span: Span, winner: Candidate) -> float:
        """How much the way ``span`` is written supports a place reading (0 rejects it)."""
        zipf = self._name_facts(self._number(span)).zipf  # (the index's commonness, remembered)
        strong = self._is_strong(winner)
        uncertain_capital = span.in_headline or (span.sentence_initial and " " not in span.key)
        if span.key in _POSITION_WORDS and not span.qualifier and not winner.supported:
            return 0.0  # "Central", "Western", "Centre": Fiji's and Cameroon's regions only in context
        if uncertain_capital and zipf >= _UNCERTAIN_CAPITAL_ZIPF and not strong:
            return 0.0  # "March", "Deal", "Split" opening a sentence or headline
        # A common word that names a country only in another language ("Island" is Iceland in
        # German, "Some" Finland in Finnish) proves nothing where every word is capitalised.
        if (winner.kind in _NATIONAL_KINDS and winner.name_type == _ALTERNATE
                and (span.in_headline and zipf >= _JUNK_ALTERNATE_ZIPF
                     or uncertain_capital and zipf >= _EVERYDAY_WORD_ZIPF)):
            return 0.0  # ("Britain says" and "America" opening a sentence are still the country)
        if zipf >= _COMMON_WORD_ZIPF and not strong and " " not in span.key:
            return 0.0  # (a capitalised phrase such as "Orange County" is no everyday phrase)  # "Paris" is Paris, Texas only where the text is about Texas
        if span.in_headline:
            small = winner.kind == "city" and self._population[winner.row] < 50_000
            return 0.5 if small else 0.8
        return 0.9 if uncertain_capital and zipf >= _UNCERTAIN_CAPITAL_ZIPF else 1.0

    def _mention(self, span: Span, winner: Candidate, share: float, score: float) -> Mention | None:
        evidence = self._evidence(span, winner)
        if evidence == 0.0 or score < _ACCEPT_SCORE:
            return None
        confidence = round(max(0.05, min(1.0, share * evidence)), 3)
        place = self.gazetteer.place_at(winner.row)
        reasons = winner.reasons + ([f"p={share:.2f} among the candidates"] if share < 1 else [])
        return mention_of(span.start, span.end, span.surface, place, confidence, "; ".join(reasons),
                          "demonym" if winner.demonym else "place")
