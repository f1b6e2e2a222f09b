"""Choose the answer thresholds on both dev sets jointly: a small grid, mean answer-set F1, ties by errors.

    python -m search.tune NAME=STORE:QUESTIONS ... [--grid floor=0.35,0.45,0.55 qualifier_cosine=0.84,0.86]

Each grid point sets the thresholds of ``search.decide.DecideSettings`` through their environment
variables, runs the final answer ("answer" mode of search/evaluate.py) on every given store, and scores
mean F1 over all scored questions of all sets together (must_not_include errors break ties, fewer first).
The best point is printed with its figures; put it in DecideSettings' defaults. Never tune per question.
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
}
DEFAULT_GRID = {
    "floor": [0.35, 0.45, 0.55],
    "theme_floor": [0.2, 0.3, 0.4],
    "qualifier_cosine": [0.84, 0.86, 0.88],
}


def grid_points(grid: dict[str, list[float]]) -> list[dict[str, float]]:
    keys = sorted(grid)
    return [dict(zip(keys, values, strict=True)) for values in itertools.product(*(grid[k] for k in keys))]


def score_point(point: dict[str, float], sets: list[tuple[Path, Path]]) -> dict:
    """Mean F1 and errors of the final answer over all sets with these thresholds."""
    from search.evaluate import evaluate

    for key, value in point.items():
        os.environ[ENV[key]] = str(value)
    f1s: list[float] = []
    errors = 0
    for home, questions in sets:
        result = evaluate(home, questions, ("answer",))
        f1s += [r["answer"]["f1"] for r in result["questions"] if r["answer"]["f1"] is not None]
        errors += result["summary"]["answer"]["errors"]
    return {"point": point, "f1": sum(f1s) / len(f1s) if f1s else 0.0, "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stores", nargs="+", help="NAME=STORE:QUESTIONS")
    parser.add_argument("--grid", nargs="*", default=[], help="key=v1,v2 (keys: " + ", ".join(ENV) + ")")
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
    results.sort(key=lambda r: (-r["f1"], r["errors"]))
    print(json.dumps({"best": results[0], "all": results}, indent=1))


if __name__ == "__main__":
    main()
