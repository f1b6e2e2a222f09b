"""SHACL validation of the stored asserted data against ontology/shapes.ttl.

Validation runs on the asserted data plus the ontology, plus the rdf:type triples the reasoner
already derived (so sh:targetClass bg:Fact reaches every ThemeFact): shapes describe what ingest
must produce, and a violation there is an ingest bug, not a reasoning artefact. Re-using the
stored types instead of pyshacl's own RDFS inference keeps validation of the corpus in seconds.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDF, SH

from graph.namespaces import INFERRED_ONTOLOGY_GRAPH, ONTOLOGY_GRAPH, asserted_graph, inferred_graph
from graph.store import GraphStore
from ontology import SHAPES_FILE


def validate_graph(
    data: Graph, ontology: Graph | None = None, inference: str = "rdfs"
) -> tuple[bool, str, list[dict[str, Any]]]:
    """(conforms, report text, one dict per result) for ``data`` (+ ontology) against the shapes.

    ``inference="none"`` when ``data`` already holds the class memberships (see validate_store)."""
    import pyshacl

    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    combined = Graph()
    combined += data
    if ontology is not None:
        combined += ontology
    conforms, report_graph, text = pyshacl.validate(
        combined, shacl_graph=shapes, ont_graph=None, inference=inference, advanced=True, allow_warnings=True
    )
    results = []
    for result in report_graph.subjects(SH.resultSeverity, None):

        def value(prop, result=result):
            found = report_graph.value(result, prop)
            return str(found) if found is not None else None

        results.append(
            {
                "severity": value(SH.resultSeverity).rsplit("#", 1)[-1] if value(SH.resultSeverity) else None,
                "focus": value(SH.focusNode),
                "path": value(SH.resultPath),
                "value": value(SH.value),
                "message": value(SH.resultMessage),
                "shape": value(SH.sourceShape),
            }
        )
    return bool(conforms), text, results


def validate_store(store: GraphStore) -> tuple[bool, str, list[dict[str, Any]]]:
    """Validate every document's asserted graph (together) with the stored ontology."""
    from graph.convert import quads_to_graph

    data = Graph()
    for doc_id in store.document_ids():
        data += store.export_graph(asserted_graph(doc_id))
        types = store.store.quads_for_pattern(
            None, ox.NamedNode(str(RDF.type)), None, ox.NamedNode(inferred_graph(doc_id))
        )
        quads_to_graph(types, data)
    ontology = store.export_graph(ONTOLOGY_GRAPH) + store.export_graph(INFERRED_ONTOLOGY_GRAPH)
    return validate_graph(data, ontology, inference="none")
