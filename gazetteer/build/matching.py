"""Pairing records of two sources: by names, then by where their points fall.

Used to attach polygons (geoBoundaries, WOF, Natural Earth) to GeoNames admin
codes, and to link districts across sources. Every pairing is one-to-one and
deterministic: ids are visited in sorted order and a pair is made only when it
is unambiguous in both directions.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable, Iterable, Mapping, Sequence

from .geometry import PolygonIndex
from .names import clean, fold, match_key, skeleton

__all__ = ["match_by_names", "match_by_points", "NAME_TIERS"]


def _exact(name: str) -> set[str]:
    return {fold(clean(name))}


def _key(name: str) -> set[str]:
    return {match_key(name)}


def _skeleton(name: str) -> set[str]:
    sk = skeleton(match_key(name))
    return {sk} if len(sk) >= 3 else set()


#: Key functions from strictest to loosest: folded name, name without qualifiers, consonant skeleton.
NAME_TIERS: tuple[Callable[[str], set[str]], ...] = (_exact, _key, _skeleton)


def match_by_names(
    left: Mapping[str, Sequence[str]],
    right: Mapping[str, Sequence[str]],
    tiers: Iterable[Callable[[str], set[str]]] = NAME_TIERS,
    taken_right: Iterable[str] = (),
    shared_left: bool = False,
) -> dict[str, str]:
    """Pair ids of ``left`` with ids of ``right`` that share a name key.

    Parameters
    ----------
    left, right : mapping of id to names
    tiers : key functions
        Tried in order; a later tier only sees ids not yet paired.
    taken_right : ids of ``right`` that must not be paired.
    shared_left : bool
        If several left ids point only at the same right id (duplicate records of
        one place, like GeoNames' "Darvozskiy Rayon" and "Nohiyai Darvoz"), pair
        the right id with the smallest of them instead of leaving it unpaired.

    Returns
    -------
    dict
        left id -> right id.

    Examples
    --------
    >>> match_by_names({"gn:1": ["Khatlon Province"], "gn:2": ["Sughd"]},
    ...                {"a": ["Khatlon Region"], "b": ["Sughd Region"], "c": ["Dushanbe"]})
    {'gn:1': 'a', 'gn:2': 'b'}
    """
    pairs: dict[str, str] = {}
    used = set(taken_right)
    for tier in tiers:
        lkeys = {lid: set().union(*(tier(n) for n in names if n)) - {""}
                 for lid, names in left.items() if lid not in pairs}
        rkeys = {rid: set().union(*(tier(n) for n in names if n)) - {""}
                 for rid, names in right.items() if rid not in used}
        by_key: dict[str, set[str]] = defaultdict(set)
        for rid, keys in rkeys.items():
            for k in keys:
                by_key[k].add(rid)
        owners: dict[str, set[str]] = defaultdict(set)
        for lid in sorted(lkeys):
            for k in lkeys[lid]:
                for rid in by_key.get(k, ()):
                    owners[rid].add(lid)
        only: dict[str, list[str]] = defaultdict(list)
        for lid in sorted(lkeys):
            cands = set()
            for k in lkeys[lid]:
                cands |= by_key.get(k, set())
            cands -= used
            if len(cands) == 1:
                rid = next(iter(cands))
                if owners[rid] == {lid}:
                    pairs[lid] = rid
                    used.add(rid)
                else:
                    only[rid].append(lid)
        if shared_left:
            for rid, lids in sorted(only.items()):
                if rid not in used and len(lids) == len(owners[rid]):
                    pairs[min(lids)] = rid
                    used.add(rid)
    return pairs


def match_by_points(
    points: Mapping[str, Sequence[tuple[float, float, float]]],
    index: PolygonIndex,
    taken_left: Iterable[str] = (),
    taken_right: Iterable[str] = (),
    min_share: float = 0.5,
) -> dict[str, str]:
    """Pair units known by sample points with the polygon holding most of their weight.

    Parameters
    ----------
    points : mapping of id to ``(lat, lon, weight)`` tuples
        E.g. the populated places of each GeoNames admin1 code, weighted by population + 1.
    index : PolygonIndex
        Candidate polygons.
    taken_left, taken_right : ids already paired, skipped.
    min_share : float
        The polygon must hold more than this share of the unit's weight.

    Returns
    -------
    dict
        unit id -> polygon key, one-to-one.
    """
    taken_left, taken_right = set(taken_left), set(taken_right)
    best: dict[str, str] = {}
    for uid in sorted(points):
        if uid in taken_left or not points[uid]:
            continue
        pts = points[uid]
        hits = index.containing([p[0] for p in pts], [p[1] for p in pts])
        weight: dict[str, float] = defaultdict(float)
        total = sum(p[2] for p in pts)
        for p, keys in zip(pts, hits):
            for k in keys:
                weight[k] += p[2]
        if not weight:
            continue
        key = max(sorted(weight), key=lambda k: weight[k])
        if key not in taken_right and weight[key] > min_share * total:
            best[uid] = key
    claimed: dict[str, list[str]] = defaultdict(list)
    for uid, key in best.items():
        claimed[key].append(uid)
    return {uid: key for uid, key in best.items() if len(claimed[key]) == 1}
