"""Answer latency beside its floor, in one run: warm search p95 in-process and through a server.

    python -m benchmarks.answers_latency STORE [STORE ...] [--questions FILE ...] [--out FILE]

Per store, over the dev questions (Dutch and English):
- ``floor``: the query embedded without cache plus a bare faiss search (what any dense search pays);
- ``in_process``: ``search.engine.search`` (hybrid + the decision per municipality), warm: every
  question once to load the index, models and caches, then timed;
- ``server``: ``GET /api/search`` of a ``beleidsgraaf serve --workers 1`` on a loopback
  port, warm the same way, one client.
p50 and p95 in milliseconds. A benchmark, on demand: never part of ``make test``.
"""

from __future__ import annotations

import argparse
import json
import time
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np

from benchmarks.bench_load import Server

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"


def _texts(files: list[Path]) -> list[str]:
    from search.evaluate import questions_to_run

    out = []
    for f in files:
        data = json.loads(f.read_text(encoding="utf-8"))["questions"]
        out += [text for _, _, text, _ in questions_to_run(data)]
    return out


def _summary(seconds: list[float]) -> dict:
    ms = np.asarray(seconds) * 1000
    p50, p95 = (round(float(np.percentile(ms, q)), 1) for q in (50, 95))
    return {"p50_ms": p50, "p95_ms": p95}


def measure(home: Path, texts: list[str]) -> dict:
    from search.engine import load_index, search
    from search.evaluate import floor_seconds

    load_index(home)
    floor = floor_seconds(home, texts)
    for text in texts:  # warm-up
        search(home, text)
    timed = []
    for text in texts:
        started = time.perf_counter()
        search(home, text)
        timed.append(time.perf_counter() - started)
    served = []
    with Server(home, 1) as server:
        for warm in (True, False):
            for text in texts:
                url = f"{server.url}/api/search?" + urllib.parse.urlencode({"q": text})
                started = time.perf_counter()
                with urllib.request.urlopen(url, timeout=120) as response:
                    response.read()
                if not warm:
                    served.append(time.perf_counter() - started)
    passages = len(load_index(home).passages)
    return {
        "passages": passages,
        "questions": len(texts),
        "floor": _summary(floor),
        "in_process": _summary(timed),
        "server": _summary(served),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stores", nargs="+", type=Path)
    parser.add_argument(
        "--questions",
        nargs="*",
        type=Path,
        default=[SHARED / "questions.json", SHARED / "municipalities" / "questions.json"],
    )
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    texts = _texts(args.questions)
    out = {}
    for home in args.stores:
        out[str(home)] = measure(home, texts)
        print(home, json.dumps(out[str(home)]), flush=True)
    if args.out:
        args.out.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
