"""Concepts named in a query, recognised by the same matcher as concepts in documents.

``ingest.matcher`` indexes every label of the ontology (Dutch and English, acronyms) and applies one
rule in documents and questions alike: lowercase and lemma keys (controles = controle), hyphen and
space variants (street triage = streettriage, "AVE- methodiek" = AVE-methodiek), acronyms only as
written (the Dutch word "om" is not the Openbaar Ministerie), and here also English lemmas
(inspections = inspection). Each hit is expanded with its narrower concepts, so a query for integrale
controles also matches passages about MIA.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QueryConcept:
    id: str
    type: str
    label: str
    matched: str  # the query words that named it
    expanded: frozenset[str]  # the concept and everything narrower


def _expand(concept_id: str) -> frozenset[str]:
    from ontology.vocabulary import narrower_closure

    return frozenset({concept_id, *narrower_closure(concept_id)})


def recognise(query: str) -> list[QueryConcept]:
    """Concepts the query names, in query order; overlapping matches resolve to the longest."""
    from ingest.matcher import match
    from ingest.nlp import question_doc
    from ontology.vocabulary import load_concepts

    concepts = load_concepts()
    out: list[QueryConcept] = []
    seen: set[str] = set()
    for hit in match(question_doc(query), english=True, across_types=True):
        if hit.concept_id in seen:
            continue
        seen.add(hit.concept_id)
        c = concepts[hit.concept_id]
        out.append(QueryConcept(c.id, c.type, c.pref_label, query[hit.start : hit.end], _expand(c.id)))
    return out
