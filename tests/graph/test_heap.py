"""A large structure loaded once is frozen out of later collections; a small one is left alone."""

from __future__ import annotations

import gc

from graph import heap


def test_a_large_load_is_frozen_and_a_small_one_is_not():
    gc.unfreeze()
    try:
        rows = [{"row": i} for i in range(heap.LARGE)]
        heap.settle(len(rows) - 1)
        assert gc.get_freeze_count() == 0
        heap.settle(len(rows))
        assert gc.get_freeze_count() >= len(rows)
        assert not any(r is rows for r in gc.get_objects())  # the loaded list is no longer walked
    finally:
        gc.unfreeze()


def test_settling_again_collects_what_was_frozen_and_dropped_since():
    gc.unfreeze()
    try:
        first = [[i] for i in range(heap.LARGE)]
        first.append(first)  # a cycle: only the collector can free it
        heap.settle(len(first))
        frozen = gc.get_freeze_count()
        del first
        heap.settle(heap.LARGE)
        assert gc.get_freeze_count() < frozen - heap.LARGE // 2
    finally:
        gc.unfreeze()
