"""A worker's results pipeline: what the storage pipeline would write, queued to Redis.

Our own small pipeline rather than scrapy-redis's RedisPipeline, which on Scrapy 2.19 uses
the deprecated `spider` argument and returns Deferreds. Every result is tagged with the
firm's attempt; when the spider says a firm is finished, the buffered results go first,
then its outcome and the release of its claim, atomically (FirmQueue.finish).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Self

from scrapy.crawler import Crawler

from auditor.failures import FetchFailure
from auditor.firm_queue import FirmQueue
from auditor.items import PageItem
from auditor.messages import Envelope, result_message
from auditor.profiles import ProfileRecord

if TYPE_CHECKING:
    from spiders.worker import WorkerSpider

BUFFER = 50  # results per RPUSH


class RedisResultsPipeline:
    """Queue pages, failures and profiles; finish a firm when the spider marks it so."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.buffer: list[str] = []
        self.queue: FirmQueue | None = None
        self.finished = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @property
    def spider(self) -> WorkerSpider:
        spider = self.crawler.spider
        assert spider is not None
        return spider  # type: ignore[return-value]

    def open_spider(self) -> None:
        self.queue = self.spider.queue
        self.spider.results_pipeline = self  # type: ignore[attr-defined]

    def process_item(self, item: object) -> object:
        self.take_unreported()
        self._take(item)
        return item

    def take_unreported(self) -> None:
        """Items the spider made in signal handlers, in the order it made them."""
        spider = self.spider
        while spider.unreported:
            pending, spider.unreported = spider.unreported, []
            for item in pending:
                self._take(item)
        self.flush()

    def _take(self, item: object) -> None:
        from spiders.worker import FirmFinished

        if isinstance(item, FirmFinished):
            self._finish(item)
        elif isinstance(item, PageItem | FetchFailure | ProfileRecord):
            claim = self.spider.claims.get(item.firm_id)
            if claim is None:
                return  # not a firm of this worker (cannot happen: the spider claimed it)
            self.buffer.append(result_message(Envelope(
                claim.run_id, item.firm_id, claim.attempt, self.spider.worker, item)))
            if len(self.buffer) >= BUFFER:
                self.flush()

    def flush(self) -> None:
        if self.buffer and self.queue is not None and self.spider.run_id is not None:
            self.queue.push_results(self.spider.run_id, self.buffer)
            self.buffer = []

    def _finish(self, marker: object) -> None:
        outcome = marker.outcome  # type: ignore[attr-defined]
        spider = self.spider
        claim = spider.claims.get(outcome.firm_id)
        if claim is None or self.queue is None:
            return
        self.flush()
        message = result_message(Envelope(claim.run_id, outcome.firm_id, claim.attempt,
                                          spider.worker, outcome))
        if self.queue.finish(claim, spider.worker, message, outcome.status):
            self.finished += 1
            sys.stderr.write(f"worker {spider.worker}: run {claim.run_id} firm "
                             f"{outcome.firm_id} {outcome.status} ({outcome.pages} pages)\n")
        else:
            sys.stderr.write(f"worker {spider.worker}: run {claim.run_id} firm "
                             f"{outcome.firm_id} was taken back (heartbeat lost): "
                             "its results are ignored\n")
        spider.forget(outcome.firm_id)

    def close_spider(self) -> None:
        self.take_unreported()
        self.flush()
