"""Policy comparison: what changed between two documents, or between a municipality's successive plans.

The graph part (documents, facts, concept sets, goals and targets) comes from graph/ (``graph.read``,
``graph.compare``); pairing goals and targets by meaning comes from ``search.goal_match``. This module
joins the two; its dicts are what the CLI (``beleidsgraaf compare``), the API (``/api/compare``) and the
page (``/vergelijken``) show.

Goals are matched across documents by meaning: identical normalised text first, then the cosine of their
embeddings (greedy best pair first, one-to-one) when it reaches ``goal_threshold``. Targets are matched
the same way on their metric and then compared on value, unit, comparator, year and baseline.
"""

from __future__ import annotations

import logging
from typing import Any

from graph.compare import (
    STATES,
    DocumentContent,
    concept_changes,
    describe_goal,
    describe_target,
    document_content,
    kept_pair,
    target_changes,
    target_fields,
    unmatched,
)
from graph.read import Document, documents, resolve_document, resolve_municipality
from graph.store import GraphStore
from ontology.errors import BadParameter
from search.goal_match import Embedder, default_embedder, match_by_meaning

log = logging.getLogger(__name__)


DEFAULT_GOAL_THRESHOLD = 0.92
"""Cosine at which two goals count as the same goal (greedy one-to-one pairing, best pair first)."""

DEFAULT_TARGET_THRESHOLD = 0.92
"""Cosine at which two target metrics count as the same measure (same model as goals)."""

COMPARE_CATEGORIES = ("priority_themes", "themes", "instruments", "partners", "goals", "targets")
CATEGORY_LABELS = {  # Dutch headings shown by the CLI and the comparison page
    "priority_themes": "Prioritaire thema's",
    "themes": "Thema's",
    "instruments": "Instrumenten",
    "partners": "Partners",
    "goals": "Doelen",
    "targets": "Streefcijfers",
}


def _compare_goals(
    a: DocumentContent, b: DocumentContent, embed: Embedder | None, threshold: float
) -> dict[str, list[dict]]:
    goals_a, goals_b = a.goals, b.goals
    pairs = match_by_meaning([g["text"] for g in goals_a], [g["text"] for g in goals_b], embed, threshold)
    result: dict[str, list[dict]] = {state: [] for state in STATES}
    for i, j, sim, how in pairs:
        ga, gb = goals_a[i], goals_b[j]
        result["kept"].append(
            kept_pair(
                ga,
                gb,
                label=gb["text"],
                text_a=ga["text"],
                text_b=gb["text"],
                similarity=round(sim, 4),
                match=how,
                type_a=ga["type"],
                type_b=gb["type"],
                theme_a=ga["theme"],
                theme_b=gb["theme"],
            )
        )
    matched_a = {i for i, _, _, _ in pairs}
    matched_b = {j for _, j, _, _ in pairs}
    unmatched(result, goals_a, goals_b, matched_a, matched_b, describe_goal)
    return result


def _compare_targets(
    a: DocumentContent, b: DocumentContent, embed: Embedder | None, threshold: float
) -> dict[str, list[dict]]:
    targets_a, targets_b = a.targets, b.targets
    pairs = match_by_meaning(
        [t["metric"] for t in targets_a], [t["metric"] for t in targets_b], embed, threshold
    )
    result: dict[str, list[dict]] = {state: [] for state in STATES}
    for i, j, sim, how in pairs:
        ta, tb = targets_a[i], targets_b[j]
        result["kept"].append(
            kept_pair(
                ta,
                tb,
                label=tb["metric"],
                a=target_fields(ta),
                b=target_fields(tb),
                text_a=describe_target(ta),
                text_b=describe_target(tb),
                similarity=round(sim, 4),
                match=how,
                changed=target_changes(ta, tb),
            )
        )
    matched_a = {i for i, _, _, _ in pairs}
    matched_b = {j for _, j, _, _ in pairs}

    def describe(t: dict) -> dict:
        return {"id": t["id"], "label": describe_target(t), **target_fields(t)}

    unmatched(result, targets_a, targets_b, matched_a, matched_b, describe)
    return result


def _embedder_for(store: GraphStore, embed: Embedder | None) -> Embedder:
    return embed if embed is not None else default_embedder(store.home)


def _compare(
    store: GraphStore,
    doc_a: Document,
    doc_b: Document,
    embed: Embedder,
    goal_threshold: float,
    target_threshold: float,
) -> dict[str, Any]:
    a, b = document_content(store, doc_a), document_content(store, doc_b)
    result: dict[str, Any] = {
        "a": doc_a.brief(),
        "b": doc_b.brief(),
        **concept_changes(a, b),
        "goals": _compare_goals(a, b, embed, goal_threshold),
        "targets": _compare_targets(a, b, embed, target_threshold),
        "matching": {
            "method": "embedding",
            "goal_threshold": goal_threshold,
            "target_threshold": target_threshold,
        },
    }
    result["summary"] = {
        cat: {state: len(result[cat][state]) for state in STATES} for cat in COMPARE_CATEGORIES
    }
    result["summary"]["instruments"]["status_changed"] = sum(
        1 for item in result["instruments"]["kept"] if item["status_changed"]
    )
    return result


def compare_documents(
    store: GraphStore,
    a: str,
    b: str,
    *,
    embed: Embedder | None = None,
    goal_threshold: float = DEFAULT_GOAL_THRESHOLD,
    target_threshold: float = DEFAULT_TARGET_THRESHOLD,
) -> dict[str, Any]:
    """What changed from document ``a`` to document ``b`` (by file name or doc_id).

    Returns metadata of both and, per category (priority_themes, themes, instruments, partners, goals,
    targets), ``{"added", "removed", "kept"}`` lists of items with evidence from each side.
    """
    docs = documents(store)
    doc_a, doc_b = resolve_document(docs, a), resolve_document(docs, b)
    return _compare(store, doc_a, doc_b, _embedder_for(store, embed), goal_threshold, target_threshold)


def compare_municipality(
    store: GraphStore,
    municipality: str,
    *,
    embed: Embedder | None = None,
    goal_threshold: float = DEFAULT_GOAL_THRESHOLD,
    target_threshold: float = DEFAULT_TARGET_THRESHOLD,
) -> dict[str, Any]:
    """The municipality and the comparisons of its consecutive policy periods (documents with a period)."""
    muni, own = resolve_municipality(documents(store), municipality)
    periodic = [d for d in own if d.start is not None]
    embed = _embedder_for(store, embed)
    comparisons = [
        _compare(store, x, y, embed, goal_threshold, target_threshold)
        for x, y in zip(periodic, periodic[1:], strict=False)
    ]
    return {"municipality": muni.as_json(with_iri=True), "comparisons": comparisons}


def comparison(
    store: GraphStore,
    a: str | None = None,
    b: str | None = None,
    municipality: str | None = None,
    *,
    goal_threshold: float | None = None,
) -> dict[str, Any]:
    """The one entry behind CLI, API and page: two documents (a → b) or one municipality's periods."""
    threshold = goal_threshold if goal_threshold is not None else DEFAULT_GOAL_THRESHOLD
    if municipality and (a or b):
        raise BadParameter("give two documents (a, b) or a municipality, not both")
    if municipality:
        return compare_municipality(store, municipality, goal_threshold=threshold)
    if not (a and b):
        raise BadParameter("give two documents (a and b) or a municipality")
    return compare_documents(store, a, b, goal_threshold=threshold)
