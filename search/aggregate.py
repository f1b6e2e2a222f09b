"""From ranked passages to the answer: the municipalities whose evidence really supports the query.

The municipality list IS the answer, so it is not padded with every place that appears in the ranking:
- when the query names concepts, a municipality must have a passage (anywhere in the index, within the
  filters) that carries one of them or a narrower one strongly enough: an instrument with a use status
  (toegepast, voornemen; "only mentioned", "to be investigated", "only following developments",
  "stopped", "not taking part" do not count), a partner / law / theme at all. Its best passage must also reach
  ``min_relative_supported`` × the best passage overall (``min_relative`` when only a theme supports it:
  themes are broad context);
- when the query names no concept (or nothing in the graph carries it), a municipality's best passage must
  score at least ``min_relative`` × the best passage overall.
Thresholds are settings (environment overrides) tuned on the development questions.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np


def _env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


@dataclass(frozen=True)
class AggregateSettings:
    # best passage of a municipality vs best overall, when the query names no concept
    min_relative: float = field(default_factory=lambda: _env_float("BELEIDSGRAAF_MIN_RELATIVE", 0.85))
    # same, for a municipality whose support for a named concept comes from the graph
    min_relative_supported: float = field(
        default_factory=lambda: _env_float("BELEIDSGRAAF_MIN_RELATIVE_SUPPORTED", 0.3)
    )
    # concept support needed (see FusionSettings.status_weights): for instruments a use status
    # (toegepast, voornemen) — mention is not use, so "genoemd", "onderzoek", "volgen" ... are left out ...
    min_support_instrument: float = field(
        default_factory=lambda: _env_float("BELEIDSGRAAF_MIN_SUPPORT_INSTRUMENT", 0.9)
    )
    # ... any mention or section theme for partners, laws and themes
    min_support_other: float = field(
        default_factory=lambda: _env_float("BELEIDSGRAAF_MIN_SUPPORT_OTHER", 0.3)
    )
    evidence: int = 3  # passages shown per municipality
    depth: int = 50  # ranked passages considered


ACTION_TYPES = frozenset({"instrument", "partner", "law"})


def required(concepts: Sequence) -> list:
    """The query concepts a municipality must carry.

    Instruments, partners and laws are what a municipality does or works with; when the query names any,
    those decide and themes are context ("controles tegen ondermijning"). Otherwise the themes decide.
    """
    action = [c for c in concepts if c.type in ACTION_TYPES]
    return action or list(concepts)


def support_by_municipality(
    concepts: Sequence,
    vectors: Sequence[np.ndarray],
    codes: np.ndarray,
    allowed: np.ndarray | None,
    settings: AggregateSettings,
) -> dict[str, float]:
    """Municipality code → strongest support (best passage weight ÷ threshold) over the required concepts."""
    out: dict[str, float] = {}
    for concept, vec in zip(concepts, vectors, strict=True):
        need = settings.min_support_instrument if concept.type == "instrument" else settings.min_support_other
        mask = vec >= need
        if allowed is not None:
            mask &= allowed
        for row in np.nonzero(mask)[0]:
            code = codes[row]
            if code and vec[row] > out.get(code, 0.0):
                out[code] = float(vec[row])
    return out


def municipalities(
    ranked: Sequence[tuple[int, float]],
    passages: Sequence[dict],
    support: dict[str, float] | None,
    settings: AggregateSettings,
    strong: bool = True,
) -> list[dict]:
    """Answer municipalities, best first: {"name", "code", "score", "documents", "evidence": [rows]}.

    ``ranked`` are (row, fused score) best first. ``support`` (code → support) is None when the query
    names no concept the graph knows; then only the relative score decides. ``strong`` says the support
    is about what a municipality does (instrument, partner, law), which earns the looser score threshold;
    support from a theme is necessary but the strict threshold still applies.
    """
    ranked = [(row, score) for row, score in ranked[: settings.depth] if score > 0]
    if not ranked:
        return []
    top = ranked[0][1]
    by_code: dict[str, list[tuple[int, float]]] = {}
    for row, score in ranked:
        code = passages[row].get("code") or passages[row].get("municipality")
        if code:
            by_code.setdefault(code, []).append((row, score))
    out = []
    for code, hits in by_code.items():
        best = hits[0][1]
        if support is not None:
            threshold = settings.min_relative_supported if strong else settings.min_relative
            if code not in support or best < threshold * top:
                continue
        elif best < settings.min_relative * top:
            continue
        documents: dict[str, dict] = {}
        for row, _ in hits:
            p = passages[row]
            documents.setdefault(
                p["doc_id"],
                {
                    "doc_id": p["doc_id"],
                    "file": p.get("file"),
                    "title": p.get("title"),
                    "doc_type": p.get("doc_type"),
                    "period": period(p),
                },
            )
        first = passages[hits[0][0]]
        out.append(
            {
                "name": first.get("municipality"),
                "code": first.get("code"),
                "score": round(best, 4),
                "documents": list(documents.values()),
                "evidence": [row for row, _ in hits[: settings.evidence]],
            }
        )
    out.sort(key=lambda m: -m["score"])
    return out


def period(p: dict) -> str | None:
    """ "2024-2026", a single year, or None."""
    start, end = p.get("period_start"), p.get("period_end")
    if start and end:
        return f"{start}-{end}" if start != end else str(start)
    if start or end:
        return str(start or end)
    return str(p["year"]) if p.get("year") else None
