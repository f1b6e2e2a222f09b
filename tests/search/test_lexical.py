"""BM25 over lemmatised Dutch tokens."""

from __future__ import annotations

from search.lexical import LexicalIndex, tokenize


def test_tokens_are_lemmas_without_stop_words():
    tokens = tokenize("De gemeenten voeren integrale controles uit")
    assert "controle" in tokens and "gemeente" in tokens
    assert "de" not in tokens


def test_hyphenated_words_give_their_parts_and_the_joined_word():
    assert {"avemethodiek", "ave", "methodiek"} <= set(tokenize("AVE-methodiek"))
    assert {"ave", "methodiek"} <= set(tokenize("AVE- methodiek"))


def test_bm25_ranks_the_passage_with_the_inflected_word_first(tmp_path):
    index = LexicalIndex.build(
        [
            "We houden een integrale controle bij horecazaken.",
            "Het weer was mooi in de zomer.",
            "Jongeren hangen rond op het plein.",
        ]
    )
    scores = index.scores("integrale controles")
    assert scores.argmax() == 0 and scores[1] == 0
    index.save(tmp_path / "bm25")
    again = LexicalIndex.load(tmp_path / "bm25")
    assert again.scores("integrale controles").tolist() == scores.tolist()
    assert not again.scores("appeltaart").any()
