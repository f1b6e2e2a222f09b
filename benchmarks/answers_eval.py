"""Answer evaluation on given stores, for this code or for another checkout (the baseline), same scoring.

    python -m benchmarks.answers_eval --out results.json NAME=STORE:QUESTIONS ...
    PYTHONPATH=/work/baseline python /path/to/benchmarks/answers_eval.py --modes dense,bm25,hybrid ...

Scoring always comes from this file's repository (search/evaluate.py, loaded by path), so the baseline's
answers are scored exactly like the new ones; ``search`` comes from whatever code PYTHONPATH points to.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parents[1]


def _scoring():
    spec = importlib.util.spec_from_file_location("answers_scoring", HERE / "search" / "evaluate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("stores", nargs="+", help="NAME=STORE:QUESTIONS")
    parser.add_argument("--modes", default="dense,bm25,hybrid,answer")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    from search.engine import search

    scoring = _scoring()
    modes = [m for m in args.modes.split(",") if m]
    out = {}
    for spec in args.stores:
        name, rest = spec.split("=", 1)
        store, questions = rest.split(":", 1)
        data = json.loads(Path(questions).read_text(encoding="utf-8"))["questions"]
        rows = []
        for qid, lang, text, q in scoring.questions_to_run(data):
            row = {"id": qid, "lang": lang, "question": text}
            for mode in modes:
                kwargs = dict(scoring.SEARCH_ARGS[mode])
                if mode == "hybrid" and "answer" not in modes:
                    kwargs.pop("answer", None)  # the baseline code has no answer switch: its hybrid answer
                started = time.perf_counter()
                result = search(Path(store), text, **kwargs)
                if isinstance(result.get("query"), str):
                    result["query"] = {"text": result["query"]}
                row[mode] = scoring.score_result(result, q)
                row[mode]["seconds"] = round(time.perf_counter() - started, 4)
            rows.append(row)
        summary = {}
        for mode in modes:
            s = scoring._summary(rows, mode)
            s["p95_seconds"] = round(float(np.percentile([r[mode]["seconds"] for r in rows], 95)), 4)
            summary[mode] = s
        out[name] = {"questions": rows, "summary": summary}
        args.out.write_text(json.dumps(out, indent=1, ensure_ascii=False))
        print(name, json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
