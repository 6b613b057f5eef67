"""geomap: read conflict reporting, find the places it names, draw a map per theme.

The command line (``geomap build``) is a thin layer over these functions.
"""

from ._version import __version__
from .assets import inline_assets, lean_assets
from .build import MapOptions, build_outputs
from .corpus import read_corpus, sample_corpus_path
from .digest import MentionDigest
from .document import Article, Document, Section
from .embed import embed_fragment, iframe_snippet
from .exc import AssetError, CorpusError, GeomapError, OutputError, ThemeError
from .mention_store import MentionStore
from .pipeline import CorpusResult, geoparse_documents
from .places import PLACE_COLUMNS, places_frame
from .render import build_map, render_html
from .table import MENTION_COLUMNS
from .themes import Theme, ThemeMatch, assign_themes, default_themes_path, load_themes

__all__ = [
    "AssetError", "MapOptions", "build_outputs", "embed_fragment", "iframe_snippet",
    "inline_assets", "lean_assets", "Article", "CorpusError", "CorpusResult", "Document",
    "GeomapError", "MENTION_COLUMNS", "MentionDigest", "MentionStore", "OutputError",
    "PLACE_COLUMNS", "Section", "Theme", "ThemeError", "ThemeMatch", "__version__", "assign_themes",
    "build_map", "default_themes_path", "geoparse_documents", "load_themes", "places_frame",
    "read_corpus", "render_html", "sample_corpus_path",
]
