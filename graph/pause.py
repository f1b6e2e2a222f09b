"""Named stages of a write where a test can stop the process (kill -9 tests of self-repair).

``BELEIDSGRAAF_PAUSE_AT=<stage>`` makes the process announce ``paused at <stage> (pid N)`` on stderr
when it reaches that stage and then sleep until it is killed; ``<stage>:<seconds>`` sleeps that long
and goes on (a slow writer, for the two-writers test). Without the variable a stage costs one
environment lookup. Stages: ``graph-commit`` (a document committed to the graph, index not yet
rebuilt), ``embedding`` (new passage vectors written to the cache, index not built), ``index-build``
(index files written in the private build folder, not yet swapped in), ``swapped`` (index swapped in,
write lock still held).
"""

from __future__ import annotations

import os
import sys
import time

ENV = "BELEIDSGRAAF_PAUSE_AT"


def stage(name: str) -> None:
    """Pause here (until killed) when the environment asks for stage ``name``."""
    wanted, _, seconds = (os.environ.get(ENV) or "").partition(":")
    if wanted != name:
        return
    sys.stderr.write(f"paused at {name} (pid {os.getpid()})\n")
    sys.stderr.flush()
    if seconds:
        time.sleep(float(seconds))
        return
    while True:
        time.sleep(60)
