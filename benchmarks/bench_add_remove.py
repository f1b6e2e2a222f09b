"""Add one document to an existing data folder and remove it again, graph write and index refresh
timed apart: what one ``beleidsgraaf ingest`` / ``remove`` costs a large store.

The data folder is changed and left as it was found (the document removed again). Run it on a copy
or on a benchmark folder such as ``bench_country --keep DIR``; run the same command from a checkout
of the baseline (PYTHONPATH=that checkout) against the same folder for a same-run comparison.

    python -m benchmarks.bench_add_remove --store DIR DOCUMENT [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from graph.build import ingest_paths, remove
from search.index import refresh


def add_and_remove(home: Path, document: Path) -> dict:
    """Seconds of each step; ``index`` says whether the index was updated or built anew."""
    folder = Path(tempfile.mkdtemp(prefix="bench-add-"))
    try:
        for f in (document, document.with_suffix("").with_suffix(".meta.json")):
            if f.exists():
                shutil.copy(f, folder / f.name)
        out: dict = {"document": document.name}
        for step in ("add", "remove"):
            t0 = time.perf_counter()
            if step == "add":
                report = ingest_paths([folder], home, progress=False)
                if report.failures:
                    raise SystemExit(f"{document.name} did not ingest: {report.failures}")
            else:
                remove(home, document.name)
            t1 = time.perf_counter()
            stats = refresh(home, progress=False)
            t2 = time.perf_counter()
            out[step] = {
                "graph_seconds": round(t1 - t0, 2),
                "index_seconds": round(t2 - t1, 2),
                "seconds": round(t2 - t0, 2),
                "index": "updated" if "update" in stats else "built anew",
                "passages": stats["passages"],
            }
        return out
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="the data folder (changed, then restored)")
    parser.add_argument("document", type=Path)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    result = add_and_remove(args.store, args.document)
    text = json.dumps(result, indent=2)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
