"""Errors raised by the gazetteer package."""

__all__ = ["GazetteerError", "GazetteerDataError", "UserGazetteerError"]


class GazetteerError(Exception):
    """Base class of every error the gazetteer package raises."""


class GazetteerDataError(GazetteerError, OSError):
    """The shipped or given gazetteer data is missing or unreadable."""


class UserGazetteerError(GazetteerError, ValueError):
    """A user gazetteer file (``--gazetteer``) has a mistake; the message names file and line."""
