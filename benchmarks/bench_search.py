"""Search at scale: ≥ 100,000 passages. Run `python -m benchmarks.bench_search` (not in make test).

How the collection is scaled: the real corpus passages (from ``--home``'s search index, else a temporary
ingest of ``corpus/``) are replicated across synthetic municipalities (codes GM9xxx) until there are at
least ``--passages`` of them. Their vectors are the cached real embeddings plus Gaussian noise
(σ = 0.02 per dimension, then re-normalised; copies of one passage then have cosine ≈ 0.93 with each
other), so the index is not full of exact duplicates. Embedding throughput is measured for real, on a
sample of real passages, with the cache bypassed. Reported: embedding throughput, index build time and
size (exact and HNSW), faiss latency and end-to-end hybrid search latency (query embedding, BM25, fusion,
aggregation) p50/p95 after warm-up, and HNSW recall@10 against the exact index. Results go to
benchmarks/results/ (gitignored) as JSON and are printed as a table.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
QUESTIONS = REPO.parent / "shared" / "eval" / "questions.json"
FALLBACK_QUERIES = [
    "Welke gemeenten zetten integrale controles in tegen ondermijning?",
    "Welke gemeenten werken met het 7-stappenmodel bij de aanpak van jeugdgroepen?",
    "Which municipalities use street triage for confused persons?",
    "drankketen op het erf",
    "cameratoezicht in het centrum",
    "aanpak van woninginbraken en high impact crimes",
    "samenwerking met de politie en het RIEC",
    "digitale veiligheid en cybercrime",
]
NOISE = 0.02


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def _queries() -> list[str]:
    if QUESTIONS.exists():
        data = json.loads(QUESTIONS.read_text(encoding="utf-8"))["questions"]
        out = [q["question_nl"] for q in data] + [q["question_en"] for q in data if q.get("question_en")]
        return out
    return FALLBACK_QUERIES


def _real_index(home: Path | None) -> tuple[list[dict], np.ndarray, Path | None]:
    """Real passages and their vectors: from an existing index, or ingest corpus/ into a temp folder."""
    from search.index import refresh, search_dir

    tmp = None
    if home is None or not (search_dir(home) / "meta.json").exists():
        from graph.build import ingest_paths

        tmp = Path(tempfile.mkdtemp(prefix="bench-home-"))
        home = tmp
        ingest_paths([REPO / "corpus"], home, progress=False)
        refresh(home, progress=True)
    folder = search_dir(home)
    passages = json.loads((folder / "passages.json").read_text(encoding="utf-8"))
    vectors = np.load(folder / "vectors.npy")
    return passages, vectors, tmp


def _embedding_throughput(passages: list[dict], sample: int) -> dict:
    from search.embed import _encode, _prompt, passage_text
    from search.model import load_model

    model = load_model()
    rng = np.random.default_rng(0)
    rows = rng.choice(len(passages), size=min(sample, len(passages)), replace=False)
    texts = [_prompt(model, "passage") + passage_text(passages[i]) for i in rows]
    _encode(model, texts[:4])  # warm-up
    started = time.perf_counter()
    _encode(model, texts)
    seconds = time.perf_counter() - started
    query_times = []
    for q in _queries()[:20]:
        t = time.perf_counter()
        _encode(model, [_prompt(model, "query") + q])
        query_times.append((time.perf_counter() - t) * 1000)
    return {
        "sample": len(texts),
        "mean_chars": round(float(np.mean([len(t) for t in texts])), 1),
        "seconds": round(seconds, 2),
        "passages_per_second": round(len(texts) / seconds, 2),
        "query_embed_ms_p50": round(_percentile(query_times, 50), 1),
        "threads": int(__import__("torch").get_num_threads()),
    }


def _scale(passages: list[dict], vectors: np.ndarray, target: int) -> tuple[list[dict], np.ndarray]:
    copies = math.ceil(target / len(passages))
    rng = np.random.default_rng(42)
    out_p: list[dict] = []
    blocks = []
    for c in range(copies):
        if c == 0:
            out_p.extend(passages)
            blocks.append(vectors)
            continue
        code = f"GM9{c:03d}"
        for p in passages:
            doc = f"{p['doc_id']}-syn{c:03d}"
            out_p.append(
                {
                    **p,
                    "passage": p["passage"].replace(p["doc_id"], doc, 1),
                    "doc_id": doc,
                    "municipality": f"Synthetisch {c:03d}",
                    "code": code,
                }
            )
        noisy = vectors + rng.normal(0, NOISE, vectors.shape).astype(np.float32)
        blocks.append(noisy / np.linalg.norm(noisy, axis=1, keepdims=True))
    return out_p, np.vstack(blocks).astype(np.float32)


def _faiss_latency(index, queries: np.ndarray, k: int = 10) -> tuple[list[float], np.ndarray]:
    for q in queries[:5]:
        index.search(q.reshape(1, -1), k)  # warm-up
    times, ids = [], []
    for q in queries:
        t = time.perf_counter()
        _, found = index.search(q.reshape(1, -1), k)
        times.append((time.perf_counter() - t) * 1000)
        ids.append(found[0])
    return times, np.array(ids)


def _dir_size(path: Path) -> int:
    if not path.is_dir():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None, help="data folder with an index of real passages")
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=64, help="real passages embedded to measure speed")
    args = parser.parse_args()

    from search import engine, vector_index
    from search.embed import _embed_query_cached, embed_query
    from search.index import build_index

    passages, vectors, tmp_home = _real_index(args.home)
    result: dict = {"real_passages": len(passages), "noise_sigma": NOISE}
    result["embedding"] = _embedding_throughput(passages, args.sample)

    big_p, big_v = _scale(passages, vectors, args.passages)
    result["scaled_passages"] = len(big_p)
    queries = _queries()
    qv = np.vstack([embed_query(q) for q in queries]).astype(np.float32)

    work = Path(tempfile.mkdtemp(prefix="bench-search-"))
    try:
        builds = {}
        for kind in ("flat", "hnsw"):
            t = time.perf_counter()
            index = vector_index.build(big_v, kind=kind)
            build_s = time.perf_counter() - t
            vector_index.save(index, work / f"{kind}.faiss")
            times, ids = _faiss_latency(index, qv)
            builds[kind] = {
                "build_seconds": round(build_s, 2),
                "size_mb": round((work / f"{kind}.faiss").stat().st_size / 1e6, 1),
                "p50_ms": round(_percentile(times, 50), 3),
                "p95_ms": round(_percentile(times, 95), 3),
                "ids": ids,
            }
        exact, approx = builds["flat"].pop("ids"), builds["hnsw"].pop("ids")
        recall = np.mean([len(set(a) & set(e)) / len(e) for a, e in zip(approx, exact, strict=True)])
        builds["hnsw"]["recall@10"] = round(float(recall), 4)
        builds["hnsw"]["efSearch"] = vector_index.HNSW_EF_SEARCH
        builds["hnsw"]["M"] = vector_index.HNSW_M
        result["faiss"] = builds

        # End-to-end: the engine on a full index (HNSW, BM25, passage table) of the scaled collection.
        home = work / "home"
        t = time.perf_counter()
        stats = build_index(big_p, home / "search", vectors=big_v, index_kind=None)
        result["engine_build"] = {
            "seconds": round(time.perf_counter() - t, 1),
            "index": stats["index"],
            "size_mb": {
                name: round(_dir_size(home / "search" / name) / 1e6, 1)
                for name in ("dense.faiss", "vectors.npy", "bm25", "passages.json")
            },
        }
        t = time.perf_counter()
        engine.load_index(home)
        result["engine_build"]["load_seconds"] = round(time.perf_counter() - t, 1)
        for q in queries[:5]:
            engine.search(home, q)  # warm-up
        e2e, cached = [], []
        for q in queries:
            _embed_query_cached.cache_clear()
            t = time.perf_counter()
            engine.search(home, q)
            e2e.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            engine.search(home, q)  # query vector now cached: retrieval + fusion + aggregation only
            cached.append((time.perf_counter() - t) * 1000)
        result["engine_search"] = {
            "queries": len(queries),
            "p50_ms": round(_percentile(e2e, 50), 1),
            "p95_ms": round(_percentile(e2e, 95), 1),
            "without_query_embedding_p50_ms": round(_percentile(cached, 50), 1),
            "without_query_embedding_p95_ms": round(_percentile(cached, 95), 1),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if tmp_home:
            shutil.rmtree(tmp_home, ignore_errors=True)

    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"bench_search_{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=2))
    _print(result, out)


def _print(result: dict, out: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    e = result["embedding"]
    n, real = result["scaled_passages"], result["real_passages"]
    table = Table(title=f"Search benchmark: {n:,} passages ({real} real)")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row(
        "embedding throughput (real passages)",
        f"{e['passages_per_second']} passages/s "
        f"({e['sample']} × {e['mean_chars']} chars, {e['threads']} threads)",
    )
    table.add_row("query embedding p50", f"{e['query_embed_ms_p50']} ms")
    for kind, b in result["faiss"].items():
        table.add_row(f"{kind}: build / size", f"{b['build_seconds']} s / {b['size_mb']} MB")
        table.add_row(f"{kind}: search p50 / p95", f"{b['p50_ms']} / {b['p95_ms']} ms")
    table.add_row("HNSW recall@10 vs exact", str(result["faiss"]["hnsw"]["recall@10"]))
    eb, es = result["engine_build"], result["engine_search"]
    table.add_row(
        "engine index build (vectors given)", f"{eb['seconds']} s, {eb['index']}; load {eb['load_seconds']} s"
    )
    table.add_row("engine index size (MB)", ", ".join(f"{k} {v}" for k, v in eb["size_mb"].items()))
    table.add_row("hybrid search p50 / p95 (end to end)", f"{es['p50_ms']} / {es['p95_ms']} ms")
    table.add_row(
        "hybrid search p50 / p95 (query vector cached)",
        f"{es['without_query_embedding_p50_ms']} / {es['without_query_embedding_p95_ms']} ms",
    )
    Console().print(table)
    Console(stderr=True).print(f"results written to {out}")


if __name__ == "__main__":
    main()
