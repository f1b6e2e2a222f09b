"""Graph-aware rank fusion: reciprocal rank fusion of dense and BM25 ranks, plus a concept boost.

fused(p) = [w_dense / (k + rank_dense(p)) + w_bm25 / (k + rank_bm25(p))] / [(w_dense + w_bm25) / (k + 1)]
           + boost × concept_match(p)

The RRF part is scaled to [0, 1] (1 = first in both lists), so the boost is in the same units whatever k
is. concept_match is the mean, over the concepts the query names, of the best weight with which the passage
carries that concept or a narrower one: an instrument the text says it uses or plans counts fully, one it
only mentions, follows or investigates counts less, a theme attributed from the section counts less again.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

USE_STATUSES = frozenset({"toegepast", "voornemen"})


def _env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


@dataclass(frozen=True)
class FusionSettings:
    """Tunable weights (environment overrides: BELEIDSGRAAF_RRF_K, _W_DENSE, _W_BM25, _CONCEPT_BOOST)."""

    k: float = field(default_factory=lambda: _env_float("BELEIDSGRAAF_RRF_K", 10.0))
    w_dense: float = field(default_factory=lambda: _env_float("BELEIDSGRAAF_W_DENSE", 1.0))
    w_bm25: float = field(default_factory=lambda: _env_float("BELEIDSGRAAF_W_BM25", 1.0))
    concept_boost: float = field(default_factory=lambda: _env_float("BELEIDSGRAAF_CONCEPT_BOOST", 0.5))
    depth: int = 200  # ranks considered per list
    # weight of a concept match by how the passage carries it
    status_weights: dict[str, float] = field(default_factory=lambda: {
        "toegepast": 1.0, "voornemen": 1.0, "overweging": 0.5, "onderzoek": 0.5, "beeindigd": 0.3,
        "volgen": 0.3, "genoemd": 0.3, "geen_deelname": 0.1, None: 0.6,
    })
    theme_weight: float = 0.4  # a query concept found only among the passage's section themes


def ranks(scores: np.ndarray, depth: int, positive_only: bool = False) -> dict[int, int]:
    """1-based ranks of the ``depth`` best rows (rows scoring ≤ 0 left out when ``positive_only``)."""
    if scores.size == 0:
        return {}
    depth = min(depth, scores.size)
    top = np.argpartition(-scores, depth - 1)[:depth]
    top = top[np.argsort(-scores[top], kind="stable")]
    if positive_only:
        top = top[scores[top] > 0]
    return {int(row): r for r, row in enumerate(top, start=1)}


def rrf(rank_lists: Sequence[tuple[dict[int, int], float]], k: float) -> dict[int, float]:
    """Reciprocal rank fusion scaled to [0, 1]: Σ w / (k + rank) over lists, divided by Σ w / (k + 1)."""
    total = sum(w for _, w in rank_lists)
    if total <= 0:
        return {}
    out: dict[int, float] = {}
    for rank_of, w in rank_lists:
        for row, r in rank_of.items():
            out[row] = out.get(row, 0.0) + w / (k + r)
    scale = total / (k + 1)
    return {row: s / scale for row, s in out.items()}


def concept_match(passage: dict, groups: Sequence[frozenset[str]], settings: FusionSettings) -> float:
    """Mean over query concept groups of the best weight with which the passage carries the group."""
    if not groups:
        return 0.0
    facts = passage.get("concepts") or []
    themes = set(passage.get("themes") or [])
    total = 0.0
    for group in groups:
        best = 0.0
        for fact in facts:
            if fact.get("id") in group:
                best = max(best, settings.status_weights.get(fact.get("status"), settings.status_weights[None]))
        if best < settings.theme_weight and not themes.isdisjoint(group):
            best = settings.theme_weight
        total += best
    return total / len(groups)


def fuse(dense: dict[int, int], lexical: dict[int, int], passages: Sequence[dict],
         groups: Sequence[frozenset[str]], settings: FusionSettings,
         candidates: Iterable[int] = ()) -> dict[int, float]:
    """Fused score per passage row: scaled RRF of both lists plus the concept boost.

    ``candidates`` are extra rows (e.g. passages carrying a query concept) scored even if neither list
    ranked them, so a passage found only through the graph can still surface.
    """
    lists = [(dense, settings.w_dense), (lexical, settings.w_bm25)]
    lists = [(r, w) for r, w in lists if w > 0 and r]
    scores = rrf(lists, settings.k) if lists else {}
    if groups and settings.concept_boost:
        for row in set(scores) | set(candidates):
            match = concept_match(passages[row], groups, settings)
            if match:
                scores[row] = scores.get(row, 0.0) + settings.concept_boost * match
    return scores
