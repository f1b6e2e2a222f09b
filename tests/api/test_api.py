"""The JSON API and the web pages over the ingested corpus: every route, error shapes, hostile input."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "api" / "static" / "examples"
ODD_INPUTS = [
    "\u202e\u0000💥",
    "'; DROP TABLE gemeenten; --",
    '" OR 1=1 --',
    "<script>alert(1)</script>",
    "} } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }",
    "%00%ff",
    "../../etc/passwd",
    "x" * 190,
    "ÄÖÜ ß 中文 العربية",
]


def _error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"])
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def _ws(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- JSON API


def test_search_returns_the_engine_answer_with_evidence(client):
    body = client.get("/api/search", params={"q": "Welke gemeenten passen Damocles toe?"}).json()
    assert {"query", "concepts", "municipalities", "passages", "message"} <= set(body)
    assert any(c["id"].startswith("instrument:") for c in body["concepts"])
    assert body["municipalities"], "a question about a known instrument names municipalities"
    for municipality in body["municipalities"]:
        assert re.fullmatch(r"GM\d{4}", municipality["code"])
        assert municipality["evidence"] and all(e["text"] and e["document"] for e in municipality["evidence"])


def test_search_filters_really_exclude_other_municipalities_and_cap_results(client):
    codes = [m["code"] for m in client.get("/api/municipalities").json()]
    assert len(codes) >= 2
    body = client.get("/api/search", params={"q": "veiligheid", "municipality": codes[0], "top_k": 3}).json()
    assert 0 < len(body["passages"]) <= 3
    assert {p["code"] for p in body["passages"]} == {codes[0]}
    assert body["filters"]["municipality"]["code"] == codes[0]


def test_search_modes_and_year_filter(client):
    for mode in ("bm25", "dense", "hybrid"):
        response = client.get("/api/search", params={"q": "cameratoezicht", "mode": mode, "year": 2024})
        assert response.status_code == 200
        body = response.json()
        assert body["mode"] == mode and body["filters"]["year"] == 2024
        assert body["passages"]
        assert all(_covers(p["period"], 2024) for p in body["passages"])
    unfiltered = client.get("/api/search", params={"q": "cameratoezicht", "top_k": 50}).json()
    assert not all(_covers(p["period"], 2024) for p in unfiltered["passages"])  # the filter removed some


def _covers(period: str | None, year: int) -> bool:
    """A passage's policy period ("2021-2024") or year ("2024") contains ``year``."""
    start, _, end = (period or "0").partition("-")
    return int(start) <= year <= int(end or start)


def test_search_rejects_bad_parameters_with_422(client):
    error = _error(client.get("/api/search", params={"q": "x", "top_k": 0}), 422, "bad_parameter")
    assert any(p["parameter"] == "top_k" for p in error["problems"])
    _error(client.get("/api/search", params={"q": "x", "year": "twintig"}), 422, "bad_parameter")
    _error(client.get("/api/search", params={"q": "x", "mode": "magic"}), 422, "bad_parameter")
    _error(client.get("/api/search"), 422, "bad_parameter")


def test_search_unknown_labels_answer_with_suggestions(client):
    error = _error(
        client.get("/api/search", params={"q": "drugs", "instrument": "damokles"}), 404, "unknown_label"
    )
    assert error["suggestions"]


def test_which_lists_municipalities_with_evidence(client):
    body = client.get("/api/which", params={"instrument": "Damocles"}).json()
    assert body["municipalities"]
    for municipality in body["municipalities"]:
        assert municipality["evidence"]
        assert all(isinstance(e["start"], int) and e["end"] > e["start"] for e in municipality["evidence"])


def test_which_quotes_a_few_facts_per_municipality_unless_asked_for_all(client):
    capped = client.get("/api/which", params={"partner": "politie", "evidence": 1}).json()
    every = client.get("/api/which", params={"partner": "politie", "evidence": 0}).json()
    assert capped["query"]["evidence_limit"] == 1 and every["query"]["evidence_limit"] == 0
    assert any(not m["evidence_complete"] for m in capped["municipalities"])
    assert all(m["evidence_complete"] for m in every["municipalities"])
    assert sum(map(len, (m["evidence"] for m in capped["municipalities"]))) < sum(
        map(len, (m["evidence"] for m in every["municipalities"]))
    )
    _error(client.get("/api/which", params={"partner": "politie", "evidence": -1}), 422)


def test_which_without_criteria_lists_every_municipality_and_labels_must_be_known(client):
    every = client.get("/api/which").json()["municipalities"]
    listed = client.get("/api/municipalities").json()
    assert every and sorted(m["code"] for m in every) == sorted(m["code"] for m in listed)
    error = _error(client.get("/api/which", params={"instrument": "damokles"}), 404, "unknown_label")
    assert any("amocles" in s for s in error["suggestions"])


def test_municipalities_by_code_and_by_name_are_the_same(client):
    listed = client.get("/api/municipalities").json()
    first = listed[0]
    by_code = client.get(f"/api/municipalities/{first['code']}").json()
    by_name = client.get(f"/api/municipalities/{first['name']}").json()
    assert by_code == by_name
    assert len(by_code["documents"]) == first["documents"]
    assert by_code["periods"] and all("instruments" in p for p in by_code["periods"])
    _error(client.get("/api/municipalities/Atlantis"), 404, "unknown_municipality")


def test_document_has_metadata_facts_with_evidence_and_passages(client):
    documents = client.get("/api/documents").json()
    assert len(documents) == client.get("/api/stats").json()["documents"] > 0
    doc = client.get(f"/api/documents/{documents[0]['doc_id']}").json()
    assert doc["document"]["doc_id"] == documents[0]["doc_id"]
    passages = {p["passage"]: p for p in doc["passages"]}
    assert passages
    checked = 0
    for fact in doc["instruments"] + doc["themes"] + doc["partners"]:
        for evidence in fact["evidence"]:
            passage = passages[evidence["passage"]]
            assert passage["start"] <= evidence["start"] < evidence["end"] <= passage["end"]
            assert _ws(evidence["text"]) in _ws(passage["text"])
            checked += 1
    assert checked > 0
    facts = client.get(f"/api/documents/{documents[0]['doc_id']}/facts").json()
    assert facts["instruments"] == doc["instruments"]
    _error(client.get("/api/documents/no-such-document"), 404, "unknown_document")


def test_concepts_carry_dutch_labels_and_a_consistent_hierarchy(client):
    body = client.get("/api/concepts", params={"type": "instrument"}).json()
    assert body["count"] == len(body["concepts"]) > 0
    assert all(c["type"] == "instrument" and c["label"] for c in body["concepts"])
    everything = {c["id"]: c for c in client.get("/api/concepts").json()["concepts"]}
    for concept in everything.values():
        for parent in concept["broader"]:
            assert concept["id"] in everything[parent]["narrower"]
    _error(client.get("/api/concepts", params={"type": "bogus"}), 422, "bad_parameter")


def test_stats_and_openapi(client):
    stats = client.get("/api/stats").json()
    assert stats["passages"] > 0 and stats["triples"]["asserted"] > 0
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "http://" not in docs.text and "https://" not in docs.text  # no CDN: works on a closed network
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/search", "/api/which", "/api/documents/{doc_id}", "/api/concepts", "/sparql"):
        assert path in paths


@pytest.mark.parametrize("odd", ODD_INPUTS)
def test_hostile_input_never_causes_a_server_error(client, odd):
    segment = quote(odd, safe="")
    responses = [
        client.get("/api/search", params={"q": odd}),
        client.get("/api/search", params={"q": "veiligheid", "municipality": odd}),
        client.get("/api/search", params={"q": "veiligheid", "theme": odd}),
        client.get("/api/which", params={"partner": odd}),
        client.get(f"/api/municipalities/{segment}"),
        client.get(f"/api/documents/{segment}"),
        client.get("/sparql", params={"query": odd}),
        client.get("/", params={"q": odd, "theme": odd}),
        client.get(f"/gemeenten/{segment}"),
        client.get(f"/documenten/{segment}"),
    ]
    for response in responses:
        assert response.status_code < 500, (response.request.url, response.text[:300])
        if response.status_code >= 400 and response.headers["content-type"].startswith("application/json"):
            assert "error" in response.json()


def test_sparql_through_the_app_uses_the_union_default_graph(client):
    query = (
        "PREFIX bg: <https://w3id.org/beleidsgraaf/def#> "
        "SELECT (COUNT(?d) AS ?n) WHERE { ?d a bg:PolicyDocument }"
    )
    body = client.get("/sparql", params={"query": query}).json()
    assert int(body["results"]["bindings"][0]["n"]["value"]) == client.get("/api/stats").json()["documents"]
    _error(client.get("/sparql", params={"query": "SELEKT ?x"}), 400, "sparql_syntax")
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 200_000
    _error(client.post("/sparql", content=big, headers={"Content-Type": "application/sparql-query"}), 413)


def test_unknown_routes_are_json_404(client):
    _error(client.get("/api/nothing-here"), 404, "not_found")


# --------------------------------------------------------------------------- web pages


def test_search_page_works_without_javascript(client):
    page = client.get("/")
    assert page.status_code == 200 and 'lang="nl"' in page.text
    assert re.search(r'<form[^>]+method="get"[^>]+action="/(#resultaten)?"', page.text)
    assert 'name="q"' in page.text and 'href="#inhoud"' in page.text
    assert 'name="theme"' in page.text and 'name="municipality"' in page.text
    answer = client.get("/", params={"q": "Welke gemeenten passen Damocles toe?"})
    assert answer.status_code == 200
    assert "municipality-card" in answer.text and "<mark>" in answer.text
    assert re.search(r'href="/documenten/[^"#]+#p\d+"', answer.text)


def test_search_page_explains_errors_in_dutch(client):
    page = client.get("/", params={"q": "drugs", "instrument": "damokles"})
    assert page.status_code == 200 and "Dit begrip kennen we niet" in page.text


def test_municipality_and_document_pages(client):
    municipality = client.get("/api/municipalities").json()[0]
    page = client.get(f"/gemeenten/{municipality['code']}")
    assert page.status_code == 200 and municipality["name"] in page.text
    assert client.get("/gemeenten/GM9999").status_code == 404
    doc_id = client.get("/api/documents").json()[0]["doc_id"]
    doc_page = client.get(f"/documenten/{doc_id}")
    assert doc_page.status_code == 200
    assert doc_page.text.count('class="fact fact-') > 10
    assert re.search(r'<div class="passage" id="p\d+"', doc_page.text)
    assert client.get("/documenten/does-not-exist").status_code == 404
    assert client.get("/gemeenten").status_code == client.get("/documenten").status_code == 200


def test_editor_page_offers_every_example_query_and_vendored_yasgui(client):
    page = client.get("/sparql-editor")
    assert page.status_code == 200
    assert page.text.count("data-example=") == len(list(EXAMPLES.glob("*.rq"))) > 0
    asset = client.get("/static/vendor/yasgui/yasgui.min.js")
    assert asset.status_code == 200, "vendored YASGUI missing: run `make vendor`"
    assert client.get("/over").status_code == 200
