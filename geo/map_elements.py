"""Map elements folium lacks, each one class with its template (folium's plugin shape)."""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template

from .escape import escape_text

__all__ = ["MapTitle"]


class MapTitle(MacroElement):
    """A title box with a legend of theme colours, top left of the map.

    Parameters
    ----------
    title : str
        Heading; shown as text, never as markup.
    legend : list of (label, colour)
        One coloured dot and label per theme.
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <div class="geomap-title" style="position:absolute;top:10px;left:50px;z-index:1000;
             background:rgba(255,255,255,.92);padding:6px 10px;border-radius:4px;
             font:13px/1.4 system-ui,sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3);max-width:40%">
          <div style="font-weight:600;font-size:15px">{{ this.title }}</div>
          {% for label, colour in this.legend %}
          <div><span style="display:inline-block;width:10px;height:10px;border-radius:50%;
               background:{{ colour }};margin-right:6px"></span>{{ label }}</div>
          {% endfor %}
        </div>
        {% endmacro %}
        """
    )

    def __init__(self, title: str, legend: list[tuple[str, str]]):
        super().__init__()
        self._name = "MapTitle"
        self.title = escape_text(title)
        # Colours come from validated theme files (#rgb / #rrggbb); labels are text.
        self.legend = [(escape_text(label), colour) for label, colour in legend]
