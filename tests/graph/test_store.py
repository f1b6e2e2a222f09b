"""The on-disk store: atomic per-document replace, idempotent re-ingest, remove, readers and writers."""

from __future__ import annotations

import multiprocessing
import shutil
import time
from collections import defaultdict

import pytest

import graph.store as store_module
from graph.build import ingest_document
from graph.errors import QueryError, StoreBusy
from graph.namespaces import asserted_graph
from graph.rdf import document_graph
from graph.reason import infer_document
from graph.store import GraphStore, snapshot_path, snapshots_path, store_generation
from tests.graph.sample import DOC_ID, sample_document


@pytest.fixture
def home(tmp_path):
    with GraphStore.open(tmp_path) as store:
        assert store.ensure_ontology() is True
        assert store.ensure_ontology() is False  # unchanged files are not reloaded
    return tmp_path


def _ingest(store, doc):
    return ingest_document(store, doc, defaultdict(float))


def test_replace_is_idempotent_and_replaces_changed_documents(home):
    with GraphStore.open(home) as store:
        first = _ingest(store, sample_document())
        counts = store.triple_counts()
        assert counts["asserted"] == first.asserted and counts["inferred"] == first.inferred > 0
        _ingest(store, sample_document())
        assert store.triple_counts() == counts  # same document twice: same counts
        changed = _ingest(store, sample_document(extra_paragraph="Extra alinea over cameratoezicht."))
        assert store.triple_counts()["asserted"] == changed.asserted > first.asserted
        _ingest(store, sample_document())
        assert store.triple_counts() == counts  # the extra passage is gone again
        assert store.document_ids() == [DOC_ID]


def test_a_failing_update_changes_nothing(home):
    """pyoxigraph applies one SPARQL update request as one transaction (what replace_document relies on)."""
    with GraphStore.open(home) as store:
        _ingest(store, sample_document())
        before = store.triple_counts()
        with pytest.raises(RuntimeError):
            store.store.update(
                f"DROP GRAPH <{asserted_graph(DOC_ID)}> ; DROP GRAPH <http://example.org/absent>"
            )
        assert store.triple_counts() == before


def test_remove_document(home):
    with GraphStore.open(home) as store:
        _ingest(store, sample_document())
        assert store.remove_document(DOC_ID) is True
        assert store.document_ids() == []
        assert store.triple_counts()["asserted"] == 0 and store.triple_counts()["inferred"] == 0
        assert store.remove_document(DOC_ID) is False


def test_readers_see_a_snapshot_and_notice_writes(home):
    writer = GraphStore.open(home)
    try:
        with GraphStore.open(home, read_only=True) as reader:
            assert reader.document_ids() == []
            asserted = document_graph(sample_document())
            writer.replace_document(DOC_ID, asserted, infer_document(asserted))
            writer.store.flush()
            assert reader.is_stale()
            with GraphStore.open(home, read_only=True) as fresh:
                assert fresh.document_ids() == [DOC_ID]
        with pytest.raises(StoreBusy):
            GraphStore.open(home)  # a second writer is refused with a clear message
    finally:
        writer.close()


def test_a_handle_kept_on_a_superseded_snapshot_reopens_before_its_files_can_go(home, monkeypatch):
    asserted = document_graph(sample_document())
    inferred = infer_document(asserted)
    with GraphStore.open(home) as writer, GraphStore.open(home, read_only=True) as reader:
        assert reader.document_ids() == []
        writer.replace_document(DOC_ID, asserted, inferred)
        assert reader.document_ids() == [], "a young handle keeps the snapshot it opened"
        # as if half the grace period had passed since it opened: the writer may soon delete its files
        monkeypatch.setattr(store_module, "SNAPSHOT_GRACE_SECONDS", 0.0)
        assert reader.document_ids() == [DOC_ID]
        assert reader.generation == writer.generation


def _write_many(home, count: int) -> None:
    """A separate writing process, as `beleidsgraaf ingest` is beside a running server."""
    asserted = document_graph(sample_document())
    inferred = infer_document(asserted)
    with GraphStore.open(home) as writer:
        for i in range(count):
            writer.replace_document(f"{DOC_ID}-{i}", asserted, inferred)
            writer.store.flush()  # each flush adds table files, so RocksDB compacts and deletes some


def test_readers_keep_answering_while_another_process_writes(home):
    """A reader beside a writing process must answer every read, however RocksDB moves files.

    RocksDB opens table files lazily; a compaction in the writer can delete one a fresh read-only
    handle still lists ("IO error: No such file ... .sst"). CI met this once. Reads reopen and retry.
    """
    writer = multiprocessing.get_context("spawn").Process(target=_write_many, args=(home, 30))
    writer.start()
    seen: list[int] = []
    deadline = time.monotonic() + 60
    try:
        while (writer.is_alive() or not seen) and time.monotonic() < deadline:
            with GraphStore.open(home, read_only=True) as reader:
                seen.append(len(reader.document_ids()))
                reader.select("SELECT (COUNT(*) AS ?n) WHERE { ?s a bg:Passage }")
                reader.triple_counts()
    finally:
        writer.join(timeout=60)
    assert writer.exitcode == 0
    assert seen == sorted(seen)  # each read a consistent snapshot, never going back
    with GraphStore.open(home, read_only=True) as reader:
        assert len(reader.document_ids()) == 30


def test_readers_open_a_published_snapshot_that_no_writer_touches(home):
    writer = GraphStore.open(home)
    try:
        asserted = document_graph(sample_document())
        writer.replace_document(DOC_ID, asserted, infer_document(asserted))
        with GraphStore.open(home, read_only=True) as reader:
            published = snapshot_path(home, reader.generation)
            assert published is not None and reader.generation == store_generation(home)
            before = {p.name: p.stat().st_mtime_ns for p in published.iterdir()}
            for i in range(5):
                writer.replace_document(f"{DOC_ID}-{i}", asserted, infer_document(asserted))
            assert {p.name: p.stat().st_mtime_ns for p in published.iterdir()} == before
            assert reader.document_ids() == [DOC_ID]  # its snapshot, not the writer's progress
            assert reader.is_stale()
            reader.reopen()
            assert len(reader.document_ids()) == 6
    finally:
        writer.close()


def test_superseded_snapshots_go_after_the_grace_period(home, monkeypatch):
    monkeypatch.setattr(store_module, "SNAPSHOT_GRACE_SECONDS", 0.0)
    with GraphStore.open(home) as writer:
        asserted = document_graph(sample_document())
        for i in range(3):
            writer.replace_document(f"{DOC_ID}-{i}", asserted, infer_document(asserted))
        current = writer.generation
    assert [p.name for p in snapshots_path(home).iterdir()] == [current]


def test_a_reader_drops_snapshots_a_finished_writer_left_behind(home, monkeypatch):
    with GraphStore.open(home) as writer:
        asserted = document_graph(sample_document())
        for i in range(3):
            writer.replace_document(f"{DOC_ID}-{i}", asserted, infer_document(asserted))
        current = writer.generation
    assert len(list(snapshots_path(home).iterdir())) > 1, "within the grace period the writer keeps them"
    with GraphStore.open(home, read_only=True) as reader:
        assert reader.document_ids()
    assert len(list(snapshots_path(home).iterdir())) > 1, "a reader keeps them within the grace period too"
    monkeypatch.setattr(store_module, "SNAPSHOT_GRACE_SECONDS", 0.0)
    with GraphStore.open(home, read_only=True) as reader:
        assert sorted(reader.document_ids()) == [f"{DOC_ID}-{i}" for i in range(3)]
    assert [p.name for p in snapshots_path(home).iterdir()] == [current]


def test_a_data_folder_from_before_snapshots_still_opens(home):
    with GraphStore.open(home) as writer:
        asserted = document_graph(sample_document())
        writer.replace_document(DOC_ID, asserted, infer_document(asserted))
    shutil.rmtree(snapshots_path(home))
    with GraphStore.open(home, read_only=True) as reader:  # falls back to the live store
        assert reader.document_ids() == [DOC_ID]
    with GraphStore.open(home):  # a writer publishes on open
        pass
    assert snapshot_path(home, store_generation(home)) is not None


def test_select_returns_python_values_and_checks_queries(home):
    with GraphStore.open(home) as store:
        _ingest(store, sample_document())
        rows = store.select("SELECT ?y ?t WHERE { ?d bg:periodStart ?y ; dcterms:title ?t }")
        assert rows == [{"y": 2025, "t": "Integraal Veiligheidsplan Oldenzaal 2025-2028"}]
        assert len(store.select("SELECT ?s WHERE { ?s a bg:Passage }", limit=2)) == 2
        with pytest.raises(QueryError):
            store.select("SELEC nonsense")


def test_read_only_open_of_a_fresh_folder_is_empty(tmp_path):
    with GraphStore.open(tmp_path / "new", read_only=True) as store:
        assert store.document_ids() == []
        assert store.triple_counts()["asserted"] == 0


def test_every_write_advances_the_generation_and_stamps_its_document(home):
    with GraphStore.open(home) as store:
        start = store.generation_number()
        assert start >= 1  # loading the ontology was a write
        _ingest(store, sample_document())
        assert store.generation_number() == start + 1
        assert store.document_generations() == {DOC_ID: start + 1}
        store.update(
            "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> a <http://example.org/C> } }"
        )
        assert store.generation_number() == start + 2
        assert store.document_generations() == {DOC_ID: start + 1}  # the document itself is unchanged
        # bookkeeping lives in the default graph, in no named graph (exports and GRAPH queries skip it)
        in_named = "SELECT ?s WHERE { GRAPH ?g { ?s <https://w3id.org/beleidsgraaf/store#generation> ?n } }"
        assert store.select(in_named) == []
        store.remove_document(DOC_ID)
        assert store.generation_number() == start + 3 and store.document_generations() == {}


def test_the_shared_generation_is_the_last_write_of_more_than_a_document(home):
    """What lets the search index be updated document by document (search.update)."""
    shared = "<https://w3id.org/beleidsgraaf/store#store> <https://w3id.org/beleidsgraaf/store#shared>"
    with GraphStore.open(home) as store:
        loaded = store.shared_generation()
        assert loaded == store.generation_number()  # loading the ontology and reference data
        _ingest(store, sample_document())
        assert store.shared_generation() == loaded  # a document write
        store.update(
            "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> a <http://example.org/C> } }"
        )
        assert store.shared_generation() == store.generation_number() == loaded + 2
        store.remove_document(DOC_ID)
        assert store.shared_generation() == loaded + 2
        # a store from before the record: its next document write records the generation before it
        store.store.update(f"DELETE WHERE {{ {shared} ?s }}")
        assert store.shared_generation() is None
        before = store.generation_number()
        _ingest(store, sample_document())
        assert store.shared_generation() == before
        store.store.update(f"DELETE WHERE {{ {shared} ?s }}")
        store.remove_document(DOC_ID)
        assert store.shared_generation() == before + 1


def test_a_failing_update_does_not_advance_the_generation(home):
    with GraphStore.open(home) as store:
        before = store.generation_number()
        with pytest.raises(RuntimeError):
            store.update("DROP GRAPH <http://example.org/absent>")
        assert store.generation_number() == before


def _document_quads(store, doc_id: str) -> set[str]:
    from graph.namespaces import inferred_graph

    return {str(q) for g in (asserted_graph(doc_id), inferred_graph(doc_id)) for q in store.graph_triples(g)}


def test_a_new_document_is_stored_exactly_as_a_replaced_one(home):
    """A new document goes in by one ``extend`` of quads, a present one by a SPARQL update: same content."""
    from rdflib import XSD, Graph, Literal, URIRef

    odd = Graph()
    s, p = URIRef("http://example.org/s"), URIRef("http://example.org/p")
    for value in (
        Literal("tekst", lang="nl"),
        Literal("platte tekst"),
        Literal("12.50", datatype=XSD.decimal),
        Literal("2023-01-31", datatype=XSD.date),
        Literal("2024", datatype=XSD.gYear),
        Literal("true", datatype=XSD.boolean),
        Literal('met "aanhalingstekens"\nen een regel'),
    ):
        odd.add((s, p, value))
    doc = sample_document()
    asserted = document_graph(doc) + odd
    inferred = infer_document(asserted)
    with GraphStore.open(home) as store:
        start = store.generation_number()
        store.replace_document(DOC_ID, asserted, inferred)  # new: the extend path
        first = _document_quads(store, DOC_ID)
        assert len(first) == len(asserted) + len(inferred)
        assert store.generation_number() == start + 1
        stamps = (
            "SELECT ?n WHERE { <https://w3id.org/beleidsgraaf/store#store> "
            "<https://w3id.org/beleidsgraaf/store#generation> ?n }"
        )
        assert [r["n"] for r in store.select(stamps)] == [start + 1]  # the older stamp is gone
        store.replace_document(DOC_ID, asserted, inferred)  # present: the SPARQL update path
        assert _document_quads(store, DOC_ID) == first
        assert store.document_generations() == {DOC_ID: start + 2}


def test_the_highest_generation_stamp_counts(home):
    """A writer killed between adding a new stamp and deleting the old one leaves two; the higher counts."""
    with GraphStore.open(home) as store:
        start = store.generation_number()
        store.store.update(
            f"INSERT DATA {{ <https://w3id.org/beleidsgraaf/store#store> "
            f"<https://w3id.org/beleidsgraaf/store#generation> {start + 5} }}"
        )
        assert store.generation_number() == start + 5
        _ingest(store, sample_document())
        assert store.generation_number() == start + 6
