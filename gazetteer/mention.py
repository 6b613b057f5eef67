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
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence must be within [0, 1], got {self.confidence}")
