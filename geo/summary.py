"""The one-screen summary ``geomap build`` prints."""

from __future__ import annotations

from pathlib import Path

from .digest import UNTHEMED, MentionDigest
from .pipeline import CorpusResult
from .terminal import for_terminal
from .themes import Theme

__all__ = ["format_summary"]

_LISTED = 12  # names listed per line before "and N more"
_PROBLEMS_LISTED = 30  # input problems printed; errors.csv has them all
def _names(counter) -> str:
    items = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    shown = ", ".join(f"{for_terminal(name)} ({n})" if n > 1 else for_terminal(name) for name, n in items[:_LISTED])
    more = len(items) - _LISTED
    return shown + (f", and {more} more" if more > 0 else "") if items else "none"


def _from_cache(result: CorpusResult) -> str:
    if result.from_cache is None:
        return ""
    return f" ({result.from_cache} from cache, {result.articles - result.from_cache} parsed)"


def format_summary(result: CorpusResult, digest: MentionDigest, themes: list[Theme],
                   written: list[Path], out_dir: Path) -> str:
    """Articles read, mentions found and resolved (``digest``: of the result's mentions table),
    counts per theme, names not resolved."""
    lines = [
        f"read {result.documents} files: {result.articles} articles{_from_cache(result)}, "
        f"{result.sections} sections",
        f"mentions: {result.spans_found} names found, {digest.mentions} resolved to "
        f"{len(digest.place_mentions)} places",
        "themes:",
    ]
    width = max([len(t.id) for t in themes] + [len(UNTHEMED)])
    for theme_id, title in [(t.id, t.title) for t in themes] + [(UNTHEMED, "no theme")]:
        tally = digest.theme_tally(theme_id)
        lines.append(f"  {theme_id:<{width}}  {tally.articles.count:>4} articles {tally.mentions:>6} mentions  "
                     f"{for_terminal(title)}")
    lines.append(f"not in the gazetteer: {_names(result.unknown_names)}")
    lines.append(f"matched but judged not places: {_names(result.not_places)}")
    if result.problems:
        skipped = sum(p.skipped for p in result.problems)
        lines.append(f"input problems: {len(result.problems)} ({skipped} skipped, the rest read with a "
                     "caveat; also in errors.csv):")
        lines += [f"  {for_terminal(problem)}" for problem in result.problems[:_PROBLEMS_LISTED]]
        if len(result.problems) > _PROBLEMS_LISTED:
            lines.append(f"  and {len(result.problems) - _PROBLEMS_LISTED} more in errors.csv")
    lines.append(f"wrote {len(written)} files to {for_terminal(out_dir)}/: "
                 + ", ".join(for_terminal(p.name) for p in written))
    return "\n".join(lines)
