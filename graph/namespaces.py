"""RDF namespaces and named-graph IRIs used by graph/ (IRI conventions themselves live in ontology/)."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from ontology import DEF, GRAPH, ID, TOOI_GEMEENTE

BG = Namespace(DEF)
BGID = Namespace(ID)
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
TOOIONT = Namespace("https://identifier.overheid.nl/tooi/def/ont/")
ORG = Namespace("http://www.w3.org/ns/org#")

ONTOLOGY_GRAPH = GRAPH + "ontology"
MUNICIPALITIES_GRAPH = GRAPH + "municipalities"
INFERRED_ONTOLOGY_GRAPH = GRAPH + "inferred/ontology"
ASSERTED_PREFIX = GRAPH + "asserted/"
INFERRED_PREFIX = GRAPH + "inferred/"

PREFIXES: dict[str, str] = {
    "bg": DEF,
    "id": ID,
    "gm": TOOI_GEMEENTE,
    "nif": str(NIF),
    "tooiont": str(TOOIONT),
    "org": str(ORG),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
}


def asserted_graph(doc_id: str) -> str:
    """Named graph holding what ingest extracted from one document."""
    return ASSERTED_PREFIX + doc_id


def inferred_graph(doc_id: str) -> str:
    """Named graph holding the OWL 2 RL entailments of one document."""
    return INFERRED_PREFIX + doc_id


def sparql_prefixes() -> str:
    """PREFIX lines for hand-written queries (the .rq files carry their own)."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
