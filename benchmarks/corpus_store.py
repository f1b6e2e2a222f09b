"""The corpus graph store a benchmark reads: a given data folder, or the corpus ingested into a temp one."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@contextmanager
def corpus_store(home: Path | None) -> Iterator:
    """A read-only GraphStore over ``home``, else over ``corpus/`` ingested (graph only) into a temp dir."""
    from graph.build import ingest_paths
    from graph.store import GraphStore

    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as tmp:
        if home is None:
            home = Path(tmp)
            ingest_paths([REPO / "corpus"], home, progress=False)
        store = GraphStore.open(home, read_only=True)
        try:
            yield store
        finally:
            store.close()
