"""Python's cyclic garbage collector, paced for a long crawl.

By default CPython runs a full collection whenever the objects that survived earlier
collections grow by a quarter, and a full collection walks every live object: Scrapy's
queued requests, Twisted's machinery, every imported module. On the benchmark region that
cost about 7 % of the crawl's CPU, paid by whatever code happened to allocate (the rules,
mostly). Nearly every object a page creates is freed by reference counting; cycles are rare.

So, once the crawl starts, this extension:
- freezes what start-up created (modules, compiled patterns, the rule tables): they live
  as long as the process, and a frozen object is never walked again;
- collects the youngest generation every AUDIT_GC_YOUNG allocations instead of 700, and
  leaves full collections to a clock: one every AUDIT_GC_FULL_EVERY seconds, so that
  cyclic garbage (Twisted failures, for one) is still reclaimed and memory stays flat
  however long the crawl.
AUDIT_GC_YOUNG = 0 leaves the collector as Python sets it.
"""

from __future__ import annotations

import gc
from typing import Self

from scrapy import signals
from scrapy.crawler import Crawler
from twisted.internet import task

MIDDLE_GENERATION_EVERY = 50  # young collections per middle-generation collection
NO_FULL_BY_COUNT = 1_000_000  # full collections come from the clock only


class PacedCollector:
    """Freezes start-up objects and replaces count-driven full collections by a clock."""

    def __init__(self, young: int, full_every: float):
        self.young = young
        self.full_every = full_every
        self.previous = gc.get_threshold()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ext = cls(crawler.settings.getint("AUDIT_GC_YOUNG", 20_000),
                  crawler.settings.getfloat("AUDIT_GC_FULL_EVERY", 30.0))
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider: object) -> None:
        if self.young <= 0:
            return
        gc.collect()  # start-up's garbage, before the survivors are frozen
        gc.freeze()
        gc.set_threshold(self.young, MIDDLE_GENERATION_EVERY, NO_FULL_BY_COUNT)
        if self.full_every > 0:
            self.loop = task.LoopingCall(gc.collect)
            self.loop.start(self.full_every, now=False)

    def closed(self, spider: object) -> None:
        if self.young <= 0:
            return
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        gc.set_threshold(*self.previous)
        gc.unfreeze()
