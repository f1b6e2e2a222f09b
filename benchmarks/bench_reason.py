"""Per-document OWL 2 RL reasoning on the largest corpus document: incremental vs full closure vs owlrl.

``python -m benchmarks.bench_reason [--home DIR]``. The corpus is ingested into a temporary folder (graph
only) unless ``--home`` holds an ingested store. Three ways, same graph, same run:
- incremental (``graph.reason.infer_document``: rules instantiated from the cached ontology closure);
- full closure (``graph.reason.infer_document_full``: reasonable + chains on ontology closure ∪
  document, the method used before);
- owlrl (reference OWL 2 RL in pure Python) on ontology ∪ document.
Wall and CPU seconds (best of ``--rounds``; owlrl once) and the check that the project-namespace
entailments agree are reported.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def _best(fn, rounds: int) -> tuple[float, float, object]:
    best_wall, best_cpu, out = float("inf"), float("inf"), None
    for _ in range(rounds):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        best_wall = min(best_wall, time.perf_counter() - w)
        best_cpu = min(best_cpu, time.process_time() - c)
    return best_wall, best_cpu, out


def run(home: Path | None, rounds: int) -> dict:
    import owlrl
    from rdflib import Graph, URIRef

    from benchmarks.corpus_store import corpus_store
    from graph.namespaces import asserted_graph
    from graph.reason import _is_trivial, infer_document, infer_document_full, ontology_closure
    from graph.schema import ontology_graph
    from ontology import ID, TOOI_GEMEENTE

    with corpus_store(home) as store:
        graphs = {d: store.export_graph(asserted_graph(d)) for d in store.document_ids()}
    doc_id, asserted = max(graphs.items(), key=lambda kv: len(kv[1]))
    t0 = time.perf_counter()
    ontology_closure()
    closure_seconds = time.perf_counter() - t0
    new_wall, new_cpu, new = _best(lambda: infer_document(asserted), rounds)
    old_wall, old_cpu, old = _best(lambda: infer_document_full(asserted), rounds)

    def reference() -> Graph:
        g = Graph()
        g += ontology_graph()
        g += asserted
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
        return g

    ref_wall, ref_cpu, ref = _best(reference, 1)
    ours = set(asserted) | set(new) | set(ontology_closure().triples)

    def project(triples) -> set:
        """Non-trivial instance triples between IRIs (documents, concepts, municipalities), as the test."""
        return {
            t
            for t in triples
            if str(t[0]).startswith((ID, TOOI_GEMEENTE)) and isinstance(t[2], URIRef) and not _is_trivial(t)
        }

    mine, theirs = project(ours), project(ref)
    return {
        "document": doc_id,
        "asserted_triples": len(asserted),
        "inferred_triples": len(new),
        "ontology_closure_seconds_once": round(closure_seconds, 3),
        "incremental": {"wall_s": round(new_wall, 3), "cpu_s": round(new_cpu, 3)},
        "full_closure": {"wall_s": round(old_wall, 3), "cpu_s": round(old_cpu, 3)},
        "owlrl": {"wall_s": round(ref_wall, 3), "cpu_s": round(ref_cpu, 3)},
        "speedup_vs_owlrl_wall": round(ref_wall / new_wall, 1),
        "speedup_vs_full_wall": round(old_wall / new_wall, 1),
        "same_as_full_closure": set(new) == set(old),
        "instance_triples_only_in_owlrl": len(theirs - mine),
        "instance_triples_only_here": len(mine - theirs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(run(args.home, args.rounds), indent=2))


if __name__ == "__main__":
    main()
