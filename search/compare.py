"""Policy comparison: what changed between two documents, or between a municipality's successive plans.

The graph part (documents, facts, concept sets, goals and targets) comes from graph/ (``graph.read``,
``graph.compare``); pairing goals and targets by meaning comes from ``search.goal_match``. This module
joins the two; its dicts are what the CLI (``beleidsgraaf compare``), the API (``/api/compare``) and the
page (``/vergelijken``) show.

Goals are aligned by ``search.goal_match.align_goals`` (same theme first, meaning and shared targets, with
a relation per pair); targets are matched on their metric (identical text, then cosine) and compared on
value, unit, comparator, year and baseline. The headline (``summary``) comes from ``search.headline``.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from graph.compare import (
    STATES,
    DocumentContent,
    concept_changes,
    describe_goal,
    describe_target,
    document_content,
    kept_pair,
    merge_contents,
    target_changes,
    target_fields,
    unmatched,
)
from graph.read import Document, documents, resolve_document, resolve_municipality
from graph.store import GraphStore
from ontology.errors import BadParameter
from search.goal_match import (
    RELATIONS,
    AlignSettings,
    Embedder,
    align_goals,
    default_embedder,
    match_by_meaning,
)
from search.headline import headline

log = logging.getLogger(__name__)


DEFAULT_GOAL_THRESHOLD = AlignSettings().same_theme
"""Score (cosine plus shared words) at which two goals under one theme continue each other
(search.goal_match.AlignSettings, chosen on the development pairing by
benchmarks/goal_pairing/select_thresholds.py)."""

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
    a: DocumentContent, b: DocumentContent, embed: Embedder | None, settings: AlignSettings
) -> dict[str, list[dict]]:
    """Aligned goals: each goal of B with the goal of A it continues (and how), the rest added or removed."""
    goals_a, goals_b = a.goals_with_targets(), b.goals_with_targets()
    pairs = align_goals(goals_a, goals_b, embed, settings)
    result: dict[str, list[dict]] = {state: [] for state in STATES}
    for pair in pairs:
        ga, gb = goals_a[pair.a], goals_b[pair.b]
        result["kept"].append(
            kept_pair(
                ga,
                gb,
                label=gb["text"],
                text_a=ga["text"],
                text_b=gb["text"],
                relation=pair.relation,
                changes=list(pair.changes),
                similarity=pair.similarity,
                match=pair.match,
                type_a=ga["type"],
                type_b=gb["type"],
                theme_a=ga["theme"],
                theme_b=gb["theme"],
                targets_a=[describe_target(t) for t in ga["targets"]],
                targets_b=[describe_target(t) for t in gb["targets"]],
            )
        )
    result["kept"].sort(key=lambda item: (RELATIONS.index(item["relation"]), item["id_b"]))
    matched_a = {p.a for p in pairs}
    matched_b = {p.b for p in pairs}
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


def _embedders(
    store: GraphStore, embed: Embedder | None, settings: AlignSettings
) -> tuple[Embedder, Embedder]:
    """(goal embedder, target embedder): a given ``embed`` serves both; by default goals are embedded
    with ``settings.prompt`` and target metrics with the passage prompt."""
    if embed is not None:
        return embed, embed
    return default_embedder(store.home, settings.prompt), default_embedder(store.home)


def _settings(goal_threshold: float | None) -> AlignSettings:
    """The chosen alignment settings, or: every pair of goals whose score reaches ``goal_threshold``
    continues (best pair first, within a theme first; no separate mutual-best floor, no second pairs)."""
    if goal_threshold is None:
        return AlignSettings()
    return replace(
        AlignSettings(),
        same_theme=goal_threshold,
        other_theme=goal_threshold,
        mutual_floor=None,
        split_floor=None,
    )


def _compare(
    a: DocumentContent,
    b: DocumentContent,
    embedders: tuple[Embedder, Embedder],
    settings: AlignSettings,
    target_threshold: float,
) -> dict[str, Any]:
    goal_embed, target_embed = embedders
    result: dict[str, Any] = {
        **concept_changes(a, b),
        "goals": _compare_goals(a, b, goal_embed, settings),
        "targets": _compare_targets(a, b, target_embed, target_threshold),
        "matching": {
            "method": "embedding",
            "goal_threshold": settings.same_theme,
            "goal_threshold_other_theme": settings.other_theme,
            "target_threshold": target_threshold,
        },
    }
    result["counts"] = {
        cat: {state: len(result[cat][state]) for state in STATES} for cat in COMPARE_CATEGORIES
    }
    result["counts"]["instruments"]["status_changed"] = sum(
        1 for item in result["instruments"]["kept"] if item["status_changed"]
    )
    return result


def _side_name(doc: Document) -> str:
    """How the headline names a document: municipality and period (or file name)."""
    muni = doc.municipality.name if doc.municipality and doc.municipality.name else None
    when = doc.period or (doc.date or "")[:4]
    return " ".join(p for p in (muni, when) if p) or doc.file


def _compare_two(
    store: GraphStore,
    doc_a: Document,
    doc_b: Document,
    embedders: tuple[Embedder, Embedder],
    settings: AlignSettings,
) -> dict[str, Any]:
    a, b = document_content(store, doc_a), document_content(store, doc_b)
    result = {
        "a": doc_a.brief(),
        "b": doc_b.brief(),
        **_compare(a, b, embedders, settings, DEFAULT_TARGET_THRESHOLD),
    }
    result["summary"] = headline(result, _side_name(doc_a), _side_name(doc_b))
    return result


def compare_documents(
    store: GraphStore,
    a: str,
    b: str,
    *,
    embed: Embedder | None = None,
    goal_threshold: float | None = None,
) -> dict[str, Any]:
    """What changed from document ``a`` to document ``b`` (by file name or doc_id).

    Returns metadata of both; per category (priority_themes, themes, instruments, partners, goals,
    targets) ``{"added", "removed", "kept"}`` lists of items with evidence from each side (kept goals
    aligned, with their ``relation``); ``counts`` per category; and ``summary``, the Dutch headline.
    """
    docs = documents(store)
    doc_a, doc_b = resolve_document(docs, a), resolve_document(docs, b)
    settings = _settings(goal_threshold)
    return _compare_two(store, doc_a, doc_b, _embedders(store, embed, settings), settings)


def compare_municipality(
    store: GraphStore,
    municipality: str,
    *,
    embed: Embedder | None = None,
    goal_threshold: float | None = None,
) -> dict[str, Any]:
    """The municipality and the comparisons of its consecutive policy periods (documents with a period)."""
    muni, own = resolve_municipality(documents(store), municipality)
    periodic = [d for d in own if d.start is not None]
    settings = _settings(goal_threshold)
    embedders = _embedders(store, embed, settings)
    comparisons = [
        _compare_two(store, x, y, embedders, settings) for x, y in zip(periodic, periodic[1:], strict=False)
    ]
    return {"municipality": muni.as_json(with_iri=True), "comparisons": comparisons}


def current_documents(own: list[Document]) -> list[Document]:
    """The documents that stand for a municipality now: its plan with the latest period (all documents
    when none has a period)."""
    periodic = [d for d in own if d.start is not None]
    return [max(periodic, key=Document.sort_key)] if periodic else own


def compare_municipalities(
    store: GraphStore,
    first: str,
    second: str,
    *,
    embed: Embedder | None = None,
    goal_threshold: float | None = None,
) -> dict[str, Any]:
    """Two municipalities side by side, each by its current documents (``current_documents``): added =
    only the second has it, removed = only the first, kept = both have it."""
    docs = documents(store)
    sides = []
    for ref in (first, second):
        muni, own = resolve_municipality(docs, ref)
        chosen = current_documents(own)
        content = merge_contents([document_content(store, d) for d in chosen])
        sides.append((muni, chosen, content))
    (muni_a, docs_a, a), (muni_b, docs_b, b) = sides
    settings = _settings(goal_threshold)
    result = {
        "a": {**muni_a.as_json(with_iri=True), "documents": [d.brief() for d in docs_a]},
        "b": {**muni_b.as_json(with_iri=True), "documents": [d.brief() for d in docs_b]},
        **_compare(a, b, _embedders(store, embed, settings), settings, DEFAULT_TARGET_THRESHOLD),
    }
    result["summary"] = headline(
        result, muni_a.name or muni_a.code, muni_b.name or muni_b.code, "municipalities"
    )
    return result


def comparison(
    store: GraphStore,
    a: str | None = None,
    b: str | None = None,
    municipality: str | None = None,
    versus: str | None = None,
    *,
    goal_threshold: float | None = None,
) -> dict[str, Any]:
    """The one entry behind CLI, API and page: two documents (a → b), one municipality's successive
    periods, or two municipalities (``municipality`` versus ``versus``)."""
    if municipality and (a or b):
        raise BadParameter("give two documents (a, b) or a municipality, not both")
    if versus and not municipality:
        raise BadParameter("'versus' needs a municipality to compare with", parameter="versus")
    if municipality and versus:
        return compare_municipalities(store, municipality, versus, goal_threshold=goal_threshold)
    if municipality:
        return compare_municipality(store, municipality, goal_threshold=goal_threshold)
    if not (a and b):
        raise BadParameter("give two documents (a and b) or a municipality")
    return compare_documents(store, a, b, goal_threshold=goal_threshold)
