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
        """BM25 over the tokens a LemmaIndex with counts holds: the same scores as ``build`` over the
        passages' token lists, without tokenising the texts again (search.update)."""
        retriever = bm25s.BM25()
        if lemmas.size:
            vocab = {w: i for i, w in enumerate(lemmas.vocab)}
            retriever.index((lemmas.token_ids(), vocab), show_progress=False)
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
