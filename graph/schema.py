"""The ontology and municipality reference data as rdflib graphs, loaded once per process.

graph/ needs the ontology in three places (the ontology named graph, the reasoner input and the
doctype → document class mapping), so it is parsed once here and identified by a content hash.
"""

from __future__ import annotations

import csv
import hashlib
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from graph.namespaces import BG, TOOIONT
from ontology import MUNICIPALITIES_CSV, ONTOLOGY_FILES, municipality_iri


def files_hash(paths: list[Path]) -> str:
    """sha256 over the files' names and bytes: changes whenever any file changes."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()


def ontology_hash() -> str:
    return files_hash(list(ONTOLOGY_FILES))


def municipalities_hash() -> str:
    return files_hash([MUNICIPALITIES_CSV])


@lru_cache(maxsize=2)
def _ontology_graph(digest: str) -> Graph:
    graph = Graph()
    for path in ONTOLOGY_FILES:
        if path.exists():
            graph.parse(path, format="turtle")
    return graph


def ontology_graph() -> Graph:
    """The asserted ontology (OWL core + SKOS schemes); re-parsed only when the files change."""
    return _ontology_graph(ontology_hash())


@lru_cache(maxsize=4)
def _document_classes(digest: str) -> dict[str, str]:
    graph = _ontology_graph(digest)
    return {str(concept): str(cls) for concept, cls in graph.subject_objects(BG.documentClass)}


def document_class(doctype_iri: str) -> str | None:
    """The bg:PolicyDocument subclass the ontology links to a doctype concept via bg:documentClass."""
    return _document_classes(ontology_hash()).get(doctype_iri)


def municipalities_graph() -> Graph:
    """All municipalities in gemeenten.csv (current and merged-away) as reference data.

    Each is a bg:Municipality and tooiont:Gemeente with skos:prefLabel/rdfs:label (Dutch name) and
    tooiont:gemeentecode (CBS code, e.g. "GM0164"). A municipality that was merged away carries
    ``dcterms:isReplacedBy`` its successor (and the successor ``dcterms:replaces`` it), plus
    ``dcterms:valid`` with the years it existed as a literal "from/to" when known.
    """
    graph = Graph()
    with MUNICIPALITIES_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            node = URIRef(municipality_iri(row["code"]))
            add_municipality(graph, node, row["name"], row["code"])
            if row.get("successor_code"):
                successor = URIRef(municipality_iri(row["successor_code"]))
                graph.add((node, DCTERMS.isReplacedBy, successor))
                graph.add((successor, DCTERMS.replaces, node))
            if row.get("valid_from") or row.get("valid_to"):
                valid = f"{row.get('valid_from') or ''}/{row.get('valid_to') or ''}"
                graph.add((node, DCTERMS.valid, Literal(valid)))
    return graph


def add_municipality(graph: Graph, node: URIRef, name: str, code: str) -> None:
    """The few triples that identify a municipality node (shared by reference data and documents)."""
    graph.add((node, RDF.type, BG.Municipality))
    graph.add((node, RDF.type, TOOIONT.Gemeente))
    graph.add((node, SKOS.prefLabel, Literal(name, lang="nl")))
    graph.add((node, RDFS.label, Literal(name, lang="nl")))
    graph.add((node, TOOIONT.gemeentecode, Literal(code.upper())))
