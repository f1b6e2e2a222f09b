"""The RDF mapping of an IngestedDocument follows the vocabulary contract in ARCHITECTURE.md."""

from __future__ import annotations

import csv

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from graph.namespaces import BG, NIF, TOOIONT
from graph.rdf import document_graph, municipalities_graph
from ontology import MUNICIPALITIES_CSV, concept_iri, doc_iri, municipality_iri
from tests.graph.sample import DOC_ID, sample_document

DOC = URIRef(doc_iri(DOC_ID))
GM = URIRef(municipality_iri("GM0173"))


def c(concept_id: str) -> URIRef:
    return URIRef(concept_iri(concept_id))


def test_document_node_carries_metadata_and_its_class():
    g = document_graph(sample_document())
    assert (DOC, RDF.type, BG.PolicyDocument) in g
    assert (DOC, RDF.type, BG.IntegralSafetyPlan) in g  # via the doctype's bg:documentClass
    assert (DOC, BG.documentType, c("doctype:integraal_veiligheidsplan")) in g
    assert (DOC, BG.periodStart, Literal("2025", datatype=XSD.gYear)) in g
    assert (DOC, DCTERMS.issued, Literal("2025-01-14", datatype=XSD.date)) in g
    assert (DOC, BG.sourceFile, Literal(f"{DOC_ID}.txt")) in g
    assert str(g.value(DOC, BG.sourceText)) == sample_document().text


def test_municipality_node_is_a_tooi_gemeente():
    g = document_graph(sample_document())
    assert (DOC, BG.municipality, GM) in g
    assert (GM, RDF.type, BG.Municipality) in g and (GM, RDF.type, TOOIONT.Gemeente) in g
    assert (GM, TOOIONT.gemeentecode, Literal("GM0173")) in g
    assert (GM, SKOS.prefLabel, Literal("Oldenzaal", lang="nl")) in g


def test_passages_and_spans_point_into_the_source_text():
    doc = sample_document()
    g = document_graph(doc)
    p1 = URIRef(f"{doc_iri(DOC_ID)}/p0001")
    assert (p1, RDF.type, BG.Passage) in g and (p1, BG.inDocument, DOC) in g
    assert (p1, BG.sectionPath, Literal("Prioriteiten > Ondermijning")) in g
    assert (p1, BG.theme, c("theme:ondermijning")) in g
    spans = list(g.subjects(RDF.type, BG.Span)) + list(g.subjects(RDF.type, BG.Mention))
    assert len(spans) >= 5
    for span in spans:
        start, end = int(g.value(span, NIF.beginIndex)), int(g.value(span, NIF.endIndex))
        assert doc.text[start:end] == str(g.value(span, BG.exact))
        assert g.value(span, BG.inPassage) is not None


def test_shortcuts_distinguish_use_from_mention():
    g = document_graph(sample_document())
    assert (DOC, BG.usesInstrument, c("instrument:damocles_13b")) in g
    assert (DOC, BG.hasInstrument, c("instrument:preventie_met_gezag")) in g
    assert (DOC, BG.usesInstrument, c("instrument:preventie_met_gezag")) not in g  # only "volgen"
    assert (DOC, BG.priorityTheme, c("theme:ondermijning")) in g
    assert (DOC, BG.hasPartner, c("partner:politie")) in g
    assert (DOC, BG.citesLaw, c("law:opiumwet")) in g


def test_facts_have_status_themes_evidence_and_provenance():
    g = document_graph(sample_document())
    uses = [
        f
        for f in g.subjects(RDF.type, BG.InstrumentUse)
        if g.value(f, BG.concept) == c("instrument:damocles_13b")
    ]
    assert len(uses) == 1
    use = uses[0]
    assert str(use).startswith(f"{doc_iri(DOC_ID)}/fact/")
    assert g.value(use, BG.status) == c("status:toegepast")
    assert g.value(use, BG.againstTheme) == c("theme:drugscriminaliteit")
    assert g.value(use, BG.evidence) is not None
    activity = g.value(use, PROV.wasGeneratedBy)
    assert (activity, RDF.type, BG.Extraction) in g
    assert (
        g.value(activity, BG.extractorVersion) is not None and g.value(activity, PROV.endedAtTime) is not None
    )


def test_goals_and_targets():
    g = document_graph(sample_document())
    goal = URIRef(f"{doc_iri(DOC_ID)}/goal/1")
    target = URIRef(f"{doc_iri(DOC_ID)}/target/1")
    assert (goal, RDF.type, BG.Goal) in g and (goal, BG.goalType, Literal("streefcijfer")) in g
    assert (target, BG.forGoal, goal) in g
    assert g.value(target, BG.value).toPython() == 10
    assert (target, BG.year, Literal("2028", datatype=XSD.gYear)) in g
    assert (target, BG.baselineYear, Literal("2023", datatype=XSD.gYear)) in g


def test_municipalities_reference_data_covers_the_csv_with_successors():
    with MUNICIPALITIES_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    g = municipalities_graph()
    assert len(set(g.subjects(RDF.type, BG.Municipality))) == len(rows)
    merged = [r for r in rows if r["successor_code"]]
    assert merged, "the csv lists merged municipalities"
    for row in merged:
        node = URIRef(municipality_iri(row["code"]))
        assert (node, DCTERMS.isReplacedBy, URIRef(municipality_iri(row["successor_code"]))) in g
