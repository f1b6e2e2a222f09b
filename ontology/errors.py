"""The one exception hierarchy of beleidsgraaf: every error a user can cause is a ``BeleidsgraafError``.

Inner layers (ontology, ingest, graph, search) raise these with an English ``message`` and structured
``fields`` (what was asked, the closest known names ...). Each edge maps them once: the CLI to a message
and exit code 2 (api/cli/common.py), the JSON API to ``{"error": {"code", "message", ...}}`` with an HTTP
status and the web pages to a Dutch message (both in api/errors.py). The ``code`` of a class is stable:
clients and the edge tables key on it. Anything that is not a ``BeleidsgraafError`` is a bug.

The hierarchy lives in ontology/ because every layer may import ontology/.
"""

from __future__ import annotations

from typing import Any, ClassVar


class BeleidsgraafError(Exception):
    """Base class: an error the user can fix; ``message`` is English, ``fields`` JSON-ready details."""

    code: ClassVar[str] = "error"

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields

    def __str__(self) -> str:
        return self.message


# -- something named does not exist (HTTP 404) ------------------------------------------------------


class NotFound(BeleidsgraafError):
    """Something the user named is not known."""

    code = "not_found"


class UnknownDocument(NotFound):
    """No stored document has this doc_id, file name or path; ``suggestions`` holds close doc_ids."""

    code = "unknown_document"


class UnknownMunicipality(NotFound):
    """No (stored) municipality has this name or CBS code."""

    code = "unknown_municipality"


class UnknownLabel(NotFound, LookupError):
    """An unknown concept: a label or id that names none; ``suggestions`` holds the closest labels."""

    code = "unknown_label"

    def __init__(self, label: str, suggestions: list[str], type: str | None = None) -> None:
        kind = f" {type}" if type else ""
        message = f"unknown{kind} label {label!r}"
        if suggestions:
            message += "; did you mean: " + ", ".join(repr(s) for s in suggestions) + "?"
        super().__init__(message, label=label, type=type, suggestions=list(suggestions))
        self.label = label
        self.suggestions = list(suggestions)
        self.type = type


# -- a request that cannot be answered as given ----------------------------------------------------------


class BadParameter(BeleidsgraafError, ValueError):
    """A parameter of the wrong shape or out of range, or a missing one (HTTP 422)."""

    code = "bad_parameter"


class MalformedQuery(BeleidsgraafError, ValueError):
    """A query text that cannot be run: empty search text, invalid SPARQL (HTTP 400)."""

    code = "bad_query"


class BadInput(BeleidsgraafError):
    """Input data (a file to ingest) that cannot be used."""

    code = "bad_input"


# -- the store cannot answer right now (HTTP 503) ------------------------------------------------------


class Unavailable(BeleidsgraafError):
    """The data folder cannot answer now: busy, or not built yet."""

    code = "unavailable"
