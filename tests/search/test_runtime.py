"""The ONNX int8 runtime: same vectors as fp32 torch up to quantisation, its own cache keys."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from search.embed import EmbeddingCache, embed_passages, embed_query
from search.model import configured_runtime, load_model, model_key

TEXTS = [
    "Uitvoeren van integrale controles, zowel casus- als themagericht.",
    "De burgemeester kan op grond van artikel 13b Opiumwet een drugspand sluiten.",
    "Jongeren drinken alcohol in drankketen op het erf.",
    "Kort",
]


def test_int8_vectors_stay_close_to_fp32_torch():
    int8 = load_model(runtime="onnx-int8").encode(TEXTS, prompt="passage: ", normalize_embeddings=True)
    fp32 = load_model(runtime="torch").encode(TEXTS, prompt="passage: ", normalize_embeddings=True)
    assert int8.shape == fp32.shape == (4, 384)
    assert np.allclose(np.linalg.norm(int8, axis=1), 1.0, atol=1e-5)
    cosines = (int8 * fp32).sum(axis=1)
    assert np.all(cosines >= 0.98), cosines


def test_batches_of_mixed_length_give_nearly_the_same_vectors_as_one_by_one():
    """Padding is masked out of pooling; int8 activation ranges are per batch, hence "nearly"."""
    model = load_model(runtime="onnx-int8")
    together = model.encode(TEXTS, batch_size=3, normalize_embeddings=True)
    alone = np.vstack([model.encode([t], normalize_embeddings=True) for t in TEXTS])
    assert np.all((together * alone).sum(axis=1) >= 0.99)
    assert np.allclose(together[3], alone[3], atol=1e-5)  # a batch of one, shortest: same input


def test_query_uses_the_runtime_it_is_given():
    a = embed_query("integrale controles", runtime="onnx-int8")
    b = embed_query("integrale controles", runtime="torch")
    assert not np.array_equal(a, b) and float(a @ b) >= 0.98


def test_cache_keys_name_the_runtime(tmp_path):
    cache = tmp_path / "embeddings.sqlite"
    embed_passages(TEXTS[:2], cache=cache, runtime="onnx-int8")
    embed_passages(TEXTS[:2], cache=cache, runtime="torch")
    store = EmbeddingCache(cache)
    assert model_key(runtime="torch") != model_key(runtime="onnx-int8")
    assert store.count(model_key(runtime="torch")) == 2
    assert store.count(model_key(runtime="onnx-int8")) == 2


def test_unknown_runtime_is_refused(monkeypatch):
    monkeypatch.setenv("BELEIDSGRAAF_RUNTIME", "tensorflow")
    with pytest.raises(ValueError, match="unknown embedding runtime"):
        configured_runtime()


# --------------------------------------------------------------------------- how texts share model calls


def test_calls_respect_the_token_budget_and_the_row_cap():
    from search.runtime import TOKEN_BUDGET, token_batches

    lengths = [300, 10, 120, 120, 60, 60, 60, 60, 5, 5, 5]
    batches = token_batches(lengths, max_rows=3)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert batches[0] == [0]  # longer than the budget: alone, first
    for batch in batches:
        widths = [lengths[i] for i in batch]
        assert widths == sorted(widths, reverse=True)
        assert len(batch) <= 3
        assert len(batch) == 1 or max(widths) * len(batch) <= TOKEN_BUDGET
    assert [len(b) for b in batches] == [1, 2, 3, 3, 2]  # 300 | 120 120 | 60 60 60 | 60 10 5 | 5 5


def test_threads_setting_is_read_and_checked(monkeypatch):
    from search.runtime import THREADS_ENV, embed_threads

    monkeypatch.setenv(THREADS_ENV, "1")
    assert embed_threads() == 1
    monkeypatch.delenv(THREADS_ENV)
    assert embed_threads() >= 1
    for bad in ("0", "two", "-1"):
        monkeypatch.setenv(THREADS_ENV, bad)
        with pytest.raises(ValueError, match=THREADS_ENV):
            embed_threads()


def _corpus_passages(n: int) -> list[str]:
    """The first ``n`` passages of a corpus document, cut by the ingest pipeline (no NLP)."""
    from benchmarks.bench_embed import pipeline_passages

    corpus = Path(__file__).resolve().parents[2] / "corpus"
    texts = pipeline_passages([corpus / "hengelo_integraal-veiligheidsbeleid_2024-2026.txt"])
    assert len(texts) >= n
    return texts[:n]


def test_corpus_passages_stay_close_to_fp32_torch_in_parallel_calls(monkeypatch):
    """Real passages (about 150 tokens each) through the int8 runtime, two calls side by side."""
    from search.runtime import THREADS_ENV

    texts = _corpus_passages(12)
    fp32 = load_model(runtime="torch").encode(texts, prompt="passage: ", normalize_embeddings=True)
    model = load_model(runtime="onnx-int8")
    monkeypatch.setenv(THREADS_ENV, "2")
    parallel = model.encode(texts, prompt="passage: ", normalize_embeddings=True)
    monkeypatch.setenv(THREADS_ENV, "1")
    serial = model.encode(texts, prompt="passage: ", normalize_embeddings=True)
    assert np.array_equal(parallel, serial)  # the same calls, only run side by side
    cosines = (parallel * fp32).sum(axis=1)
    assert cosines.min() >= 0.985, cosines


def test_onnx_cache_keys_carry_the_encoder_version():
    from search.model import ONNX_ENCODER_VERSION

    assert model_key(runtime="onnx-int8").endswith(f"@onnx-int8/{ONNX_ENCODER_VERSION}")
    assert model_key(runtime="torch") == "multilingual-e5-small"


def test_an_index_from_an_older_runtime_is_reported_and_rebuilt(search_home, tmp_path):
    """Queries are embedded by the runtime now; an index whose vectors it no longer makes is rebuilt."""
    import json
    import shutil

    from search.index import check, index_meta, repair, search_dir

    home = tmp_path / "home"
    shutil.copytree(search_home, home, symlinks=True)
    meta_file = search_dir(home) / "meta.json"
    meta = json.loads(meta_file.read_text())
    if meta["runtime"] == "torch":
        pytest.skip("the test store is indexed with torch, whose vectors never changed")
    old_key = meta["model_key"].rsplit("/", 1)[0]  # as written before encoder versions
    meta_file.write_text(json.dumps({**meta, "model_key": old_key}))
    state = check(home)
    assert state["state"] == "behind" and not state["in_sync"]
    assert "older embedding runtime" in state["message"] and old_key in state["message"]
    assert repair(home, progress=False) is not None
    assert index_meta(home)["model_key"] == model_key(meta["model"], meta["runtime"])
    assert check(home)["in_sync"]
