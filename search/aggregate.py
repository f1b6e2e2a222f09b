"""From ranked passages to the answer: the municipalities whose evidence really supports the query.

The municipality list IS the answer, so it is not padded with every place that appears in the ranking:
- a municipality's best passage must score at least ``min_relative`` × the best passage overall;
- when the query names concepts, the municipality must have a passage that carries one of them (or a
  narrower one) strongly enough: an instrument, partner or law with a use status (toegepast / voornemen)
  when the query names such a concept, else a theme attributed to or mentioned in the passage. A
  municipality that only mentions, follows or investigates the thing is left out.
Thresholds are settings (environment overrides) tuned on the development questions.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from search.fusion import FusionSettings, concept_match


def _env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


@dataclass(frozen=True)
class AggregateSettings:
    # best passage of a municipality vs best overall, when the query names no concept
    min_relative: float = field(default_factory=lambda: _env_float("BELEIDSGRAAF_MIN_RELATIVE", 0.75))
    # same, when the municipality's support for a named concept is established through the graph
    min_relative_supported: float = field(
        default_factory=lambda: _env_float("BELEIDSGRAAF_MIN_RELATIVE_SUPPORTED", 0.3))
    # concept support needed: a use status (1.0) for instrument-like concepts, a theme (0.4) otherwise
    min_support_instrument: float = field(
        default_factory=lambda: _env_float("BELEIDSGRAAF_MIN_SUPPORT_INSTRUMENT", 1.0))
    min_support_other: float = field(default_factory=lambda: _env_float("BELEIDSGRAAF_MIN_SUPPORT_OTHER", 0.4))
    evidence: int = 3  # passages shown per municipality
    depth: int = 50  # ranked passages considered


ACTION_TYPES = frozenset({"instrument", "partner", "law"})


def required_groups(concepts: Sequence) -> tuple[list[frozenset[str]], float]:
    """The concept groups a municipality must carry, and the kind of support needed.

    Instrument, partner and law concepts are what a municipality does or works with; when the query names
    any, those decide (themes are context: "controles tegen ondermijning"). Otherwise themes decide.
    """
    action = [c.expanded for c in concepts if c.type in ACTION_TYPES]
    if action:
        return action, 1.0
    return [c.expanded for c in concepts], 0.0


def _support(passage: dict, groups: Sequence[frozenset[str]], settings: FusionSettings) -> float:
    """Best weight with which the passage carries any one of the groups."""
    return max((concept_match(passage, [g], settings) for g in groups), default=0.0)


def municipalities(ranked: Sequence[tuple[int, float]], passages: Sequence[dict], concepts: Sequence,
                   concept_rows: dict[str, Sequence[int]], allowed, settings: AggregateSettings,
                   fusion: FusionSettings) -> list[dict]:
    """Answer municipalities, best first: {"name", "code", "score", "documents", "evidence": [rows]}.

    ``ranked`` are (row, fused score) best first; ``concept_rows`` maps concept id → rows carrying it
    (over the whole index, filtered by ``allowed``), so support is checked beyond the top of the ranking.
    """
    ranked = list(ranked[: settings.depth])
    if not ranked or ranked[0][1] <= 0:
        return []
    top = ranked[0][1]
    groups, action = required_groups(concepts)
    min_support = settings.min_support_instrument if action else settings.min_support_other
    support: dict[str, float] = {}
    if groups:
        for group in groups:
            for cid in group:
                for row in concept_rows.get(cid, ()):
                    if allowed is not None and not allowed[row]:
                        continue
                    code = passages[row].get("code") or passages[row].get("municipality")
                    s = _support(passages[row], [group], fusion)
                    if s > support.get(code, 0.0):
                        support[code] = s
    if groups and not support:  # nothing in the graph carries the concept: fall back on the ranking alone
        groups = []
    by_code: dict[str, list[tuple[int, float]]] = {}
    for row, score in ranked:
        code = passages[row].get("code") or passages[row].get("municipality")
        if code:
            by_code.setdefault(code, []).append((row, score))
    out = []
    for code, hits in by_code.items():
        best = hits[0][1]
        if groups:
            if support.get(code, 0.0) < min_support or best < settings.min_relative_supported * top:
                continue
        elif best < settings.min_relative * top:
            continue
        first = passages[hits[0][0]]
        documents: dict[str, dict] = {}
        for row, _ in hits:
            p = passages[row]
            documents.setdefault(p["doc_id"], {"doc_id": p["doc_id"], "file": p.get("file"),
                                               "title": p.get("title"), "doc_type": p.get("doc_type"),
                                               "period": _period(p)})
        out.append({"name": first.get("municipality"), "code": first.get("code"), "score": round(best, 4),
                    "documents": list(documents.values()),
                    "evidence": [row for row, _ in hits[: settings.evidence]]})
    out.sort(key=lambda m: -m["score"])
    return out


def _period(p: dict) -> str | None:
    start, end = p.get("period_start"), p.get("period_end")
    if start and end:
        return f"{start}-{end}" if start != end else str(start)
    return str(p["year"]) if p.get("year") else None
