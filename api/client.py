"""A client of a running server's JSON API, so a script can ask many questions without loading anything.

``beleidsgraaf search --server URL`` (or ``$BELEIDSGRAAF_SERVER``) sends the question to ``URL/api/search``
and prints the same dict the local search returns. Only the standard library is used: the client
starts in milliseconds. A server error comes back as the same ``BeleidsgraafError`` class (by its
stable code) the server raised, so the CLI reports it as it would a local one.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import urlopen

from ontology.errors import BadParameter, BeleidsgraafError, Unavailable

TIMEOUT = 120.0  # seconds; a cold server loads its index and model on the first question


def _error_class(code: str) -> type[BeleidsgraafError]:
    stack: list[type[BeleidsgraafError]] = [BeleidsgraafError]
    while stack:
        cls = stack.pop()
        if cls.code == code:
            return cls
        stack.extend(cls.__subclasses__())
    return BeleidsgraafError


def _error_from(exc: HTTPError, server: str) -> BeleidsgraafError:
    try:
        error = json.loads(exc.read().decode("utf-8"))["error"]
        message, code = str(error["message"]), str(error["code"])
    except (ValueError, KeyError, TypeError):
        return Unavailable(f"server {server} answered HTTP {exc.code} without an error body")
    try:
        return _error_class(code)(message)
    except TypeError:  # classes with their own constructor arguments (e.g. UnknownLabel)
        return BeleidsgraafError(message)


def get_json(server: str, path: str, params: dict[str, Any]) -> dict:
    """GET ``server + path`` with the non-empty ``params``; the decoded JSON body."""
    parts = urlsplit(server)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BadParameter(f"server {server!r} is not an http(s) URL", server=server)
    query = urlencode({k: v for k, v in params.items() if v is not None})
    url = f"{server.rstrip('/')}{path}?{query}"
    try:
        with urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310 - scheme checked above
            return json.loads(response.read().decode("utf-8"))
    except HTTPError as exc:
        raise _error_from(exc, server) from exc
    except (URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise Unavailable(f"server {server} cannot be reached: {reason}", server=server) from exc


def remote_search(server: str, query: str, *, doc_type: str | None = None, **options: Any) -> dict:
    """``search.engine.search`` answered by the server at ``server`` (same options, same dict)."""
    return get_json(server, "/api/search", {"q": query, "type": doc_type, **options})
