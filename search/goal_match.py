"""Matching goals and targets of two documents by meaning: identical text first, then embeddings.

Built on search.embed (the project's model and its on-disk embedding cache), so comparing the same
documents again costs no model time.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

Embedder = Callable[[list[str]], np.ndarray]


def normalise_text(text: str) -> str:
    """Lower case, no accents, punctuation, bullets or numbering, single spaces: identical goals compare
    equal."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold().strip()
    text = re.sub(r"^\s*(?:[-•*·–]|\(?\w{1,3}[.)])\s+", "", text)
    text = re.sub(r"[^\w%]+", " ", text)
    return " ".join(text.split())


def default_embedder(home: Path | None = None) -> Embedder:
    """Texts → L2-normalised vectors with the project's model, cached in ``home``'s embedding cache.

    Goals on both sides get the same (passage) prompt, so the similarity is symmetric.
    """
    from search.embed import cache_path, embed_passages

    cache = cache_path(home) if home is not None else None

    def embed(texts: list[str]) -> np.ndarray:
        return embed_passages(texts, cache=cache)

    return embed


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
