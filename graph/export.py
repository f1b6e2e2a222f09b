"""Export stored graphs as Turtle, JSON-LD or N-Triples (asserted, inferred or all, with the ontology)."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from graph.namespaces import (
    INFERRED_ONTOLOGY_GRAPH,
    MUNICIPALITIES_GRAPH,
    ONTOLOGY_GRAPH,
    PREFIXES,
    asserted_graph,
    inferred_graph,
)
from graph.store import GraphStore
from ontology.errors import BadParameter

FORMATS = {"turtle": "turtle", "ttl": "turtle", "jsonld": "json-ld", "json-ld": "json-ld", "nt": "nt"}
SELECTIONS = ("asserted", "inferred", "all")


def graph_iris(store: GraphStore, selection: str) -> list[str]:
    """Named graphs in a selection: asserted = documents' asserted graphs, inferred = their
    entailments (plus the ontology's), all = everything including ontology and municipalities."""
    if selection not in SELECTIONS:
        raise BadParameter(f"unknown graph selection {selection!r}; expected one of {', '.join(SELECTIONS)}")
    ids = store.document_ids()
    iris: list[str] = []
    if selection in ("asserted", "all"):
        iris += [asserted_graph(d) for d in ids]
    if selection in ("inferred", "all"):
        iris += [inferred_graph(d) for d in ids] + [INFERRED_ONTOLOGY_GRAPH]
    if selection == "all":
        iris += [ONTOLOGY_GRAPH, MUNICIPALITIES_GRAPH]
    return iris


def export(store: GraphStore, fmt: str = "turtle", selection: str = "asserted") -> str:
    """The selected graphs merged into one serialisation."""
    if fmt not in FORMATS:
        raise BadParameter(f"unknown format {fmt!r}; expected one of turtle, jsonld, nt")
    graph = Graph()
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)
    for iri in graph_iris(store, selection):
        store_graph = store.export_graph(iri)
        graph += store_graph
    return graph.serialize(format=FORMATS[fmt])


def export_to(store: GraphStore, fmt: str, selection: str, output: Path | None) -> str | None:
    """Write to ``output`` (returns None) or return the text (for stdout)."""
    text = export(store, fmt, selection)
    if output is None:
        return text
    Path(output).write_text(text, encoding="utf-8")
    return None
