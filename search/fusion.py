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


def _env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


@dataclass(frozen=True)
class FusionSettings:
    """Tunable weights (environment overrides: BELEIDSGRAAF_RRF_K, _W_DENSE, _W_BM25, _CONCEPT_BOOST)."""

    k: float = field(default_factory=lambda: _env_float("BELEIDSGRAAF_RRF_K", 5.0))
    w_dense: float = field(default_factory=lambda: _env_float("BELEIDSGRAAF_W_DENSE", 1.0))
    w_bm25: float = field(default_factory=lambda: _env_float("BELEIDSGRAAF_W_BM25", 1.0))
    concept_boost: float = field(default_factory=lambda: _env_float("BELEIDSGRAAF_CONCEPT_BOOST", 0.5))
    # added to passages of a municipality the query names by name ("... noemt Haaksbergen")
    municipality_boost: float = field(
        default_factory=lambda: _env_float("BELEIDSGRAAF_MUNICIPALITY_BOOST", 0.5)
    )
    depth: int = 200  # ranks considered per list
    # weight of a concept match by how the passage carries it
    status_weights: dict[str, float] = field(
        default_factory=lambda: {
            # "genoemd" means no cue of use was found (ambiguous); volgen / beeindigd / geen_deelname are
            # explicit statements of non-use and rank below it.
            "toegepast": 1.0,
            "voornemen": 1.0,
            "overweging": 0.5,
            "onderzoek": 0.5,
            "genoemd": 0.4,
            "beeindigd": 0.2,
            "volgen": 0.2,
            "geen_deelname": 0.05,
            None: 0.6,
        }
    )
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
                best = max(
                    best, settings.status_weights.get(fact.get("status"), settings.status_weights[None])
                )
        if best < settings.theme_weight and not themes.isdisjoint(group):
            best = settings.theme_weight
        total += best
    return total / len(groups)


def concept_weights(
    passages: Sequence[dict], settings: FusionSettings
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per concept id: (rows, weight) of every passage carrying it, weighted as in ``concept_match``."""
    best: dict[str, dict[int, float]] = {}
    for row, p in enumerate(passages):
        ids = {f.get("id") for f in p.get("concepts") or []} | set(p.get("themes") or [])
        for cid in ids:
            if cid:
                best.setdefault(cid, {})[row] = concept_match(p, [frozenset({cid})], settings)
    return {
        cid: (np.fromiter(d.keys(), np.int64, len(d)), np.fromiter(d.values(), np.float32, len(d)))
        for cid, d in best.items()
    }


def group_vector(
    group: Iterable[str], weights: dict[str, tuple[np.ndarray, np.ndarray]], n: int
) -> np.ndarray:
    """Per passage: the best weight with which it carries any concept of the group."""
    out = np.zeros(n, dtype=np.float32)
    for cid in group:
        if cid in weights:
            rows, w = weights[cid]
            np.maximum.at(out, rows, w)
    return out


def rrf_vector(rank_lists: Sequence[tuple[dict[int, int], float]], k: float, n: int) -> np.ndarray:
    out = np.zeros(n, dtype=np.float32)
    for row, score in rrf(rank_lists, k).items():
        out[row] = score
    return out


def fuse(
    dense: dict[int, int],
    lexical: dict[int, int],
    group_vectors: Sequence[np.ndarray],
    n: int,
    settings: FusionSettings,
) -> np.ndarray:
    """Fused score per passage row: scaled RRF of both rank lists plus the concept boost.

    The boost also lifts passages neither list ranked, so a passage found only through the graph (it
    carries the query's concept) can still surface.
    """
    lists = [(r, w) for r, w in ((dense, settings.w_dense), (lexical, settings.w_bm25)) if w > 0 and r]
    scores = rrf_vector(lists, settings.k, n) if lists else np.zeros(n, dtype=np.float32)
    if group_vectors and settings.concept_boost:
        scores += settings.concept_boost * (np.sum(group_vectors, axis=0) / len(group_vectors))
    return scores
