"""The data folder's write lock: one writer across processes and threads, re-entrant in its holder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from graph.errors import StoreBusy
from graph.store import GraphStore
from graph.writelock import holder, write_lock

REPO = Path(__file__).resolve().parents[2]
HOLD = (
    "import sys, time; from graph.writelock import write_lock\n"
    "with write_lock(sys.argv[1], 'ingest'):\n"
    "    print('locked', flush=True); time.sleep(120)\n"
)


def _holding_process(home: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(home)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_reentrant_in_the_holding_thread_and_exclusive_for_others(tmp_path):
    assert holder(tmp_path) is None
    with write_lock(tmp_path, "ingest"):
        with write_lock(tmp_path, "ingest"):  # ingest around graph writes and index rebuild
            pass
        assert holder(tmp_path)["self"] is True
        refused: list[Exception] = []
        seen: list[dict | None] = []

        def other() -> None:
            seen.append(holder(tmp_path))  # e.g. /api/stats while the server's repair thread writes
            try:
                with write_lock(tmp_path, "remove", wait=False):
                    pass
            except StoreBusy as exc:
                refused.append(exc)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        assert len(refused) == 1 and f"(pid {os.getpid()}, ingest, since" in str(refused[0])
        assert seen[0]["self"] is False and seen[0]["purpose"] == "ingest" and seen[0]["pid"] == os.getpid()
    with write_lock(tmp_path, "remove", wait=False):  # released after the outer block
        pass


def test_another_process_waits_or_fails_and_a_killed_holder_releases(tmp_path):
    proc = _holding_process(tmp_path)
    try:
        info = holder(tmp_path)
        assert info["pid"] == proc.pid and info["purpose"] == "ingest"
        with pytest.raises(StoreBusy, match=f"writing to {tmp_path} \\(pid {proc.pid}, ingest, since"):
            GraphStore.open(tmp_path, wait=False)
        messages: list[str] = []
        killer = threading.Timer(1.0, lambda: proc.send_signal(signal.SIGKILL))
        killer.start()
        started = time.monotonic()
        with write_lock(tmp_path, "ingest", notify=messages.append):
            waited = time.monotonic() - started
        killer.join()
        assert waited >= 0.9  # it waited for the holder, which was killed after 1 s
        assert len(messages) == 1 and messages[0].endswith("waiting…") and f"pid {proc.pid}" in messages[0]
        assert holder(tmp_path) is None
    finally:
        proc.kill()
        proc.wait()
