"""Validity facts (in force, lapsed, withdrawn, replaces) read through graph/queries/validity.rq."""

from __future__ import annotations

import datetime as dt

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from graph.rdf import document_graph
from graph.store import GraphStore
from graph.validity import document_validity, state
from ontology import doc_iri
from tests.graph.sample import DOC_ID, sample_document

BG = "https://w3id.org/beleidsgraaf/def#"


def test_state_follows_the_dates():
    today = dt.date(2025, 1, 1)
    assert state({"in_force": "2015-07-07", "in_force_until": "2024-10-22"}, today) == "lapsed"
    assert state({"lapsed_on": "2024-10-23"}, today) == "lapsed"
    assert state({"in_force": "2024-03-06", "withdrawn": True}, today) == "lapsed"
    assert state({"in_force": "2024-03-06"}, today) == "in_force"
    assert state({"in_force": "2026-01-01"}, today) == "unknown"
    assert state({}, today) == "unknown"


def test_validity_and_replaced_regulation_are_read_from_the_store(tmp_path):
    asserted = document_graph(sample_document())
    doc = URIRef(doc_iri(DOC_ID))
    asserted.add((doc, URIRef(BG + "inForceUntil"), Literal("2024-10-22", datatype=XSD.date)))
    asserted.add((doc, URIRef(BG + "lapsedOn"), Literal("2024-10-23", datatype=XSD.date)))
    old = BNode()
    asserted.add((doc, DCTERMS.replaces, old))
    asserted.add((old, RDF.type, URIRef(BG + "ReplacedRegulation")))
    asserted.add((old, DCTERMS.title, Literal("Beleidsregels artikel 13b Opiumwet 2019")))
    asserted.add((old, URIRef(BG + "year"), Literal("2019", datatype=XSD.gYear)))
    with GraphStore.open(tmp_path) as store:
        store.ensure_ontology()
        store.replace_document(DOC_ID, asserted, Graph())
        found = document_validity(store, today=dt.date(2025, 1, 1))
    entry = found[DOC_ID]
    assert entry["state"] == "lapsed"
    assert entry["lapsed_on"] == "2024-10-23"
    assert [(r["title"], r["year"]) for r in entry["replaces"]] == [
        ("Beleidsregels artikel 13b Opiumwet 2019", 2019)
    ]


def test_which_leaves_out_lapsed_documents_by_default(tmp_path):
    from graph.queries import which

    asserted = document_graph(sample_document())
    asserted.add((URIRef(doc_iri(DOC_ID)), URIRef(BG + "lapsedOn"), Literal("2020-01-01", datatype=XSD.date)))
    with GraphStore.open(tmp_path) as store:
        store.ensure_ontology()
        store.replace_document(DOC_ID, asserted, Graph())
        assert which(store, instrument="13b Opiumwet")["municipalities"] == []
        lapsed = which(store, instrument="13b Opiumwet", validity="lapsed")["municipalities"]
        assert [m["code"] for m in lapsed] == ["GM0173"]
