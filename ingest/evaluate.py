"""Score extraction against the shared gold set (../shared/eval/gold_facts.json).

Per category (priority themes, themes, instruments, partners, laws, goals) and per document:
precision, recall and F1 over concept ids; goals are matched one-to-one by word overlap of their
text.  ``python -m ingest.evaluate`` ingests corpus/ and prints the table (tables go to stdout, it
is the command's output; progress is logged to stderr).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from pathlib import Path

from ingest.model import STATUSES, IngestedDocument

log = logging.getLogger(__name__)

CATEGORIES = ("priority_themes", "themes", "instruments", "partners", "laws", "goals")
GOAL_OVERLAP = 0.6
ROOT = Path(__file__).resolve().parents[1]
SHARED_EVAL = ROOT.parent / "shared" / "eval"
# gold statuses that describe a product's stage rather than the municipality's use
GOLD_STATUS_ALIASES = {"opgeleverd": "toegepast", "in ontwikkeling": "voornemen"}


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    p = tp / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    r = tp / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "tp": tp,
        "pred": n_pred,
        "gold": n_gold,
        "precision": round(p, 3),
        "recall": round(r, 3),
        "f1": round(f, 3),
    }


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _goal_matches(pred: list[str], gold: list[str]) -> int:
    """One-to-one matches where the shorter text's words are mostly in the other."""
    used: set[int] = set()
    tp = 0
    for g in gold:
        gw = _words(g)
        best, best_score = None, 0.0
        for i, p in enumerate(pred):
            if i in used:
                continue
            pw = _words(p)
            if not gw or not pw:
                continue
            score = len(gw & pw) / min(len(gw), len(pw))
            if score > best_score:
                best, best_score = i, score
        if best is not None and best_score >= GOAL_OVERLAP:
            used.add(best)
            tp += 1
    return tp


def _gold_sets(gold_doc: dict) -> dict[str, set[str] | list[str]]:
    themes = gold_doc.get("themes", {})
    priority = {x["id"] for x in themes.get("priority", [])}
    return {
        "priority_themes": priority,
        "themes": priority | {x["id"] for x in themes.get("other", [])},
        "instruments": {x["id"] for x in gold_doc.get("instruments", [])},
        "partners": {x["id"] for x in gold_doc.get("partners", [])},
        "laws": {x["id"] for x in gold_doc.get("legal_frameworks", [])},
        "goals": [x.get("text") or x.get("label", "") for x in gold_doc.get("goals", [])],
    }


def _pred_sets(doc: IngestedDocument) -> dict[str, set[str] | list[str]]:
    return {
        "priority_themes": {t.concept_id for t in doc.themes if t.priority},
        "themes": {t.concept_id for t in doc.themes},
        "instruments": {i.concept_id for i in doc.instruments},
        "partners": {p.concept_id for p in doc.partners},
        "laws": {m.concept_id for m in doc.mentions if m.concept_type == "law"},
        "goals": [g.text for g in doc.goals],
    }


def score_extraction(docs: dict[str, IngestedDocument], gold: dict) -> dict:
    """P/R/F1 per category overall (micro-averaged) and per document.

    ``docs`` maps a file name to its IngestedDocument; ``gold`` is gold_facts.json (or its
    ``documents`` member).  Only files present in both are scored.
    """
    gold_docs = gold.get("documents", gold)
    per_doc: dict[str, dict] = {}
    totals = {c: [0, 0, 0] for c in CATEGORIES}
    for name, doc in docs.items():
        if name not in gold_docs:
            continue
        g, p = _gold_sets(gold_docs[name]), _pred_sets(doc)
        per_doc[name] = {}
        for cat in CATEGORIES:
            if cat == "goals":
                tp = _goal_matches(list(p[cat]), list(g[cat]))
            else:
                tp = len(set(p[cat]) & set(g[cat]))
            per_doc[name][cat] = _prf(tp, len(p[cat]), len(g[cat]))
            totals[cat][0] += tp
            totals[cat][1] += len(p[cat])
            totals[cat][2] += len(g[cat])
    overall = {cat: _prf(*totals[cat]) for cat in CATEGORIES}
    return {"overall": overall, "documents": per_doc}


def gold_status(raw: str) -> set[str]:
    """Acceptable model statuses for a gold status string.

    Gold values carry qualifiers ("voornemen (actualisatie 2024)"), spell "beëindigd" and
    "geen deelname", and sometimes give two ("voornemen/toegepast"); a few describe a product's
    stage rather than the municipality's use and are mapped in GOLD_STATUS_ALIASES.
    """
    text = re.sub(r"\(.*?\)", "", raw.lower()).strip()
    text = GOLD_STATUS_ALIASES.get(text, text)
    out = set()
    for part in text.split("/"):
        word = part.strip().replace("ë", "e").replace(" ", "_")
        out.add(word if word in STATUSES else word.split("_")[0])
    return out


def score_status(docs: dict[str, IngestedDocument], gold: dict) -> dict:
    """Instrument status agreement on the instruments found in both, per document, plus a confusion
    matrix (gold status -> predicted status -> count) and the list of disagreements."""
    gold_docs = gold.get("documents", gold)
    per_doc: dict[str, dict[str, int]] = {}
    confusion: dict[str, dict[str, int]] = {}
    errors: list[dict[str, str]] = []
    agree_all = total_all = 0
    for name, doc in docs.items():
        if name not in gold_docs:
            continue
        predicted = {i.concept_id: i.status for i in doc.instruments}
        agree = total = 0
        for item in gold_docs[name].get("instruments", []):
            if item["id"] not in predicted:
                continue
            accepted = gold_status(item.get("status", ""))
            pred = predicted[item["id"]]
            total += 1
            key = sorted(accepted)[0] if pred not in accepted else pred
            row = confusion.setdefault(key, {})
            row[pred] = row.get(pred, 0) + 1
            if pred in accepted:
                agree += 1
            else:
                errors.append(
                    {"document": name, "id": item["id"], "gold": item.get("status", ""), "pred": pred}
                )
        per_doc[name] = {"agree": agree, "total": total}
        agree_all += agree
        total_all += total
    return {
        "overall": {"agree": agree_all, "total": total_all},
        "documents": per_doc,
        "confusion": confusion,
        "errors": errors,
    }


def format_status(scores: dict) -> str:
    """Plain-text status accuracy per document and the confusion matrix (rows gold, columns predicted)."""
    lines = [f"{'document':<55} {'status agree':>12} {'acc':>6}"]
    rows = [("OVERALL", scores["overall"])] + sorted(scores["documents"].items())
    for name, s in rows:
        acc = s["agree"] / s["total"] if s["total"] else 0.0
        lines.append(f"{name[:55]:<55} {s['agree']:>5}/{s['total']:<6} {acc:>6.3f}")
    cols = [s for s in STATUSES if any(s in row for row in scores["confusion"].values())]
    lines.append("")
    lines.append("gold \\ predicted".ljust(16) + "".join(f"{c[:10]:>11}" for c in cols))
    for status in STATUSES:
        row = scores["confusion"].get(status)
        if row:
            lines.append(f"{status:<16}" + "".join(f"{row.get(c, 0):>11}" for c in cols))
    return "\n".join(lines)


def format_table(scores: dict) -> str:
    """Plain-text table of a score_extraction() result."""
    lines = [f"{'document':<55} {'category':<16} {'P':>6} {'R':>6} {'F1':>6} {'pred':>5} {'gold':>5}"]
    rows = [("OVERALL", scores["overall"])] + sorted(scores["documents"].items())
    for name, cats in rows:
        for cat in CATEGORIES:
            s = cats[cat]
            lines.append(
                f"{name[:55]:<55} {cat:<16} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f} "
                f"{s['pred']:>5} {s['gold']:>5}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    args = argv if argv is not None else sys.argv[1:]
    corpus = Path(args[0]) if args else ROOT / "corpus"
    gold_path = SHARED_EVAL / "gold_facts.json"
    if not gold_path.exists():
        log.error("no gold set at %s", gold_path)
        return 1
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    from ingest.pipeline import ingest_file

    docs = {}
    for path in sorted(corpus.glob("*.txt")):
        log.info("ingesting %s", path.name)
        docs[path.name] = ingest_file(path)
    print(format_table(score_extraction(docs, gold)))
    print()
    print(format_status(score_status(docs, gold)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
