"""``index.html``: the page that lists the maps, with counts per theme, and the tables.

Plain HTML and CSS, no script: it opens anywhere, and every text on it (theme
titles and descriptions come from user files) is escaped.
"""

from __future__ import annotations

import pandas as pd

from .escape import escape_text
from .map_elements import css_colour
from .places import UNTHEMED, explode_themes
from .render import ATTRIBUTION
from .themes import Theme

__all__ = ["index_html"]

_STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.dot { display: inline-block; width: .8rem; height: .8rem; border-radius: 50%; margin-right: .4rem; }
small, .muted { color: #666; }
"""


def _theme_row(title: str, colour: str, description: str, link: str,
               rows: pd.DataFrame) -> str:
    articles = rows[["doc_id", "article"]].drop_duplicates().shape[0]
    dates = rows["date"][rows["date"] != ""]
    span = f"{dates.min()} – {dates.max()}" if len(dates) else ""
    name = f'<a href="{escape_text(link)}">{escape_text(title)}</a>' if link else escape_text(title)
    return (f'<tr><td><span class="dot" style="background:{css_colour(colour)}"></span>{name}'
            f'<br><small>{escape_text(description)}</small></td>'
            f'<td class="n">{articles}</td><td class="n">{len(rows)}</td>'
            f'<td class="n">{rows["place_id"].nunique()}</td><td>{escape_text(span)}</td></tr>')


def index_html(mentions: pd.DataFrame, themes: list[Theme], *, title: str, combined: str,
               theme_pages: dict[str, str], tables: list[str], problems: int) -> str:
    """The index page: a link to the combined map, a row per theme (articles, mentions,
    places, dates) linking its map, the unthemed count, the tables and the input problems."""
    themed = explode_themes(mentions)
    rows = [_theme_row(t.title, t.colour, t.description, theme_pages.get(t.id, ""),
                       themed[themed["theme"] == t.id]) for t in themes]
    rows.append(_theme_row("Unthemed", "#777777", "Sections that match no theme "
                           "(a hidden layer of the combined map).", "", themed[themed["theme"] == UNTHEMED]))
    documents = mentions["doc_id"].nunique()
    articles = mentions[["doc_id", "article"]].drop_duplicates().shape[0]
    tables_list = " · ".join(f'<a href="{escape_text(t)}">{escape_text(t)}</a>' for t in tables)
    problem_line = (f'<p>{problems} input file{"s" if problems != 1 else ""} or row'
                    f'{"s" if problems != 1 else ""} could not be read: see <a href="errors.csv">errors.csv</a>.</p>'
                    if problems else "")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape_text(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{escape_text(title)}</h1>
<p><a href="{escape_text(combined)}"><b>Combined map</b></a>: every theme as a layer.
<span class="muted">{len(mentions)} place mentions in {articles} articles of {documents} documents.</span></p>
<table>
<thead><tr><th>Theme</th><th>Articles</th><th>Mentions</th><th>Places</th><th>Dates</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
<p>Tables: {tables_list}</p>
{problem_line}
<p><small>{ATTRIBUTION}</small></p>
</body>
</html>
"""
