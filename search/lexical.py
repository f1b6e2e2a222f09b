"""Lexical retrieval: BM25 (bm25s) over lemmatised Dutch tokens.

Lemmas come from ``ingest.nlp.lemma_for`` without a lookup lemma: the exceptions table, then simplemma
(gemeenten → gemeente); see ``lemma`` for why spaCy's lookup table is not used here. Both the index and
the queries go through the same function, so a wrong lemma still matches consistently.
Stop words are spaCy's Dutch list.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import bm25s
import numpy as np

from ingest.matcher import fold
from ingest.nlp import lemma_for
from ontology.disk_cache import cached, content_key

if TYPE_CHECKING:
    from search.lemma_index import LemmaIndex

log = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)


def _spacy_data_key() -> str:
    """Versions of the packages the stop words come from (the disk cache key)."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for package in ("spacy", "spacy-lookups-data"):
        try:
            found.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            found.append(f"{package} absent")
    return ", ".join(found)


def _load_stop_words() -> frozenset[str]:
    from spacy.lang.nl.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    return cached("nl-stop-words", content_key([], _spacy_data_key()), _load_stop_words)


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """Lemma of one lower-case Dutch word: the exceptions table, else simplemma.

    spaCy's lookup table is not consulted here. It was meant to be (``lemma_for(word,
    table.get(word))``), but that table was keyed by spaCy's string hashes, so the lookup never found
    a word: every index was built without it. Consulting it now would change BM25 tokens and scores
    (and needs a reindex), which is a retrieval change to be measured on the dev sets, not a speed-up.
    """
    return lemma_for(word)


def tokenize(text: str) -> list[str]:
    """Lemmatised content tokens of ``text``: hyphen parts are also split (AVE-methodiek → ave, methodiek)."""
    out: list[str] = []
    stop = _stop_words()
    for match in _WORD.finditer(fold(text)):
        word = match.group(0)
        parts = [word] if "-" not in word else [word.replace("-", ""), *word.split("-")]
        for part in parts:
            if not part or part in stop or (len(part) == 1 and not part.isdigit()):
                continue
            out.append(lemma(part))
    return out


class LexicalIndex:
    """A BM25 index over passage texts; scores for every passage, so fusion can rank them all."""

    def __init__(self, retriever: bm25s.BM25, size: int):
        self.retriever = retriever
        self.size = size

    @classmethod
    def build(cls, texts: list[str], tokens: list[list[str]] | None = None) -> LexicalIndex:
        """BM25 over ``texts`` (or their ``tokens``, when the caller has tokenised them already)."""
        corpus = tokens if tokens is not None else [tokenize(t) for t in texts]
        retriever = bm25s.BM25()
        if corpus:
            retriever.index(corpus, show_progress=False)
        return cls(retriever, len(corpus))

    @classmethod
    def from_lemmas(cls, lemmas: LemmaIndex) -> LexicalIndex:
        """BM25 over the tokens a LemmaIndex with counts holds, without tokenising the texts again
        (search.update): bm25s's own idf and term-frequency functions over every (passage, lemma)
        count at once, where bm25s's ``index`` walks the passages in Python (6 s at 217,000 passages,
        most of an index update). Scores equal ``build``'s within float32 rounding."""
        retriever = bm25s.BM25()
        if lemmas.size:
            _index_counts(retriever, lemmas)
        return cls(retriever, lemmas.size)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage for ``query`` (zeros when no query word is in the index)."""
        tokens = [t for t in tokenize(query) if t in self.retriever.vocab_dict] if self.size else []
        if not tokens:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.retriever.get_scores(tokens), dtype=np.float32)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "size").write_text(str(self.size))
        if self.size:
            self.retriever.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        size = int((folder / "size").read_text())
        if not size:
            return cls(bm25s.BM25(), 0)
        return cls(bm25s.BM25.load(str(folder), show_progress=False, verbosity=0), size)


def _index_counts(retriever: bm25s.BM25, lemmas: LemmaIndex) -> None:
    """What ``bm25s.BM25.build_index_from_ids`` and ``index`` compute (its documented override point),
    for the Robertson/Lucene-type methods bm25s uses by default, from the (passage, lemma, count)
    entries of ``lemmas``."""
    from bm25s.scoring import _build_idf_array, _select_idf_scorer, _select_tfc_scorer

    if retriever.method in retriever.methods_requiring_nonoccurrence:
        raise ValueError(f"BM25 method {retriever.method!r} needs bm25s's own index()")
    row_ptr, row_ids, counts = lemmas.row_ptr, lemmas.row_ids, lemmas.counts
    lengths = lemmas.row_token_counts()
    n_docs, n_vocab = lemmas.size, len(lemmas.vocab)
    avg_doc_len = lengths.mean()
    doc_freqs = np.bincount(row_ids, minlength=n_vocab)
    idf = _build_idf_array(
        doc_frequencies=dict(enumerate(doc_freqs.tolist())),
        n_docs=n_docs,
        compute_idf_fn=_select_idf_scorer(retriever.idf_method),
        dtype=retriever.dtype,
    )
    doc_idx = np.repeat(np.arange(n_docs, dtype=retriever.int_dtype), np.diff(row_ptr))
    tfc = _select_tfc_scorer(retriever.method)(
        tf_array=counts.astype(retriever.dtype),
        l_d=lengths[doc_idx].astype(np.float64),
        l_avg=avg_doc_len,
        k1=retriever.k1,
        b=retriever.b,
        delta=retriever.delta,
    )
    scores = (idf[row_ids] * tfc).astype(retriever.dtype)
    data, indices, indptr = retriever._np_csc(
        data=scores, rows=doc_idx, cols=row_ids.astype(retriever.int_dtype), shape=(n_docs, n_vocab)
    )
    retriever.nonoccurrence_array = None
    retriever.scores = {
        "data": data.astype(retriever.dtype),
        "indices": indices,
        "indptr": indptr,
        "num_docs": n_docs,
    }
    vocab = {w: i for i, w in enumerate(lemmas.vocab)}
    vocab.setdefault("", n_vocab)  # bm25s's empty token, after the scored vocabulary as in its index()
    retriever.vocab_dict = vocab
    retriever.unique_token_ids_set = set(vocab.values())
