"""The decision per municipality does not change when distractor municipalities join the store.

A small scale variant (search/eval_stores.py): the corpus store plus a few synthetic municipalities whose
documents are real passages of topics no dev question asks about, names swapped. Answers to the dev
questions must stay the same set, and no distractor may enter an answer. (The full variant with 300
distractors runs in ``beleidsgraaf eval``.)
"""

from __future__ import annotations

import json
import shutil

import pytest

from search.engine import search
from tests.search.conftest import EVAL_DIR

pytestmark = pytest.mark.skipif(not (EVAL_DIR / "questions.json").exists(), reason="no ../shared/eval")

DISTRACTORS = 8


@pytest.fixture(scope="module")
def scaled_home(search_home, tmp_path_factory):
    from graph.build import ingest_paths
    from search.eval_stores import distractor_documents
    from search.index import refresh

    questions = json.loads((EVAL_DIR / "questions.json").read_text(encoding="utf-8"))["questions"]
    passages = json.loads((search_home / "search" / "passages.json").read_text(encoding="utf-8"))
    root = tmp_path_factory.mktemp("scaled")
    home = root / "home"
    shutil.copytree(search_home, home, symlinks=True)
    docs = distractor_documents(passages, questions, root / "docs", n=DISTRACTORS, seed=3)
    assert len(docs) == DISTRACTORS
    report = ingest_paths(docs, home, progress=False)
    assert len(report.documents) == DISTRACTORS, report.failures
    refresh(home, progress=False)
    return home, {p.stem.split("_")[1].upper() for p in docs}


def _questions() -> list[str]:
    data = json.loads((EVAL_DIR / "questions.json").read_text(encoding="utf-8"))["questions"]
    return [q["question_nl"] for q in data if q.get("kind") == "which_municipalities"]


def test_distractors_change_no_answer(search_home, scaled_home):
    home, codes = scaled_home
    questions = _questions()
    assert len(questions) >= 5
    for text in questions:
        before = {m["code"] for m in search(search_home, text)["municipalities"]}
        after = {m["code"] for m in search(home, text)["municipalities"]}
        assert after == before, text
        assert not after & codes, text
