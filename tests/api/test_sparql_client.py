"""A real SPARQL client (SPARQLWrapper) against a real uvicorn server over the corpus.

Runs every example query shipped with the UI (api/static/examples/*.rq, also shown in the README).
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.error
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from SPARQLWrapper import CSV, JSON, POST, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from tests.api.live import LiveServer

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "api" / "static" / "examples").glob("*.rq"))
README_QUERIES = re.findall(r"```sparql\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.S)
BG = "PREFIX bg: <https://w3id.org/beleidsgraaf/def#>\n"
DOCS = BG + "SELECT ?d WHERE { ?d a bg:PolicyDocument } ORDER BY ?d"


def _wrapper(url: str, query: str, fmt=JSON, method=None) -> SPARQLWrapper:
    sparql = SPARQLWrapper(url + "/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    if method:
        sparql.setMethod(method)
    return sparql


@pytest.mark.parametrize("method", ["GET", POST])
def test_select_as_json_by_get_and_post(live_url, method):
    result = _wrapper(live_url, DOCS, JSON, method).queryAndConvert()
    documents = [b["d"]["value"] for b in result["results"]["bindings"]]
    assert documents and all(d.startswith("https://w3id.org/beleidsgraaf/id/doc/") for d in documents)


def test_select_as_xml_csv_and_tsv_agree(live_url):
    as_json = [
        b["d"]["value"] for b in _wrapper(live_url, DOCS, JSON).queryAndConvert()["results"]["bindings"]
    ]
    xml = _wrapper(live_url, DOCS, XML).queryAndConvert()
    ns = "http://www.w3.org/2005/sparql-results#"
    assert [u.firstChild.data for u in xml.getElementsByTagNameNS(ns, "uri")] == as_json
    rows = list(csv.reader(io.StringIO(_wrapper(live_url, DOCS, CSV).queryAndConvert().decode())))
    assert rows[0] == ["d"] and [r[0] for r in rows[1:]] == as_json
    tsv = _wrapper(live_url, DOCS, TSV).queryAndConvert().decode().splitlines()
    assert tsv[0] == "?d" and tsv[1:] == [f"<{d}>" for d in as_json]


def test_ask_and_construct(live_url):
    ask = _wrapper(live_url, BG + "ASK { ?d a bg:PolicyDocument }").queryAndConvert()
    assert ask["boolean"] is True
    construct = BG + "CONSTRUCT { ?d a bg:PolicyDocument } WHERE { ?d a bg:PolicyDocument }"
    graph = _wrapper(live_url, construct, TURTLE).queryAndConvert()
    triples = list(ox.parse(graph, format=ox.RdfFormat.TURTLE))
    assert len(triples) == len(_wrapper(live_url, DOCS).queryAndConvert()["results"]["bindings"])


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_query_runs_and_answers(live_url, path):
    query = path.read_text(encoding="utf-8")
    is_graph = "CONSTRUCT" in query.upper().split("WHERE")[0]
    result = _wrapper(live_url, query, TURTLE if is_graph else JSON).queryAndConvert()
    if is_graph:
        assert list(ox.parse(result, format=ox.RdfFormat.TURTLE)), "CONSTRUCT example returned no triples"
    elif "boolean" in result:
        assert isinstance(result["boolean"], bool)
    else:
        assert result["results"]["bindings"], f"{path.name} returned no rows on the corpus"


def test_readme_has_example_queries():
    assert len(README_QUERIES) >= 4


@pytest.mark.parametrize("query", README_QUERIES, ids=[f"readme-{i}" for i in range(len(README_QUERIES))])
def test_every_readme_query_runs_and_answers(live_url, query):
    result = _wrapper(live_url, query, JSON).queryAndConvert()
    assert result["results"]["bindings"], f"README query returned no rows on the corpus:\n{query}"


def test_service_description_lists_the_named_graphs(live_url):
    response = httpx.get(live_url + "/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
    names = {t.object.value for t in triples if t.predicate.value.endswith("#name")}
    assert "https://w3id.org/beleidsgraaf/graph/ontology" in names
    assert any("/graph/asserted/" in n for n in names) and any("/graph/inferred/" in n for n in names)


def test_updates_are_refused(live_url):
    for request_method in ("urlencoded", "postdirectly"):
        sparql = _wrapper(live_url, "CLEAR ALL")
        sparql.setMethod(POST)
        sparql.setRequestMethod(request_method)
        with pytest.raises(urllib.error.HTTPError) as refused:
            sparql.query()
        assert refused.value.code == 403
    response = httpx.post(live_url + "/sparql", data={"update": "CLEAR ALL"})
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    still_there = _wrapper(live_url, BG + "ASK { ?d a bg:PolicyDocument }").queryAndConvert()
    assert still_there["boolean"] is True


def test_service_clause_is_refused_without_contacting_anyone(live_url):
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    with pytest.raises(QueryBadFormed):
        _wrapper(live_url, query).queryAndConvert()
    response = httpx.get(live_url + "/sparql", params={"query": query})
    assert response.json()["error"]["code"] == "sparql_service_refused"


def test_cors_header_for_browsers_on_other_origins(live_url):
    response = httpx.get(
        live_url + "/sparql", params={"query": DOCS}, headers={"Origin": "https://example.org"}
    )
    assert response.headers["access-control-allow-origin"] == "*"


def test_timeout_and_row_cap_on_a_strict_server(indexed_home):
    """A server configured with a 0.5 s limit and a 25-row cap."""
    from api.app import create_app

    strict = create_app(indexed_home, sparql_timeout=0.5, sparql_row_limit=25)
    # 200 × 200 × 200 combinations of passages with a filter that never holds: seconds of work, bounded.
    expensive = BG + (
        "SELECT ?a ?b ?c WHERE { "
        "{ SELECT ?a ?x WHERE { ?a a bg:Passage ; bg:index ?x } LIMIT 200 } "
        "{ SELECT ?b ?y WHERE { ?b a bg:Passage ; bg:index ?y } LIMIT 200 } "
        "{ SELECT ?c ?z WHERE { ?c a bg:Passage ; bg:index ?z } LIMIT 200 } "
        "FILTER(STRLEN(CONCAT(STR(?x), STR(?y), STR(?z))) > 100) }"
    )
    with LiveServer(strict) as url:
        with pytest.raises(urllib.error.HTTPError) as timed_out:
            _wrapper(url, expensive).queryAndConvert()
        assert timed_out.value.code == 503
        response = httpx.get(url + "/sparql", params={"query": expensive}, timeout=30)
        assert response.status_code == 503
        error = response.json()["error"]
        assert error["code"] == "sparql_timeout" and error["limit_seconds"] == 0.5
        capped = httpx.get(url + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, timeout=30)
        assert capped.status_code == 200 and capped.headers["x-result-truncated"] == "true"
        assert len(json.loads(capped.content)["results"]["bindings"]) == 25
