"""Session fixtures shared by all test areas.

``corpus_home`` ingests ``corpus/`` once per test session (graph store only; search tests build
their own index from it) and returns the data folder; ``store`` opens it read-only.
``one_document_eval_set`` points the extraction scorer at a one-file corpus gold of its own.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
EVAL_DIR = REPO.parent / "shared" / "eval"


@pytest.fixture(scope="session")
def corpus_home(tmp_path_factory) -> Path:
    """A data folder with the whole corpus ingested into the graph store (once per session)."""
    from graph.build import ingest_paths

    home = tmp_path_factory.mktemp("corpus_home")
    report = ingest_paths([CORPUS], home, progress=False)
    assert report.documents, f"corpus ingest failed: {report.failures}"
    return home


@pytest.fixture
def store(corpus_home):
    """The corpus store, opened read-only."""
    from graph.store import GraphStore

    with GraphStore.open(corpus_home, read_only=True) as opened:
        yield opened


@pytest.fixture
def one_document_eval_set(tmp_path, monkeypatch) -> Path:
    """A one-file corpus with its gold (one instrument, status toegepast) and no municipalities set,
    installed as the scorer's shared eval folder; returns the corpus folder."""
    import json

    from ingest import evaluate

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Gemeente Duiven\n\nWe passen cameratoezicht toe.\n", encoding="utf-8")
    shared = tmp_path / "eval"
    shared.mkdir()
    gold = {
        "documents": {"a.txt": {"instruments": [{"id": "instrument:cameratoezicht", "status": "toegepast"}]}}
    }
    (shared / "gold_facts.json").write_text(json.dumps(gold), encoding="utf-8")
    monkeypatch.setattr(evaluate, "SHARED_EVAL", shared)
    monkeypatch.setattr(evaluate, "MUNI_DIR", shared / "municipalities")
    return corpus
