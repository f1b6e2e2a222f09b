"""The lemma sets with counts that an index update carries over (search.lemma_index, search.lexical).

Specification: combining rows of two lemma indexes gives the index ``build`` makes from those rows'
token lists, and BM25 built from the counts scores every passage exactly as bm25s's own index over the
token lists does.
"""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

from search.lemma_index import LemmaIndex
from search.lexical import LexicalIndex


@pytest.fixture(scope="module")
def token_lists() -> list[list[str]]:
    rnd = random.Random(3)
    words = [f"woord{i}" for i in range(400)]
    # Zipf-like: a few words in most passages, many in few; some passages empty of content words
    return [[rnd.choice(words[: rnd.randint(3, 400)]) for _ in range(rnd.randint(0, 50))] for _ in range(800)]


def _arrays(index: LemmaIndex) -> list[np.ndarray]:
    return [index.row_ptr, index.row_ids, index.counts, index._lemma_ptr, index._lemma_ids]


def test_a_passage_keeps_how_often_it_states_each_lemma(token_lists):
    index = LemmaIndex.build(token_lists)
    for row in (0, 17, 399):
        assert index.tokens(row) == dict(Counter(token_lists[row]))
        assert index.row_lemmas(row) == frozenset(token_lists[row])
    assert index.row_token_counts().tolist() == [len(t) for t in token_lists]


def test_combined_rows_are_the_index_their_token_lists_build(token_lists):
    first, second = LemmaIndex.build(token_lists[:500]), LemmaIndex.build(token_lists[500:])
    rnd = random.Random(5)
    picks = [(0, r) for r in range(500) if r % 3] + [(1, r) for r in range(300)]
    rnd.shuffle(picks)
    combined = LemmaIndex.combine([first, second], picks)
    expected = LemmaIndex.build([token_lists[r + 500 * part] for part, r in picks])
    assert combined.vocab == expected.vocab  # lemmas only the dropped rows had are gone
    for got, want in zip(_arrays(combined), _arrays(expected), strict=True):
        assert np.array_equal(got, want)
    assert np.array_equal(combined.stating("woord7"), expected.stating("woord7"))


def test_bm25_from_counts_scores_as_bm25s_over_the_token_lists(token_lists, tmp_path):
    texts = [" ".join(t) for t in token_lists]
    own = LexicalIndex.build(texts, token_lists)  # bm25s's index() over the token lists
    counted = LexicalIndex.from_lemmas(LemmaIndex.build(token_lists))
    counted.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    for query in (["woord1"], ["woord2", "woord390"], ["woord5", "woord5", "woord77"]):
        want = own.retriever.get_scores(query)
        assert want.any()
        assert np.array_equal(counted.retriever.get_scores(query), want)
        assert np.array_equal(loaded.retriever.get_scores(query), want)
