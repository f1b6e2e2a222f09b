"""Validity of documents read from the graph: in force, lapsed or withdrawn, and what each replaces.

Facts (asserted by ingest, see ARCHITECTURE.md): ``bg:inForce`` (date in force from), ``bg:inForceUntil``,
``bg:lapsedOn``, ``bg:withdrawn`` and ``dcterms:replaces`` → ``bg:ReplacedRegulation`` (``dcterms:title``,
``bg:year``, ``bg:evidence``). ``state`` sums them up for a day: ``lapsed`` once withdrawn, past its lapse
date or past its last day in force; ``in_force`` once its start date has passed; ``unknown`` when the
document states neither (questions about what is in force accept those: most policies say no end date).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from graph.read import local_id, run, snapshot_memo
from graph.store import GraphStore


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def state(entry: dict[str, Any], today: dt.date | None = None) -> str:
    """``lapsed`` | ``in_force`` | ``unknown`` for one document's validity entry on ``today``."""
    today = today or dt.date.today()
    lapsed = _date(entry.get("lapsed_on"))
    until = _date(entry.get("in_force_until"))
    start = _date(entry.get("in_force"))
    if entry.get("withdrawn") or (lapsed and lapsed <= today) or (until and until < today):
        return "lapsed"
    if start and start <= today:
        return "in_force"
    return "unknown"


def document_validity(store: GraphStore, today: dt.date | None = None) -> dict[str, dict[str, Any]]:
    """doc_id → {"in_force", "in_force_until", "lapsed_on", "withdrawn", "state", "replaces": [...]}
    (read once per snapshot of a read-only handle and day: ``graph.read.snapshot_memo``)."""
    today = today or dt.date.today()
    return snapshot_memo(store, ("validity", today), lambda: _read_validity(store, today))


def _read_validity(store: GraphStore, today: dt.date) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    spans: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for span in run(store, "validity_evidence"):
        spans[span["replaced"]].append(span)
    for found in spans.values():  # quotes in reading order
        found.sort(key=lambda span: (span["begin"] or 0, span["end"] or 0, span["exact"] or ""))
    for row in run(store, "validity"):
        doc_id = local_id(row["doc"])
        entry = out.setdefault(
            doc_id,
            {
                "in_force": _str(row["in_force"]),
                "in_force_until": _str(row["in_force_until"]),
                "lapsed_on": _str(row["lapsed_on"]),
                "withdrawn": str(row["withdrawn"]).lower() in ("true", "1") if row["withdrawn"] else False,
                "replaces": [],
            },
        )
        for span in spans.get(row["replaced"]) or [None] if row["replaced"] else []:
            item = {
                "title": _str(row["replaced_title"]),
                "year": int(str(row["replaced_year"])[:4]) if row["replaced_year"] else None,
                "evidence": {
                    "text": span["exact"],
                    "start": span["begin"],
                    "end": span["end"],
                    "passage": local_id(span["passage"]),
                }
                if span and span["exact"]
                else None,
            }
            if item not in entry["replaces"]:
                entry["replaces"].append(item)
    for entry in out.values():
        entry["state"] = state(entry, today)
    return out


def _str(value: Any) -> str | None:
    return None if value is None else str(value)
