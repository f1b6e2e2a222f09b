"""Views over many documents at once: the municipality × concept matrix, concepts unique to one
municipality, and a municipality's timeline of concepts across its policy periods.

Read through graph/read.py (documents, resolvers, evidence) and the stored queries ``matrix*.rq`` and
``timeline*.rq``; results are the JSON-ready dicts the CLI prints and the API serves.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from graph import fact_table
from graph.compare import FACT_KINDS, strongest_status
from graph.fact_table import AGAINST, CONCEPT, DOC, QUOTES, STATUS
from graph.namespaces import BG
from graph.rdf import USE_STATUSES
from graph.read import (
    Document,
    add_evidence,
    cid,
    document_graphs,
    documents,
    evidence,
    narrower,
    resolve_concept,
    resolve_municipality,
    run,
    run_values,
    sorted_evidence,
    status_name,
)
from graph.store import GraphStore
from ontology.errors import BadParameter
from ontology.vocabulary import Concept

MAX_CELL_EVIDENCE = 5
FACT_CLASSES = {"instrument": BG.InstrumentUse, "partner": BG.PartnerFact, "theme": BG.ThemeFact}


def is_category(concept: str) -> bool:
    """Category concepts (``instrument:cat/bestuurlijk``) group concepts; they are not things a plan names."""
    return concept.partition(":")[2].startswith("cat/")


# -- matrix ----------------------------------------------------------------------------------------


def _check_kind(kind: str, allowed: Sequence[str]) -> str:
    kind = (kind or "").strip().lower()
    if kind not in allowed:
        raise BadParameter(f"unknown kind {kind!r}; choose from: {', '.join(allowed)}", parameter="kind")
    return kind


def _check_year(period: int | str | None) -> int | None:
    if period in (None, ""):
        return None
    try:
        year = int(str(period).strip())
    except ValueError:
        raise BadParameter(f"period must be a year, not {period!r}", parameter="period") from None
    if not 1800 <= year <= 2200:
        raise BadParameter(f"year {year} is outside 1800-2200", parameter="period")
    return year


def _cells(
    rows: Iterable[dict[str, Any]],
    in_scope: dict[str, Any],
    kind: str,
    *,
    used_only: bool = False,
    include_categories: bool = False,
) -> tuple[dict[str, dict[str, dict[str, Any]]], dict[str, str]]:
    """Rows of ``matrix.rq`` (or a theme variant) → municipality code → concept → cell, and labels.

    A cell lists the documents (of ``in_scope``) that name or use the concept or a narrower one, with
    at most ``MAX_CELL_EVIDENCE`` quotes in reading order (``evidence_count`` says how many there are).
    """
    cells: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    labels: dict[str, str] = {}
    for row in rows:
        doc = in_scope.get(row["doc"])
        concept = cid(row["concept"])
        status = status_name(row.get("status"))
        if doc is None or (is_category(concept) and not include_categories):
            continue
        if used_only and kind == "instrument" and status not in USE_STATUSES:
            continue
        labels.setdefault(concept, row.get("label") or concept)
        code = doc.municipality.code
        cell = cells[code].setdefault(
            concept,
            {
                "count": 0,
                "documents": [],
                "evidence": [],
                "statuses": set(),
                "via": set(),
                "evidence_count": 0,
            },
        )
        if doc.file not in cell["documents"]:
            cell["documents"].append(doc.file)
        if status:
            cell["statuses"].add(status)
        direct = cid(row["direct"])
        if direct != concept:
            cell["via"].add(direct)
        add_evidence(cell["evidence"], evidence(row, in_scope))
    for row_cells in cells.values():
        for cell in row_cells.values():
            cell["count"] = len(cell["documents"])
            cell["documents"].sort()
            quotes = sorted_evidence(cell["evidence"])
            cell["evidence_count"] = len(quotes)
            cell["evidence"] = quotes[:MAX_CELL_EVIDENCE]
            cell["status"] = strongest_status(cell["statuses"])
            cell["statuses"] = sorted(cell["statuses"])
            cell["via"] = sorted(cell["via"])
    return cells, labels


def _matrix_filters(
    kind: str, theme: str | None, period: int | str | None
) -> tuple[str, Concept | None, int | None]:
    """The checked kind, the theme concept and the year of a matrix (or one of its cells)."""
    kind = _check_kind(kind, FACT_KINDS)
    year = _check_year(period)
    if theme and kind == "theme":
        raise BadParameter("a theme filter needs kind instrument or partner", parameter="theme")
    return kind, resolve_concept(theme, "theme") if theme else None, year


def _theme_json(theme: Concept | None) -> dict[str, str] | None:
    return {"id": theme.id, "label": theme.pref_label} if theme else None


def _rows(
    store: GraphStore,
    kind: str,
    theme: Concept | None,
    own: Sequence[Document] | None = None,
    *,
    quotes: bool = True,
) -> Iterable[dict[str, Any]]:
    """The matrix's rows for ``kind`` (and ``theme``), of every document or only of ``own``; without
    ``quotes`` one row per fact and concept, without its quotes, where the fact table serves."""
    if theme and kind == "partner":  # passages about the theme: the fact table has no passage themes
        if own is None:
            return run(store, "matrix_theme_partner", theme=theme.iri)
        graphs = [document_graphs(d.doc_id, ontology=True) for d in own]
        return [row for g in graphs for row in run(store, "matrix_theme_partner", theme=theme.iri, graphs=g)]
    against = narrower(store, theme) if theme else None
    return _fact_rows(store, kind, against, {d.iri for d in own} if own is not None else None, quotes=quotes)


def _fact_rows(
    store: GraphStore,
    kind: str,
    against: set[str] | None,
    docs: set[str] | None = None,
    *,
    quotes: bool = True,
) -> Iterator[dict[str, Any]]:
    """The rows of ``matrix.rq`` (with ``against``: of ``matrix_theme_instrument.rq``, uses against one
    of those themes; with ``docs``: of those documents only) from the fact table (graph.fact_table):
    one per fact, concept it counts for (itself and every broader one, ``ancestors.rq``) and quote.
    Over the store, the country's partner matrix was 415,000 rows in 89 s, nearly all of it per-fact
    lookups."""
    facts = fact_table.table(store).of_kind(str(FACT_CLASSES[kind]))
    if docs is not None:
        facts = [f for f in facts if f[DOC] in docs]
    if against is not None:
        facts = [f for f in facts if not against.isdisjoint(f[AGAINST])]
    up: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for row in run_values(store, "ancestors", "direct", sorted({f[CONCEPT] for f in facts})):
        up[row["direct"]].append((row["concept"], row["label"]))
    for fact in facts:
        doc, direct, status = fact[DOC], fact[CONCEPT], fact[STATUS]
        spans = (fact_table.evidence_rows(doc, fact[QUOTES]) if quotes else []) or [{}]  # counted anyway
        for concept, label in up.get(direct) or [(direct, None)]:
            for quote in spans:
                yield {
                    **quote,
                    "doc": doc,
                    "direct": direct,
                    "concept": concept,
                    "label": label,
                    "status": status,
                }


def matrix(
    store: GraphStore,
    kind: str = "instrument",
    theme: str | None = None,
    period: int | str | None = None,
    *,
    used_only: bool = False,
    include_categories: bool = False,
    quotes: bool = True,
) -> dict[str, Any]:
    """Municipalities (rows) × concepts (columns) of one kind (instrument, partner or theme), with per cell
    the documents and evidence.

    A cell counts the municipality's documents that name or use the concept or a narrower one. With a
    theme, instruments count only where used against that theme (or a narrower one) and partners only where
    named in passages about it. ``period`` keeps documents whose period contains that year. ``used_only``
    keeps instruments with status toegepast/voornemen (mention is not use). Without ``quotes`` the
    cells come without their evidence (``evidence`` empty, ``evidence_count`` None): the page, which
    asks for a cell's quotes when it is opened (``matrix_cell``).
    """
    kind, theme_concept, year = _matrix_filters(kind, theme, period)
    docs = documents(store)
    rows = _rows(store, kind, theme_concept, quotes=quotes)
    in_scope = {d.iri: d for d in docs if d.municipality and (year is None or d.covers(year))}
    cells, labels = _cells(rows, in_scope, kind, used_only=used_only, include_categories=include_categories)
    if not quotes:
        for row_cells in cells.values():
            for cell in row_cells.values():
                cell["evidence"], cell["evidence_count"] = [], None
    columns_count: dict[str, int] = defaultdict(int)
    for row_cells in cells.values():
        for concept in row_cells:
            columns_count[concept] += 1
    municipalities: dict[str, dict[str, Any]] = {}
    for doc in in_scope.values():
        code = doc.municipality.code
        entry = municipalities.setdefault(
            code, {"id": code, "label": doc.municipality.name or code, "documents": []}
        )
        entry["documents"].append(doc.file)
    columns = sorted(columns_count, key=lambda c: (-columns_count[c], labels[c].casefold(), c))
    return {
        "kind": kind,
        "theme": _theme_json(theme_concept),
        "period": year,
        "used_only": used_only,
        "rows": sorted(municipalities.values(), key=lambda r: r["label"].casefold()),
        "columns": [{"id": c, "label": labels[c], "municipalities": columns_count[c]} for c in columns],
        "cells": {code: dict(row_cells) for code, row_cells in cells.items()},
    }


def matrix_cell(
    store: GraphStore,
    kind: str,
    concept: str,
    municipality: str,
    theme: str | None = None,
    period: int | str | None = None,
    *,
    used_only: bool = False,
) -> dict[str, Any]:
    """One cell of ``matrix`` (same arguments): the municipality's documents that name the concept or a
    narrower one, with every quote ``matrix`` would count (at most ``MAX_CELL_EVIDENCE`` of them).

    The matrix page shows counts and asks for a cell's quotes when it is opened: with every cell's
    quotes, the page of the country's instrument matrix was 78 MB of HTML."""
    kind, theme_concept, year = _matrix_filters(kind, theme, period)
    found = resolve_concept(concept, kind)
    muni, own = resolve_municipality(documents(store), municipality)
    in_scope = {d.iri: d for d in own if year is None or d.covers(year)}
    rows = _rows(store, kind, theme_concept, list(in_scope.values()))
    rows = (r for r in rows if r["concept"] == found.iri)
    cells, _ = _cells(rows, in_scope, kind, used_only=used_only, include_categories=True)
    empty = {"count": 0, "documents": [], "evidence": [], "evidence_count": 0, "status": None, "statuses": []}
    return {
        "kind": kind,
        "concept": {"id": found.id, "label": found.pref_label},
        "municipality": muni.as_json(),
        "theme": _theme_json(theme_concept),
        "period": year,
        "used_only": used_only,
        "cell": cells.get(muni.code, {}).get(found.id) or {**empty, "via": []},
    }


def matrix_csv(m: dict[str, Any]) -> str:
    """The matrix as CSV: one row per municipality, one column per concept, cells = number of documents."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["gemeente", "code", *[f"{c['label']} ({c['id']})" for c in m["columns"]]])
    for row in m["rows"]:
        cells = m["cells"].get(row["id"], {})
        writer.writerow(
            [row["label"], row["id"], *[cells.get(c["id"], {}).get("count", 0) for c in m["columns"]]]
        )
    return out.getvalue()


# -- unique ----------------------------------------------------------------------------------------


def unique_concepts(store: GraphStore, municipality: str, kind: str = "instrument") -> dict[str, Any]:
    """Concepts of one kind that this municipality's documents name and no other municipality's documents do.

    "Name" as in the matrix: a narrower concept counts for its broader one, so a municipality that names
    MIA-controles also has integrale controles.

    The municipality's own cells come from the fact table (as the matrix's), then each concept is
    asked whether another municipality names it (``named_elsewhere.rq``, which stops at the first
    such fact). The whole country's matrix with every quote was the earlier way: 283 s
    for one municipality at 3,420 documents.
    """
    kind = _check_kind(kind, FACT_KINDS)
    docs = documents(store)
    muni, own = resolve_municipality(docs, municipality)
    fact_class = str(FACT_CLASSES[kind])
    cells, labels = _cells(_rows(store, kind, None, own), {d.iri: d for d in own}, kind)
    mine = cells.get(muni.code, {})
    concepts = []
    for concept, cell in mine.items():
        closure = narrower(store, resolve_concept(concept, kind))
        if run_values(
            store, "named_elsewhere", "direct", sorted(closure), own=muni.iri, **{"class": fact_class}
        ):
            continue
        concepts.append(
            {
                "id": concept,
                "label": labels.get(concept, concept),
                "documents": cell["documents"],
                "evidence": cell["evidence"],
                "status": cell["status"],
                "via": cell["via"],
            }
        )
    others = {d.municipality.code: d.municipality.name or d.municipality.code for d in docs if d.municipality}
    others.pop(muni.code, None)
    return {
        "municipality": muni.as_json(with_iri=True),
        "kind": kind,
        "compared_with": sorted(others.values(), key=str.casefold),
        "documents": [d.file for d in own],
        "concepts": sorted(concepts, key=lambda c: (c["label"].casefold(), c["id"])),
    }


# -- timeline --------------------------------------------------------------------------------------


def timeline(
    store: GraphStore, municipality: str, concept: str | None = None, *, kind: str | None = None
) -> dict[str, Any]:
    """Per concept, the municipality's documents (in period order) that name it, with status and evidence.

    With ``concept`` only that concept, counting its narrower concepts too; ``kind`` limits to themes,
    instruments or partners.
    """
    if kind:
        kind = _check_kind(kind, FACT_KINDS)
    muni, own = resolve_municipality(documents(store), municipality)
    order = {d.iri: i for i, d in enumerate(own)}
    by_doc = {d.iri: d for d in own}
    concept_json = None
    found = resolve_concept(concept, kind) if concept else None
    if found:
        concept_json = {"id": found.id, "label": found.pref_label}
    rows = []
    for document in own:  # each document over its own graphs: over all graphs this grew with the country
        graphs = document_graphs(document.doc_id, ontology=True)
        if found:
            rows += run(store, "timeline_concept", municipality=muni.iri, concept=found.iri, graphs=graphs)
        else:
            rows += run(store, "timeline", municipality=muni.iri, graphs=graphs)
    concepts: dict[str, dict[str, Any]] = {}
    for row in rows:
        if kind and row["kind"] != kind:
            continue
        doc = by_doc.get(row["doc"])
        if doc is None:
            continue
        concept_id = cid(row["concept"])
        entry = concepts.setdefault(
            concept_id,
            {
                "id": concept_id,
                "label": row.get("label") or concept_id,
                "kind": row["kind"],
                "appearances": {},
            },
        )
        app = entry.setdefault("appearances", {}).setdefault(
            doc.iri,
            {
                "doc_id": doc.doc_id,
                "file": doc.file,
                "period": doc.period,
                "date": doc.date,
                "statuses": set(),
                "priority": False,
                "via": set(),
                "evidence": [],
            },
        )
        if row.get("status"):
            app["statuses"].add(status_name(row["status"]))
        if row.get("priority") is True:
            app["priority"] = True
        if row.get("direct") and cid(row["direct"]) != concept_id:
            app["via"].add(cid(row["direct"]))
        add_evidence(app["evidence"], evidence(row, by_doc))
    out = []
    for entry in concepts.values():
        apps = [entry["appearances"][iri] for iri in sorted(entry["appearances"], key=order.__getitem__)]
        for app in apps:
            app["status"] = strongest_status(app["statuses"])
            app["statuses"] = sorted(app["statuses"])
            app["via"] = sorted(app["via"])
            app["evidence"] = sorted_evidence(app["evidence"])
        entry["appearances"] = apps
        entry["documents"] = [a["file"] for a in apps]
        out.append(entry)
    out.sort(
        key=lambda e: (FACT_KINDS.index(e["kind"]) if e["kind"] in FACT_KINDS else 9, e["label"].casefold())
    )
    return {
        "municipality": muni.as_json(with_iri=True),
        "concept": concept_json,
        "kind": kind,
        "documents": [d.brief() for d in own],
        "concepts": out,
    }
