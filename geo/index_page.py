"""``index.html``: the page that lists the maps, with counts per theme, and the tables.

Plain HTML and CSS, no script: it opens anywhere, and every text on it (theme
titles and descriptions come from user files) is escaped.
"""

from __future__ import annotations

import pandas as pd

from .digest import UNTHEMED, MentionDigest, ThemeTally, as_digest
from .escape import escape_text
from .map_elements import css_colour
from .mention_store import MentionStore
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


def _theme_row(title: str, colour: str, description: str, link: str, tally: ThemeTally) -> str:
    span = f"{tally.first_date} – {tally.last_date}" if tally.first_date else ""
    name = f'<a href="{escape_text(link)}">{escape_text(title)}</a>' if link else escape_text(title)
    return (f'<tr><td><span class="dot" style="background:{css_colour(colour)}"></span>{name}'
            f'<br><small>{escape_text(description)}</small></td>'
            f'<td class="n">{tally.articles.count}</td><td class="n">{tally.mentions}</td>'
            f'<td class="n">{tally.places}</td><td>{escape_text(span)}</td></tr>')


def index_html(mentions: pd.DataFrame | MentionStore | MentionDigest, themes: list[Theme], *,
               title: str, combined: str, theme_pages: dict[str, str], tables: list[str],
               problems: int) -> str:
    """The index page: a link to the combined map, a row per theme (articles, mentions,
    places, dates) linking its map, the unthemed count, the tables and the input problems.

    ``mentions`` is the mentions table, in memory or a store, or its digest."""
    digest = as_digest(mentions)
    rows = [_theme_row(t.title, t.colour, t.description, theme_pages.get(t.id, ""),
                       digest.theme_tally(t.id)) for t in themes]
    rows.append(_theme_row("Unthemed", "#777777", "Sections that match no theme "
                           "(a hidden layer of the combined map).", "", digest.theme_tally(UNTHEMED)))
    documents, articles = digest.documents, digest.articles
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
<span class="muted">{digest.mentions} place mentions in {articles} articles of {documents} documents.</span></p>
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
