"""The SPARQL 1.1 Protocol endpoint at ``/sparql``, read-only by default, over the graph store.

Follows the protocol as rdflib-endpoint does (GET ``?query=``, POST form or ``application/sparql-query``,
``default-graph-uri``/``named-graph-uri``, content negotiation, a service description on a bare GET) and
adds what a public endpoint needs:

* **No federation.** ``SERVICE`` (and ``LOAD`` in updates) is refused with 400 *before* execution:
  Oxigraph would otherwise fetch the remote URL. The check runs a small SPARQL lexer (codepoint escapes
  decoded first, then the four string forms, IRIs, comments, variables, language tags and prefixed names
  are recognised as in the SPARQL grammar) and looks for the keyword among the remaining bare words, so
  ``"SERVICE"`` in a string, ``# SERVICE`` in a comment or ``ex:service`` never trip it, while any real
  ``SERVICE`` clause does. The check errs on the side of refusing.
* **A time limit.** The query runs in a worker thread; after ``timeout`` seconds the request answers
  503 ``sparql_timeout``. Oxigraph cannot be interrupted from Python, so the worker stops at the next
  solution it produces (it checks a cancel flag between solutions); an aggregate over a huge join runs on
  in the background until done. A semaphore bounds how many queries run at once.
* **A row cap.** SELECT results and CONSTRUCT/DESCRIBE triples are *truncated* at ``row_limit``; a
  truncated answer carries the header ``X-Result-Truncated: true`` (and ``X-Result-Limit``).
* **Read-only.** Updates answer 403 unless an update token is configured and the request carries
  ``Authorization: Bearer <token>``.
* Queries over 100 kB answer 413. Malformed SPARQL answers 400 ``sparql_syntax`` with the parser message.

The default graph is the union of all named graphs (asserted, inferred, ontology, municipalities) unless
the query has FROM / FROM NAMED or the request names graphs with ``default-graph-uri``/``named-graph-uri``.
"""

from __future__ import annotations

import asyncio
import csv
import hmac
import io
import json
import logging
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.errors import ApiError

log = logging.getLogger(__name__)

MAX_QUERY_BYTES = 100_000
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

DatasetOpener = Callable[[], AbstractContextManager[ox.Store]]
UpdateRunner = Callable[[str], None]


@dataclass(frozen=True)
class SparqlSettings:
    """Limits of the endpoint; ``update_token`` None means updates are always refused."""

    timeout: float = 30.0
    row_limit: int = 10_000
    update_token: str | None = None
    max_query_bytes: int = MAX_QUERY_BYTES
    max_concurrent: int = 4
    prefixes: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- lexical safety check

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
               |\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'
               |"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$]\w+)
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<word>(?:[\w:.%-]|\\.)+)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def _decode_codepoints(text: str) -> str:
    """Apply SPARQL's \\u / \\U escapes (the grammar allows them anywhere, before parsing)."""

    def repl(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group(0)

    return _CODEPOINT.sub(repl, text)


def keywords(query: str) -> set[str]:
    """Upper-cased bare words of a SPARQL text: its keywords, never strings, IRIs, comments or names."""
    found: set[str] = set()
    for match in _TOKEN.finditer(_decode_codepoints(query)):
        if match.lastgroup != "word":
            continue
        word = match.group()
        if ":" in word:  # prefixed name or blank node label
            continue
        found.update(part.upper() for part in word.split(".") if part)
    return found


def check_operation(text: str, *, update: bool) -> set[str]:
    """Refuse federation (SERVICE, and LOAD in updates) before anything runs; return the keywords."""
    words = keywords(text)
    if "SERVICE" in words:
        raise ApiError(
            400, "sparql_service_refused", "SERVICE (federated query) is not allowed on this endpoint"
        )
    if update and "LOAD" in words:
        raise ApiError(400, "sparql_load_refused", "LOAD of remote data is not allowed on this endpoint")
    return words


# --------------------------------------------------------------------------- execution


@dataclass
class Outcome:
    """What a query produced, capped at the row limit."""

    kind: str  # "select" | "ask" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    triples: list[ox.Triple] = field(default_factory=list)
    boolean: bool = False
    truncated: bool = False


def evaluate(
    store: ox.Store,
    query: str,
    *,
    union_default: bool,
    default_graphs: list[str] | None,
    named_graphs: list[str] | None,
    row_limit: int,
    cancelled: threading.Event,
) -> Outcome:
    """Run one query and collect at most ``row_limit`` rows, stopping early when cancelled."""
    kwargs: dict[str, Any] = {}
    if default_graphs is not None or named_graphs is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs or []]
        if named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    elif union_default:
        kwargs["use_default_graph_as_union"] = True
    result = store.query(query, **kwargs)
    if isinstance(result, ox.QueryBoolean):
        return Outcome("ask", boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        outcome = Outcome("select", variables=[v.value for v in result.variables])
        width = len(outcome.variables)
        for solution in result:
            if cancelled.is_set():
                break
            if len(outcome.rows) >= row_limit:
                outcome.truncated = True
                break
            outcome.rows.append([solution[i] for i in range(width)])
        return outcome
    outcome = Outcome("graph")
    for triple in result:
        if cancelled.is_set():
            break
        if len(outcome.triples) >= row_limit:
            outcome.truncated = True
            break
        outcome.triples.append(triple)
    return outcome


class Executor:
    """Runs store work in daemon threads with a deadline and a bound on concurrent work."""

    def __init__(self, open_dataset: DatasetOpener, timeout: float, max_concurrent: int) -> None:
        self.open_dataset = open_dataset
        self.timeout = timeout
        self._slots = threading.BoundedSemaphore(max_concurrent)

    async def run(self, work: Callable[[ox.Store, threading.Event], Any]) -> Any:
        """Run ``work(store, cancelled)``; raise ApiError sparql_timeout after the deadline."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future = loop.create_future()
        cancelled = threading.Event()

        def settle(ok: bool, value: Any) -> None:
            if future.done():
                return
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

        def report(ok: bool, value: Any) -> None:
            if cancelled.is_set():
                return  # the request has given up; nobody is waiting for this
            try:
                loop.call_soon_threadsafe(settle, ok, value)
            except RuntimeError:  # the server's event loop has shut down meanwhile
                pass

        def target() -> None:
            if not self._slots.acquire(timeout=self.timeout):
                return  # the request has timed out already
            try:
                if cancelled.is_set():
                    return
                with self.open_dataset() as store:
                    value = work(store, cancelled)
                report(True, value)
            except BaseException as exc:  # handed to the request, which decides the answer
                report(False, exc)
            finally:
                self._slots.release()

        threading.Thread(target=target, name="sparql-worker", daemon=True).start()
        try:
            return await asyncio.wait_for(future, timeout=self.timeout)
        except TimeoutError:
            cancelled.set()
            raise ApiError(
                503,
                "sparql_timeout",
                f"query exceeded the time limit of {self.timeout:g} s",
                limit_seconds=self.timeout,
            ) from None


# --------------------------------------------------------------------------- result serialisation

SELECT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
ASK_TYPES = {k: SELECT_TYPES[k] for k in ("json", "xml")}
GRAPH_TYPES = {
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
_ALIASES = {  # media types and `format` values clients send, mapped to our format keys
    "select": {
        "application/json": "json",
        "text/javascript": "json",
        "application/javascript": "json",
        "application/xml": "xml",
        "text/xml": "xml",
        "srj": "json",
        "srx": "xml",
    },
    "graph": {
        "text/n3": "turtle",
        "n3": "turtle",
        "ttl": "turtle",
        "application/x-turtle": "turtle",
        "text/plain": "nt",
        "ntriples": "nt",
        "n-triples": "nt",
        "json-ld": "jsonld",
        "json": "jsonld",
        "application/json": "jsonld",
        "xml": "rdfxml",
        "rdf": "rdfxml",
        "rdf+xml": "rdfxml",
        "application/xml": "rdfxml",
        "text/xml": "rdfxml",
        "rdf/xml": "rdfxml",
    },
}
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _parse_accept(header: str) -> list[tuple[str, float, int]]:
    """Media ranges of an Accept header with their q values, best first (ties keep header order)."""
    ranges = []
    for position, item in enumerate(header.split(",")):
        parts = [p.strip() for p in item.split(";")]
        if not parts[0]:
            continue
        q = 1.0
        for param in parts[1:]:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        ranges.append((parts[0].lower(), q, position))
    return sorted(ranges, key=lambda r: (-r[1], r[2]))


def negotiate(kind: str, accept: str | None, format_param: str | None) -> str:
    """The format key to answer with: explicit ``format`` first, then Accept, then the default."""
    table = {"select": SELECT_TYPES, "ask": ASK_TYPES, "graph": GRAPH_TYPES}[kind]
    aliases = _ALIASES["graph" if kind == "graph" else "select"]
    by_type = {media: key for key, media in table.items()}
    if format_param:
        wanted = format_param.strip().lower()
        key = wanted if wanted in table else by_type.get(wanted) or aliases.get(wanted)
        if key in table:
            return key
    for media, q, _ in _parse_accept(accept or ""):
        if q <= 0:
            continue
        key = by_type.get(media) or aliases.get(media)
        if key in table:
            return key
        if media in ("*/*", "application/*") or (
            media.endswith("/*") and any(t.startswith(media[:-1]) for t in table.values())
        ):
            break
    return next(iter(table))


def _json_term(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {k: _json_term(getattr(term, k)) for k in ("subject", "predicate", "object")},
        }
    return {"type": "literal", "value": str(term)}


def _xml_text(text: str) -> str:
    return escape(_XML_INVALID.sub("\ufffd", text))


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{_xml_text(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{_xml_text(term.value)}</literal>"
        return f"<literal>{_xml_text(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        inner = "".join(
            f"<{k}>{_xml_term(getattr(term, k))}</{k}>" for k in ("subject", "predicate", "object")
        )
        return f"<triple>{inner}</triple>"
    return f"<literal>{_xml_text(str(term))}</literal>"


def _csv_value(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def serialise(outcome: Outcome, key: str, prefixes: dict[str, str]) -> bytes:
    """Bytes of a query outcome in the negotiated format."""
    if outcome.kind == "ask":
        if key == "xml":
            value = "true" if outcome.boolean else "false"
            return (
                '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{value}</boolean></sparql>\n"
            ).encode()
        return json.dumps({"head": {}, "boolean": outcome.boolean}).encode()
    if outcome.kind == "graph":
        fmt = {
            "turtle": ox.RdfFormat.TURTLE,
            "nt": ox.RdfFormat.N_TRIPLES,
            "jsonld": ox.RdfFormat.JSON_LD,
            "rdfxml": ox.RdfFormat.RDF_XML,
        }[key]
        used = prefixes if key in ("turtle", "rdfxml") else None
        return ox.serialize(outcome.triples, format=fmt, prefixes=used) or b""
    names = outcome.variables
    if key == "json":
        bindings = [
            {name: _json_term(term) for name, term in zip(names, row, strict=True) if term is not None}
            for row in outcome.rows
        ]
        body = {"head": {"vars": names}, "results": {"bindings": bindings}}
        return json.dumps(body, ensure_ascii=False).encode()
    if key == "xml":
        return "".join(_xml_select(names, outcome.rows)).encode()
    if key == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(names)
        writer.writerows([_csv_value(t) for t in row] for row in outcome.rows)
        return buffer.getvalue().encode()
    lines = ["\t".join(f"?{n}" for n in names)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in outcome.rows]
    return ("\n".join(lines) + "\n").encode()


def _xml_select(names: list[str], rows: list[list[Any]]) -> Iterator[str]:
    yield '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
    yield from (f"<variable name={quoteattr(n)}/>" for n in names)
    yield "</head><results>"
    for row in rows:
        yield "<result>"
        for name, term in zip(names, row, strict=True):
            if term is not None:
                yield f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>"
        yield "</result>"
    yield "</results></sparql>\n"


# --------------------------------------------------------------------------- service description

_SD_FORMATS = [
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
]


def service_description(
    store: ox.Store, endpoint: str, *, update_enabled: bool, cancelled: threading.Event
) -> list[ox.Triple]:
    """SPARQL Service Description of this endpoint, with the dataset described in VoID."""
    sd = "http://www.w3.org/ns/sparql-service-description#"
    void = "http://rdfs.org/ns/void#"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

    def n(iri: str) -> ox.NamedNode:
        return ox.NamedNode(iri)

    service = n(endpoint + "#service")
    dataset = n(endpoint + "#dataset")
    default = n(endpoint + "#default-graph")
    triples = [
        ox.Triple(service, rdf_type, n(sd + "Service")),
        ox.Triple(service, n(sd + "endpoint"), n(endpoint)),
        ox.Triple(service, n(sd + "supportedLanguage"), n(sd + "SPARQL11Query")),
        ox.Triple(service, n(sd + "feature"), n(sd + "UnionDefaultGraph")),
        ox.Triple(service, n(sd + "defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, n(sd + "Dataset")),
        ox.Triple(dataset, n(sd + "defaultGraph"), default),
        ox.Triple(default, rdf_type, n(sd + "Graph")),
        ox.Triple(default, rdf_type, n(void + "Dataset")),
        ox.Triple(
            default,
            n("http://purl.org/dc/terms/description"),
            ox.Literal(
                "Union of all named graphs: asserted and inferred per document, ontology, municipalities"
            ),
        ),
    ]
    if update_enabled:
        triples.append(ox.Triple(service, n(sd + "supportedLanguage"), n(sd + "SPARQL11Update")))
    triples += [
        ox.Triple(service, n(sd + "resultFormat"), n("http://www.w3.org/ns/formats/" + f))
        for f in _SD_FORMATS
    ]
    counts = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    total = 0
    for index, solution in enumerate(counts):
        if cancelled.is_set():
            break
        graph, count = solution["g"], int(solution["n"].value)
        total += count
        entry = n(f"{endpoint}#named-graph-{index}")
        description = n(f"{endpoint}#graph-{index}")
        triples += [
            ox.Triple(dataset, n(sd + "namedGraph"), entry),
            ox.Triple(entry, rdf_type, n(sd + "NamedGraph")),
            ox.Triple(entry, n(sd + "name"), graph),
            ox.Triple(entry, n(sd + "graph"), description),
            ox.Triple(description, rdf_type, n(sd + "Graph")),
            ox.Triple(description, n(void + "triples"), ox.Literal(str(count), datatype=_XSD_INTEGER)),
        ]
    triples.append(ox.Triple(default, n(void + "triples"), ox.Literal(str(total), datatype=_XSD_INTEGER)))
    return triples


_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


# --------------------------------------------------------------------------- the router


@dataclass
class _Request:
    """A protocol operation decoded from GET parameters, a form or a body."""

    query: str | None = None
    update: str | None = None
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    format: str | None = None


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


def create_sparql_router(
    open_dataset: DatasetOpener,
    settings: SparqlSettings,
    run_update: UpdateRunner | None = None,
) -> APIRouter:
    """The /sparql router over a dataset opener (a context manager yielding a pyoxigraph.Store)."""
    router = APIRouter(tags=["SPARQL"])
    executor = Executor(open_dataset, settings.timeout, settings.max_concurrent)
    headers_common = {"Access-Control-Allow-Origin": "*", "Vary": "Accept"}

    async def answer_query(request: Request, op: _Request) -> Response:
        query = op.query or ""
        _check_size(query, settings.max_query_bytes)
        words = check_operation(query, update=False)
        union = "FROM" not in words

        def work(store: ox.Store, cancelled: threading.Event) -> Outcome:
            return evaluate(
                store,
                query,
                union_default=union,
                default_graphs=op.default_graphs,
                named_graphs=op.named_graphs,
                row_limit=settings.row_limit,
                cancelled=cancelled,
            )

        try:
            outcome = await executor.run(work)
        except SyntaxError as exc:
            raise ApiError(400, "sparql_syntax", f"malformed SPARQL query: {exc}") from None
        except (ValueError, TypeError, OSError, RuntimeError) as exc:
            log.warning("SPARQL evaluation failed: %s", exc)
            raise ApiError(400, "sparql_error", f"the query could not be evaluated: {exc}") from None
        key = negotiate(outcome.kind, request.headers.get("accept"), op.format)
        table = {"select": SELECT_TYPES, "ask": ASK_TYPES, "graph": GRAPH_TYPES}[outcome.kind]
        headers = dict(headers_common)
        if outcome.truncated:
            headers["X-Result-Truncated"] = "true"
            headers["X-Result-Limit"] = str(settings.row_limit)
        media = table[key]
        charset = "; charset=utf-8" if not media.endswith("+xml") else ""
        return Response(
            serialise(outcome, key, settings.prefixes), media_type=media + charset, headers=headers
        )

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
        check_operation(update, update=True)
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
        endpoint = str(request.url.replace(query=""))
        update_enabled = bool(settings.update_token and run_update)
        triples = await executor.run(
            lambda store, cancelled: service_description(
                store, endpoint, update_enabled=update_enabled, cancelled=cancelled
            )
        )
        key = negotiate("graph", request.headers.get("accept"), format_param)
        outcome = Outcome("graph", triples=triples)
        prefixes = {
            "sd": "http://www.w3.org/ns/sparql-service-description#",
            "void": "http://rdfs.org/ns/void#",
        }
        return Response(
            serialise(outcome, key, prefixes), media_type=GRAPH_TYPES[key], headers=headers_common
        )

    @router.get(
        "/sparql",
        summary="SPARQL 1.1 query (GET), or the service description when no query is given",
        responses={200: {"content": {m: {} for m in [*SELECT_TYPES.values(), *GRAPH_TYPES.values()]}}},
    )
    async def sparql_get(
        request: Request,
        query: Annotated[
            str | None, Query(description="SPARQL query; none gives the service description")
        ] = None,
        default_graph_uri: Annotated[list[str] | None, Query(alias="default-graph-uri")] = None,
        named_graph_uri: Annotated[list[str] | None, Query(alias="named-graph-uri")] = None,
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
            accept = request.headers.get("accept", "")
            if not op.format and _parse_accept(accept)[:1] and _parse_accept(accept)[0][0] == "text/html":
                return RedirectResponse("/sparql-editor", status_code=303)
            return await answer_description(request, op.format)
        return await answer_query(request, op)

    @router.post(
        "/sparql", summary="SPARQL 1.1 query or update (POST form, sparql-query or sparql-update body)"
    )
    async def sparql_post(request: Request) -> Response:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await _read_body(request, settings.max_query_bytes)
        url_params = _query_params(request)
        if content_type == "application/x-www-form-urlencoded":
            text = _text(body)
            params = parse_qs(text, keep_blank_values=True)
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
