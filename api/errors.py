"""The HTTP edge of the error model: one JSON shape ``{"error": {"code", "message", ...}}`` with a status,
and one Dutch message per code for the web pages.

Inner layers raise ``ontology.errors.BeleidsgraafError`` subclasses (English message, structured fields);
this module decides the HTTP status by class and the Dutch text by code. Only real bugs reach the
catch-all handler, which logs the traceback and answers 500.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ontology.errors import BadParameter, BeleidsgraafError, MalformedQuery, NotFound, Unavailable

log = logging.getLogger(__name__)


class ApiError(BeleidsgraafError):
    """An error of the HTTP protocol itself (payload too large, refused SPARQL ...) with its own status."""

    def __init__(self, status: int, code: str, message: str, **fields: Any) -> None:
        super().__init__(message, **fields)
        self.status = status
        self.code = code  # per instance: the protocol errors have many codes

    @property
    def extra(self) -> dict[str, Any]:
        return self.fields


# HTTP status per error category; the first class the error is an instance of wins.
_STATUS_BY_CLASS: tuple[tuple[type[BeleidsgraafError], int], ...] = (
    (NotFound, 404),
    (BadParameter, 422),
    (MalformedQuery, 400),
    (Unavailable, 503),
)

# What a Dutch reader of the web pages sees per code (the English detail follows where it helps).
DUTCH_MESSAGES = {
    "unknown_label": "Dit begrip kennen we niet.",
    "unknown_municipality": "Deze gemeente kennen we niet of er staan geen documenten van in de graaf.",
    "unknown_document": "Dit document staat niet in de graaf.",
    "not_found": "Niet gevonden.",
    "bad_query": "Deze zoekvraag kunnen we niet gebruiken: typ een vraag of een paar woorden.",
    "bad_filter": "Een filter heeft een ongeldige waarde (bijvoorbeeld een jaar dat geen getal is).",
    "bad_parameter": "Een keuze in het formulier heeft een ongeldige waarde.",
    "index_missing": "Er is nog geen zoekindex. Voeg eerst documenten toe met 'beleidsgraaf ingest'.",
    "store_busy": "De graaf wordt op dit moment bijgewerkt; probeer het zo opnieuw.",
    "unavailable": "De graaf kan deze vraag op dit moment niet beantwoorden; probeer het zo opnieuw.",
    "bad_input": "Dit bestand kunnen we niet gebruiken.",
    "ingest_error": "Dit bestand kunnen we niet inlezen.",
}
DUTCH_FALLBACK = "Er ging iets mis met deze vraag."
# Codes whose English detail names what the user typed, worth showing beside the Dutch text.
_SHOW_DETAIL = {
    "unknown_label",
    "unknown_document",
    "unknown_municipality",
    "bad_parameter",
    "bad_input",
    "ingest_error",
}


def http_status(exc: BeleidsgraafError) -> int:
    """The HTTP status of a user error (400 when no category fits)."""
    if isinstance(exc, ApiError):
        return exc.status
    for cls, status in _STATUS_BY_CLASS:
        if isinstance(exc, cls):
            return status
    return 400


def dutch_message(exc: BeleidsgraafError) -> str:
    """The Dutch sentence a page shows for an error, with the English detail where it names the input."""
    text = DUTCH_MESSAGES.get(exc.code, DUTCH_FALLBACK)
    return f"{text} ({exc.message})" if exc.code in _SHOW_DETAIL else text


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    """The JSON body every error response carries."""
    return {"error": {"code": code, "message": message, **extra}}


def error_response(status: int, code: str, message: str, headers: dict | None = None, **extra: Any):
    return JSONResponse(error_body(code, message, **extra), status_code=status, headers=headers)


_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def install_error_handlers(app: FastAPI) -> None:
    """Route every exception through the one JSON error shape."""

    @app.exception_handler(BeleidsgraafError)
    async def _user_error(_: Request, exc: BeleidsgraafError):
        return error_response(http_status(exc), exc.code, exc.message, **exc.fields)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError):
        problems = [
            {
                "parameter": ".".join(str(part) for part in err.get("loc", ())[1:]) or None,
                "in": (err.get("loc") or ("?",))[0],
                "message": err.get("msg", ""),
            }
            for err in exc.errors()
        ]
        summary = "; ".join(f"{p['parameter']}: {p['message']}" for p in problems) or "invalid request"
        return error_response(422, "bad_parameter", summary, problems=problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException):
        code = _STATUS_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "internal server error; see the server log")
