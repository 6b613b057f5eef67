"""Errors raised by the geo package; the CLI turns each into one line and a non-zero exit."""

__all__ = ["GeomapError", "AssetError", "CorpusError", "ThemeError", "OutputError"]


class GeomapError(Exception):
    """Base class of every error the geo package raises."""


class CorpusError(GeomapError, ValueError):
    """A corpus path or file cannot be read; the message names the file and the fix."""


class ThemeError(GeomapError, ValueError):
    """A theme file has a mistake; the message names the file, the line and the fix."""


class OutputError(GeomapError, OSError):
    """The output folder cannot be written."""


class AssetError(GeomapError, ValueError):
    """A map needs a script or stylesheet geomap cannot put inside the file.

    The message names the URL, the package geomap reads its assets from and the fix.
    """
