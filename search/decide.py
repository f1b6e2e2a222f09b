"""The answer: a decision per municipality on its own evidence, not a cut of one ranked list.

Candidates are every municipality in the store with a fact for a concept the question names, or with a
passage whose relevance reaches a floor. A municipality is in the answer only when its own evidence meets
every constraint the question states (``search.question.Understood``):
- concepts: a passage carrying the concept (or a narrower one); instruments with a use status
  (toegepast / voornemen, or the statuses the question names: "van plan", "volgt alleen" ...); when the
  question names an instrument, partner or law, a theme it also names must be carried by the same document
  (the use is against that theme). Concepts named by one phrase, or joined by "of", are alternatives;
- document type: the concept's passage lies in a document of a named type; a type that is a general type
  plus a concept ("beleidsregels Bibob") also accepts a document of the general type whose title names it;
- validity ("in werking", "vervallen"): the document's validity facts (graph/validity.py);
- relation ("vervangt een versie uit 2019"): the document's ``dcterms:replaces`` facts, or, when it has none,
  a passage of it stating the relation word and the year;
- qualifiers ("bij vastgoedtransacties"): stated in the same passage or section as the concept, by lemma
  (compounds count: vastgoedtransactie ⊃ transactie is not enough, vastgoedtransacties = vastgoedtransactie)
  or by meaning (cosine of the qualifier with the passage ≥ ``qualifier_cosine``).
Questions without any of these anchors are answered by relevance alone: a municipality's best passage must
reach ``floor`` (absolute: dense cosine rescaled plus the share of the question's content words the passage
states, so a score means the same in a store of 3 and of 300 municipalities). A singular question
("Welke gemeente") gets the best one, unless several meet every hard constraint. Municipalities that have
the concept but fail a constraint are ``near_misses`` with the reason.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from search.fusion import _env_float
from search.lemma_index import LemmaIndex, states
from search.question import Understood, content_lemma, language

USE_STATUSES = ("toegepast", "voornemen")
DOCUMENT_LANGUAGE = "nl"  # the language of the policy documents (qualifier words are checked in it)
ACTION_TYPES = frozenset({"instrument", "partner", "law"})


@dataclass(frozen=True)
class DecideSettings:
    """Thresholds (chosen by benchmarks/answers_tune.py on the dev sets; environment overrides)."""

    cosine_floor: float = field(default_factory=lambda: _env_float("BELEIDSGRAAF_COSINE_FLOOR", 0.78))
    dense_weight: float = field(default_factory=lambda: _env_float("BELEIDSGRAAF_DENSE_WEIGHT", 0.5))
    floor: float = field(default_factory=lambda: _env_float("BELEIDSGRAAF_ANSWER_FLOOR", 0.25))
    theme_floor: float = field(default_factory=lambda: _env_float("BELEIDSGRAAF_THEME_FLOOR", 0.4))
    qualifier_cosine: float = field(default_factory=lambda: _env_float("BELEIDSGRAAF_QUALIFIER_COSINE", 0.88))
    # lexical coverage (search/engine.py): credit of a word of the same family, and idf weighting (0/1)
    family_weight: float = field(default_factory=lambda: _env_float("BELEIDSGRAAF_FAMILY_WEIGHT", 0.75))
    idf: float = field(default_factory=lambda: _env_float("BELEIDSGRAAF_COVERAGE_IDF", 1.0))
    evidence: int = 3
    near_misses: int = 10


@dataclass
class Rows:
    """Per passage row: its municipality code and document as small integers, and the rows carrying each
    concept (a fact about it or its section theme). Built once per index (search/engine.py), so grouping
    a question's candidates by municipality and finding the passages that carry a concept are array
    operations, not a walk over every passage."""

    codes: list[str]  # municipality codes; code_of[row] indexes it, -1 for a passage without code
    code_of: np.ndarray
    doc_ids: list[str]  # doc_of[row] indexes it
    doc_of: np.ndarray
    section_of: np.ndarray  # number of the row's (document, section)
    carrying: dict[str, np.ndarray]  # concept id → rows carrying it
    with_status: dict[tuple, np.ndarray] = field(default_factory=dict)  # (id, status) → rows with the fact
    said: dict[int, bool] = field(default_factory=dict)  # row → states a priority cue (``_says``)

    @classmethod
    def build(cls, passages: list[dict], concept_rows: dict[str, tuple[np.ndarray, np.ndarray]]) -> Rows:
        """From the passages and search.fusion.concept_weights (its rows are every carrier, whatever
        weight; the same test as ``_carries``)."""
        codes: dict[str, int] = {}
        docs: dict[str, int] = {}
        sections: dict[tuple, int] = {}
        code_of = np.full(len(passages), -1, dtype=np.int32)
        doc_of = np.zeros(len(passages), dtype=np.int32)
        section_of = np.zeros(len(passages), dtype=np.int32)
        with_status: dict[tuple, list[int]] = defaultdict(list)
        for row, p in enumerate(passages):
            for f in p.get("concepts") or []:
                rows = with_status[(f.get("id"), f.get("status"))]
                if not rows or rows[-1] != row:
                    rows.append(row)
            code = p.get("code")
            if code:
                code_of[row] = codes.setdefault(code, len(codes))
            doc_of[row] = docs.setdefault(p.get("doc_id"), len(docs))
            section_of[row] = sections.setdefault((p.get("doc_id"), p.get("section")), len(sections))
        carrying = {cid: rows for cid, (rows, _) in concept_rows.items()}
        statuses = {k: np.asarray(v, dtype=np.int64) for k, v in with_status.items()}
        return cls(list(codes), code_of, list(docs), doc_of, section_of, carrying, statuses)

    def carriers(self, ids: frozenset[str], n: int) -> np.ndarray:
        """Mask of the rows carrying any of ``ids``."""
        mask = np.zeros(n, dtype=bool)
        for cid in ids:
            rows = self.carrying.get(cid)
            if rows is not None:
                mask[rows] = True
        return mask


@dataclass
class Context:
    """What the decision reads: passages, their relevance and how to test their words."""

    passages: list[dict]
    cosine: np.ndarray  # dense cosine per passage with the question
    coverage: np.ndarray  # share of the question's content lemmas the passage states
    relevance: np.ndarray
    allowed: np.ndarray | None
    words: LemmaIndex  # which passages state which lemmas
    qualifier_vectors: list[np.ndarray]  # qualifier index → its vector (cosines computed on first use)
    vectors: np.ndarray  # passage vectors, row-aligned with ``passages``
    validity: dict[str, dict]  # doc_id → validity entry
    heads: dict[str, frozenset[str]] = field(default_factory=dict)  # doc_id → lemmas of title + opening
    rows: Rows | None = None  # built from ``passages`` when not given
    _masks: dict = field(default_factory=dict, repr=False)  # per question: carrier and qualifier masks

    def __post_init__(self) -> None:
        if self.rows is None:
            self.rows = Rows.build(self.passages, _concept_rows(self.passages))

    def carriers(self, ids: frozenset[str]) -> np.ndarray:
        """Mask of the passages carrying any of ``ids`` (``_carries`` is true exactly there)."""
        key = ("carriers", ids)
        if key not in self._masks:
            self._masks[key] = self.rows.carriers(ids, len(self.passages))
        return self._masks[key]

    def using(self, ids: frozenset[str], statuses: tuple[str, ...]) -> np.ndarray:
        """Mask of the passages with a fact about any of ``ids`` in one of ``statuses`` (where
        an instrument's use counts)."""
        key = ("using", ids, statuses)
        if key not in self._masks:
            mask = np.zeros(len(self.passages), dtype=bool)
            for cid in ids:
                for status in statuses:
                    rows = self.rows.with_status.get((cid, status))
                    if rows is not None:
                        mask[rows] = True
            self._masks[key] = mask
        return self._masks[key]

    def qualifier_stated(self, qi: int, q, settings: DecideSettings) -> np.ndarray:
        """Mask of the passages that state qualifier ``qi``: every word of one alternative (lemmas,
        compounds count), or its meaning (cosine ≥ ``qualifier_cosine``)."""
        key = ("qualifier", qi)
        if key not in self._masks:
            mask = np.zeros(len(self.passages), dtype=bool)
            for alt in q.alternatives:
                mask |= self.words.stating_all(alt)
            if qi < len(self.qualifier_vectors):
                cos = np.asarray(self.vectors @ self.qualifier_vectors[qi])
                mask |= cos.astype(np.float64) >= settings.qualifier_cosine  # as float(cos[row]) >= it
            self._masks[key] = mask
        return self._masks[key]


def _concept_rows(passages: list[dict]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    from search.fusion import FusionSettings, concept_weights

    return concept_weights(passages, FusionSettings())


def relevance(cosine: np.ndarray, coverage: np.ndarray, settings: DecideSettings) -> np.ndarray:
    """Absolute relevance in [0, 1]: rescaled dense cosine and lexical coverage, weighted."""
    dense = np.clip((cosine - settings.cosine_floor) / (1.0 - settings.cosine_floor), 0.0, 1.0)
    return settings.dense_weight * dense + (1.0 - settings.dense_weight) * coverage


def _doc_type_ok(p: dict, wanted: list[dict], head: frozenset[str]) -> bool:
    """The passage's document is of a wanted type (see module doc for general type + concept).

    ``head`` are the lemmas of the document's title and opening passage, where a general type says what
    it is about ("Beleidsregel toepassing Wet Bibob").
    """
    have = p.get("doc_type")
    for t in wanted:
        if have == t["id"]:
            return True
        if any(states(head, rest) for rest in _type_rests(t["id"], have)):
            return True
    return not wanted


@lru_cache(maxsize=1024)
def _type_rests(wanted: str, have: str | None) -> tuple[tuple[str, ...], ...]:
    """Lemmas a document of general type ``have`` must state in its title or opening to count as of the
    type ``wanted`` (its label = a label of ``have`` plus these words), once per pair of types."""
    from ontology.vocabulary import labels, load_concepts

    concepts = load_concepts()
    general = concepts.get(have) if have else None
    if general is None or wanted not in concepts:
        return ()
    out = []
    for label in labels(concepts[wanted]):
        parts = {content_lemma(w) for w in label.replace("-", " ").split()}
        for glabel in labels(general):
            gparts = {content_lemma(w) for w in glabel.replace("-", " ").split()}
            rest = parts - gparts
            if gparts and gparts < parts and rest:
                out.append(tuple(sorted(rest)))
    return tuple(dict.fromkeys(out))


def asked_as_instrument(types: set[str]) -> bool:
    """Whether a required concept group must be in use, not merely mentioned, in a document.

    A group of mixed types ("Wet Bibob" is an instrument and a law) is asked about as the instrument:
    naming the law is not applying it. (This was the type first in set order, which varied with the
    process's string hash seed.)
    """
    return "instrument" in types


def _carries(p: dict, ids: frozenset[str]) -> list[dict]:
    """Facts of the passage about any of ``ids`` (a theme attributed from its section counts too)."""
    out = [f for f in p.get("concepts") or [] if f.get("id") in ids]
    if not out and not ids.isdisjoint(p.get("themes") or []):
        out = [{"id": next(iter(ids & set(p["themes"]))), "status": None, "section_theme": True}]
    return out


def _reason(key: str, **values) -> str:
    templates = language()["reasons"]
    return templates[key].format(**values)


def _status_text(facts: list[dict]) -> str:
    labels = language()["reasons"]["status_labels"]
    found = [f.get("status") for f in facts if f.get("status")]
    return labels.get(found[0], labels["genoemd"]) if found else labels["genoemd"]


def decide(u: Understood, ctx: Context, settings: DecideSettings) -> tuple[list[dict], list[dict]]:
    """(answer municipalities best first, near misses) — see the module doc."""
    passages = ctx.passages
    n = len(passages)
    allowed = ctx.allowed if ctx.allowed is not None else np.ones(n, dtype=bool)
    named = {m["code"] for m in u.municipalities}
    groups = u.groups()
    action = [g for g in groups if any(c["type"] in ACTION_TYPES for c in g)]
    required = action or groups
    context_themes = [g for g in groups if g not in required]
    # A municipality none of whose passages carries a required concept can meet nothing and miss
    # nothing (``_judge_documents`` skips it): only those that carry one are judged.
    carrying = None
    if required:
        carrying = np.zeros(n, dtype=bool)
        for g in required:
            carrying |= ctx.carriers(_group_ids(u, g))
    by_code = _by_code(ctx.rows, allowed, named, carrying)
    typed = [t for t in u.doc_types if not t.get("answer_noun")]
    anchored = bool(required or u.doc_types or u.validity or u.relation)
    hard = bool(action or typed or u.validity or u.relation)

    answers, misses = _judge_all(u, ctx, settings, by_code, required, context_themes)
    foreign = u.language != DOCUMENT_LANGUAGE
    if foreign and not answers and u.qualifiers and any(m.get("failed") == "qualifier" for m in misses):
        # A qualifier in another language than the documents' is checked by meaning only; when no
        # municipality meets it that way it cannot tell them apart, so the answer rests on the other
        # constraints and says so in its basis. (A Dutch qualifier no document states means nothing found.)
        relaxed = replace(u, qualifiers=[])
        answers, misses = _judge_all(relaxed, ctx, settings, by_code, required, context_themes)
        for m in answers:
            m["basis"].append({"constraint": "qualifier", "unverified": [q.text for q in u.qualifiers]})

    answers.sort(key=lambda m: -m["score"])
    misses.sort(key=lambda m: -m["score"])
    if u.number == "plural" and not anchored:
        answers = [m for m in answers if m["score"] >= settings.floor]
    elif u.number == "plural" and not hard:  # theme-only anchors: broad context, the passage must be relevant
        answers = [m for m in answers if m["score"] >= settings.theme_floor]
    if not hard and u.number != "plural":  # one answer asked, nothing that several could all meet
        answers = answers[:1]
    for m in misses:
        m.pop("failed", None)
    return answers, misses[: settings.near_misses]


def _group_ids(u: Understood, g: list[dict]) -> frozenset[str]:
    """The concept ids of a group with everything narrower."""
    return frozenset().union(*(u.expanded.get(c["id"], frozenset({c["id"]})) for c in g))


def _by_code(
    rows: Rows, allowed: np.ndarray, named: set[str], carrying: np.ndarray | None
) -> dict[str, list[int]]:
    """Allowed rows per municipality code (named ones only when the question names some), ascending,
    municipalities in order of their first row; with ``carrying`` only municipalities with a carrier."""
    picked = np.nonzero(allowed)[0]
    code = rows.code_of[picked]
    keep = code >= 0
    if named:
        wanted = [i for i, c in enumerate(rows.codes) if c in named]
        keep &= np.isin(code, np.asarray(wanted, dtype=np.int32))
    if carrying is not None:
        has = np.zeros(len(rows.codes), dtype=bool)
        has[code[keep & carrying[picked]]] = True
        keep &= has[np.where(code >= 0, code, 0)]
    picked, code = picked[keep], code[keep]
    if not len(picked):
        return {}
    order = np.argsort(code, kind="stable")  # rows stay ascending within a code
    code_sorted, rows_sorted = code[order], picked[order]
    starts = np.flatnonzero(np.r_[True, code_sorted[1:] != code_sorted[:-1]])
    parts = np.split(rows_sorted, starts[1:])
    parts.sort(key=lambda part: part[0])  # municipalities in order of their first row, as before
    return {rows.codes[int(rows.code_of[part[0]])]: part.tolist() for part in parts}


def _judge_all(u, ctx, settings, by_code, required, context_themes) -> tuple[list[dict], list[dict]]:
    """(answers, near misses) unordered: every candidate municipality judged on its own evidence."""
    passages = ctx.passages
    answers: list[dict] = []
    misses: list[dict] = []
    for code, rows in by_code.items():
        verdict = _judge(u, ctx, settings, rows, required, context_themes)
        if verdict is None:
            continue
        ok, basis, evidence_rows, reason, score, failed = verdict
        first = passages[rows[0]]
        entry = {
            "name": first.get("municipality"),
            "code": code,
            "score": round(float(score), 4),
            "basis": basis,
            "documents": _documents(passages, evidence_rows or rows[:1]),
            "evidence": evidence_rows,
        }
        if ok:
            answers.append(entry)
        elif reason:
            entry["reason"] = reason
            entry["failed"] = failed
            misses.append(entry)
    return answers, misses


def _documents(passages: list[dict], rows: list[int]) -> list[dict]:
    out: dict[str, dict] = {}
    for r in rows:
        p = passages[r]
        out.setdefault(
            p["doc_id"],
            {
                "doc_id": p["doc_id"],
                "file": p.get("file"),
                "title": p.get("title"),
                "doc_type": p.get("doc_type"),
                "period": period(p),
            },
        )
    return list(out.values())


def _judge(u: Understood, ctx: Context, settings: DecideSettings, rows, required, context_themes):
    """(ok, basis, evidence rows, near-miss reason, score, failed constraint) for one municipality."""
    passages = ctx.passages
    rel = ctx.relevance
    if not required and not u.doc_types:
        if u.validity or u.relation:
            return _judge_documents(u, ctx, settings, rows, None)
        values = rel[rows]
        best = rows[int(np.argmax(values))]  # the first best, as max() takes it
        ordered = [rows[i] for i in np.argsort(-values, kind="stable")[: settings.evidence]]
        basis = [
            {
                "constraint": "relevance",
                "passage": passages[best]["passage"],
                "score": round(float(rel[best]), 4),
            }
        ]
        return True, basis, ordered, None, rel[best], None
    return _judge_documents(u, ctx, settings, rows, required, context_themes)


def _judge_documents(u, ctx, settings, rows, required, context_themes=()):
    """Per document of the municipality: does it meet every constraint? The best meeting one decides."""
    passages = ctx.passages
    rel = ctx.relevance
    docs: dict[str, list[int]] = defaultdict(list)
    masks = {}
    for g in required or []:
        masks[id(g)] = ctx.carriers(_group_ids(u, g))
    judged = rows
    if required:
        # a document with no passage carrying a required concept fails as "missing", which is never an
        # answer nor a near miss: only documents with a carrier are judged
        arr = np.asarray(rows)
        carried = np.zeros(len(arr), dtype=bool)
        for mask in masks.values():
            carried |= mask[arr]
        judged = arr[np.isin(ctx.rows.doc_of[arr], ctx.rows.doc_of[arr[carried]])].tolist()
    doc_ids = ctx.rows.doc_ids
    for r, d in zip(judged, ctx.rows.doc_of[judged].tolist(), strict=True):
        docs[doc_ids[d]].append(r)
    label_of = lambda g: g[0]["matched"]  # noqa: E731
    best_ok = None
    best_miss = None
    any_candidate = False
    for doc_id, drows in docs.items():
        p0 = passages[drows[0]]
        doc_rows = np.asarray(drows)
        basis: list[dict] = []
        failure = None
        concept_rows: list[int] = []
        # concepts
        for g in required or []:
            ids = _group_ids(u, g)
            mask = masks[id(g)]
            carrying = doc_rows[mask[doc_rows]]
            if not len(carrying):
                failure = failure or ("missing", label_of(g))
                continue
            any_candidate = True
            if asked_as_instrument({c["type"] for c in g}):  # counts in a use status (mention is not use)
                good = carrying[ctx.using(ids, tuple(u.statuses or USE_STATUSES))[carrying]].tolist()
            else:
                good = carrying.tolist()
            if not good:
                facts = [x for r in carrying.tolist() for x in _carries(passages[r], ids)]
                failure = failure or ("status", label_of(g), _status_text(facts))
                concept_rows += carrying.tolist()
                continue
            concept_rows += good
            basis.append(
                {
                    "constraint": "concept",
                    "concept": [c["id"] for c in g],
                    "document": doc_id,
                    "passages": [passages[r]["passage"] for r in sorted(good, key=lambda r: -rel[r])[:3]],
                }
            )
        if required and not any_candidate and not u.doc_types:
            continue
        # document type
        if u.doc_types:
            if _doc_type_ok(p0, u.doc_types, ctx.heads.get(doc_id, frozenset())):
                basis.append({"constraint": "doc_type", "doc_type": p0.get("doc_type"), "document": doc_id})
                any_candidate = any_candidate or not required
            else:
                if required and concept_rows:
                    failure = ("doc_type", failure[1] if failure else _concept_label(required), None)
                elif not required:
                    continue
                else:
                    failure = failure or ("missing", _concept_label(required))
        if not any_candidate:
            continue
        # context themes (the use must be against that theme: same document)
        for g in context_themes:
            theme_rows = ctx.carriers(_group_ids(u, g))
            if not theme_rows[doc_rows].any():
                failure = failure or ("theme", _concept_label(required), label_of(g))
            else:
                basis.append({"constraint": "theme", "concept": [c["id"] for c in g], "document": doc_id})
        # priority: the theme is one the document presents as its priority (graph), or the concept's
        # passage calls it a priority in words
        preferred: set[int] = set()
        if u.priority and concept_rows:
            ids = frozenset().union(*(u.expanded.get(c["id"], frozenset()) for g in required for c in g))
            saying = {r for r in concept_rows if _said(ctx, r)}
            preferred |= saying  # the passage that calls it a priority proves the answer best
            if not ids.isdisjoint(p0.get("priority_themes") or []):
                basis.append({"constraint": "priority", "document": doc_id, "source": "graph"})
            elif saying:
                basis.append({"constraint": "priority", "document": doc_id, "source": "passage"})
            else:
                failure = failure or ("priority", _concept_label(required))
        # validity
        validity = ctx.validity.get(doc_id) or {}
        if u.validity:
            state = validity.get("state", "unknown")
            fine = state == "lapsed" if u.validity == "lapsed" else state != "lapsed"
            if fine:
                basis.append(
                    {
                        "constraint": "validity",
                        "state": state,
                        "document": doc_id,
                        **{
                            k: validity.get(k)
                            for k in ("in_force", "in_force_until", "lapsed_on")
                            if validity.get(k)
                        },
                    }
                )
            else:
                failure = failure or ("validity_" + u.validity, p0.get("title") or doc_id)
        # relation
        if u.relation:
            found = _relation(u, ctx, drows, validity)
            if found[0]:
                basis.append({"constraint": "relation", "document": doc_id, **found[1]})
            else:
                failure = failure or (found[1]["reason"], p0.get("title") or doc_id, u.relation.get("year"))
        # period: the document covers the asked year (a question naming its municipality asks about
        # that municipality's evidence, whatever its period: "wat had Hengelo in 2017 geprioriteerd")
        if u.period is not None and not u.municipalities:
            if covers(p0, u.period):
                basis.append({"constraint": "period", "year": u.period, "document": doc_id})
            else:
                failure = failure or ("period", p0.get("title") or doc_id, u.period)
        # qualifiers: in the same passage or section as the concept (or anywhere in a matching document)
        anchor_rows = concept_rows or drows
        proof_rows = list(anchor_rows)
        if required or any(not t.get("answer_noun") for t in u.doc_types):
            section_of = ctx.rows.section_of
            for qi, q in enumerate(u.qualifiers):
                stated = ctx.qualifier_stated(qi, q, settings)
                # a row is supported when any row of the document in its section states the qualifier
                hit = set(section_of[doc_rows[stated[doc_rows]]].tolist())
                supported = [
                    r
                    for r, sec in zip(proof_rows, section_of[proof_rows].tolist(), strict=True)
                    if sec in hit
                ]
                if supported:
                    proof_rows = supported
                    basis.append(
                        {
                            "constraint": "qualifier",
                            "qualifier": q.text,
                            "document": doc_id,
                            "passages": [passages[r]["passage"] for r in supported[:3]],
                        }
                    )
                elif not u.municipalities:
                    # a question that names its municipality asks about its evidence: qualifiers order
                    # that evidence but exclude nothing (there is no list to narrow)
                    failure = failure or ("qualifier", _concept_label(required) or p0.get("title"), q.text)
                    break
        score = max(rel[r] for r in proof_rows) if proof_rows else 0.0
        ordered = sorted(proof_rows, key=lambda r: (r not in preferred, -rel[r]))
        extra = []
        if len(ordered) < settings.evidence:  # other passages of the document only fill up the evidence
            taken = set(ordered)
            above = doc_rows[rel[doc_rows] >= settings.floor].tolist()  # compared as rel[r] >= floor is
            extra = sorted((r for r in above if r not in taken), key=lambda r: -rel[r])
        evidence = (ordered + extra)[: settings.evidence]
        if failure is None:
            if best_ok is None or score > best_ok[4]:
                best_ok = (True, basis, evidence, None, score, None)
        elif failure[0] != "missing":
            if best_miss is None or score > best_miss[4]:
                best_miss = (False, basis, evidence, _failure_text(failure), score, failure[0])
    return best_ok or best_miss


def _concept_label(required) -> str:
    """The question's own words for the required concepts ("Wet Bibob")."""
    return " / ".join(dict.fromkeys(g[0]["matched"] for g in required or []))


def _failure_text(failure: tuple) -> str:
    kind = failure[0]
    if kind == "status":
        return _reason("status", concept=failure[1], status=failure[2])
    if kind == "qualifier":
        return _reason("qualifier", concept=failure[1], qualifier=failure[2])
    if kind == "doc_type":
        return _reason("doc_type", concept=failure[1], doc_type="document van het gevraagde type")
    if kind == "priority":
        return _reason("priority", concept=failure[1])
    if kind == "theme":
        return _reason("theme", concept=failure[1], theme=failure[2])
    if kind.startswith("validity_"):
        return _reason(kind, document=failure[1])
    if kind == "period":
        return _reason("period", document=failure[1], year=failure[2])
    if kind in ("relation", "relation_unknown"):
        return _reason(kind, document=failure[1], year=failure[2])
    return kind


def period(p: dict) -> str | None:
    """The period of a passage's document: "2024-2026", a single year, or None."""
    start, end = p.get("period_start"), p.get("period_end")
    if start and end:
        return f"{start}-{end}" if start != end else str(start)
    if start or end:
        return str(start or end)
    return str(p["year"]) if p.get("year") else None


def covers(p: dict, year: int) -> bool:
    """The passage's document is about ``year``: its policy period includes it, or it is of that year."""
    start, end = p.get("period_start"), p.get("period_end")
    if start or end:
        return (start or end) <= year <= (end or start)
    return p.get("year") == year


def _says(p: dict, cues: list[str]) -> bool:
    """The passage states one of the cue phrases (lower case, whole words)."""
    text = " ".join((p.get("text") or "").lower().split())
    return _cue_pattern(tuple(cues)).search(text) is not None


@lru_cache(maxsize=8)
def _cue_pattern(cues: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for all cue phrases: it matches where any ``\\b<cue>\\b`` would."""
    return re.compile(r"\b(?:" + "|".join(re.escape(c) for c in cues) + r")\b")


def _said(ctx: Context, row: int) -> bool:
    """``_says`` with the priority cues, remembered per row of the index."""
    found = ctx.rows.said.get(row)
    if found is None:
        found = ctx.rows.said[row] = _says(ctx.passages[row], language()["priority_words"]["passage_cues"])
    return found


def _relation(u: Understood, ctx: Context, drows: list[int], validity: dict) -> tuple[bool, dict]:
    """Does the document replace a regulation of the asked year? Graph facts first, then its passages."""
    year = u.relation.get("year")
    replaces = validity.get("replaces") or []
    if replaces:
        for item in replaces:
            if year is None or item.get("year") == year:
                return True, {"replaces": item}
        return False, {"reason": "relation"}
    words = [
        content_lemma(w)
        for e in language()["relation_words"]
        for p in e.get("passage_phrases", e["phrases"])
        for w in p.split()
        if len(w) > 3
    ]
    words = sorted(set(words))
    mention = False
    saying = ctx.words.stating_exact(words)
    for r in drows:
        if saying[r]:
            mention = True
            text = ctx.passages[r].get("text") or ""
            if year is None or str(year) in text:
                return True, {"passage": ctx.passages[r]["passage"], "year": year}
    return False, {"reason": "relation" if mention else "relation_unknown"}
