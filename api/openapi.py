"""What the OpenAPI document declares beyond FastAPI's defaults, and the security headers of every answer.

Every route lists the error statuses it can answer (with the one error body), so a client, the docs
at /docs and schemathesis see the real contract; ``security_headers`` is a pure ASGI middleware.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class ErrorDetail(BaseModel):
    """``code`` is stable and machine-readable; ``message`` explains it; extra fields name the input."""

    model_config = ConfigDict(extra="allow")
    code: str
    message: str


class ErrorBody(BaseModel):
    """The body of every error answer."""

    error: ErrorDetail


_WHY = {
    400: "Malformed input (e.g. a SPARQL syntax error or a refused query)",
    403: "Forbidden (SPARQL updates without the configured token)",
    404: "Unknown id, label, document or municipality",
    405: "Method not allowed",
    413: "Request or query too large",
    415: "Unsupported request media type",
    422: "A parameter has an invalid value or a combination of parameters is not allowed",
    502: "The query engine crashed on this query (its worker was replaced)",
    503: "Not available now: search index missing, store busy, SPARQL time or memory limit, workers busy",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries for the given error statuses, each with the JSON error body."""
    return {status: {"model": ErrorBody, "description": _WHY[status]} for status in statuses}


# Scripts only from this origin (the vendored YASGUI needs no eval); inline style attributes are used
# by the templates and YASGUI; no framing by other sites. /docs serves the vendored Swagger UI with
# FastAPI's inline bootstrap script, so it alone may run inline script (still nothing from elsewhere).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)
_DOCS_PATHS = ("/docs",)
_COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """Adds nosniff, Referrer-Policy, X-Frame-Options and a Content-Security-Policy to every response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        csp = DOCS_CSP if path.startswith(_DOCS_PATHS) else CSP

        async def with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in _COMMON if k not in present]
                if b"content-security-policy" not in present:
                    extra.append((b"content-security-policy", csp.encode()))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)
