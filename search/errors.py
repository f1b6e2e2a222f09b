"""Errors a search user can cause; the CLI and API turn them into clear messages (4xx in the API)."""

from __future__ import annotations


class SearchError(Exception):
    """Base class: ``code`` is a short machine-readable name, the message is for people."""

    code = "search_error"


class BadQuery(SearchError, ValueError):
    """The query text cannot be searched (empty, too long, no words)."""

    code = "bad_query"


class UnknownMunicipality(SearchError, LookupError):
    """A municipality filter that names no known municipality."""

    code = "unknown_municipality"


class BadFilter(SearchError, ValueError):
    """A filter value of the wrong shape (e.g. a year that is not a number)."""

    code = "bad_filter"


class IndexMissing(SearchError, FileNotFoundError):
    """No search index yet: ingest documents first (ingest refreshes the index)."""

    code = "index_missing"
