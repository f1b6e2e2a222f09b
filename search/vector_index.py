"""Dense vector index (faiss): exact inner product for small collections, HNSW above a size threshold.

Vectors are L2-normalised, so inner product is cosine similarity. Below ``EXACT_MAX`` vectors a flat
index is both exact and fast enough (< 5 ms per query); above it HNSW keeps latency flat. HNSW recall@10
against the exact index is measured in ``benchmarks/bench_search.py``: at 100k passages M=32,
efConstruction=200, efSearch=512 gave recall@10 0.967 at ~1.2 ms per query (efSearch 128: 0.72, 256: 0.87).

An index updated in place (search.update) is a ``Dense``: building HNSW over the whole country takes
~90 s, adding one document's vectors well under a second, but HNSW cannot delete. So its vectors keep their
faiss ids and ``dense_rows.npy`` maps each id to its passage row now, -1 for a passage that is gone; a
search skips those ids (an ``IDSelector``), and the update rebuilds the index once they exceed
``MAX_REMOVED`` of it.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

logging.getLogger("faiss.loader").setLevel(logging.WARNING)  # it logs every CPU-feature probe at INFO

import faiss  # noqa: E402
import numpy as np  # noqa: E402

EXACT_MAX = int(os.environ.get("BELEIDSGRAAF_EXACT_MAX", "50000"))
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 512
MAX_REMOVED = 0.2  # share of removed vectors above which an update rebuilds the index
ROWS_FILE = "dense_rows.npy"


def build(vectors: np.ndarray, *, kind: str | None = None) -> faiss.Index:
    """An index over ``vectors`` (row i gets id i); ``kind`` "flat" / "hnsw" overrides the size rule."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dim = vectors.shape[1] if vectors.ndim == 2 and vectors.shape[1] else 384
    kind = kind or ("flat" if len(vectors) <= EXACT_MAX else "hnsw")
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        raise ValueError(f"unknown index kind {kind!r}")
    if len(vectors):
        index.add(vectors)
    return index


def kind_of(index: faiss.Index) -> str:
    return "hnsw" if isinstance(index, faiss.IndexHNSWFlat) else "flat"


def save(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def load(path: Path) -> faiss.Index:
    index = faiss.read_index(str(path))
    if isinstance(index, faiss.IndexHNSWFlat):
        index.hnsw.efSearch = HNSW_EF_SEARCH
    return index


@dataclass
class Dense:
    """A faiss index and the passage row of each of its vectors (``rows``; None: the id is the row)."""

    index: faiss.Index
    rows: np.ndarray | None = None

    @property
    def removed(self) -> int:
        return 0 if self.rows is None else int((self.rows < 0).sum())

    @property
    def size(self) -> int:
        """Passages it finds."""
        return self.index.ntotal - self.removed


def open_dense(folder: Path) -> Dense:
    """The dense index of an index folder, with its row map when it was updated in place."""
    rows = folder / ROWS_FILE
    return Dense(load(folder / "dense.faiss"), np.load(rows) if rows.exists() else None)


def save_dense(dense: Dense, folder: Path) -> None:
    save(dense.index, folder / "dense.faiss")
    if dense.rows is not None:
        np.save(folder / ROWS_FILE, dense.rows)


def update(dense: Dense, row_of: np.ndarray, vectors: np.ndarray, new_rows: np.ndarray) -> Dense | None:
    """``dense`` after an update of the passage table: old row r is now row ``row_of[r]`` (-1: removed)
    and ``vectors`` are the new passages of rows ``new_rows``. None when the caller should build the
    index anew instead: a flat index (as fast to build as to copy), a change of kind by size, or too many
    removed vectors."""
    old = dense.rows if dense.rows is not None else np.arange(dense.index.ntotal, dtype=np.int64)
    rows = np.where(old >= 0, row_of[np.maximum(old, 0)], -1)
    rows = np.concatenate([rows, np.asarray(new_rows, dtype=np.int64)])
    live = int((rows >= 0).sum())
    if kind_of(dense.index) != "hnsw" or live <= EXACT_MAX or (len(rows) - live) > MAX_REMOVED * len(rows):
        return None
    if len(vectors):
        dense.index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return Dense(dense.index, rows)


def search(index: faiss.Index | Dense, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(scores, rows) of the ``k`` nearest passages for one query vector; missing hits are dropped."""
    dense = index if isinstance(index, Dense) else Dense(index)
    if dense.size == 0 or k <= 0:
        return np.zeros(0, np.float32), np.zeros(0, np.int64)
    q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
    k = min(k, dense.size)
    if dense.removed:
        gone = faiss.IDSelectorBatch(np.nonzero(dense.rows < 0)[0].astype(np.int64))
        selector = faiss.IDSelectorNot(gone)  # ``gone`` stays referenced until the search is done
        params = (
            faiss.SearchParametersHNSW(sel=selector, efSearch=dense.index.hnsw.efSearch)
            if kind_of(dense.index) == "hnsw"
            else faiss.SearchParameters(sel=selector)
        )
        scores, ids = dense.index.search(q, k, params=params)
    else:
        scores, ids = dense.index.search(q, k)
    keep = ids[0] >= 0
    found = ids[0][keep]
    return scores[0][keep], found if dense.rows is None else dense.rows[found]
