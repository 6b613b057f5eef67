"""A resolver that asks a geocoder about the place names the gazetteer lacks.

:class:`FallbackResolver` wraps another resolver (normally the
:class:`~gazetteer.resolver.ContextResolver`): its mentions are kept as they
are, and each name that reads like a place but that no gazetteer span covers
("Shelling hit Golovnoi village", see :mod:`gazetteer.unknown`) is looked up
with the geocoder; a name it finds is a mention at every place the name is
written in the text, outside the gazetteer's spans.
"""

from __future__ import annotations

import re
from typing import Protocol

from .mention import Mention, Span
from .place import Place
from .unknown import unknown_place_spans

__all__ = ["FallbackResolver", "NameGeocoder"]

_WORD_CHAR = r"[\w'’-]"


class NameGeocoder(Protocol):
    """What :class:`FallbackResolver` needs of a geocoder (e.g. :class:`gazetteer.online.OnlineGeocoder`)."""

    def geocode(self, name: str) -> Place | None:
        """The place ``name`` stands for, or None."""


class FallbackResolver:
    """``inner``'s mentions, plus geocoded mentions of the place-like names the gazetteer lacks.

    Parameters
    ----------
    inner
        The resolver asked first; anything with ``resolve(text, spans) -> list[Mention]``.
    geocoder : NameGeocoder
        Asked once per distinct unknown name (it is expected to cache its answers).
    confidence : float
        The confidence of geocoded mentions: a name found by a geocoder alone,
        with no context to confirm it, is a moderate guess.

    Attributes
    ----------
    places : dict of str to Place
        Every geocoded place a mention was made of, by id, in the order first met.

    Examples
    --------
    >>> from gazetteer import Place
    >>> golovnoi = Place("nominatim:node/1", "Golovnoi", "city", "KG", 39.94, 70.57)
    >>> class OnePlace:
    ...     def geocode(self, name):
    ...         return golovnoi if name == "Golovnoi" else None
    >>> class NoPlaces:
    ...     def resolve(self, text, spans):
    ...         return []
    >>> resolver = FallbackResolver(NoPlaces(), OnePlace())
    >>> mentions = resolver.resolve("Shelling hit Golovnoi village. Golovnoi is empty.", [])
    >>> [(m.start, m.surface, m.place.place_id, m.confidence) for m in mentions]
    [(13, 'Golovnoi', 'nominatim:node/1', 0.5), (31, 'Golovnoi', 'nominatim:node/1', 0.5)]
    """

    def __init__(self, inner, geocoder: NameGeocoder, *, confidence: float = 0.5,
                 reason: str = "not in the gazetteer; geocoded by Nominatim (OpenStreetMap data)"):
        if not 0.0 < confidence <= 1.0:
            raise ValueError(f"confidence must be within (0, 1], got {confidence}")
        self.inner = inner
        self.geocoder = geocoder
        self.confidence = confidence
        self.reason = reason
        self.places: dict[str, Place] = {}

    def resolve(self, text: str, spans: list[Span]) -> list[Mention]:
        """The inner resolver's mentions and the geocoded ones, in text order, never overlapping."""
        mentions = list(self.inner.resolve(text, spans))
        taken = [(s.start, s.end) for s in spans] + [(m.start, m.end) for m in mentions]
        unknown = list(dict.fromkeys(s.surface for s in unknown_place_spans(text, spans)))
        # Longer names first, so "Golovnoi" never takes the first word of "Golovnoi Bazar".
        for name in sorted(unknown, key=lambda n: -len(n)):
            place = self.geocoder.geocode(name)
            if place is None:
                continue
            pattern = re.compile(rf"(?<!{_WORD_CHAR}){re.escape(name)}(?!{_WORD_CHAR})")
            for match in pattern.finditer(text):
                start, end = match.span()
                if any(s < end and start < e for s, e in taken):
                    continue
                taken.append((start, end))
                self.places.setdefault(place.place_id, place)
                mentions.append(Mention(start, end, name, place, self.confidence, self.reason))
        return sorted(mentions, key=lambda m: (m.start, m.end))
