"""The graph part of a policy comparison: what two documents say about themes, instruments and partners,
their goals and targets, and the added / removed / kept split of concept sets.

Everything is read through ``graph.queries.document_facts`` (the same facts ``facts`` shows), so a
comparison never has its own reading of the graph. Pairing goals and targets by meaning needs the
embedding model and lives in search/ (``search.goal_match``); this module only builds the items.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from graph import read
from graph.queries import document_facts
from graph.read import Document, sorted_evidence
from graph.store import GraphStore
from ingest.model import STATUSES

FACT_KINDS = ("theme", "instrument", "partner")
STATES = ("added", "removed", "kept")
TARGET_FIELDS = ("value", "unit", "comparator", "year", "baselineValue", "baselineYear")


def strongest_status(statuses: Iterable[str]) -> str | None:
    """The strongest claim of use among statuses (``toegepast`` > ``voornemen`` > ... > ``genoemd``)."""
    order = {s: i for i, s in enumerate(STATUSES)}
    known = [s for s in statuses if s]
    return min(known, key=lambda s: order.get(s, len(order))) if known else None


@dataclass
class ConceptFacts:
    """What one document says about one concept (all its facts merged)."""

    id: str
    label: str
    priority: bool = False
    declared_new: bool = False
    statuses: set[str] = field(default_factory=set)
    against: set[str] = field(default_factory=set)
    evidence: list[dict] = field(default_factory=list)
    priority_evidence: list[dict] = field(default_factory=list)


@dataclass
class DocumentContent:
    """A document's facts as a comparison needs them."""

    document: Document
    concepts: dict[str, dict[str, ConceptFacts]]  # kind → concept id → merged facts
    goals: list[dict[str, Any]]
    targets: list[dict[str, Any]]

    def goals_with_targets(self) -> list[dict[str, Any]]:
        """The goals, each with the targets set for it (``bg:forGoal``) under ``targets``."""
        by_goal: dict[str, list[dict[str, Any]]] = {}
        for target in self.targets:
            by_goal.setdefault(target["goal"], []).append(target)
        return [{**goal, "targets": by_goal.get(goal["id"], [])} for goal in self.goals]


def document_content(store: GraphStore, document: Document) -> DocumentContent:
    """Facts, goals and targets of one document, concepts merged per id."""
    found = document_facts(store, document)
    concepts: dict[str, dict[str, ConceptFacts]] = {k: {} for k in FACT_KINDS}
    for kind in FACT_KINDS:
        for fact in found[kind + "s"]:
            item = concepts[kind].setdefault(
                fact["id"], ConceptFacts(fact["id"], fact["label"] or fact["id"])
            )
            _merge(item.evidence, fact["evidence"])
            if fact.get("status"):
                item.statuses.add(fact["status"])
            item.against.update(fact.get("themes") or [])
            if fact.get("priority"):
                item.priority = True
                _merge(item.priority_evidence, fact["evidence"])
            item.declared_new |= bool(fact.get("declared_new"))
    named = goal_concepts(store, document)
    goals = [{**g, "concepts": sorted(named.get(g["id"], ()))} for g in found["goals"]]
    goal_text = {g["id"]: g["text"] for g in goals}
    targets = [
        {
            "id": t["id"],
            "metric": t["metric"] or goal_text.get(t["goal"]) or "",
            "value": t["value"],
            "unit": t["unit"],
            "comparator": t["comparator"],
            "year": t["year"],
            "baselineValue": t["baseline"]["value"],
            "baselineYear": t["baseline"]["year"],
            "goal": t["goal"],
            "theme": t["theme"],
            "evidence": t["evidence"],
        }
        for t in found["targets"]
    ]
    return DocumentContent(document, concepts, goals, targets)


GOAL_CONCEPT_TYPES = ("theme", "instrument", "partner")


def goal_concepts(store: GraphStore, document: Document) -> dict[str, set[str]]:
    """Goal id → the themes, instruments and partners named inside the goal's own text (the mentions
    ingest found in its evidence span)."""
    out: dict[str, set[str]] = {}
    for row in read.run(
        store, "goal_concepts", doc=document.iri, graphs=read.document_graphs(document.doc_id)
    ):
        concept = read.cid(row["concept"])
        if concept and concept.split(":", 1)[0] in GOAL_CONCEPT_TYPES:
            out.setdefault(read.local_id(row["goal"]), set()).add(concept)
    return out


def merge_contents(contents: list[DocumentContent]) -> DocumentContent:
    """Several documents of one municipality as one side of a comparison: concepts merged per id, goals
    and targets together (the first document stands for the side)."""
    concepts: dict[str, dict[str, ConceptFacts]] = {k: {} for k in FACT_KINDS}
    for content in contents:
        for kind, items in content.concepts.items():
            for cid, item in items.items():
                merged = concepts[kind].setdefault(cid, ConceptFacts(cid, item.label))
                merged.priority |= item.priority
                merged.declared_new |= item.declared_new
                merged.statuses |= item.statuses
                merged.against |= item.against
                _merge(merged.evidence, item.evidence)
                _merge(merged.priority_evidence, item.priority_evidence)
    return DocumentContent(
        contents[0].document,
        concepts,
        [g for c in contents for g in c.goals],
        [t for c in contents for t in c.targets],
    )


def _merge(into: list[dict], items: list[dict]) -> None:
    into.extend(i for i in items if i not in into)


def compare_concepts(
    a: dict[str, ConceptFacts],
    b: dict[str, ConceptFacts],
    *,
    priority: bool = False,
    with_status: bool = False,
) -> dict[str, list[dict]]:
    """added / removed / kept concepts between two documents, with evidence from each side."""

    def ev(item: ConceptFacts | None) -> list[dict]:
        if item is None:
            return []
        return sorted_evidence((item.priority_evidence or item.evidence) if priority else item.evidence)

    if priority:
        a = {k: v for k, v in a.items() if v.priority}
        b = {k: v for k, v in b.items() if v.priority}
    result: dict[str, list[dict]] = {state: [] for state in STATES}
    for cid in sorted(set(a) | set(b), key=lambda c: ((a.get(c) or b.get(c)).label.casefold(), c)):
        left, right = a.get(cid), b.get(cid)
        item: dict[str, Any] = {
            "id": cid,
            "label": (right or left).label,
            "evidence_a": ev(left),
            "evidence_b": ev(right),
        }
        if priority:
            # a priority B calls new although A already had it: kept, but say what B claims
            item["declared_new_in_b"] = bool(right and right.declared_new)
        if with_status:
            sa = strongest_status(left.statuses) if left else None
            sb = strongest_status(right.statuses) if right else None
            item.update(
                status_a=sa,
                status_b=sb,
                status_changed=bool(left and right and sa != sb),
                themes_a=sorted(left.against) if left else [],
                themes_b=sorted(right.against) if right else [],
            )
        state = "kept" if left and right else ("added" if right else "removed")
        result[state].append(item)
    return result


def concept_changes(a: DocumentContent, b: DocumentContent) -> dict[str, dict[str, list[dict]]]:
    """The four concept categories of a comparison: priority themes, themes, instruments, partners."""
    ca, cb = a.concepts, b.concepts
    return {
        "priority_themes": compare_concepts(ca["theme"], cb["theme"], priority=True),
        "themes": compare_concepts(ca["theme"], cb["theme"]),
        "instruments": compare_concepts(ca["instrument"], cb["instrument"], with_status=True),
        "partners": compare_concepts(ca["partner"], cb["partner"]),
    }


# -- goals and targets ------------------------------------------------------------------------------


def describe_goal(goal: dict[str, Any]) -> dict[str, Any]:
    return {"id": goal["id"], "label": goal["text"], "type": goal["type"], "theme": goal["theme"]}


def describe_target(target: dict[str, Any]) -> str:
    """A target in one line: metric, comparator, value, unit and year."""
    parts = [target["metric"]]
    if target.get("value") is not None:
        value = target["value"]
        value = f"{value:g}" if isinstance(value, float) else str(value)
        parts.append(" ".join(p for p in (target.get("comparator"), value, target.get("unit")) if p))
    if target.get("year"):
        parts.append(f"in {target['year']}")
    return " ".join(parts)


def target_fields(target: dict[str, Any]) -> dict[str, Any]:
    return {k: target[k] for k in ("metric", *TARGET_FIELDS)}


def target_changes(ta: dict[str, Any], tb: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Fields both targets state that differ: field → {"from", "to"}."""
    changes = {}
    for name in TARGET_FIELDS:
        va, vb = ta.get(name), tb.get(name)
        if va is not None and vb is not None and va != vb:
            changes[name] = {"from": va, "to": vb}
    return changes


def kept_pair(item_a: dict[str, Any], item_b: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """An item both documents have: ids and evidence of each side plus what the pairing adds."""
    return {
        "id": item_b["id"],
        "id_a": item_a["id"],
        "id_b": item_b["id"],
        **extra,
        "evidence_a": sorted_evidence(item_a["evidence"]),
        "evidence_b": sorted_evidence(item_b["evidence"]),
    }


def unmatched(
    result: dict[str, list[dict]],
    items_a: list[dict],
    items_b: list[dict],
    matched_a: set[int],
    matched_b: set[int],
    describe: Callable[[dict], dict],
) -> None:
    """Items only in A are removed, items only in B added; each with its evidence on its own side."""
    for i, item in enumerate(items_a):
        if i not in matched_a:
            entry = {**describe(item), "evidence_a": sorted_evidence(item["evidence"]), "evidence_b": []}
            result["removed"].append(entry)
    for j, item in enumerate(items_b):
        if j not in matched_b:
            entry = {**describe(item), "evidence_a": [], "evidence_b": sorted_evidence(item["evidence"])}
            result["added"].append(entry)
