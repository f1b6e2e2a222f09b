"""Search over the ingested passages: hybrid dense + BM25 retrieval, graph-aware fusion, municipality answer.

Building the index and keeping it in step with the graph store (``refresh``, ``repair``) live in
search.index. ``search`` answers a query from ``<home>/search``; the loaded indexes are kept per process
and reloaded when a refresh has swapped in a new one.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from graph import heap
from ontology.language import name_particles
from search import vector_index
from search.concepts import QueryConcept, recognise
from search.decide import DecideSettings, Rows, covers, period
from search.embed import embed_query, passage_text
from search.errors import BadFilter, BadQuery, IndexMissing
from search.fusion import FusionSettings, concept_weights, fuse, group_vector, ranks
from search.index import search_dir
from search.lemma_index import LemmaIndex
from search.lexical import LexicalIndex, tokenize

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 1000
MODES = ("hybrid", "dense", "bm25")
# Relevance floor for the dense similarity (e5 cosines are compressed: unrelated text still scores ~0.80).
# A query is about the corpus when the graph knows a concept it names, or when its best passage reaches
# MIN_DENSE_ALONE, or MIN_DENSE together with a BM25 match. Measured on the dev questions (all ≥ 0.83)
# and on off-topic queries (0.80-0.85).
MIN_DENSE = float(os.environ.get("BELEIDSGRAAF_MIN_DENSE", "0.83"))
MIN_DENSE_ALONE = float(os.environ.get("BELEIDSGRAAF_MIN_DENSE_ALONE", "0.87"))
MIN_DENSE_BASELINE = 0.78


# --------------------------------------------------------------------------- loading


@dataclass
class LoadedIndex:
    folder: Path
    meta: dict
    passages: list[dict]
    vectors: np.ndarray  # in memory: a product over a memory-mapped file was 2-3× slower (page-sized TLB)
    lexical: LexicalIndex
    codes: np.ndarray  # municipality code per row
    weights: dict[str, tuple[np.ndarray, np.ndarray]]  # concept id → rows carrying it, weight
    words: LemmaIndex  # which passages state which lemmas (built with the index)
    _heads: dict[str, frozenset[str]] | None = field(default=None, repr=False)
    _validity: dict[str, dict] | None = field(default=None, repr=False)
    _rows: Rows | None = field(default=None, repr=False)
    _row_of: dict[str, int] | None = field(default=None, repr=False)
    _filters: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _dense: object | None = field(default=None, repr=False)

    @property
    def dense(self):
        """The faiss index (loaded on first use: ``search`` scores every passage from ``vectors``, the
        decision needs them all; the index serves the retrieval floor and the evaluation)."""
        if self._dense is None:
            self._dense = vector_index.open_dense(self.folder)
        return self._dense

    def lemmas(self, row: int) -> frozenset[str]:
        """Lemmas of a passage (section title and text)."""
        return self.words.row_lemmas(row)

    def heads(self) -> dict[str, frozenset[str]]:
        """doc_id → lemmas of its title and first passage (what a document says it is); once per index."""
        if self._heads is None:
            out: dict[str, frozenset[str]] = {}
            for row, p in enumerate(self.passages):
                if p["doc_id"] not in out:
                    out[p["doc_id"]] = self.lemmas(row) | frozenset(tokenize(p.get("title") or ""))
            self._heads = out
        return self._heads

    def rows(self) -> Rows:
        """Municipality, document and concept carriers per row as arrays (what the decision groups by);
        once per index, so a question never walks every passage in Python."""
        if self._rows is None:
            self._rows = Rows.build(self.passages, self.weights)
        return self._rows

    def row_of(self, passage_id: str) -> int:
        """Row of a passage id; the map is built once per index."""
        if self._row_of is None:
            self._row_of = {p["passage"]: i for i, p in enumerate(self.passages)}
        return self._row_of[passage_id]

    def allowed(self, shown: dict, tests: list) -> np.ndarray:
        """Mask of the passages meeting every filter test, once per index and set of resolved filters
        (``shown`` names them fully: municipality code, year, concept ids)."""
        key = json.dumps(shown, sort_keys=True, ensure_ascii=False)
        found = self._filters.get(key)
        if found is None:
            n = len(self.passages)
            found = np.fromiter((all(t(p) for t in tests) for p in self.passages), dtype=bool, count=n)
            if len(self._filters) >= 64:
                self._filters.clear()
            self._filters[key] = found
        return found

    def validity(self) -> dict[str, dict]:
        """doc_id → validity entry (graph/validity.py) as stored with the passages; once per index."""
        if self._validity is None:
            self._validity = {p["doc_id"]: p["validity"] for p in self.passages if p.get("validity")}
        return self._validity


_loaded: dict[Path, tuple[tuple[Path, int], LoadedIndex]] = {}
_load_lock = threading.Lock()


def load_index(home: Path, fusion: FusionSettings | None = None) -> LoadedIndex:
    """The index of ``home``, loaded once per process and again whenever a refresh replaced it."""
    live = search_dir(home).absolute()
    folder = live.resolve()  # the build the ``search`` link points at now
    meta_file = folder / "meta.json"
    if not meta_file.exists():
        raise IndexMissing(f"no search index in {live}: ingest documents first")
    stamp = (folder, meta_file.stat().st_mtime_ns)
    with _load_lock:
        cached = _loaded.get(live)
        if cached and cached[0] == stamp:
            return cached[1]
        meta = json.loads(meta_file.read_text())
        passages = json.loads((folder / "passages.json").read_text(encoding="utf-8"))
        loaded = LoadedIndex(
            folder=folder,
            meta=meta,
            passages=passages,
            vectors=np.load(folder / "vectors.npy"),
            lexical=LexicalIndex.load(folder / "bm25"),
            codes=np.array([p.get("code") or p.get("municipality") or "" for p in passages], dtype=object),
            weights=concept_weights(passages, fusion or FusionSettings()),
            words=_lemma_index(folder, passages),
        )
        _loaded[live] = (stamp, loaded)
        heap.settle(len(passages))
        return loaded


def _lemma_index(folder: Path, passages: list[dict]) -> LemmaIndex:
    """The index's lemma sets; an index built before they were stored gets them computed once here."""
    if (folder / "lemmas" / "vocab.json").exists():
        return LemmaIndex.load(folder / "lemmas")
    log.warning("search index %s has no lemma sets: computing them (run `beleidsgraaf reindex`)", folder)
    return LemmaIndex.build([tokenize(passage_text(p)) for p in passages])


# --------------------------------------------------------------------------- filters


def validate_query(query: str) -> str:
    """The query, trimmed; a clear BadQuery when it cannot be searched."""
    if not isinstance(query, str) or not query.strip():
        raise BadQuery("empty query: type a question or some words")
    text = " ".join(query.split())
    if len(text) > MAX_QUERY_CHARS:
        raise BadQuery(f"query too long ({len(text)} characters; at most {MAX_QUERY_CHARS})")
    if not re.search(r"[^\W_]", text):
        raise BadQuery("query has no words (only punctuation or symbols)")
    return text


def _concept_filter(value: str, type_: str) -> tuple[dict, frozenset[str]]:
    """Label or id → ({"id", "label"}, ids incl. narrower); raises ontology's UnknownLabel."""
    from ontology.vocabulary import load_concepts, narrower_closure, resolve_label

    concepts = load_concepts()
    concept = concepts.get(value) or resolve_label(value, type_)
    return (
        {"id": concept.id, "label": concept.pref_label},
        frozenset({concept.id, *narrower_closure(concept.id)}),
    )


def _municipality_codes(value: str) -> dict:
    from ontology.municipalities import resolve_municipality

    record = resolve_municipality(value)
    return {"name": record.name, "code": record.code}


def _carries(p: dict, ids: frozenset[str]) -> bool:
    return any(f.get("id") in ids for f in p.get("concepts") or []) or not ids.isdisjoint(
        p.get("themes") or []
    )


def resolve_filters(
    municipality=None, year=None, doc_type=None, theme=None, instrument=None, partner=None
) -> tuple[dict, list]:
    """Filter values as echoed in the answer, and the predicates passages must all satisfy."""
    shown: dict = {}
    tests: list = []
    if municipality:
        m = _municipality_codes(str(municipality))
        shown["municipality"] = m
        tests.append(lambda p, code=m["code"]: (p.get("code") or "").upper() == code)
    if year is not None and year != "":
        try:
            y = int(year)
        except (TypeError, ValueError):
            raise BadFilter(f"year must be a number, not {year!r}") from None
        shown["year"] = y
        tests.append(lambda p, y=y: covers(p, y))
    if doc_type:
        info, ids = _concept_filter(str(doc_type), "doctype")
        shown["doc_type"] = info
        tests.append(lambda p, ids=ids: p.get("doc_type") in ids)
    for key, value, type_ in (
        ("theme", theme, "theme"),
        ("instrument", instrument, "instrument"),
        ("partner", partner, "partner"),
    ):
        if value:
            info, ids = _concept_filter(str(value), type_)
            shown[key] = info
            tests.append(lambda p, ids=ids: _carries(p, ids))
    return shown, tests


# --------------------------------------------------------------------------- search


@lru_cache(maxsize=1)
def _capitalised() -> re.Pattern[str]:
    """Runs of capitalised words, joined by the particles of municipality names ("Bergen op Zoom")."""
    particles = "|".join(map(re.escape, name_particles()))
    return re.compile(r"\b[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|" + particles + r"))*")


def named_municipalities(query: str) -> list[dict]:
    """Municipalities the query names ("... noemt Haaksbergen"): capitalised word runs looked up by name."""
    from ontology.municipalities import find_by_name

    found: dict[str, dict] = {}
    for match in _capitalised().finditer(query):
        words = match.group(0).split()
        for size in range(len(words), 0, -1):
            for i in range(len(words) - size + 1):
                if not words[i][:1].isupper():
                    continue
                record = find_by_name(" ".join(words[i : i + size]).strip(".,;:?!"))
                if record and record.code not in found:
                    found[record.code] = {"name": record.name, "code": record.code}
    return list(found.values())


def prepare() -> None:
    """Build what answering a question reads from disk (the concept matcher, the tokenizer rules, the
    lemma tables, the stop words), so the first question of a fresh install is as fast as the others
    (``beleidsgraaf setup`` runs it; building them imports spaCy once)."""
    from ingest.lemma_tables import table_path
    from ingest.matcher import get_matcher
    from ingest.tokenizer import rules
    from search.lexical import _stop_words

    get_matcher()
    rules()
    table_path()
    _stop_words()


def query_concepts(query: str) -> list[QueryConcept]:
    """Concepts named in the query; broad categories yield to specific concepts when both are named."""
    found = recognise(query)
    specific = [c for c in found if c.type != "category"]
    return specific or found


_embedders: dict[int, ThreadPoolExecutor] = {}


def _embedder() -> ThreadPoolExecutor:
    """Threads that embed a question (and its qualifiers) while the rest of ``search`` goes on; each
    model call runs on one core (search/runtime.py). One pool per process (a forked child gets its own:
    the parent's threads do not exist there)."""
    pid = os.getpid()
    with _load_lock:
        if pid not in _embedders:
            _embedders[pid] = ThreadPoolExecutor(max_workers=2, thread_name_prefix="query-embed")
        return _embedders[pid]


def _passage_out(p: dict, score: float) -> dict:
    return {
        "id": p["passage"],
        "text": p.get("text"),
        "municipality": p.get("municipality"),
        "code": p.get("code"),
        "document": p.get("doc_id"),
        "file": p.get("file"),
        "title": p.get("title"),
        "doc_type": p.get("doc_type"),
        "section": p.get("section"),
        "score": round(float(score), 4),
        "start": p.get("start"),
        "end": p.get("end"),
        "page": p.get("page"),
        "concepts": p.get("concepts") or [],
        "themes": p.get("themes") or [],
        "period": period(p),
    }


def _plain_answer(ranked: list[tuple[int, float]], passages: list[dict], depth: int = 10) -> list[dict]:
    """The retrieval baselines' answer: the municipalities of the first ``depth`` passages, in order."""
    out: dict[str, dict] = {}
    for row, score in ranked[:depth]:
        p = passages[row]
        code = p.get("code")
        if code and code not in out:
            out[code] = {
                "name": p.get("municipality"),
                "code": code,
                "score": round(float(score), 4),
                "documents": [],
                "evidence": [row],
            }
        elif code:
            out[code]["evidence"].append(row)
    return list(out.values())


def _coverage(
    understood, idx: LoadedIndex, carriers: dict[str, np.ndarray], settings: DecideSettings
) -> np.ndarray:
    """Share of the question's content lemmas each passage states (compounds count, see lemma_index).

    The words that name a recognised concept ("fraude met zorggeld" → zorgfraude) are also stated by
    every passage that carries the concept (``carriers``: concept id → mask), so a paraphrase or an
    English label scores like the label itself. A word of the same family (search/word_family.py:
    "informatielekken" for "datalekken", "technisch" for "techniek") counts ``settings.family_weight``.
    With ``settings.idf`` each word weighs by how rare it is in the store (BM25's idf), so "mensen" or
    "stellen", which half the passages state, decide less than the word the question is about.
    """
    from ingest.matcher import fold
    from search.question import language

    data = language()
    skip = {fold(w) for w in data["generic_words"]} | set(data["question_words"])
    for m in understood.municipalities:
        skip |= set(tokenize(m["name"]))
    wanted = sorted({w for w in tokenize(understood.text) if w not in skip and len(w) > 2})
    naming: dict[str, np.ndarray] = {}
    for c in understood.concepts:
        mask = carriers.get(c["id"])
        if mask is None:
            continue
        for w in tokenize(c["matched"]):
            naming[w] = naming[w] | mask if w in naming else mask
    n = len(idx.passages)
    out = np.zeros(n, dtype=np.float32)
    total = 0.0
    for w in wanted:
        stated = idx.words.stating(w)
        if w in naming:
            stated = stated | naming[w]
        weight = 1.0
        if settings.idf:
            df = int(stated.sum())
            weight = float(np.log(1.0 + (n - df + 0.5) / (df + 0.5)))
        total += weight
        out += weight * stated
        if settings.family_weight > 0:
            out += (weight * settings.family_weight) * (idx.words.stating_family(w) & ~stated)
    return out / total if total else out


def search(
    home: Path,
    query: str,
    *,
    municipality=None,
    year=None,
    doc_type=None,
    theme=None,
    instrument=None,
    partner=None,
    top_k: int = 10,
    mode: str = "hybrid",
    fusion: FusionSettings | None = None,
    settings: DecideSettings | None = None,
    answer: bool = True,
) -> dict:
    """Ranked passages and the answer: municipalities that meet the question (search/decide.py).

    ``mode`` dense / bm25 (and hybrid with ``answer=False``) are the retrieval baselines: their
    municipalities are those of the first ten passages above the relevance floor.
    """
    from search.decide import Context, decide, relevance
    from search.embed import embed_queries
    from search.question import understand

    text = validate_query(query)
    if mode not in MODES:
        raise BadQuery(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
    top_k = max(1, min(int(top_k), 100))
    fusion = fusion or FusionSettings()
    settings = settings or DecideSettings()
    shown, tests = resolve_filters(municipality, year, doc_type, theme, instrument, partner)
    idx = load_index(home)
    n = len(idx.passages)
    allowed = None
    if tests:
        allowed = idx.allowed(shown, tests)
    final = mode == "hybrid" and answer
    model, runtime = idx.meta.get("model"), idx.meta.get("runtime", "torch")
    # The question is embedded on another thread while it is read and scored lexically (the model call
    # releases the GIL): the runtime is the one the index was built with (before runtimes: torch).
    question_vector = _embedder().submit(embed_query, text, model, runtime) if n else None
    understood = understand(text, meaning=final, model=model, runtime=runtime)
    qualifier_vectors = None
    if final and understood.qualifiers:  # embedded beside the scoring below, read by the decision
        qualifier_texts = [q.text for q in understood.qualifiers]
        qualifier_vectors = _embedder().submit(embed_queries, qualifier_texts, model, runtime)
    concepts = [
        QueryConcept(c["id"], c["type"], c["label"], c["matched"], understood.expanded[c["id"]])
        for c in understood.concepts
    ]
    use_dense = mode in ("hybrid", "dense")
    use_lexical = mode in ("hybrid", "bm25")
    use_graph = mode == "hybrid"

    lexical_ranks: dict[int, int] = {}
    if n and use_lexical:
        bm = idx.lexical.scores(text)
        if allowed is not None:
            bm = np.where(allowed, bm, 0.0)
        lexical_ranks = ranks(bm, fusion.depth, positive_only=True)
    carried = [group_vector(c.expanded, idx.weights, n) for c in concepts] if n else []
    vectors = carried if use_graph else []
    if allowed is not None:
        vectors = [np.where(allowed, v, 0.0) for v in vectors]

    # Every passage's cosine (one matrix product): the decision needs candidates from the whole store,
    # not only the top of a ranked list.
    qv = question_vector.result() if question_vector is not None else None
    cosine = np.asarray(idx.vectors @ qv, dtype=np.float32) if n else np.zeros(0, np.float32)
    if allowed is not None:
        cosine = np.where(allowed, cosine, 0.0)
    dense_ranks = ranks(cosine, fusion.depth) if use_dense and n else {}
    best_cosine = float(cosine.max()) if n else 0.0
    fused = fuse(dense_ranks if use_dense else {}, lexical_ranks if use_lexical else {}, vectors, n, fusion)
    if allowed is not None:
        fused = np.where(allowed, fused, 0.0)
    order = ranks(fused, max(top_k, 50), positive_only=True)
    ranked = [(row, float(fused[row])) for row in sorted(order, key=order.get)]

    # candidate rows for relevance: the ranked ones, every passage above the cosine floor, concept carriers
    candidate = np.zeros(n, dtype=bool)
    candidate[[r for r, _ in ranked]] = True
    candidate |= cosine >= settings.cosine_floor
    for v in vectors:
        candidate |= v > 0
    if allowed is not None:
        candidate &= allowed
    carriers = {c.id: v > 0 for c, v in zip(concepts, carried, strict=True)} if n else {}
    coverage = _coverage(understood, idx, carriers, settings)
    rel = relevance(cosine, coverage, settings)

    near: list[dict] = []
    message = None
    if final:
        qvecs = qualifier_vectors.result() if qualifier_vectors is not None else []
        ctx = Context(
            passages=idx.passages,
            cosine=cosine,
            coverage=coverage,
            relevance=rel,
            allowed=candidate,
            words=idx.words,
            qualifier_vectors=list(qvecs),
            vectors=idx.vectors,
            validity=idx.validity(),
            heads=idx.heads(),
            rows=idx.rows(),
        )
        graph_hit = any(v.any() for v in vectors)
        relevant = bool(ranked) and (
            graph_hit or best_cosine >= MIN_DENSE_ALONE or (best_cosine >= MIN_DENSE and bool(lexical_ranks))
        )
        # a question the store says nothing about gets no answer, however the best passage ranks
        answer_list, near = decide(understood, ctx, settings) if relevant else ([], [])
        for m in answer_list + near:
            m["evidence"] = [_passage_out(idx.passages[row], rel[row]) for row in m["evidence"]]
        proof = [e["id"] for m in answer_list for e in m["evidence"][:1]]
        proof += [e["id"] for m in answer_list for e in m["evidence"][1:]]
        first = [idx.row_of(pid) for pid in dict.fromkeys(proof)]
        shown_first = set(first)
        rest = [r for r, _ in ranked if r not in shown_first]
        shown_rows = [(r, float(rel[r])) for r in first] + [(r, float(fused[r])) for r in rest]
        if not answer_list and not near and not relevant:
            shown_rows = []
            message = "Nothing relevant found for this query" + (" with these filters." if shown else ".")
        elif not answer_list:
            message = "Nothing found: no municipality meets every condition of the question."
    else:
        relevant = bool(ranked) and (
            bool(lexical_ranks) if mode == "bm25" else best_cosine >= MIN_DENSE_BASELINE
        )
        top = [(r, sc) for r, sc in ranked if rel[r] > 0 or mode == "bm25"] if relevant else []
        answer_list = _plain_answer(top, idx.passages)
        for m in answer_list:
            m["evidence"] = [_passage_out(idx.passages[row], fused[row]) for row in m["evidence"]]
        shown_rows = ranked if relevant else []
        if not answer_list:
            message = "Nothing relevant found for this query" + (" with these filters." if shown else ".")
    return {
        "query": {"text": text, "understood": understood.to_dict()},
        "mode": mode,
        "filters": shown,
        "concepts": [{"id": c.id, "label": c.label, "type": c.type, "matched": c.matched} for c in concepts],
        "named_municipalities": understood.municipalities,
        "municipalities": answer_list,
        "near_misses": near,
        "passages": [_passage_out(idx.passages[row], score) for row, score in shown_rows[:top_k]],
        "message": message,
    }
