"""The decision's array look-ups (search/decide.py ``Rows``) give what the per-passage loops they replace
gave: carriers of a concept, candidate rows grouped by municipality in the same order."""

from __future__ import annotations

import random
from collections import defaultdict

import numpy as np
import pytest

from search.decide import USE_STATUSES, Context, Rows, _by_code, _carries, asked_as_instrument
from search.fusion import FusionSettings, concept_weights

CONCEPTS = ["instrument:bibob", "instrument:damocles", "theme:ondermijning", "theme:drugs", "partner:politie"]
STATUSES = ["toegepast", "voornemen", "genoemd", "volgen", None]


def _passages(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for row in range(n):
        code = rng.choice([*(f"GM{i:04d}" for i in range(1, 31)), None, ""])
        out.append(
            {
                "passage": f"d{row // 7}/p{row}",
                "doc_id": f"d{row // 7}",
                "code": code,
                "concepts": [
                    {"id": rng.choice(CONCEPTS), "status": rng.choice(STATUSES)}
                    for _ in range(rng.choice([0, 0, 1, 2]))
                ],
                "themes": rng.sample(CONCEPTS[2:4], rng.choice([0, 0, 1])),
            }
        )
    return out


def _by_code_loop(passages, allowed, named, carrying):
    """The loop the arrays replace (with the municipalities without a carrier left out after it)."""
    by_code = defaultdict(list)
    for row in np.nonzero(allowed)[0]:
        code = passages[row].get("code")
        if code and (not named or code in named):
            by_code[code].append(int(row))
    if carrying is not None:
        by_code = {c: rows for c, rows in by_code.items() if any(carrying[r] for r in rows)}
    return dict(by_code)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rows_match_the_per_passage_loops(seed):
    passages = _passages(400, seed)
    rows = Rows.build(passages, concept_weights(passages, FusionSettings()))
    groups = [frozenset({c}) for c in CONCEPTS] + [frozenset(CONCEPTS[:2]), frozenset(CONCEPTS[2:4])]
    for ids in groups:
        expected = np.array([bool(_carries(p, ids)) for p in passages])
        assert expected.any()
        assert (rows.carriers(ids, len(passages)) == expected).all()

    rng = np.random.default_rng(seed)
    carrying = rows.carriers(frozenset({"instrument:bibob"}), len(passages))
    code = next(p["code"] for p, c in zip(passages, carrying, strict=True) if c and p["code"])
    for named in (set(), {code}, {code, "GM9999"}):
        for carry in (None, carrying):
            allowed = rng.random(len(passages)) < 0.5  # first rows per code differ from the store's
            got = _by_code(rows, allowed, named, carry)
            expected = _by_code_loop(passages, allowed, named, carry)
            assert got, (named, carry is None)
            assert list(got.items()) == list(expected.items())  # same groups, same order


def test_use_mask_matches_the_facts_of_each_passage():
    passages = _passages(400, 4)
    rows = Rows.build(passages, concept_weights(passages, FusionSettings()))
    ctx = Context(passages, *([np.zeros(400)] * 3), None, None, [], np.zeros((400, 1)), {}, rows=rows)
    for ids in (frozenset({"instrument:bibob"}), frozenset(CONCEPTS[:2])):
        for statuses in (USE_STATUSES, ("volgen",)):
            expected = np.array(
                [any(f.get("status") in statuses for f in _carries(p, ids)) for p in passages]
            )
            assert expected.any()
            assert (ctx.using(ids, statuses) == expected).all()


def test_a_concept_that_is_instrument_and_law_must_be_in_use_whatever_the_hash_seed():
    assert asked_as_instrument({"law", "instrument"}) is True
    assert asked_as_instrument({"instrument"}) is True
    assert asked_as_instrument({"law"}) is False and asked_as_instrument({"theme"}) is False
