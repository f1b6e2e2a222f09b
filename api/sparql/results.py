"""Content negotiation and result writers; every format is written by pyoxigraph's serialisers.

SELECT rows are capped before writing, and pyoxigraph cannot serialise a list of rows directly, so
the capped rows go through the SPARQL TSV results format (each term in its N-Triples form, which
is lossless) and pyoxigraph parses that and writes the negotiated format.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import pyoxigraph as ox

SELECT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
ASK_TYPES = {k: SELECT_TYPES[k] for k in ("json", "xml")}
GRAPH_TYPES = {
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
TABLES = {"select": SELECT_TYPES, "ask": ASK_TYPES, "graph": GRAPH_TYPES}
_RESULTS_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
_ALIASES = {  # media types and `format` values clients send, mapped to our format keys
    "select": {
        "application/json": "json",
        "text/javascript": "json",
        "application/javascript": "json",
        "application/xml": "xml",
        "text/xml": "xml",
        "srj": "json",
        "srx": "xml",
    },
    "graph": {
        "text/n3": "turtle",
        "n3": "turtle",
        "ttl": "turtle",
        "application/x-turtle": "turtle",
        "text/plain": "nt",
        "ntriples": "nt",
        "n-triples": "nt",
        "json-ld": "jsonld",
        "json": "jsonld",
        "application/json": "jsonld",
        "xml": "rdfxml",
        "rdf": "rdfxml",
        "rdf+xml": "rdfxml",
        "application/xml": "rdfxml",
        "text/xml": "rdfxml",
        "rdf/xml": "rdfxml",
    },
}


def parse_accept(header: str) -> list[tuple[str, float, int]]:
    """Media ranges of an Accept header with their q values, best first (ties keep header order)."""
    ranges = []
    for position, item in enumerate(header.split(",")):
        parts = [p.strip() for p in item.split(";")]
        if not parts[0]:
            continue
        q = 1.0
        for param in parts[1:]:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        ranges.append((parts[0].lower(), q, position))
    return sorted(ranges, key=lambda r: (-r[1], r[2]))


def negotiate(kind: str, accept: str | None, format_param: str | None) -> str:
    """The format key to answer with: explicit ``format`` first, then Accept, then the default."""
    table = TABLES[kind]
    aliases = _ALIASES["graph" if kind == "graph" else "select"]
    by_type = {media: key for key, media in table.items()}
    if format_param:
        wanted = format_param.strip().lower()
        key = wanted if wanted in table else by_type.get(wanted) or aliases.get(wanted)
        if key in table:
            return key
    for media, q, _ in parse_accept(accept or ""):
        if q <= 0:
            continue
        key = by_type.get(media) or aliases.get(media)
        if key in table:
            return key
        if media in ("*/*", "application/*") or (
            media.endswith("/*") and any(t.startswith(media[:-1]) for t in table.values())
        ):
            break
    return next(iter(table))


def media_type(kind: str, key: str) -> str:
    """The Content-Type of an answer (XML carries its encoding in the document itself)."""
    media = TABLES[kind][key]
    return media if media.endswith("xml") else media + "; charset=utf-8"


def write_solutions(variables: Sequence[str], rows: Iterable[Sequence[Any]], key: str) -> bytes:
    """SELECT rows (terms or None for unbound) in the format ``key``."""
    lines = ["\t".join(f"?{name}" for name in variables)]
    lines += ["\t".join("" if term is None else str(term) for term in row) for row in rows]
    solutions = ox.parse_query_results("\n".join(lines) + "\n", ox.QueryResultsFormat.TSV)
    return solutions.serialize(format=_RESULTS_FORMATS[key]) or b""


def write_boolean(value: bool, key: str) -> bytes:
    """An ASK answer in the format ``key``."""
    text = json.dumps({"head": {}, "boolean": bool(value)})
    answer = ox.parse_query_results(text, ox.QueryResultsFormat.JSON)
    return answer.serialize(format=_RESULTS_FORMATS[key]) or b""


def write_graph(triples: list[ox.Triple], key: str, prefixes: dict[str, str] | None) -> bytes:
    """CONSTRUCT/DESCRIBE triples in the format ``key`` (prefixes shorten Turtle and RDF/XML)."""
    used = prefixes if key in ("turtle", "rdfxml") else None
    return ox.serialize(triples, format=_RDF_FORMATS[key], prefixes=used) or b""
