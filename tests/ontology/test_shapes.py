"""shapes.ttl accepts a well-formed document graph and reports real breakage as violations."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pyshacl import validate
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH

from ontology import DEF, SHAPES_FILE, concept_iri

BG = Namespace(DEF)
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
DOC = "https://w3id.org/beleidsgraaf/id/doc/test"
PASSAGE = URIRef(DOC + "/p0001")
MENTION = URIRef(DOC + "/mention/1")
FACT = URIRef(DOC + "/fact/1")
TARGET = URIRef(DOC + "/target/1")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


def results(data: Graph, shapes: Graph, ontology: Graph) -> list[tuple[URIRef, URIRef, URIRef]]:
    """(focus node, path, severity) of every validation result, validating data ∪ ontology."""
    _, report, _ = validate(data + ontology, shacl_graph=shapes, inference="none")
    return [
        (report.value(r, SH.focusNode), report.value(r, SH.resultPath), report.value(r, SH.resultSeverity))
        for r in report.subjects(RDF.type, SH.ValidationResult)
    ]


def violations(found):
    return {(focus, path) for focus, path, severity in found if severity == SH.Violation}


def test_valid_document_conforms(sample_document, shapes, ontology_graph):
    assert results(sample_document, shapes, ontology_graph) == []


def test_missing_title_and_municipality_are_warnings_not_violations(sample_document, shapes, ontology_graph):
    doc = URIRef(DOC)
    sample_document.remove((doc, URIRef("http://purl.org/dc/terms/title"), None))
    sample_document.remove((doc, BG.municipality, None))
    found = results(sample_document, shapes, ontology_graph)
    assert found and all(severity == SH.Warning for _, _, severity in found)


def test_broken_graph_is_rejected(sample_document, shapes, ontology_graph):
    g = sample_document
    g.set((PASSAGE, NIF.beginIndex, Literal(50)))  # begins after it ends
    g.add((MENTION, BG.mentionOf, URIRef(concept_iri("partner:politie"))))  # two concepts
    g.remove((FACT, BG.status, None))  # instrument use without status
    g.set((FACT, BG.concept, URIRef(concept_iri("theme:ondermijning"))))  # not an instrument
    g.set((TARGET, BG.value, Literal("zeven")))  # not a decimal
    g.remove((TARGET, BG.unit, None))
    g.remove((URIRef(DOC), BG.sourceFile, None))
    found = violations(results(g, shapes, ontology_graph))
    expected = {
        (PASSAGE, NIF.beginIndex),
        (MENTION, BG.mentionOf),
        (FACT, BG.status),
        (FACT, BG.concept),
        (TARGET, BG.value),
        (TARGET, BG.unit),
        (URIRef(DOC), BG.sourceFile),
    }
    assert expected <= found, expected - found


def test_value_must_be_decimal_not_double(sample_document, shapes, ontology_graph):
    sample_document.set((TARGET, BG.value, Literal(7.0)))
    assert (TARGET, BG.value) in violations(results(sample_document, shapes, ontology_graph))
    sample_document.set((TARGET, BG.value, Literal(Decimal("7.0"))))
    assert results(sample_document, shapes, ontology_graph) == []


def test_municipality_must_be_a_tooi_iri(sample_document, shapes, ontology_graph):
    sample_document.set((URIRef(DOC), BG.municipality, Literal("Hengelo")))
    assert (URIRef(DOC), BG.municipality) in violations(results(sample_document, shapes, ontology_graph))
