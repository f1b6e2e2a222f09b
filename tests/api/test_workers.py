"""`serve --workers 2`: two processes on one loopback port, each following the store's new generations."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx

from graph.build import ingest_document
from graph.store import GraphStore
from tests.graph.sample import DOC_ID, sample_document

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_every_worker_serves_and_notices_new_documents(tmp_path):
    with GraphStore.open(tmp_path) as writer:
        writer.ensure_ontology()
    port = _free_port()
    cmd = [sys.executable, "-c", "from api.cli import main; main()", "--store", str(tmp_path)]
    cmd += ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True).start()
    try:
        deadline = time.monotonic() + 240
        while sum("Application startup complete" in line for line in lines) < 2:
            assert proc.poll() is None and time.monotonic() < deadline, "".join(lines)
            time.sleep(0.2)
        workers = {line.split("[")[1].split("]")[0] for line in lines if "Started server process" in line}
        assert len(workers) == 2  # two worker processes behind one socket
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            assert http.get("/api/documents").json() == []
            with GraphStore.open(tmp_path) as writer:  # an ingest beside the running server
                ingest_document(writer, sample_document(), defaultdict(float))
            answers = [[d["doc_id"] for d in http.get("/api/documents").json()] for _ in range(20)]
            assert answers == [[DOC_ID]] * 20  # whichever worker answered
            state = http.get("/api/stats").json()["search"]
            assert state["state"] == "behind" and state["documents_behind"] == 1  # graph only: no index yet
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
