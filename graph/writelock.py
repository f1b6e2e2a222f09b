"""One writer for the whole data folder: a cross-process lock held from the first write to the last swap.

The graph store and the search index are two structures on disk; a write touches both (ingest writes
the graph, then rebuilds the index). ``write_lock(home)`` takes ``flock`` on ``<home>/write.lock`` for
the whole of that, so two writers never interleave and never share a build folder. The holder writes
who it is (pid, purpose, start time) into the lock file so a waiting writer and ``stats`` can say who
is writing. The kernel releases the lock when its holder dies (kill -9 included); what such a holder
left half done is found by the generation stamps (see graph.store and search.index).

Within one process the lock is re-entrant per thread: ``ingest`` holds it around the graph writes and
the index rebuild, and both inner steps take it again without blocking. Another thread of the same
process opens its own file description and waits like another process would.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from graph.errors import StoreBusy

log = logging.getLogger(__name__)

LOCK_NAME = "write.lock"
# A probe (``holder``) takes the lock shared for an instant; a writer that meets such a probe retries
# this long before it reports "another process is writing".
PROBE_GRACE_SECONDS = 1.0


def lock_path(home: Path) -> Path:
    return Path(home) / LOCK_NAME


@dataclass
class _Held:
    fd: int
    thread: int
    depth: int
    purpose: str
    since: str


_held: dict[Path, _Held] = {}
_mutex = threading.Lock()


def _key(home: Path) -> Path:
    return Path(home).resolve()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read_info(fd: int) -> dict | None:
    try:
        raw = os.pread(fd, 4096, 0)
        info = json.loads(raw.decode("utf-8")) if raw.strip() else None
    except (OSError, ValueError):
        return None
    if not isinstance(info, dict):
        return None
    pid = info.get("pid")
    if isinstance(pid, int) and not _pid_alive(pid):
        return None  # written by a holder that died; the kernel has released its lock
    return info


def describe(info: dict | None) -> str:
    """'pid 123, ingest, since 16:40:12' for messages."""
    if not info:
        return "unknown process"
    parts = [f"pid {info.get('pid')}"]
    if info.get("purpose"):
        parts.append(str(info["purpose"]))
    if info.get("since"):
        parts.append(f"since {info['since']}")
    return ", ".join(parts)


def holder(home: Path) -> dict | None:
    """Who holds the write lock of ``home`` right now (pid, purpose, since), or None when nobody does.

    Takes the lock shared for an instant, never exclusively, so it does not stop a writer for long.
    ``self`` is True when the asking thread holds it itself.
    """
    key = _key(home)
    with _mutex:
        mine = _held.get(key)
        if mine is not None:  # this process; "self" when it is the asking thread's own write
            me = mine.thread == threading.get_ident()
            return {"pid": os.getpid(), "purpose": mine.purpose, "since": mine.since, "self": me}
    path = lock_path(home)
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise
            return _read_info(fd) or {"pid": None, "purpose": None, "since": None}
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _default_notify(message: str) -> None:
    log.warning("%s", message)


class WriteLock:
    """``with WriteLock(home, "ingest"):`` — exclusive right to write graph and search index of ``home``.

    ``wait=False`` raises :class:`StoreBusy` (a clear message) instead of waiting for another writer.
    """

    def __init__(
        self,
        home: Path,
        purpose: str,
        *,
        wait: bool = True,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.home = Path(home)
        self.purpose = purpose
        self.wait = wait
        self.notify = notify or _default_notify
        self.waited = 0.0

    def __enter__(self) -> WriteLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def acquire(self) -> None:
        key = _key(self.home)
        me = threading.get_ident()
        with _mutex:
            held = _held.get(key)
            if held is not None and held.thread == me:
                held.depth += 1
                return
        self.home.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path(self.home), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            self._lock(fd)
        except BaseException:
            os.close(fd)
            raise
        info = {
            "pid": os.getpid(),
            "purpose": self.purpose,
            "since": datetime.now().astimezone().isoformat(timespec="seconds"),
            "command": " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv))[:300],
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode("utf-8"), 0)
        with _mutex:
            _held[key] = _Held(fd=fd, thread=me, depth=1, purpose=self.purpose, since=info["since"])
        log.debug("write lock on %s taken for %s", self.home, self.purpose)

    def _lock(self, fd: int) -> None:
        started = time.monotonic()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                    raise
            info = _read_info(fd)
            if info is None and time.monotonic() - started < PROBE_GRACE_SECONDS:
                time.sleep(0.05)  # a reader probing for an instant, or a holder just starting
                continue
            message = f"another beleidsgraaf process is writing to {self.home} ({describe(info)})"
            if not self.wait:
                raise StoreBusy(f"{message}; run again when it has finished (or without --no-wait to wait)")
            self.notify(f"{message}; waiting…")
            fcntl.flock(fd, fcntl.LOCK_EX)  # blocks until the holder releases or dies
            self.waited = time.monotonic() - started
            log.info("write lock on %s free after %.1f s; continuing", self.home, self.waited)
            return

    def release(self) -> None:
        key = _key(self.home)
        with _mutex:
            held = _held.get(key)
            if held is None or held.thread != threading.get_ident():
                return
            held.depth -= 1
            if held.depth > 0:
                return
            del _held[key]
        try:
            os.ftruncate(held.fd, 0)
        finally:
            fcntl.flock(held.fd, fcntl.LOCK_UN)
            os.close(held.fd)


def write_lock(
    home: Path, purpose: str, *, wait: bool = True, notify: Callable[[str], None] | None = None
) -> WriteLock:
    """The write lock of ``home`` (use as a context manager)."""
    return WriteLock(home, purpose, wait=wait, notify=notify)
