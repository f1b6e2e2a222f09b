"""How often a goal's theme is the theme the corpus gold gives it, per document.

A goal takes the theme of its chapter (ingest.passages.attribute_themes over the section path), so this
measures segmentation as a comparison sees it: a chapter filed under the chapter before it gives all
its goals the wrong theme. Goals are matched to gold goals as the facts scorer matches them
(``ingest.evaluate.goal_pairs``); unmatched goals are not counted. ``--code DIR`` extracts the goals
with another checkout's ingest (in a subprocess), scored by this one:

    PYTHONPATH=. python benchmarks/goal_themes.py [--code /work/baseline]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from ingest.evaluate import goal_pairs

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared" / "eval" / "gold_facts.json"
# run under any checkout: only ingest.pipeline.ingest_file and Goal.theme_id are needed
PREDICT = """
import json, sys
from pathlib import Path
from ingest.pipeline import ingest_file
out = {}
for name in sys.argv[2:]:
    out[name] = [[g.text, g.theme_id] for g in ingest_file(Path(sys.argv[1]) / name).goals]
print(json.dumps(out))
"""


def predicted_goals(corpus: Path, names: list[str], code: Path | None) -> dict[str, list[list]]:
    """File name → [[goal text, theme id], ...] as the ingest of ``code`` (default: this one) finds them."""
    env = {**os.environ, "PYTHONPATH": str(code or ROOT)}
    run = subprocess.run(
        [sys.executable, "-c", PREDICT, str(corpus), *names],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout)


def agreement(predicted: list[list], gold: list[dict]) -> tuple[int, int]:
    """(goals whose theme agrees with the gold, goals matched to a gold goal)."""
    gold_texts = [g.get("text") or g.get("label", "") for g in gold]
    pairs = goal_pairs([text for text, _ in predicted], gold_texts)
    return sum(predicted[i][1] == gold[k].get("theme") for k, i in pairs), len(pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--code", type=Path, help="another checkout whose ingest extracts the goals")
    args = parser.parse_args()
    gold = json.loads(args.gold.read_text(encoding="utf-8"))["documents"]
    found = predicted_goals(args.corpus, sorted(gold), args.code)
    total_agree = total = 0
    for name in sorted(gold):
        agree, matched = agreement(found[name], gold[name].get("goals", []))
        total_agree += agree
        total += matched
        print(f"{name:60s} {agree:3d} / {matched:3d}")
    print(f"{'all':60s} {total_agree:3d} / {total:3d} = {total_agree / total:.3f}" if total else "no goals")


if __name__ == "__main__":
    main()
