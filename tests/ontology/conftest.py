"""Shared fixtures for the ontology tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

from ontology import ONTOLOGY_FILES

EVAL_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "eval"


@pytest.fixture(scope="session")
def seed_vocabulary() -> dict:
    path = EVAL_DIR / "vocabulary.json"
    if not path.exists():
        pytest.skip("shared eval vocabulary not available")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def ontology_graph() -> Graph:
    g = Graph()
    for path in ONTOLOGY_FILES:
        g.parse(path, format="turtle")
    return g


@pytest.fixture()
def sample_document() -> Graph:
    """A small, valid asserted graph for one document, as graph/ would write it (fresh per test)."""
    return Graph().parse(data=SAMPLE_DOCUMENT, format="turtle")


SAMPLE_DOCUMENT = """
@prefix bg: <https://w3id.org/beleidsgraaf/def#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix doc: <https://w3id.org/beleidsgraaf/id/doc/> .
@prefix gm: <https://identifier.overheid.nl/tooi/id/gemeente/> .
@prefix instrument: <https://w3id.org/beleidsgraaf/id/instrument/> .
@prefix theme: <https://w3id.org/beleidsgraaf/id/theme/> .
@prefix status: <https://w3id.org/beleidsgraaf/id/status/> .
@prefix doctype: <https://w3id.org/beleidsgraaf/id/doctype/> .

doc:test a bg:IntegralSafetyPlan ;
    dcterms:title "Integraal veiligheidsplan 2024-2027" ;
    bg:municipality gm:gm0158 ;
    bg:documentType doctype:integraal_veiligheidsplan ;
    bg:sourceFile "test.txt" ;
    bg:periodStart "2024"^^xsd:gYear ;
    bg:periodEnd "2027"^^xsd:gYear ;
    bg:usesInstrument instrument:damocles_13b ;
    bg:hasTheme theme:drugscriminaliteit .

<https://w3id.org/beleidsgraaf/id/doc/test/p0001> a bg:Passage ;
    bg:inDocument doc:test ;
    bg:text "De burgemeester past artikel 13b Opiumwet toe." ;
    nif:beginIndex 0 ;
    nif:endIndex 46 ;
    bg:index 0 .

<https://w3id.org/beleidsgraaf/id/doc/test/mention/1> a bg:Mention ;
    bg:inPassage <https://w3id.org/beleidsgraaf/id/doc/test/p0001> ;
    bg:exact "artikel 13b Opiumwet" ;
    nif:beginIndex 20 ;
    nif:endIndex 40 ;
    bg:mentionOf instrument:damocles_13b ;
    bg:status status:toegepast .

<https://w3id.org/beleidsgraaf/id/doc/test/fact/1> a bg:InstrumentUse ;
    bg:inDocument doc:test ;
    bg:concept instrument:damocles_13b ;
    bg:status status:toegepast ;
    bg:againstTheme theme:drugscriminaliteit ;
    bg:evidence <https://w3id.org/beleidsgraaf/id/doc/test/mention/1> .

<https://w3id.org/beleidsgraaf/id/doc/test/goal/1> a bg:Goal ;
    bg:inDocument doc:test ;
    bg:goalText "Minder drugsoverlast in de wijken." ;
    bg:goalType "ambitie" .

<https://w3id.org/beleidsgraaf/id/doc/test/target/1> a bg:Target ;
    bg:inDocument doc:test ;
    bg:forGoal <https://w3id.org/beleidsgraaf/id/doc/test/goal/1> ;
    bg:value "7.0"^^xsd:decimal ;
    bg:unit "%" ;
    bg:comparator "<=" ;
    bg:year "2027"^^xsd:gYear .
"""
