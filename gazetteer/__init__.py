"""geomap's gazetteer: places of the world, a name matcher and a context resolver.

>>> from gazetteer import Geoparser
>>> [m.place.name for m in Geoparser().parse("Shelling near Jermuk, Armenia.")]
['Jermuk', 'Armenia']
"""

from .exc import GazetteerDataError, GazetteerError, UserGazetteerError
from .fallback import FallbackResolver
from .gazetteer import Gazetteer
from .geoparser import Geoparser
from .matcher import GazetteerMatcher
from .mention import Mention, Span
from .online import GeocoderError, OnlineGeocoder
from .place import AREA_KINDS, KINDS, LINE_KINDS, Place
from .resolver import ContextResolver
from .user_places import read_user_places

__all__ = [
    "AREA_KINDS", "ContextResolver", "FallbackResolver", "Gazetteer", "GazetteerDataError",
    "GazetteerError", "GazetteerMatcher", "Geoparser", "GeocoderError", "KINDS", "LINE_KINDS",
    "Mention", "OnlineGeocoder", "Place", "Span", "UserGazetteerError", "read_user_places",
]
