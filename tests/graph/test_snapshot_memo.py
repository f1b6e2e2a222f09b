"""What every document has is read once per snapshot of a read-only handle (graph.read.snapshot_memo):
a reopened handle sees a write, a writable handle always reads afresh."""

from __future__ import annotations

from collections import defaultdict

from graph.build import ingest_document
from graph.read import documents
from graph.store import GraphStore
from graph.validity import document_validity
from tests.graph.sample import DOC_ID, sample_document


def test_documents_follow_the_snapshot_of_the_handle(tmp_path):
    with GraphStore.open(tmp_path) as store:
        store.ensure_ontology()
        ingest_document(store, sample_document(), defaultdict(float))
    reader = GraphStore.open(tmp_path, read_only=True)
    assert [d.doc_id for d in documents(reader)] == [DOC_ID]
    assert DOC_ID in document_validity(reader)
    with GraphStore.open(tmp_path) as writer:
        writer.remove_document(DOC_ID)
        assert documents(writer) == []  # a writable handle reads what it wrote
        assert document_validity(writer) == {}
    assert reader.is_stale()
    reader.reopen()
    assert documents(reader) == []
    assert document_validity(reader) == {}
    reader.close()
