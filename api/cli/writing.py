"""What the writing commands (ingest, remove, reindex) share: ``--no-wait`` and the index refresh.

Each runs under the data folder's write lock (graph.writelock) from its first write to the index swap,
so a second writer waits with a message on stderr, or fails at once with ``--no-wait`` (exit 2).
"""

from __future__ import annotations

from pathlib import Path

import click

no_wait_option = click.option(
    "--no-wait",
    is_flag=True,
    help="Fail at once (exit 2) when another process is writing to the store, instead of waiting.",
)


def refresh_search(home: Path, *, wait: bool = True, purpose: str = "reindex", full: bool = False) -> dict:
    """Bring the search index in line with the graph store (search/ owns the index): an update of the
    changed documents when it can, a build from every passage with ``full``."""
    from search.index import refresh

    return refresh(home, progress=True, wait=wait, purpose=purpose, full=full)
