"""Choose the goal-alignment settings (search.goal_match.AlignSettings) on the development pairing.

The pairing has two parts, scored separately (see README.md in this folder for the labelling rule):

* ``real`` (``real_pairs.json``): goals ingest extracts from a real document (side A) against real goal
  statements quoted from OTHER real documents (side B) that express the same ambition in their own
  wording — successive plans of one municipality, or plans of other municipalities — plus negatives
  (mostly the same theme, a different ambition). A B statement may list several acceptable A goals.
* ``generated`` (``generated_pairs.json``): the goals ingest extracts from a document (side A) against
  rewordings written for them (close ones and freer ones), labelled with their relation, plus new goals.
* ``plans`` (``plans/*.labels.json``): two whole plans, both sides the goals ingest extracts, as in a
  real comparison of successive plans: one side a real plan, the other a plan written for this set by a
  writer who did not know the method (``plans/*.txt``, ingested like any document).

The two Hengelo integral safety plans (2021-2024, 2024-2026) are in neither part: their pairing is judged
outside the project.

Procedure (run on demand, not in the tests):

1. Every setting on a grid (score scale: plain cosine or CSLS; threshold within a theme and across themes;
   bonus for a shared target unit; weight of the shared-words score) aligns every document pair with the
   project's embedding model. Precision, recall and F1 of the pairs are computed per part.
2. The chosen setting has precision >= 0.8 on every part and the highest mean F1 of the parts (ties:
   higher real F1, then higher thresholds — the more conservative choice). Relation accuracy of the
   correctly found pairs is reported beside it. Precision counts found pairs; recall counts the gold
   goals of B found at least once (a goal of A may pair twice, so a second right pair adds no recall).
3. Stage 2: the stage-1 choice without and with second pairs of an ambition (``split_floor`` x
   ``split_margin``), chosen by the same rule (ties: no second pairs, then the higher floor and the
   smaller margin).

    PYTHONPATH=. python benchmarks/goal_pairing/select_thresholds.py --store STORE [--store STORE2 ...]
    ... --only-default      # score the current defaults only (before/after measurements)

The stores must hold the source documents the files name: the corpus, the documents of
``../shared/eval/municipalities/docs`` and ``plans/*.txt``.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
from pathlib import Path

import numpy as np

from graph.compare import document_content
from graph.read import documents
from graph.store import GraphStore
from search.goal_match import AlignSettings, align_goals, default_embedder, normalise_text

HERE = Path(__file__).resolve().parent
GENERATED_FILE = HERE / "generated_pairs.json"
REAL_FILE = HERE / "real_pairs.json"
PLANS_DIR = HERE / "plans"  # written plans (ingested like any document) and their labels
HELDOUT_DIR = HERE / "heldout"  # plans of the same kind, scored but never used to choose a setting
MIN_PRECISION = 0.8


def _store_goals(stores: list[Path], wanted: set[str]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for home in stores:
        with GraphStore.open(home, read_only=True) as store:
            for doc in documents(store):
                if doc.doc_id in wanted:
                    found[doc.doc_id] = document_content(store, doc).goals_with_targets()
    missing = sorted(wanted - set(found))
    if missing:
        raise SystemExit(f"source documents not in the stores: {', '.join(missing)}")
    return found


def _sources(goals_a: list[dict], source: int | str | list, where: str) -> list[int]:
    """The A goals a rewording names: a goal number (older files), or a normalised prefix or substring
    of the goal's text (robust to extraction changes), or a list of them (a merge: any one counts)."""
    if isinstance(source, list):
        # alternatives (one ambition stated twice, or a merge): a member the extractor no longer yields
        # as a goal of its own (ingest.goals.drop_restated) drops out, as long as one member is found
        found = []
        for member in source:
            hits = _matching(goals_a, member)
            if len(hits) > 1:
                raise SystemExit(f"{where}: source {member!r} names {len(hits)} goals of side A")
            found += hits
        if not found:
            raise SystemExit(f"{where}: no source of {source!r} names a goal of side A")
        return list(dict.fromkeys(found))
    found = _matching(goals_a, source)
    if len(found) != 1:
        raise SystemExit(f"{where}: source {source!r} names {len(found)} goals of side A, not one")
    return found


def _matching(goals_a: list[dict], source: int | str) -> list[int]:
    if isinstance(source, int):
        return [i for i, g in enumerate(goals_a) if g.get("id", "").rsplit("/", 1)[-1] == str(source)]
    key = normalise_text(source)
    return [i for i, g in enumerate(goals_a) if key in normalise_text(g["text"])]


def load_generated(stores: list[Path]) -> list[dict]:
    """Generated part: per source document, side A goals (from a store, or quoted under ``a_quoted``),
    side B rewordings + new goals, gold pairs (a B rewording → its acceptable A goals)."""
    spec = json.loads(GENERATED_FILE.read_text(encoding="utf-8"))["documents"]
    sources = {key: entry.get("source_document", key) for key, entry in spec.items()}
    found = _store_goals(stores, {sources[k] for k, e in spec.items() if "a_quoted" not in e})
    sides = []
    for doc_id, entry in spec.items():
        goals_a = _quoted(entry["a_quoted"]) if "a_quoted" in entry else found[sources[doc_id]]
        goals_b, gold, ignore, ops = [], {}, set(), {}
        for item in entry["rewordings"]:
            accepted = _sources(goals_a, item["source"], doc_id)
            first = goals_a[accepted[0]]
            j = len(goals_b)
            if item.get("ambiguous"):
                ignore.add(j)
            else:
                gold[j] = dict.fromkeys(accepted, item["relation"])
                ops[j] = item.get("op", "reworded")
            goals_b.append(
                {
                    "text": item["text"],
                    "theme": item.get("theme", first["theme"]),
                    "targets": item.get("targets", first["targets"]),
                    "concepts": _concepts_in(item["text"]),
                }
            )
        goals_b += [
            {"text": n["text"], "theme": n.get("theme"), "targets": [], "concepts": _concepts_in(n["text"])}
            for n in entry["new"]
        ]
        sides.append({"name": doc_id, "a": goals_a, "b": goals_b, "gold": gold, "ignore": ignore, "ops": ops})
    return sides


def _concepts_in(text: str) -> list[str]:
    """Themes, instruments and partners a quoted statement names: the project's concept matcher, as
    ingest applies it to a document's goals (``graph.compare.goal_concepts``)."""
    from graph.compare import GOAL_CONCEPT_TYPES
    from search.concepts import recognise

    return sorted({c.id for c in recognise(text) if c.type in GOAL_CONCEPT_TYPES})


def _quoted(items: list[dict]) -> list[dict]:
    return [
        {
            "text": q["text"],
            "theme": q.get("theme"),
            "targets": q.get("targets", []),
            "concepts": _concepts_in(q["text"]),
        }
        for q in items
    ]


def load_real(stores: list[Path]) -> list[dict]:
    """Real part: side A from a store (or quoted), side B quoted; gold = acceptable A goals per B."""
    spec = json.loads(REAL_FILE.read_text(encoding="utf-8"))["pairs"]
    wanted = {p["a"]["document"] for p in spec if "quoted" not in p["a"]}
    found = _store_goals(stores, wanted)
    sides = []
    for pair in spec:
        a = pair["a"]
        goals_a = _quoted(a["quoted"]) if "quoted" in a else found[a["document"]]
        normalised_a = [normalise_text(g["text"]) for g in goals_a]
        goals_b = _quoted(pair["b"]["quoted"])
        gold: dict[int, dict[int, str]] = {}
        ignore: set[int] = set()
        for j, item in enumerate(pair["b"]["quoted"]):
            if item.get("ambiguous"):
                ignore.add(j)
                continue
            accepted = {}
            for cont in item.get("continues", []):
                key = normalise_text(cont["a"])
                hits = [i for i, t in enumerate(normalised_a) if key in t]
                if "quoted" in a and not hits:
                    raise SystemExit(f"{pair['name']}: {cont['a']!r} names no quoted A statement")
                # a goal the extractor no longer yields cannot be found: it stays in the recall base
                for i in hits:
                    accepted.setdefault(i, cont["relation"])
            if item.get("continues"):
                gold[j] = accepted
        sides.append({"name": pair["name"], "a": goals_a, "b": goals_b, "gold": gold, "ignore": ignore})
    return sides


def _plan_text(doc_id: str, folder: Path) -> str:
    """The text of a plan of the pairing: written for it (``folder``, ``plans/``) or in the corpus."""
    for path in (
        folder / f"{doc_id}.txt",
        PLANS_DIR / f"{doc_id}.txt",
        HERE.parents[1] / "corpus" / f"{doc_id}.txt",
    ):
        if path.exists():
            return path.read_text(encoding="utf-8")
    raise SystemExit(f"{doc_id}: no text in {folder}, {PLANS_DIR} or corpus/")


def _activity_lines(text: str) -> list[str]:
    """Normalised lines under an activities heading ("Wat gaan we daarvoor doen?", block ``aanpak``):
    what a plan will do, which the corpus gold does not count as goals (Hengelo 2024-2026 lists its
    goals, not the activities under them)."""
    from ingest.clean import clean
    from ingest.segment import segment

    cleaned = clean(text)
    seg = segment(cleaned)
    return [
        normalise_text(line.text)
        for line in seg.lines
        if line.section >= 0 and seg.blocks[line.section] == "aanpak" and line.kind != "heading"
    ]


def _within(key: str, lines: list[str]) -> bool:
    return any(key in line or (len(line) >= 20 and line in key) for line in lines)


def load_plans(stores: list[Path], folder: Path = PLANS_DIR, goals_only: bool = True) -> list[dict]:
    """Plans part: both sides are goals ingest extracts from whole plans, as in a real comparison.

    Each ``plans/*.labels.json`` names an older and a newer document (one of them a plan written for this
    set, ingested from ``plans/*.txt``; the other a real one) and lists every goal statement of the newer
    plan with the older goals it continues. A statement is found among the newer plan's extracted goals
    by its normalised text (either text containing the other); a statement ingest did not extract as a
    goal stays in the recall base, so extraction losses count as misses. Extracted goals that no statement
    names (extraction noise) are left out of precision, and reported.

    With ``goals_only`` a statement under an activities heading is not a goal (the corpus gold's
    convention), nor is one that continues only activities of the older plan: both leave the recall
    base; ``activities`` counts them."""
    specs = [json.loads(f.read_text(encoding="utf-8")) for f in sorted(folder.glob("*.labels.json"))]
    found = _store_goals(stores, {s["older"] for s in specs} | {s["newer"] for s in specs})
    sides = []
    for spec in specs:
        name = f"{spec['older']} → {spec['newer']}"
        goals_a, goals_b = found[spec["older"]], found[spec["newer"]]
        normalised_a = [normalise_text(g["text"]) for g in goals_a]
        normalised_b = [normalise_text(g["text"]) for g in goals_b]
        gold: dict[int, dict[int, str]] = {}
        ignore: set[int] = set(range(len(goals_b)))  # until a statement names it
        ops: dict[int, str] = {}
        unextracted: list[str] = []
        activities = 0
        acts_a = _activity_lines(_plan_text(spec["older"], folder)) if goals_only else []
        acts_b = _activity_lines(_plan_text(spec["newer"], folder)) if goals_only else []
        for item in spec["statements"]:
            key = normalise_text(item["text"])
            hits = [j for j, t in enumerate(normalised_b) if key in t or (len(t) >= 20 and t in key)]
            conts = item.get("continues", [])
            if goals_only and (
                _within(key, acts_b)
                or (conts and all(_within(normalise_text(c["a"]), acts_a) for c in conts))
            ):
                activities += 1
                continue  # an activity, or the successor of activities only: not a goal pair
            accepted: dict[int, str] = {}
            for cont in conts:
                sub = normalise_text(cont["a"])
                for i in (i for i, t in enumerate(normalised_a) if sub in t):
                    accepted.setdefault(i, cont["relation"])
            if not hits:
                unextracted.append(item["text"])
                if item.get("continues") and not item.get("ambiguous"):
                    # not extracted: a gold pair no alignment can find (a negative index never pairs)
                    gold[-len(unextracted)] = accepted
                continue
            for j in hits:
                if item.get("ambiguous"):
                    continue
                ignore.discard(j)
                if item.get("continues"):
                    gold[j] = accepted
                    ops[j] = item.get("op", "reworded")
        sides.append(
            {
                "name": name,
                "a": goals_a,
                "b": goals_b,
                "gold": gold,
                "ignore": ignore,
                "ops": ops,
                "unextracted": unextracted,
                "unlabelled": len(ignore),
                "activities": activities,
            }
        )
    return sides


def score(sides: list[dict], embed, settings: AlignSettings) -> dict:
    """Pair precision / recall / F1 over document pairs; gold maps a B index to its acceptable A goals."""
    found = correct = relation_right = gold_total = gold_found = findable = 0
    for side in sides:
        pairs = align_goals(side["a"], side["b"], embed, settings)
        gold, ignore = side["gold"], side["ignore"]
        gold_total += len(gold)
        findable += sum(1 for j, accepted in gold.items() if j >= 0 and accepted)  # both goals extracted
        hit: set[int] = set()
        for p in pairs:
            if p.b in ignore:
                continue
            found += 1
            accepted = gold.get(p.b, {})
            if p.a in accepted:
                correct += 1
                relation_right += accepted[p.a] == p.relation
                hit.add(p.b)
        gold_found += len(hit)
    # precision counts pairs (a goal may pair twice: a split or a merge); recall counts the gold goals
    # of B found at least once, so a second right pair of an already found goal adds no recall
    precision = correct / found if found else 1.0
    recall = gold_found / gold_total if gold_total else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "pairs_found": found,
        "pairs_correct": correct,
        "gold_found": gold_found,
        "gold_pairs": gold_total,
        "gold_extracted": findable,
        "relation_accuracy": round(relation_right / correct, 3) if correct else None,
    }


def details(sides: list[dict], embed, settings: AlignSettings) -> None:
    """Per document pair: pairs found right and wrong, gold pairs missed; per operation of the
    generated part (merge, split, target, scope, theme_move, ...), how many were found."""
    per_op: dict[str, list[int]] = {}
    for side in sides:
        pairs: dict[int, list] = {}
        for p in align_goals(side["a"], side["b"], embed, settings):
            pairs.setdefault(p.b, []).append(p)
        gold, ignore, ops = side["gold"], side["ignore"], side.get("ops", {})
        print(f"  == {side['name']}")
        for j, goal in enumerate(side["b"]):
            if j in ignore:
                continue
            accepted = gold.get(j, {})
            found = pairs.get(j) or [None]
            for k, p in enumerate(found):
                if p and p.a in accepted:
                    tag = "ok  "
                elif p:
                    tag = "WRONG"
                elif accepted:
                    tag = "MISS "
                else:
                    continue
                if j in ops and k == 0:
                    per_op.setdefault(ops[j], [0, 0])[0] += any(q and q.a in accepted for q in found)
                    per_op[ops[j]][1] += 1
                partner = side["a"][p.a]["text"][:70] if p else side["a"][next(iter(accepted))]["text"][:70]
                score = f"{p.similarity:.3f} {p.relation}" if p else ""
                if p and p.a in accepted and accepted[p.a] != p.relation:
                    score += f" (label: {accepted[p.a]})"
                print(f"    {tag} {goal['text'][:70]!r} ~ {partner!r} {score}")
        for text in side.get("unextracted", []):
            print(f"    NOT EXTRACTED {text[:70]!r}")
    if per_op:
        print("  found per operation:", {op: f"{n}/{t}" for op, (n, t) in sorted(per_op.items())})


def grid_settings() -> list[AlignSettings]:
    """The settings the procedure compares: the session-9 reference points (passage prompt with CSLS,
    the query prompt with the chosen weights) and, around the current defaults, every combination of
    which concepts the shared-concepts score counts (themes and instruments, or partners too), what
    counts as the same theme (the theme concept, or a shared Kernbeleid field), the threshold
    within a theme (0.94-1.04), the across-theme offset (0 or 0.04), the shared-words
    weight (0, 0.1, 0.2), the shared-concepts weight (0-0.2) and the mutual-best floor (none, or
    0.02-0.10 below the threshold). Fields the installed AlignSettings lacks are left out (so the script
    also scores older code)."""
    fields = {f.name for f in dataclasses.fields(AlignSettings)}

    def make(**kwargs) -> AlignSettings:
        return AlignSettings(**{k: v for k, v in kwargs.items() if k in fields})

    out = [
        make(
            prompt="passage",
            scale="csls",
            same_theme=0.03,
            other_theme=0.03,
            target_bonus=0.01,
            lexical_weight=0.0,
            concept_weight=0.0,
            mutual_floor=None,
        )
    ]
    for kinds, match, same, extra, lex, conc, below in itertools.product(
        (("theme", "instrument"), ("theme", "instrument", "partner")),
        ("theme", "field"),
        (0.94, 0.96, 0.98, 1.0, 1.02, 1.04),
        (0.0, 0.04),
        (0.0, 0.1, 0.2),
        (0.0, 0.1, 0.15, 0.2),
        (None, 0.02, 0.04, 0.06, 0.08, 0.10),
    ):
        out.append(
            make(
                concept_types=kinds,
                theme_match=match,
                prompt="query",
                scale="cosine",
                same_theme=same,
                other_theme=round(same + extra, 2),
                target_bonus=0.0,
                lexical_weight=lex,
                concept_weight=conc,
                mutual_floor=None if below is None else round(same - below, 2),
                split_floor=None,
            )
        )
    return list(dict.fromkeys(out))


SPLIT_FLOORS = (0.92, 0.94, 0.96, 0.98, 1.0)
SPLIT_MARGINS = (0.02, 0.05, 0.1)


def split_settings(best: AlignSettings) -> list[AlignSettings]:
    """Stage 2: the stage-1 choice without and with second pairs of an ambition (``split_floor`` x
    ``split_margin``); the other fields stay as stage 1 chose them."""
    if "split_floor" not in {f.name for f in dataclasses.fields(AlignSettings)}:
        return [best]
    return [dataclasses.replace(best, split_floor=None)] + [
        dataclasses.replace(best, split_floor=f, split_margin=m)
        for f, m in itertools.product(SPLIT_FLOORS, SPLIT_MARGINS)
    ]


def _embedders(home: Path) -> dict[str, object]:
    """One embedder per prompt the installed AlignSettings knows (older code: the passage prompt)."""
    if "prompt" not in {f.name for f in dataclasses.fields(AlignSettings)}:
        return {"passage": _memo(default_embedder(home))}
    return {kind: _memo(default_embedder(home, kind)) for kind in ("passage", "query")}


def _memo(embed):
    """The embedder with an in-process memo (the grid embeds the same goals thousands of times)."""
    seen: dict[str, np.ndarray] = {}

    def memo(texts: list[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in seen]
        if todo:
            seen.update(zip(todo, embed(todo), strict=True))
        return np.array([seen[t] for t in texts])

    return memo


def _embed_for(embedders: dict, settings: AlignSettings):
    return embedders[getattr(settings, "prompt", "passage")]


def _line(part: str, result: dict) -> str:
    return (
        f"  {part:9s} P {result['precision']:.3f}  R {result['recall']:.3f}  F1 {result['f1']:.3f}"
        f"  ({result['pairs_correct']} of {result['pairs_found']} found pairs right,"
        f" {result.get('gold_found', '?')} of {result['gold_pairs']} gold found"
        f" ({result.get('gold_extracted', '?')} with both goals extracted);"
        f" relation right {result['relation_accuracy']})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", action="append", type=Path, required=True)
    parser.add_argument("--json", action="store_true", help="print every grid point as JSON")
    parser.add_argument("--only-default", action="store_true", help="score the current defaults only")
    parser.add_argument("--details", action="store_true", help="with --only-default: every pair, per part")
    parser.add_argument(
        "--heldout", action="store_true", help="score the held-out plans (heldout/) with the defaults only"
    )
    args = parser.parse_args()
    if args.heldout:
        # the held-out plans: scored with the current defaults only, never part of a choice; once with
        # every labelled statement, once with goals only (activities left out, as the corpus gold does)
        parts = {
            "heldout": load_plans(args.store, HELDOUT_DIR),
            "all stmts": load_plans(args.store, HELDOUT_DIR, goals_only=False),
        }
        args.only_default = True
    else:
        parts = {
            "real": load_real(args.store),
            "generated": load_generated(args.store),
            "plans": load_plans(args.store),
        }
    embedders = _embedders(args.store[0])
    for name, sides in parts.items():
        gold = sum(len(s["gold"]) for s in sides)
        print(f"{name}: {len(sides)} document pairs, {gold} gold pairs")
        for side in sides:
            if "unextracted" in side:
                print(
                    f"  {side['name']}: {side['activities']} statements are activities,"
                    f" {len(side['unextracted'])} others not extracted as goals,"
                    f" {side['unlabelled']} extracted goals no statement names"
                )
    if args.only_default:
        settings = AlignSettings()
        print("defaults:", vars(settings))
        for name, sides in parts.items():
            print(_line(name, score(sides, _embed_for(embedders, settings), settings)))
            if args.details:
                details(sides, _embed_for(embedders, settings), settings)
        return
    best, grid = _choose(grid_settings(), parts, embedders, args.json, "stage 1")
    best, _ = _choose(split_settings(best[0]), parts, embedders, args.json, "stage 2")
    print("chosen:", vars(best[0]))
    for name, result in best[1].items():
        print(_line(name, result))


def _choose(settings_list: list[AlignSettings], parts: dict, embedders: dict, as_json: bool, stage: str):
    """Score every setting on every part; the best has precision >= 0.8 on each and the highest mean F1
    (ties: real F1, then the more conservative setting: higher thresholds, no second pairs)."""
    grid = []
    for settings in settings_list:
        embed = _embed_for(embedders, settings)
        results = {name: score(sides, embed, settings) for name, sides in parts.items()}
        grid.append((settings, results))

    def eligible(results: dict) -> bool:
        return all(r["precision"] >= MIN_PRECISION for r in results.values())

    def key(g):
        settings, results = g
        mean_f1 = sum(r["f1"] for r in results.values()) / len(results)
        split_floor = getattr(settings, "split_floor", None)
        return (
            round(mean_f1, 3),
            results["real"]["f1"],
            settings.same_theme,
            settings.other_theme,
            9.0 if split_floor is None else split_floor,
            -getattr(settings, "split_margin", 0.0),
        )

    pool = [g for g in grid if eligible(g[1])] or grid
    best = max(pool, key=key)
    if as_json:
        print(json.dumps([{**vars(s), **{k: r for k, r in res.items()}} for s, res in grid], indent=1))
    print(f"{stage}: top settings (mean F1 of the parts, precision >= 0.8 on each):")
    for settings, results in sorted(pool, key=key, reverse=True)[:10]:
        print(" ", {k: v for k, v in vars(settings).items()})
        for name, result in results.items():
            print("  ", _line(name, result))
    return best, grid


if __name__ == "__main__":
    main()
