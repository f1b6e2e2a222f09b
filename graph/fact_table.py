"""Every document's theme, instrument and partner facts as one table, read once per document version.

``which`` and the matrix ask across every document for the facts about a concept, with status, themes
and quotes. Asked of the store, each of those is a lookup per property per fact: at 3,420 documents
(384,000 such facts) 0.7-1.6 s per ``which``, nearly all of it inside pyoxigraph. A document's facts
change only when the document is written again (its generation, graph.store) or when something beside
documents is (the shared generation: ontology, reference data, a SPARQL update). So each document's
facts are read once with the query the ``facts`` command uses (facts.rq, scoped to the document's
graphs) and kept in ``<home>/facts/<doc_id>.<shared>.<generation>.json``. A process keeps the table of
the snapshot it reads in memory (graph.read.snapshot_memo) and, when the store moves on, reads only the
documents whose generations moved.

The table is never behind the snapshot it answers for: a reader that finds a document's file missing
reads that document from its own snapshot (and saves the file). Writers bring the folder in step after
their write (``sync``: ingest, remove), so readers seldom have to; after a shared change every document
is read again once (about 4 minutes at 3,420 documents).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from graph import heap
from graph.read import document_graphs, local_id, run, snapshot_memo
from graph.store import GraphStore
from ontology import doc_iri

log = logging.getLogger(__name__)

FOLDER = "facts"
FORMAT = 1
STALE_TMP_SECONDS = 600  # a half-written file this old belongs to no living writer
_NOWHERE = 1 << 62  # the position of a fact without a quote: after every quoted one


class Fact(NamedTuple):
    """One theme, instrument or partner fact of a document, as ``which`` needs it.

    The table keeps each fact as a plain tuple of strings and ints, which the garbage collector stops
    tracking (it does so for exact tuples only, not for this class): at the country's size (384,000
    facts) a full collection over tracked facts took 0.2-0.9 s of the request it fell in. ``about``
    gives the facts it finds in this form."""

    iri: str
    doc: str  # document IRI
    kind: str  # bg:ThemeFact, bg:InstrumentUse or bg:PartnerFact
    concept: str
    status: str | None  # status IRI (instrument uses)
    against: tuple[str, ...]  # themes an instrument use is against
    quotes: str  # its evidence spans as JSON, [[passage, begin, end, section, exact], ...]
    order: int  # place in its document's reading order (by the start of its first quote)


DOC, KIND, CONCEPT, STATUS, AGAINST, QUOTES, ORDER = (
    Fact._fields.index(name) for name in ("doc", "kind", "concept", "status", "against", "quotes", "order")
)


def evidence_rows(doc: str, quotes: str) -> list[dict[str, Any]]:
    """A fact's quotes in the row shape of the stored queries (graph.read.evidence reads them)."""
    return [
        {"doc": doc, "passage": p, "begin": b, "end": e, "section": s, "exact": x}
        for p, b, e, s, x in json.loads(quotes)
    ]


class FactTable:
    """The facts of every document of one snapshot, found by kind and concept."""

    def __init__(self, facts: Iterable[tuple]) -> None:
        self._by_concept: dict[tuple[str, str], list[tuple]] = defaultdict(list)
        for fact in facts:
            self._by_concept[(fact[KIND], fact[CONCEPT])].append(fact)

    def of_kind(self, kind: str) -> list[tuple]:
        """Every fact of ``kind``, as plain tuples (see ``about``)."""
        return [f for (k, _), facts in self._by_concept.items() if k == kind for f in facts]

    def about(self, kind: str, concepts: Iterable[str]) -> list[tuple]:
        """Facts of ``kind`` about any of ``concepts``, each document's in its reading order, as plain
        tuples in the field order of Fact (``Fact._make`` names them; per fact that costs a tracked
        object, which at tens of thousands of facts per question brings the collector back)."""
        found = [f for c in set(concepts) for f in self._by_concept.get((kind, c), ())]
        return sorted(found, key=lambda f: (f[DOC], f[ORDER]))


# --------------------------------------------------------------------------- one document


def read_document(store: GraphStore, doc_id: str) -> list[dict[str, Any]]:
    """The facts of one document as saved in its file: one entry per fact, in reading order."""
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    spans: dict[tuple[str, str], dict[tuple, list]] = defaultdict(dict)
    for row in run(store, "facts", doc=doc_iri(doc_id), graphs=document_graphs(doc_id)):
        key = (row["fact"], row["kind"])
        entry = grouped.setdefault(
            key,
            {
                "fact": row["fact"],
                "kind": row["kind"],
                "concept": row["concept"],
                "status": None,
                "against": [],
            },
        )
        if entry["status"] is None and row["status"] is not None:
            entry["status"] = row["status"]
        if row["against"] and row["against"] not in entry["against"]:
            entry["against"].append(row["against"])
        if row["exact"] is not None:
            span = (local_id(row["passage"]), row["begin"], row["end"])
            spans[key].setdefault(span, [*span, row["section"], row["exact"]])
    out = []
    for key, entry in grouped.items():
        quotes = list(spans[key].values())
        entry["against"] = sorted(entry["against"])
        entry["position"] = min((q[1] for q in quotes if q[1] is not None), default=None)
        entry["quotes"] = json.dumps(quotes, ensure_ascii=False)
        out.append(entry)
    return sorted(
        out, key=lambda e: (e["position"] if e["position"] is not None else _NOWHERE, e["fact"], e["kind"])
    )


def folder(home: Path) -> Path:
    return Path(home) / FOLDER


def file_name(doc_id: str, generation: int, shared: int | None) -> str:
    """The generations are in the name: whether a file is current is a directory listing away, and
    files of two versions of a document never overwrite each other."""
    return f"{doc_id}.{shared or 0}.{generation}.json"


def _load(path: Path) -> list[dict[str, Any]] | None:
    """The facts of a document's file, or None when there is none or it is not one this code wrote."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("facts"), list):
        return None
    return data["facts"]


def _save(path: Path, data: dict[str, Any]) -> None:
    """Write a document's file (a new file, then rename: a reader never sees half of one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _document(store: GraphStore, doc_id: str, generation: int, shared: int | None) -> list[dict[str, Any]]:
    """A document's facts at ``generation``/``shared``: from its file when there is one, else from the
    store (saving the file unless the folder cannot be written)."""
    path = folder(store.home) / file_name(doc_id, generation, shared)
    facts = _load(path)
    if facts is not None:
        return facts
    facts = read_document(store, doc_id)
    data = {"format": FORMAT, "doc_id": doc_id, "generation": generation, "shared": shared, "facts": facts}
    try:
        _save(path, data)
    except OSError as exc:
        log.debug("fact table: cannot save %s (%s)", path, exc)
    return facts


# --------------------------------------------------------------------------- the whole table

# doc_id → (generation, shared, facts) of the table this process built last, reused for the next
# snapshot's documents that did not change (one entry per data folder)
_LAST: dict[str, dict[str, tuple[int, int | None, tuple[tuple, ...]]]] = {}


def table(store: GraphStore) -> FactTable:
    """The fact table of the snapshot ``store`` reads (once per snapshot of a read-only handle)."""
    return snapshot_memo(store, "fact_table", lambda: _build(store))


def _facts(doc_id: str, entries: list[dict[str, Any]]) -> tuple[tuple, ...]:
    """A document's facts as the table keeps them: plain tuples in the field order of Fact."""
    doc = doc_iri(doc_id)
    return tuple(
        (
            e["fact"],
            doc,
            sys.intern(e["kind"]),
            sys.intern(e["concept"]),
            sys.intern(e["status"]) if e["status"] else None,
            tuple(sys.intern(a) for a in e["against"]),
            e["quotes"],
            order,
        )
        for order, e in enumerate(entries)
    )


def _build(store: GraphStore) -> FactTable:
    started = time.perf_counter()
    generations = store.document_generations()
    shared = store.shared_generation()
    key = str(Path(store.home).resolve())
    last = _LAST.get(key, {})
    current: dict[str, tuple[int, int | None, tuple[tuple, ...]]] = {}
    loaded = 0
    for doc_id in sorted(generations):
        generation = generations[doc_id]
        kept = last.get(doc_id)
        if kept is not None and kept[0] == generation and kept[1] == shared:
            current[doc_id] = kept
            continue
        current[doc_id] = (generation, shared, _facts(doc_id, _document(store, doc_id, generation, shared)))
        loaded += 1
    _LAST[key] = current
    built = FactTable(fact for _, _, facts in current.values() for fact in facts)
    heap.settle(sum(len(facts) for _, _, facts in current.values()))
    log.debug(
        "fact table: %d documents (%d loaded, the rest kept from the last table) in %.2f s",
        len(current),
        loaded,
        time.perf_counter() - started,
    )
    return built


def sync(store: GraphStore, progress: bool = False) -> int:
    """Bring ``<home>/facts`` in step with the store after a write; returns how many documents were
    read. Files of other versions and of documents no longer stored are deleted (only writers do
    that: a reader of an older snapshot may still want them)."""
    generations = store.document_generations()
    shared = store.shared_generation()
    where = folder(store.home)
    present = {p.name for p in where.glob("*.json")} if where.exists() else set()
    wanted = {doc_id: file_name(doc_id, g, shared) for doc_id, g in generations.items()}
    todo = sorted(doc_id for doc_id, name in wanted.items() if name not in present)
    started = time.perf_counter()
    for n, doc_id in enumerate(todo, 1):
        _document(store, doc_id, generations[doc_id], shared)
        if progress and (n % 200 == 0 or n == len(todo)):
            log.info("fact table: %d of %d documents read", n, len(todo))
    for name in present - set(wanted.values()):
        (where / name).unlink(missing_ok=True)
    for tmp in where.glob(".*.tmp") if where.exists() else ():  # left by a process killed mid-write
        try:
            if time.time() - tmp.stat().st_mtime > STALE_TMP_SECONDS:
                tmp.unlink()
        except OSError:
            pass  # gone already, or another process's
    if todo:
        log.info("fact table: %d documents read in %.1f s", len(todo), time.perf_counter() - started)
    return len(todo)
