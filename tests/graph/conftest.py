"""Fixtures for graph tests: a store holding only the hand-made sample document."""

from __future__ import annotations

from collections import defaultdict

import pytest

from graph.build import ingest_document
from graph.store import GraphStore
from tests.graph.sample import sample_document


@pytest.fixture(scope="module")
def sample_home(tmp_path_factory):
    """A data folder with ontology, municipalities and the sample document ingested."""
    home = tmp_path_factory.mktemp("sample_home")
    with GraphStore.open(home) as store:
        store.ensure_ontology()
        ingest_document(store, sample_document(), defaultdict(float))
    return home


@pytest.fixture
def sample_store(sample_home):
    with GraphStore.open(sample_home, read_only=True) as store:
        yield store
