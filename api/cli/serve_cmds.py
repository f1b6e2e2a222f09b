"""`beleidsgraaf serve`: the HTTP server (JSON API, SPARQL endpoint, web UI) over the data folder."""

from __future__ import annotations

import logging
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
@click.pass_obj
def serve(
    obj: dict, host: str, port: int, sparql_timeout: float | None, sparql_row_limit: int | None
) -> None:
    """Serve the web UI (/), the JSON API (/api, docs at /docs) and the SPARQL endpoint (/sparql).

    Updates through /sparql stay refused unless $BELEIDSGRAAF_UPDATE_TOKEN is set.
    """
    import uvicorn

    from api.app import create_app

    app = create_app(obj["home"], sparql_timeout=sparql_timeout, sparql_row_limit=sparql_row_limit)
    threading.Thread(target=_warm_up, args=(obj["home"],), name="warm-up", daemon=True).start()
    log.info("serving %s on http://%s:%d/", obj["home"], host, port)
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False)


def _warm_up(home: Path) -> None:
    """Load the embedding model and search index before the first visitor asks (best effort)."""
    from search.engine import search

    try:
        search(home, "veiligheid", top_k=1)
        log.info("search index and embedding model loaded")
    except Exception as exc:  # noqa: BLE001 - an empty data folder is fine; the first search will say so
        log.info("search warm-up skipped: %s", exc)


COMMANDS = [serve]
