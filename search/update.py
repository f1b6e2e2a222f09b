"""Bring the search index in step with the graph by redoing only the documents that changed.

A full build (search.index.build_index) reads every passage from the store, tokenises it and builds
HNSW over every vector: minutes at country size, which one added document should not cost. An update
starts from the live index instead. It reads the changed documents' passages (document-scoped queries)
and their vectors (embedding cache). Every other row is carried over as it is, vector and tokens
included, and only its document-level facts are refreshed:

- validity, which another document can change by replacing it;
- priority themes.

The result is the index a full build would write: the same rows in the same order (by passage id),
vectors, lemma sets and BM25 scores. The one exception is the HNSW graph. It gets the new vectors added
and skips the removed ones (search.vector_index), so its neighbour lists differ, as any two HNSW builds
do.

An update costs the changed documents' share of a build plus carrying the rest over (about 10 s at
217,000 passages against about 2 minutes for a build), so it is taken whenever it is possible: from an
index of this format, with the same model and runtime, when nothing but documents changed since it
was built (the store's shared generation, graph.store). Otherwise ``plan`` says why and the caller
builds anew.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

ROWS_FILE = "rows.json"  # passage id and doc_id of every row, in table order
DOCUMENTS_FILE = "documents.json"  # doc_id → the document-level facts every row of it carries
DOCUMENT_FIELDS = ("validity", "priority_themes")


def no_facts() -> dict:
    """The document-level fields of a document the graph states none for."""
    return {"validity": None, "priority_themes": []}


# --------------------------------------------------------------------------- the passage table on disk


def row_line(row: dict) -> str:
    return json.dumps(row, ensure_ascii=False)


def write_table(lines: list[str], path: Path) -> None:
    """``passages.json``: a JSON array with one row per line, so an update can carry a row over as the
    bytes it was (json.dumps escapes every line break inside a row)."""
    with path.open("w", encoding="utf-8") as out:
        if not lines:
            out.write("[]\n")
            return
        out.write("[\n")
        out.write(",\n".join(lines))
        out.write("\n]\n")


def read_lines(path: Path, expected: int) -> list[str] | None:
    """The row lines of a ``passages.json`` written by ``write_table``; None when it is not one."""
    text = path.read_text(encoding="utf-8")
    if expected == 0:
        return [] if text.strip() == "[]" else None
    lines = text.split("\n")
    if len(lines) != expected + 3 or lines[0] != "[" or lines[-2] != "]" or lines[-1] != "":
        return None
    rows = lines[1:-2]
    return [line[:-1] for line in rows[:-1]] + [rows[-1]]


def facts_of_rows(rows: list[dict]) -> dict[str, dict]:
    """doc_id → the document-level fields its rows carry (the first row's: they are the same)."""
    out: dict[str, dict] = {}
    for row in rows:
        if row["doc_id"] not in out:
            out[row["doc_id"]] = {k: row.get(k) for k in DOCUMENT_FIELDS}
    return out


def write_row_files(folder: Path, passages: list[str], doc_ids: list[str], facts: dict[str, dict]) -> None:
    """What an update needs besides the table: which passage and document each row is, and the
    document-level facts as they were written (doc_id → fields, in table order)."""
    ids = {"passage": passages, "doc_id": doc_ids}
    (folder / ROWS_FILE).write_text(json.dumps(ids, ensure_ascii=False), encoding="utf-8")
    (folder / DOCUMENTS_FILE).write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")


# What reading a damaged or foreign live index raises; the caller then builds anew.
UNREADABLE = (OSError, ValueError, KeyError, IndexError, TypeError)

# --------------------------------------------------------------------------- deciding


@dataclass
class Plan:
    changed: list[str]  # documents new or rewritten since the index was built
    gone: list[str]  # documents no longer in the store


def plan(
    folder: Path | None, meta: dict | None, stamps: dict, shared: int | None, model: str | None = None
) -> tuple[Plan | None, str]:
    """An update of the index in ``folder`` (``meta``) to the store state ``stamps``, or None and why not.

    ``shared`` is the store's shared generation (graph.store.GraphStore.shared_generation)."""
    from search.index import FORMAT_VERSION
    from search.model import configured_model, configured_runtime, model_key

    if folder is None or meta is None:
        return None, "no index yet"
    if meta.get("format") != FORMAT_VERSION:
        return None, f"index format {meta.get('format')} (now {FORMAT_VERSION})"
    try:
        key = model_key(configured_model(model), configured_runtime())
    except ValueError as exc:
        return None, str(exc)
    if meta.get("model_key") != key:
        return None, f"index built with {meta.get('model_key')}, now {key}"
    built = meta.get("graph_generation")
    if built is None or shared is None or shared > built:
        return None, "more than documents changed in the graph since the index was built"
    if not all((folder / name).exists() for name in (ROWS_FILE, DOCUMENTS_FILE, "lemmas/row_counts.npy")):
        return None, "the index lacks the files an update needs"
    indexed = meta.get("doc_generations") or {}
    current = stamps["doc_generations"]
    changed = sorted(d for d, g in current.items() if indexed.get(d) != g)
    gone = sorted(d for d in indexed if d not in current)
    return Plan(changed, gone), "update"


# --------------------------------------------------------------------------- updating


def update_index(
    old: Path,
    dest: Path,
    new_rows: list[dict],
    documents: dict[str, dict],
    todo: Plan,
    *,
    cache: Path | None,
    progress: bool = False,
    stamps: dict,
    model: str | None = None,
) -> dict:
    """Write into ``dest`` the index of ``old`` with the documents of ``todo`` replaced by ``new_rows``
    (their passages as graph.queries.passages reads them); ``documents`` holds every document's
    current document-level facts. Returns build statistics like search.index.build_index."""
    from graph import pause
    from search import vector_index
    from search.embed import embed_passages_with_stats, passage_text
    from search.index import index_meta_for
    from search.lemma_index import LemmaIndex
    from search.lexical import LexicalIndex, tokenize
    from search.model import configured_model, configured_runtime

    started = time.perf_counter()
    meta = json.loads((old / "meta.json").read_text())
    ids = json.loads((old / ROWS_FILE).read_text(encoding="utf-8"))
    written = json.loads((old / DOCUMENTS_FILE).read_text(encoding="utf-8"))
    lines = read_lines(old / "passages.json", len(ids["passage"]))
    if lines is None:
        raise ValueError(f"{old / 'passages.json'} is not one row per line")
    redo = set(todo.changed) | set(todo.gone)
    for row in new_rows:
        row.update(documents.get(row["doc_id"], no_facts()))
    new_rows = sorted(new_rows, key=lambda r: r["passage"])

    # the new table: kept old rows and new rows, by passage id like a full build
    picks = [
        (pid, 0, r)
        for r, (pid, doc) in enumerate(zip(ids["passage"], ids["doc_id"], strict=True))
        if doc not in redo
    ]
    picks += [(row["passage"], 1, i) for i, row in enumerate(new_rows)]
    picks.sort()
    row_of = np.full(len(ids["passage"]), -1, dtype=np.int64)
    new_at = np.zeros(len(new_rows), dtype=np.int64)
    out_lines: list[str] = []
    out_rows = {"passage": [], "doc_id": []}
    refreshed: set[str] = set()
    for at, (pid, source, r) in enumerate(picks):
        if source == 0:
            row_of[r] = at
            doc = ids["doc_id"][r]
            line = lines[r]
            if written.get(doc) != documents.get(doc):  # another document changed its facts
                row = json.loads(line)
                row.update(documents.get(doc, no_facts()))
                line = row_line(row)
                refreshed.add(doc)
        else:
            new_at[r] = at
            doc = new_rows[r]["doc_id"]
            line = row_line(new_rows[r])
        out_lines.append(line)
        out_rows["passage"].append(pid)
        out_rows["doc_id"].append(doc)

    name, runtime = configured_model(model), configured_runtime()
    texts = [passage_text(p) for p in new_rows]
    fresh, computed = embed_passages_with_stats(texts, name, cache=cache, progress=progress, runtime=runtime)
    old_vectors = np.load(old / "vectors.npy", mmap_mode="r")
    dim = old_vectors.shape[1] if old_vectors.ndim == 2 else fresh.shape[1]
    vectors = np.zeros((len(picks), dim), dtype=np.float32)
    kept = np.nonzero(row_of >= 0)[0]
    vectors[row_of[kept]] = old_vectors[kept]
    if len(new_rows):
        vectors[new_at] = fresh
    pause.stage("embedding")
    t_embed = time.perf_counter() - started

    dense = vector_index.update(vector_index.open_dense(old), row_of, fresh, new_at)
    rebuilt = dense is None
    if dense is None:
        dense = vector_index.Dense(vector_index.build(vectors))
    vector_index.save_dense(dense, dest)
    np.save(dest / "vectors.npy", vectors)
    lemmas = LemmaIndex.combine(
        [LemmaIndex.load(old / "lemmas"), LemmaIndex.build([tokenize(t) for t in texts])],
        [(source, r) for _, source, r in picks],
    )
    lemmas.save(dest / "lemmas")
    LexicalIndex.from_lemmas(lemmas).save(dest / "bm25")
    write_table(out_lines, dest / "passages.json")
    kept_docs = list(dict.fromkeys(out_rows["doc_id"]))  # in table order, as a build writes them
    facts = {d: documents.get(d, no_facts()) for d in kept_docs}
    write_row_files(dest, out_rows["passage"], out_rows["doc_id"], facts)
    stats = index_meta_for(
        passages=len(picks),
        documents=len(kept_docs),
        embedded=computed,
        model=name,
        runtime=runtime,
        kind=vector_index.kind_of(dense.index),
        dimension=int(dim),
        embed_seconds=t_embed,
        started=started,
        stamps=stamps,
    )
    stats["update"] = {
        "documents": sorted(todo.changed),
        "removed": sorted(todo.gone),
        "passages_added": len(new_rows),
        "passages_kept": int(len(kept)),
        "documents_refreshed": sorted(refreshed),
        "dense": "rebuilt" if rebuilt else "extended",
        "dense_removed": dense.removed,
        "from_generation": meta.get("graph_generation"),
    }
    (dest / "meta.json").write_text(json.dumps(stats, indent=2))
    return stats
