"""The search layer's own errors, in the one hierarchy of ontology.errors."""

from __future__ import annotations

from ontology.errors import BadParameter, MalformedQuery, Unavailable


class BadQuery(MalformedQuery):
    """The query text cannot be searched (empty, too long, no words)."""


class BadFilter(BadParameter):
    """A filter value of the wrong shape (e.g. a year that is not a number)."""

    code = "bad_filter"


class IndexMissing(Unavailable):
    """No search index yet: ingest documents first (ingest refreshes the index)."""

    code = "index_missing"
