"""How often a goal's theme is the theme the corpus gold gives it, per document.

A goal takes the theme of its chapter (ingest.passages.attribute_themes over the section path), so this
measures segmentation as a comparison sees it: a chapter filed under the chapter before it gives all
its goals the wrong theme. Goals are matched to gold goals as the facts scorer matches them
(ingest.evaluate: the shorter text's words mostly in the other, one to one); unmatched goals are not
counted. Runs under any checkout (it only needs ``ingest.pipeline.ingest_file`` and ``Goal.theme_id``):

    PYTHONPATH=/work/baseline python benchmarks/goal_themes.py    # before
    PYTHONPATH=. python benchmarks/goal_themes.py                 # after
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from ingest.pipeline import ingest_file

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared" / "eval" / "gold_facts.json"
OVERLAP = 0.6  # as ingest.evaluate.GOAL_OVERLAP


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def agreement(predicted: list[tuple[str, str | None]], gold: list[dict]) -> tuple[int, int]:
    """(goals whose theme agrees, goals matched) between predicted (text, theme) and gold goals."""
    used: set[int] = set()
    agree = matched = 0
    for goal in gold:
        words = _words(goal.get("text") or goal.get("label", ""))
        best, best_score = None, 0.0
        for i, (text, _) in enumerate(predicted):
            other = _words(text)
            if i in used or not words or not other:
                continue
            score = len(words & other) / min(len(words), len(other))
            if score > best_score:
                best, best_score = i, score
        if best is not None and best_score >= OVERLAP:
            used.add(best)
            matched += 1
            agree += predicted[best][1] == goal.get("theme")
    return agree, matched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--gold", type=Path, default=GOLD)
    args = parser.parse_args()
    gold = json.loads(args.gold.read_text(encoding="utf-8"))["documents"]
    total_agree = total = 0
    for name in sorted(gold):
        doc = ingest_file(args.corpus / name)
        agree, matched = agreement([(g.text, g.theme_id) for g in doc.goals], gold[name].get("goals", []))
        total_agree += agree
        total += matched
        print(f"{name:60s} {agree:3d} / {matched:3d}")
    print(f"{'all':60s} {total_agree:3d} / {total:3d} = {total_agree / total:.3f}" if total else "no goals")


if __name__ == "__main__":
    main()
