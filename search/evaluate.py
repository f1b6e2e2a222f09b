"""Retrieval evaluation on a questions file (format of ../shared/eval/questions.json).

For every question of kind which_municipalities or evidence_lookup, in Dutch and (where given) English,
and for each mode (dense, bm25 and hybrid retrieval, whose answer is the municipalities of their first ten
passages, and the final answer, the decision per municipality of search/decide.py):
- R-precision of municipalities: of the R gold municipalities, how many are among the first R of the
  municipality ranking (the answer list, then the other municipalities in order of their best passage);
- answer-set precision / recall / F1: the search's municipality list (the answer) against the gold list;
  a ``must_not_include`` municipality in the answer is counted as an error (and lowers precision); an
  ``also_ok`` municipality (the gold's "neither right nor wrong") is left out of the precision;
- evidence hit@5: one of the first five passages contains a gold quote (whitespace-normalised) or
  overlaps it substantially (a common stretch of at least 60 % of the quote) in the quote's file;
- MRR of the first passage that is such an evidence hit (within top_k).
Answers that list groups instead of ``municipalities`` (e.g. "started" / "only following"): the union of
the groups is the gold for R-precision, and answer-set scoring is skipped (the groups ask for a split the
flat list cannot express).
"""

from __future__ import annotations

import json
import re
import time
from difflib import SequenceMatcher
from pathlib import Path
from statistics import mean

import numpy as np

KINDS = ("which_municipalities", "evidence_lookup")
MODES = ("dense", "bm25", "hybrid", "answer")
# how each evaluated mode calls search.engine.search: the three retrieval baselines answer with the
# municipalities of their first ten passages; "answer" is the decision per municipality
SEARCH_ARGS = {
    "dense": {"mode": "dense"},
    "bm25": {"mode": "bm25"},
    "hybrid": {"mode": "hybrid", "answer": False},
    "answer": {"mode": "hybrid", "answer": True},
}
HIT_AT = 5
OVERLAP = 0.6


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def evidence_hit(passage: dict, quote: dict) -> bool:
    """The passage (from the quote's file) contains the quote or shares ≥ 60 % of it verbatim."""
    if quote.get("file") and passage.get("file") and quote["file"] != passage["file"]:
        return False
    q, p = _norm(quote["quote"]), _norm(passage.get("text") or "")
    if not q or not p:
        return False
    if q in p:
        return True
    match = SequenceMatcher(None, q, p, autojunk=False).find_longest_match(0, len(q), 0, len(p))
    return match.size >= OVERLAP * len(q)


def gold_municipalities(answer: dict) -> tuple[list[str], bool]:
    """(gold names, whether answer-set scoring applies)."""
    if answer.get("municipalities"):
        return list(answer["municipalities"]), True
    groups = [
        v
        for k, v in answer.items()
        if isinstance(v, list)
        and k not in ("documents", "must_not_include", "acceptable_documents")
        and all(isinstance(x, str) and ":" not in x and not x.endswith(".txt") for x in v)
    ]
    names = sorted({name for group in groups for name in group})
    return names, False


def score_result(result: dict, question: dict) -> dict:
    """Metrics of one search result against one question's gold answer."""
    answer = question.get("answer", {})
    gold, set_scored = gold_municipalities(answer)
    gold_set = {g.casefold() for g in gold}
    forbidden = {m.casefold() for m in answer.get("must_not_include", []) if not m.endswith(".txt")}
    also_ok = {m.casefold() for m in answer.get("also_ok") or []} - gold_set
    answered = [m["name"] for m in result["municipalities"] if m.get("name")]
    ranking = list(answered)
    for p in result["passages"]:
        if p.get("municipality") and p["municipality"] not in ranking:
            ranking.append(p["municipality"])
    r = len(gold_set)
    out: dict = {"answer": answered}
    out["r_precision"] = (len({m.casefold() for m in ranking[:r]} & gold_set) / r) if r else None
    errors = sorted({m for m in answered if m.casefold() in forbidden})
    out["errors"] = errors
    if set_scored:
        hit = len({m.casefold() for m in answered} & gold_set)
        judged = [m for m in answered if m.casefold() not in also_ok]  # also_ok: neither right nor wrong
        precision = hit / len(judged) if judged else (1.0 if not gold_set else 0.0)
        recall = hit / len(gold_set) if gold_set else 1.0
        out.update(
            precision=precision,
            recall=recall,
            f1=(2 * precision * recall / (precision + recall)) if precision + recall else 0.0,
        )
    else:
        out.update(precision=None, recall=None, f1=None)
    quotes = question.get("evidence", [])
    first = next(
        (i for i, p in enumerate(result["passages"], start=1) if any(evidence_hit(p, q) for q in quotes)),
        None,
    )
    out["hit@5"] = (1.0 if first and first <= HIT_AT else 0.0) if quotes else None
    out["mrr"] = (1.0 / first if first else 0.0) if quotes else None
    return out


def questions_to_run(questions: list[dict]) -> list[tuple[str, str, str, dict]]:
    """(question id, language, text, question) for the kinds evaluated, Dutch and English variants."""
    out = []
    for q in questions:
        if q.get("kind") not in KINDS:
            continue
        out.append((q["id"], "nl", q["question_nl"], q))
        if q.get("question_en"):
            out.append((q["id"], "en", q["question_en"], q))
    return out


def _summary(rows: list[dict], mode: str) -> dict:
    def avg(key: str) -> float | None:
        values = [r[mode][key] for r in rows if r[mode].get(key) is not None]
        return round(mean(values), 4) if values else None

    return {
        "r_precision": avg("r_precision"),
        "precision": avg("precision"),
        "recall": avg("recall"),
        "f1": avg("f1"),
        "hit@5": avg("hit@5"),
        "mrr": avg("mrr"),
        "errors": sum(len(r[mode]["errors"]) for r in rows),
        "n": len(rows),
        "p95_seconds": round(float(np.percentile([r[mode]["seconds"] for r in rows], 95)), 4)
        if rows and "seconds" in rows[0][mode]
        else None,
    }


def evaluate(home: Path, questions_file: Path, modes: tuple[str, ...] = MODES, top_k: int = 10) -> dict:
    """Per-question metrics and averages per mode (overall and per language)."""
    from search.engine import search

    data = json.loads(Path(questions_file).read_text(encoding="utf-8"))
    questions = data["questions"] if isinstance(data, dict) else data
    rows = []
    for qid, lang, text, q in questions_to_run(questions):
        row: dict = {
            "id": qid,
            "lang": lang,
            "kind": q["kind"],
            "question": text,
            "gold": gold_municipalities(q.get("answer", {}))[0],
        }
        for mode in modes:
            started = time.perf_counter()
            result = search(home, text, top_k=top_k, **SEARCH_ARGS[mode])
            row[mode] = score_result(result, q)
            row[mode]["seconds"] = round(time.perf_counter() - started, 4)
        rows.append(row)
    summary = {mode: _summary(rows, mode) for mode in modes}
    by_lang = {
        lang: {mode: _summary([r for r in rows if r["lang"] == lang], mode) for mode in modes}
        for lang in sorted({r["lang"] for r in rows})
    }
    return {"questions": rows, "summary": summary, "by_language": by_lang, "modes": list(modes)}


def floor_seconds(home: Path, texts: list[str]) -> list[float]:
    """Per question: bare query embedding (uncached) + faiss search of the store — the latency floor."""
    from search import vector_index
    from search.embed import _encode, _prompt
    from search.engine import load_index
    from search.model import configured_model, load_model

    idx = load_index(home)
    dense = idx.dense  # loaded before timing
    model = load_model(configured_model(idx.meta.get("model")), idx.meta.get("runtime", "torch"))
    out = []
    for text in texts:
        started = time.perf_counter()
        qv = _encode(model, [_prompt(model, "query") + text])[0]
        vector_index.search(dense, qv, 10)
        out.append(time.perf_counter() - started)
    return out


def suite_stores(shared: Path, repo: Path, cache: Path, distractors: int) -> dict[str, tuple[Path, Path]]:
    """name → (store, questions file) for both dev sets and, with ``distractors`` > 0, their scale variant.

    Stores are built into ``cache`` on first use (search/eval_stores.py) and reused while their inputs
    stay the same.
    """
    from search.eval_stores import ingest_store, scale_store

    corpus_q = shared / "eval" / "questions.json"
    munis = shared / "eval" / "municipalities"
    docs = munis / "docs"
    corpus = ingest_store(cache / "corpus", [repo / "corpus"], ["corpus"])
    municipalities = ingest_store(cache / "municipalities", [docs], ["municipalities"], base=corpus)
    out = {
        "corpus": (corpus, corpus_q),
        "municipalities": (municipalities, munis / "questions.json"),
    }
    if distractors > 0:
        qfiles = [corpus_q, munis / "questions.json"]
        scaled = scale_store(corpus, municipalities, qfiles, cache, n=distractors)
        scaled_m = ingest_store(
            cache / f"municipalities+{distractors}", [docs], ["municipalities", scaled.name], base=scaled
        )
        out[f"corpus+{distractors}"] = (scaled, corpus_q)
        out[f"municipalities+{distractors}"] = (scaled_m, munis / "questions.json")
    return out


def evaluate_suite(
    stores: dict[str, tuple[Path, Path]], modes: tuple[str, ...] = MODES, top_k: int = 10
) -> dict:
    """``evaluate`` on every (store, questions) pair, plus the latency floor measured in the same run."""
    out: dict = {}
    for name, (home, questions) in stores.items():
        result = evaluate(home, questions, modes, top_k)
        floors = floor_seconds(home, [r["question"] for r in result["questions"]])
        result["floor_p95_seconds"] = round(float(np.percentile(floors, 95)), 4) if floors else None
        result["store"] = str(home)
        out[name] = result
    return out
