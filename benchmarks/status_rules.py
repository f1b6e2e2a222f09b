"""Status cues and rules chosen on four corpus documents, scored on the fifth (leave one document out).

``python -m benchmarks.status_rules [--since REV] [--json]``

Every status-related change to ``ontology/cues.json`` since ``REV`` (default the tag
``session9-start``) is a candidate: an added, removed or rewritten cue pattern of a status group, or a
changed status setting (block statuses, block keeps, negation scope, cues that beat a framework
preposition ...).  The pipeline runs over both dev sets once with every change and once with each
change reverted on its own.  A change is *kept* on a set of training documents when

- it raises document-level status agreement on those documents (reverting it loses more than it
  gains) — for a rewrite or removal of an old pattern, it does not lower it (fewer, narrower cues
  are preferred when the evidence is equal) — and
- the mentions whose decision it alters lie in more than one passage (training documents plus the
  municipalities set, which has no status gold), so it is not fitted to one sentence, and
- when it adds a cue pattern, that pattern's precision on the training documents (share of the
  mentions it decides whose status the gold accepts) is at least 0.5.

In-sample, the training set is all five documents.  Leave one document out: for each document, choose
the changes on the other four, run the pipeline with only those, and score the held-out document; the
sum over the five is the leave-one-document-out agreement.  Code changes are not candidates: they are
always on in every run.
"""

from __future__ import annotations

import argparse
import copy
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest import blocks, status
from ingest.eval_predict import predict
from ingest.evaluate import _dev_sets, gold_status, score_status
from ontology import language
from ontology.canonical import canonical_id

ROOT = Path(__file__).resolve().parents[1]
STATUS_KEYS_PREFIX = "status"
MIN_PRECISION = 0.5

Cues = dict[str, Any]


@dataclass(frozen=True)
class Change:
    """One difference between the old and the current cues: ``revert`` gives the cues without it."""

    name: str
    kind: str  # "add" (a new cue pattern or setting), "rewrite" or "remove" (of an old pattern)
    added_pattern: str | None  # the cue pattern this change adds or rewrites to, if any
    revert: Callable[[Cues], None]


def _group_changes(group: str, old: list[str], new: list[str]) -> list[Change]:
    """Added, removed and rewritten patterns of one status group (rewritten: same position)."""
    removed = [p for p in old if p not in new]
    added = [p for p in new if p not in old]
    out: list[Change] = []
    for p in added:
        twin = next((r for r in removed if old.index(r) == new.index(p)), None)
        if twin is not None:
            removed.remove(twin)

            def revert(c: Cues, p: str = p, twin: str = twin) -> None:
                lst = c["status"][group]
                lst[lst.index(p)] = twin

            out.append(Change(f"{group}: {twin}  ->  {p}", "rewrite", p, revert))
        else:
            out.append(Change(f"{group}: + {p}", "add", p, lambda c, p=p: c["status"][group].remove(p)))
    for p in removed:
        out.append(Change(f"{group}: - {p}", "remove", None, lambda c, p=p: c["status"][group].append(p)))
    return out


def changes_between(old: Cues, new: Cues) -> list[Change]:
    """Status-related changes from ``old`` to ``new`` cues, one candidate each."""
    out: list[Change] = []
    for group in new["status"]:
        if group.startswith("_"):
            continue
        out += _group_changes(group, old["status"].get(group, []), new["status"][group])
    for key in sorted(set(old) | set(new)):
        if not key.startswith(STATUS_KEYS_PREFIX) or key == "status" or old.get(key) == new.get(key):
            continue

        def revert(c: Cues, key: str = key) -> None:
            if key in old:
                c[key] = copy.deepcopy(old[key])
            else:
                c.pop(key, None)

        name = f"{key}: {_short(old.get(key))} -> {_short(new.get(key))}"
        out.append(Change(name, "add", None, revert))
    return out


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 70 else text[:67] + "..."


@contextmanager
def using_cues(cues: Cues) -> Iterator[None]:
    """Run the pipeline with these cues (the module caches that hold compiled cues are reset)."""
    original = language.cues

    def reset() -> None:
        for module in (status, blocks):
            for obj in vars(module).values():
                if callable(getattr(obj, "cache_clear", None)):
                    obj.cache_clear()

    language.cues = lambda: cues  # type: ignore[assignment]
    reset()
    try:
        yield
    finally:
        language.cues = original  # type: ignore[assignment]
        reset()


def _mention_rows(records: dict[str, dict]) -> dict[tuple[str, int], dict]:
    """Mentions by (file, index) — the order is stable between runs of one checkout."""
    return {(name, i): hit for name, rec in records.items() for i, hit in enumerate(rec["status_cues"])}


def _agreement(records: dict[str, dict], gold: dict, files: list[str]) -> tuple[int, int]:
    s = score_status({f: records[f] for f in files}, gold)["overall"]
    return s["agree"], s["total"]


def _accepted(gold: dict) -> dict[str, dict[str, set[str]]]:
    return {
        name: {canonical_id(x["id"]): gold_status(x.get("status", "")) for x in doc.get("instruments", [])}
        for name, doc in gold["documents"].items()
    }


def _altered_passages(full: dict, without: dict, files: set[str]) -> set[str]:
    a, b = _mention_rows(full), _mention_rows(without)

    def decided(row: dict) -> tuple[Any, Any]:
        return row.get("status"), row.get("cue")

    return {a[k]["passage"] for k in a if k[0] in files and decided(a[k]) != decided(b.get(k, {}))}


def _precision(records: dict, pattern: str, files: list[str], accepted: dict) -> tuple[int, int]:
    right = judged = 0
    for name in files:
        for hit in records[name]["status_cues"]:
            if not hit["cue"] or not hit["cue"].endswith(": " + pattern):
                continue
            ok = accepted[name].get(canonical_id(hit["id"]))
            if ok is not None:
                judged += 1
                right += hit["status"] in ok
    return right, judged


def choose(
    changes: list[Change], runs: dict[str, dict], full: dict, train: list[str], munis: list[str], gold: dict
) -> tuple[list[str], list[dict]]:
    """Names of the changes kept on ``train`` (see module doc), with the evidence for each."""
    accepted = _accepted(gold)
    kept, report = [], []
    base = _agreement(full, gold, train)[0]
    for ch in changes:
        without = runs[ch.name]
        gain = base - _agreement(without, gold, train)[0]
        passages = _altered_passages(full, without, set(train) | set(munis))
        right, judged = _precision(full, ch.added_pattern, train, accepted) if ch.added_pattern else (0, 0)
        precise = not ch.added_pattern or (judged and right / judged >= MIN_PRECISION)
        earns = gain > 0 if ch.kind == "add" else gain >= 0
        keep = earns and len(passages) > 1 and bool(precise)
        report.append(
            {
                "change": ch.name,
                "kind": ch.kind,
                "gain": gain,
                "passages": len(passages),
                "precision": f"{right}/{judged}" if ch.added_pattern else None,
                "kept": keep,
            }
        )
        if keep:
            kept.append(ch.name)
    return kept, report


def run(since: str) -> dict[str, Any]:
    old = json.loads(
        subprocess.run(
            ["git", "show", f"{since}:ontology/cues.json"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    new = language.cues()
    changes = changes_between(old, new)
    sets = _dev_sets(ROOT / "corpus")
    corpus_files, gold = sets["corpus"]
    munis_files = sets["municipalities"][0]
    paths = corpus_files + munis_files
    docs = [p.name for p in corpus_files]
    munis = [p.name for p in munis_files]

    def predict_with(kept: set[str]) -> dict:
        cues = copy.deepcopy(new)
        for ch in changes:
            if ch.name not in kept:
                ch.revert(cues)
        with using_cues(cues):
            return predict(paths)

    every = {ch.name for ch in changes}
    full = predict_with(every)
    runs = {ch.name: predict_with(every - {ch.name}) for ch in changes}
    old_run = predict_with(set())
    in_sample_kept, in_sample_report = choose(changes, runs, full, docs, munis, gold)
    in_sample = predict_with(set(in_sample_kept))
    folds = []
    for held_out in docs:
        train = [d for d in docs if d != held_out]
        kept, _ = choose(changes, runs, full, train, munis, gold)
        records = predict_with(set(kept))
        agree, total = _agreement(records, gold, [held_out])
        folds.append({"held_out": held_out, "kept": kept, "agree": agree, "total": total})
    return {
        "since": since,
        "changes": in_sample_report,
        "old": dict(zip(("agree", "total"), _agreement(old_run, gold, docs), strict=True)),
        "all_changes": dict(zip(("agree", "total"), _agreement(full, gold, docs), strict=True)),
        "in_sample": dict(zip(("agree", "total"), _agreement(in_sample, gold, docs), strict=True)),
        "in_sample_per_document": {
            d: dict(zip(("agree", "total"), _agreement(in_sample, gold, [d]), strict=True)) for d in docs
        },
        "leave_one_out": {
            "agree": sum(f["agree"] for f in folds),
            "total": sum(f["total"] for f in folds),
            "folds": folds,
        },
    }


def _fmt(s: dict) -> str:
    return f"{s['agree']}/{s['total']} = {s['agree'] / (s['total'] or 1):.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.status_rules", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--since", default="session9-start", help="git revision of the old cues")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.since)
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    print(f"changes to the status cues since {result['since']} (chosen on all five documents):")
    for r in result["changes"]:
        prec = f" precision {r['precision']}" if r["precision"] else ""
        mark = "KEEP" if r["kept"] else "drop"
        print(f"  {mark} gain {r['gain']:+d} passages {r['passages']:>3}{prec}  {r['change']}")
    print(f"status agreement, cues of {result['since']} (this code):  {_fmt(result['old'])}")
    print(f"status agreement, every change:                   {_fmt(result['all_changes'])}")
    print(f"status agreement, changes chosen in-sample:       {_fmt(result['in_sample'])}")
    print(f"status agreement, leave one document out:         {_fmt(result['leave_one_out'])}")
    for f in result["leave_one_out"]["folds"]:
        ins = result["in_sample_per_document"][f["held_out"]]
        print(
            f"  {f['held_out'][:55]:<55} held out {f['agree']:>3}/{f['total']:<3} in-sample "
            f"{ins['agree']:>3}/{ins['total']:<3} kept {len(f['kept'])}/{len(result['changes'])}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
