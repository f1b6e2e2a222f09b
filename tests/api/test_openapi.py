"""The OpenAPI document is honest: a bounded, seeded schemathesis run finds no failure; headers are set.

schemathesis generates requests from /openapi.json (valid and invalid ones) and checks every answer
against the document: no server error, status code and media type declared, body matching its schema,
schema-valid requests accepted, schema-invalid ones rejected. Two operations carry rules that JSON
Schema cannot state (SPARQL's own grammar; /api/compare's "a and b, or municipality"), so for them a
4xx on a schema-valid request is not counted as a failure; their 4xx are declared and explained.
The run's figures go to test-artifacts/schemathesis.json.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CASES_PER_OPERATION = 12  # per operation and generation mode (valid and invalid requests)
RULES_BEYOND_JSON_SCHEMA = {"/sparql", "/api/compare"}
SLOW_OPERATIONS = {"/api/search": 6}  # embeds every question: fewer cases keep the run bounded


def run_schemathesis(app, cases_per_operation: int = CASES_PER_OPERATION) -> dict:
    """Generate seeded requests for every operation in both modes; return counts and failures."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    run: dict = {"cases": 0, "operations": 0, "statuses": {}, "failures": []}
    run.update(no_invalid_request=[], seconds={})
    for result in schema.get_all_operations():
        operation = result.ok()
        run["operations"] += 1
        excluded = [positive_data_acceptance] if operation.path in RULES_BEYOND_JSON_SCHEMA else []
        started = time.perf_counter()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            budget = min(cases_per_operation, SLOW_OPERATIONS.get(operation.path, cases_per_operation))
            _run_operation(run, operation, mode, excluded, budget)
        run["seconds"][operation.label] = round(time.perf_counter() - started, 1)
    return run


def _run_operation(run: dict, operation, mode, excluded: list, cases_per_operation: int) -> None:
    """Up to ``cases_per_operation`` seeded cases of one operation in one generation mode."""

    @seed(20261203)
    @settings(
        max_examples=cases_per_operation,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case) -> None:
        run["cases"] += 1
        try:
            response = case.call_and_validate(excluded_checks=excluded, timeout=120)
        except (Exception, BaseExceptionGroup) as exc:  # every check failure is collected
            run["failures"].append(f"{case.method} {case.formatted_path} {mode.value}: {exc}"[:600])
            return
        status = str(response.status_code)
        run["statuses"][status] = run["statuses"].get(status, 0) + 1

    try:
        check()
    except Unsatisfiable:  # schemathesis can build no invalid request (e.g. only free-text parameters)
        if mode is not GenerationMode.NEGATIVE:
            raise
        run["no_invalid_request"].append(operation.label)


def test_every_answer_matches_the_openapi_document(app):
    run = run_schemathesis(app)
    report = {**run, "failures": len(run["failures"]), "seed": 20261203}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "schemathesis.json").write_text(json.dumps(report, indent=2) + "\n")
    print("\nschemathesis:", json.dumps(report))
    assert run["operations"] >= 15 and run["cases"] >= 200
    assert not run["failures"], "\n\n".join(run["failures"][:10])


def test_security_headers_on_pages_api_sparql_and_errors(client):
    for path in ("/", "/api/stats", "/sparql?query=ASK%7B%7D", "/api/documents/nope", "/static/css/site.css"):
        response = client.get(path)
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["x-frame-options"] == "DENY", path
        assert response.headers["referrer-policy"] == "same-origin", path
        policy = response.headers["content-security-policy"]
        assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy, path


def test_schema_declares_errors_media_types_and_constraints(client):
    document = client.get("/openapi.json").json()
    paths = document["paths"]
    assert {"404", "422", "503"} <= set(paths["/api/documents/{doc_id}"]["get"]["responses"])
    matrix = paths["/api/matrix"]["get"]
    assert {"application/json", "text/csv"} <= set(matrix["responses"]["200"]["content"])
    post = paths["/sparql"]["post"]
    assert post["requestBody"]["required"] is True and "415" in post["responses"]
    assert "application/sparql-query" in post["requestBody"]["content"]
    assert {"502", "503"} <= set(paths["/sparql"]["get"]["responses"])


def test_schema_valid_requests_named_in_the_issue_are_accepted_or_invalid(client):
    assert client.get("/api/which").status_code == 200
    assert client.get("/api/which").json()["municipalities"]
    for path, params in (
        ("/api/compare", {"a": "", "b": ""}),
        ("/api/concepts", {"type": ""}),
        ("/sparql", {"query": "ASK {}", "default-graph-uri": "no-scheme"}),
    ):
        response = client.get(path, params=params)
        assert response.status_code == 422 and response.json()["error"]["code"] == "bad_parameter", path
    bodyless = client.post("/sparql")
    assert bodyless.status_code == 415
