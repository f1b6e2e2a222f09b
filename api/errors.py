"""One JSON error shape for every failure: ``{"error": {"code", "message", ...}}``.

Errors a user can cause (unknown label, unknown id, bad parameter, bad SPARQL) become 4xx answers with a
stable ``code``; only real bugs reach the catch-all handler, which logs the traceback and answers 500.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error meant for the client: HTTP status, stable machine code, human message, extra fields."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    """The JSON body every error response carries."""
    return {"error": {"code": code, "message": message, **extra}}


def error_response(status: int, code: str, message: str, headers: dict | None = None, **extra: Any):
    return JSONResponse(error_body(code, message, **extra), status_code=status, headers=headers)


# HTTP status per machine code of the layers' user errors (codes come from the exception's ``code``).
_DOMAIN_STATUS = {
    "unknown_label": 404,
    "not_found": 404,
    "unknown_municipality": 404,
    "bad_query": 400,
    "bad_filter": 422,
    "bad_parameter": 422,
    "index_missing": 503,
    "store_busy": 503,
    "search_error": 400,
}
_CODE_BY_CLASS = {
    "UnknownLabel": "unknown_label",
    "NotFound": "not_found",
    "StoreBusy": "store_busy",
    "QueryError": "bad_query",
    "GraphError": "bad_query",
}


def from_domain_error(exc: Exception) -> ApiError | None:
    """Map the domain layers' user errors onto API errors (None: not a user error).

    Matched by class name or a ``code`` attribute so the API still starts while a layer is missing.
    """
    name = type(exc).__name__
    code = _CODE_BY_CLASS.get(name) or getattr(exc, "code", None)
    if not isinstance(code, str) or code not in _DOMAIN_STATUS:
        return None
    message = str(exc) or name
    extra = {}
    suggestions = getattr(exc, "suggestions", None)
    if suggestions is not None:
        extra["suggestions"] = [str(s) for s in suggestions]
    return ApiError(_DOMAIN_STATUS[code], code, message, **extra)


def _domain_error_classes() -> list[type[Exception]]:
    """The user-error base classes of the layers below, those that are importable."""
    found: list[type[Exception]] = []
    for module_name, class_name in (
        ("graph.errors", "GraphError"),
        ("ontology.vocabulary", "UnknownLabel"),
        ("search.errors", "BadQuery"),
        ("search.errors", "SearchError"),
    ):
        try:
            module = __import__(module_name, fromlist=[class_name])
        except ImportError:
            continue
        cls = getattr(module, class_name, None)
        if isinstance(cls, type) and issubclass(cls, Exception):
            found.append(cls)
    return found


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

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, **exc.extra)

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

    async def _domain(request: Request, exc: Exception):
        mapped = from_domain_error(exc)
        if mapped is None:
            return await _unexpected(request, exc)
        return error_response(mapped.status, mapped.code, mapped.message, **mapped.extra)

    for exc_class in _domain_error_classes():
        app.add_exception_handler(exc_class, _domain)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "internal server error; see the server log")
