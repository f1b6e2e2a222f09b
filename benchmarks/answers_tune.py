"""Choose the answer thresholds on the dev sets jointly (documented procedure, never per question).

    python -m benchmarks.answers_tune NAME=STORE:QUESTIONS ... [--grid floor=0.2,0.25,0.3 ...] [--out FILE]

A selection script, not product code: the product reads the chosen values as the defaults of
``search.decide.DecideSettings`` and ``search.concept_vectors``. The stores are those of
``beleidsgraaf eval`` (search/evaluate.py ``suite_stores``): both dev sets and their scale variant.

Procedure:
1. every point of a small grid sets the thresholds of ``search.decide.DecideSettings`` and of the meaning
   match (``search.concept_vectors``) through their environment variables;
2. the final answer ("answer" mode of search/evaluate.py) is scored on every given store; the score of a
   point is the mean answer-set F1 over all scored questions of all sets together;
3. hard constraints: no ``must_not_include`` municipality in any answer, and no concept found by meaning
   that is not one of the question's gold concepts (``answer.instrument|theme|partner|law|instruments``,
   or a broader/narrower one; a question without gold concepts must get none by meaning);
4. among eligible points within ``PLATEAU`` of the best F1: the most permissive meaning match (smallest
   lead over the runner-up, then lowest cosine: a paraphrase often sits close to a sibling concept), then
   the highest mean evidence hit@5 (the answer's first passages prove it), then the most robust point:
   the highest mean F1 of its grid neighbours (one threshold one step away), then the point nearest the
   middle of the grid.
The chosen point and every scored point are printed (and written with ``--out``); put the chosen values
in the defaults of DecideSettings / concept_vectors and the rationale in the README.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
from pathlib import Path

ENV = {
    "floor": "BELEIDSGRAAF_ANSWER_FLOOR",
    "theme_floor": "BELEIDSGRAAF_THEME_FLOOR",
    "qualifier_cosine": "BELEIDSGRAAF_QUALIFIER_COSINE",
    "dense_weight": "BELEIDSGRAAF_DENSE_WEIGHT",
    "cosine_floor": "BELEIDSGRAAF_COSINE_FLOOR",
    "meaning_min": "BELEIDSGRAAF_MEANING_MIN",
    "meaning_margin": "BELEIDSGRAAF_MEANING_MARGIN",
    "family_weight": "BELEIDSGRAAF_FAMILY_WEIGHT",
    "idf": "BELEIDSGRAAF_COVERAGE_IDF",
}
DEFAULT_GRID = {
    "floor": [0.2, 0.25, 0.3],
    "theme_floor": [0.3, 0.35, 0.4, 0.45],
    "qualifier_cosine": [0.84, 0.86, 0.88],
    "meaning_min": [0.86, 0.87, 0.88, 0.89],
    "meaning_margin": [0.01, 0.02],
    "family_weight": [0.0, 0.25, 0.5, 0.75],
    "idf": [0.0, 1.0],
}
PLATEAU = 0.005


def grid_points(grid: dict[str, list[float]]) -> list[dict[str, float]]:
    keys = sorted(grid)
    return [dict(zip(keys, values, strict=True)) for values in itertools.product(*(grid[k] for k in keys))]


def score_point(point: dict[str, float], sets: list[tuple[Path, Path]]) -> dict:
    """Mean F1 and must_not errors of the final answer over all sets with these thresholds."""
    from search.evaluate import evaluate

    for key, value in point.items():
        os.environ[ENV[key]] = str(value)
    f1s: list[float] = []
    hits: list[float] = []
    errors = 0
    wrong: list[str] = []
    for home, questions in sets:
        result = evaluate(home, questions, ("answer",))
        f1s += [r["answer"]["f1"] for r in result["questions"] if r["answer"]["f1"] is not None]
        hits += [r["answer"]["hit@5"] for r in result["questions"] if r["answer"]["hit@5"] is not None]
        errors += result["summary"]["answer"]["errors"]
        wrong += meaning_errors(home, questions)
    return {
        "point": point,
        "f1": round(sum(f1s) / len(f1s), 4) if f1s else 0.0,
        "hit@5": round(sum(hits) / len(hits), 4) if hits else 0.0,
        "errors": errors,
        "meaning_errors": wrong,
    }


def _gold_concepts(answer: dict) -> set[str]:
    from ontology.vocabulary import broader_closure, load_concepts, narrower_closure

    known = load_concepts()
    ids: set[str] = set()
    for key in ("instrument", "theme", "partner", "law", "instruments"):
        value = answer.get(key)
        for cid in [value] if isinstance(value, str) else value or []:
            if cid in known:
                ids |= {cid, *narrower_closure(cid), *broader_closure(cid)}
    return ids


def meaning_errors(home: Path, questions: Path) -> list[str]:
    """Concepts found by meaning in the questions that are none of their gold concepts ("qid: id")."""
    from search.engine import load_index
    from search.evaluate import questions_to_run
    from search.question import understand

    meta = load_index(home).meta
    data = json.loads(Path(questions).read_text(encoding="utf-8"))["questions"]
    out = []
    for qid, _lang, text, q in questions_to_run(data):
        gold = _gold_concepts(q.get("answer") or {})
        u = understand(text, model=meta.get("model"), runtime=meta.get("runtime", "torch"))
        out += [f"{qid}: {c['id']}" for c in u.concepts if c["by"] == "meaning" and c["id"] not in gold]
    return out


def choose(results: list[dict], grid: dict[str, list[float]]) -> dict:
    """The chosen point (steps 3-4 of the module doc)."""
    eligible = [r for r in results if r["errors"] == 0 and not r["meaning_errors"]]
    if not eligible:
        raise SystemExit("no grid point answers without must_not_include errors; widen the grid")
    best = max(r["f1"] for r in eligible)
    plateau = [r for r in eligible if r["f1"] >= best - PLATEAU]
    by_point = {tuple(sorted(r["point"].items())): r for r in results}

    def neighbours(r: dict) -> float:
        found = []
        for key, values in grid.items():
            k = values.index(r["point"][key])
            for step in (-1, 1):
                if 0 <= k + step < len(values):
                    other = dict(r["point"], **{key: values[k + step]})
                    n = by_point.get(tuple(sorted(other.items())))
                    if n:
                        found.append(n["f1"] if n["errors"] == 0 and not n["meaning_errors"] else 0.0)
        return sum(found) / len(found) if found else 0.0

    def off_centre(r: dict) -> float:
        return sum(abs(values.index(r["point"][key]) - (len(values) - 1) / 2) for key, values in grid.items())

    def meaning(r: dict) -> tuple[float, float]:
        return (r["point"].get("meaning_margin", 0.0), r["point"].get("meaning_min", 0.0))

    ranked = sorted(plateau, key=lambda r: (meaning(r), -r.get("hit@5", 0.0), -neighbours(r), off_centre(r)))
    chosen = dict(ranked[0])
    chosen["neighbour_f1"] = round(neighbours(ranked[0]), 4)
    chosen["plateau_size"] = len(plateau)
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stores", nargs="+", help="NAME=STORE:QUESTIONS")
    parser.add_argument("--grid", nargs="*", default=[], help="key=v1,v2 (keys: " + ", ".join(ENV) + ")")
    parser.add_argument("--out", type=Path, default=None, help="also write the result as JSON here")
    args = parser.parse_args()
    grid = dict(DEFAULT_GRID)
    for item in args.grid:
        key, values = item.split("=", 1)
        if key not in ENV:
            raise SystemExit(f"unknown threshold {key!r}; choose from {', '.join(ENV)}")
        grid[key] = [float(v) for v in values.split(",")]
    sets = []
    for spec in args.stores:
        _, rest = spec.split("=", 1)
        store, questions = rest.split(":", 1)
        sets.append((Path(store), Path(questions)))
    results = [score_point(p, sets) for p in grid_points(grid)]
    out = {"grid": grid, "chosen": choose(results, grid), "all": results}
    text = json.dumps(out, indent=1)
    if args.out:
        args.out.write_text(text + "\n")
    print(json.dumps(out["chosen"]))


if __name__ == "__main__":
    main()
