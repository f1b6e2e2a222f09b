"""Reciprocal rank fusion and the concept boost, as arithmetic."""

from __future__ import annotations

import numpy as np
import pytest

from search.fusion import FusionSettings, concept_match, concept_weights, fuse, group_vector, ranks, rrf


def test_rrf_is_scaled_so_first_in_every_list_scores_one():
    scores = rrf([({7: 1, 3: 2}, 1.0), ({7: 1, 5: 3}, 1.0)], k=5)
    assert scores[7] == pytest.approx(1.0)
    assert scores[3] == pytest.approx((1 / 7) / (2 / 6))
    assert scores[5] == pytest.approx((1 / 8) / (2 / 6))


def test_rrf_weights_shift_the_balance():
    dense_first = rrf([({1: 1, 2: 2}, 2.0), ({2: 1, 1: 2}, 1.0)], k=5)
    assert dense_first[1] > dense_first[2]
    lexical_first = rrf([({1: 1, 2: 2}, 1.0), ({2: 1, 1: 2}, 2.0)], k=5)
    assert lexical_first[2] > lexical_first[1]


def test_ranks_orders_by_score_and_drops_non_positive():
    assert ranks(np.array([0.1, 0.0, 0.7, 0.3]), depth=4, positive_only=True) == {2: 1, 3: 2, 0: 3}


def _passage(*facts, themes=()):
    return {"concepts": [{"id": i, "status": s} for i, s in facts], "themes": list(themes)}


def test_use_counts_more_than_mention_and_more_than_following():
    s = FusionSettings()
    group = [frozenset({"instrument:x", "instrument:x_narrow"})]
    used = concept_match(_passage(("instrument:x_narrow", "toegepast")), group, s)
    mentioned = concept_match(_passage(("instrument:x", "genoemd")), group, s)
    followed = concept_match(_passage(("instrument:x", "volgen")), group, s)
    theme_only = concept_match(_passage(themes=["instrument:x"]), group, s)
    assert used == 1.0 and used > mentioned > followed > 0
    assert theme_only == s.theme_weight
    assert concept_match(_passage(("instrument:y", "toegepast")), group, s) == 0.0


def test_concept_boost_lifts_a_passage_no_list_ranked():
    s = FusionSettings(k=5, concept_boost=0.5)
    passages = [_passage(), _passage(("instrument:x", "toegepast")), _passage()]
    weights = concept_weights(passages, s)
    vec = group_vector({"instrument:x"}, weights, len(passages))
    fused = fuse({0: 1}, {2: 1}, [vec], len(passages), s)
    assert fused[1] == pytest.approx(0.5)
    assert fused[0] == pytest.approx(0.5) and fused[2] == pytest.approx(0.5)
    without = fuse({0: 1}, {2: 1}, [], len(passages), s)
    assert without[1] == 0.0
