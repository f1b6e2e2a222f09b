"""The questions the CLI and the HTTP API ask the graph, as JSON-ready dicts.

The SPARQL lives in ``graph/queries/*.rq`` so researchers can run it themselves; documents,
municipalities, concepts and evidence come from the read side in graph/read.py. User input never
reaches SPARQL text: labels resolve to vocabulary concepts first, and IRIs are bound with
pyoxigraph's variable substitution.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from graph import fact_table
from graph.fact_table import DOC, QUOTES
from graph.namespaces import BG
from graph.rdf import USE_STATUSES
from graph.read import (
    Document,
    add_evidence,
    by_iri,
    cid,
    concept_json,
    document_graphs,
    evidence,
    label,
    local_id,
    narrower,
    resolve_concept,
    run,
    sorted_evidence,
    status_name,
)
from graph.read import documents as _documents
from graph.read import resolve_document as _resolve_document
from graph.store import GraphStore
from ontology import doc_iri
from ontology.errors import BadParameter
from ontology.municipalities import resolve_municipality


def documents(store: GraphStore) -> list[dict[str, Any]]:
    """Metadata of every stored document, sorted by file name."""
    return [d.as_json() for d in sorted(_documents(store), key=lambda d: d.file)]


def resolve_document(store: GraphStore, document: str) -> str:
    """doc_id for a doc_id, a file name or a path (``UnknownDocument`` otherwise); used by graph.build."""
    return _resolve_document(_documents(store), document).doc_id


# -- which ------------------------------------------------------------------------------------------


EVIDENCE_PER_CRITERION = 5  # quotes per municipality and criterion unless asked otherwise (0: all)


@dataclass
class _Fact:
    """A fact that makes its document meet one criterion of ``which``, with what the answer says of it."""

    fact: tuple  # as the fact table gives it (the fields of graph.fact_table.Fact)
    doc: str
    status: str | None = None  # instrument uses only
    strong: bool = True  # against the asked theme itself (not only found in the same document)


def which(
    store: GraphStore,
    instrument: str | None = None,
    theme: str | None = None,
    partner: str | None = None,
    validity: str = "in_force",
    evidence_limit: int = EVIDENCE_PER_CRITERION,
) -> dict[str, Any]:
    """Municipalities whose documents match every given criterion, with the evidence.

    - validity: ``in_force`` (default) leaves out documents whose validity facts say they lapsed
      (graph/validity.py; documents that state nothing count as in force), ``lapsed`` keeps only
      those, ``any`` keeps all — the same rule the search answer applies to "in werking"/"vervallen".

    - instrument: an InstrumentUse of it (or a narrower instrument) with status toegepast or
      voornemen ("mention is not use"); documents that only mention it are listed apart under
      ``not_in_use`` with their statuses.
    - instrument + theme: that use must be against the theme (or a narrower one). When a use has
      no bg:againstTheme at all, a ThemeFact for the theme in the same document is accepted
      instead (``basis: same_document``), because extraction attributes themes to instruments
      only when the text links them within a passage or section.
    - theme alone: a ThemeFact of the theme (or narrower). partner: a PartnerFact of it.
    Criteria combine per document (a document must satisfy all of them), so without any criterion
    every document matches and every municipality with a stored document answers (no evidence).

    Evidence: the quotes of at most ``evidence_limit`` facts per municipality and criterion (0: of
    every fact), in reading order (file, then position); ``facts`` counts the facts that matched and
    ``evidence_complete`` says whether all of them are quoted.

    The facts come from the fact table (graph.fact_table: every document's facts read once per
    document version with facts.rq), not from a query per question: across the country an instrument
    has tens of thousands of uses, and looking up status, themes and quotes of each in the store took
    0.5-1.6 s per question.
    """
    if validity not in ("in_force", "lapsed", "any"):
        raise BadParameter(
            f"validity must be in_force, lapsed or any, not {validity!r}", parameter="validity"
        )
    if evidence_limit < 0:
        raise BadParameter(
            f"evidence_limit must be 0 (all) or more, not {evidence_limit}", parameter="evidence_limit"
        )
    docs = by_iri(_documents(store))
    query: dict[str, Any] = {}
    criteria: list[dict[str, list[_Fact]]] = []  # per criterion: doc IRI → the facts that meet it
    basis: dict[str, str] = {}
    not_in_use: dict[str, set[str]] = defaultdict(set)

    theme_concept = resolve_concept(theme, "theme") if theme else None
    theme_iris = narrower(store, theme_concept) if theme_concept else set()
    if theme_concept:
        query["theme"] = concept_json(theme_concept)

    table = fact_table.table(store)
    theme_docs: dict[str, list[_Fact]] = {}
    if theme_concept:
        theme_docs = _concept_facts(table, theme_iris, BG.ThemeFact)

    if instrument:
        concept = resolve_concept(instrument, "instrument")
        query["instrument"] = concept_json(concept)
        uses: dict[str, list[_Fact]] = defaultdict(list)
        for fact in table.about(str(BG.InstrumentUse), narrower(store, concept)):
            _, doc, _, _, status, against, _, _ = fact
            status = status_name(status)
            if status is None:
                continue  # a use without a status is not counted either way
            if status not in USE_STATUSES:
                not_in_use[doc].add(status)
                continue
            strong = True
            if theme_concept:
                if not theme_iris.isdisjoint(against):
                    basis[doc] = "against_theme"  # the stronger basis, whichever fact comes first
                elif not against and doc in theme_docs:
                    basis.setdefault(doc, "same_document")
                    strong = False
                else:
                    continue
            uses[doc].append(_Fact(fact, doc, status, strong))
        criteria.append(dict(uses))
    elif theme_concept:
        criteria.append(theme_docs)

    if partner:
        concept = resolve_concept(partner, "partner")
        query["partner"] = concept_json(concept)
        criteria.append(_concept_facts(table, narrower(store, concept), BG.PartnerFact))

    matching = set.intersection(*(set(c) for c in criteria)) if criteria else set(docs)
    if validity != "any":
        from graph.validity import document_validity

        states = document_validity(store)
        lapsed = {d for d in matching if (states.get(local_id(d)) or {}).get("state") == "lapsed"}
        matching = lapsed if validity == "lapsed" else matching - lapsed
    query["validity"] = validity
    query["evidence_limit"] = evidence_limit
    by_muni: dict[str, dict[str, Any]] = {}
    found: dict[tuple[str, int], list[_Fact]] = defaultdict(list)  # (municipality, criterion) → facts
    for doc in sorted(matching, key=lambda d: docs[d].file if d in docs else d):
        meta = docs.get(doc)
        if meta is None or meta.municipality is None:
            continue
        muni = meta.municipality
        entry = by_muni.setdefault(muni.code, {**muni.as_json(), "documents": [], "evidence": [], "facts": 0})
        entry["documents"].append({"file": meta.file, "title": meta.title, "doc_id": meta.doc_id})
        for n, criterion in enumerate(criteria):
            entry["facts"] += len(criterion.get(doc, []))
            found[(muni.code, n)] += criterion.get(doc, [])
        if doc in basis:
            entry.setdefault("basis", basis[doc])
    quoted: list[_Fact] = []
    complete = dict.fromkeys(by_muni, True)
    for (code, _), facts_found in found.items():
        chosen, all_of_them = _to_quote(facts_found, evidence_limit)
        quoted += chosen
        complete[code] = complete[code] and all_of_them
    for fact in quoted:
        entry = by_muni[docs[fact.doc].municipality.code]
        for row in fact_table.evidence_rows(fact.doc, fact.fact[QUOTES]):
            add_evidence(entry["evidence"], evidence(row, docs, fact.status))
    for code, entry in by_muni.items():
        entry["evidence"] = sorted_evidence(entry["evidence"])
        entry["evidence_complete"] = complete[code]
    result = {
        "query": query,
        "municipalities": sorted(by_muni.values(), key=lambda m: m["name"] or m["code"]),
    }
    if instrument:
        result["not_in_use"] = _not_in_use(not_in_use, matching, docs)
    return result


def _to_quote(facts: list[_Fact], limit: int) -> tuple[list[_Fact], bool]:
    """The facts to quote (at most ``limit``, 0: all) and whether that is all of them.

    A use against the asked theme itself goes before one that only shares the document with it;
    otherwise the facts keep their order (documents by file), so the quotes are the first ones.
    """
    ordered = sorted(facts, key=lambda f: not f.strong)
    if not limit:
        return ordered, True
    return ordered[:limit], len(ordered) <= limit


def _not_in_use(
    statuses: dict[str, set[str]], matching: set[str], docs: dict[str, Document]
) -> list[dict[str, Any]]:
    """Documents that name the instrument without using it (and are not in the answer)."""
    out = []
    for doc, found in sorted(statuses.items(), key=lambda kv: docs[kv[0]].file if kv[0] in docs else kv[0]):
        meta = docs.get(doc)
        if doc in matching or meta is None:
            continue
        out.append(
            {
                "municipality": meta.municipality.as_json() if meta.municipality else None,
                "file": meta.file,
                "doc_id": meta.doc_id,
                "statuses": sorted(found),
            }
        )
    return out


def _concept_facts(table: fact_table.FactTable, concepts: set[str], kind) -> dict[str, list[_Fact]]:
    """Per document, its facts of ``kind`` about any of ``concepts`` (in reading order)."""
    found: dict[str, list[_Fact]] = defaultdict(list)
    for fact in table.about(str(kind), concepts):
        found[fact[DOC]].append(_Fact(fact, fact[DOC]))
    return dict(found)


# -- facts of one document --------------------------------------------------------------------------


def facts(store: GraphStore, document: str) -> dict[str, Any]:
    """Everything extracted from one document (by file name or doc_id), grouped by kind."""
    return document_facts(store, _resolve_document(_documents(store), document))


def document_facts(store: GraphStore, document: Document) -> dict[str, Any]:
    """Everything extracted from one stored document, grouped by kind, each fact with its evidence.

    The one reading of a document's facts: ``facts``, the document page and the comparison use it.
    """
    doc = document.iri
    docs = {doc: document}
    grouped: dict[str, dict[str, Any]] = {}
    for row in run(store, "facts", doc=doc, graphs=document_graphs(document.doc_id)):
        fact = grouped.setdefault(row["fact"], {"row": row, "against": set(), "evidence": []})
        if row["against"]:
            fact["against"].add(cid(row["against"]))
        add_evidence(fact["evidence"], evidence(row, docs))
    themes, instruments, partners = [], [], []
    for fact in grouped.values():
        row, concept = fact["row"], cid(fact["row"]["concept"])
        base = {"id": concept, "label": label(concept)}
        if row["kind"] == str(BG.ThemeFact):
            themes.append(
                {
                    **base,
                    "priority": bool(row["priority"]),
                    "rank": row["rank"],
                    "declared_new": bool(row["declared_new"]),
                    "evidence": fact["evidence"],
                }
            )
        elif row["kind"] == str(BG.InstrumentUse):
            instruments.append(
                {
                    **base,
                    "status": status_name(row["status"]),
                    "themes": sorted(fact["against"]),
                    "evidence": fact["evidence"],
                }
            )
        else:
            body = cid(row["body"]) if row["body"] else None
            resolved = {"id": body, "label": label(body), "resolution": row["resolution"]} if body else None
            partners.append({**base, "role": row["role"], "body": resolved, "evidence": fact["evidence"]})
    laws = sorted(
        {
            cid(r["concept"])
            for r in run(store, "document_concepts", doc=doc)
            if r["property"] == str(BG.citesLaw)
        }
    )
    result = {
        "document": document.as_json(),
        "themes": sorted(themes, key=lambda t: (not t["priority"], t["rank"] or 999, t["label"])),
        "instruments": sorted(instruments, key=lambda i: (i["status"] not in USE_STATUSES, i["label"])),
        "partners": sorted(partners, key=lambda p: p["label"]),
        "laws": [{"id": law, "label": label(law)} for law in laws],
    }
    result.update(_items(store, document, docs))
    return result


def _items(
    store: GraphStore, document: Document, docs: dict[str, Document]
) -> dict[str, list[dict[str, Any]]]:
    items: dict[str, dict[str, Any]] = {}
    for row in run(store, "items", doc=document.iri, graphs=document_graphs(document.doc_id)):
        item = items.setdefault(row["item"], {"row": row, "evidence": []})
        add_evidence(item["evidence"], evidence(row, docs))
    out: dict[str, list[dict[str, Any]]] = {"goals": [], "targets": [], "indicators": [], "figures": []}
    for iri, item in items.items():
        row, ident = item["row"], local_id(iri)
        kind = row["kind"].rsplit("#", 1)[-1]
        theme = cid(row["theme"])
        if kind == "Goal":
            out["goals"].append(
                {
                    "id": ident,
                    "text": row["text"],
                    "type": row["goal_type"],
                    "theme": theme,
                    "evidence": item["evidence"],
                }
            )
        elif kind == "Target":
            out["targets"].append(
                {
                    "id": ident,
                    "metric": row["metric"],
                    "value": row["value"],
                    "unit": row["unit"],
                    "comparator": row["comparator"],
                    "year": row["year"],
                    "baseline": {"value": row["baseline_value"], "year": row["baseline_year"]},
                    "goal": local_id(row["goal"]),
                    "theme": theme,
                    "evidence": item["evidence"],
                }
            )
        elif kind == "Indicator":
            out["indicators"].append(
                {
                    "id": ident,
                    "label": row["label"],
                    "data_source": row["data_source"],
                    "source_partner": cid(row["source_partner"]),
                    "theme": theme,
                    "evidence": item["evidence"],
                }
            )
        else:
            out["figures"].append(
                {
                    "id": ident,
                    "label": row["label"],
                    "value": row["value"],
                    "unit": row["unit"],
                    "year": row["year"],
                    "evidence": item["evidence"],
                }
            )
    for values in out.values():
        values.sort(key=lambda v: _natural(v["id"]))
    return out


def _natural(ident: str) -> tuple:
    head, _, tail = ident.rpartition("/")
    return (head, int(tail)) if tail.isdigit() else (ident, 0)


# -- stats, passages, municipalities ----------------------------------------------------------------


def stats(store: GraphStore) -> dict[str, Any]:
    """How much is in the store: documents, passages, facts by kind, triples by graph kind."""
    counts = {row["class"].rsplit("#", 1)[-1]: row["n"] for row in run(store, "stats")}
    munis = run(store, "municipalities")
    return {
        "documents": counts.get("PolicyDocument", 0),
        "passages": counts.get("Passage", 0),
        "mentions": counts.get("Mention", 0),
        "facts": {
            "themes": counts.get("ThemeFact", 0),
            "instruments": counts.get("InstrumentUse", 0),
            "partners": counts.get("PartnerFact", 0),
            "goals": counts.get("Goal", 0),
            "targets": counts.get("Target", 0),
            "indicators": counts.get("Indicator", 0),
            "figures": counts.get("Figure", 0),
        },
        "triples": store.triple_counts(),
        "municipalities_with_documents": len({row["code"] for row in munis}),
    }


def passages(store: GraphStore, doc_id: str | None = None) -> list[dict[str, Any]]:
    """Every passage with its document's metadata and the concepts it mentions (the search input)."""
    docs = by_iri(_documents(store))
    graphs = document_graphs(doc_id) if doc_id else None  # one document: read its graphs only
    rows = run(store, "passages", doc=doc_iri(doc_id), graphs=graphs) if doc_id else run(store, "passages")
    mentions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    seen: set[tuple[str, str, str | None]] = set()
    for row in run(store, "passage_mentions", graphs=graphs):
        key = (row["passage"], row["concept"], row["status"])
        if key in seen:
            continue
        seen.add(key)
        concept = cid(row["concept"])
        mentions[row["passage"]].append(
            {"id": concept, "type": concept.split(":", 1)[0], "status": status_name(row["status"])}
        )
    out = []
    for row in rows:
        meta = docs.get(row["doc"])
        muni = meta.municipality if meta else None
        out.append(
            {
                "passage": local_id(row["passage"]),
                "doc_id": meta.doc_id if meta else None,
                "file": meta.file if meta else None,
                "title": meta.title if meta else None,
                "doc_type": meta.type if meta else None,
                "municipality": muni.name if muni else None,
                "code": muni.code if muni else None,
                "period_start": meta.start if meta else None,
                "period_end": meta.end if meta else None,
                "year": meta.year if meta else None,
                "section": row["section"],
                "text": row["text"],
                "start": row["start"],
                "end": row["end"],
                "page": row["page"],
                "themes": sorted(cid(t) for t in (row["themes"] or "").split()),
                "concepts": mentions.get(row["passage"], []),
            }
        )
    return out


def municipalities(store: GraphStore) -> list[dict[str, Any]]:
    """Municipalities with at least one stored document, with their document counts."""
    return [
        {"name": row["name"], "code": row["code"], "iri": row["municipality"], "documents": row["documents"]}
        for row in run(store, "municipalities")
    ]


def municipality(store: GraphStore, name_or_code: str) -> dict[str, Any]:
    """One municipality: its documents and, per document period, its themes, instruments and partners."""
    record = resolve_municipality(name_or_code)
    docs = {d.iri: d for d in _documents(store) if d.municipality and d.municipality.code == record.code}
    concepts: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for iri in docs:  # per document: over the whole store this query grows with the country
        for row in run(store, "document_concepts", doc=iri):
            concepts[iri][row["property"].rsplit("#", 1)[-1]].add(cid(row["concept"]))
    periods: dict[str, dict[str, Any]] = {}
    for iri, meta in sorted(docs.items(), key=lambda kv: kv[1].start or kv[1].year or 0):
        start, end = meta.start, meta.end
        key = f"{start}-{end}" if start else str(meta.year or "onbekend")
        entry = periods.setdefault(
            key,
            {
                "period": key,
                "documents": [],
                "themes": set(),
                "priority_themes": set(),
                "instruments": set(),
                "partners": set(),
            },
        )
        entry["documents"].append(meta.doc_id)
        found = concepts.get(iri, {})
        entry["themes"] |= found.get("hasTheme", set())
        entry["priority_themes"] |= found.get("priorityTheme", set())
        entry["instruments"] |= found.get("usesInstrument", set())
        entry["partners"] |= found.get("hasPartner", set())
    for entry in periods.values():
        for key in ("themes", "priority_themes", "instruments", "partners"):
            entry[key] = [
                {"id": c, "label": label(c)} for c in sorted(entry[key], key=lambda c: label(c) or c)
            ]
    return {
        "name": record.name,
        "code": record.code,
        "documents": [d.as_json() for d in sorted(docs.values(), key=lambda d: d.file)],
        "periods": list(periods.values()),
    }


def document(store: GraphStore, document_id: str) -> dict[str, Any]:
    """One document: metadata, facts and passages."""
    result = facts(store, document_id)
    result["passages"] = passages(store, result["document"]["doc_id"])
    return result
