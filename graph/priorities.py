"""Priority themes per document (``bg:priorityTheme``), read for answers that ask for priorities."""

from __future__ import annotations

from collections import defaultdict

from graph.read import cid, local_id, run
from graph.store import GraphStore


def priority_themes(store: GraphStore) -> dict[str, list[str]]:
    """doc_id → sorted theme ids the document presents as priorities."""
    out: dict[str, set[str]] = defaultdict(set)
    for row in run(store, "priority_themes"):
        out[local_id(row["doc"])].add(cid(row["theme"]))
    return {doc: sorted(themes) for doc, themes in out.items()}
