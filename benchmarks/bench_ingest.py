"""Ingest benchmark: per-stage time for the whole corpus and for one added, replaced and removed document.

The baseline is a full ingest of ``corpus/`` into an empty data folder, measured in the same run; the
incremental operations are reported as ratios of it. Each data folder starts with an empty embedding
cache, so the baseline and the added document pay for embedding their passages (as a first ``make run``
does), while replacing an unchanged document finds its vectors cached.

    python -m benchmarks.bench_ingest [--corpus corpus/] [--out benchmarks/results/ingest.json]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from graph.build import ingest_paths, remove
from ingest.load import iter_documents
from search.index import refresh

log = logging.getLogger("bench_ingest")
REPO = Path(__file__).resolve().parents[1]


def _timed_ingest(paths: list[Path], home: Path) -> dict:
    t0 = time.perf_counter()
    report = ingest_paths(paths, home, progress=False)
    graph_seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    stats = refresh(home, progress=False)
    search_seconds = time.perf_counter() - t1
    return {
        "documents": len(report.documents),
        "failures": [f for f, _ in report.failures],
        "stages": {k: round(v, 3) for k, v in sorted(report.stage_seconds.items())},
        "graph_seconds": round(graph_seconds, 3),
        "search_refresh_seconds": round(search_seconds, 3),
        "embedded": stats.get("embedded"),
        "cached": stats.get("cached"),
        "total_seconds": round(graph_seconds + search_seconds, 3),
        "triples": report.totals,
    }


def run(corpus: Path) -> dict:
    files = sorted(iter_documents([corpus]))
    if len(files) < 2:
        raise SystemExit(f"need at least two documents in {corpus}")
    held_out = max(files, key=lambda p: p.stat().st_size)  # the largest: the worst case for one document
    rest = [f for f in files if f != held_out]
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        os.environ.pop("BELEIDSGRAAF_EMBED_CACHE", None)  # each data folder gets its own, empty cache
        full = _timed_ingest([corpus], tmp_path / "full")

        home = tmp_path / "incremental"
        base = _timed_ingest(rest, home)
        added = _timed_ingest([held_out], home)
        replaced = _timed_ingest([held_out], home)
        t0 = time.perf_counter()
        remove(home, held_out.name)
        refresh(home, progress=False)
        removed_seconds = time.perf_counter() - t0
        shutil.rmtree(home, ignore_errors=True)
    baseline = full["total_seconds"]
    return {
        "corpus": str(corpus),
        "documents": len(files),
        "held_out": held_out.name,
        "baseline_full_corpus": full,
        "without_held_out": base,
        "add_one": added,
        "replace_one": replaced,
        "remove_one_seconds": round(removed_seconds, 3),
        "ratios_vs_full_corpus": {
            "add_one": round(added["total_seconds"] / baseline, 3),
            "replace_one": round(replaced["total_seconds"] / baseline, 3),
            "remove_one": round(removed_seconds / baseline, 3),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "ingest.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    result = run(args.corpus)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
