"""The /sparql router speaks the SPARQL 1.1 Protocol over any pyoxigraph store (no corpus needed)."""

from __future__ import annotations

import csv
import functools
import io
import json
import shutil
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.errors import install_error_handlers
from api.sparql.pool import PoolSettings, QueryPool
from api.sparql.protocol import SparqlSettings, create_sparql_router
from api.sparql.results import negotiate
from api.sparql.safety import keywords

EX = "http://example.org/"
G1, G2 = EX + "graph/one", EX + "graph/two"


def _sample(store: ox.Store) -> None:
    p, name = ox.NamedNode(EX + "p"), ox.NamedNode(EX + "name")
    for i in range(50):
        store.add(
            ox.Quad(
                ox.NamedNode(f"{EX}s{i}"),
                p,
                ox.Literal(str(i), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
                ox.NamedNode(G1),
            )
        )
    store.add(
        ox.Quad(
            ox.NamedNode(EX + "s0"), name, ox.Literal('Hengelo, "O."\ttab', language="nl"), ox.NamedNode(G2)
        )
    )


def _cartesian(store: ox.Store) -> None:
    for i in range(200):  # 8 million combinations: seconds of work, bounded
        store.add(
            ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), ox.Literal(str(i)), ox.NamedNode(G1))
        )


_DATA = {"sample": _sample, "cartesian": _cartesian}
_CLEANUP: list = []


@pytest.fixture(scope="module", autouse=True)
def _cleanup():
    """Worker processes and store folders of this module end with it."""
    yield
    for action in _CLEANUP:
        action()
    _client.cache_clear()


@functools.cache
def _client(data: str = "sample", **settings) -> TestClient:
    """A /sparql app over an on-disk store holding ``data``, answered by a one-worker pool."""
    home = Path(tempfile.mkdtemp(prefix="sparql-protocol-"))
    store = ox.Store(str(home / "store"))
    _DATA[data](store)
    store.flush()
    del store  # RocksDB closes when the handle is dropped; the workers open it read-only
    pool = QueryPool(home, PoolSettings(size=1, memory_mb=512))
    _CLEANUP.extend([pool.close, lambda: shutil.rmtree(home, ignore_errors=True)])
    updates: list[str] = []
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(create_sparql_router(pool, SparqlSettings(**settings), updates.append))
    client = TestClient(app)
    client.updates = updates  # type: ignore[attr-defined]
    return client


COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def test_get_select_defaults_to_sparql_json_over_the_union_of_named_graphs():
    response = _client().get("/sparql", params={"query": COUNT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    body = response.json()
    assert body["head"]["vars"] == ["n"]
    assert body["results"]["bindings"][0]["n"] == {
        "type": "literal",
        "value": "51",
        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
    }
    assert response.headers["access-control-allow-origin"] == "*"


def test_post_form_and_sparql_query_body_give_the_same_answer():
    client = _client()
    form = client.post("/sparql", data={"query": COUNT})
    body = client.post("/sparql", content=COUNT, headers={"Content-Type": "application/sparql-query"})
    assert form.status_code == body.status_code == 200
    assert form.json() == body.json()


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("text/html,*/*;q=0.8", "application/sparql-results+json"),
    ],
)
def test_select_formats_follow_the_accept_header(accept, media):
    query = f"SELECT ?s ?name WHERE {{ ?s <{EX}name> ?name }}"
    response = _client().get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    text = response.text
    if media == "text/csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows == [["s", "name"], [EX + "s0", 'Hengelo, "O."\ttab']]
    elif media == "text/tab-separated-values":
        header, row = text.rstrip("\n").split("\n")
        assert header == "?s\t?name"
        assert row.split("\t")[0] == f"<{EX}s0>" and "\t" not in row.split("\t", 1)[1]
    elif media.endswith("xml"):
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        literal = ET.fromstring(response.content).find(".//r:literal", ns)
        assert literal.text == 'Hengelo, "O."\ttab'
        assert literal.get("{http://www.w3.org/XML/1998/namespace}lang") == "nl"
    else:
        binding = response.json()["results"]["bindings"][0]["name"]
        assert binding == {"type": "literal", "value": 'Hengelo, "O."\ttab', "xml:lang": "nl"}


def test_format_parameter_overrides_accept():
    response = _client().get(
        "/sparql",
        params={"query": COUNT, "format": "csv"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.headers["content-type"].startswith("text/csv")


def test_ask_and_construct():
    client = _client()
    ask = client.get("/sparql", params={"query": f"ASK {{ <{EX}s3> ?p 3 }}"})
    assert ask.json() == {"head": {}, "boolean": True}
    construct = f"CONSTRUCT {{ ?s <{EX}q> ?o }} WHERE {{ ?s <{EX}p> ?o FILTER(?o < 2) }}"
    turtle = client.get("/sparql", params={"query": construct})
    assert turtle.headers["content-type"].startswith("text/turtle")
    parsed = list(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE))
    assert len(parsed) == 2
    nt = client.get("/sparql", params={"query": construct}, headers={"Accept": "application/n-triples"})
    assert nt.headers["content-type"].startswith("application/n-triples")
    assert len(nt.text.strip().splitlines()) == 2
    jsonld = client.get("/sparql", params={"query": construct}, headers={"Accept": "application/ld+json"})
    assert isinstance(json.loads(jsonld.text), list)


def test_named_graph_parameters_restrict_the_dataset():
    client = _client()
    only_two = client.get("/sparql", params={"query": COUNT, "default-graph-uri": G2})
    assert only_two.json()["results"]["bindings"][0]["n"]["value"] == "1"
    from_clause = client.get(
        "/sparql", params={"query": f"SELECT (COUNT(*) AS ?n) FROM <{G1}> WHERE {{ ?s ?p ?o }}"}
    )
    assert from_clause.json()["results"]["bindings"][0]["n"]["value"] == "50"


def test_bare_get_returns_a_service_description_listing_the_named_graphs():
    response = _client().get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    triples = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    names = {t.object.value for t in triples if t.predicate.value == sd + "name"}
    assert names == {G1, G2}
    endpoints = {t.object.value for t in triples if t.predicate.value == sd + "endpoint"}
    assert endpoints == {"http://testserver/sparql"}
    assert any(
        t.predicate.value == "http://rdfs.org/ns/void#triples" and t.object.value == "51" for t in triples
    )


def test_browsers_asking_for_html_without_a_query_go_to_the_editor():
    response = _client().get("/sparql", headers={"Accept": "text/html"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/sparql-editor"


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "select * where { service silent <http://127.0.0.1:9/x> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o . SERVICE?endpoint{ ?s ?p ?o } }",
        "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
        "SELECT * WHERE { # comment\n SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
    ],
)
def test_service_is_refused_before_execution(query):
    response = _client().get("/sparql", params={"query": query})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "sparql_service_refused"


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s ?p "SERVICE <http://x> { }" }',
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x> { }",
        "PREFIX service: <http://example.org/>\nSELECT * WHERE { ?s service:SERVICE ?o }",
        "SELECT ?service WHERE { ?service ?p ?o }",
        "SELECT * WHERE { ?s ?p '''a 'quoted' SERVICE <x> {}''' }",
        "SELECT * WHERE { ?s <http://example.org/SERVICE#x> ?o }",
    ],
)
def test_the_word_service_in_strings_comments_names_and_iris_is_not_a_service_clause(query):
    assert "SERVICE" not in keywords(query)
    assert _client().get("/sparql", params={"query": query}).status_code == 200


def test_malformed_sparql_is_400_with_the_parser_message():
    response = _client().get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "sparql_syntax" and "error at" in error["message"]


def test_huge_query_is_413():
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 100_001
    response = _client().post("/sparql", content=query, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "query_too_large"


def test_updates_are_refused_without_a_token():
    client = _client()
    for response in (
        client.post("/sparql", data={"update": "CLEAR ALL"}),
        client.post("/sparql", content="CLEAR ALL", headers={"Content-Type": "application/sparql-update"}),
    ):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
    assert client.updates == []
    assert client.get("/sparql", params={"update": "CLEAR ALL"}).status_code == 405


def test_updates_need_the_configured_bearer_token_and_never_load():
    client = _client(update_token="s3cret")
    insert = f"INSERT DATA {{ <{EX}a> <{EX}b> <{EX}c> }}"
    assert client.post("/sparql", data={"update": insert}).status_code == 403
    wrong = client.post("/sparql", data={"update": insert}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403
    ok = client.post("/sparql", data={"update": insert}, headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 204 and client.updates == [insert]
    load = client.post(
        "/sparql", data={"update": "LOAD <http://127.0.0.1:9/x>"}, headers={"Authorization": "Bearer s3cret"}
    )
    assert load.status_code == 400 and load.json()["error"]["code"] == "sparql_load_refused"


def test_results_are_truncated_at_the_row_cap_with_a_header():
    client = _client(row_limit=10)
    response = client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o }"})
    assert len(response.json()["results"]["bindings"]) == 10
    assert response.headers["x-result-truncated"] == "true"
    small = client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"})
    assert "x-result-truncated" not in small.headers


def test_expensive_query_times_out_with_a_json_error_naming_the_limit():
    client = _client("cartesian", timeout=0.5)
    started = time.monotonic()
    response = client.get(
        "/sparql",
        params={
            "query": "SELECT ?a ?b ?c WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z "
            "FILTER(STRLEN(CONCAT(STR(?x), STR(?y), STR(?z))) = 3) }"
        },
    )
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "sparql_timeout" and "0.5 s" in error["message"]


def test_unsupported_post_content_type_is_415():
    response = _client().post("/sparql", content="x", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


def test_negotiation_prefers_higher_q_values():
    assert negotiate("select", "text/csv;q=0.5, application/sparql-results+xml", None) == "xml"
    assert negotiate("graph", "application/n-triples;q=0.9, text/turtle;q=0.1", None) == "nt"
    assert negotiate("ask", "text/csv", None) == "json"
