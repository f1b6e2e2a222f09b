"""A synthetic country: 342 municipalities × 10 documents, ingested and queried on this machine.

Run ``python -m benchmarks.bench_country [--documents N]`` (``make bench`` runs it; never part of the
tests). Nothing generated is committed: the documents are written to a temporary folder each run.

How the country is generated (``generate``): the real corpus texts are cut into section headings and
sentences; every synthetic document takes a title, a run of headings, and paragraphs of 2-5 sentences
drawn at random from all corpus documents (so passages are shuffled across documents and nearly all
unique, as a real country's would be). Every municipality name that occurs in the corpus metadata is
replaced by the synthetic document's municipality, a real current municipality from
``ontology/gemeenten.csv``. Metadata varies: document type (from the corpus types), period (start
2015-2025, 1-4 years), signing date, title. Document length follows the corpus documents' lengths.

What is measured, each figure beside its floor in the same run:
- ingest per stage and per document (``search.ingest_index.ingest_and_index``, as ``beleidsgraaf
  ingest`` runs it: graph stages from the ingest report, embedding in worker processes beside them,
  then the index refresh), end to end, extrapolated linearly to the full country when
  ``--documents`` is smaller (said so in the output); floor for embedding: plain fp32
  sentence-transformers ``encode`` on a sample of the same passages, same batch size;
- store and index size on disk, peak memory (max RSS of the ingest, of the largest embedding worker, of
  a process that serves search, which and compare, and of one that adds and removes a document: in use
  these are the server and CLI processes, so each runs in a process of its own here);
- warm latency p50/p95 of ``search`` (floor: query embedding + bare faiss search; beside it the
  query embedding + one exact pass over every passage vector, which a complete answer over the whole
  store reads), ``which`` (floor: the SPARQL of the same answer, the stored queries the README
  shows, on the bare pyoxigraph store; beside it the one-query form of before; ``which`` reads the
  fact table, whose load from its files is timed too),
  ``compare`` (floor: the bare document query it starts from) and a grouped SPARQL aggregate
  (floor: the same query on the bare pyoxigraph store,
  against the project's ``GraphStore.select``);
- adding one document to the store at that size (ingest + index refresh) and removing it again.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import re
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
QUESTIONS = REPO.parent / "shared" / "eval" / "questions.json"
COUNTRY_MUNICIPALITIES = 342
DOCS_PER_MUNICIPALITY = 10
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")


# --------------------------------------------------------------------------- generator


def _corpus(corpus: Path) -> tuple[list[str], list[str], list[dict], list[int]]:
    """Headings, sentences, metadata and lengths (in blocks) of the real corpus documents."""
    headings: list[str] = []
    sentences: list[str] = []
    metas: list[dict] = []
    lengths: list[int] = []
    for text_file in sorted(corpus.glob("*.txt")):
        meta_file = text_file.with_suffix(".meta.json")
        if meta_file.exists():
            metas.append(json.loads(meta_file.read_text(encoding="utf-8")))
        blocks = [b.strip() for b in re.split(r"\n\s*\n", text_file.read_text(encoding="utf-8")) if b.strip()]
        lengths.append(len(blocks))
        for block in blocks:
            if len(block) < 80 and not block.endswith((".", ":", ";")):
                headings.append(block)
            else:
                sentences.extend(s for s in _SENTENCE_END.split(block) if len(s) > 20)
    if not sentences or not metas:
        raise SystemExit(f"{corpus}: no corpus texts with metadata to generate from")
    return headings, sentences, metas, lengths


def _municipalities(n: int, rng: random.Random) -> list[tuple[str, str]]:
    """``n`` current municipalities (code, name) from the project's reference list."""
    with (REPO / "ontology" / "gemeenten.csv").open(encoding="utf-8") as handle:
        current = [(r["code"], r["name"]) for r in csv.DictReader(handle) if not r.get("valid_to")]
    rng.shuffle(current)
    return sorted(current[:n])


def generate(dest: Path, documents: int, corpus: Path, seed: int = 13) -> list[Path]:
    """Write ``documents`` synthetic documents (txt + meta.json) into ``dest``; returns the text files."""
    rng = random.Random(seed)
    headings, sentences, metas, lengths = _corpus(corpus)
    corpus_names = sorted({m["municipality"]["name"] for m in metas}, key=len, reverse=True)
    name_pattern = re.compile("|".join(re.escape(n) for n in corpus_names))
    n_munis = max(1, math.ceil(documents / DOCS_PER_MUNICIPALITY))
    munis = _municipalities(max(n_munis, COUNTRY_MUNICIPALITIES), rng)[:n_munis]
    dest.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    for i in range(documents):
        code, name = munis[(i // DOCS_PER_MUNICIPALITY) % len(munis)]  # the extra document wraps around
        template = rng.choice(metas)
        start = rng.randint(2015, 2025)
        end = start + rng.randint(1, 4)
        kind = template.get("document_type", "doctype:integraal_veiligheidsplan")
        label = kind.split(":")[-1].replace("_", " ").capitalize()
        title = f"{label} {name} {start}-{end}"
        blocks = [title]
        for _ in range(rng.choice(lengths) // 2):  # half the blocks are headings in the corpus texts
            if rng.random() < 0.25:
                blocks.append(rng.choice(headings))
            blocks.append(" ".join(rng.sample(sentences, rng.randint(2, 5))))
        text = name_pattern.sub(name, "\n\n".join(blocks))
        stem = f"{name.lower().replace(' ', '-')}_{i % DOCS_PER_MUNICIPALITY:02d}_{start}-{end}"
        stem = re.sub(r"[^a-z0-9_.-]", "", stem)
        meta = {
            "municipality": {"name": name, "code": code},
            "document_type": kind,
            "title": title,
            "period": {"start": start, "end": end},
            "dates": {"signed": f"{start - 1}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"},
        }
        (dest / f"{stem}.txt").write_text(text, encoding="utf-8")
        (dest / f"{stem}.meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        files.append(dest / f"{stem}.txt")
    return files


# --------------------------------------------------------------------------- measuring


def _pcts(seconds: list[float]) -> dict:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, math.ceil(0.95 * len(ms)) - 1)]
    return {"p50_ms": round(statistics.median(ms), 1), "p95_ms": round(p95, 1), "n": len(ms)}


def _timed(fn, rounds: int = 1) -> list[float]:
    out = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _queries() -> list[str]:
    data = json.loads(QUESTIONS.read_text(encoding="utf-8"))["questions"] if QUESTIONS.exists() else []
    out = [q["question_nl"] for q in data]
    return out or ["integrale controles tegen ondermijning", "drankketen op het erf", "cameratoezicht"]


def _search_latency(home: Path, queries: list[str]) -> dict:
    from search import vector_index
    from search.embed import _embed_query_cached, embed_query
    from search.engine import load_index, search

    idx = load_index(home)
    runtime = idx.meta.get("runtime", "torch")
    dense = idx.dense  # the faiss index, loaded before timing
    for q in queries:  # warm: index, model and lexical structures loaded
        search(home, q)
    vectors = idx.vectors
    full, floor, scan = [], [], []
    for q in queries:
        _embed_query_cached.cache_clear()
        full += _timed(lambda q=q: search(home, q))
        _embed_query_cached.cache_clear()
        floor += _timed(lambda q=q: vector_index.search(dense, embed_query(q, runtime=runtime), 50))
        _embed_query_cached.cache_clear()
        scan += _timed(lambda q=q: vectors @ embed_query(q, runtime=runtime))
    return {
        "search": _pcts(full),
        "floor (query embedding + faiss)": _pcts(floor),
        "query embedding + cosine with every passage (numpy)": _pcts(scan),
    }


def _bare(store, sparql: str, graphs=None, **bind) -> list:
    """The query straight on pyoxigraph (union default graph unless ``graphs`` names the graphs that
    form it, the project's prefixes), rows consumed; ``bind`` maps variable names to IRIs or to
    pyoxigraph terms."""
    import pyoxigraph as ox

    from graph.namespaces import PREFIXES

    subs = {
        ox.Variable(k): v if isinstance(v, ox.NamedNode | ox.Literal) else ox.NamedNode(v)
        for k, v in bind.items()
    } or None
    scope = {"use_default_graph_as_union": True}
    if graphs is not None:
        scope = {"default_graph": [ox.NamedNode(g) for g in graphs]}
    return list(store.store.query(sparql, substitutions=subs, prefixes=PREFIXES, **scope))


# which's instrument query as it was up to 2026-12-03: facts and evidence spans in one query (timed
# up to ONE_QUERY_MAX_DOCUMENTS stored documents: on the full country one run had not ended after 6 minutes)
ONE_QUERY_MAX_DOCUMENTS = 1000
ONE_QUERY_WHICH = """
SELECT DISTINCT ?instrument ?doc ?fact ?concept ?status ?against ?span ?exact ?begin ?end ?passage ?section
WHERE {
  ?concept skos:broader* ?instrument .
  ?fact a bg:InstrumentUse ; bg:concept ?concept ; bg:status ?status ; bg:inDocument ?doc .
  OPTIONAL { ?fact bg:againstTheme ?against }
  OPTIONAL {
    ?fact bg:evidence ?span .
    ?span bg:exact ?exact ; nif:beginIndex ?begin ; nif:endIndex ?end ; bg:inPassage ?passage .
    OPTIONAL { ?passage bg:sectionPath ?section }
  }
}"""


# What every document has (graph.read.snapshot_memo): read once per snapshot of a read-only handle
SNAPSHOT_QUERIES = ("documents", "validity", "validity_evidence")


def _sparql_which(store, instrument: str, theme: str | None) -> list[tuple[str, dict]]:
    """The SPARQL a researcher runs for ``which``'s answer (README: the stored queries it documents):
    the concepts, their uses, the theme's documents, and the quotes of at most 5 uses per municipality,
    the same number ``which`` quotes. ``which`` itself reads the fact table (graph.fact_table); this is
    its floor as a query on bare pyoxigraph. The document metadata and validity queries
    (``SNAPSHOT_QUERIES``) run once per snapshot of the handle and are timed apart."""
    from graph.queries import EVIDENCE_PER_CRITERION
    from graph.read import by_iri, documents, load_query, resolve_concept, values_query

    sent: list[tuple[str, dict]] = []
    concept = resolve_concept(instrument, "instrument")
    broader = load_query("broader")
    sent.append((broader, {"top": concept.iri}))
    narrower = [r["concept"].value for r in _bare(store, broader, top=concept.iri)]
    sent.append((values_query("which_instrument", "concept", narrower), {}))
    uses = _bare(store, sent[-1][0])
    if theme:
        top = resolve_concept(theme, "theme").iri
        sent.append((broader, {"top": top}))
        themes = [r["concept"].value for r in _bare(store, broader, top=top)]
        sent.append((values_query("which_theme_docs", "concept", themes), {}))
    docs = by_iri(documents(store))
    quoted: dict[str, list[str]] = {}
    for row in uses:
        meta = docs.get(str(row["doc"].value))
        muni = meta.municipality.code if meta and meta.municipality else None
        facts = quoted.setdefault(muni, [])
        fact = str(row["fact"].value)
        if len(facts) < EVIDENCE_PER_CRITERION and fact not in facts:
            facts.append(fact)
    chosen = [f for facts in quoted.values() for f in facts]
    for start in range(0, len(chosen), 2000):
        sent.append((values_query("fact_evidence", "fact", chosen[start : start + 2000]), {}))
    return sent


def _graph_latency(home: Path, rng: random.Random) -> dict:
    from graph import fact_table, queries
    from graph.read import load_query, resolve_concept
    from graph.store import GraphStore
    from search.compare import compare_documents

    store = GraphStore.open(home, read_only=True)
    pairs = [
        ("integrale controles", "ondermijning"),
        ("damocles", None),
        ("bibob", None),
        ("cameratoezicht", None),
    ]
    which_s, which_floor, which_one_query = [], [], []
    snapshot = [load_query(name) for name in SNAPSHOT_QUERIES]
    snapshot_s = _timed(lambda: [_bare(store, text) for text in snapshot], rounds=3)
    fact_table._LAST.clear()  # as in a new process: the table from the files ingest wrote
    table_s = _timed(lambda: fact_table.table(store), rounds=1)
    queries.which(store, instrument=pairs[0][0], theme=pairs[0][1])  # warm: the snapshot's documents read
    for instrument, theme in pairs * 3:
        which_s += _timed(lambda i=instrument, t=theme: queries.which(store, instrument=i, theme=t))
        bare = _sparql_which(store, instrument, theme)
        which_floor += _timed(lambda b=bare: [_bare(store, text, **bind) for text, bind in b])
    if len(store.document_ids()) <= ONE_QUERY_MAX_DOCUMENTS:  # the form before takes minutes at full size
        for instrument, _ in pairs:
            concept = resolve_concept(instrument, "instrument")
            which_one_query += _timed(lambda c=concept: _bare(store, ONE_QUERY_WHICH, instrument=c.iri))
    docs = store.document_ids()
    compare_s, compare_floor = [], []
    documents_query = load_query("documents")
    for _ in range(10):
        a, b = rng.sample(docs, 2)
        compare_s += _timed(lambda a=a, b=b: compare_documents(store, a, b))
        compare_floor += _timed(lambda: _bare(store, documents_query))
    aggregate = """
        PREFIX bg: <https://w3id.org/beleidsgraaf/def#>
        SELECT ?instrument (COUNT(DISTINCT ?doc) AS ?documents) WHERE {
          ?fact a bg:InstrumentUse ; bg:concept ?instrument ; bg:inDocument ?doc .
        } GROUP BY ?instrument ORDER BY DESC(?documents)"""
    agg = _timed(lambda: store.select(aggregate), rounds=3)
    agg_floor = _timed(lambda: _bare(store, aggregate), rounds=3)
    store.close()
    return {
        "which": _pcts(which_s),
        "which floor (the same answer's SPARQL on bare pyoxigraph)": _pcts(which_floor),
        "fact table from its files, once per process (s)": round(table_s[0], 2),
        "documents + validity queries, once per handle snapshot (bare pyoxigraph)": _pcts(snapshot_s),
        "which as one query with evidence (the form before)": _pcts(which_one_query)
        if which_one_query
        else None,
        "compare": _pcts(compare_s),
        "compare floor (bare pyoxigraph document query)": _pcts(compare_floor),
        "aggregate (GraphStore.select)": _pcts(agg),
        "aggregate floor (bare pyoxigraph)": _pcts(agg_floor),
    }


def _ingest(home: Path, docs: Path) -> dict:
    """Phase 1: ingest the generated documents as ``beleidsgraaf ingest`` does (graph side with the
    passages embedded beside it, then the index); timings per stage."""
    from search.ingest_index import ingest_and_index

    t0 = time.perf_counter()
    result = ingest_and_index([docs], home, progress=True)  # a long run shows how far it is (stderr)
    seconds = time.perf_counter() - t0
    report, stats = result.report, result.index or {}
    n = len(report.documents)
    per_doc = {k: v / max(n, 1) for k, v in report.stage_seconds.items()}
    per_doc["index refresh (embedding the workers did not reach, index files)"] = stats.get(
        "seconds", 0.0
    ) / max(n, 1)
    per_doc["end to end (wall)"] = seconds / max(n, 1)
    return {
        "documents": n,
        "failures": len(report.failures),
        "ingest_seconds": {"end to end": round(seconds, 1)},
        "overlapped": result.overlapped,
        "embedded": result.worker_embedded + stats.get("embedded", 0),
        "embedded_by_workers": result.worker_embedded,
        "per_document_seconds": {k: round(v, 4) for k, v in sorted(per_doc.items(), key=lambda x: -x[1])},
        "peak_rss_mb_ingest": _peak_rss_mb(),
        "peak_rss_mb_embedding_worker": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
        ),
    }


def _in_child(fn, *args):
    """``fn(*args)`` in a fresh process, and that process's peak RSS in MB.

    Serving (search, which, compare) and writing (ingest, remove, index update) are separate processes
    in use (the server, the CLI); measured in one process, their peaks would add up beside the
    benchmark's own models and data."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_with_peak_rss, fn, *args).result()


def _with_peak_rss(fn, *args):
    """The process's own high-water mark (VmHWM): ru_maxrss carries the parent's over fork and exec."""
    result = fn(*args)
    status = Path("/proc/self/status").read_text()
    kb = int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M).group(1))
    return result, round(kb / 1024, 1)


def _serving(home: Path, seed: int) -> dict:
    """Warm latency of search, which, compare and an aggregate, as the server would run them."""
    return {**_search_latency(home, _queries()), **_graph_latency(home, random.Random(seed))}


def _add_remove(home: Path, extra_dir: Path, name: str) -> tuple[float, float, dict]:
    """Add one document at size and remove it again, each with its index refresh: seconds and steps."""
    from graph.build import ingest_paths, remove
    from search.index import refresh

    t2 = time.perf_counter()
    ingest_paths([extra_dir], home, progress=False)
    t_graph = time.perf_counter()
    added = refresh(home, progress=False)
    add_seconds = time.perf_counter() - t2
    t3 = time.perf_counter()
    remove(home, name)
    t_removed = time.perf_counter()
    removed = refresh(home, progress=False)
    remove_seconds = time.perf_counter() - t3
    steps = {
        "add": {
            "graph_seconds": round(t_graph - t2, 2),
            "index_seconds": round(t2 + add_seconds - t_graph, 2),
        },
        "remove": {
            "graph_seconds": round(t_removed - t3, 2),
            "index_seconds": round(t3 + remove_seconds - t_removed, 2),
        },
    }
    for step, stats in (("add", added), ("remove", removed)):
        steps[step]["index"] = "updated" if "update" in stats else "built anew"
        steps[step]["dense"] = (stats.get("update") or {}).get("dense", "built")
    return add_seconds, remove_seconds, steps


def run(documents: int, corpus: Path, keep: Path | None = None) -> dict:
    """Generate, ingest (skipped when ``keep`` already holds this run's ingest), then measure at size."""
    from benchmarks import bench_embed
    from search.embed import _prompt, passage_text
    from search.index import search_dir
    from search.model import configured_runtime, load_model

    rng = random.Random(7)
    work = Path(tempfile.mkdtemp(prefix="bench-country-"))
    home = keep or work / "home"
    os.environ["BELEIDSGRAAF_EMBED_CACHE"] = str(home / "cache" / "embeddings.sqlite")  # empty, own
    phase1 = home / "bench_country_ingest.json"
    try:
        files = generate(work / "docs", documents + 1, corpus)
        extra = files.pop()  # the document added and removed at size
        extra_dir = work / "extra"
        extra_dir.mkdir()
        for f in (extra, extra.with_suffix("").with_suffix(".meta.json")):
            shutil.move(str(f), extra_dir / f.name)
        if phase1.exists() and json.loads(phase1.read_text())["documents"] == documents:
            ingest = json.loads(phase1.read_text())
        else:
            ingest = _ingest(home, work / "docs")
            phase1.write_text(json.dumps(ingest, indent=2))
        n = ingest["documents"]
        passages = json.loads((search_dir(home) / "passages.json").read_text(encoding="utf-8"))
        n_passages = len(passages)
        prompt = _prompt(load_model(), "passage")
        sample = [prompt + passage_text(p) for p in rng.sample(passages, min(256, len(passages)))]
        throughput = bench_embed.throughput(sample, list(dict.fromkeys([configured_runtime(), "torch"])))
        del passages  # the benchmark's own copy of the table, not what serving or writing holds
        latency, rss_serving = _in_child(_serving, home, rng.randrange(1 << 30))
        (add_seconds, remove_seconds, steps), rss_writing = _in_child(
            _add_remove, home, extra_dir, extra.name
        )
        country = COUNTRY_MUNICIPALITIES * DOCS_PER_MUNICIPALITY
        total_per_doc = sum(ingest["ingest_seconds"].values()) / max(n, 1)
        return {
            **ingest,
            "passages": n_passages,
            "runtime": configured_runtime(),
            "measured_at_full_size": n >= country,
            "country_hours_extrapolated": round(total_per_doc * country / 3600, 2),
            "encode_passages_per_second": throughput,
            "store_mb": round(_du(home / "store") / 1e6, 1),
            "index_mb": round(_du(search_dir(home)) / 1e6, 1),
            "peak_rss_mb": _peak_rss_mb(),
            "peak_rss_mb_serving": rss_serving,
            "peak_rss_mb_add_remove": rss_writing,
            "latency": latency,
            "add_one_document_seconds": round(add_seconds, 2),
            "remove_one_document_seconds": round(remove_seconds, 2),
            "add_remove_steps": steps,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _print(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    n = result["documents"]
    full = COUNTRY_MUNICIPALITIES * DOCS_PER_MUNICIPALITY
    scope = "full size" if result["measured_at_full_size"] else f"{n} documents (country: ×{full / n:.1f})"
    table = Table(
        title=f"Country benchmark: {scope}, {result['passages']} passages, runtime {result['runtime']}"
    )
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_column("floor", justify="right")
    thr = result["encode_passages_per_second"]
    ours, plain = thr[result["runtime"]]["passages_per_s"], thr["torch"]["passages_per_s"]
    table.add_row("encode passages/s", str(ours), f"{plain} (plain fp32 sentence-transformers)")
    for stage, seconds in result["per_document_seconds"].items():
        table.add_row(f"ingest s/document: {stage}", f"{seconds:.3f}", "")
    table.add_row("ingest, whole country (h, extrapolated)", str(result["country_hours_extrapolated"]), "")
    table.add_row("store MB / index MB", f"{result['store_mb']} / {result['index_mb']}", "")
    table.add_row(
        "peak RSS MB (ingest / embedding worker / serving: search, which, compare / add + remove / "
        "this process: ingest and the encode benchmark's models)",
        f"{result['peak_rss_mb_ingest']} / {result.get('peak_rss_mb_embedding_worker')} / "
        f"{result.get('peak_rss_mb_serving')} / {result.get('peak_rss_mb_add_remove')} / "
        f"{result['peak_rss_mb']}",
        "",
    )
    lat = result["latency"]
    pairs = [
        ("search", "floor (query embedding + faiss)"),
        ("search", "query embedding + cosine with every passage (numpy)"),
        ("which", "which floor (the same answer's SPARQL on bare pyoxigraph)"),
        ("which", "which as one query with evidence (the form before)"),
        ("which", "documents + validity queries, once per handle snapshot (bare pyoxigraph)"),
        ("compare", "compare floor (bare pyoxigraph document query)"),
        ("aggregate (GraphStore.select)", "aggregate floor (bare pyoxigraph)"),
    ]
    for name, floor in pairs:
        a, b = lat[name], lat[floor]
        if b is None:
            continue
        table.add_row(
            f"{name} p50 / p95 ms", f"{a['p50_ms']} / {a['p95_ms']}", f"{b['p50_ms']} / {b['p95_ms']}"
        )
    loaded = lat.get("fact table from its files, once per process (s)")
    if loaded is not None:
        table.add_row("which: fact table from its files, once per process (s)", str(loaded), "")
    table.add_row("add one document (s)", str(result["add_one_document_seconds"]), "")
    table.add_row("remove one document (s)", str(result["remove_one_document_seconds"]), "")
    for name, step in (result.get("add_remove_steps") or {}).items():
        table.add_row(
            f"  {name}: graph / index (s)",
            f"{step['graph_seconds']} / {step['index_seconds']}",
            f"index {step['index']}, dense {step['dense']}",
        )
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=COUNTRY_MUNICIPALITIES * DOCS_PER_MUNICIPALITY)
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus")
    parser.add_argument("--keep", type=Path, default=None, help="data folder to keep (default: temporary)")
    parser.add_argument("--out", type=Path, default=RESULTS / "country.json")
    args = parser.parse_args()
    result = run(args.documents, args.corpus, args.keep)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    _print(result)


if __name__ == "__main__":
    main()
