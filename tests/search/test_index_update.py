"""Updating the search index for the documents that changed (search.update) instead of building it anew.

Specification: after an ingest or a removal the index is the one a full build of the same store writes
(the same passage table, vectors, lemma sets and BM25 scores), except that an HNSW index keeps its
vectors and skips the removed ones; a search never returns a removed passage. A change of more than
documents (a SPARQL update), an index of an older format and ``full`` build anew. Rows of documents that
did not change are carried over, but their document-level facts are rewritten when those changed.
"""

from __future__ import annotations

import filecmp
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"
FIRST = "hengelo_beantwoording-raadsvragen-drugsoverlast_2024"
SECOND = "enschede_veiligheidsbeeld_2020-2023"
SMALL = """Integraal veiligheidsplan gemeente Duiven 2025-2028

1. Ondermijning

De gemeente zet integrale controles in op bedrijventerreinen, samen met politie en RIEC.
Bij drugshandel sluit de burgemeester panden op grond van artikel 13b Opiumwet (Damocles).

2. Jeugd en veiligheid

We werken met Halt en het jongerenwerk aan de aanpak van jeugdoverlast in de wijken.
"""
SMALL_DOC = "duiven_integraal-veiligheidsplan_2025-2028"
SAME_FILES = ("passages.json", "rows.json", "documents.json", "lemmas/vocab.json")
SAME_ARRAYS = (
    "vectors.npy",
    "lemmas/row_ptr.npy",
    "lemmas/row_ids.npy",
    "lemmas/row_counts.npy",
    "lemmas/lemma_ptr.npy",
    "lemmas/lemma_ids.npy",
    "bm25/data.csc.index.npy",
    "bm25/indptr.csc.index.npy",
)


def _copy(stem: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for suffix in (".txt", ".meta.json"):
        source = CORPUS / f"{stem}{suffix}"
        if source.exists():
            shutil.copy(source, folder / source.name)
    return folder


def _same_index(a: Path, b: Path) -> None:
    for name in SAME_FILES:
        assert filecmp.cmp(a / name, b / name, shallow=False), name
    for name in SAME_ARRAYS:
        x, y = np.load(a / name), np.load(b / name)
        assert x.shape == y.shape and np.array_equal(x, y), name
    meta_a, meta_b = (json.loads((f / "meta.json").read_text()) for f in (a, b))
    for key in ("passages", "documents", "graph_generation", "doc_generations", "format", "model_key"):
        assert meta_a[key] == meta_b[key], key


@pytest.fixture(scope="module")
def grown(tmp_path_factory, embed_cache) -> dict:
    """A data folder grown one document at a time, HNSW forced: the index after each step, copied."""
    from graph.build import ingest_paths, remove
    from search import vector_index
    from search.index import refresh, search_dir

    home = tmp_path_factory.mktemp("grown")
    docs = tmp_path_factory.mktemp("docs")
    small = docs / "small"
    small.mkdir()
    (small / f"{SMALL_DOC}.txt").write_text(SMALL, encoding="utf-8")
    steps: dict = {"home": home}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BELEIDSGRAAF_EMBED_CACHE", str(embed_cache))
        mp.setattr(vector_index, "EXACT_MAX", 10)

        def step(name: str, **kwargs) -> None:
            stats = refresh(home, progress=False, **kwargs)
            steps[name] = (stats, tmp_path_factory.mktemp(name) / "index")
            shutil.copytree(search_dir(home).resolve(), steps[name][1])

        ingest_paths([_copy(FIRST, docs / "a")], home, progress=False)
        step("first")
        ingest_paths([_copy(SECOND, docs / "b"), small], home, progress=False)
        step("added")
        step("added_full", full=True)
        remove(home, SMALL_DOC)
        step("removed")
        step("removed_full", full=True)
        remove(home, SECOND)
        step("removed_most")
    return steps


def test_the_first_index_is_built(grown):
    stats, _ = grown["first"]
    assert "update" not in stats and stats["documents"] == 1


def test_an_added_document_updates_the_index_to_what_a_build_writes(grown):
    stats, updated = grown["added"]
    assert stats["update"]["documents"] == sorted([SECOND, SMALL_DOC])
    assert stats["update"]["passages_kept"] == grown["first"][0]["passages"]
    assert stats["update"]["dense"] == "extended"
    assert stats["passages"] == stats["update"]["passages_kept"] + stats["update"]["passages_added"]
    full_stats, built = grown["added_full"]
    assert "update" not in full_stats
    _same_index(updated, built)


def test_a_removed_document_updates_the_index_to_what_a_build_writes(grown):
    stats, updated = grown["removed"]
    assert stats["update"]["removed"] == [SMALL_DOC] and stats["update"]["passages_added"] == 0
    assert stats["update"]["dense"] == "extended" and stats["update"]["dense_removed"] > 0
    _same_index(updated, grown["removed_full"][1])


def test_the_dense_index_is_built_anew_when_most_of_it_was_removed(grown):
    stats, updated = grown["removed_most"]
    assert stats["update"]["removed"] == [SECOND]
    assert stats["update"]["dense"] == "rebuilt" and stats["update"]["dense_removed"] == 0
    assert not (updated / "dense_rows.npy").exists()


def test_the_updated_dense_index_never_returns_a_removed_passage(grown):
    from search import vector_index

    _, updated = grown["removed"]
    dense = vector_index.open_dense(updated)
    vectors = np.load(updated / "vectors.npy")
    passages = json.loads((updated / "passages.json").read_text(encoding="utf-8"))
    assert dense.index.ntotal > len(passages) == dense.size == len(vectors)
    for row in range(0, len(vectors), 3):
        scores, rows = vector_index.search(dense, vectors[row], 5)
        assert len(rows) == 5 and rows.max() < len(passages) and rows.min() >= 0
        assert rows[0] == row or scores[0] == pytest.approx(1.0, abs=1e-5)  # itself, or an identical text
        assert all(passages[r]["doc_id"] != SMALL_DOC for r in rows)


def test_a_change_beyond_documents_builds_anew(grown, tmp_path, embed_cache, monkeypatch):
    from graph.store import GraphStore
    from search.index import refresh

    monkeypatch.setenv("BELEIDSGRAAF_EMBED_CACHE", str(embed_cache))
    home = tmp_path / "home"
    shutil.copytree(grown["home"], home, symlinks=True)
    with GraphStore.open(home) as store:
        store.update("INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> <urn:c> } }")
    assert "update" not in refresh(home, progress=False)
    _copy(SECOND, tmp_path / "again")
    from graph.build import ingest_paths

    ingest_paths([tmp_path / "again"], home, progress=False)
    assert refresh(home, progress=False)["update"]["documents"] == [SECOND]


def test_an_index_of_an_older_format_is_built_anew(grown, tmp_path, embed_cache, monkeypatch):
    from graph.build import ingest_paths
    from search.index import refresh, search_dir

    monkeypatch.setenv("BELEIDSGRAAF_EMBED_CACHE", str(embed_cache))
    home = tmp_path / "home"
    shutil.copytree(grown["home"], home, symlinks=True)
    meta = search_dir(home) / "meta.json"
    meta.write_text(json.dumps({**json.loads(meta.read_text()), "format": 1}))
    ingest_paths([_copy(SECOND, tmp_path / "again")], home, progress=False)
    assert "update" not in refresh(home, progress=False)


def test_rows_of_unchanged_documents_get_their_new_document_facts(grown, tmp_path, embed_cache, monkeypatch):
    """A document's validity can change without its graph changing (its end date passed; a newer
    plan replaces it), so the update rewrites the rows of every document whose facts differ."""
    from search import update

    monkeypatch.setenv("BELEIDSGRAAF_EMBED_CACHE", str(embed_cache))
    _, old = grown["first"]
    written = json.loads((old / update.DOCUMENTS_FILE).read_text())
    changed = {FIRST: {**written[FIRST], "validity": {"state": "lapsed", "replaces": []}}}
    meta = json.loads((old / "meta.json").read_text())
    dest = tmp_path / "dest"
    dest.mkdir()
    todo = update.Plan(changed=[], gone=[])
    stats = update.update_index(old, dest, [], changed, todo, cache=embed_cache, stamps=meta)
    assert stats["update"]["documents_refreshed"] == [FIRST]
    rows = json.loads((dest / "passages.json").read_text(encoding="utf-8"))
    assert rows and all(r["validity"] == {"state": "lapsed", "replaces": []} for r in rows)
    assert json.loads((dest / update.DOCUMENTS_FILE).read_text()) == changed


def test_a_table_that_is_not_one_row_per_line_is_refused(tmp_path):
    from search import update

    (tmp_path / "passages.json").write_text(json.dumps([{"a": 1}, {"a": 2}]))
    assert update.read_lines(tmp_path / "passages.json", 2) is None
    update.write_table(['{"a": 1}', '{"a": "x\\ny"}'], tmp_path / "passages.json")
    assert update.read_lines(tmp_path / "passages.json", 2) == ['{"a": 1}', '{"a": "x\\ny"}']
    assert json.loads((tmp_path / "passages.json").read_text()) == [{"a": 1}, {"a": "x\ny"}]


def test_a_damaged_live_index_is_built_anew_not_updated(grown, tmp_path, embed_cache, monkeypatch, caplog):
    from graph.build import ingest_paths
    from search.index import refresh, search_dir

    monkeypatch.setenv("BELEIDSGRAAF_EMBED_CACHE", str(embed_cache))
    home = tmp_path / "home"
    shutil.copytree(grown["home"], home, symlinks=True)
    table = search_dir(home) / "passages.json"
    table.write_text(json.dumps(json.loads(table.read_text(encoding="utf-8"))), encoding="utf-8")  # one line
    ingest_paths([_copy(SECOND, tmp_path / "again")], home, progress=False)
    stats = refresh(home, progress=False)
    assert "update" not in stats and "cannot update the live index" in caplog.text
    rows = json.loads((search_dir(home) / "passages.json").read_text(encoding="utf-8"))
    assert len(rows) == stats["passages"] and {r["doc_id"] for r in rows} >= {FIRST, SECOND}
