"""20 concurrent clients against search and SPARQL on a real loopback server: no errors, bounded latency.

Bounded by construction: 200 requests in total, a 60 s wall-clock cap, loopback address only.
Latencies (p50/p95 per kind) are printed and written to test-artifacts/load.json.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

CLIENTS = 20
REQUESTS = 200
WALL_CLOCK_CAP = 60.0
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

SEARCHES = [
    "cameratoezicht in het centrum",
    "aanpak van ondermijning",
    "jeugdoverlast en jeugdgroepen",
    "samenwerking met de politie",
    "woninginbraak voorkomen",
    "drugsoverlast sluiting pand",
    "veiligheidsgevoel van inwoners",
    "zorg en veiligheid personen met verward gedrag",
]
BG = "PREFIX bg: <https://w3id.org/beleidsgraaf/def#> "
SPARQL = [
    BG + "SELECT ?d ?t WHERE { ?d a bg:PolicyDocument ; <http://purl.org/dc/terms/title> ?t }",
    BG + "SELECT ?g (COUNT(?i) AS ?n) WHERE { ?g a bg:Municipality ; bg:usesInstrument ?i } GROUP BY ?g",
    BG + "SELECT ?f ?c WHERE { ?f a bg:InstrumentUse ; bg:concept ?c } LIMIT 100",
]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def test_concurrent_search_and_sparql_without_errors(live_url):
    assert live_url.startswith("http://127.0.0.1:")
    with httpx.Client(base_url=live_url, timeout=30) as warm:  # model loading is not what we measure
        assert warm.get("/api/search", params={"q": "veiligheid"}).status_code == 200

    jobs = [
        ("search", {"q": SEARCHES[i % len(SEARCHES)]}) if i % 2 == 0 else ("sparql", {"query": SPARQL[i % 3]})
        for i in range(REQUESTS)
    ]
    results: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + WALL_CLOCK_CAP
    local = threading.local()

    def run(job: tuple[str, dict]) -> None:
        if time.monotonic() > deadline:
            with lock:
                results.append((job[0], -1, 0.0))
            return
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=live_url, timeout=30)
        kind, params = job
        path = "/api/search" if kind == "search" else "/sparql"
        started = time.perf_counter()
        try:
            status = local.client.get(path, params=params).status_code
        except httpx.HTTPError:
            status = 0
        with lock:
            results.append((kind, status, time.perf_counter() - started))

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(run, jobs))
    wall = time.monotonic() - started

    errors = [r for r in results if r[1] != 200]
    report = {
        "clients": CLIENTS,
        "requests": len(results),
        "wall_seconds": round(wall, 2),
        "errors": len(errors),
    }
    for kind in ("search", "sparql"):
        latencies = [r[2] for r in results if r[0] == kind and r[1] == 200]
        report[kind] = {
            "n": len(latencies),
            "p50_ms": round(1000 * statistics.median(latencies), 1),
            "p95_ms": round(1000 * _percentile(latencies, 0.95), 1),
        }
    print("\nload test:", json.dumps(report))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load.json").write_text(json.dumps(report, indent=2) + "\n")
    assert len(results) == REQUESTS
    assert not errors, f"{len(errors)} failed requests, e.g. {errors[:5]}"
    assert wall < WALL_CLOCK_CAP
