"""The graph layer's own errors, in the one hierarchy of ontology.errors."""

from __future__ import annotations

from ontology.errors import MalformedQuery, Unavailable


class StoreBusy(Unavailable):
    """Another process holds the store open for writing."""

    code = "store_busy"


class QueryError(MalformedQuery):
    """A SPARQL query was invalid or took too long."""
