"""The questions the CLI and the HTTP API ask the graph, as JSON-ready dicts.

The SPARQL lives in ``graph/queries/*.rq`` so researchers can run it themselves. User input never
reaches SPARQL text: labels resolve to vocabulary concepts first, and IRIs are bound with
pyoxigraph's variable substitution (or, for sets, a VALUES block of IRIs validated by
``pyoxigraph.NamedNode``).
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.namespaces import BG
from graph.rdf import USE_STATUSES
from graph.store import GraphStore
from ontology import ID, concept_iri, doc_iri
from ontology import concept_id as _concept_id
from ontology.errors import BadParameter, UnknownDocument, UnknownMunicipality
from ontology.vocabulary import Concept, load_concepts, resolve_all, resolve_label

QUERY_DIR = Path(__file__).resolve().parent / "queries"
_DOC_PREFIX = ID + "doc/"


@cache
def load_query(name: str) -> str:
    """The text of ``graph/queries/<name>.rq``."""
    return (QUERY_DIR / f"{name}.rq").read_text(encoding="utf-8")


def run(store: GraphStore, name: str, **bind: str) -> list[dict[str, Any]]:
    """Run a stored query with IRIs bound to variables (NamedNode rejects anything that is not an IRI)."""
    subs = {var: ox.NamedNode(iri) for var, iri in bind.items()}
    return store.select(load_query(name), substitutions=subs)


def values_block(var: str, iris: list[str]) -> str:
    """``VALUES ?var { <a> <b> }`` from IRIs validated by pyoxigraph (no user text is pasted)."""
    return f"VALUES ?{var} {{ {' '.join(str(ox.NamedNode(i)) for i in iris)} }}"


# -- ids and labels ---------------------------------------------------------------------------------


def cid(iri: str | None) -> str | None:
    """Concept id for a concept IRI (other IRIs unchanged, None stays None)."""
    if iri is None:
        return None
    try:
        return _concept_id(iri)
    except ValueError:
        return iri


def local_id(iri: str | None) -> str | None:
    """``.../id/doc/<doc_id>/p0001`` → ``<doc_id>/p0001`` (the id ingest and search use)."""
    if iri is None:
        return None
    return iri[len(_DOC_PREFIX) :] if iri.startswith(_DOC_PREFIX) else iri


def label(concept: str | None) -> str | None:
    """Dutch preferred label of a concept id (the id itself when the vocabulary does not know it)."""
    if concept is None:
        return None
    found = load_concepts().get(concept)
    return found.pref_label if found else concept


def status_name(iri: str | None) -> str | None:
    """``.../id/status/toegepast`` → ``toegepast``."""
    return cid(iri).split(":", 1)[1] if iri else None


def resolve_concept(text: str, type: str) -> Concept:
    """A concept of ``type`` (or a category of that type) named by a Dutch/English label or id.

    Raises ontology.vocabulary.UnknownLabel (with suggestions) when nothing matches.
    """
    found = resolve_all(text, type)
    if not found:
        found = [c for c in resolve_all(text, "category") if c.id.startswith(type + ":")]
    if not found:
        resolve_label(text, type)  # raises UnknownLabel with the closest labels
    return found[0]


def _concept_json(concept: Concept) -> dict[str, str]:
    return {"id": concept.id, "label": concept.pref_label, "type": concept.type}


# -- documents --------------------------------------------------------------------------------------


def _year(*values: Any) -> int | None:
    for value in values:
        if value is not None and str(value)[:4].isdigit():
            return int(str(value)[:4])
    return None


def _document_rows(store: GraphStore, doc: str | None = None) -> dict[str, dict[str, Any]]:
    """Document metadata keyed by document IRI."""
    rows = run(store, "documents", doc=doc) if doc else run(store, "documents")
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = out.get(row["doc"])
        if entry is None:
            muni = {"name": row["name"], "code": row["code"]} if row["code"] else None
            entry = out[row["doc"]] = {
                "doc_id": row["doc_id"],
                "file": row["file"],
                "title": row["title"],
                "subtitle": row["subtitle"],
                "type": cid(row["doctype"]),
                "type_label": label(cid(row["doctype"])),
                "municipality": muni,
                "period": {"start": row["period_start"], "end": row["period_end"]},
                "dates": {},
                "format": row["format"],
                "sha256": row["sha256"],
            }
        for key in ("date", "issued", "in_force"):
            if row[key] is not None:
                entry["dates"].setdefault(key, str(row[key]))
    for entry in out.values():
        dates = entry["dates"]
        entry["year"] = _year(dates.get("date"), dates.get("issued"), dates.get("in_force"))
    return out


def documents(store: GraphStore) -> list[dict[str, Any]]:
    """Metadata of every stored document, sorted by file name."""
    return sorted(_document_rows(store).values(), key=lambda d: d["file"])


def resolve_document(store: GraphStore, document: str) -> str:
    """doc_id for a doc_id, a file name or a path; NotFound when no stored document matches."""
    docs = _document_rows(store)
    ids = sorted(d["doc_id"] for d in docs.values())
    name = Path(document).name
    for entry in docs.values():
        if document in (entry["doc_id"], entry["file"]) or name == entry["file"]:
            return entry["doc_id"]
    for entry in docs.values():
        if Path(entry["file"]).stem == Path(name).stem:
            return entry["doc_id"]
    raise UnknownDocument(
        f"no document {document!r} in the store; known documents: {', '.join(ids) or '(none)'}",
        document=document,
        suggestions=difflib.get_close_matches(Path(name).stem, ids, n=3, cutoff=0.5),
    )


# -- evidence ---------------------------------------------------------------------------------------


def _evidence(
    row: dict[str, Any], docs: dict[str, dict[str, Any]], status: str | None = None
) -> dict[str, Any]:
    meta = docs.get(row["doc"], {}) if "doc" in row else {}
    item = {
        "text": row["exact"],
        "document": meta.get("doc_id"),
        "file": meta.get("file"),
        "passage": local_id(row["passage"]),
        "start": row["begin"],
        "end": row["end"],
        "section": row["section"],
    }
    if status is not None:
        item["status"] = status
    return item


def _add_unique(items: list[dict[str, Any]], item: dict[str, Any]) -> None:
    key = (item.get("passage"), item.get("start"), item.get("end"))
    if item.get("text") is not None and all(
        (i.get("passage"), i.get("start"), i.get("end")) != key for i in items
    ):
        items.append(item)


def _narrower(store: GraphStore, concept: Concept) -> set[str]:
    """IRIs of the concept and everything narrower (skos:broader* in the ontology graph)."""
    return {row["concept"] for row in run(store, "broader", top=concept.iri)}


# -- which ------------------------------------------------------------------------------------------


def which(
    store: GraphStore,
    instrument: str | None = None,
    theme: str | None = None,
    partner: str | None = None,
) -> dict[str, Any]:
    """Municipalities whose documents match every given criterion, with the evidence.

    - instrument: an InstrumentUse of it (or a narrower instrument) with status toegepast or
      voornemen ("mention is not use"); documents that only mention it are listed apart under
      ``not_in_use`` with their statuses.
    - instrument + theme: that use must be against the theme (or a narrower one). When a use has
      no bg:againstTheme at all, a ThemeFact for the theme in the same document is accepted
      instead (``basis: same_document``), because extraction attributes themes to instruments
      only when the text links them within a passage or section.
    - theme alone: a ThemeFact of the theme (or narrower). partner: a PartnerFact of it.
    Criteria combine per document (a document must satisfy all of them).
    """
    if not (instrument or theme or partner):
        raise BadParameter("give at least one of instrument, theme, partner")
    docs = _document_rows(store)
    query: dict[str, Any] = {}
    criteria: list[dict[str, list[dict[str, Any]]]] = []  # per criterion: doc IRI → evidence
    basis: dict[str, str] = {}
    not_in_use: dict[str, set[str]] = defaultdict(set)

    theme_concept = resolve_concept(theme, "theme") if theme else None
    theme_iris = _narrower(store, theme_concept) if theme_concept else set()
    if theme_concept:
        query["theme"] = _concept_json(theme_concept)

    theme_docs: dict[str, list[dict[str, Any]]] = {}
    if theme_concept:
        theme_docs = _concept_facts(store, theme_concept, BG.ThemeFact, docs)

    if instrument:
        concept = resolve_concept(instrument, "instrument")
        query["instrument"] = _concept_json(concept)
        facts: dict[str, dict[str, Any]] = {}
        for row in run(store, "which_instrument", instrument=concept.iri):
            fact = facts.setdefault(
                row["fact"],
                {"doc": row["doc"], "status": status_name(row["status"]), "against": set(), "rows": []},
            )
            if row["against"]:
                fact["against"].add(row["against"])
            fact["rows"].append(row)
        hits: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for fact in facts.values():
            doc = fact["doc"]
            if fact["status"] not in USE_STATUSES:
                not_in_use[doc].add(fact["status"])
                continue
            if theme_concept:
                if fact["against"] & theme_iris:
                    basis.setdefault(doc, "against_theme")
                elif not fact["against"] and doc in theme_docs:
                    basis.setdefault(doc, "same_document")
                else:
                    continue
            for row in fact["rows"]:
                _add_unique(hits[doc], _evidence(row, docs, fact["status"]))
            hits.setdefault(doc, [])
        criteria.append(dict(hits))
    elif theme_concept:
        criteria.append(theme_docs)

    if partner:
        concept = resolve_concept(partner, "partner")
        query["partner"] = _concept_json(concept)
        criteria.append(_concept_facts(store, concept, BG.PartnerFact, docs))

    matching = set.intersection(*(set(c) for c in criteria)) if criteria else set()
    by_muni: dict[str, dict[str, Any]] = {}
    for doc in sorted(matching, key=lambda d: docs.get(d, {}).get("file") or d):
        meta = docs.get(doc)
        if meta is None or meta["municipality"] is None:
            continue
        muni = meta["municipality"]
        entry = by_muni.setdefault(muni["code"], {**muni, "documents": [], "evidence": []})
        entry["documents"].append({"file": meta["file"], "title": meta["title"], "doc_id": meta["doc_id"]})
        for criterion in criteria:
            for item in criterion.get(doc, []):
                _add_unique(entry["evidence"], item)
        if doc in basis:
            entry.setdefault("basis", basis[doc])
    result = {
        "query": query,
        "municipalities": sorted(by_muni.values(), key=lambda m: m["name"] or m["code"]),
    }
    if instrument:
        result["not_in_use"] = _not_in_use(not_in_use, matching, docs)
    return result


def _not_in_use(statuses: dict[str, set[str]], matching: set[str], docs: dict) -> list[dict[str, Any]]:
    """Documents that name the instrument without using it (and are not in the answer)."""
    out = []
    for doc, found in sorted(statuses.items(), key=lambda kv: docs.get(kv[0], {}).get("file") or kv[0]):
        meta = docs.get(doc)
        if doc in matching or meta is None:
            continue
        out.append(
            {
                "municipality": meta["municipality"],
                "file": meta["file"],
                "doc_id": meta["doc_id"],
                "statuses": sorted(found),
            }
        )
    return out


def _concept_facts(store: GraphStore, concept: Concept, kind, docs: dict) -> dict[str, list[dict[str, Any]]]:
    hits: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in run(store, "which_concept", target=concept.iri, kind=str(kind)):
        hits.setdefault(row["doc"], [])
        _add_unique(hits[row["doc"]], _evidence(row, docs))
    return dict(hits)


# -- facts of one document --------------------------------------------------------------------------


def facts(store: GraphStore, document: str) -> dict[str, Any]:
    """Everything extracted from one document (by file name or doc_id), grouped by kind."""
    doc_id = resolve_document(store, document)
    doc = doc_iri(doc_id)
    docs = _document_rows(store, doc)
    grouped: dict[str, dict[str, Any]] = {}
    for row in run(store, "facts", doc=doc):
        fact = grouped.setdefault(row["fact"], {"row": row, "against": set(), "evidence": []})
        if row["against"]:
            fact["against"].add(cid(row["against"]))
        _add_unique(fact["evidence"], _evidence(row, docs))
    themes, instruments, partners = [], [], []
    for fact in grouped.values():
        row, concept = fact["row"], cid(fact["row"]["concept"])
        base = {"id": concept, "label": label(concept)}
        if row["kind"] == str(BG.ThemeFact):
            themes.append(
                {**base, "priority": bool(row["priority"]), "rank": row["rank"], "evidence": fact["evidence"]}
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
            partners.append({**base, "role": row["role"], "evidence": fact["evidence"]})
    laws = sorted(
        {
            cid(r["concept"])
            for r in run(store, "document_concepts", doc=doc)
            if r["property"] == str(BG.citesLaw)
        }
    )
    result = {
        "document": docs.get(doc, {"doc_id": doc_id}),
        "themes": sorted(themes, key=lambda t: (not t["priority"], t["rank"] or 999, t["label"])),
        "instruments": sorted(instruments, key=lambda i: (i["status"] not in USE_STATUSES, i["label"])),
        "partners": sorted(partners, key=lambda p: p["label"]),
        "laws": [{"id": law, "label": label(law)} for law in laws],
    }
    result.update(_items(store, doc, docs))
    return result


def _items(store: GraphStore, doc: str, docs: dict) -> dict[str, list[dict[str, Any]]]:
    items: dict[str, dict[str, Any]] = {}
    for row in run(store, "items", doc=doc):
        item = items.setdefault(row["item"], {"row": row, "evidence": []})
        _add_unique(item["evidence"], _evidence(row, docs))
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
    docs = _document_rows(store)
    rows = run(store, "passages", doc=doc_iri(doc_id)) if doc_id else run(store, "passages")
    mentions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    seen: set[tuple[str, str, str | None]] = set()
    for row in run(store, "passage_mentions"):
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
        meta = docs.get(row["doc"], {})
        muni = meta.get("municipality") or {}
        out.append(
            {
                "passage": local_id(row["passage"]),
                "doc_id": meta.get("doc_id"),
                "file": meta.get("file"),
                "title": meta.get("title"),
                "doc_type": meta.get("type"),
                "municipality": muni.get("name"),
                "code": muni.get("code"),
                "period_start": (meta.get("period") or {}).get("start"),
                "period_end": (meta.get("period") or {}).get("end"),
                "year": meta.get("year"),
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
    from ontology.municipalities import find_by_code, find_by_name

    record = find_by_code(name_or_code) if name_or_code.strip().lower().startswith("gm") else None
    record = record or find_by_name(name_or_code)
    if record is None:
        raise UnknownMunicipality(f"unknown municipality {name_or_code!r}", municipality=name_or_code)
    docs = {
        iri: d
        for iri, d in _document_rows(store).items()
        if (d["municipality"] or {}).get("code") == record.code
    }
    concepts: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in run(store, "document_concepts"):
        if row["doc"] in docs:
            concepts[row["doc"]][row["property"].rsplit("#", 1)[-1]].add(cid(row["concept"]))
    periods: dict[str, dict[str, Any]] = {}
    for iri, meta in sorted(docs.items(), key=lambda kv: kv[1]["period"]["start"] or kv[1]["year"] or 0):
        start, end = meta["period"]["start"], meta["period"]["end"]
        key = f"{start}-{end}" if start else str(meta["year"] or "onbekend")
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
        entry["documents"].append(meta["doc_id"])
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
        "documents": sorted(docs.values(), key=lambda d: d["file"]),
        "periods": list(periods.values()),
    }


def document(store: GraphStore, document_id: str) -> dict[str, Any]:
    """One document: metadata, facts and passages."""
    result = facts(store, document_id)
    result["passages"] = passages(store, result["document"]["doc_id"])
    return result


def concept_summary(concept_ids: list[str]) -> list[dict[str, str | None]]:
    """Labels for concept ids (helper for printing)."""
    return [{"id": c, "label": label(c), "iri": concept_iri(c)} for c in concept_ids]
