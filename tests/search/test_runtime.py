"""The ONNX int8 runtime: same vectors as fp32 torch up to quantisation, its own cache keys."""

from __future__ import annotations

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
