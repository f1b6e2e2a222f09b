"""Incremental reasoning: each OWL 2 RL instance rule gives what owlrl gives, and the fallbacks hold."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from graph.increment import compile_rules, forward, needs_full_closure
from graph.rdf import document_graph
from graph.reason import closure, infer_document, infer_document_full, property_chains
from tests.graph.sample import sample_document

EX = Namespace("http://example.org/onto#")
I = Namespace("http://example.org/data/")  # noqa: E741 - instance namespace


def _restriction(g: Graph, prop, kind, value) -> BNode:
    r = BNode()
    g.add((r, RDF.type, OWL.Restriction))
    g.add((r, OWL.onProperty, prop))
    g.add((r, kind, value))
    return r


def _list(g: Graph, items) -> BNode:
    head = BNode()
    Collection(g, head, list(items))
    return head


def _ontology() -> Graph:
    """Every construct the rules cover, each used once."""
    g = Graph()
    for c in (EX.A, EX.B, EX.C, EX.D, EX.E, EX.F, EX.G):
        g.add((c, RDF.type, OWL.Class))
    g.add((EX.A, RDFS.subClassOf, EX.B))
    g.add((EX.B, OWL.equivalentClass, EX.C))
    g.add((EX.p, RDFS.subPropertyOf, EX.q))
    g.add((EX.q, RDFS.domain, EX.D))
    g.add((EX.q, RDFS.range, EX.E))
    g.add((EX.q, OWL.inverseOf, EX.qInv))
    g.add((EX.near, RDF.type, OWL.SymmetricProperty))
    g.add((EX.within, RDF.type, OWL.TransitiveProperty))
    g.add((EX.chained, OWL.propertyChainAxiom, _list(g, [EX.p, EX.within])))
    g.add((_restriction(g, EX.status, OWL.hasValue, EX.active), OWL.equivalentClass, EX.F))
    g.add((_restriction(g, EX.p, OWL.someValuesFrom, EX.E), RDFS.subClassOf, EX.G))
    g.add((EX.G, RDFS.subClassOf, _restriction(g, EX.near, OWL.allValuesFrom, EX.A)))
    g.add((EX.DE, OWL.intersectionOf, _list(g, [EX.D, EX.E])))
    g.add((EX.AorF, OWL.unionOf, _list(g, [EX.A, EX.F])))
    return g


def _document() -> Graph:
    g = Graph()
    g.add((I.x, RDF.type, EX.A))
    g.add((I.x, EX.p, I.y))
    g.add((I.y, EX.within, I.z))
    g.add((I.z, EX.within, I.w))
    g.add((I.y, EX.p, I.v))  # y is D (domain) and v is E (range)
    g.add((I.v, EX.p, I.v2))
    g.add((I.x, EX.near, I.n))
    g.add((I.s, EX.status, EX.active))
    g.add((I.s, EX.label, Literal("s")))
    return g


def _instance_triples(triples) -> set:
    return {
        (s, p, o)
        for s, p, o in triples
        if str(s).startswith(str(I))
        and not isinstance(o, BNode)
        and o not in (OWL.Thing, RDFS.Resource)
        and not (p == OWL.sameAs and s == o)
    }


def test_every_rule_agrees_with_owlrl():
    import owlrl

    onto, doc = _ontology(), _document()
    chains = property_chains(onto)
    closed = closure(onto, chains)
    ours = set(doc) | forward(compile_rules(closed, onto, chains), set(doc))
    reference = Graph()
    reference += onto
    reference += doc
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(reference)
    mine, theirs = _instance_triples(ours), _instance_triples(reference)
    assert (I.x, EX.chained, I.z) in mine and (I.x, RDF.type, EX.AorF) in mine
    assert (I.y, RDF.type, EX.DE) in mine and (I.s, RDF.type, EX.F) in mine
    assert (I.n, RDF.type, EX.A) in mine  # G ⊑ ∀near.A after x ∈ ∃p.E
    assert theirs - mine == set()
    assert mine - theirs == set()


def test_incremental_equals_full_closure_on_a_generated_document():
    asserted = document_graph(sample_document())
    assert set(infer_document(asserted)) == set(infer_document_full(asserted))


def test_documents_with_schema_triples_take_the_full_path():
    doc = _document()
    assert not needs_full_closure(doc)
    doc.add((I.x, RDFS.subClassOf, EX.A))
    assert needs_full_closure(doc)


def test_equality_constructs_mark_the_rules_incomplete():
    onto = _ontology()
    assert compile_rules(set(onto), onto, []).complete
    onto.add((EX.q, RDF.type, OWL.FunctionalProperty))
    assert not compile_rules(set(onto), onto, []).complete
