"""The SPARQL Service Description of the endpoint, with its dataset described in VoID."""

from __future__ import annotations

import pyoxigraph as ox

_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
PREFIXES = {
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "void": "http://rdfs.org/ns/void#",
}

_SD_FORMATS = [
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
]


def service_description(store: ox.Store, endpoint: str, *, update_enabled: bool) -> list[ox.Triple]:
    """SPARQL Service Description of this endpoint, with the dataset described in VoID."""
    sd = "http://www.w3.org/ns/sparql-service-description#"
    void = "http://rdfs.org/ns/void#"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

    def n(iri: str) -> ox.NamedNode:
        return ox.NamedNode(iri)

    service = n(endpoint + "#service")
    dataset = n(endpoint + "#dataset")
    default = n(endpoint + "#default-graph")
    triples = [
        ox.Triple(service, rdf_type, n(sd + "Service")),
        ox.Triple(service, n(sd + "endpoint"), n(endpoint)),
        ox.Triple(service, n(sd + "supportedLanguage"), n(sd + "SPARQL11Query")),
        ox.Triple(service, n(sd + "feature"), n(sd + "UnionDefaultGraph")),
        ox.Triple(service, n(sd + "defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, n(sd + "Dataset")),
        ox.Triple(dataset, n(sd + "defaultGraph"), default),
        ox.Triple(default, rdf_type, n(sd + "Graph")),
        ox.Triple(default, rdf_type, n(void + "Dataset")),
        ox.Triple(
            default,
            n("http://purl.org/dc/terms/description"),
            ox.Literal(
                "Union of all named graphs: asserted and inferred per document, ontology, municipalities"
            ),
        ),
    ]
    if update_enabled:
        triples.append(ox.Triple(service, n(sd + "supportedLanguage"), n(sd + "SPARQL11Update")))
    triples += [
        ox.Triple(service, n(sd + "resultFormat"), n("http://www.w3.org/ns/formats/" + f))
        for f in _SD_FORMATS
    ]
    counts = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    total = 0
    for index, solution in enumerate(counts):
        graph, count = solution["g"], int(solution["n"].value)
        total += count
        entry = n(f"{endpoint}#named-graph-{index}")
        description = n(f"{endpoint}#graph-{index}")
        triples += [
            ox.Triple(dataset, n(sd + "namedGraph"), entry),
            ox.Triple(entry, rdf_type, n(sd + "NamedGraph")),
            ox.Triple(entry, n(sd + "name"), graph),
            ox.Triple(entry, n(sd + "graph"), description),
            ox.Triple(description, rdf_type, n(sd + "Graph")),
            ox.Triple(description, n(void + "triples"), ox.Literal(str(count), datatype=_XSD_INTEGER)),
        ]
    triples.append(ox.Triple(default, n(void + "triples"), ox.Literal(str(total), datatype=_XSD_INTEGER)))
    return triples
