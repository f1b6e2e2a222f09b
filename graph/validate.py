"""SHACL validation of the stored asserted data against ontology/shapes.ttl.

Validation runs on asserted data plus the ontology (so class hierarchies and concept types are
known) with RDFS inference in pyshacl, not on the inferred graphs: shapes describe what ingest
must produce, and a violation there is an ingest bug, not a reasoning artefact.
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph
from rdflib.namespace import SH

from graph.namespaces import ONTOLOGY_GRAPH, asserted_graph
from graph.store import GraphStore
from ontology import SHAPES_FILE


def validate_graph(data: Graph, ontology: Graph | None = None) -> tuple[bool, str, list[dict[str, Any]]]:
    """(conforms, report text, one dict per result) for ``data`` (+ ontology) against the shapes."""
    import pyshacl

    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    combined = Graph()
    combined += data
    if ontology is not None:
        combined += ontology
    conforms, report_graph, text = pyshacl.validate(
        combined, shacl_graph=shapes, ont_graph=None, inference="rdfs", advanced=True, allow_warnings=True
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
    data = Graph()
    for doc_id in store.document_ids():
        data += store.export_graph(asserted_graph(doc_id))
    return validate_graph(data, store.export_graph(ONTOLOGY_GRAPH))
