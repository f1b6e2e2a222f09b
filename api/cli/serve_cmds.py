"""`beleidsgraaf serve`: the HTTP server (JSON API, SPARQL endpoint, web UI) over the data folder.

``--workers N`` (default: the number of cores) runs N uvicorn worker processes on one socket, so
CPU-bound requests (query embedding, fusion, SPARQL) use every core. Each worker builds its app with
:func:`worker_app` from the environment (``BELEIDSGRAAF_HOME`` and the ``BELEIDSGRAAF_SPARQL_*``
settings, which ``serve`` sets), opens the store read-only and reopens it when the store generation
changes; the search index is reloaded when a refresh swaps in a new one. Before serving, the parent
repairs a search index that an interrupted write left behind the graph (in a background thread, under
the write lock; ``/api/stats`` reports it meanwhile).
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import click

log = logging.getLogger(__name__)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="TCP port.")
@click.option(
    "--sparql-timeout",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Seconds a SPARQL query may run (default $BELEIDSGRAAF_SPARQL_TIMEOUT or 30).",
)
@click.option(
    "--sparql-row-limit",
    type=click.IntRange(min=1),
    default=None,
    help="Rows after which SPARQL results are truncated (default $BELEIDSGRAAF_SPARQL_ROW_LIMIT or 10000).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: the number of cores). Each loads the embedding model and index.",
)
@click.pass_obj
def serve(
    obj: dict,
    host: str,
    port: int,
    sparql_timeout: float | None,
    sparql_row_limit: int | None,
    workers: int | None,
) -> None:
    """Serve the web UI (/), the JSON API (/api, docs at /docs) and the SPARQL endpoint (/sparql).

    Updates through /sparql stay refused unless $BELEIDSGRAAF_UPDATE_TOKEN is set.
    """
    import uvicorn

    home = Path(obj["home"]).absolute()
    workers = workers or default_workers()
    threading.Thread(target=_repair, args=(home,), name="repair", daemon=True).start()
    log.info("serving %s on http://%s:%d/ with %d worker(s)", home, host, port, workers)
    if workers == 1:
        from api.app import create_app

        app = create_app(home, sparql_timeout=sparql_timeout, sparql_row_limit=sparql_row_limit)
        threading.Thread(target=_warm_up, args=(home,), name="warm-up", daemon=True).start()
        uvicorn.run(app, host=host, port=port, log_level="info", access_log=False)
        return
    os.environ[HOME_ENV] = str(home)  # the workers build their app from the environment
    if sparql_timeout is not None:
        os.environ["BELEIDSGRAAF_SPARQL_TIMEOUT"] = str(sparql_timeout)
    if sparql_row_limit is not None:
        os.environ["BELEIDSGRAAF_SPARQL_ROW_LIMIT"] = str(sparql_row_limit)
    # N processes on N cores: one compute thread each, so workers do not fight over the cores
    os.environ.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // workers)))
    uvicorn.run(
        "api.cli.serve_cmds:worker_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=False,
        # a worker loading torch and the model holds the GIL for seconds; do not take it for dead
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )


WORKER_HEALTHCHECK_SECONDS = 120
HOME_ENV = "BELEIDSGRAAF_HOME"


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def worker_app():
    """The app of one worker process (uvicorn factory): settings from the environment, warmed up."""
    import sys

    from api.app import create_app

    if not logging.getLogger().handlers:  # a spawned worker does not run the CLI's logging set-up
        logging.basicConfig(
            stream=sys.stderr, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s"
        )
    home = Path(os.environ[HOME_ENV])
    app = create_app(home)
    threading.Thread(target=_warm_up, args=(home,), name="warm-up", daemon=True).start()
    return app


def _repair(home: Path) -> None:
    """Bring a search index that an interrupted write left behind the graph back in step (best effort)."""
    from search.index import repair

    try:
        repair(home, progress=True)
    except Exception as exc:  # noqa: BLE001 - serving the graph must not depend on the repair
        log.warning("search index repair failed: %s; run `beleidsgraaf reindex`", exc)


def _warm_up(home: Path) -> None:
    """Load the embedding model, the search index and the fact table before the first visitor asks
    (best effort; at the country's size the fact table alone takes seconds to load from its files)."""
    from graph import fact_table
    from graph.store import GraphStore
    from search.engine import search

    try:
        search(home, "veiligheid", top_k=1)
        log.info("search index and embedding model loaded (pid %d)", os.getpid())
    except Exception as exc:  # noqa: BLE001 - an empty data folder is fine; the first search will say so
        log.info("search warm-up skipped: %s", exc)
    try:
        with GraphStore.open(home, read_only=True) as store:
            fact_table.table(store)  # kept per process: the server's own handle reuses what it read
        log.info("fact table loaded (pid %d)", os.getpid())
    except Exception as exc:  # noqa: BLE001 - the first which reads it then
        log.info("fact table warm-up skipped: %s", exc)


COMMANDS = [serve]
