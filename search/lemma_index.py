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
from collections import Counter
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


def _ptr(lengths: Sequence[int] | np.ndarray) -> np.ndarray:
    ptr = np.zeros(len(lengths) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum(lengths)
    return ptr


def _entries(ptr: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Positions in a CSR's entry arrays of ``rows``' entries, row after row."""
    lengths = ptr[rows + 1] - ptr[rows]
    if not len(rows):
        return np.zeros(0, np.int64)
    before = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    return np.repeat(ptr[rows] - before, lengths) + np.arange(int(lengths.sum()), dtype=np.int64)


def _by_lemma(row_ptr: np.ndarray, row_ids: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The lemma → rows direction of the row → lemmas CSR (rows ascending within each lemma)."""
    rows = np.repeat(np.arange(len(row_ptr) - 1, dtype=np.int32), np.diff(row_ptr))
    order = np.argsort(row_ids, kind="stable")
    return _ptr(np.bincount(row_ids, minlength=size)), rows[order]


class LemmaIndex:
    """Passage ↔ lemma incidence with word look-ups that return a boolean mask over passages.

    ``counts`` (parallel to the row → lemma ids) says how often a passage states each lemma: with it the
    index holds every passage's tokens, so BM25 can be rebuilt (search.lexical) and rows of unchanged
    documents can be carried into the next index without tokenising them again (search.update)."""

    def __init__(self, vocab: list[str], row_ptr, row_ids, lemma_ptr, lemma_ids, counts=None):
        self.vocab = vocab
        self.size = len(row_ptr) - 1
        self._where = {w: i for i, w in enumerate(vocab)}
        self._row_ptr, self._row_ids = row_ptr, row_ids
        self._lemma_ptr, self._lemma_ids = lemma_ptr, lemma_ids
        self.counts = counts  # None in indexes built before counts were kept
        self._array = np.array(vocab, dtype=str) if vocab else np.zeros(0, dtype=str)
        self._lengths = np.char.str_len(self._array) if vocab else np.zeros(0, dtype=int)
        self._masks: dict[str, np.ndarray] = {}
        self._families = None  # search.word_family.FamilyIndex over the vocabulary, built on first use

    @classmethod
    def build(cls, token_lists: Sequence[Sequence[str]]) -> LemmaIndex:
        vocab = sorted({t for tokens in token_lists for t in tokens})
        where = {w: i for i, w in enumerate(vocab)}
        ids: list[int] = []
        counts: list[int] = []
        lengths: list[int] = []
        for tokens in token_lists:
            found = Counter(where[t] for t in tokens)
            row = sorted(found)
            ids += row
            counts += [found[i] for i in row]
            lengths.append(len(row))
        return cls.from_rows(vocab, _ptr(lengths), np.array(ids, np.int32), np.array(counts, np.int32))

    @classmethod
    def from_rows(cls, vocab: list[str], row_ptr, row_ids, counts) -> LemmaIndex:
        """The index of rows given as CSR (lemma ids ascending within a row, ``counts`` beside them)."""
        row_ptr = np.asarray(row_ptr, np.int64)
        row_ids = np.asarray(row_ids, np.int32)
        return cls(
            vocab, row_ptr, row_ids, *_by_lemma(row_ptr, row_ids, len(vocab)), np.asarray(counts, np.int32)
        )

    @classmethod
    def combine(cls, parts: Sequence[LemmaIndex], picks: Sequence[tuple[int, int]]) -> LemmaIndex:
        """An index whose row i is row ``picks[i][1]`` of ``parts[picks[i][0]]`` (all with counts), over
        the vocabulary those rows use: the same index ``build`` makes from their token lists."""
        source = np.array([k for k, _ in picks], dtype=np.int64).reshape(-1)
        rows = np.array([r for _, r in picks], dtype=np.int64).reshape(-1)
        lengths = np.zeros(len(picks), np.int64)
        taken: list[tuple[np.ndarray, np.ndarray]] = []  # per part: which picks, which entries
        used: set[str] = set()
        for k, part in enumerate(parts):
            mine = np.nonzero(source == k)[0]
            lengths[mine] = part._row_ptr[rows[mine] + 1] - part._row_ptr[rows[mine]]
            entries = _entries(part._row_ptr, rows[mine])
            taken.append((mine, entries))
            used.update(part.vocab[i] for i in np.unique(part._row_ids[entries]).tolist())
        vocab = sorted(used)
        where = {w: i for i, w in enumerate(vocab)}
        row_ptr = _ptr(lengths)
        row_ids = np.zeros(int(row_ptr[-1]), np.int32)
        counts = np.zeros(int(row_ptr[-1]), np.int32)
        for part, (mine, entries) in zip(parts, taken, strict=True):
            remap = np.array([where.get(w, -1) for w in part.vocab], dtype=np.int32)
            dest = _entries(row_ptr, mine)
            row_ids[dest] = remap[part._row_ids[entries]]
            counts[dest] = part.counts[entries]
        return cls.from_rows(vocab, row_ptr, row_ids, counts)

    def tokens(self, row: int) -> dict[str, int]:
        """Lemma → count of one passage (needs ``counts``)."""
        a, b = self._row_ptr[row], self._row_ptr[row + 1]
        return {self.vocab[i]: int(c) for i, c in zip(self._row_ids[a:b], self.counts[a:b], strict=True)}

    @property
    def row_ptr(self) -> np.ndarray:
        return self._row_ptr

    @property
    def row_ids(self) -> np.ndarray:
        """Lemma ids of every passage, passage after passage (ascending within one); see ``row_ptr``."""
        return self._row_ids

    def row_token_counts(self) -> np.ndarray:
        """How many tokens each passage has (its BM25 length)."""
        sums = np.concatenate([[0], np.cumsum(self.counts, dtype=np.int64)])
        return sums[self._row_ptr[1:]] - sums[self._row_ptr[:-1]]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "vocab.json").write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")
        np.save(folder / "row_ptr.npy", self._row_ptr)
        np.save(folder / "row_ids.npy", self._row_ids)
        np.save(folder / "lemma_ptr.npy", self._lemma_ptr)
        np.save(folder / "lemma_ids.npy", self._lemma_ids)
        if self.counts is not None:
            np.save(folder / "row_counts.npy", self.counts)

    @classmethod
    def load(cls, folder: Path) -> LemmaIndex:
        vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
        names = ("row_ptr", "row_ids", "lemma_ptr", "lemma_ids")
        arrays = [np.load(folder / f"{name}.npy") for name in names]
        counts = folder / "row_counts.npy"
        return cls(vocab, *arrays, np.load(counts) if counts.exists() else None)

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
