"""Run every benchmark (slow; `make bench`): ingest, search at scale, server under load, embedding runtimes,
reasoning, end-to-end ingest before/after (``bench_overlap``: ``$BENCH_OVERLAP_DOCUMENTS`` generated
documents, default 60, beside the checkout in ``$BENCH_BASELINE`` when set), and the country.

The country benchmark ingests ``$BENCH_COUNTRY_DOCUMENTS`` synthetic documents (default 300; hours on
this 2-core machine) and extrapolates to all 3,420; set it to 3420 for the full-size run.
"""

from __future__ import annotations

import os
import sys

from benchmarks import (
    bench_country,
    bench_embed,
    bench_ingest,
    bench_load,
    bench_overlap,
    bench_reason,
    bench_search,
)


def main() -> None:
    argv = sys.argv
    country = ["--documents", os.environ.get("BENCH_COUNTRY_DOCUMENTS", "300")]
    for module, args in (
        (bench_ingest, []),
        (bench_search, []),
        (bench_load, []),
        (bench_embed, []),
        (bench_reason, []),
        (bench_overlap, ["--documents", os.environ.get("BENCH_OVERLAP_DOCUMENTS", "60")]),
        (bench_country, country),
    ):
        sys.argv = [module.__name__, *args]
        module.main()
    sys.argv = argv


if __name__ == "__main__":
    main()
