"""No SPARQL request can take the server down or hold the endpoint (real server, real requests).

A server over the corpus with short limits (2 workers, 2 s, 200 MB). Each test sends what used to
kill or block the server (issue 10) and then checks that the JSON API and a normal query still
answer. Figures (depths, slot recovery, memory at the kill) go to test-artifacts/sparql_isolation.json.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.api.live import LiveServer

TIMEOUT, MEMORY_MB, WORKERS = 2.0, 200, 2
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FIGURES: dict = {}
NORMAL = "PREFIX bg: <https://w3id.org/beleidsgraaf/def#> SELECT ?d WHERE { ?d a bg:PolicyDocument }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HUNGRY = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"


@pytest.fixture(scope="module")
def server(corpus_home):
    from api.app import create_app

    app = create_app(
        corpus_home,
        sparql_timeout=TIMEOUT,
        sparql_memory_mb=MEMORY_MB,
        sparql_workers=WORKERS,
    )
    with LiveServer(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        yield client, app.state.sparql_pool
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "sparql_isolation.json").write_text(json.dumps(FIGURES, indent=2) + "\n")
    print("\nsparql isolation:", json.dumps(FIGURES))


def _sparql(client: httpx.Client, query: str) -> httpx.Response:
    """POST, as a SPARQL client sends long queries (the nested ones exceed httpx's URL limit)."""
    return client.post("/sparql", content=query, headers={"Content-Type": "application/sparql-query"})


def _still_serving(client: httpx.Client) -> None:
    """The JSON API, an HTML page and a normal query all answer."""
    documents = client.get("/api/documents")
    assert documents.status_code == 200 and len(documents.json()) == 5
    assert client.get("/documenten").status_code == 200
    answer = _sparql(client, NORMAL)
    assert answer.status_code == 200 and len(answer.json()["results"]["bindings"]) == 5


# Each pathological shape at its size from the issue, and the deepest variant still accepted
# (limit 128: the braces/brackets of the query around it count too).
SHAPES = {
    "nested groups": (lambda n: "SELECT * WHERE " + "{" * n + "?s ?p ?o" + "}" * n + " LIMIT 1", 3000, 128),
    "nested parentheses": (
        lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * n + "true" + ")" * n + ") } LIMIT 1",
        4650,
        126,
    ),
    "nested OPTIONALs": (
        lambda n: "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * n + "}" * n + " } LIMIT 1",
        3000,
        127,
    ),
    "negations": (lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * n + "true) } LIMIT 1", 10000, 126),
}


@pytest.mark.parametrize("name", list(SHAPES))
def test_pathological_nesting_is_refused_and_just_under_the_limit_answered(server, name):
    client, _ = server
    build, issue_size, deepest = SHAPES[name]
    for size in (issue_size, deepest + 1):
        refused = _sparql(client, build(size))
        assert refused.status_code == 400, (size, refused.text[:200])
        error = refused.json()["error"]
        assert error["code"] == "sparql_too_complex" and error["limit"] == 128
    accepted = _sparql(client, build(deepest))
    assert accepted.status_code == 200, accepted.text[:300]
    assert len(accepted.json()["results"]["bindings"]) == 1
    FIGURES.setdefault("nesting", {})[name] = {
        "refused": [issue_size, deepest + 1],
        "accepted": deepest,
        "depth_accepted": 128,
    }
    _still_serving(client)


def test_long_operator_chains_are_refused_by_token_count(server):
    client, _ = server
    chain = "SELECT * WHERE { ?s ?p ?o FILTER(true" + " && true" * 10_000 + ") } LIMIT 1"
    refused = _sparql(client, chain)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "sparql_too_complex"
    shorter = "SELECT * WHERE { ?s ?p ?o FILTER(true" + " && true" * 3_000 + ") } LIMIT 1"
    assert _sparql(client, shorter).status_code == 200


def test_runaway_queries_are_killed_and_free_their_slots(server):
    client, pool = server
    _sparql(client, NORMAL)  # workers started
    api_latencies: list[float] = []
    stop = threading.Event()

    def watch_api() -> None:
        with httpx.Client(base_url=str(client.base_url), timeout=30) as own:
            while not stop.is_set():
                started = time.perf_counter()
                assert own.get("/api/documents").status_code == 200
                api_latencies.append(time.perf_counter() - started)
                time.sleep(0.1)

    watcher = threading.Thread(target=watch_api)
    watcher.start()
    started = time.monotonic()
    with ThreadPoolExecutor(4) as runaways:
        answers = list(runaways.map(lambda _: (_sparql(client, RUNAWAY), time.monotonic()), range(4)))
    stop.set()
    watcher.join()
    assert [r.status_code for r, _ in answers] == [503] * 4
    assert {r.json()["error"]["code"] for r, _ in answers} == {"sparql_timeout"}
    last_timeout = max(t for _, t in answers)
    normal = _sparql(client, NORMAL)
    freed = time.monotonic() - last_timeout
    assert normal.status_code == 200 and len(normal.json()["results"]["bindings"]) == 5
    assert freed < 10, f"a normal query waited {freed:.1f} s after the last timeout"
    assert api_latencies and max(api_latencies) < 5
    assert len(pool.pids()) == WORKERS  # every killed worker was replaced, none leaked
    FIGURES["runaway"] = {
        "queries": 4,
        "timeout_s": TIMEOUT,
        "all_four_answered_s": round(last_timeout - started, 2),
        "slot_free_after_timeout_s": round(freed, 3),
        "api_requests_meanwhile": len(api_latencies),
        "api_max_latency_ms": round(1000 * max(api_latencies), 1),
    }


def test_memory_hungry_query_is_stopped_at_the_ceiling(server):
    client, pool = server
    response = _sparql(client, HUNGRY)
    assert response.status_code == 503, response.text[:300]
    error = response.json()["error"]
    assert error["code"] == "sparql_memory_limit" and error["limit_mb"] == MEMORY_MB
    assert error["used_mb"] >= MEMORY_MB
    _still_serving(client)
    FIGURES["memory"] = {"ceiling_mb": MEMORY_MB, "rss_at_kill_mb": error["used_mb"], "error": error}


def test_a_crashed_worker_is_replaced_and_the_next_query_answered(server):
    client, pool = server
    _sparql(client, NORMAL)
    result: dict = {}

    def slow() -> None:
        result["response"] = _sparql(client, RUNAWAY)

    runner = threading.Thread(target=slow)
    runner.start()
    deadline = time.monotonic() + TIMEOUT
    while not pool.pids(busy_only=True) and time.monotonic() < deadline:
        time.sleep(0.01)
    busy = pool.pids(busy_only=True)
    assert busy, "the slow query never reached a worker"
    os.kill(busy[0], signal.SIGSEGV)  # what a stack overflow in the engine does
    runner.join()
    crashed = result["response"]
    assert crashed.status_code == 502
    assert crashed.json()["error"]["code"] == "sparql_worker_crashed"
    _still_serving(client)
    assert busy[0] not in pool.pids()


def _running(pid: int) -> bool:
    """True while the process exists and is not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def test_workers_end_with_the_pool_and_with_their_parent(corpus_home):
    from api.sparql.pool import QueryPool

    pool = QueryPool(corpus_home)
    pool.run({"op": "query", "query": "ASK { ?s ?p ?o }"}, time.monotonic() + 30, 30)
    pids = pool.pids()
    assert len(pids) >= 1
    pool.close()
    assert not [pid for pid in pids if _running(pid)]

    script = (
        "import sys, time; from api.sparql.pool import QueryPool; p = QueryPool(sys.argv[1]);"
        "p.run({'op': 'query', 'query': 'ASK {}'}, time.monotonic() + 30, 30);"
        "print(*p.pids(), flush=True); import os; os._exit(0)"  # no cleanup: the workers must notice
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(corpus_home)], capture_output=True, text=True, timeout=60
    )
    orphans = [int(p) for p in out.stdout.split()]
    assert orphans, out.stderr
    deadline = time.monotonic() + 5
    while any(_running(pid) for pid in orphans) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in orphans if _running(pid)]
