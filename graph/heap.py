"""Keep what a process loads once (the search index, the fact table) out of the collector's way.

Python's cyclic garbage collector walks every tracked object in a full collection. A server that has
loaded the country's search index holds millions of them (217,000 passage rows with their lists and
dicts), and a full collection then stops every request for about a second: measured at full size, the
slowest ``which`` of twelve took 1.3 s in a process that had served searches, where the others took
35 ms. Freezing the loaded structure (``gc.freeze``: the permanent generation) takes it out of every
later collection; reference counting still frees it when it is dropped.
"""

from __future__ import annotations

import gc

LARGE = 50_000  # rows or facts: below this a full collection costs little and nothing is frozen


def settle(size: int) -> None:
    """Call after loading a long-lived structure of ``size`` rows or facts.

    Unfreezes first, so that a structure frozen earlier and dropped since (an index replaced by a
    refresh) is collected now if it is garbage, then collects and freezes what is left. That full
    collection is paid once per load, beside the load itself (seconds at the country's size)."""
    if size < LARGE:
        return
    gc.unfreeze()
    gc.collect()
    gc.freeze()
