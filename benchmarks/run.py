"""Run every benchmark (slow; `make bench`): ingest per stage, search at scale, server under load."""

from __future__ import annotations

import sys

from benchmarks import bench_ingest, bench_load, bench_search


def main() -> None:
    argv = sys.argv
    for module in (bench_ingest, bench_search, bench_load):
        sys.argv = [module.__name__]
        module.main()
    sys.argv = argv


if __name__ == "__main__":
    main()
