"""Map elements folium lacks, each one class with its template (folium's plugin shape).

branca puts what a ``MacroElement``'s macros render into the page as a new Jinja
template, rendered once more: text holding ``{{ ... }}`` or ``{% ... %}`` would run
as template code on the machine building the map. These elements put their
rendered parts in the page as they are (:class:`_Verbatim`); folium's own elements
only ever get text through :func:`geo.escape.escape_text`, which leaves no ``{``.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

from branca.element import Element, MacroElement
from jinja2 import Template

from .escape import escape_text
from .map_data import packed_data

__all__ = ["MapTitle", "ThemeLayers", "css_colour"]

_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def css_colour(colour: object) -> str:
    """``colour`` if it is a CSS hex colour (``#rgb``, ``#rrggbb``), which may go in a ``style``.

    >>> css_colour("#d55e00")
    '#d55e00'
    >>> css_colour("red;background:url(//example.org/x)")
    Traceback (most recent call last):
    ValueError: colour 'red;background:url(//example.org/x)' is not a CSS hex colour such as "#b2182b"
    """
    if not isinstance(colour, str) or not _COLOUR.fullmatch(colour):
        raise ValueError(f"colour {colour!r} is not a CSS hex colour such as \"#b2182b\"")
    return colour


@functools.cache  # the same runtime goes into every map of a build
def _static(name: str) -> str:
    return (resources.files("geo") / "static" / name).read_text(encoding="utf-8")


class _Verbatim(Element):
    """Rendered text, put in the page as it is (never compiled as a template)."""

    def __init__(self, text: str):
        super().__init__()
        # As branca's second rendering did: Jinja drops one final newline.
        self.text = text[:-1] if text.endswith("\n") else text

    def render(self, **kwargs) -> str:
        return self.text


class _RenderedOnce(MacroElement):
    """A ``MacroElement`` whose macros' output goes into the page verbatim."""

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        macros = self._template.module.__dict__
        for part, parent in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
            if part in macros:
                parent.add_child(_Verbatim(macros[part](self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class MapTitle(_RenderedOnce):
    """A title box with a legend of theme colours, a Leaflet control at the top left.

    Parameters
    ----------
    title : str
        Heading; shown as text, never as markup.
    legend : list of (label, colour)
        One coloured dot and label per theme; a colour is ``#rgb`` or ``#rrggbb``.

    Raises
    ------
    ValueError
        A colour that is not a CSS hex colour (it goes into a ``style`` attribute).
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <div id="{{ this.get_name() }}" class="geomap-control geomap-legend">
          <div class="geomap-legend-title">{{ this.title }}</div>
          {% for label, colour in this.legend %}
          <div><span class="geomap-dot" style="background:{{ colour }}"></span>{{ label }}</div>
          {% endfor %}
        </div>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var box = document.getElementById({{ this.get_name()|tojson }});
            var control = L.control({position: "topleft"});
            control.onAdd = function () { return box; };
            control.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, title: str, legend: list[tuple[str, str]]):
        super().__init__()
        self._name = "MapTitle"
        self.title = escape_text(title)
        self.legend = [(escape_text(label), css_colour(colour)) for label, colour in legend]


class ThemeLayers(_RenderedOnce):
    """The theme layers' places, drawn in the browser from one compact data array.

    Parameters
    ----------
    data : dict
        :func:`geo.map_data.map_data` of the map; its ``layers`` match ``groups``.
    groups : list of folium.FeatureGroup
        One (empty) feature group per data layer: what the layer control toggles.
    tiles : str
        Tile URL template for the minimap ("" for none).

    The runtime (``geo/static/geomap.js``) and its stylesheet are inlined, so the
    map needs no asset beyond Leaflet itself. Large data is compressed (see
    :func:`geo.map_data.packed_data`).
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>{{ this.css }}</style>
        <script>{{ this.js }}</script>
        {% endmacro %}
        {% macro html(this, kwargs) %}
        <script type="{{ this.data_type }}" id="{{ this.get_name() }}_data">{{ this.data_text }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        Geomap.draw({{ this._parent.get_name() }}, {{ (this.get_name() ~ "_data")|tojson }},
            [{% for group in this.groups %}{{ group.get_name() }}{{ "," if not loop.last }}{% endfor %}],
            {{ {"name": this._parent.get_name(), "tiles": this.tiles, "minimap": this.tiles != ""}|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, data: dict, groups: list, tiles: str = ""):
        super().__init__()
        self._name = "ThemeLayers"
        if len(groups) != len(data["layers"]):
            raise ValueError(f"{len(data['layers'])} data layers but {len(groups)} feature groups")
        self.data_type, self.data_text = packed_data(data)
        self.groups = groups
        self.tiles = tiles
        self.js = _static("geomap.js").replace("</script", "<\\/script")
        self.css = _static("geomap.css")
