"""The embedding model's tokenizer for a few short texts, ready in milliseconds instead of a second.

Why: multilingual-e5's ``tokenizer.json`` is a Unigram model of 250,002 pieces; ``tokenizers`` builds
all of it before encoding anything (0.6-1.6 s on this machine, holding the GIL), which is most of a
cold CLI question. A Unigram tokenizer's output for a text depends only on the pieces that occur in
that text (its Viterbi lattice holds nothing else), their scores, the lowest score of the vocabulary
(the unknown-character penalty starts there) and the unknown token. So for each call this module
builds the same tokenizer — the model's own normalizer, pre-tokenizer, added tokens, post-processor
and truncation, run by ``tokenizers`` itself — over just those pieces, looked up in an SQLite copy of
the vocabulary, and maps the ids back. Candidates are every substring of at most the longest piece's
length of the normalised text with spaces as "▁", with and without a leading "▁" (a superset of the
pieces any pre-token can use). Tests compare the ids with the full tokenizer's.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ontology.disk_cache import cache_dir, content_key

SPACE = "▁"  # Metaspace replacement
_CHUNK = 900  # SQLite host parameters per query


@dataclass(frozen=True)
class Encoded:
    ids: list[int]


def _source_key(tokenizer_file: Path) -> str:
    stat = tokenizer_file.stat()
    return content_key([Path(__file__)], f"{tokenizer_file.resolve()}:{stat.st_size}:{stat.st_mtime_ns}")


def _build(tokenizer_file: Path, path: Path) -> None:
    """Vocabulary (piece → id, score) and the rest of the tokenizer's config, written atomically."""
    config = json.loads(tokenizer_file.read_text(encoding="utf-8"))
    model = config["model"]
    if model.get("type") != "Unigram" or model.get("byte_fallback"):
        raise ValueError(f"{tokenizer_file}: not a Unigram tokenizer without byte fallback")
    vocab = model["vocab"]
    lowest = min(range(len(vocab)), key=lambda i: vocab[i][1])
    keep = sorted({*range(min(4, len(vocab))), model["unk_id"], lowest})  # fixed entries of every call
    model["vocab"] = [vocab[i] for i in keep]
    meta = {"config": config, "keep": keep, "longest": max(len(p) for p, _ in vocab)}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".vocab.", suffix=".sqlite")
    os.close(fd)
    try:
        with sqlite3.connect(tmp) as db:
            db.execute("CREATE TABLE piece (p TEXT PRIMARY KEY, id INTEGER, score REAL) WITHOUT ROWID")
            db.executemany(
                "INSERT INTO piece VALUES (?, ?, ?)", ((p, i, s) for i, (p, s) in enumerate(vocab))
            )
            db.execute("CREATE TABLE meta (v TEXT)")
            db.execute("INSERT INTO meta VALUES (?)", (json.dumps(meta),))
        db.close()
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class SmallTokenizer:
    """``encode_batch`` of a Unigram ``tokenizer.json`` (with truncation), over the pieces each text uses."""

    def __init__(self, tokenizer_file: Path, max_length: int):
        from tokenizers import Tokenizer

        tokenizer_file = Path(tokenizer_file)
        self.path = cache_dir() / f"vocab-{_source_key(tokenizer_file)[:24]}.sqlite"
        if not self.path.exists():
            _build(tokenizer_file, self.path)
        meta = json.loads(self._db().execute("SELECT v FROM meta").fetchone()[0])
        self.config = meta["config"]
        self.fixed = [
            (p, s, i) for (p, s), i in zip(self.config["model"]["vocab"], meta["keep"], strict=True)
        ]
        self.longest = int(meta["longest"])
        self.max_length = max_length
        self.added = {t["content"]: t["id"] for t in self.config.get("added_tokens", [])}
        base = Tokenizer.from_str(json.dumps(self.config))  # the fixed entries only: for its normalizer
        self.normalizer = base.normalizer

    _local = threading.local()

    def _db(self) -> sqlite3.Connection:
        conns = getattr(self._local, "conns", None)
        if conns is None:
            conns = self._local.conns = {}
        if self.path not in conns:
            conns[self.path] = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        return conns[self.path]

    def _candidates(self, text: str) -> set[str]:
        normal = self.normalizer.normalize_str(text) if self.normalizer is not None else text
        spaced = SPACE + normal.replace(" ", SPACE)
        out: set[str] = set()
        for i in range(len(spaced)):
            for j in range(i + 1, min(len(spaced), i + self.longest) + 1):
                piece = spaced[i:j]
                out.add(piece)
                if len(piece) < self.longest and not piece.startswith(SPACE):
                    out.add(SPACE + piece)
        return out

    def _pieces(self, candidates: set[str]) -> list[tuple[str, float, int]]:
        found: list[tuple[str, float, int]] = []
        items = sorted(candidates)
        db = self._db()
        for k in range(0, len(items), _CHUNK):
            part = items[k : k + _CHUNK]
            marks = ",".join("?" * len(part))
            found.extend(db.execute(f"SELECT p, score, id FROM piece WHERE p IN ({marks})", part).fetchall())
        return found

    def encode(self, text: str) -> Encoded:
        from tokenizers import Tokenizer

        fixed_ids = {i for _, _, i in self.fixed}
        pieces = sorted(
            [*self.fixed, *(p for p in self._pieces(self._candidates(text)) if p[2] not in fixed_ids)],
            key=lambda p: p[2],
        )
        config = dict(self.config)
        config["model"] = {**self.config["model"], "vocab": [[p, s] for p, s, _ in pieces]}
        config["model"]["unk_id"] = next(
            k for k, (_, _, i) in enumerate(pieces) if i == self.config["model"]["unk_id"]
        )
        small = Tokenizer.from_str(json.dumps(config))
        small.no_padding()
        small.enable_truncation(self.max_length)
        original = [i for _, _, i in pieces]
        tokens = small.encode(text)
        return Encoded(
            [
                original[i] if i < len(original) else self.added[tok]
                for i, tok in zip(tokens.ids, tokens.tokens, strict=True)
            ]
        )

    def token_to_id(self, piece: str) -> int | None:
        if piece in self.added:
            return self.added[piece]
        row = self._db().execute("SELECT id FROM piece WHERE p = ?", (piece,)).fetchone()
        return row[0] if row else None

    def encode_batch(self, texts: list[str]) -> list[Encoded]:
        return [self.encode(t) for t in texts]


@lru_cache(maxsize=4)
def small_tokenizer(tokenizer_file: Path, max_length: int) -> SmallTokenizer:
    return SmallTokenizer(tokenizer_file, max_length)
