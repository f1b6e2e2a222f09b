"""Passage embedding in child processes, so it overlaps the graph side of an ingest.

Why: the graph side of ingest (analysis, RDF, reasoning, store write) is single-threaded Python, and
embedding a document's passages costs as much CPU again or more. Run one after the other, one core
idles during the graph side. ``EmbedWorker`` starts child processes that embed the texts they are
sent into the embedding cache (search.embed, keyed by text hash) while the parent goes on with the
next document; the index refresh at the end then finds the vectors cached.

One child by default: the runtime runs single-threaded, non-spinning model calls side by side
(``$BELEIDSGRAAF_EMBED_THREADS``, default one per CPU), so the child and the graph process keep both
cores busy while the graph side runs, and the child has both when it ends (the split is measured
in the README: "Ingest end to end").
A child that fails is reported by the next ``submit`` or by ``finish`` as :class:`EmbeddingFailed`,
never by a hang: the parent only ever waits with a timeout and checks that the children are alive,
and a child exits when its parent is gone. Leaving the context (an error, Ctrl-C in the parent) kills
the children; the cache is SQLite, so a killed write leaves no half row.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import queue
import signal
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger(__name__)

BATCH_TEXTS = 128  # texts the child embeds per cache write (about two documents); bounds a stop's wait
POLL_SECONDS = 0.5  # how often a waiting side checks that the other is still there
START_TIMEOUT = 300.0  # loading the model in the child (seconds) before the parent gives up


class EmbeddingFailed(RuntimeError):
    """The embedding worker failed; ``reason`` says how (its traceback, or how it died)."""

    def __init__(self, reason: str):
        super().__init__(f"the embedding worker failed: {reason}")
        self.reason = reason


def _child(tasks, results, stop, cache: str, model: str, runtime: str, parent: int) -> None:
    """The worker process: embed what arrives on ``tasks`` into the cache until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop (Ctrl-C goes to both)
    try:
        from search.embed import embed_passages_with_stats
        from search.model import load_model

        load_model(model, runtime)
        results.put(("ready", 0, 0))
        done = False
        while not done and not stop.is_set():
            if os.getppid() != parent:  # the parent died (kill -9): nobody will read the cache
                return
            try:
                item = tasks.get(timeout=POLL_SECONDS)
            except queue.Empty:
                continue
            texts: list[str] = []
            documents = 0
            while item is not None:
                texts.extend(item)
                documents += 1
                if len(texts) >= BATCH_TEXTS:
                    break
                try:
                    item = tasks.get_nowait()
                except queue.Empty:
                    break
            done = item is None
            if texts:
                _, computed = embed_passages_with_stats(
                    texts, model, cache=Path(cache), runtime=runtime, prompt_kind="passage"
                )
                results.put(("embedded", documents, computed))
    except BaseException:  # noqa: BLE001 - everything goes back to the parent as text
        results.put(("error", traceback.format_exc(), 0))
        sys.exit(1)


class EmbedWorker:
    """Child processes embedding documents' passage texts into the embedding cache ``cache``.

    ``processes`` children share one queue of documents, each with its own model (running
    search.runtime.embed_threads() model calls side by side). Use as a context manager: ``submit``
    each document's texts, then ``finish`` (waits until the children have embedded everything
    queued); leaving the block kills children still running (an exception or Ctrl-C in the parent).
    """

    def __init__(self, cache: Path, model: str, runtime: str, *, processes: int = 1):
        ctx = mp.get_context("spawn")  # a fresh interpreter: no copy of the parent's heap or threads
        self._tasks = ctx.Queue()
        self._results = ctx.Queue()
        self._stop = ctx.Event()
        args = (self._tasks, self._results, self._stop, str(cache), model, runtime, os.getpid())
        self._processes = [
            ctx.Process(target=_child, args=args, name=f"beleidsgraaf-embed-{i}", daemon=True)
            for i in range(max(1, processes))
        ]
        self.submitted = 0  # documents sent
        self.documents = 0  # documents whose texts are in the cache
        self.embedded = 0  # texts the children had to compute (the rest were cached already)
        self.ready = 0  # children that have loaded their model
        self._closed = False

    def __enter__(self) -> EmbedWorker:
        for process in self._processes:
            process.start()
        log.debug("embedding workers started (pids %s)", [p.pid for p in self._processes])
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _take(self, message: tuple) -> None:
        kind, a, b = message
        if kind == "error":
            self.close()
            raise EmbeddingFailed(str(a).strip())
        if kind == "ready":
            self.ready += 1
        elif kind == "embedded":
            self.documents += a
            self.embedded += b

    def _reports(self, wait: float = 0.0) -> None:
        """Take the children's reports so far (waiting up to ``wait`` seconds for the first one)."""
        deadline = time.monotonic() + wait
        while True:
            try:
                left = deadline - time.monotonic()
                message = self._results.get(timeout=left) if left > 0 else self._results.get_nowait()
            except queue.Empty:
                return
            self._take(message)

    def _check_alive(self) -> None:
        """EmbeddingFailed when a child failed (with its traceback when it sent one) or died."""
        dead = [p for p in self._processes if p.exitcode not in (None, 0)]
        if dead:
            self._reports(wait=1.0)  # an error report sent just before it exited
            self.close()
            raise EmbeddingFailed(f"it exited with code {dead[0].exitcode}")

    def poll(self) -> None:
        """Take the children's reports so far; EmbeddingFailed when one failed or died."""
        self._reports()
        self._check_alive()

    def submit(self, texts: Sequence[str]) -> None:
        """Queue one document's passage texts (exactly as search.embed feeds them, prompt excluded)."""
        self.poll()
        if texts:
            self._tasks.put(list(texts))
            self.submitted += 1

    def finish(self) -> None:
        """Wait until the children have embedded everything queued and exited; EmbeddingFailed when
        one of them failed or died (never waits on a dead child)."""
        for _ in self._processes:
            self._tasks.put(None)
        started = time.monotonic()
        while any(p.is_alive() for p in self._processes):
            self._reports(wait=POLL_SECONDS)
            self._check_alive()
            if self.ready < len(self._processes) and time.monotonic() - started > START_TIMEOUT:
                self.close()
                raise EmbeddingFailed(f"it did not start within {START_TIMEOUT:.0f} s")
        self._reports()
        self._check_alive()

    def close(self) -> None:
        """End children that still run (kill after a short grace), and release the queues."""
        if self._closed or all(p.pid is None for p in self._processes):
            return
        self._closed = True
        self._stop.set()
        for process in self._processes:
            if process.is_alive():
                process.terminate()
        for process in self._processes:
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join(5)
        for q in (self._tasks, self._results):
            q.cancel_join_thread()
            q.close()

    @property
    def pids(self) -> list[int | None]:
        return [p.pid for p in self._processes]
