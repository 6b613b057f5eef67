"""Text in, resolved place mentions out: the matcher and resolver wired together."""

from __future__ import annotations

from .fallback import FallbackResolver
from .gazetteer import Gazetteer
from .matcher import GazetteerMatcher
from .mention import Mention, Span
from .resolver import ContextResolver

__all__ = ["Geoparser"]


class Geoparser:
    """Find and resolve the place mentions of a text.

    Every collaborator can be injected; by default the shipped gazetteer,
    its Aho–Corasick matcher and the context resolver are used. With a
    ``geocoder`` (e.g. :class:`gazetteer.online.OnlineGeocoder`), place-like
    names the gazetteer lacks are looked up with it
    (:class:`gazetteer.fallback.FallbackResolver`); without one nothing is
    ever asked online.

    Examples
    --------
    >>> parser = Geoparser()
    >>> [(m.surface, m.place.country_code) for m in parser.parse("Clashes in Khatlon Province and Vorukh.")]
    [('Khatlon Province', 'TJ'), ('Vorukh', 'TJ')]
    """

    def __init__(self, gazetteer: Gazetteer | None = None, *, matcher=None, resolver=None,
                 include_demonyms: bool = True, geocoder=None):
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer.load()
        self.matcher = matcher if matcher is not None else GazetteerMatcher(self.gazetteer.names)
        self.resolver = resolver if resolver is not None else ContextResolver(
            self.gazetteer, include_demonyms=include_demonyms
        )
        if geocoder is not None:
            self.resolver = FallbackResolver(self.resolver, geocoder)

    def spans(self, text: str) -> list[Span]:
        """Every name-like span of ``text`` before resolution."""
        return self.matcher.find(text)

    def parse(self, text: str) -> list[Mention]:
        """The resolved mentions of ``text``, in text order."""
        return self.resolver.resolve(text, self.matcher.find(text))
