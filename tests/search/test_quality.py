"""Retrieval quality on the development questions (which-municipalities and evidence lookups, NL + EN).

Targets from the issue: hybrid R-precision ≥ 0.95, answer-set F1 ≥ 0.9, evidence hit@5 ≥ 0.9, and
hybrid at least as good as dense-only and BM25-only on every measure.
"""

from __future__ import annotations

import pytest

from search.evaluate import evaluate
from tests.search.conftest import EVAL_DIR

pytestmark = pytest.mark.skipif(not (EVAL_DIR / "questions.json").exists(), reason="no ../shared/eval")


@pytest.fixture(scope="module")
def report(search_home):
    return evaluate(search_home, EVAL_DIR / "questions.json")


def test_hybrid_meets_the_targets(report):
    hybrid = report["summary"]["hybrid"]
    assert hybrid["r_precision"] >= 0.95, hybrid
    assert hybrid["f1"] >= 0.9, hybrid
    assert hybrid["hit@5"] >= 0.9, hybrid
    assert hybrid["errors"] == 0, hybrid


def test_hybrid_is_not_worse_than_either_single_mode(report):
    s = report["summary"]
    for metric in ("r_precision", "f1", "hit@5", "mrr"):
        assert s["hybrid"][metric] >= max(s["dense"][metric], s["bm25"][metric]), metric


def test_english_questions_are_answered_too(report):
    english = report["by_language"]["en"]["hybrid"]
    assert english["n"] >= 4 and english["r_precision"] >= 0.9
