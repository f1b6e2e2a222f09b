"""Ingest files into the store: ingest → RDF → reasoning → atomic replace, one document at a time.

A failing file never stops the others: its reason is recorded in the report. Re-ingesting a file
replaces its named graphs, so ingest is idempotent. Writing holds the data folder's write lock
(graph.writelock); ``wait=False`` fails with StoreBusy instead of waiting for another writer.
"""

from __future__ import annotations

import gc
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from graph import fact_table, pause
from graph.rdf import document_graph
from graph.reason import infer_document
from graph.store import GraphStore
from ingest.model import IngestedDocument

log = logging.getLogger(__name__)


@dataclass
class DocumentReport:
    file: str
    doc_id: str
    passages: int
    facts: int
    asserted: int
    inferred: int
    seconds: float


@dataclass
class IngestReport:
    documents: list[DocumentReport] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    skipped: list[str] = field(default_factory=list)  # files whose doc_id another file already had
    stage_seconds: dict[str, float] = field(default_factory=dict)
    ontology_reloaded: bool = False

    @property
    def totals(self) -> dict[str, float]:
        keys = ("passages", "facts", "asserted", "inferred", "seconds")
        sums = {k: sum(getattr(d, k) for d in self.documents) for k in keys}
        sums["documents"] = len(self.documents)
        sums["failures"] = len(self.failures)
        return sums

    def to_dict(self) -> dict:
        return {
            "documents": [asdict(d) for d in self.documents],
            "failures": [{"file": f, "reason": r} for f, r in self.failures],
            "skipped": list(self.skipped),
            "totals": self.totals,
            "stage_seconds": {k: round(v, 3) for k, v in self.stage_seconds.items()},
            "ontology_reloaded": self.ontology_reloaded,
        }


def _fact_count(doc) -> int:
    return sum(
        len(items)
        for items in (
            doc.themes,
            doc.instruments,
            doc.partners,
            doc.goals,
            doc.targets,
            doc.indicators,
            doc.figures,
        )
    )


def _expand(paths: list[Path]) -> list[Path]:
    """Files to ingest: folders expanded by ingest.load.iter_documents (missing files are kept so
    that ingest_file reports them as failures)."""
    from ingest.load import iter_documents

    return [Path(p) for p in iter_documents([Path(p) for p in paths])]


def _progress(enabled: bool):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=not enabled,
        transient=True,
    )


def ingest_document(store: GraphStore, doc, stages: dict[str, float]) -> DocumentReport:
    """RDF → reasoning → store for one analysed document; adds its stage times to ``stages``."""
    started = time.perf_counter()
    asserted = document_graph(doc)
    t1 = time.perf_counter()
    inferred = infer_document(asserted)
    t2 = time.perf_counter()
    store.replace_document(doc.meta.doc_id, asserted, inferred)
    pause.stage("graph-commit")
    t3 = time.perf_counter()
    stages["rdf"] += t1 - started
    stages["reason"] += t2 - t1
    stages["store"] += t3 - t2
    log.debug(
        "%s: %d asserted, %d inferred, reasoning %.2fs",
        doc.meta.doc_id,
        len(asserted),
        len(inferred),
        t2 - t1,
    )
    return DocumentReport(
        file=doc.meta.file,
        doc_id=doc.meta.doc_id,
        passages=len(doc.passages),
        facts=_fact_count(doc),
        asserted=len(asserted),
        inferred=len(inferred),
        seconds=0.0,
    )


@contextmanager
def _settled_heap() -> Iterator[Callable[[], None]]:
    """Keep the cyclic garbage collector off what outlives a document (models, vocabularies, caches).

    Why: every document allocates hundreds of thousands of objects (rdflib terms, quads), which
    triggers full collections that walk the whole heap, loaded NLP and embedding models included;
    measured at about a quarter of the ingest time. After each document the caller calls the yielded
    function: it collects that document's cyclic garbage, then freezes the survivors so later
    collections skip them. Leaving the block unfreezes everything (no object stays exempt after the
    batch, so nothing leaks in a long-running process).
    """

    def settle() -> None:
        gc.collect()
        gc.freeze()

    try:
        yield settle
    finally:
        gc.unfreeze()


def ingest_paths(
    paths: list[Path],
    home: Path,
    progress: bool = True,
    *,
    wait: bool = True,
    on_analysed: Callable[[IngestedDocument], None] | None = None,
) -> IngestReport:
    """Ingest files and folders into the store under ``home``; never raises for a single bad file.

    ``on_analysed`` is called with each document right after its analysis, before its RDF, reasoning
    and store write (a later stage may overlap that work, e.g. embed the passages in another process).
    Its errors are not a bad file: they stop the batch and propagate (documents already stored stay,
    each whole).
    """
    from ingest.errors import IngestError
    from ingest.pipeline import ingest_file

    report = IngestReport()
    files = _expand(paths)
    stages: dict[str, float] = defaultdict(float)
    seen: dict[str, str] = {}  # doc_id -> file name, to catch two files mapping to one document
    with GraphStore.open(home, wait=wait, purpose="ingest") as store:
        t0 = time.perf_counter()
        report.ontology_reloaded = store.ensure_ontology()
        if report.ontology_reloaded and store.document_ids():
            refresh_inferences(store)
        stages["ontology"] += time.perf_counter() - t0
        with _progress(progress) as bar, _settled_heap() as settle:
            task = bar.add_task("ingest", total=len(files))
            for path in files:
                bar.update(task, description=f"ingest {path.name}")
                started = time.perf_counter()
                doc = None
                try:
                    doc = ingest_file(path)
                    for stage, seconds in doc.timings.items():
                        stages[stage] += seconds
                    earlier = seen.get(doc.meta.doc_id)
                    if earlier is not None:
                        reason = f"same document id {doc.meta.doc_id!r} as {earlier}; not ingested twice"
                        report.skipped.append(str(path))
                        report.failures.append((str(path), reason))
                        doc = None
                    else:
                        seen[doc.meta.doc_id] = path.name
                except IngestError as exc:
                    log.warning("%s: %s", path.name, exc.reason)
                    report.failures.append((str(path), exc.reason))
                except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
                    log.exception("%s: unexpected error", path.name)
                    report.failures.append((str(path), f"unexpected error: {type(exc).__name__}: {exc}"))
                if doc is not None:
                    if on_analysed is not None:
                        on_analysed(doc)  # outside the per-file guard: its failure stops the batch
                    entry = _store_document(store, doc, stages, report, path)
                    if entry is not None:
                        entry.seconds = round(time.perf_counter() - started, 3)
                        report.documents.append(entry)
                settle()
                bar.advance(task)
        t0 = time.perf_counter()
        fact_table.sync(store, progress=progress)
        stages["fact table"] += time.perf_counter() - t0
    report.stage_seconds = dict(stages)
    return report


def _store_document(
    store: GraphStore, doc: IngestedDocument, stages: dict[str, float], report: IngestReport, path: Path
) -> DocumentReport | None:
    """``ingest_document`` with a failure recorded in ``report`` instead of raised (one bad file)."""
    from ingest.errors import IngestError

    try:
        return ingest_document(store, doc, stages)
    except IngestError as exc:
        log.warning("%s: %s", path.name, exc.reason)
        report.failures.append((str(path), exc.reason))
        return None
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
        log.exception("%s: unexpected error", path.name)
        report.failures.append((str(path), f"unexpected error: {type(exc).__name__}: {exc}"))
        return None


def refresh_inferences(store: GraphStore) -> int:
    """Recompute every document's inferred graph from its stored asserted graph (after an ontology change)."""
    from graph.namespaces import asserted_graph

    doc_ids = store.document_ids()
    for doc_id in doc_ids:
        asserted = store.export_graph(asserted_graph(doc_id))
        store.replace_document(doc_id, asserted, infer_document(asserted))
    log.info("recomputed inferences of %d documents", len(doc_ids))
    return len(doc_ids)


def remove(home: Path, document: str, *, wait: bool = True) -> str:
    """Remove a document (by file name or doc_id) from the store; returns its doc_id."""
    from graph.queries import resolve_document

    with GraphStore.open(home, wait=wait, purpose="remove") as store:
        doc_id = resolve_document(store, document)
        store.remove_document(doc_id)
        fact_table.sync(store)
    return doc_id
