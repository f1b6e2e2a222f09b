"""Errors a user can cause when asking the graph something; the CLI and API turn them into messages."""

from __future__ import annotations


class GraphError(Exception):
    """Base class: the message is meant for the user."""


class NotFound(GraphError):
    """A document, municipality or concept the user named is not in the store."""


class StoreBusy(GraphError):
    """Another process holds the store open for writing."""


class QueryError(GraphError):
    """A SPARQL query was invalid or took too long."""
