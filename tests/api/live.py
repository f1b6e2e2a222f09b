"""A real uvicorn server on a free loopback port, in a background thread, for protocol/load/browser tests."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn


def ensure_search_index(home: Path) -> Path:
    """Build the search index inside ``home`` once (embeddings are cached, so a rebuild is cheap)."""
    from search.index import refresh

    if not (home / "search").exists():
        refresh(home, progress=False)
    return home


class LiveServer:
    """``with LiveServer(app) as url:`` serves ``app`` on 127.0.0.1 and stops it afterwards."""

    def __init__(self, app, startup_timeout: float = 30.0) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=5)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.startup_timeout = startup_timeout

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + self.startup_timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
