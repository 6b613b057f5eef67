"""Records passed from the matcher to the resolver and out of the resolver."""

from __future__ import annotations

from dataclasses import dataclass

from .place import Place

__all__ = ["Span", "Mention"]


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of text that matches one or more gazetteer names.

    Attributes
    ----------
    start, end : int
        Character offsets in the text given to the matcher; ``text[start:end] == surface``.
    surface : str
        The words as written, qualifier included ("Khatlon Province").
    key : str
        The folded gazetteer name that matched ("khatlon").
    key_number : int
        That name's number in the gazetteer's name index.
    qualifier : str
        The division kind a qualifier word asks for (``admin1``, ``admin2``,
        ``city``) or ``""`` when there is none.
    in_headline : bool
        The span sits on a Title-Case headline line, where capitals prove little.
    sentence_initial : bool
        The span starts a sentence, where capitals prove little.
    """

    start: int
    end: int
    surface: str
    key: str
    key_number: int = -1
    qualifier: str = ""
    in_headline: bool = False
    sentence_initial: bool = False


_new_object = object.__new__
(_set_start, _set_end, _set_surface, _set_key, _set_key_number, _set_qualifier, _set_in_headline,
 _set_sentence_initial) = (Span.__dict__[name].__set__ for name in Span.__slots__)


def span_of(start: int, end: int, surface: str, key: str, key_number: int, qualifier: str,
            in_headline: bool, sentence_initial: bool) -> Span:
    """``Span(start, end, ...)``, made at half the cost.

    (A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``;
    the matcher makes a span for every name it finds.)
    """
    span = _new_object(Span)
    _set_start(span, start)
    _set_end(span, end)
    _set_surface(span, surface)
    _set_key(span, key)
    _set_key_number(span, key_number)
    _set_qualifier(span, qualifier)
    _set_in_headline(span, in_headline)
    _set_sentence_initial(span, sentence_initial)
    return span


@dataclass(frozen=True, slots=True)
class Mention:
    """A span resolved to one place.

    ``mention_kind`` is ``"place"`` for a toponym and ``"demonym"`` for an
    adjective or people name linked to its country ("Tajik", "Azerbaijani").
    ``confidence`` is in [0, 1]; ``reason`` says in words why this place won.
    """

    start: int
    end: int
    surface: str
    place: Place
    confidence: float
    reason: str
    mention_kind: str = "place"

    def __post_init__(self):
        _check_confidence(self.confidence)


def _check_confidence(confidence: float) -> None:
    if not 0.0 <= confidence <= 1.0:
        raise ValueError(f"confidence must be within [0, 1], got {confidence}")


(_set_mention_start, _set_mention_end, _set_mention_surface, _set_place, _set_confidence, _set_reason,
 _set_mention_kind) = (Mention.__dict__[name].__set__ for name in Mention.__slots__)


def mention_of(start: int, end: int, surface: str, place: Place, confidence: float, reason: str,
               mention_kind: str) -> Mention:
    """``Mention(start, end, ...)``, checked alike, made at half the cost (see :func:`span_of`)."""
    _check_confidence(confidence)
    mention = _new_object(Mention)
    _set_mention_start(mention, start)
    _set_mention_end(mention, end)
    _set_mention_surface(mention, surface)
    _set_place(mention, place)
    _set_confidence(mention, confidence)
    _set_reason(mention, reason)
    _set_mention_kind(mention, mention_kind)
    return mention
