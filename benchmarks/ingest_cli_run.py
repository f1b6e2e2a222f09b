"""One ``beleidsgraaf ingest`` in this process, with its wall time, CPU time and peak memory as JSON.

Run as a script (``python benchmarks/ingest_cli_run.py OUT.json --store DIR ingest DOCS``) under the
``PYTHONPATH`` of the checkout to measure, so the same harness times another checkout's code
(bench_overlap runs the session-start code this way). Peak RSS is given for this process and for the
largest child it waited for (an embedding worker), each on its own: both can be resident at once.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time


def main() -> None:
    out, args = sys.argv[1], sys.argv[2:]
    load_before = os.getloadavg()
    t0, cpu0 = time.perf_counter(), os.times()
    from api.cli import main as cli

    code = 0
    try:
        cli(args, standalone_mode=False)
    except SystemExit as exc:
        code = exc.code or 0
    wall = time.perf_counter() - t0
    cpu = os.times()
    result = {
        "exit_code": code,
        "wall_s": round(wall, 2),
        "cpu_s": round(
            (cpu.user - cpu0.user) + (cpu.system - cpu0.system) + cpu.children_user + cpu.children_system, 2
        ),
        "cpu_main_s": round((cpu.user - cpu0.user) + (cpu.system - cpu0.system), 2),
        "peak_rss_main_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_child_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
    }
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main()
