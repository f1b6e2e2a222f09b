"""Score extraction on both dev sets, beside another checkout's figures in the same run.

- corpus set (``../shared/eval/gold_facts.json`` over ``corpus/``): P/R/F1 over concept ids per
  category (priority themes, themes, instruments, partners, laws, goals) and per document; instrument
  status agreement beside the majority baseline (every instrument ``toegepast``).
- municipalities set (``../shared/eval/municipalities/gold.json`` over its ``docs/``): municipality,
  document type, period, key concepts, all concepts (P/R per category, honouring ``accept_ids`` and
  ``acceptable``), ``must_not`` concepts, and validity (in force from/until, lapsed, replaces).

``python -m ingest.evaluate [--code DIR] [--json] [--cues]`` (or ``beleidsgraaf eval --facts``, the
same functions) ingests both sets with this checkout and, with
``--code``, with the ``ingest`` package of DIR (e.g. /work/baseline) in a subprocess; both are scored
by this scorer.  Tables go to stdout (they are the command's output), progress to stderr.  When the
shared eval folder is absent the command says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from ingest.eval_predict import record
from ingest.model import STATUSES, IngestedDocument
from ontology.canonical import canonical_id

log = logging.getLogger(__name__)

CATEGORIES = ("priority_themes", "themes", "instruments", "partners", "laws", "goals")
MUNI_CATEGORIES = ("instruments", "themes", "partners", "all", "laws")
GOAL_OVERLAP = 0.6
ROOT = Path(__file__).resolve().parents[1]
SHARED_EVAL = ROOT.parent / "shared" / "eval"
MUNI_DIR = SHARED_EVAL / "municipalities"
MAJORITY_STATUS = "toegepast"
# gold statuses that describe a product's stage rather than the municipality's use
GOLD_STATUS_ALIASES = {"opgeleverd": "toegepast", "in ontwikkeling": "voornemen"}

Record = dict[str, Any]


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


def _as_records(docs: dict[str, IngestedDocument | Record]) -> dict[str, Record]:
    return {name: d if isinstance(d, dict) else record(d) for name, d in docs.items()}


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def goal_pairs(pred: list[str], gold: list[str]) -> list[tuple[int, int]]:
    """One-to-one (gold index, predicted index) matches where the shorter text's words are mostly in the
    other (each gold goal takes its best unused prediction)."""
    used: set[int] = set()
    pairs = []
    for k, g in enumerate(gold):
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
            pairs.append((k, best))
    return pairs


def _goal_matches(pred: list[str], gold: list[str]) -> int:
    return len(goal_pairs(pred, gold))


# ------------------------------------------------------------------------------------------ corpus


def _gold_sets(gold_doc: dict) -> dict[str, set[str] | list[str]]:
    """Gold ids as facts record them (ontology.canonical: retired ids → their replacement, regional
    bodies → their generic partner concept, whose fact carries the body); predictions likewise."""
    themes = gold_doc.get("themes", {})
    priority = {canonical_id(x["id"]) for x in themes.get("priority", [])}
    return {
        "priority_themes": priority,
        "themes": priority | {canonical_id(x["id"]) for x in themes.get("other", [])},
        "instruments": {canonical_id(x["id"]) for x in gold_doc.get("instruments", [])},
        "partners": {canonical_id(x["id"]) for x in gold_doc.get("partners", [])},
        "laws": {canonical_id(x["id"]) for x in gold_doc.get("legal_frameworks", [])},
        "goals": [x.get("text") or x.get("label", "") for x in gold_doc.get("goals", [])],
    }


def _pred_sets(rec: Record) -> dict[str, set[str] | list[str]]:
    return {
        "priority_themes": {canonical_id(i) for i in rec["priority_themes"]},
        "themes": {canonical_id(i) for i in rec["themes"]},
        "instruments": {canonical_id(i) for i in rec["instruments"]},
        "partners": {canonical_id(i) for i in rec["partners"]},
        "laws": {canonical_id(i) for i in rec["laws"]},
        "goals": list(rec["goals"]),
    }


def score_extraction(docs: dict[str, IngestedDocument | Record], gold: dict) -> dict:
    """P/R/F1 per category overall (micro-averaged) and per document.

    ``docs`` maps a file name to its IngestedDocument (or its ``eval_predict.record``); ``gold`` is
    gold_facts.json (or its ``documents`` member).  Only files present in both are scored.
    """
    gold_docs = gold.get("documents", gold)
    per_doc: dict[str, dict] = {}
    totals = {c: [0, 0, 0] for c in CATEGORIES}
    for name, rec in _as_records(docs).items():
        if name not in gold_docs:
            continue
        g, p = _gold_sets(gold_docs[name]), _pred_sets(rec)
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


def score_status(docs: dict[str, IngestedDocument | Record], gold: dict) -> dict:
    """Instrument status agreement on the instruments found in both, per document, beside the majority
    baseline (every instrument "toegepast") on the same instruments, plus a confusion matrix (gold
    status -> predicted status -> count) and the list of disagreements."""
    gold_docs = gold.get("documents", gold)
    per_doc: dict[str, dict[str, int]] = {}
    confusion: dict[str, dict[str, int]] = {}
    errors: list[dict[str, str]] = []
    agree_all = total_all = majority_all = 0
    for name, rec in _as_records(docs).items():
        if name not in gold_docs:
            continue
        predicted = {canonical_id(k): v for k, v in rec["instruments"].items()}
        agree = total = majority = 0
        for item in gold_docs[name].get("instruments", []):
            if canonical_id(item["id"]) not in predicted:
                continue
            accepted = gold_status(item.get("status", ""))
            pred = predicted[canonical_id(item["id"])]
            total += 1
            majority += MAJORITY_STATUS in accepted
            key = sorted(accepted)[0] if pred not in accepted else pred
            row = confusion.setdefault(key, {})
            row[pred] = row.get(pred, 0) + 1
            if pred in accepted:
                agree += 1
            else:
                errors.append(
                    {"document": name, "id": item["id"], "gold": item.get("status", ""), "pred": pred}
                )
        per_doc[name] = {"agree": agree, "total": total, "majority": majority}
        agree_all += agree
        total_all += total
        majority_all += majority
    return {
        "overall": {"agree": agree_all, "total": total_all, "majority": majority_all},
        "documents": per_doc,
        "confusion": confusion,
        "errors": errors,
    }


def score_cues(records_by_set: dict[str, dict[str, Record]], corpus_gold: dict | None) -> list[dict]:
    """Each status cue that decided a mention: how often it fired (mentions and documents, per dev set)
    and, on the corpus, its precision — the share of its mentions of a gold instrument whose status the
    gold accepts for that instrument in that document.  Mentions decided by their block or by a
    default reading are reported under ``(block <kind>)`` and ``(default statement|title)`` (an older
    checkout that does not label them: ``(block or default)``)."""
    gold_docs = (corpus_gold or {}).get("documents", {})
    rows: dict[str, dict[str, Any]] = {}
    for set_name, records in records_by_set.items():
        for name, rec in records.items():
            accepted = {
                item["id"]: gold_status(item.get("status", ""))
                for item in gold_docs.get(name, {}).get("instruments", [])
            }
            for hit in rec.get("status_cues", []):
                key = hit["cue"] or "(block or default)"
                row = rows.setdefault(
                    key, {"cue": key, "status": hit["status"], "fired": {}, "right": 0, "judged": 0}
                )
                fired = row["fired"].setdefault(
                    set_name, {"mentions": 0, "passages": set(), "documents": set()}
                )
                fired["mentions"] += 1
                fired["passages"].add(hit["passage"])
                fired["documents"].add(name)
                if set_name == "corpus" and hit["id"] in accepted:
                    row["judged"] += 1
                    row["right"] += hit["status"] in accepted[hit["id"]]
    out = []
    for row in rows.values():
        row["precision"] = round(row["right"] / row["judged"], 3) if row["judged"] else None
        row["passages"] = sum(len(f["passages"]) for f in row["fired"].values())
        row["fired"] = {
            k: {"mentions": f["mentions"], "passages": len(f["passages"]), "documents": len(f["documents"])}
            for k, f in row["fired"].items()
        }
        out.append(row)
    return sorted(out, key=lambda r: (r["passages"], r["cue"]))


def format_cues(rows: list[dict]) -> str:
    """One line per cue: corpus precision (right/judged), then passages/documents it fired in per set."""
    lines = [f"{'precision':>9} {'right':>5}/{'n':<4} {'corpus p/d':>10} {'munis p/d':>9}  cue"]
    for r in rows:
        prec = f"{r['precision']:.3f}" if r["precision"] is not None else "-"
        c = r["fired"].get("corpus", {"passages": 0, "documents": 0})
        m = r["fired"].get("municipalities", {"passages": 0, "documents": 0})
        lines.append(
            f"{prec:>9} {r['right']:>5}/{r['judged']:<4} {c['passages']:>5}/{c['documents']:<4} "
            f"{m['passages']:>5}/{m['documents']:<3}  {r['cue'][:140]}"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------------------------- municipalities


def _muni_gold_items(gold_doc: dict, category: str) -> list[dict]:
    if category == "laws":
        return gold_doc.get("legal_frameworks", [])
    if category == "all":
        return [x for c in ("instruments", "themes", "partners") for x in gold_doc.get(c, [])]
    return gold_doc.get(category, [])


def _muni_pred_ids(rec: Record, category: str) -> set[str]:
    if category == "all":
        return {canonical_id(i) for c in ("instruments", "themes", "partners") for i in rec[c]}
    return {canonical_id(i) for i in rec[category]}


def _item_ids(item: dict) -> set[str]:
    return {canonical_id(i) for i in (item["id"], *item.get("accept_ids", []))}


def _concept_scores(rec: Record, gold_doc: dict, category: str) -> dict:
    """P/R over one category: a gold item is found when its id or one of its ``accept_ids`` is
    predicted; a predicted id is right when it names a gold item, neutral when it is ``acceptable``."""
    items = _muni_gold_items(gold_doc, category)
    pred = _muni_pred_ids(rec, category)
    accepted = set().union(*(_item_ids(x) for x in items)) if items else set()
    neutral = {canonical_id(i) for i in gold_doc.get("acceptable", [])} - accepted
    found = sum(1 for x in items if _item_ids(x) & pred)
    right = len(pred & accepted)
    scored = len(pred - neutral)
    out = _prf(right, scored, len(items))
    out["recall"] = round(found / len(items), 3) if items else 1.0
    out["found"] = found
    out["missed"] = sorted(x["id"] for x in items if not _item_ids(x) & pred)
    out["extra"] = sorted(pred - accepted - neutral)
    return out


def _doctype_expected(gold_doc: dict) -> str | None:
    """The doctype concept the gold type names (by label, through the vocabulary), or None."""
    from ontology.vocabulary import UnknownLabel, resolve_label

    for label in (gold_doc.get("document_type"), gold_doc.get("document_type_label")):
        if not label:
            continue
        try:
            return resolve_label(re.sub(r"\s*\(.*?\)", "", label), type="doctype").id
        except UnknownLabel:
            continue
    return None


def _period_ok(rec: Record, gold_doc: dict) -> bool:
    period = gold_doc.get("period") or {}
    start, end = rec["period"]
    ends = {period.get("end"), *(gold_doc.get("acceptable_period_end") or [])}
    return start == period.get("start") and end in ends


def _validity_scores(rec: Record, gold_doc: dict) -> dict[str, Any]:
    """In force from / until, lapsed and replaces, where the gold states them."""
    validity = rec.get("validity") or {}
    out: dict[str, Any] = {}
    if gold_doc.get("valid_from"):
        out["in_force"] = rec["dates"].get("in_force") == gold_doc["valid_from"]
    if gold_doc.get("valid_to"):
        out["in_force_until"] = validity.get("in_force_until") == gold_doc["valid_to"]
    if "vervallen" in (gold_doc.get("status") or "").lower():
        out["lapsed"] = bool(validity.get("lapsed_on") or validity.get("withdrawn"))
    elif gold_doc.get("valid_from"):
        out["not_lapsed"] = not (validity.get("lapsed_on") or validity.get("withdrawn"))
    if gold_doc.get("replaces"):
        years = set(re.findall(r"\b(?:19|20)\d\d\b", gold_doc["replaces"]))
        found = validity.get("replaces") or []
        out["replaces"] = bool(found) and (not years or any(str(r.get("year")) in years for r in found))
    return out


def score_municipalities(docs: dict[str, IngestedDocument | Record], gold: dict) -> dict:
    """Per document and overall: municipality, doctype, period, key concepts, P/R per category,
    ``must_not`` hits and validity checks.  Gold types the vocabulary cannot name are not scored."""
    gold_docs = gold.get("documents", gold)
    per_doc: dict[str, dict] = {}
    counts = {k: [0, 0] for k in ("municipality", "doc_type", "period", "key")}
    totals = {c: [0, 0, 0, 0] for c in MUNI_CATEGORIES}  # right, scored pred, found, gold items
    validity_counts: dict[str, list[int]] = {}
    must_not_hits: list[dict[str, str]] = []
    for name, rec in sorted(_as_records(docs).items()):
        if name not in gold_docs:
            continue
        g = gold_docs[name]
        row: dict[str, Any] = {}
        muni = rec["municipality"] or {}
        row["municipality"] = (muni.get("code") or "").upper() == g["cbs_code"].upper()
        expected = _doctype_expected(g)
        row["doc_type"] = {"expected": expected, "gold": g["document_type"], "pred": rec["doc_type"]}
        if expected:
            row["doc_type"]["ok"] = rec["doc_type"] == expected
            counts["doc_type"][0] += row["doc_type"]["ok"]
            counts["doc_type"][1] += 1
        row["period"] = _period_ok(rec, g)
        keys = [x for c in ("instruments", "themes", "partners") for x in g.get(c, []) if x.get("key")]
        pred_all = _muni_pred_ids(rec, "all")
        key_found = [x for x in keys if _item_ids(x) & pred_all]
        row["key"] = {
            "found": len(key_found),
            "total": len(keys),
            "missed": [x["id"] for x in keys if x not in key_found],
        }
        row["concepts"] = {c: _concept_scores(rec, g, c) for c in MUNI_CATEGORIES}
        predicted_any = pred_all | {canonical_id(i) for i in rec["laws"]}
        row["must_not"] = sorted({canonical_id(i) for i in g.get("must_not", [])} & predicted_any)
        must_not_hits.extend({"document": name, "id": cid} for cid in row["must_not"])
        row["validity"] = _validity_scores(rec, g)
        for key, ok in row["validity"].items():
            c = validity_counts.setdefault(key, [0, 0])
            c[0] += ok
            c[1] += 1
        for key in ("municipality", "period"):
            counts[key][0] += row[key]
            counts[key][1] += 1
        counts["key"][0] += len(key_found)
        counts["key"][1] += len(keys)
        for c in MUNI_CATEGORIES:
            s = row["concepts"][c]
            for i, v in enumerate((s["tp"], s["pred"], s["found"], s["gold"])):
                totals[c][i] += v
        per_doc[name] = row
    overall: dict[str, Any] = {k: {"ok": v[0], "total": v[1]} for k, v in counts.items()}
    overall["concepts"] = {}
    for c, (right, pred, found, n_gold) in totals.items():
        s = _prf(right, pred, n_gold)
        s["recall"] = round(found / n_gold, 3) if n_gold else 1.0
        rp = s["precision"] + s["recall"]
        s["f1"] = round(2 * s["precision"] * s["recall"] / rp, 3) if rp else 0.0
        overall["concepts"][c] = s
    overall["must_not"] = len(must_not_hits)
    overall["validity"] = {k: {"ok": v[0], "total": v[1]} for k, v in validity_counts.items()}
    return {"overall": overall, "documents": per_doc, "must_not": must_not_hits}


# ------------------------------------------------------------------------------------------ output


def _ratio(s: dict) -> str:
    return f"{s['ok']}/{s['total']}"


def format_status(scores: dict) -> str:
    """Plain-text status accuracy per document (beside the majority baseline) and the confusion matrix
    (rows gold, columns predicted)."""
    lines = [f"{'document':<55} {'status agree':>12} {'acc':>6} {'majority':>9}"]
    rows = [("OVERALL", scores["overall"])] + sorted(scores["documents"].items())
    for name, s in rows:
        acc = s["agree"] / s["total"] if s["total"] else 0.0
        maj = s.get("majority", 0) / s["total"] if s["total"] else 0.0
        lines.append(f"{name[:55]:<55} {s['agree']:>5}/{s['total']:<6} {acc:>6.3f} {maj:>9.3f}")
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


def format_municipalities(scores: dict) -> str:
    """Plain-text table of a score_municipalities() result: per document, then per category."""
    lines = [f"{'document':<48} {'muni':>4} {'type':>4} {'per':>4} {'key':>5} {'P':>6} {'R':>6} must_not"]
    for name, row in scores["documents"].items():
        dt = row["doc_type"]
        dt_mark = "-" if "ok" not in dt else ("ok" if dt["ok"] else "NO")
        s = row["concepts"]["all"]
        lines.append(
            f"{name[:48]:<48} {'ok' if row['municipality'] else 'NO':>4} {dt_mark:>4} "
            f"{'ok' if row['period'] else 'NO':>4} {row['key']['found']:>2}/{row['key']['total']:<2} "
            f"{s['precision']:>6.3f} {s['recall']:>6.3f} {','.join(row['must_not'])}"
        )
    return "\n".join(lines)


def _overall_rows(corpus: dict | None, munis: dict | None) -> list[tuple[str, str]]:
    """(label, value) rows of the headline figures of one run, for the side-by-side table."""
    rows: list[tuple[str, str]] = []
    if corpus:
        for cat in CATEGORIES:
            s = corpus["extraction"]["overall"][cat]
            rows.append((f"corpus {cat} P/R/F1", f"{s['precision']:.3f}/{s['recall']:.3f}/{s['f1']:.3f}"))
        st = corpus["status"]["overall"]
        n = st["total"] or 1
        rows.append(("corpus status agreement", f"{st['agree']}/{st['total']} = {st['agree'] / n:.3f}"))
        rows.append(
            ("corpus status majority baseline", f"{st['majority']}/{st['total']} = {st['majority'] / n:.3f}")
        )
    if munis:
        o = munis["overall"]
        for key in ("municipality", "doc_type", "period"):
            rows.append((f"munis {key}", _ratio(o[key])))
        k = o["key"]
        rows.append(("munis key concepts", f"{k['ok']}/{k['total']} = {k['ok'] / (k['total'] or 1):.3f}"))
        for cat in MUNI_CATEGORIES:
            s = o["concepts"][cat]
            rows.append((f"munis {cat} P/R/F1", f"{s['precision']:.3f}/{s['recall']:.3f}/{s['f1']:.3f}"))
        rows.append(("munis must_not hits", str(o["must_not"])))
        for key, v in o["validity"].items():
            rows.append((f"munis validity {key}", _ratio(v)))
    return rows


def format_side_by_side(runs: dict[str, dict]) -> str:
    """Headline figures of each run (e.g. "baseline", "current") in columns."""
    names = list(runs)
    tables = {n: dict(_overall_rows(runs[n].get("corpus"), runs[n].get("municipalities"))) for n in names}
    labels = list(dict.fromkeys(label for n in names for label in tables[n]))
    lines = [f"{'figure':<36}" + "".join(f"{n:>22}" for n in names)]
    for label in labels:
        lines.append(f"{label:<36}" + "".join(f"{tables[n].get(label, '-'):>22}" for n in names))
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------- run


def _predict_with(code: Path, paths: list[Path]) -> subprocess.Popen:
    """Start ``eval_predict`` under another checkout's ``ingest`` package; read its JSON later."""
    script = Path(__file__).with_name("eval_predict.py")
    snippet = "import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"
    env = {**os.environ, "PYTHONPATH": str(code)}
    args = [sys.executable, "-c", snippet, str(script), *map(str, paths)]
    return subprocess.Popen(args, env=env, cwd=str(code), stdout=subprocess.PIPE, text=True)


def _dev_sets(corpus_dir: Path) -> dict[str, tuple[list[Path], dict]]:
    """The dev sets present: name -> (files, gold)."""
    sets: dict[str, tuple[list[Path], dict]] = {}
    gold_path = SHARED_EVAL / "gold_facts.json"
    if gold_path.exists():
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        files = [corpus_dir / n for n in gold["documents"] if (corpus_dir / n).exists()]
        sets["corpus"] = (files, gold)
    muni_gold = MUNI_DIR / "gold.json"
    if muni_gold.exists():
        gold = json.loads(muni_gold.read_text(encoding="utf-8"))
        files = [MUNI_DIR / "docs" / n for n in gold["documents"] if (MUNI_DIR / "docs" / n).exists()]
        sets["municipalities"] = (files, gold)
    return sets


def score_records(records: dict[str, Record], sets: dict[str, tuple[list[Path], dict]]) -> dict:
    """Every dev-set score of one run's records."""
    out: dict[str, Any] = {}
    if "corpus" in sets:
        files, gold = sets["corpus"]
        recs = {p.name: records[p.name] for p in files}
        out["corpus"] = {"extraction": score_extraction(recs, gold), "status": score_status(recs, gold)}
    if "municipalities" in sets:
        files, gold = sets["municipalities"]
        out["municipalities"] = score_municipalities({p.name: records[p.name] for p in files}, gold)
    return out


def run(corpus_dir: Path, code: Path | None = None) -> dict[str, Any]:
    """Ingest both dev sets with this checkout (and ``code``, if given) and score them."""
    from ingest.eval_predict import predict

    sets = _dev_sets(corpus_dir)
    paths = [p for files, _ in sets.values() for p in files]
    other = _predict_with(code, paths) if code else None
    log.info("ingesting %d dev-set documents with this checkout", len(paths))
    records = predict(paths)
    runs = {"current": score_records(records, sets)}
    by_set = {k: {p.name: records[p.name] for p in files} for k, (files, _) in sets.items()}
    runs["current"]["cues"] = score_cues(by_set, sets.get("corpus", (None, None))[1])
    if other is not None:
        stdout, _ = other.communicate()
        if other.returncode != 0:
            raise RuntimeError(f"extraction with {code} failed (exit {other.returncode})")
        runs = {"baseline": score_records(json.loads(stdout), sets), **runs}
    return {"sets": {k: [p.name for p in v[0]] for k, v in sets.items()}, "runs": runs}


def format_report(result: dict[str, Any], cues: bool = False) -> str:
    """The plain-text report of a ``run()`` result: headline figures side by side, then the current
    run per document (extraction, status, municipalities) and, with ``cues``, each cue's precision."""
    current = result["runs"]["current"]
    parts = [format_side_by_side(result["runs"])]
    if "corpus" in current:
        parts += [
            "\n== corpus: extraction per document (current) ==",
            format_table(current["corpus"]["extraction"]),
        ]
        parts += ["\n== corpus: instrument status (current) ==", format_status(current["corpus"]["status"])]
    if "municipalities" in current:
        parts += [
            "\n== municipalities: per document (current) ==",
            format_municipalities(current["municipalities"]),
        ]
    if cues:
        parts += [
            "\n== status cues (current): corpus precision, passages/documents fired per set ==",
            format_cues(current["cues"]),
        ]
    return "\n".join(parts)


def check_code(code: Path | None) -> str | None:
    """Why ``code`` cannot be scored beside this checkout, or None when it can."""
    if code is not None and not (code / "ingest" / "pipeline.py").exists():
        return f"--code {code}: no ingest/pipeline.py there"
    return None


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    parser = argparse.ArgumentParser(prog="python -m ingest.evaluate", description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus", help="folder of the corpus files")
    parser.add_argument("--code", type=Path, help="another checkout to score beside this one (its ingest/)")
    parser.add_argument("--json", action="store_true", help="print all scores as JSON")
    parser.add_argument("--cues", action="store_true", help="also print each status cue's precision")
    args = parser.parse_args(argv)
    if not SHARED_EVAL.exists():
        log.warning("no eval sets at %s; nothing to score", SHARED_EVAL)
        return 0
    problem = check_code(args.code)
    if problem:
        parser.error(problem)
    result = run(args.corpus, args.code)
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    print(format_report(result, cues=args.cues))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
