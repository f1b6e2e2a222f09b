"""End-to-end ingest (graph + embedding + index) of generated documents: before and after, one run.

    python -m benchmarks.bench_overlap [--documents 60] [--baseline /work/baseline] [--rounds 1]
        [--variants before,serial,overlapped] [--out benchmarks/results/overlap.json]

Each variant is one ``beleidsgraaf ingest DOCS --json`` in a fresh process (benchmarks/ingest_cli_run.py
under that checkout's ``PYTHONPATH``) into an empty data folder with its own empty embedding cache, so
every passage is embedded once per run. The documents are bench_country's generator's (seed 13), the
same for every variant. Variants:

- ``before``: the checkout given by ``--baseline`` (e.g. the session-start code): graph ingest of every
  document, then the index refresh embeds every passage;
- ``serial``: this code with ``BELEIDSGRAAF_INGEST_OVERLAP=off`` (the same two steps);
- ``overlapped``: this code as it runs by default (one embedding worker beside the graph side, running
  one single-threaded model call per CPU side by side);
- ``overlapped-1thread``: the same with one model call at a time in the worker (the graph side keeps a
  core to itself); ``overlapped-2x1``: two workers of one call each (two models in memory).

Rounds interleave the variants (order reversed every other round) because the machine is shared;
the load average before and after each run is reported beside it. Per run: wall seconds, seconds per
document and the linear extrapolation to the country's 3,420 documents, CPU seconds (the process and
its embedding workers), peak RSS of the main process and of the largest worker (each on its own).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
RUNNER = Path(__file__).resolve().parent / "ingest_cli_run.py"
COUNTRY = 3420


def _run(checkout: Path, docs: Path, home: Path, env_extra: dict[str, str]) -> dict:
    """One ingest in a fresh process; its measurements plus what it built."""
    out = home.with_suffix(".json")
    env = {k: v for k, v in os.environ.items() if k != "BELEIDSGRAAF_EMBED_CACHE"}  # own cache per home
    env.update({"PYTHONPATH": str(checkout), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})
    env.update(env_extra)
    completed = subprocess.run(
        [sys.executable, str(RUNNER), str(out), "--store", str(home), "ingest", str(docs), "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0 or not out.exists():
        raise SystemExit(f"ingest under {checkout} failed:\n{completed.stderr[-3000:]}")
    result = json.loads(out.read_text())
    report = json.loads(completed.stdout)
    meta = json.loads((home / "search" / "meta.json").read_text())
    n = report["totals"]["documents"]
    result.update(
        {
            "documents": n,
            "failures": report["totals"]["failures"],
            "passages": meta["passages"],
            "embedded_by_refresh": meta["embedded"],
            "cached_for_refresh": meta["cached"],
            "graph_stage_seconds": {k: round(v, 1) for k, v in report["stage_seconds"].items()},
            "s_per_document": round(result["wall_s"] / max(n, 1), 3),
            "country_hours": round(result["wall_s"] / max(n, 1) * COUNTRY / 3600, 2),
            "cpu_s_per_document": round(result["cpu_s"] / max(n, 1), 3),
        }
    )
    return result


def run(documents: int, baseline: Path | None, rounds: int, variants: list[str], corpus: Path) -> dict:
    from benchmarks.bench_country import generate

    plans = {
        "before": (baseline, {}),
        "serial": (REPO, {"BELEIDSGRAAF_INGEST_OVERLAP": "off"}),
        "overlapped": (REPO, {}),
        "overlapped-1thread": (REPO, {"BELEIDSGRAAF_EMBED_THREADS": "1"}),
        "overlapped-2x1": (REPO, {"BELEIDSGRAAF_EMBED_WORKERS": "2", "BELEIDSGRAAF_EMBED_THREADS": "1"}),
    }
    unknown = [v for v in variants if v not in plans]
    if unknown:
        raise SystemExit(f"unknown variant(s) {', '.join(unknown)}: choose from {', '.join(plans)}")
    chosen = [v for v in variants if v != "before" or baseline is not None]
    work = Path(tempfile.mkdtemp(prefix="bench-overlap-"))
    try:
        docs = work / "docs"
        generate(docs, documents, corpus)
        runs: dict[str, list[dict]] = {v: [] for v in chosen}
        for r in range(rounds):
            for variant in chosen if r % 2 == 0 else list(reversed(chosen)):
                checkout, env = plans[variant]
                home = work / f"{variant}-{r}"
                result = _run(checkout, docs, home, env)
                print(f"{variant} round {r + 1}: {json.dumps(result)}", file=sys.stderr, flush=True)
                runs[variant].append(result)
                shutil.rmtree(home, ignore_errors=True)
        return {
            "documents": documents,
            "baseline": str(baseline) if baseline else None,
            "command": "beleidsgraaf ingest DOCS --json (fresh data folder and embedding cache per run)",
            "runs": runs,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _print(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"End-to-end ingest of {result['documents']} generated documents")
    for column in (
        "variant",
        "wall s",
        "s/doc",
        "country h",
        "CPU s/doc",
        "RSS main / worker MB",
        "embedded by refresh",
        "load before → after",
    ):
        table.add_column(column, justify="left" if column == "variant" else "right")
    for variant, runs in result["runs"].items():
        for i, r in enumerate(runs, 1):
            table.add_row(
                f"{variant} #{i}",
                str(r["wall_s"]),
                str(r["s_per_document"]),
                str(r["country_hours"]),
                str(r["cpu_s_per_document"]),
                f"{r['peak_rss_main_mb']:.0f} / {r['peak_rss_child_mb']:.0f}",
                f"{r['embedded_by_refresh']} of {r['passages']}",
                f"{r['load_before'][0]} → {r['load_after'][0]}",
            )
    Console().print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=60)
    parser.add_argument("--baseline", type=Path, default=os.environ.get("BENCH_BASELINE"))
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--variants", default="before,overlapped")
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus")
    parser.add_argument("--out", type=Path, default=RESULTS / "overlap.json")
    args = parser.parse_args()
    baseline = Path(args.baseline) if args.baseline else None
    result = run(args.documents, baseline, args.rounds, args.variants.split(","), args.corpus)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    _print(result)


if __name__ == "__main__":
    main()
