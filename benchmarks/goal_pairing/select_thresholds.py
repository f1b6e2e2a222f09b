"""Choose the goal-alignment thresholds (search.goal_match.AlignSettings) on the development pairing.

Procedure (run on demand, not in the tests):

1. Side A of each development document pair = the goals ingest extracted from a source document, read
   from the given stores (with their targets). Side B = the rewordings in ``dev_pairs.json`` (each names
   the A goal it continues and its relation) plus new goals that continue nothing. A goals without a
   rewording are dropped. The two Hengelo integral safety plans are not in the set.
2. Every setting on a grid (score scale: plain cosine or CSLS; threshold within a theme, threshold across
   themes, bonus for a shared target unit)
   aligns every pair with the project's embedding model; pair precision, recall and F1 are pooled over
   all pairs.
3. The chosen setting has the highest F1 among those with precision >= 0.8 (ties: higher precision, then
   higher thresholds, the more conservative choice). The relation accuracy of the correctly found pairs
   is reported beside it.

    PYTHONPATH=. python benchmarks/goal_pairing/select_thresholds.py --store STORE [--store STORE2 ...]

The stores must hold the source documents named in ``dev_pairs.json`` (the corpus and the documents of
``../shared/eval/municipalities/docs``).
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

import numpy as np

from graph.compare import document_content
from graph.read import documents
from graph.store import GraphStore
from search.goal_match import AlignSettings, align_goals, default_embedder

DEV_FILE = Path(__file__).resolve().parent / "dev_pairs.json"
MIN_PRECISION = 0.8


def load_sides(stores: list[Path]) -> list[dict]:
    """Per development document: side A goals, side B goals and the gold pairs {(a, b): relation}."""
    spec = json.loads(DEV_FILE.read_text(encoding="utf-8"))["documents"]
    found: dict[str, list[dict]] = {}
    sources = {key: entry.get("source_document", key) for key, entry in spec.items()}
    for home in stores:
        with GraphStore.open(home, read_only=True) as store:
            for doc in documents(store):
                if doc.doc_id in sources.values():
                    found[doc.doc_id] = document_content(store, doc).goals_with_targets()
    missing = sorted(set(sources.values()) - set(found))
    if missing:
        raise SystemExit(f"source documents not in the stores: {', '.join(missing)}")
    sides = []
    for doc_id, entry in spec.items():
        goals_a = found[sources[doc_id]]
        by_number = {int(g["id"].rsplit("/", 1)[-1]): i for i, g in enumerate(goals_a)}
        goals_b, gold = [], {}
        for item in entry["rewordings"]:
            source = goals_a[by_number[item["source"]]]
            gold[(by_number[item["source"]], len(goals_b))] = item["relation"]
            goals_b.append(
                {
                    "text": item["text"],
                    "theme": item.get("theme", source["theme"]),
                    "targets": item.get("targets", source["targets"]),
                }
            )
        goals_b += [{"text": n["text"], "theme": n.get("theme"), "targets": []} for n in entry["new"]]
        sides.append({"doc_id": doc_id, "a": goals_a, "b": goals_b, "gold": gold})
    return sides


def score(sides: list[dict], embed, settings: AlignSettings) -> dict:
    found = correct = relation_right = gold_total = 0
    for side in sides:
        pairs = align_goals(side["a"], side["b"], embed, settings)
        gold = side["gold"]
        gold_total += len(gold)
        found += len(pairs)
        for p in pairs:
            if (p.a, p.b) in gold:
                correct += 1
                relation_right += gold[(p.a, p.b)] == p.relation
    precision = correct / found if found else 1.0
    recall = correct / gold_total if gold_total else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "pairs_found": found,
        "pairs_correct": correct,
        "gold_pairs": gold_total,
        "relation_accuracy": round(relation_right / correct, 3) if correct else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", action="append", type=Path, required=True)
    parser.add_argument("--json", action="store_true", help="print every grid point as JSON")
    args = parser.parse_args()
    sides = load_sides(args.store)
    embed = default_embedder(args.store[0])
    grid = []
    levels = {"cosine": np.arange(0.84, 0.96, 0.01), "csls": np.arange(-0.03, 0.08, 0.01)}
    for scale, values in levels.items():
        for same, extra, bonus in itertools.product(
            np.round(values, 2), (0.0, 0.01, 0.02, 0.03), (0.0, 0.01, 0.02, 0.03)
        ):
            settings = AlignSettings(
                same_theme=float(same),
                other_theme=round(float(same + extra), 2),
                target_bonus=bonus,
                scale=scale,
            )
            grid.append((settings, score(sides, embed, settings)))
    eligible = [g for g in grid if g[1]["precision"] >= MIN_PRECISION] or grid
    best = max(
        eligible,
        key=lambda g: (
            g[1]["f1"],
            g[1]["precision"],
            g[0].same_theme,
            g[0].other_theme,
            -g[0].target_bonus,
        ),
    )
    if args.json:
        print(json.dumps([{**vars(s), **r} for s, r in grid], indent=1))
    gold = sum(len(s["gold"]) for s in sides)
    print(f"development pairing: {len(sides)} document pairs, {gold} gold pairs")
    print("scale   same_theme other_theme bonus  precision recall  f1   relation_acc")
    for settings, result in sorted(grid, key=lambda g: -g[1]["f1"])[:12]:
        print(
            f"{settings.scale:7s} {settings.same_theme:10.2f} {settings.other_theme:11.2f}"
            f" {settings.target_bonus:5.2f}"
            f"  {result['precision']:9.3f} {result['recall']:6.3f} {result['f1']:5.3f}"
            f" {result['relation_accuracy']}"
        )
    print("chosen:", vars(best[0]), best[1])


if __name__ == "__main__":
    main()
