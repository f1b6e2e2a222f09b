"""Ingest files into the graph and bring the search index in line: the one function behind ``ingest``.

Why a second process: the graph side of ingest (graph.build) is single-threaded Python, and
embedding the passages costs about as much CPU again. With ``overlap`` each document's passage texts
go to an embedding worker (search.embed_worker) as soon as the document is analysed, while this
process goes on with its RDF, reasoning and store write and with the next document; the index refresh
at the end (search.index.refresh) then finds their vectors in the embedding cache and only embeds
what the worker had not reached. The result is the same store and the same index as the serial path
(graph ingest of every document, then the refresh embedding every new passage): the worker writes
nothing but cache rows keyed by text hash, and the index is still built in a private folder and
swapped in whole.

When a second process is not useful it is not started: fewer than two documents, one usable CPU,
no search index wanted, or ``$BELEIDSGRAAF_INGEST_OVERLAP=off``.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from graph.build import IngestReport, ingest_paths
from graph.writelock import write_lock
from ingest.model import IngestedDocument

log = logging.getLogger(__name__)

OVERLAP_ENV = "BELEIDSGRAAF_INGEST_OVERLAP"  # auto (default) | on | off
WORKERS_ENV = "BELEIDSGRAAF_EMBED_WORKERS"  # embedding processes (default 1; each runs the runtime's
# $BELEIDSGRAAF_EMBED_THREADS model calls side by side)


@dataclass
class IngestResult:
    report: IngestReport  # the graph side, per document
    index: dict | None  # search.index.refresh's statistics; None when the index was not rebuilt
    overlapped: bool  # whether an embedding worker ran beside the graph side
    worker_documents: int = 0  # documents whose passages the worker put in the cache
    worker_embedded: int = 0  # passages the worker computed (the others were cached already)

    def to_dict(self) -> dict:
        out = self.report.to_dict()
        out["search"] = {
            "overlapped": self.overlapped,
            "worker_documents": self.worker_documents,
            "worker_embedded": self.worker_embedded,
            "index": self.index,
        }
        return out


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def use_overlap(documents: int, overlap: bool | None = None) -> bool:
    """Whether an embedding worker beside the graph side can help: an explicit choice, else the
    setting, else auto (at least two documents and two usable CPUs)."""
    if overlap is None:
        setting = os.environ.get(OVERLAP_ENV, "auto").strip().lower()
        if setting in ("off", "0", "false", "no"):
            return False
        if setting in ("on", "1", "true", "yes"):
            overlap = True
    if overlap is False:
        return False
    return documents >= 2 and (overlap is True or _cpus() >= 2)


def passage_texts(doc: IngestedDocument) -> list[str]:
    """A document's passages as the index embeds them (search.embed.passage_text of the rows that
    graph.queries.passages reads back from the store: section path joined by " > ", then the text)."""
    from search.embed import passage_text

    return [
        passage_text({"section": " > ".join(p.section_path) or None, "text": p.text}) for p in doc.passages
    ]


def _setting(name: str, default: int) -> int:
    """A positive whole-number setting from the environment (BadParameter when it is not one)."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        from ontology.errors import BadParameter

        raise BadParameter(f"${name} must be a whole number ≥ 1, not {raw!r}", setting=name, value=raw)
    return value


def ingest_and_index(
    paths: list[Path],
    home: Path,
    *,
    progress: bool = True,
    wait: bool = True,
    search: bool = True,
    overlap: bool | None = None,
) -> IngestResult:
    """Ingest ``paths`` into the store of ``home`` and rebuild its search index (unless ``search`` is
    False), with passage embedding overlapped when it helps (``overlap``: None = decide, see module).

    Holds the data folder's write lock from the first graph write to the index swap. Raises
    search.embed_worker.EmbeddingFailed when the embedding worker fails: the documents stored by
    then stay (each whole), the live index is left as it was (it is then behind the graph, which
    ``stats`` says and the next writer repairs).
    """
    from ingest.load import iter_documents
    from search.index import check, refresh

    home = Path(home)
    with write_lock(home, "ingest", wait=wait):
        documents = sum(1 for _ in iter_documents([Path(p) for p in paths]))
        overlapped = search and use_overlap(documents, overlap)
        worker_documents = worker_embedded = 0
        if overlapped:
            from search.embed import cache_path
            from search.embed_worker import EmbedWorker
            from search.model import configured_model, configured_runtime

            model, runtime = configured_model(), configured_runtime()
            processes = _setting(WORKERS_ENV, 1)
            with EmbedWorker(cache_path(home), model, runtime, processes=processes) as worker:
                report = ingest_paths(
                    paths,
                    home,
                    progress=progress,
                    wait=wait,
                    on_analysed=lambda doc: worker.submit(passage_texts(doc)),
                )
                worker.finish()  # the rest of the queue, on every core now that the graph side is done
                worker_documents, worker_embedded = worker.documents, worker.embedded
            log.info(
                "embedding worker: passages of %d of %d documents cached beside the graph side",
                worker_documents,
                worker.submitted,
            )
        else:
            report = ingest_paths(paths, home, progress=progress, wait=wait)
        stats = None
        if search and (report.documents or not check(home)["in_sync"]):
            stats = refresh(home, progress=progress, wait=wait, purpose="ingest")
    return IngestResult(report, stats, overlapped, worker_documents, worker_embedded)
