"""The storage pipeline: pages and evidence into SQLite, in batches, one writer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from scrapy.crawler import Crawler

from auditor import __version__
from auditor.items import FirmOutcome, PageItem
from auditor.storage import Store

if TYPE_CHECKING:
    from spiders.audit import AuditSpider

RECORDED_SETTINGS = (
    "AUDIT_PAGE_CAP", "AUDIT_DEPTH_CAP", "CONCURRENT_REQUESTS_PER_DOMAIN", "DOWNLOAD_DELAY",
    "AUTOTHROTTLE_ENABLED", "ROBOTSTXT_OBEY", "USER_AGENT", "CONNECT_TO",
)


class StoragePipeline:
    """Write each page with its evidence; record every firm's outcome when the crawl ends."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.db_path = crawler.settings.get("AUDIT_DB")
        self.batch_size = crawler.settings.getint("AUDIT_BATCH_SIZE", 100)
        self.buffer: list[PageItem] = []
        self.store: Store | None = None
        self.run_id = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @property
    def spider(self) -> AuditSpider:
        spider = self.crawler.spider
        assert spider is not None
        return spider  # type: ignore[return-value]

    def open_spider(self) -> None:
        from rules import rule_versions

        self.store = Store(self.db_path)
        spider = self.spider
        if spider.run_id is None:
            settings = {name: self.crawler.settings.get(name) for name in RECORDED_SETTINGS}
            spider.run_id = self.store.create_run(
                spider.firms_file, settings, rule_versions(), __version__
            )
        self.run_id = spider.run_id
        self.store.add_firms(self.run_id, spider.firms)

    def process_item(self, item: object) -> object:
        if isinstance(item, PageItem):
            self.buffer.append(item)
            if len(self.buffer) >= self.batch_size:
                self.flush()
        return item

    def flush(self) -> None:
        if self.buffer and self.store is not None:
            self.store.save_pages(self.run_id, self.buffer)
            self.buffer.clear()

    def close_spider(self) -> None:
        if self.store is None:
            return
        self.flush()
        outcomes: list[FirmOutcome] = self.spider.outcomes()
        for outcome in outcomes:
            self.store.set_firm_outcome(self.run_id, outcome.firm_id, outcome.status,
                                        outcome.reason, outcome.pages, outcome.errors)
        reason = self.crawler.stats.get_value("finish_reason") if self.crawler.stats else None
        self.store.finish_run(self.run_id, "done" if reason in (None, "finished") else str(reason))
        self.store.close()
