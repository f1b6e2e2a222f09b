"""A pool of query worker processes, so no query can take the server down or hold a slot forever.

Each job goes to an idle worker and is answered within the request's deadline. The waiting thread
watches the worker meanwhile: past the deadline the worker is killed (``QueryTimeout``); above the
memory ceiling (resident set size, polled every ``POLL_SECONDS``) it is killed (``MemoryExceeded``);
if it dies by itself (a segfault in the engine) the job fails with ``WorkerCrashed``. In every case
a replacement starts at once in the background, so the slot is free again as soon as it is ready.

Workers start lazily, on the first job of the process (one pool per server process, so several
uvicorn workers each have their own), and ``close`` kills them; a worker also exits by itself when
its parent is gone. The calls here block: the protocol runs them on its own threads.
"""

from __future__ import annotations

import atexit
import collections
import json
import logging
import os
import pickle
import queue
import select
import signal
import subprocess
import sys
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.sparql.worker import HEADER, write_frame

log = logging.getLogger(__name__)

POLL_SECONDS = 0.05
START_SECONDS = 60.0
_PAGE = os.sysconf("SC_PAGE_SIZE")
_OUT_OF_MEMORY_SIGNS = ("memory allocation of", "MemoryError", "out of memory")


class PoolError(Exception):
    """A job that got no answer from a worker."""


class PoolBusy(PoolError):
    """No worker became free before the deadline."""


class QueryTimeout(PoolError):
    """The job ran past its deadline; its worker was killed."""


class MemoryExceeded(PoolError):
    """The worker grew past the memory ceiling; it was killed."""

    def __init__(self, rss_mb: float, limit_mb: int) -> None:
        super().__init__(f"worker used {rss_mb:.0f} MB, above the ceiling of {limit_mb} MB")
        self.rss_mb = rss_mb
        self.limit_mb = limit_mb


class WorkerCrashed(PoolError):
    """The worker died while running the job (e.g. a segfault in the engine)."""


@dataclass(frozen=True)
class PoolSettings:
    """Size and limits of the pool; ``memory_mb`` is the resident-set ceiling of one worker."""

    size: int = 2
    memory_mb: int = 1024
    stack_mb: int = 64


class _Worker:
    """One worker process and the pipes to it."""

    def __init__(self, home: Path, settings: PoolSettings) -> None:
        config = {
            "home": str(home),
            "parent": os.getpid(),
            "stack_mb": settings.stack_mb,
            # a hard backstop for allocations between two RSS polls: twice the ceiling plus the stack
            "data_limit_mb": 2 * settings.memory_mb + settings.stack_mb,
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "api.sparql.worker", json.dumps(config)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # a Ctrl-C on the server's terminal is the server's to handle
        )
        self.pid = self.proc.pid
        self.peak_rss_mb = 0.0
        self._stderr_tail: collections.deque[str] = collections.deque(maxlen=20)
        threading.Thread(target=self._drain_stderr, name=f"sparql-worker-{self.pid}-log", daemon=True).start()

    def _drain_stderr(self) -> None:
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip()
            self._stderr_tail.append(line)
            log.warning("sparql worker %d: %s", self.pid, line)

    def rss_mb(self) -> float:
        try:
            with open(f"/proc/{self.pid}/statm", "rb") as statm:
                return int(statm.read().split()[1]) * _PAGE / 1024 / 1024
        except (OSError, IndexError, ValueError):
            return 0.0

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.alive():
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass

    def send(self, message: Any) -> None:
        write_frame(self.proc.stdin, message)

    def receive(self, deadline: float, memory_mb: float | None) -> Any:
        """The worker's next message; raises on the deadline, the memory ceiling or its death."""
        fd = self.proc.stdout.fileno()
        data = b""
        size: int | None = None
        while size is None or len(data) < size + HEADER.size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise QueryTimeout
            ready, _, _ = select.select([fd], [], [], min(POLL_SECONDS, remaining))
            if memory_mb is not None:
                rss = self.rss_mb()
                self.peak_rss_mb = max(self.peak_rss_mb, rss)
                if rss > memory_mb:
                    raise MemoryExceeded(rss, int(memory_mb))
            if not ready:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise WorkerCrashed(self._death())
            data += chunk
            if size is None and len(data) >= HEADER.size:
                (size,) = HEADER.unpack(data[: HEADER.size])
        return pickle.loads(data[HEADER.size :])

    def _death(self) -> str:
        """How the worker ended, for logs and the client."""
        try:
            code = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        if code < 0:
            try:
                return f"killed by signal {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exited with code {code}"

    def out_of_memory(self) -> bool:
        """Did the worker say it failed to allocate (the RLIMIT_DATA backstop or a MemoryError)?"""
        time.sleep(0.05)  # let the stderr reader catch the last lines
        return any(sign in line for line in self._stderr_tail for sign in _OUT_OF_MEMORY_SIGNS)


_POOLS: weakref.WeakSet[QueryPool] = weakref.WeakSet()


class QueryPool:
    """``size`` worker processes over the store at ``home``; ``run`` answers one job."""

    def __init__(self, home: Path, settings: PoolSettings = PoolSettings()) -> None:
        self.home = Path(home)
        self.settings = settings
        self._lock = threading.Lock()
        self._idle: queue.Queue[_Worker | None] = queue.Queue()
        self._workers: set[_Worker] = set()
        self._busy: set[_Worker] = set()
        self._started = False
        self._epoch = 0  # bumped by close: workers of an earlier epoch never return to the pool
        _POOLS.add(self)

    # -- life cycle -----------------------------------------------------------------------------

    def _ensure_started(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
            epoch = self._epoch
        for _ in range(self.settings.size):  # in the background: the first job takes the first one ready
            self._start_in_background(epoch)

    def _start_worker(self, deadline: float) -> _Worker:
        worker = _Worker(self.home, self.settings)
        with self._lock:
            self._workers.add(worker)
        try:
            hello = worker.receive(deadline, None)
        except PoolError:
            self._forget(worker)
            raise
        if not (isinstance(hello, dict) and hello.get("ready") == worker.pid):
            self._forget(worker)
            raise WorkerCrashed(f"worker {worker.pid} did not start: {hello!r}")
        return worker

    def _forget(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._workers.discard(worker)
            self._busy.discard(worker)

    def _replace(self, worker: _Worker, epoch: int) -> None:
        """Kill ``worker`` and start its replacement in the background; the slot returns when ready."""
        self._forget(worker)
        self._start_in_background(epoch)

    def _start_in_background(self, epoch: int) -> None:
        def start() -> None:
            replacement: _Worker | None = None
            try:
                if epoch == self._epoch:
                    replacement = self._start_worker(time.monotonic() + START_SECONDS)
            except (PoolError, OSError) as exc:
                if epoch == self._epoch:  # not merely killed by close()
                    log.error("could not start a SPARQL worker: %s", exc)  # the next job tries again
            self._give_back(replacement, epoch)

        threading.Thread(target=start, name="sparql-worker-start", daemon=True).start()

    def _give_back(self, worker: _Worker | None, epoch: int) -> None:
        """Return a slot to the pool, unless the pool was closed since the slot was taken."""
        with self._lock:
            if epoch == self._epoch:
                self._idle.put(worker)
                return
        if worker is not None:
            self._forget(worker)

    def close(self) -> None:
        """Kill every worker; the next job starts the pool again."""
        with self._lock:
            self._epoch += 1
            workers = list(self._workers)
            self._workers.clear()
            self._busy.clear()
            self._started = False
            self._idle = queue.Queue()
        for worker in workers:
            worker.kill()

    # -- jobs -----------------------------------------------------------------------------------

    def pids(self, busy_only: bool = False) -> list[int]:
        """Process ids of the live workers (or of those running a job): for tests and monitoring."""
        with self._lock:
            return sorted(w.pid for w in (self._busy if busy_only else self._workers) if w.alive())

    def run(self, job: dict[str, Any], wait_until: float, timeout: float) -> dict[str, Any]:
        """The answer to ``job`` from a worker free by ``wait_until`` (time.monotonic) that answers
        within ``timeout`` seconds, or a PoolError."""
        self._ensure_started()
        epoch, idle = self._epoch, self._idle
        try:
            worker = idle.get(timeout=max(0.0, wait_until - time.monotonic()))
        except queue.Empty:
            raise PoolBusy from None
        try:
            if worker is None or not worker.alive():
                if worker is not None:
                    self._forget(worker)
                worker = self._start_worker(time.monotonic() + START_SECONDS)
        except (PoolError, OSError):
            self._give_back(None, epoch)
            raise
        deadline = time.monotonic() + timeout
        with self._lock:
            self._busy.add(worker)
        try:
            worker.send(job)
            answer = worker.receive(deadline, self.settings.memory_mb)
        except MemoryExceeded as exc:
            log.warning(
                "SPARQL worker %d stopped at %.0f MB (ceiling %d MB)", worker.pid, exc.rss_mb, exc.limit_mb
            )
            self._replace(worker, epoch)
            raise
        except QueryTimeout:
            self._replace(worker, epoch)
            raise
        except (WorkerCrashed, BrokenPipeError, OSError) as exc:
            if worker.out_of_memory():
                self._replace(worker, epoch)
                raise MemoryExceeded(worker.peak_rss_mb, self.settings.memory_mb) from None
            log.error("SPARQL worker %d crashed: %s", worker.pid, exc)
            self._replace(worker, epoch)
            raise WorkerCrashed(str(exc)) from None
        with self._lock:
            self._busy.discard(worker)
        if isinstance(answer, dict) and answer.get("code") == "memory":
            self._replace(worker, epoch)
            raise MemoryExceeded(worker.peak_rss_mb, self.settings.memory_mb)
        self._give_back(worker, epoch)
        return answer


@atexit.register
def _close_all() -> None:
    """No worker outlives the server process."""
    for pool in list(_POOLS):
        pool.close()
