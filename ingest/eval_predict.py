"""What an extraction run predicts for one document, as a plain JSON record the scorer reads.

The scorer (``ingest.evaluate``) compares these records with the dev-set gold, so the same scorer can
judge this checkout and an older one: ``python -m ingest.evaluate --code DIR`` runs this file as a
script with ``PYTHONPATH=DIR`` (``runpy.run_path``, so ``ingest`` resolves to DIR's package) and
reads the records from stdout.  For that reason it only reads attributes that every version of
``IngestedDocument`` has, and reads the newer validity attributes with a default.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def record(doc: Any) -> dict[str, Any]:
    """The facts the dev sets score, from an ``IngestedDocument``."""
    meta = doc.meta
    municipality = meta.municipality
    validity = getattr(meta, "validity", None)  # absent in checkouts older than the validity facts
    return {
        "municipality": {"name": municipality.name, "code": municipality.code} if municipality else None,
        "doc_type": meta.doc_type,
        "period": [meta.period_start, meta.period_end],
        "dates": dict(meta.dates),
        "validity": _validity(validity),
        "priority_themes": sorted({t.concept_id for t in doc.themes if t.priority}),
        "themes": sorted({t.concept_id for t in doc.themes}),
        "instruments": {i.concept_id: i.status for i in doc.instruments},
        "partners": sorted({p.concept_id for p in doc.partners}),
        "laws": sorted({m.concept_id for m in doc.mentions if m.concept_type == "law"}),
        "goals": [g.text for g in doc.goals],
        "status_cues": [
            {"id": m.concept_id, "status": m.status, "cue": getattr(m, "cue", None), "passage": m.passage_id}
            for m in doc.mentions
            if m.concept_type == "instrument" and m.status
        ],
    }


def _validity(validity: Any) -> dict[str, Any] | None:
    if validity is None:
        return None
    return {
        "in_force_until": validity.in_force_until,
        "lapsed_on": validity.lapsed_on,
        "withdrawn": validity.withdrawn,
        "replaces": [{"title": r.title, "year": r.year} for r in validity.replaces],
    }


def predict(paths: list[Path]) -> dict[str, dict[str, Any]]:
    """Ingest each file with the ``ingest`` package on the path and return its record by file name."""
    from ingest.pipeline import ingest_file

    return {Path(p).name: record(ingest_file(Path(p))) for p in paths}


if __name__ == "__main__":
    json.dump(predict([Path(a) for a in sys.argv[1:]]), sys.stdout, ensure_ascii=False)
