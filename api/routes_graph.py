"""JSON routes over the knowledge graph: which, municipalities, documents, concepts, stats.

Each route returns the dict of the graph.queries function the CLI prints, unchanged.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from api.openapi import error_responses
from graph import queries
from graph.store import GraphStore
from ontology.errors import BadParameter

router = APIRouter(prefix="/api", tags=["graph"])

Label = Annotated[str | None, Query(max_length=200, description="Dutch or English label, or a concept id")]
CONCEPT_TYPES = ("theme", "instrument", "partner", "law", "doctype", "status", "category")
ConceptType = Literal["theme", "instrument", "partner", "law", "doctype", "status", "category"]
NOT_FOUND = error_responses(404, 422, 503)
PLAIN = error_responses(422, 503)


def store_of(request: Request) -> GraphStore:
    """The server's shared read-only store handle."""
    return request.app.state.stores.get()


@router.get(
    "/which",
    summary="Municipalities whose documents match an instrument, theme and/or partner",
    description="Criteria combine per document; without any criterion every municipality with a "
    "stored document answers (each document matches the empty conjunction).",
    responses=NOT_FOUND,
)
def which(
    request: Request,
    instrument: Label = None,
    theme: Label = None,
    partner: Label = None,
    validity: Annotated[
        Literal["in_force", "lapsed", "any"],
        Query(description="in_force (default; documents stating no end count as in force), lapsed, any"),
    ] = "in_force",
    evidence: Annotated[
        int,
        Query(
            ge=0,
            description="Quote at most this many facts per municipality and criterion (0: all); "
            "`facts` and `evidence_complete` per municipality say how many there are",
        ),
    ] = queries.EVIDENCE_PER_CRITERION,
) -> dict:
    return queries.which(
        store_of(request),
        instrument=instrument,
        theme=theme,
        partner=partner,
        validity=validity,
        evidence_limit=evidence,
    )


@router.get("/municipalities", summary="Municipalities with at least one stored document", responses=PLAIN)
def municipalities(request: Request) -> list[dict]:
    return queries.municipalities(store_of(request))


@router.get(
    "/municipalities/{name_or_code}",
    summary="One municipality: documents and concepts per period",
    responses=NOT_FOUND,
)
def municipality(request: Request, name_or_code: str) -> dict:
    return queries.municipality(store_of(request), name_or_code)


@router.get("/documents", summary="Metadata of every stored document", responses=PLAIN)
def documents(request: Request) -> list[dict]:
    return queries.documents(store_of(request))


@router.get(
    "/documents/{doc_id}",
    summary="One document: metadata, facts with evidence, passages",
    responses=NOT_FOUND,
)
def document(request: Request, doc_id: str) -> dict:
    return queries.document(store_of(request), doc_id)


@router.get(
    "/documents/{doc_id}/facts",
    summary="The facts extracted from one document, with evidence",
    responses=NOT_FOUND,
)
def document_facts(request: Request, doc_id: str) -> dict:
    return queries.facts(store_of(request), doc_id)


@router.get(
    "/stats",
    summary="How much is in the store, and whether the search index is in step with it",
    responses=PLAIN,
)
def stats(request: Request) -> dict:
    from search.index import store_stats

    return store_stats(request.app.state.settings.home, store_of(request))


def concepts_payload(type: str | None = None) -> dict[str, Any]:
    """The concept taxonomies (labels, hierarchy) as JSON; shared by /api/concepts and the facets."""
    from ontology.vocabulary import load_concepts

    if type is not None and type not in CONCEPT_TYPES:
        raise BadParameter(f"unknown concept type {type!r}; use one of {', '.join(CONCEPT_TYPES)}")
    concepts = load_concepts()
    narrower: dict[str, list[str]] = {}
    for concept in concepts.values():
        for parent in concept.broader:
            narrower.setdefault(parent, []).append(concept.id)
    chosen = sorted((c for c in concepts.values() if type is None or c.type == type), key=lambda c: c.id)
    return {
        "type": type,
        "count": len(chosen),
        "concepts": [
            {
                "id": c.id,
                "iri": c.iri,
                "type": c.type,
                "label": c.pref_label,
                "alt_labels": list(c.alt_labels),
                "en_labels": list(c.en_labels),
                "broader": list(c.broader),
                "narrower": sorted(narrower.get(c.id, [])),
                "category": c.category,
                "scheme": c.scheme,
                "is_field": c.is_field,
            }
            for c in chosen
        ],
    }


@router.get(
    "/concepts", summary="Concept taxonomies with Dutch labels and hierarchy", responses=error_responses(422)
)
def concepts(
    type: Annotated[ConceptType | None, Query(description="only concepts of this type")] = None,
) -> dict:
    return concepts_payload(type)
