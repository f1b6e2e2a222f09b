"""pyoxigraph terms ↔ rdflib terms (the store speaks pyoxigraph, reasoning and SHACL speak rdflib)."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_rdflib(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:  # plain literals, as rdflib writes them
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


def quads_to_graph(quads: Iterable[ox.Quad | ox.Triple], graph: Graph | None = None) -> Graph:
    """Collect quads (graph names ignored) or triples into an rdflib Graph."""
    graph = graph if graph is not None else Graph()
    for quad in quads:
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The inverse of :func:`to_rdflib` (literals keep their lexical form, language and datatype)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


def graph_to_quads(graph: Graph, graph_name: str) -> list[ox.Quad]:
    """An rdflib Graph as pyoxigraph quads in the named graph ``graph_name`` (for a transactional extend)."""
    name = ox.NamedNode(graph_name)
    cache: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}

    def convert(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        found = cache.get(term)
        if found is None:
            found = cache[term] = to_oxigraph(term)
        return found

    return [ox.Quad(convert(s), convert(p), convert(o), name) for s, p, o in graph]
