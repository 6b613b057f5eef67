"""``geomap themes check``: what a theme file says, and what each theme catches in a corpus.

The report is written for someone tuning a theme file: for each theme, the
places its anchors resolved to, its areas and keywords, then the sections it
catches (the best ones with their reasons) and its near misses, the sections
that score but stay under the threshold, so a weight or threshold can be
adjusted with the effect in view.
"""

from __future__ import annotations

from pathlib import Path

from gazetteer import Gazetteer

from .pipeline import CorpusResult, SectionScores
from .terminal import for_terminal
from .themes import Theme, ThemeMatch, passes

__all__ = ["theme_report"]

_EXAMPLES = 3     # caught sections shown per theme
_NEAR_MISSES = 3  # near misses shown per theme
_ANCHOR_IDS = 3   # place ids shown per anchor name before "+N more"


def _anchor(name: str, ids: frozenset[str], gazetteer: Gazetteer) -> str:
    places = sorted((gazetteer.get(i) for i in ids), key=lambda p: (-p.population, p.place_id))
    shown = ", ".join(f"{p.name} ({p.kind}{', ' + p.country_code if p.country_code else ''}, {p.place_id})"
                      for p in places[:_ANCHOR_IDS])
    more = len(places) - _ANCHOR_IDS
    return f"{name} → {shown}" + (f" +{more} more" if more > 0 else "")


def _where(section: SectionScores) -> str:
    heading = f" § {section.section_title!r}" if section.section else ""
    return f"{section.doc_id} article {section.article} {section.article_title!r}{heading}"


def _line(section: SectionScores, match: ThemeMatch) -> str:
    return f"    {match.score:g}  {_where(section)}: {match.reason or 'nothing'}"


def _best_first(pairs: list[tuple[SectionScores, ThemeMatch]]) -> list[tuple[SectionScores, ThemeMatch]]:
    return sorted(pairs, key=lambda pair: -pair[1].score)  # stable: reading order among equals


def _theme_lines(theme: Theme, index: int, result: CorpusResult, gazetteer: Gazetteer) -> list[str]:
    lines = [f"{theme.id}: {theme.title!r}, threshold {theme.threshold:g} "
             f"(anchor places ×{theme.place_weight:g}, places in areas ×{theme.area_weight:g})"]
    if theme.places:
        lines.append("  anchors: " + "; ".join(_anchor(n, ids, gazetteer) for n, ids in theme.places))
    if theme.areas:
        lines.append("  areas: " + ", ".join(label for label, _ in theme.areas))
    if theme.keywords:
        lines.append(f"  keywords ({len(theme.keywords)}): "
                     + ", ".join(f"{k} {w:g}" for k, w in theme.keywords))
    scored = [(section, section.scores[index]) for section in result.section_scores]
    caught = [(s, m) for s, m in scored if passes(theme, m)]
    near = [(s, m) for s, m in scored if m.score > 0 and not passes(theme, m)]
    articles = {(s.doc_id, s.article) for s, _ in caught}
    mentions = sum(s.mentions for s, _ in caught)
    lines.append(f"  catches {len(caught)} sections of {len(articles)} articles ({mentions} mentions)"
                 + (", best:" if caught else ""))
    lines += [_line(s, m) for s, m in _best_first(caught)[:_EXAMPLES]]
    if near:
        lines.append(f"  near misses: {len(near)} sections score under {theme.threshold:g}, best:")
        lines += [_line(s, m) for s, m in _best_first(near)[:_NEAR_MISSES]]
    return lines


def theme_report(path: Path, themes: list[Theme], result: CorpusResult, gazetteer: Gazetteer) -> str:
    """The text ``geomap themes check`` prints for ``themes`` over the corpus in ``result``."""
    lines = [f"{path}: {len(themes)} themes, no mistakes; "
             f"tried on {result.documents} files, {result.articles} articles, {result.sections} sections", ""]
    for index, theme in enumerate(themes):
        lines += _theme_lines(theme, index, result, gazetteer) + [""]
    unthemed = [s for s in result.section_scores
                if not any(passes(t, m) for t, m in zip(themes, s.scores))]
    lines.append(f"unthemed: {len(unthemed)} sections of "
                 f"{len({(s.doc_id, s.article) for s in unthemed})} articles")
    lines += [f"    {_where(s)}" for s in unthemed[:_EXAMPLES]]
    # (Titles, keywords and names come from the user's files: nothing in them drives the terminal.)
    return "\n".join(for_terminal(line) for line in lines) + "\n"
