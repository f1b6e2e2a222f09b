"""Ingest with passage embedding in a second process beside the graph side (search.ingest_index).

Specification: the overlapped ingest gives the same store and the same search index (same passages,
vectors equal within float tolerance) as the serial one, its refresh finds every vector in the cache,
and an embedding worker that fails or dies stops the ingest with EmbeddingFailed (and the CLI with a
clear message), never a hang, leaving no index built from a half-embedded state.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"
TWO = ("hengelo_beantwoording-raadsvragen-drugsoverlast_2024", "enschede_veiligheidsbeeld_2020-2023")


@pytest.fixture(scope="module")
def two_documents(tmp_path_factory) -> Path:
    """A folder with the two smallest corpus documents and their metadata sidecars."""
    folder = tmp_path_factory.mktemp("two_documents")
    for stem in TWO:
        for suffix in (".txt", ".meta.json"):
            source = CORPUS / f"{stem}{suffix}"
            if source.exists():
                (folder / source.name).write_bytes(source.read_bytes())
    assert len(list(folder.glob("*.txt"))) == 2
    return folder


def _ingest(home: Path, docs: Path, overlap: bool):
    """One ingest into ``home`` with an embedding cache of its own (empty at first)."""
    from search.ingest_index import ingest_and_index

    previous = os.environ.get("BELEIDSGRAAF_EMBED_CACHE")
    os.environ["BELEIDSGRAAF_EMBED_CACHE"] = str(home / "cache" / "embeddings.sqlite")
    try:
        return ingest_and_index([docs], home, progress=False, overlap=overlap)
    finally:
        if previous is None:
            os.environ.pop("BELEIDSGRAAF_EMBED_CACHE", None)
        else:
            os.environ["BELEIDSGRAAF_EMBED_CACHE"] = previous


@pytest.fixture(scope="module")
def both(two_documents, tmp_path_factory) -> dict:
    homes = {}
    for overlap in (True, False):
        home = tmp_path_factory.mktemp("overlap" if overlap else "serial")
        homes[overlap] = (home, _ingest(home, two_documents, overlap))
    return homes


def _document_graphs(home: Path) -> dict[str, set]:
    """Every named graph of the documents as a set of triples, the extraction's end time left out
    (it is the clock at ingest)."""
    from graph.namespaces import asserted_graph, inferred_graph
    from graph.rdf import PROV
    from graph.store import GraphStore

    out: dict[str, set] = {}
    with GraphStore.open(home, read_only=True) as store:
        for doc_id in store.document_ids():
            for iri in (asserted_graph(doc_id), inferred_graph(doc_id)):
                out[iri] = {t for t in store.export_graph(iri) if t[1] != PROV.endedAtTime}
    return out


def test_overlapped_ingest_gives_the_serial_store(both):
    (home_o, result_o), (home_s, result_s) = both[True], both[False]
    assert result_o.overlapped and not result_s.overlapped
    assert len(result_o.report.documents) == len(result_s.report.documents) == 2
    graphs_o, graphs_s = _document_graphs(home_o), _document_graphs(home_s)
    assert len(graphs_o) == 4 and graphs_o.keys() == graphs_s.keys()
    for iri in graphs_s:
        assert graphs_o[iri] == graphs_s[iri], iri


def test_overlapped_ingest_gives_the_serial_index(both):
    from search.index import search_dir

    (home_o, result_o), (home_s, result_s) = both[True], both[False]
    passages_o = json.loads((search_dir(home_o) / "passages.json").read_text(encoding="utf-8"))
    passages_s = json.loads((search_dir(home_s) / "passages.json").read_text(encoding="utf-8"))
    assert len(passages_s) > 20 and passages_o == passages_s
    vectors_o = np.load(search_dir(home_o) / "vectors.npy")
    vectors_s = np.load(search_dir(home_s) / "vectors.npy")
    assert vectors_o.shape == vectors_s.shape == (len(passages_s), vectors_s.shape[1])
    # int8 dynamic quantisation scales activations per batch, so a vector depends a little on the
    # texts batched with it (as in the serial path, where that depends on what was cached already)
    cosine = np.sum(vectors_o * vectors_s, axis=1)
    print(f"cosine overlapped vs serial: min {cosine.min():.5f}, mean {cosine.mean():.5f}")
    assert float(cosine.min()) > 0.99
    np.testing.assert_allclose(vectors_o, vectors_s, atol=0.03)
    # every passage was embedded by the workers: the refresh found them all in the cache
    assert result_o.worker_embedded == len(passages_o)
    assert result_o.index["embedded"] == 0 and result_o.index["cached"] == len(passages_o)
    assert result_s.index["embedded"] == len(passages_s)


def test_one_document_takes_the_serial_path(monkeypatch):
    from search.ingest_index import use_overlap

    monkeypatch.delenv("BELEIDSGRAAF_INGEST_OVERLAP", raising=False)
    assert not use_overlap(1) and not use_overlap(0)
    assert use_overlap(2, overlap=True) and not use_overlap(50, overlap=False)
    monkeypatch.setenv("BELEIDSGRAAF_INGEST_OVERLAP", "off")
    assert not use_overlap(50)


def test_a_failing_embedding_worker_fails_the_ingest(two_documents, tmp_path, monkeypatch):
    from search.embed_worker import EmbeddingFailed
    from search.index import index_meta

    home = tmp_path / "home"
    monkeypatch.setenv("BELEIDSGRAAF_MODEL", str(tmp_path / "no-such-model"))  # the worker cannot load it
    started = time.monotonic()
    with pytest.raises(EmbeddingFailed, match="no-such-model"):
        _ingest(home, two_documents, overlap=True)
    assert time.monotonic() - started < 120
    assert index_meta(home) is None  # no index was built
    from graph.writelock import holder

    assert holder(home) is None  # the write lock was released


def test_the_cli_reports_a_failing_embedding_worker(two_documents, tmp_path, monkeypatch):
    from api.cli import main

    monkeypatch.setenv("BELEIDSGRAAF_MODEL", str(tmp_path / "no-such-model"))
    monkeypatch.setenv("BELEIDSGRAAF_EMBED_CACHE", str(tmp_path / "cache.sqlite"))
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "home"), "ingest", str(two_documents)])
    assert result.exit_code == 1
    assert "ingest stopped: the embedding worker failed" in result.stderr
    assert "no-such-model" in result.stderr


def test_a_killed_embedding_worker_is_reported_not_waited_for(tmp_path):
    import signal

    from search.embed_worker import EmbeddingFailed, EmbedWorker
    from search.model import configured_model, configured_runtime

    with EmbedWorker(tmp_path / "cache.sqlite", configured_model(), configured_runtime()) as worker:
        os.kill(worker.pids[0], signal.SIGKILL)
        time.sleep(1)
        started = time.monotonic()
        with pytest.raises(EmbeddingFailed, match="exited with code -9"):
            worker.submit(["een passage over cameratoezicht"])
        assert time.monotonic() - started < 5
