"""core.ttl carries the contract of ARCHITECTURE.md: classes, inverses, sub-properties and the property
chains that let a municipality inherit what its documents contain."""

from __future__ import annotations

import owlrl
import pytest
from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, PROV, SKOS

from ontology import CORE_FILE, DEF, ONTOLOGY_IRI, concept_iri, municipality_iri

BG = Namespace(DEF)
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
ORG = Namespace("http://www.w3.org/ns/org#")


@pytest.fixture(scope="module")
def core() -> Graph:
    return Graph().parse(CORE_FILE, format="turtle")


def chains(core: Graph, prop: URIRef) -> set[tuple[URIRef, ...]]:
    return {tuple(Collection(core, lst)) for lst in core.objects(prop, OWL.propertyChainAxiom)}


def test_ontology_header(core):
    assert (URIRef(ONTOLOGY_IRI), RDF.type, OWL.Ontology) in core
    assert core.value(URIRef(ONTOLOGY_IRI), OWL.versionInfo) is not None


def test_every_bg_term_has_dutch_and_english_label_and_comment(core):
    terms = {s for s in core.subjects(RDF.type, None) if str(s).startswith(DEF)}
    assert len(terms) > 60
    for term in terms:
        for prop in (RDFS.label, RDFS.comment):
            langs = {o.language for o in core.objects(term, prop)}
            assert {"nl", "en"} <= langs, (term, prop)


def test_class_hierarchy(core):
    expected = [
        (BG.Municipality, ORG.Organization),
        (BG.PolicyDocument, PROV.Entity),
        (BG.PolicyDocument, DCTERMS.BibliographicResource),
        (BG.Mention, BG.Span),
        (BG.Extraction, PROV.Activity),
        (BG.InstrumentUse, BG.Fact),
        (BG.ThemeFact, BG.Fact),
        (BG.PartnerFact, BG.Fact),
        (BG.DamoclesPolicy, BG.PolicyRule),
    ]
    for sub, sup in expected:
        assert (sub, RDFS.subClassOf, sup) in core, (sub, sup)
    for name in (
        "IntegralSafetyPlan",
        "SafetyAnalysis",
        "ImplementationPlan",
        "CouncilLetter",
        "PolicyRule",
        "Kadernota",
        "AnnualReport",
        "OtherPolicyDocument",
    ):
        assert (BG[name], RDFS.subClassOf, BG.PolicyDocument) in core, name
    for name in ("Theme", "Instrument", "Partner", "LegalFramework", "DocumentType", "Status"):
        assert (BG[name], RDFS.subClassOf, SKOS.Concept) in core, name


def test_inverses_and_sub_properties(core):
    for prop, inverse in [
        (BG.municipality, BG.hasDocument),
        (BG.inDocument, BG.hasPart),
        (BG.inPassage, BG.hasSpan),
        (SKOS.narrower, SKOS.broader),
        (SKOS.narrowerTransitive, SKOS.broaderTransitive),
    ]:
        assert (prop, OWL.inverseOf, inverse) in core, prop
    for sub, sup in [
        (BG.municipality, DCTERMS.publisher),
        (BG.inDocument, DCTERMS.isPartOf),
        (BG.text, RDF.value),
        (BG.usesInstrument, BG.hasInstrument),
        (BG.priorityTheme, BG.hasTheme),
        (SKOS.broader, SKOS.broaderTransitive),
    ]:
        assert (sub, RDFS.subPropertyOf, sup) in core, sub
    assert (SKOS.broaderTransitive, RDF.type, OWL.TransitiveProperty) in core


def test_property_chains_from_the_architecture(core):
    for name in ("hasTheme", "priorityTheme", "hasInstrument", "usesInstrument", "hasPartner", "mentions"):
        assert (BG.hasDocument, BG[name]) in chains(core, BG[name]), name
    for name in ("hasTheme", "hasInstrument", "usesInstrument", "hasPartner"):
        assert (BG[name], SKOS.broader) in chains(core, BG[name]), name
    assert (BG.hasPart, BG.hasSpan, BG.mentionOf) in chains(core, BG.mentions)


def test_shortcut_properties_have_no_domain_that_chains_would_misapply(core):
    for name in ("hasTheme", "hasInstrument", "usesInstrument", "hasPartner", "mentions", "citesLaw"):
        assert core.value(BG[name], RDFS.domain) is None, name


def test_owl_rl_closure_lifts_document_facts_to_municipality_and_broader_concepts(
    ontology_graph, sample_document
):
    g = Graph()
    for triple in ontology_graph:
        g.add(triple)
    for triple in sample_document:
        g.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    gm = URIRef(municipality_iri("GM0158"))
    doc = URIRef("https://w3id.org/beleidsgraaf/id/doc/test")
    damocles = URIRef(concept_iri("instrument:damocles_13b"))
    bestuurlijk = URIRef(concept_iri("instrument:cat/bestuurlijk"))
    assert (gm, BG.hasDocument, doc) in g
    assert (doc, BG.usesInstrument, bestuurlijk) in g
    assert (gm, BG.usesInstrument, damocles) in g
    assert (gm, BG.usesInstrument, bestuurlijk) in g
    assert (gm, BG.hasInstrument, damocles) in g
    assert (doc, BG.mentions, damocles) in g
    assert (gm, BG.hasTheme, URIRef(concept_iri("theme:ondermijning"))) in g
    assert (gm, BG.hasTheme, URIRef(concept_iri("theme:veld/integriteit_en_veiligheid"))) in g
    assert (doc, RDF.type, BG.PolicyDocument) in g
    assert (gm, RDF.type, BG.Municipality) in g
    assert (gm, RDF.type, BG.PolicyDocument) not in g
