"""Embedding CPU and throughput per runtime: plain fp32 sentence-transformers vs the ONNX int8 runtime.

``python -m benchmarks.bench_embed [--passages 384] [--rounds 3] [--source generated|corpus]``
``[--budgets B,…]``.

Texts: real passages cut by the ingest pipeline's own passage steps (clean, segment, passages; no
graph), from synthetic documents of ``benchmarks/bench_country.py``'s generator (``generated``, the
country's texts) or from ``corpus/``, with the model's passage prompt, one fixed random sample.

Rows (every one encodes the same texts; rounds interleaved so a busy machine slows all alike; best
round kept; CPU = seconds of this process, all its threads):
- ``torch``: plain sentence-transformers fp32, batch 32 (the floor the issue compares with);
- ``onnx-int8 session start``: the same int8 model file run as it was at session start (32 texts per
  call sorted by characters, onnxruntime's default thread pool with spinning);
- ``onnx-int8@1`` / ``onnx-int8@N``: the runtime now (calls of ≤ 256 padded tokens on one thread
  each, ``BELEIDSGRAAF_EMBED_THREADS`` = 1 or N calls side by side); ``--budgets 512,4960`` adds
  one-thread rows with other token budgets per call (``onnx-int8@1/512``).
Beside each: cosine of its vectors with fp32 torch's (min / mean). Also printed: the token-length
distribution of the sample (how many passages ``max_seq_length`` truncates) and the padding of both
batchings.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
LEGACY = "onnx-int8 session start"


def pipeline_passages(paths: list[Path]) -> list[str]:
    """Passage texts as the index embeds them (section path, then text), cut by the ingest steps."""
    from ingest.load import load_file
    from ingest.metadata import build_meta
    from ingest.pipeline import analyse, slug
    from search.embed import passage_text

    texts: list[str] = []
    for path in paths:
        loaded = load_file(path)
        doc = analyse(loaded, build_meta(path, loaded, slug(path.stem)), ("clean", "segment", "passages"))
        texts.extend(
            passage_text({"section": " > ".join(p.section_path), "text": p.text}) for p in doc.passages
        )
    return texts


def source_passages(source: str, documents: int = 60) -> list[str]:
    """Passages of ``corpus/`` or of ``documents`` generated country documents."""
    if source == "corpus":
        return pipeline_passages(sorted((REPO / "corpus").glob("*.txt")))
    from benchmarks.bench_country import generate

    with tempfile.TemporaryDirectory(prefix="bench-embed-") as tmp:
        return pipeline_passages(generate(Path(tmp), documents, REPO / "corpus"))


@contextmanager
def _threads(n: int | None):
    from search.runtime import THREADS_ENV

    old = os.environ.get(THREADS_ENV)
    if n is not None:
        os.environ[THREADS_ENV] = str(n)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(THREADS_ENV, None)
        else:
            os.environ[THREADS_ENV] = old


class _SessionStartEncoder:
    """The int8 model file run as at session start: 32 texts per call sorted by characters, one session
    with onnxruntime's default thread pool (spinning). Pooling is the runtime's own."""

    def __init__(self):
        import onnxruntime as ort

        from search.model import ensure_runtime, load_model
        from search.runtime import onnx_file

        self.encoder = load_model(runtime="onnx-int8")
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(onnx_file(ensure_runtime(runtime="onnx-int8"), True)),
            options,
            providers=["CPUExecutionProvider"],
        )

    def encode(self, texts: list[str], batch_size: int = 32, normalize_embeddings: bool = True) -> np.ndarray:
        tokens = self.encoder._tokenise(texts)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.zeros((len(texts), self.encoder.dimension), dtype=np.float32)
        inner, self.encoder.session = self.encoder.session, self.session
        try:
            for start in range(0, len(order), batch_size):
                rows = order[start : start + batch_size]
                out[rows] = self.encoder._run([tokens[i] for i in rows])
        finally:
            self.encoder.session = inner
        return out / np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-12, None)


def _encoder(name: str):
    """(encode function, threads setting) for a row name: a runtime, ``LEGACY`` or ``onnx-int8@N``."""
    from search.embed import BATCH
    from search.model import load_model

    if name == LEGACY:
        legacy = _SessionStartEncoder()
        return (lambda texts: legacy.encode(texts, batch_size=BATCH)), None
    from search import runtime as onnx_runtime

    runtime, _, setting = name.partition("@")
    threads, _, budget = setting.partition("/")
    model = load_model(runtime=runtime)

    def encode(texts: list[str]) -> np.ndarray:
        default = onnx_runtime.TOKEN_BUDGET
        onnx_runtime.TOKEN_BUDGET = int(budget) if budget else default
        try:
            return model.encode(texts, batch_size=BATCH, normalize_embeddings=True)
        finally:
            onnx_runtime.TOKEN_BUDGET = default

    return encode, (int(threads) if threads else None)


def throughput(texts: list[str], runtimes: list[str], rounds: int = 3) -> dict[str, dict]:
    """Passages/s (wall and per CPU second) per row, same texts, rounds interleaved, best round kept.

    Row names: ``torch``, ``onnx``, ``onnx-int8`` (threads as configured), ``onnx-int8@N`` (N calls side
    by side), ``onnx-int8@N/B`` (and at most B padded tokens per call) and ``LEGACY`` (the int8 file run
    as at session start).
    """
    encoders = {r: _encoder(r) for r in runtimes}
    for encode, threads in encoders.values():
        with _threads(threads):
            encode(texts[:8])  # warm-up
    wall = {r: float("inf") for r in runtimes}
    cpu = {r: float("inf") for r in runtimes}
    vectors: dict[str, np.ndarray] = {}
    for _ in range(rounds):
        for r, (encode, threads) in encoders.items():
            with _threads(threads):
                w, c = time.perf_counter(), time.process_time()
                vectors[r] = np.asarray(encode(texts))
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


def token_stats(texts: list[str]) -> dict:
    """Token lengths (untruncated) and the padded tokens of both batchings, for the same texts."""
    from search.embed import BATCH
    from search.model import load_model
    from search.runtime import token_batches

    model = load_model(runtime="onnx-int8")
    tokenizer = model.tokenizer
    tokenizer.no_truncation()
    try:
        lengths = np.array([len(e.ids) for e in tokenizer.encode_batch(texts)])
    finally:
        tokenizer.enable_truncation(model.max_length)
    clipped = np.minimum(lengths, model.max_length)
    by_chars = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    legacy = sum(
        int(clipped[by_chars[s : s + BATCH]].max()) * len(by_chars[s : s + BATCH])
        for s in range(0, len(texts), BATCH)
    )
    now = sum(int(clipped[b].max()) * len(b) for b in token_batches(clipped.tolist(), BATCH))
    p = np.percentile(lengths, [50, 95, 99, 100]).astype(int).tolist()
    return {
        "tokens_p50_p95_p99_max": p,
        "tokens_mean": round(float(lengths.mean()), 1),
        "max_seq_length": model.max_length,
        "truncated": int((lengths > model.max_length).sum()),
        "padding_share_session_start": round(1 - int(clipped.sum()) / legacy, 3),
        "padding_share_now": round(1 - int(clipped.sum()) / now, 3),
    }


def main() -> None:
    from search.embed import _prompt
    from search.model import load_model
    from search.runtime import embed_threads

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=384)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--source", choices=("generated", "corpus"), default="generated")
    parser.add_argument(
        "--budgets",
        default="",
        help="also one-thread rows with these token budgets per call, e.g. 512,1024,4960 (32 × 155)",
    )
    parser.add_argument(
        "--runtimes",
        default=None,
        help=f"comma-separated rows (default: torch,{LEGACY},onnx-int8@1,onnx-int8@N)",
    )
    args = parser.parse_args()
    passages = source_passages(args.source)
    sample = random.Random(0).sample(passages, min(args.passages, len(passages)))
    prompt = _prompt(load_model(), "passage")
    texts = [prompt + t for t in sample]
    rows = (
        args.runtimes.split(",")
        if args.runtimes
        else ["torch", LEGACY, "onnx-int8@1", f"onnx-int8@{embed_threads()}"]
    )
    rows += [f"onnx-int8@1/{b}" for b in args.budgets.split(",") if b]
    result = throughput(texts, list(dict.fromkeys(rows)), args.rounds)
    base = result.get(LEGACY)
    if base:
        for row in result.values():
            row["cpu_per_passage_vs_session_start"] = round(
                base["passages_per_cpu_s"] / row["passages_per_cpu_s"], 2
            )
    print(
        json.dumps(
            {
                "source": args.source,
                "passages": len(texts),
                "load_average": [round(x, 1) for x in os.getloadavg()],
                "tokens": token_stats(texts),
                "runtimes": result,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
