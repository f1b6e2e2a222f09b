"""Load benchmark: latency and throughput of `beleidsgraaf serve` with 1 worker and with N workers.

Both servers run side by side as subprocesses on free loopback ports (never another address) over one
data folder, each with its model and index loaded before timing starts. The benchmark sends a fixed
mix of requests — hybrid search (every query string distinct per server, so each one pays for its
query embedding), `which` and SPARQL — in three phases, each bounded by a number of requests and a
wall-clock cap:

- ``1 client``: one client, each request after the previous answer (the single-client latency);
- ``20 clients``: twenty clients without pause (closed loop: the server is saturated, so latency is
  queueing: by Little's law the mean latency is at least clients × CPU time per request / cores);
- ``20 users``: twenty clients that pause between requests (exponential think time, mean
  ``--think`` seconds, seeded), the load of people reading their answers.

Phases run in rounds, alternating which server goes first (ABBA), and each figure is the median over
the rounds, so a burst of load from other processes on a shared machine hits both servers alike.

    python -m benchmarks.bench_load [--home DIR] [--workers 1,2] [--rounds 3]

Without ``--home`` the corpus is ingested into a temporary data folder first. Results: a table on
stdout and benchmarks/results/load.json (with every round). The clients run on the same cores.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
SEED = 10

TOPICS = [
    "cameratoezicht",
    "aanpak van ondermijning",
    "jeugdoverlast",
    "woninginbraak",
    "drugsoverlast",
    "veiligheidsgevoel van inwoners",
    "personen met verward gedrag",
    "integrale controles",
    "toepassing van de Wet Bibob",
    "huiselijk geweld",
    "sluiting van drugspanden",
    "samenwerking met de politie",
]
OPENINGS = ["", "hoe pakt de gemeente aan:", "beleid over"]
QUALIFIERS = [
    "",
    "in het centrum",
    "bij horecabedrijven",
    "door de gemeente",
    "met partners",
    "in woonwijken",
    "voor jongeren",
    "beleid",
    "maatregelen",
    "resultaten",
    "doelen",
    "in 2024",
    "op bedrijventerreinen",
    "rond scholen",
    "preventie",
    "handhaving",
    "en zorg",
    "in de buitengebieden",
    "tijdens evenementen",
    "van de burgemeester",
]
WHICH = [
    {"instrument": "artikel 13b Opiumwet"},
    {"instrument": "integrale controles"},
    {"instrument": "Wet Bibob"},
    {"theme": "ondermijning"},
    {"theme": "jeugd"},
    {"partner": "politie"},
    {"instrument": "cameratoezicht", "theme": "ondermijning"},
]
BG = "PREFIX bg: <https://w3id.org/beleidsgraaf/def#> "
SPARQL = [
    BG + "SELECT ?d ?t WHERE { ?d a bg:PolicyDocument ; <http://purl.org/dc/terms/title> ?t }",
    BG + "SELECT ?g (COUNT(?i) AS ?n) WHERE { ?g a bg:Municipality ; bg:usesInstrument ?i } GROUP BY ?g",
    BG + "SELECT ?f ?c WHERE { ?f a bg:InstrumentUse ; bg:concept ?c } LIMIT 100",
    BG + "SELECT ?c (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a bg:PolicyDocument ; bg:hasTheme ?c } GROUP BY ?c",
]
MIX = ("search",) * 4 + ("which",) * 3 + ("sparql",) * 3


def _jobs(n: int, queries: itertools.cycle, rng: random.Random) -> list[tuple[str, str, dict]]:
    jobs = []
    for _ in range(n):
        kind = rng.choice(MIX)
        if kind == "search":
            jobs.append((kind, "/api/search", {"q": next(queries)}))
        elif kind == "which":
            jobs.append((kind, "/api/which", rng.choice(WHICH)))
        else:
            jobs.append((kind, "/sparql", {"query": rng.choice(SPARQL)}))
    return jobs


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _summary(results: list[tuple[str, int, float]], wall: float) -> dict:
    ok = [r for r in results if r[1] == 200]
    out = {
        "requests": len(results),
        "errors": len(results) - len(ok),
        "wall_seconds": round(wall, 2),
        "throughput_rps": round(len(ok) / wall, 2) if wall else 0.0,
    }
    latencies = [r[2] for r in ok]
    if latencies:
        out["p50_ms"] = round(1000 * statistics.median(latencies), 1)
        out["p95_ms"] = round(1000 * _percentile(latencies, 0.95), 1)
    for kind in ("search", "which", "sparql"):
        mine = [r[2] for r in ok if r[0] == kind]
        if mine:
            out[kind] = {
                "n": len(mine),
                "p50_ms": round(1000 * statistics.median(mine), 1),
                "p95_ms": round(1000 * _percentile(mine, 0.95), 1),
            }
    return out


def _phase(url: str, jobs: list, clients: int, cap: float, think: float, rng_seed: int) -> dict:
    """Send ``jobs`` with ``clients`` threads; ``think`` > 0 pauses (exponential) between requests."""
    results: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    queue = list(reversed(jobs))
    deadline = time.monotonic() + cap

    def client(index: int) -> None:
        rng = random.Random(rng_seed + index)
        with httpx.Client(base_url=url, timeout=60) as http:
            while time.monotonic() < deadline:
                with lock:
                    if not queue:
                        return
                    kind, path, params = queue.pop()
                if think > 0:
                    time.sleep(min(rng.expovariate(1 / think), max(0.0, deadline - time.monotonic())))
                started = time.perf_counter()
                try:
                    status = http.get(path, params=params).status_code
                except httpx.HTTPError:
                    status = 0
                with lock:
                    results.append((kind, status, time.perf_counter() - started))

    load_before = os.getloadavg()[0]  # other processes on the machine show up as noise
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, range(clients)))
    return {**_summary(results, time.monotonic() - started), "load_avg_1min": round(load_before, 2)}


def _descendants(root: int) -> list[int]:
    """``root`` and every process below it."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    tree = [root]
    for pid in parents:
        ancestor = pid
        while ancestor in parents and ancestor not in (0, 1, root):
            ancestor = parents[ancestor]
        if ancestor == root and pid != root:
            tree.append(pid)
    return tree


def _tree_rss_mb(root: int) -> float:
    """Resident memory of the server's processes (workers and SPARQL workers included)."""
    total = 0
    for pid in _descendants(root):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1)


def _tree_cpu_seconds(root: int) -> float:
    """CPU time (user + system, including reaped children) of ``root`` and all its descendants.

    CPU time per request hardly depends on what else the machine runs, unlike latency, so it says what
    a worker count costs even on a busy machine.
    """
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in _descendants(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11:15]) / tick  # utime stime cutime cstime
    return total


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`beleidsgraaf serve --workers W` on a free loopback port, stopped (its process group) on exit."""

    def __init__(self, home: Path, workers: int) -> None:
        self.home, self.workers = home, workers
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.lines: list[str] = []

    def __enter__(self) -> Server:
        cmd = [sys.executable, "-c", "from api.cli import main; main()", "--store", str(self.home)]
        cmd += ["serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)]
        env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
        self.proc = subprocess.Popen(
            cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env, start_new_session=True
        )
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + 300
        while sum("embedding model loaded" in line for line in self.lines) < self.workers:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("server did not start:\n" + "".join(self.lines[-30:]))
            time.sleep(0.2)
        return self

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.lines.append(line)

    def __exit__(self, *exc: object) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def _prepare_home(home: Path | None, tmp: Path) -> Path:
    if home is not None:
        return home
    from graph.build import ingest_paths
    from search.index import refresh

    home = tmp / "home"
    ingest_paths([REPO / "corpus"], home, progress=False)
    refresh(home, progress=False)
    return home


PHASES = (("1 client", 1, False), ("20 clients", 20, False), ("20 users", 20, True))
METRICS = (
    "p50_ms",
    "p95_ms",
    "throughput_rps",
    "errors",
    "requests",
    "cpu_ms_per_request",
    "load_avg_1min",
)


def _median_phase(rounds: list[dict]) -> dict:
    out = {
        m: statistics.median(r[m] for r in rounds if m in r) for m in METRICS if any(m in r for r in rounds)
    }
    for kind in ("search", "which", "sparql"):
        values = [r[kind]["p95_ms"] for r in rounds if kind in r]
        if values:
            out[kind] = {"p95_ms": statistics.median(values)}
    return out


def run(
    home: Path,
    workers: list[int],
    requests: int,
    concurrent: int,
    think: float,
    cap: float,
    rounds: int,
) -> dict:
    rng = random.Random(SEED)
    strings = [f"{o} {t} {q}".strip() for o, t, q in itertools.product(OPENINGS, TOPICS, QUALIFIERS)]
    rng.shuffle(strings)
    out: dict = {"home": str(home), "cores": os.cpu_count(), "think_seconds": think, "rounds": rounds}
    raw: dict[int, dict[str, list[dict]]] = {w: {name: [] for name, _, _ in PHASES} for w in workers}
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(Server(home, w)) for w in workers]
        queries = {s.workers: itertools.cycle(strings) for s in servers}  # distinct per server
        for server in servers:  # first requests load lazy parts (matchers, query plans) in every worker
            warm = _jobs(15 * server.workers, itertools.cycle(["veiligheid", "ondermijning"]), rng)
            _phase(server.url, warm, 2 * server.workers, cap, 0, 0)
        for r in range(rounds):
            for name, clients, paced in PHASES:
                order = servers if r % 2 == 0 else list(reversed(servers))
                for server in order:
                    n = requests if clients == 1 else concurrent
                    jobs = _jobs(n, queries[server.workers], rng)
                    cpu = _tree_cpu_seconds(server.proc.pid)
                    result = _phase(server.url, jobs, clients, cap, think if paced else 0, SEED + r)
                    cpu = _tree_cpu_seconds(server.proc.pid) - cpu
                    result["cpu_ms_per_request"] = round(1000 * cpu / max(1, result["requests"]), 1)
                    raw[server.workers][name].append(result)
        rss = {server.workers: _tree_rss_mb(server.proc.pid) for server in servers}
    out["runs"] = [
        {
            "workers": w,
            "rss_mb": rss[w],
            "phases": {name: _median_phase(raw[w][name]) for name, _, _ in PHASES},
            "raw": raw[w],
        }
        for w in workers
    ]
    return out


def _print(result: dict) -> None:
    print(
        f"\nLoad on {result['cores']} cores, median of {result['rounds']} rounds "
        f"(think time of '20 users': {result['think_seconds']} s mean)"
    )
    header = f"{'workers':>7} {'phase':<11} {'req':>5} {'err':>4} {'p50 ms':>8} {'p95 ms':>8} "
    header += f"{'req/s':>7} {'p95 / 1 client':>15} {'search p95':>11} {'which p95':>10} {'sparql p95':>11}"
    header += f" {'CPU ms/req':>10} {'load':>5}"
    print(header)
    for entry in result["runs"]:
        print(f"  {entry['workers']} worker(s): {entry['rss_mb']} MB resident after the run")
    for entry in result["runs"]:
        single = entry["phases"]["1 client"].get("p95_ms")
        for name, p in entry["phases"].items():
            ratio = f"{p['p95_ms'] / single:.1f}×" if single and p.get("p95_ms") else "–"
            kinds = [f"{p.get(k, {}).get('p95_ms', '–')}" for k in ("search", "which", "sparql")]
            print(
                f"{entry['workers']:>7} {name:<11} {p['requests']:>5} {p['errors']:>4} "
                f"{p.get('p50_ms', '–'):>8} {p.get('p95_ms', '–'):>8} {p['throughput_rps']:>7} "
                f"{ratio:>15} {kinds[0]:>11} {kinds[1]:>10} {kinds[2]:>11} "
                f"{p.get('cpu_ms_per_request', '–'):>10} {p['load_avg_1min']:>5}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, default=None, help="data folder (default: ingest corpus/)")
    parser.add_argument("--workers", default=None, help="comma-separated worker counts (default 1,<cores>)")
    parser.add_argument("--requests", type=int, default=30, help="requests of a 1-client phase")
    parser.add_argument("--concurrent", type=int, default=150, help="requests of a 20-client phase")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of all phases on every server")
    parser.add_argument("--think", type=float, default=2.0, help="mean pause of a '20 users' client (s)")
    parser.add_argument("--cap", type=float, default=120.0, help="wall-clock cap per phase (s)")
    parser.add_argument("--out", type=Path, default=RESULTS / "load.json")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    workers = [int(w) for w in args.workers.split(",")] if args.workers else sorted({1, cores})
    with tempfile.TemporaryDirectory() as tmp:
        home = _prepare_home(args.home, Path(tmp))
        result = run(home, workers, args.requests, args.concurrent, args.think, args.cap, args.rounds)
    _print(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
