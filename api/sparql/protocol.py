"""The ``/sparql`` routes: the SPARQL 1.1 Protocol as rdflib-endpoint speaks it, for a public endpoint.

GET ``?query=``, POST form or ``application/sparql-query``, ``default-graph-uri``/``named-graph-uri``,
content negotiation, a service description on a bare GET. The default graph is the union of all
named graphs unless the query has FROM / FROM NAMED or the request names graphs.

Every query is checked by ``safety`` here (SERVICE/LOAD, nesting, size) and then answered by a
worker process of ``pool``. Errors (JSON ``{"error": {"code", "message"}}``):

* 400 ``sparql_syntax`` / ``sparql_error`` / ``sparql_too_complex`` / ``sparql_service_refused``;
  413 ``query_too_large`` (over 100 kB); 403 for updates without the configured bearer token;
* 503 ``sparql_timeout``: the query ran past the time limit (counted from the moment a worker took
  it); the worker was killed and a fresh one takes its slot;
* 503 ``sparql_memory_limit``: the worker grew past its memory ceiling and was killed;
* 503 ``sparql_busy``: no worker became free within max(time limit, 5 s);
* 502 ``sparql_worker_crashed``: the engine died on this query; the worker was replaced.

Results are cut at ``row_limit`` rows (or triples), flagged with ``X-Result-Truncated: true``.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import StringConstraints

from api.errors import ApiError
from api.openapi import error_responses
from api.sparql.pool import MemoryExceeded, PoolBusy, QueryPool, QueryTimeout, WorkerCrashed
from api.sparql.results import GRAPH_TYPES, SELECT_TYPES, parse_accept
from api.sparql.safety import Limits, check_operation

log = logging.getLogger(__name__)

MAX_QUERY_BYTES = 100_000
WAITING_THREADS = 32  # requests waiting for (or talking to) a worker
MIN_WAIT_SECONDS = 5.0  # a request waits max(timeout, this) for a free worker, time to start one


@dataclass(frozen=True)
class SparqlSettings:
    """Limits of the endpoint; ``update_token`` None means updates are always refused."""

    timeout: float = 30.0
    row_limit: int = 10_000
    update_token: str | None = None
    max_query_bytes: int = MAX_QUERY_BYTES
    limits: Limits = Limits()
    prefixes: dict[str, str] = field(default_factory=dict)


@dataclass
class _Request:
    """A protocol operation decoded from GET parameters, a form or a body."""

    query: str | None = None
    update: str | None = None
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    format: str | None = None


UpdateRunner = Callable[[str], None]  # applies an update through a short-lived writable store handle


# An absolute IRI (scheme first), as pyoxigraph needs for graph names.
GraphIri = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")]
RESULTS = {
    "description": "Query results: SELECT/ASK as SPARQL results, CONSTRUCT/DESCRIBE and the service "
    "description as RDF, negotiated by Accept or `format`",
    "content": {media: {"schema": {}} for media in [*SELECT_TYPES.values(), *GRAPH_TYPES.values()]},
}
_TEXT = {"type": "string", "minLength": 1}
POST_BODY = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {
            "schema": {
                "type": "object",
                "properties": {
                    "query": _TEXT,
                    "update": _TEXT,
                    "default-graph-uri": {"type": "string"},
                    "named-graph-uri": {"type": "string"},
                },
                "oneOf": [{"required": ["query"]}, {"required": ["update"]}],
            }
        },
        "application/sparql-query": {"schema": _TEXT},
        "application/sparql-update": {"schema": _TEXT},
    },
}


def _check_size(text: str | bytes | None, limit: int) -> None:
    size = len(text.encode() if isinstance(text, str) else text or b"")
    if size > limit:
        raise ApiError(413, "query_too_large", f"the query is {size} bytes; the limit is {limit} bytes")


def _decode_params(params: dict[str, list[str]]) -> _Request:
    def one(name: str) -> str | None:
        values = params.get(name)
        if not values:
            return None
        if len(values) > 1:
            raise ApiError(400, "bad_parameter", f"parameter '{name}' given more than once")
        return values[0]

    def first(*names: str) -> str | None:  # clients such as SPARQLWrapper repeat format hints
        return next((params[n][0] for n in names if params.get(n)), None)

    return _Request(
        query=one("query"),
        update=one("update"),
        default_graphs=params.get("default-graph-uri") or params.get("using-graph-uri"),
        named_graphs=params.get("named-graph-uri") or params.get("using-named-graph-uri"),
        format=first("format", "output", "results"),
    )


def _query_params(request: Request) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    return params


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit * 4:
        raise ApiError(
            413, "query_too_large", f"the request body is {declared} bytes; the limit is {limit} bytes"
        )
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit * 4:
            raise ApiError(413, "query_too_large", f"the request body exceeds {limit} bytes")
    return body


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "bad_request", "the request body is not UTF-8") from None


def _pool_error(exc: Exception, timeout: float, workers: int) -> ApiError:
    """The client's view of a job that got no answer."""
    if isinstance(exc, QueryTimeout):
        return ApiError(
            503, "sparql_timeout", f"query exceeded the time limit of {timeout:g} s", limit_seconds=timeout
        )
    if isinstance(exc, MemoryExceeded):
        return ApiError(
            503,
            "sparql_memory_limit",
            f"query needed more than the memory ceiling of {exc.limit_mb} MB and was stopped "
            "(ORDER BY and GROUP BY over large joins hold every row, whatever the LIMIT)",
            limit_mb=exc.limit_mb,
            used_mb=round(exc.rss_mb),
        )
    if isinstance(exc, PoolBusy):
        return ApiError(
            503,
            "sparql_busy",
            f"all {workers} query workers stayed busy for {max(timeout, MIN_WAIT_SECONDS):g} s; "
            "try again later",
            retry_after_seconds=1,
        )
    return ApiError(
        502,
        "sparql_worker_crashed",
        "the query engine crashed on this query; its worker was replaced. Simplify the query",
    )


def create_sparql_router(
    pool: QueryPool, settings: SparqlSettings, run_update: UpdateRunner | None = None
) -> APIRouter:
    """The /sparql router; queries go to ``pool``, updates (token only) to ``run_update``."""
    router = APIRouter(tags=["SPARQL"])
    threads = ThreadPoolExecutor(max_workers=WAITING_THREADS, thread_name_prefix="sparql-wait")
    headers_common = {"Access-Control-Allow-Origin": "*", "Vary": "Accept"}

    async def ask_pool(job: dict[str, Any]) -> dict[str, Any]:
        wait_until = time.monotonic() + max(settings.timeout, MIN_WAIT_SECONDS)
        loop = asyncio.get_running_loop()
        try:
            answer = await loop.run_in_executor(threads, pool.run, job, wait_until, settings.timeout)
        except (QueryTimeout, MemoryExceeded, PoolBusy, WorkerCrashed) as exc:
            raise _pool_error(exc, settings.timeout, pool.settings.size) from None
        if answer.get("ok"):
            return answer
        if answer.get("code") == "syntax":
            raise ApiError(400, "sparql_syntax", f"malformed SPARQL query: {answer['message']}")
        log.warning("SPARQL evaluation failed: %s", answer.get("message"))
        raise ApiError(400, "sparql_error", f"the query could not be evaluated: {answer.get('message')}")

    def respond(answer: dict[str, Any]) -> Response:
        headers = dict(headers_common)
        if answer.get("truncated"):
            headers["X-Result-Truncated"] = "true"
            headers["X-Result-Limit"] = str(settings.row_limit)
        return Response(answer["body"], media_type=answer["media_type"], headers=headers)

    async def answer_query(request: Request, op: _Request) -> Response:
        query = op.query or ""
        _check_size(query, settings.max_query_bytes)
        shape = check_operation(query, update=False, limits=settings.limits)
        job = {
            "op": "query",
            "query": query,
            "union": "FROM" not in shape.keywords,
            "default_graphs": op.default_graphs,
            "named_graphs": op.named_graphs,
            "row_limit": settings.row_limit,
            "accept": request.headers.get("accept"),
            "format": op.format,
            "prefixes": settings.prefixes,
        }
        return respond(await ask_pool(job))

    async def answer_update(request: Request, op: _Request) -> Response:
        if not settings.update_token or run_update is None:
            raise ApiError(403, "forbidden", "this SPARQL endpoint is read-only; updates are not accepted")
        supplied = request.headers.get("authorization", "")
        expected = f"Bearer {settings.update_token}"
        if not hmac.compare_digest(supplied.encode(), expected.encode()):
            raise ApiError(
                403, "forbidden", "updates need 'Authorization: Bearer <token>' with the configured token"
            )
        update = op.update or ""
        _check_size(update, settings.max_query_bytes)
        check_operation(update, update=True, limits=settings.limits)
        try:
            await asyncio.wait_for(asyncio.to_thread(run_update, update), timeout=settings.timeout)
        except TimeoutError:
            raise ApiError(
                503, "sparql_timeout", f"update exceeded the time limit of {settings.timeout:g} s"
            ) from None
        except SyntaxError as exc:
            raise ApiError(400, "sparql_syntax", f"malformed SPARQL update: {exc}") from None
        except (ValueError, OSError, RuntimeError) as exc:
            raise ApiError(400, "sparql_error", f"the update could not be executed: {exc}") from None
        return Response(status_code=204, headers=headers_common)

    async def answer_description(request: Request, format_param: str | None) -> Response:
        job = {
            "op": "describe",
            "endpoint": str(request.url.replace(query="")),
            "update_enabled": bool(settings.update_token and run_update),
            "accept": request.headers.get("accept"),
            "format": format_param,
        }
        return respond(await ask_pool(job))

    @router.get(
        "/sparql",
        summary="SPARQL 1.1 query (GET), or the service description when no query is given",
        responses={
            200: RESULTS,
            303: {"description": "A browser (Accept: text/html) without a query goes to /sparql-editor"},
            **error_responses(400, 405, 413, 422, 502, 503),
        },
    )
    async def sparql_get(
        request: Request,
        query: Annotated[
            str | None, Query(description="SPARQL query; none gives the service description")
        ] = None,
        default_graph_uri: Annotated[list[GraphIri] | None, Query(alias="default-graph-uri")] = None,
        named_graph_uri: Annotated[list[GraphIri] | None, Query(alias="named-graph-uri")] = None,
        format: Annotated[
            str | None, Query(description="json, xml, csv, tsv, turtle, nt, jsonld (overrides Accept)")
        ] = None,
    ) -> Response:
        """Parameters are declared for the API docs; the protocol decoding below reads them itself."""
        raw = request.url.query or ""
        _check_size(raw, settings.max_query_bytes * 4)
        op = _decode_params(_query_params(request))
        if op.update is not None:
            raise ApiError(405, "method_not_allowed", "SPARQL updates must be sent with POST")
        if op.query is None:
            accept = parse_accept(request.headers.get("accept", ""))
            if not op.format and accept[:1] and accept[0][0] == "text/html":
                return RedirectResponse("/sparql-editor", status_code=303)
            return await answer_description(request, op.format)
        return await answer_query(request, op)

    @router.post(
        "/sparql",
        summary="SPARQL 1.1 query or update (POST form, sparql-query or sparql-update body)",
        responses={
            200: RESULTS,
            204: {"description": "Update applied (only with the configured bearer token)"},
            **error_responses(400, 403, 413, 415, 502, 503),
        },
        openapi_extra={"requestBody": POST_BODY},
    )
    async def sparql_post(request: Request) -> Response:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await _read_body(request, settings.max_query_bytes)
        url_params = _query_params(request)
        if content_type == "application/x-www-form-urlencoded":
            params = parse_qs(_text(body), keep_blank_values=True)
            for key, values in url_params.items():
                params.setdefault(key, values)
            op = _decode_params(params)
            if op.query is not None and op.update is not None:
                raise ApiError(400, "bad_request", "give either 'query' or 'update', not both")
            if op.update is not None:
                return await answer_update(request, op)
            if op.query is None:
                raise ApiError(400, "bad_request", "missing 'query' (or 'update') form field")
            return await answer_query(request, op)
        if content_type in ("application/sparql-query", "application/sparql-update"):
            op = _decode_params(url_params)
            text = _text(body)
            if content_type == "application/sparql-update":
                op.update = text
                return await answer_update(request, op)
            op.query = text
            return await answer_query(request, op)
        raise ApiError(
            415,
            "unsupported_media_type",
            "POST needs application/x-www-form-urlencoded, application/sparql-query "
            "or application/sparql-update",
        )

    return router
