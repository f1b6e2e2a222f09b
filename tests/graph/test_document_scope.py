"""Questions about one document read that document's two named graphs, not the whole store.

Over the union of all graphs pyoxigraph matched some patterns of these queries (a type, an
OPTIONAL) across the whole store first: on a store of 2,700 documents the facts of one document took
more than a minute. Reading only the document's graphs must not lose or add a row.
"""

from __future__ import annotations

import pytest

from graph.read import document_graphs, documents, run


def _rows(rows: list[dict]) -> list[tuple]:
    return sorted(tuple(sorted((k, str(v)) for k, v in row.items())) for row in rows)


@pytest.mark.parametrize("query", ["facts", "items", "goal_concepts", "passages"])
def test_a_document_query_over_its_own_graphs_equals_the_query_over_the_whole_store(store, query):
    found = 0
    for document in documents(store):
        scoped = run(store, query, doc=document.iri, graphs=document_graphs(document.doc_id))
        whole = run(store, query, doc=document.iri)
        assert _rows(scoped) == _rows(whole), document.doc_id
        found += bool(whole)
    assert found >= 4, "most corpus documents have rows for this query"


def test_the_mentions_in_a_documents_graphs_are_those_of_its_passages(store):
    everything = run(store, "passage_mentions")
    for document in documents(store):
        scoped = run(store, "passage_mentions", graphs=document_graphs(document.doc_id))
        own = [r for r in everything if r["passage"].startswith(document.iri + "/")]
        assert own, document.doc_id
        assert _rows(scoped) == _rows(own), document.doc_id


def test_a_municipality_timeline_document_by_document_equals_the_one_over_the_whole_store(store):
    from graph.read import resolve_concept

    by_code: dict[str, list] = {}
    for document in documents(store):
        by_code.setdefault(document.municipality.code, []).append(document)
    concept = resolve_concept("ondermijning", "theme").iri
    found = 0
    for own in by_code.values():
        muni = own[0].municipality.iri
        each = [document_graphs(d.doc_id, ontology=True) for d in own]
        whole = run(store, "timeline", municipality=muni)
        scoped = [r for graphs in each for r in run(store, "timeline", municipality=muni, graphs=graphs)]
        assert _rows(scoped) == _rows(whole)
        narrower = run(store, "timeline_concept", municipality=muni, concept=concept)
        scoped = [
            r
            for graphs in each
            for r in run(store, "timeline_concept", municipality=muni, concept=concept, graphs=graphs)
        ]
        assert _rows(scoped) == _rows(narrower)
        found += bool(whole) and bool(narrower)
    assert found >= 2
