"""Extraction quality on the five corpus documents against the shared gold set (run with -s for the table)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.evaluate import format_table, score_extraction
from ingest.pipeline import ingest_file

ROOT = Path(__file__).resolve().parents[2]
EVAL = Path(__file__).resolve().parents[2].parent / "shared" / "eval"
THRESHOLD = 0.8


@pytest.fixture(scope="module")
def scores():
    gold_path = EVAL / "gold_facts.json"
    if not gold_path.exists():
        pytest.skip("shared eval set not present")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    docs = {}
    for name in gold["documents"]:
        path = ROOT / "corpus" / name
        if path.exists():
            docs[name] = ingest_file(path)
    if not docs:
        pytest.skip("corpus files not present")
    result = score_extraction(docs, gold)
    print()
    print(format_table(result))
    return result


@pytest.mark.parametrize("category", ["instruments", "partners"])
def test_precision_and_recall_overall(scores, category):
    s = scores["overall"][category]
    assert s["precision"] >= THRESHOLD, s
    assert s["recall"] >= THRESHOLD, s


@pytest.mark.parametrize("category", ["instruments", "partners"])
def test_every_document_reaches_the_recall_bar(scores, category):
    for name, cats in scores["documents"].items():
        assert cats[category]["recall"] >= THRESHOLD, (name, cats[category])


def test_priority_themes_are_found(scores):
    assert scores["overall"]["priority_themes"]["recall"] >= 0.8
