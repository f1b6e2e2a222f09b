"""Answer quality on the development questions (which-municipalities and evidence lookups, NL + EN).

Targets from the issues: the final answer (the decision per municipality) reaches answer-set F1 ≥ 0.95
with no ``must_not_include`` municipality, R-precision ≥ 0.95 and evidence hit@5 ≥ 0.9 (English hit@5
≥ 0.9 too); hybrid retrieval is at least as good as dense-only and BM25-only at ranking.
"""

from __future__ import annotations

import pytest

from search.evaluate import evaluate
from tests.search.conftest import EVAL_DIR

pytestmark = pytest.mark.skipif(not (EVAL_DIR / "questions.json").exists(), reason="no ../shared/eval")


@pytest.fixture(scope="module")
def report(search_home):
    return evaluate(search_home, EVAL_DIR / "questions.json")


def test_the_answer_meets_the_targets(report):
    answer = report["summary"]["answer"]
    assert answer["f1"] >= 0.95, answer
    assert answer["errors"] == 0, answer
    assert answer["r_precision"] >= 0.95, answer
    assert answer["hit@5"] >= 0.9, answer


def test_the_answer_is_more_exact_than_the_retrieval_baselines(report):
    s = report["summary"]
    assert s["answer"]["f1"] > max(s["dense"]["f1"], s["bm25"]["f1"], s["hybrid"]["f1"])


def test_hybrid_ranks_at_least_as_well_as_either_single_mode(report):
    s = report["summary"]
    for metric in ("r_precision", "hit@5", "mrr"):
        assert s["hybrid"][metric] >= max(s["dense"][metric], s["bm25"][metric]), metric


def test_english_questions_are_answered_too(report):
    english = report["by_language"]["en"]["answer"]
    assert english["n"] >= 4 and english["r_precision"] >= 0.9 and english["hit@5"] >= 0.9
