"""The paced garbage collector: set for the crawl, restored after it, off when asked."""

from __future__ import annotations

import gc

from auditor.collector import NO_FULL_BY_COUNT, PacedCollector


def test_crawl_freezes_start_up_and_collects_fully_on_a_clock() -> None:
    before = gc.get_threshold()
    collector = PacedCollector(young=20_000, full_every=30.0)
    try:
        collector.opened(spider=None)
        assert gc.get_threshold()[0] == 20_000
        assert gc.get_threshold()[2] == NO_FULL_BY_COUNT
        assert gc.get_freeze_count() > 0
        assert collector.loop is not None and collector.loop.running
    finally:
        collector.closed(spider=None)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
    assert collector.loop is not None and not collector.loop.running


def test_zero_leaves_python_in_charge() -> None:
    before = gc.get_threshold()
    collector = PacedCollector(young=0, full_every=30.0)
    collector.opened(spider=None)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
    collector.closed(spider=None)
    assert gc.get_threshold() == before


def test_a_full_collection_still_frees_cycles() -> None:
    """What the clock's collection is for: garbage in reference cycles."""
    collector = PacedCollector(young=20_000, full_every=30.0)
    try:
        collector.opened(spider=None)
        freed = []

        class Node:
            def __del__(self) -> None:
                freed.append(1)

        node = Node()
        node.self = node  # type: ignore[attr-defined]
        del node
        assert freed == []  # only a collection frees a cycle
        gc.collect()
        assert freed == [1]
    finally:
        collector.closed(spider=None)
