"""Which passages state a word: lemma sets of every passage, computed once when the index is built.

The answer (search/decide.py) asks, per question, which passages state a content word of the question, a
qualifier or a relation word. Lemmatising passages per question costs seconds at scale, so the lemma sets
are written with the index (``lemmas/``: the vocabulary and both directions of the passage × lemma
incidence as CSR arrays) and a question only looks words up. A word of five letters or more is also
stated by a compound that starts or ends with it (vastgoedtransactie states transactie; the reverse is
not true), the same rule as ``states``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

COMPOUND_MIN = 5  # a word this long also matches compounds that start or end with it


def states(lemmas: Iterable[str], wanted: Sequence[str]) -> bool:
    """Every wanted lemma is in ``lemmas`` (a compound starting or ending in it counts, 5+ letters)."""
    have = lemmas if isinstance(lemmas, (set, frozenset)) else set(lemmas)
    for w in wanted:
        if w in have:
            continue
        if len(w) >= COMPOUND_MIN and any(
            len(x) > len(w) and (x.endswith(w) or x.startswith(w)) for x in have
        ):
            continue
        return False
    return True


def _csr(lists: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    ptr = np.zeros(len(lists) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(x) for x in lists])
    ids = np.fromiter((i for x in lists for i in x), dtype=np.int32, count=int(ptr[-1]))
    return ptr, ids


class LemmaIndex:
    """Passage ↔ lemma incidence with word look-ups that return a boolean mask over passages."""

    def __init__(self, vocab: list[str], row_ptr, row_ids, lemma_ptr, lemma_ids):
        self.vocab = vocab
        self.size = len(row_ptr) - 1
        self._where = {w: i for i, w in enumerate(vocab)}
        self._row_ptr, self._row_ids = row_ptr, row_ids
        self._lemma_ptr, self._lemma_ids = lemma_ptr, lemma_ids
        self._array = np.array(vocab, dtype=str) if vocab else np.zeros(0, dtype=str)
        self._lengths = np.char.str_len(self._array) if vocab else np.zeros(0, dtype=int)
        self._masks: dict[str, np.ndarray] = {}
        self._families = None  # search.word_family.FamilyIndex over the vocabulary, built on first use

    @classmethod
    def build(cls, token_lists: Sequence[Sequence[str]]) -> LemmaIndex:
        vocab = sorted({t for tokens in token_lists for t in tokens})
        where = {w: i for i, w in enumerate(vocab)}
        rows = [sorted({where[t] for t in tokens}) for tokens in token_lists]
        by_lemma: list[list[int]] = [[] for _ in vocab]
        for r, ids in enumerate(rows):
            for i in ids:
                by_lemma[i].append(r)
        return cls(vocab, *_csr(rows), *_csr(by_lemma))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "vocab.json").write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")
        np.save(folder / "row_ptr.npy", self._row_ptr)
        np.save(folder / "row_ids.npy", self._row_ids)
        np.save(folder / "lemma_ptr.npy", self._lemma_ptr)
        np.save(folder / "lemma_ids.npy", self._lemma_ids)

    @classmethod
    def load(cls, folder: Path) -> LemmaIndex:
        vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
        names = ("row_ptr", "row_ids", "lemma_ptr", "lemma_ids")
        arrays = [np.load(folder / f"{name}.npy") for name in names]
        return cls(vocab, *arrays)

    def row_lemmas(self, row: int) -> frozenset[str]:
        """The lemmas of one passage."""
        ids = self._row_ids[self._row_ptr[row] : self._row_ptr[row + 1]]
        return frozenset(self.vocab[i] for i in ids)

    def _rows_of(self, ids: Iterable[int]) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        for i in ids:
            mask[self._lemma_ids[self._lemma_ptr[i] : self._lemma_ptr[i + 1]]] = True
        return mask

    def stating(self, word: str) -> np.ndarray:
        """Mask of the passages that state ``word`` (a lemma), compounds included (see module doc)."""
        found = self._masks.get(word)
        if found is not None:
            return found
        ids = [self._where[word]] if word in self._where else []
        if len(word) >= COMPOUND_MIN and len(self._array):
            hit = np.char.startswith(self._array, word) | np.char.endswith(self._array, word)
            ids += [int(i) for i in np.nonzero(hit & (self._lengths > len(word)))[0]]
        mask = self._rows_of(ids)
        if len(self._masks) > 4096:
            self._masks.clear()
        self._masks[word] = mask
        return mask

    def stating_family(self, word: str) -> np.ndarray:
        """Mask of the passages that state a word of ``word``'s family but not the word itself
        (search/word_family.py: informatielekken for datalekken, technisch for techniek)."""
        key = "\x00family:" + word
        found = self._masks.get(key)
        if found is not None:
            return found
        if self._families is None:
            from search.word_family import FamilyIndex

            self._families = FamilyIndex(self.vocab)
        mask = self._rows_of(self._families.related(word)) & ~self.stating(word)
        self._masks[key] = mask
        return mask

    def stating_all(self, words: Sequence[str]) -> np.ndarray:
        """Mask of the passages that state every word."""
        mask = np.ones(self.size, dtype=bool)
        for w in words:
            mask &= self.stating(w)
        return mask

    def stating_exact(self, words: Iterable[str]) -> np.ndarray:
        """Mask of the passages that state any of ``words`` exactly (no compounds)."""
        words = tuple(words)
        key = "\x00exact:" + "\x00".join(words)
        found = self._masks.get(key)
        if found is None:
            found = self._rows_of(self._where[w] for w in words if w in self._where)
            self._masks[key] = found
        return found
