"""Embedding passages and queries, with a persistent cache so unchanged text is never embedded twice.

The cache (``<home>/cache/embeddings.sqlite``) is keyed by (model key, sha256 of the exact text fed to
the model, prompt included), so re-ingesting a document, or adding another one, only embeds new passages.
The model key names the runtime as well (``search.model.model_key``): fp32 and int8 vectors never mix.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import sys
from collections.abc import Sequence
from contextlib import closing
from functools import lru_cache
from pathlib import Path

import numpy as np

from search.model import configured_model, configured_runtime, load_model, model_key

log = logging.getLogger(__name__)

BATCH = 32  # texts per model call
CHUNK = 256  # texts per cache write / progress step
PROGRESS_MIN = 64  # show a progress bar only when at least this many texts need embedding


def passage_text(passage: dict) -> str:
    """What is embedded for a passage: its section title, then its text (the title carries the topic)."""
    section = (passage.get("section") or "").strip()
    text = (passage.get("text") or "").strip()
    if section and not text.startswith(section):
        return f"{section}\n{text}"
    return text


def _prompt(model, kind: str) -> str:
    """The instruction prefix the model expects (e5: "query: " / "passage: "), from its own metadata."""
    prompts = getattr(model, "prompts", None) or {}
    return prompts.get(kind, "")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """sqlite table (model, sha256) → float32 vector bytes."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS embeddings (model TEXT NOT NULL, sha256 TEXT NOT NULL, "
                "dim INTEGER NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (model, sha256))"
            )

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def get_many(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with closing(self._connect()) as db:
            unique = list(dict.fromkeys(hashes))
            for i in range(0, len(unique), 500):
                part = unique[i : i + 500]
                marks = ",".join("?" * len(part))
                rows = db.execute(
                    f"SELECT sha256, vector FROM embeddings WHERE model = ? AND sha256 IN ({marks})",
                    [model, *part],
                )
                for sha, blob in rows:
                    found[sha] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, model: str, items: dict[str, np.ndarray]) -> None:
        with closing(self._connect()) as db, db:
            db.executemany(
                "INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?, ?)",
                [
                    (model, sha, int(v.shape[0]), np.asarray(v, np.float32).tobytes())
                    for sha, v in items.items()
                ],
            )

    def count(self, model: str | None = None) -> int:
        with closing(self._connect()) as db:
            if model is None:
                return db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
            return db.execute("SELECT COUNT(*) FROM embeddings WHERE model = ?", [model]).fetchone()[0]


def cache_path(home: Path) -> Path:
    """<home>/cache/embeddings.sqlite, or $BELEIDSGRAAF_EMBED_CACHE (one cache shared by several stores)."""
    import os

    env = os.environ.get("BELEIDSGRAAF_EMBED_CACHE")
    return Path(env) if env else Path(home) / "cache" / "embeddings.sqlite"


def _encode(model, texts: list[str]) -> np.ndarray:
    vectors = model.encode(
        texts, batch_size=BATCH, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
    )
    return np.asarray(vectors, dtype=np.float32)


def embed_passages_with_stats(
    texts: Sequence[str],
    model: str | None = None,
    *,
    cache: Path | None = None,
    progress: bool = False,
    runtime: str | None = None,
    prompt_kind: str = "passage",
    alone: bool = False,
) -> tuple[np.ndarray, int]:
    """Vectors (n × dim, L2-normalised) for passage texts, and how many had to be computed (not cached).

    ``prompt_kind`` "query" embeds the texts with the query prompt instead (e5's advice for symmetric
    tasks such as comparing two goals); the cache key includes the prompt, so the two never mix.
    ``alone`` encodes each text in a batch of its own (see ``embed_each``), cached under its own key.
    """
    name = configured_model(model)
    runtime = configured_runtime(runtime)
    key = model_key(name, runtime) + ("|alone" if alone else "")
    st = load_model(name, runtime)
    prompt = _prompt(st, prompt_kind)
    full = [prompt + t for t in texts]
    hashes = [_sha(t) for t in full]
    store = EmbeddingCache(cache) if cache is not None else None
    known = store.get_many(key, hashes) if store else {}
    todo = list(dict.fromkeys(h for h in hashes if h not in known))
    by_hash = {h: t for h, t in zip(hashes, full, strict=True)}
    if todo:
        log.info(
            "embedding %d new passages (%d cached) with %s",
            len(todo),
            len(set(hashes)) - len(todo),
            key,
        )
        _embed_missing(
            st, todo, by_hash, known, store, key, progress and len(todo) >= PROGRESS_MIN, alone=alone
        )
    dim = (getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension)()
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for i, h in enumerate(hashes):
        out[i] = known[h]
    return out, len(todo)


def _embed_missing(
    st,
    todo: list[str],
    by_hash: dict[str, str],
    known: dict[str, np.ndarray],
    store: EmbeddingCache | None,
    key: str,
    progress: bool,
    *,
    alone: bool = False,
) -> None:
    # Longest first keeps batches of similar length (less padding) and the time estimate honest.
    todo = sorted(todo, key=lambda h: -len(by_hash[h]))
    bar = None
    if progress:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        bar = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(file=sys.stderr),
            transient=True,
        )
        bar.start()
        task = bar.add_task("Passages embedden", total=len(todo))
    try:
        for i in range(0, len(todo), CHUNK):
            part = todo[i : i + CHUNK]
            texts = [by_hash[h] for h in part]
            vectors = np.vstack([_encode(st, [t]) for t in texts]) if alone else _encode(st, texts)
            fresh = dict(zip(part, vectors, strict=True))
            known.update(fresh)
            if store:
                store.put_many(key, fresh)
            if bar:
                bar.advance(task, len(part))
    finally:
        if bar:
            bar.stop()


def embed_passages(
    texts: Sequence[str],
    model: str | None = None,
    *,
    cache: Path | None = None,
    progress: bool = False,
    runtime: str | None = None,
    prompt_kind: str = "passage",
) -> np.ndarray:
    """Vectors for passage texts (the model's passage prompt, or ``prompt_kind``'s, is added here)."""
    return embed_passages_with_stats(
        texts, model, cache=cache, progress=progress, runtime=runtime, prompt_kind=prompt_kind
    )[0]


@lru_cache(maxsize=512)
def _embed_query_cached(text: str, model: str, runtime: str) -> bytes:
    st = load_model(model, runtime)
    return _encode(st, [_prompt(st, "query") + text])[0].tobytes()


def embed_query(text: str, model: str | None = None, runtime: str | None = None) -> np.ndarray:
    """Vector for a search query (the model's query prompt is added here); repeated queries are cached.

    Pass the runtime an index was built with, so query and passages come from the same runtime.
    """
    vector = _embed_query_cached(text, configured_model(model), configured_runtime(runtime))
    return np.frombuffer(vector, dtype=np.float32)


def embed_queries(texts: Sequence[str], model: str | None = None, runtime: str | None = None) -> np.ndarray:
    """Vectors for several short queries in one batch (query prompt added), from the given runtime."""
    st = load_model(configured_model(model), configured_runtime(runtime))
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    return _encode(st, [_prompt(st, "query") + t for t in texts])


def embed_each(
    texts: Sequence[str],
    model: str | None = None,
    *,
    cache: Path | None = None,
    runtime: str | None = None,
    prompt_kind: str = "passage",
) -> np.ndarray:
    """Vectors for texts encoded one at a time (a batch of one), cached apart from batch-made vectors.

    With the int8 runtime a text's vector depends slightly on the batch it is encoded in (activation
    ranges are taken per batch): on 58 goals embedded in one batch against one at a time, the cosine of
    a pair moved by 0.003 on average and up to 0.015, enough to flip a pair that sits at a threshold.
    Goal alignment needs the same vector for the same text whatever was embedded before, in any store;
    these are few, short texts, so one at a time costs little.
    """
    return embed_passages_with_stats(
        texts, model, cache=cache, runtime=runtime, prompt_kind=prompt_kind, alone=True
    )[0]
