"""Policy comparison over the graph store: two documents, a municipality's successive plans, a
municipality × concept matrix, concepts unique to one municipality and a concept's timeline.

Everything here is a pure function of the store's contents (plus, for goals and targets, an embedding
function): the SPARQL behind each view lives in ``graph/queries/compare_*.rq``, ``matrix*.rq`` and
``timeline*.rq`` so researchers can run the same queries themselves. Results are JSON-ready dicts, shared
by the CLI (``beleidsgraaf compare / matrix / timeline``) and the HTTP API (``/api/compare`` ...).

Goals are matched across documents by meaning: identical normalised text first, then the cosine of their
embeddings (greedy best pair first, one-to-one) when it reaches ``goal_threshold``. Targets are matched
the same way on their metric and then compared on value, unit, comparator, year and baseline.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import logging
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from graph.queries import cid as concept_id_of
from graph.queries import local_id, run
from ingest.model import STATUSES
from ontology import TOOI_GEMEENTE, concept_iri
from ontology.errors import BadParameter, UnknownDocument, UnknownLabel, UnknownMunicipality

log = logging.getLogger(__name__)


DEFAULT_GOAL_THRESHOLD = 0.92
"""Cosine (multilingual-e5-small, "query: " prompt on both sides) at which two goals count as the same goal.

e5 similarities are compressed: unrelated goals of one policy field score 0.84 on median (Hengelo 2021 vs
2024 goals), so 0.85 would pair nearly everything. On a probe of 10 reworded goal pairs the rewordings
scored 0.903-0.971 and the different goals at most 0.912; at 0.92 6 of 10 rewordings pair and no different
goals do. Greedy one-to-one pairing (best pair first) keeps a goal from pairing twice."""

DEFAULT_TARGET_THRESHOLD = 0.92
"""Cosine at which two target metrics count as the same measure (same model and prompt as goals)."""

FACT_KINDS = ("theme", "instrument", "partner")
COMPARE_CATEGORIES = ("priority_themes", "themes", "instruments", "partners", "goals", "targets")
CATEGORY_LABELS = {  # Dutch headings shown by the CLI and the comparison page
    "priority_themes": "Prioritaire thema's",
    "themes": "Thema's",
    "instruments": "Instrumenten",
    "partners": "Partners",
    "goals": "Doelen",
    "targets": "Streefcijfers",
}
MATRIX_KINDS = ("instrument", "partner")
USE_STATUSES = ("toegepast", "voornemen")  # statuses that say the municipality acts ("mention is not use")
MAX_CELL_EVIDENCE = 5

Embedder = Callable[[list[str]], np.ndarray]


def is_category(concept: str) -> bool:
    """Category concepts (``instrument:cat/bestuurlijk``) group concepts; they are not things a plan names."""
    return concept.partition(":")[2].startswith("cat/")


def status_of(value: str | None) -> str | None:
    return concept_id_of(value).partition(":")[2] if value else None


def strongest_status(statuses: Iterable[str]) -> str | None:
    """The strongest claim of use among statuses (``toegepast`` > ``voornemen`` > ... > ``genoemd``)."""
    order = {s: i for i, s in enumerate(STATUSES)}
    known = [s for s in statuses if s]
    return min(known, key=lambda s: order.get(s, len(order))) if known else None


# --------------------------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class DocInfo:
    iri: str
    doc_id: str
    file: str
    title: str | None
    municipality: str | None  # TOOI IRI
    municipality_name: str | None
    start: int | None
    end: int | None
    date: str | None
    doc_type: str | None

    @property
    def code(self) -> str | None:
        if self.municipality and self.municipality.startswith(TOOI_GEMEENTE):
            return self.municipality[len(TOOI_GEMEENTE) :].upper()
        return None

    @property
    def period(self) -> str | None:
        if self.start is None:
            return None
        return str(self.start) if self.end in (None, self.start) else f"{self.start}-{self.end}"

    def covers(self, year: int) -> bool:
        """A year inside the document's period (documents without a period: the year of their date)."""
        if self.start is not None:
            return self.start <= year <= (self.end if self.end is not None else self.start)
        return bool(self.date) and str(self.date)[:4] == str(year)

    def sort_key(self) -> tuple:
        return (self.start if self.start is not None else 10**4, self.end or 0, self.date or "", self.file)

    def as_json(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "file": self.file,
            "title": self.title,
            "municipality": self.municipality_name,
            "municipality_code": self.code,
            "period": self.period,
            "period_start": self.start,
            "period_end": self.end,
            "date": self.date,
            "doc_type": concept_id_of(self.doc_type) if self.doc_type else None,
        }


def _int(value: Any) -> int | None:
    if value is None:
        return None
    try:
        return int(str(value)[:4]) if not isinstance(value, int) else value
    except ValueError:
        return None


def list_documents(store) -> list[DocInfo]:
    """All documents in the store with their comparison metadata, ordered by municipality and period."""
    docs = []
    for row in run(store, "compare_documents"):
        iri = row["doc"]
        docs.append(
            DocInfo(
                iri=iri,
                doc_id=local_id(iri),
                file=row["file"],
                title=row.get("title"),
                municipality=row.get("municipality"),
                municipality_name=row.get("municipalityName"),
                start=_int(row.get("start")),
                end=_int(row.get("end")),
                date=str(row["date"]) if row.get("date") is not None else None,
                doc_type=row.get("docType"),
            )
        )
    return sorted(docs, key=lambda d: ((d.municipality_name or "").lower(), d.sort_key()))


def resolve_document(docs: Sequence[DocInfo], ref: str) -> DocInfo:
    """A document by doc_id, file name, file stem or IRI; NotFound (with suggestions) otherwise."""
    ref = (ref or "").strip()
    stem = Path(ref).stem.lower()
    for doc in docs:
        if ref in (doc.iri, doc.doc_id, doc.file) or stem in (
            doc.doc_id.lower(),
            Path(doc.file).stem.lower(),
        ):
            return doc
    names = [d.doc_id for d in docs]
    close = difflib.get_close_matches(stem, names, n=3, cutoff=0.5)
    hint = f"; did you mean: {', '.join(close)}?" if close else ""
    raise UnknownDocument(f"no document {ref!r} in the store{hint}", document=ref, suggestions=close)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in text if not unicodedata.combining(c)).casefold().strip()


def resolve_municipality(docs: Sequence[DocInfo], ref: str) -> tuple[str, str]:
    """(TOOI IRI, name) of a municipality that has documents, by name, CBS code or IRI."""
    want = _fold(ref)
    code = want.upper().removeprefix("GM")
    known = {d.municipality: d.municipality_name or d.code or "" for d in docs if d.municipality}
    for iri, name in known.items():
        doc_code = iri.rsplit("/", 1)[-1].upper().removeprefix("GM")
        if want in (_fold(name), _fold(iri)) or (code.isdigit() and code.zfill(4) == doc_code):
            return iri, name
    from ontology.municipalities import find_by_code, find_by_name

    # a spelling the reference list knows (e.g. "Den Bosch") but the documents name differently
    found = find_by_name(ref) or (find_by_code(ref) if code.isdigit() else None)
    with_docs = sorted(known.values())
    if found is not None:
        iri = TOOI_GEMEENTE + found.code.lower()
        if iri in known:
            return iri, known[iri]
        raise UnknownMunicipality(
            f"no documents of municipality {found.name} in the store (there are: {', '.join(with_docs)})",
            municipality=ref,
            suggestions=with_docs,
        )
    raise UnknownMunicipality(
        f"municipality {ref!r} has no documents in the store (there are: {', '.join(with_docs)})",
        municipality=ref,
        suggestions=with_docs,
    )


# --------------------------------------------------------------------------------------------- concepts


def concept_labels(store) -> tuple[dict[str, str], dict[str, set[str]]]:
    """(concept id → Dutch preferred label, folded label → concept ids) for every concept in the store."""
    pref: dict[str, str] = {}
    by_label: dict[str, set[str]] = defaultdict(set)
    for row in run(store, "compare_concepts"):
        cid = concept_id_of(row["concept"])
        if row.get("pref"):
            pref.setdefault(cid, row["pref"])
        by_label[_fold(row["label"])].add(cid)
    return pref, by_label


def resolve_concept(store, ref: str, kind: str | None = None) -> tuple[str, str]:
    """(concept id, Dutch label) from an id (``theme:ondermijning``) or any label, optionally of one kind."""
    pref, by_label = concept_labels(store)
    ref = (ref or "").strip()
    if ref in pref:
        candidates = {ref}
    else:
        candidates = set(by_label.get(_fold(ref), set()))
        if not candidates and ":" not in ref:  # a bare local name: "ondermijning" → theme:ondermijning
            local = _fold(ref).replace(" ", "_")
            candidates = {c for c in pref if c.partition(":")[2] == local}
    if kind:
        candidates = {c for c in candidates if c.startswith(kind + ":")}
    if len(candidates) > 1:  # prefer what plans are about (theme, instrument, partner) over doctypes, laws
        preferred = {c for c in candidates if c.partition(":")[0] in FACT_KINDS}
        candidates = preferred or candidates
    if len(candidates) == 1:
        cid = candidates.pop()
        return cid, pref.get(cid, cid)
    if candidates:
        raise BadParameter(f"{ref!r} is ambiguous: {', '.join(sorted(candidates))}", parameter="concept")
    pool = [
        label for label, ids in by_label.items() if not kind or any(c.startswith(kind + ":") for c in ids)
    ]
    close = difflib.get_close_matches(_fold(ref), pool, n=3, cutoff=0.6)
    raise UnknownLabel(ref, close, kind)


# --------------------------------------------------------------------------------------------- evidence


def _evidence(row: dict[str, Any]) -> dict[str, Any] | None:
    if not row.get("span") and not row.get("exact"):
        return None
    return {
        "text": row.get("exact"),
        "file": row.get("file"),
        "passage": local_id(row["passage"]) if row.get("passage") else None,
        "start": row.get("begin"),
        "end": row.get("end"),
        "section": row.get("section"),
    }


def _add_evidence(target: list[dict], seen: set, row: dict[str, Any]) -> None:
    ev = _evidence(row)
    if ev is None:
        return
    key = (ev["file"], ev["start"], ev["end"], ev["text"])
    if key not in seen:
        seen.add(key)
        target.append(ev)


def _sorted_evidence(items: list[dict]) -> list[dict]:
    return sorted(
        items, key=lambda e: (e.get("file") or "", e.get("start") if e.get("start") is not None else 0)
    )


# --------------------------------------------------------------------------------------------- facts


@dataclass
class ConceptFacts:
    """What one document says about one concept (all its facts merged)."""

    id: str
    label: str
    priority: bool = False
    declared_new: bool = False
    statuses: set[str] | None = None
    against: set[str] | None = None
    evidence: list[dict] | None = None
    priority_evidence: list[dict] | None = None


def document_facts(store, doc: DocInfo) -> dict[str, dict[str, ConceptFacts]]:
    """kind (theme / instrument / partner) → concept id → merged facts of one document."""
    out: dict[str, dict[str, ConceptFacts]] = {k: {} for k in FACT_KINDS}
    seen: dict[tuple, set] = defaultdict(set)
    for row in run(store, "compare_facts", doc=doc.iri):
        kind, cid = row["kind"], concept_id_of(row["concept"])
        item = out[kind].get(cid)
        if item is None:
            item = out[kind][cid] = ConceptFacts(
                cid, row.get("label") or cid, statuses=set(), against=set(), evidence=[], priority_evidence=[]
            )
        if row.get("status"):
            item.statuses.add(status_of(row["status"]))
        if row.get("against"):
            item.against.add(concept_id_of(row["against"]))
        _add_evidence(item.evidence, seen[(kind, cid)], row)
        if row.get("priority") is True:
            item.priority = True
            _add_evidence(item.priority_evidence, seen[(kind, cid, "priority")], row)
        if row.get("declaredNew") is True:
            item.declared_new = True
    return out


def _compare_concepts(
    a: dict[str, ConceptFacts],
    b: dict[str, ConceptFacts],
    *,
    priority: bool = False,
    with_status: bool = False,
) -> dict[str, list[dict]]:
    """added / removed / kept concepts between two documents, with evidence from each side."""

    def ev(item: ConceptFacts | None) -> list[dict]:
        if item is None:
            return []
        return _sorted_evidence((item.priority_evidence or item.evidence) if priority else item.evidence)

    if priority:
        a = {k: v for k, v in a.items() if v.priority}
        b = {k: v for k, v in b.items() if v.priority}
    result: dict[str, list[dict]] = {"added": [], "removed": [], "kept": []}
    for cid in sorted(set(a) | set(b), key=lambda c: ((a.get(c) or b.get(c)).label.casefold(), c)):
        left, right = a.get(cid), b.get(cid)
        item: dict[str, Any] = {
            "id": cid,
            "label": (right or left).label,
            "evidence_a": ev(left),
            "evidence_b": ev(right),
        }
        if priority:
            # a priority B calls new although A already had it: kept, but say what B claims
            item["declared_new_in_b"] = bool(right and right.declared_new)
        if with_status:
            sa = strongest_status(left.statuses) if left else None
            sb = strongest_status(right.statuses) if right else None
            item.update(
                status_a=sa,
                status_b=sb,
                status_changed=bool(left and right and sa != sb),
                themes_a=sorted(left.against) if left else [],
                themes_b=sorted(right.against) if right else [],
            )
        state = "kept" if left and right else ("added" if right else "removed")
        result[state].append(item)
    return result


# --------------------------------------------------------------------------------------------- goals


def normalise_text(text: str) -> str:
    """Lower case, no punctuation, bullets or numbering, single spaces: identical goals compare equal."""
    text = _fold(text)
    text = re.sub(r"^\s*(?:[-•*·–]|\(?\w{1,3}[.)])\s+", "", text)
    text = re.sub(r"[^\w%]+", " ", text)
    return " ".join(text.split())


def match_by_meaning(
    texts_a: Sequence[str], texts_b: Sequence[str], embed: Embedder | None, threshold: float
) -> list[tuple[int, int, float, str]]:
    """One-to-one pairs (i, j, similarity, "text" | "meaning") between two lists of texts.

    Identical normalised texts pair first (similarity 1.0); the rest pair greedily by descending cosine
    of their embeddings while it is at least ``threshold``. Without ``embed`` only identical texts pair.
    """
    pairs: list[tuple[int, int, float, str]] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    index_b: dict[str, list[int]] = defaultdict(list)
    for j, t in enumerate(texts_b):
        index_b[normalise_text(t)].append(j)
    for i, t in enumerate(texts_a):
        for j in index_b.get(normalise_text(t), []):
            if j not in used_b:
                pairs.append((i, j, 1.0, "text"))
                used_a.add(i)
                used_b.add(j)
                break
    rest_a = [i for i in range(len(texts_a)) if i not in used_a]
    rest_b = [j for j in range(len(texts_b)) if j not in used_b]
    if embed is None or not rest_a or not rest_b:
        return pairs
    vectors = np.asarray(embed([texts_a[i] for i in rest_a] + [texts_b[j] for j in rest_b]), dtype=np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    sims = vectors[: len(rest_a)] @ vectors[len(rest_a) :].T
    order = np.dstack(np.unravel_index(np.argsort(-sims, axis=None), sims.shape))[0]
    for x, y in order:
        sim = float(sims[x, y])
        if sim < threshold:
            break
        i, j = rest_a[x], rest_b[y]
        if i in used_a or j in used_b:
            continue
        pairs.append((i, j, sim, "meaning"))
        used_a.add(i)
        used_b.add(j)
    return sorted(pairs)


def _goals(store, doc: DocInfo) -> list[dict[str, Any]]:
    goals: dict[str, dict[str, Any]] = {}
    seen: dict[str, set] = defaultdict(set)
    for row in run(store, "compare_goals", doc=doc.iri):
        gid = local_id(row["goal"])
        goal = goals.setdefault(
            gid,
            {
                "id": gid,
                "text": row["text"],
                "type": row.get("goalType"),
                "theme": concept_id_of(row["theme"]) if row.get("theme") else None,
                "evidence": [],
            },
        )
        _add_evidence(goal["evidence"], seen[gid], row)
    return sorted(goals.values(), key=lambda g: _natural(g["id"]))


def _natural(text: str) -> list:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text)]


def _compare_goals(
    goals_a: list[dict], goals_b: list[dict], embed: Embedder | None, threshold: float
) -> dict[str, list[dict]]:
    pairs = match_by_meaning([g["text"] for g in goals_a], [g["text"] for g in goals_b], embed, threshold)
    result: dict[str, list[dict]] = {"added": [], "removed": [], "kept": []}
    matched_a = {i for i, _, _, _ in pairs}
    matched_b = {j for _, j, _, _ in pairs}
    for i, j, sim, how in pairs:
        ga, gb = goals_a[i], goals_b[j]
        result["kept"].append(
            {
                "id": gb["id"],
                "id_a": ga["id"],
                "id_b": gb["id"],
                "label": gb["text"],
                "text_a": ga["text"],
                "text_b": gb["text"],
                "similarity": round(sim, 4),
                "match": how,
                "type_a": ga["type"],
                "type_b": gb["type"],
                "theme_a": ga["theme"],
                "theme_b": gb["theme"],
                "evidence_a": _sorted_evidence(ga["evidence"]),
                "evidence_b": _sorted_evidence(gb["evidence"]),
            }
        )

    def describe(g: dict) -> dict:
        return {"id": g["id"], "label": g["text"], "type": g["type"], "theme": g["theme"]}

    _add_unmatched(result, goals_a, goals_b, matched_a, matched_b, describe)
    return result


def _add_unmatched(
    result: dict[str, list[dict]],
    items_a: list[dict],
    items_b: list[dict],
    matched_a: set[int],
    matched_b: set[int],
    describe: Callable[[dict], dict],
) -> None:
    """Items only in A are removed, items only in B added; each with its evidence on its own side."""
    for i, item in enumerate(items_a):
        if i not in matched_a:
            entry = {**describe(item), "evidence_a": _sorted_evidence(item["evidence"]), "evidence_b": []}
            result["removed"].append(entry)
    for j, item in enumerate(items_b):
        if j not in matched_b:
            entry = {**describe(item), "evidence_a": [], "evidence_b": _sorted_evidence(item["evidence"])}
            result["added"].append(entry)


# --------------------------------------------------------------------------------------------- targets

TARGET_FIELDS = ("value", "unit", "comparator", "year", "baselineValue", "baselineYear")


def _targets(store, doc: DocInfo) -> list[dict[str, Any]]:
    targets: dict[str, dict[str, Any]] = {}
    seen: dict[str, set] = defaultdict(set)
    for row in run(store, "compare_targets", doc=doc.iri):
        tid = local_id(row["target"])
        target = targets.get(tid)
        if target is None:
            target = targets[tid] = {
                "id": tid,
                "metric": row.get("metric") or row.get("goalText") or "",
                **{f: row.get(f) for f in TARGET_FIELDS},
                "goal": local_id(row["goal"]) if row.get("goal") else None,
                "theme": concept_id_of(row["theme"]) if row.get("theme") else None,
                "evidence": [],
            }
        _add_evidence(target["evidence"], seen[tid], row)
    return sorted(targets.values(), key=lambda t: _natural(t["id"]))


def _describe_target(t: dict[str, Any]) -> str:
    parts = [t["metric"]]
    if t.get("value") is not None:
        value = f"{t['value']:g}" if isinstance(t["value"], float) else str(t["value"])
        parts.append(" ".join(p for p in (t.get("comparator"), value, t.get("unit")) if p))
    if t.get("year"):
        parts.append(f"in {t['year']}")
    return " ".join(parts)


def _target_changes(ta: dict[str, Any], tb: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Fields both targets state that differ: field → {"from", "to"}."""
    changes = {}
    for field in TARGET_FIELDS:
        va, vb = ta.get(field), tb.get(field)
        if va is not None and vb is not None and va != vb:
            changes[field] = {"from": va, "to": vb}
    return changes


def _compare_targets(
    targets_a: list[dict], targets_b: list[dict], embed: Embedder | None, threshold: float
) -> dict[str, list[dict]]:
    pairs = match_by_meaning(
        [t["metric"] for t in targets_a], [t["metric"] for t in targets_b], embed, threshold
    )
    result: dict[str, list[dict]] = {"added": [], "removed": [], "kept": []}
    for i, j, sim, how in pairs:
        ta, tb = targets_a[i], targets_b[j]
        result["kept"].append(
            {
                "id": tb["id"],
                "id_a": ta["id"],
                "id_b": tb["id"],
                "label": tb["metric"],
                "a": {k: ta[k] for k in ("metric", *TARGET_FIELDS)},
                "b": {k: tb[k] for k in ("metric", *TARGET_FIELDS)},
                "text_a": _describe_target(ta),
                "text_b": _describe_target(tb),
                "similarity": round(sim, 4),
                "match": how,
                "changed": _target_changes(ta, tb),
                "evidence_a": _sorted_evidence(ta["evidence"]),
                "evidence_b": _sorted_evidence(tb["evidence"]),
            }
        )
    matched_a = {i for i, _, _, _ in pairs}
    matched_b = {j for _, j, _, _ in pairs}

    def describe(t: dict) -> dict:
        return {"id": t["id"], "label": _describe_target(t), **{k: t[k] for k in ("metric", *TARGET_FIELDS)}}

    _add_unmatched(result, targets_a, targets_b, matched_a, matched_b, describe)
    return result


# --------------------------------------------------------------------------------------------- embedding


_MEMO: dict[str, np.ndarray] = {}  # (model key + prompt + text) → vector, shared by every embedder here
_MEMO_MAX = 50_000


def default_embedder(home: Path | None = None) -> Embedder:
    """The project's embedding model with the symmetric ("query: ") prompt on both sides.

    e5 models are trained with "query: " for symmetric similarity tasks; comparing a goal with a goal is
    one, so both sides get the same prompt. Vectors are kept in memory and, with a data folder, in its
    embedding cache (``cache/embeddings.sqlite``), so comparing the same documents again costs no model time.
    """
    from search.embed import EmbeddingCache, cache_path
    from search.model import load_model, model_key

    model = load_model()
    key = model_key()
    prompts = getattr(model, "prompts", None) or {}
    prompt = prompts.get("query", "")
    try:
        disk = EmbeddingCache(cache_path(home)) if home is not None else None
    except Exception as exc:  # noqa: BLE001 - an unwritable data folder only loses the cache
        log.debug("no embedding cache: %s", exc)
        disk = None

    def embed(texts: list[str]) -> np.ndarray:
        full = {t: prompt + t for t in dict.fromkeys(texts)}
        memo_key = {t: f"{key}\n{f}" for t, f in full.items()}
        todo = [t for t in full if memo_key[t] not in _MEMO]
        if todo and disk is not None:
            shas = {t: hashlib.sha256(full[t].encode("utf-8")).hexdigest() for t in todo}
            found = disk.get_many(key, list(shas.values()))
            for t in todo:
                if shas[t] in found:
                    _MEMO[memo_key[t]] = found[shas[t]]
            todo = [t for t in todo if memo_key[t] not in _MEMO]
        if todo:
            vectors = model.encode(
                [full[t] for t in todo],
                batch_size=32,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            fresh = dict(zip(todo, np.asarray(vectors, dtype=np.float32), strict=True))
            if len(_MEMO) > _MEMO_MAX:
                _MEMO.clear()
            _MEMO.update({memo_key[t]: v for t, v in fresh.items()})
            if disk is not None:
                try:
                    disk.put_many(
                        key,
                        {hashlib.sha256(full[t].encode("utf-8")).hexdigest(): v for t, v in fresh.items()},
                    )
                except Exception as exc:  # noqa: BLE001 - a read-only data folder only loses the cache
                    log.debug("embedding cache not written: %s", exc)
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack([_MEMO[memo_key[t]] for t in texts])

    return embed


def _embedder_for(store, embed: Embedder | None) -> tuple[Embedder | None, str]:
    if embed is not None:
        return embed, "embedding"
    try:
        return default_embedder(getattr(store, "home", None)), "embedding"
    except Exception as exc:  # no model available: fall back to identical-text matching, and say so
        log.warning("goal matching by meaning unavailable (%s); matching identical texts only", exc)
        return None, "text"


# --------------------------------------------------------------------------------------------- compare


def compare_documents(
    store,
    a: str,
    b: str,
    *,
    embed: Embedder | None = None,
    goal_threshold: float = DEFAULT_GOAL_THRESHOLD,
    target_threshold: float = DEFAULT_TARGET_THRESHOLD,
    docs: Sequence[DocInfo] | None = None,
) -> dict[str, Any]:
    """What changed from document ``a`` to document ``b`` (by file name or doc_id).

    Returns metadata of both and, per category (priority_themes, themes, instruments, partners, goals,
    targets), ``{"added", "removed", "kept"}`` lists of items with evidence from each side.
    """
    docs = list(docs) if docs is not None else list_documents(store)
    doc_a, doc_b = resolve_document(docs, a), resolve_document(docs, b)
    embedder, method = _embedder_for(store, embed)
    facts_a, facts_b = document_facts(store, doc_a), document_facts(store, doc_b)
    result: dict[str, Any] = {
        "a": doc_a.as_json(),
        "b": doc_b.as_json(),
        "priority_themes": _compare_concepts(facts_a["theme"], facts_b["theme"], priority=True),
        "themes": _compare_concepts(facts_a["theme"], facts_b["theme"]),
        "instruments": _compare_concepts(facts_a["instrument"], facts_b["instrument"], with_status=True),
        "partners": _compare_concepts(facts_a["partner"], facts_b["partner"]),
        "goals": _compare_goals(_goals(store, doc_a), _goals(store, doc_b), embedder, goal_threshold),
        "targets": _compare_targets(
            _targets(store, doc_a), _targets(store, doc_b), embedder, target_threshold
        ),
        "matching": {
            "method": method,
            "goal_threshold": goal_threshold,
            "target_threshold": target_threshold,
        },
    }
    result["summary"] = {
        cat: {state: len(result[cat][state]) for state in ("added", "removed", "kept")}
        for cat in COMPARE_CATEGORIES
    }
    result["summary"]["instruments"]["status_changed"] = sum(
        1 for item in result["instruments"]["kept"] if item["status_changed"]
    )
    return result


def municipality_documents(
    store, municipality: str, docs: Sequence[DocInfo] | None = None
) -> tuple[dict[str, Any], list[DocInfo]]:
    """({"id", "name", "code"}, the municipality's documents ordered by period) — NotFound if none."""
    docs = list(docs) if docs is not None else list_documents(store)
    iri, name = resolve_municipality(docs, municipality)
    own = sorted((d for d in docs if d.municipality == iri), key=DocInfo.sort_key)
    code = iri.rsplit("/", 1)[-1].upper()
    return {"id": iri, "name": name, "code": code}, own


def compare_municipality(
    store,
    municipality: str,
    *,
    embed: Embedder | None = None,
    goal_threshold: float = DEFAULT_GOAL_THRESHOLD,
    target_threshold: float = DEFAULT_TARGET_THRESHOLD,
) -> list[dict[str, Any]]:
    """Pairwise comparisons of a municipality's consecutive policy periods (documents with a period only)."""
    docs = list_documents(store)
    _, own = municipality_documents(store, municipality, docs)
    periodic = [d for d in own if d.start is not None]
    if len(periodic) < 2:
        return []
    embedder, _ = _embedder_for(store, embed)
    return [
        compare_documents(
            store,
            x.doc_id,
            y.doc_id,
            embed=embedder,
            goal_threshold=goal_threshold,
            target_threshold=target_threshold,
            docs=docs,
        )
        for x, y in zip(periodic, periodic[1:], strict=False)
    ]


# --------------------------------------------------------------------------------------------- matrix


def _check_kind(kind: str, allowed: Sequence[str]) -> str:
    kind = (kind or "").strip().lower()
    if kind not in allowed:
        raise BadParameter(f"unknown kind {kind!r}; choose from: {', '.join(allowed)}", parameter="kind")
    return kind


def _check_year(period: int | str | None) -> int | None:
    if period in (None, ""):
        return None
    try:
        year = int(str(period).strip())
    except ValueError:
        raise BadParameter(f"period must be a year, not {period!r}", parameter="period") from None
    if not 1800 <= year <= 2200:
        raise BadParameter(f"year {year} is outside 1800-2200", parameter="period")
    return year


def matrix(
    store,
    kind: str = "instrument",
    theme: str | None = None,
    period: int | str | None = None,
    *,
    used_only: bool = False,
    include_categories: bool = False,
) -> dict[str, Any]:
    """Municipalities (rows) × concepts (columns) of one kind (instrument, partner or theme), with per cell
    the documents and evidence.

    A cell counts the municipality's documents that name or use the concept or a narrower one. With a
    theme, instruments count only where used against that theme (or a narrower one) and partners only where
    named in passages about it. ``period`` keeps documents whose period contains that year. ``used_only``
    keeps instruments with status toegepast/voornemen (mention is not use).
    """
    kind = _check_kind(kind, FACT_KINDS)
    year = _check_year(period)
    docs = list_documents(store)
    theme_json = None
    if theme and kind == "theme":
        raise BadParameter("a theme filter needs kind instrument or partner", parameter="theme")
    if theme:
        theme_id, theme_label = resolve_concept(store, theme, "theme")
        theme_json = {"id": theme_id, "label": theme_label}
        rows = run(store, f"matrix_theme_{kind}", theme=concept_iri(theme_id))
    else:
        rows = run(store, "matrix", **{"class": _fact_class(kind)})
    in_scope = {d.iri: d for d in docs if d.municipality and (year is None or d.covers(year))}
    cells: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    labels: dict[str, str] = {}
    seen: dict[tuple, set] = defaultdict(set)
    for row in rows:
        doc = in_scope.get(row["doc"])
        cid = concept_id_of(row["concept"])
        status = status_of(row.get("status"))
        if doc is None or (is_category(cid) and not include_categories):
            continue
        if used_only and kind == "instrument" and status not in USE_STATUSES:
            continue
        labels.setdefault(cid, row.get("label") or cid)
        code = doc.code or doc.municipality
        cell = cells[code].setdefault(
            cid,
            {
                "count": 0,
                "documents": [],
                "evidence": [],
                "statuses": set(),
                "via": set(),
                "evidence_count": 0,
            },
        )
        if doc.file not in cell["documents"]:
            cell["documents"].append(doc.file)
        if status:
            cell["statuses"].add(status)
        direct = concept_id_of(row["direct"])
        if direct != cid:
            cell["via"].add(direct)
        _add_evidence(cell["evidence"], seen[(code, cid)], row)
    columns_count: dict[str, int] = defaultdict(int)
    for row_cells in cells.values():
        for cid, cell in row_cells.items():
            cell["count"] = len(cell["documents"])
            cell["documents"].sort()
            evidence = _sorted_evidence(cell["evidence"])
            cell["evidence_count"] = len(evidence)
            cell["evidence"] = evidence[:MAX_CELL_EVIDENCE]
            cell["status"] = strongest_status(cell["statuses"])
            cell["statuses"] = sorted(cell["statuses"])
            cell["via"] = sorted(cell["via"])
            columns_count[cid] += 1
    municipalities: dict[str, dict[str, Any]] = {}
    for doc in in_scope.values():
        code = doc.code or doc.municipality
        entry = municipalities.setdefault(
            code, {"id": code, "label": doc.municipality_name or code, "documents": []}
        )
        entry["documents"].append(doc.file)
    columns = sorted(columns_count, key=lambda c: (-columns_count[c], labels[c].casefold(), c))
    return {
        "kind": kind,
        "theme": theme_json,
        "period": year,
        "used_only": used_only,
        "rows": sorted(municipalities.values(), key=lambda r: r["label"].casefold()),
        "columns": [{"id": c, "label": labels[c], "municipalities": columns_count[c]} for c in columns],
        "cells": {code: dict(row_cells) for code, row_cells in cells.items()},
    }


def _fact_class(kind: str) -> str:
    return {
        "instrument": "https://w3id.org/beleidsgraaf/def#InstrumentUse",
        "partner": "https://w3id.org/beleidsgraaf/def#PartnerFact",
        "theme": "https://w3id.org/beleidsgraaf/def#ThemeFact",
    }[kind]


def matrix_csv(m: dict[str, Any]) -> str:
    """The matrix as CSV: one row per municipality, one column per concept, cells = number of documents."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["gemeente", "code", *[f"{c['label']} ({c['id']})" for c in m["columns"]]])
    for row in m["rows"]:
        cells = m["cells"].get(row["id"], {})
        writer.writerow(
            [row["label"], row["id"], *[cells.get(c["id"], {}).get("count", 0) for c in m["columns"]]]
        )
    return out.getvalue()


# --------------------------------------------------------------------------------------------- unique


def unique_concepts(store, municipality: str, kind: str = "instrument") -> dict[str, Any]:
    """Concepts of one kind that this municipality's documents name and no other municipality's documents do.

    "Name" as in the matrix: a narrower concept counts for its broader one, so a municipality that names
    MIA-controles also has integrale controles.
    """
    kind = _check_kind(kind, FACT_KINDS)
    docs = list_documents(store)
    muni, own = municipality_documents(store, municipality, docs)
    m = matrix(store, kind)
    code = muni["code"]
    mine = m["cells"].get(code, {})
    elsewhere = {cid for other, cells in m["cells"].items() if other != code for cid in cells}
    labels = {c["id"]: c["label"] for c in m["columns"]}
    concepts = [
        {
            "id": cid,
            "label": labels.get(cid, cid),
            "documents": cell["documents"],
            "evidence": cell["evidence"],
            "status": cell["status"],
            "via": cell["via"],
        }
        for cid, cell in mine.items()
        if cid not in elsewhere
    ]
    return {
        "municipality": muni,
        "kind": kind,
        "compared_with": [r["label"] for r in m["rows"] if r["id"] != code],
        "documents": [d.file for d in own],
        "concepts": sorted(concepts, key=lambda c: (c["label"].casefold(), c["id"])),
    }


# --------------------------------------------------------------------------------------------- timeline


def timeline(
    store, municipality: str, concept: str | None = None, *, kind: str | None = None
) -> dict[str, Any]:
    """Per concept, the municipality's documents (in period order) that name it, with status and evidence.

    With ``concept`` only that concept, counting its narrower concepts too; ``kind`` limits to themes,
    instruments or partners.
    """
    if kind:
        kind = _check_kind(kind, FACT_KINDS)
    docs = list_documents(store)
    muni, own = municipality_documents(store, municipality, docs)
    order = {d.iri: i for i, d in enumerate(own)}
    by_doc = {d.iri: d for d in own}
    concept_json = None
    if concept:
        cid, label = resolve_concept(store, concept, kind)
        concept_json = {"id": cid, "label": label}
        rows = run(store, "timeline_concept", municipality=muni["id"], concept=concept_iri(cid))
    else:
        rows = run(store, "timeline", municipality=muni["id"])
    concepts: dict[str, dict[str, Any]] = {}
    seen: dict[tuple, set] = defaultdict(set)
    for row in rows:
        if kind and row["kind"] != kind:
            continue
        doc = by_doc.get(row["doc"])
        if doc is None:
            continue
        cid = concept_id_of(row["concept"])
        entry = concepts.setdefault(
            cid, {"id": cid, "label": row.get("label") or cid, "kind": row["kind"], "appearances": {}}
        )
        app = entry["appearances"].setdefault(
            doc.iri,
            {
                "doc_id": doc.doc_id,
                "file": doc.file,
                "period": doc.period,
                "date": doc.date,
                "statuses": set(),
                "priority": False,
                "via": set(),
                "evidence": [],
            },
        )
        if row.get("status"):
            app["statuses"].add(status_of(row["status"]))
        if row.get("priority") is True:
            app["priority"] = True
        if row.get("direct") and concept_id_of(row["direct"]) != cid:
            app["via"].add(concept_id_of(row["direct"]))
        _add_evidence(app["evidence"], seen[(cid, doc.iri)], row)
    out = []
    for entry in concepts.values():
        apps = [entry["appearances"][iri] for iri in sorted(entry["appearances"], key=order.__getitem__)]
        for app in apps:
            app["status"] = strongest_status(app["statuses"])
            app["statuses"] = sorted(app["statuses"])
            app["via"] = sorted(app["via"])
            app["evidence"] = _sorted_evidence(app["evidence"])
        entry["appearances"] = apps
        entry["documents"] = [a["file"] for a in apps]
        out.append(entry)
    out.sort(
        key=lambda e: (FACT_KINDS.index(e["kind"]) if e["kind"] in FACT_KINDS else 9, e["label"].casefold())
    )
    return {
        "municipality": muni,
        "concept": concept_json,
        "kind": kind,
        "documents": [d.as_json() for d in own],
        "concepts": out,
    }
