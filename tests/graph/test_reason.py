"""OWL 2 RL reasoning: the entailments the ontology promises, cross-checked against owlrl."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from graph.namespaces import BG
from graph.rdf import document_graph
from graph.reason import apply_chains, infer_document, ontology_closure, property_chains
from graph.schema import ontology_graph
from ontology import DEF, ID, TOOI_GEMEENTE, concept_iri, doc_iri, municipality_iri
from tests.graph.sample import DOC_ID, sample_document

GM = URIRef(municipality_iri("GM0173"))
DOC = URIRef(doc_iri(DOC_ID))
EX = Namespace("http://example.org/")


def c(concept_id: str) -> URIRef:
    return URIRef(concept_iri(concept_id))


@pytest.fixture(scope="module")
def sample():
    asserted = document_graph(sample_document())
    return asserted, infer_document(asserted)


def test_chain_axioms_are_read_from_the_ontology():
    chains = property_chains(ontology_graph())
    assert ((BG.hasDocument, BG.usesInstrument), BG.usesInstrument) in chains
    assert ((BG.hasPart, BG.hasSpan, BG.mentionOf), BG.mentions) in chains


def test_apply_chains_reaches_a_fixpoint():
    chains = [((EX.p, EX.q), EX.p)]  # p ∘ q ⊑ p, like "X ∘ skos:broader ⊑ X"
    triples = {(EX.a, EX.p, EX.b), (EX.b, EX.q, EX.c), (EX.c, EX.q, EX.d)}
    assert apply_chains(triples, chains) == {(EX.a, EX.p, EX.c), (EX.a, EX.p, EX.d)}


def test_municipality_uses_what_its_document_uses_and_the_broader_category(sample):
    _, inferred = sample
    assert (GM, BG.hasDocument, DOC) in inferred
    assert (GM, BG.usesInstrument, c("instrument:damocles_13b")) in inferred
    assert (GM, BG.usesInstrument, c("instrument:cat/bestuurlijk")) in inferred
    assert (DOC, BG.usesInstrument, c("instrument:cat/bestuurlijk")) in inferred
    # mention is not use: followed only
    assert (GM, BG.usesInstrument, c("instrument:preventie_met_gezag")) not in inferred
    assert (GM, BG.hasInstrument, c("instrument:preventie_met_gezag")) in inferred


def test_inverses_and_mentions(sample):
    _, inferred = sample
    p1 = URIRef(f"{doc_iri(DOC_ID)}/p0001")
    assert (DOC, BG.hasPart, p1) in inferred
    assert any(True for _ in inferred.triples((p1, BG.hasSpan, None)))
    assert (DOC, BG.mentions, c("law:opiumwet")) in inferred
    assert (GM, BG.mentions, c("partner:politie")) in inferred


def test_inferred_graph_holds_no_asserted_or_trivial_triples(sample):
    asserted, inferred = sample
    assert not set(asserted) & set(inferred)
    assert (DOC, RDF.type, OWL.Thing) not in inferred
    assert not set(ontology_closure().triples) & set(inferred)


def test_ontology_closure_has_broader_transitive():
    onto = ontology_graph()
    closure = ontology_closure().triples
    paths = [
        (a, b, top) for a, b in onto.subject_objects(SKOS.broader) for top in onto.objects(b, SKOS.broader)
    ]
    assert paths, "the schemes have two-level hierarchies"
    for a, b, top in paths:
        assert (a, SKOS.broaderTransitive, top) in closure
        assert (b, SKOS.narrower, a) in closure


def _project(triple) -> bool:
    s, p, o = triple
    if isinstance(s, (Literal, BNode)) or isinstance(o, BNode):
        return False
    if p == RDF.type and o == OWL.Thing:
        return False
    if s == o and p in (
        OWL.sameAs,
        OWL.equivalentClass,
        OWL.equivalentProperty,
        RDFS.subClassOf,
        RDFS.subPropertyOf,
    ):
        return False
    ours = str(s).startswith((ID, TOOI_GEMEENTE))  # instance data (documents, concepts, municipalities)
    return ours or p == SKOS.broaderTransitive


def _plain(triples):
    out = set()
    for s, p, o in triples:
        if isinstance(o, Literal) and o.language is None and str(o.datatype or "").endswith("#string"):
            o = Literal(str(o))
        out.add((s, p, o))
    return out


def test_closure_equals_owlrl_on_instance_data(sample):
    """owlrl (reference OWL 2 RL) and reasonable + chains agree on every non-trivial instance triple.

    Known schema-level difference (not compared here): reasonable skips scm-dom1/scm-rng1, so
    owlrl additionally derives e.g. ``bg:priority rdfs:domain bg:Fact`` from ThemeFact ⊑ Fact.
    """
    import owlrl

    asserted, inferred = sample
    reference = Graph()
    reference += ontology_graph()
    reference += asserted
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(reference)
    ours = set(asserted) | set(inferred) | set(ontology_closure().triples)
    theirs = {t for t in _plain(reference) if _project(t)}
    mine = {t for t in _plain(ours) if _project(t)}
    assert theirs - mine == set()
    assert mine - theirs == set()
    assert str(DEF)  # namespaces in use
