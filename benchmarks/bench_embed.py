"""Embedding throughput per runtime on corpus passages: fp32 torch (plain sentence-transformers) vs ONNX.

``python -m benchmarks.bench_embed [--home DIR] [--passages 256] [--rounds 3]``. The passages are the
corpus passages of ``--home``'s graph store (else the corpus is ingested into a temporary folder, graph
only), each with the model's passage prompt, in one fixed random sample; every runtime encodes the same
texts with the same batch size, rounds interleaved (so a busy machine slows all alike), best round kept.
Also reported: CPU seconds (this process) and the cosine of each runtime's vectors with fp32 torch's.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np


def corpus_passages(home: Path | None) -> list[dict]:
    from benchmarks.corpus_store import corpus_store
    from graph import queries

    with corpus_store(home) as store:
        return queries.passages(store)


def throughput(texts: list[str], runtimes: list[str], rounds: int = 3) -> dict[str, dict]:
    """Passages/s (wall and per CPU second) per runtime, same texts and batch, rounds interleaved."""
    from search.embed import BATCH
    from search.model import load_model

    models = {r: load_model(runtime=r) for r in runtimes}
    for model in models.values():
        model.encode(texts[:8], batch_size=BATCH)  # warm-up
    wall = {r: float("inf") for r in runtimes}
    cpu = {r: float("inf") for r in runtimes}
    vectors: dict[str, np.ndarray] = {}
    for _ in range(rounds):
        for r, model in models.items():
            w, c = time.perf_counter(), time.process_time()
            vectors[r] = np.asarray(model.encode(texts, batch_size=BATCH, normalize_embeddings=True))
            wall[r] = min(wall[r], time.perf_counter() - w)
            cpu[r] = min(cpu[r], time.process_time() - c)
    reference = vectors.get("torch")
    out = {}
    for r in runtimes:
        row = {
            "passages_per_s": round(len(texts) / wall[r], 1),
            "passages_per_cpu_s": round(len(texts) / cpu[r], 1),
        }
        if reference is not None:
            cos = (vectors[r] * reference).sum(axis=1)
            row["cosine_vs_torch_min"] = round(float(cos.min()), 4)
            row["cosine_vs_torch_mean"] = round(float(cos.mean()), 4)
        out[r] = row
    return out


def main() -> None:
    from search.embed import _prompt, passage_text
    from search.model import load_model

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--passages", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runtimes", default="torch,onnx-int8")
    args = parser.parse_args()
    passages = corpus_passages(args.home)
    sample = random.Random(0).sample(passages, min(args.passages, len(passages)))
    prompt = _prompt(load_model(), "passage")
    texts = [prompt + passage_text(p) for p in sample]
    result = throughput(texts, args.runtimes.split(","), args.rounds)
    print(json.dumps({"passages": len(texts), "runtimes": result}, indent=2))


if __name__ == "__main__":
    main()
