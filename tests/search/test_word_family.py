"""Words of one family (search/word_family.py): what a paraphrase may write instead of the question's word."""

from __future__ import annotations

from search.word_family import FamilyIndex, compound_head, stem


def test_an_unknown_compound_splits_into_known_modifier_and_head():
    assert compound_head("datalekken") == "lekken"
    assert compound_head("informatielekken") == "lekken"


def test_a_word_the_dictionaries_know_is_not_split():
    # "veroorzaken" is no ver + oorzaken, "onderzoek" no onder + zoek
    assert compound_head("veroorzaken") is None
    assert compound_head("onderzoek") is None


def test_a_derivational_suffix_leaves_the_shared_stem():
    assert stem("technisch") == stem("techniek")
    assert stem("menselijk") == "mens"
    assert stem("mens") == "mens"  # a stem keeps four letters: nothing to take off


def test_family_holds_compounds_of_the_same_head_and_derivations_but_not_lookalikes():
    vocab = ["informatielekken", "plekken", "lekken", "technisch", "menselijk", "mens", "datalekken"]
    index = FamilyIndex(vocab)
    words = lambda w: [vocab[i] for i in index.related(w)]  # noqa: E731
    assert words("datalekken") == ["informatielekken", "lekken"]  # not "plekken": "p" is no modifier
    assert words("techniek") == ["technisch"]
    assert words("mens") == ["menselijk"]  # the word itself is left out
