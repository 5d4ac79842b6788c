"""The storage pipeline: pages and evidence into SQLite, in batches, one writer.

A firm's outcome is written as soon as its crawl ends, after its pages, so an interrupted
run knows which firms are finished. When the crawl closes, every buffered row is committed
and firms still in flight are marked `interrupted` (resumable) unless the crawl finished.
Social profiles are stored as pending when a firm ends and updated when visited; a run
closed with profiles still pending is `interrupted`, and `--resume` visits them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.crawler import Crawler

from auditor import __version__
from auditor.failures import FetchFailure
from auditor.items import FirmOutcome, PageItem
from auditor.profiles import ProfileRecord
from auditor.shards import SHARD_SETTING, STATS_SETTING, parse_shard, shard_firm_ids
from auditor.storage import Store

if TYPE_CHECKING:
    from spiders.audit import AuditSpider

RECORDED_SETTINGS = (
    "AUDIT_PAGE_CAP", "AUDIT_DEPTH_CAP", "CONCURRENT_REQUESTS_PER_DOMAIN", "DOWNLOAD_DELAY",
    "AUTOTHROTTLE_ENABLED", "ROBOTSTXT_OBEY", "USER_AGENT", "CONNECT_TO", "SSRF_ALLOW_NETS",
    "AUDIT_PROFILE_ACTIVE_DAYS",
)


def recorded_settings(settings: Any) -> dict[str, object]:
    """The settings a run records (and a resumed run keeps)."""
    recorded = {name: settings.get(name) for name in RECORDED_SETTINGS}
    recorded["AUDIT_PROFILES"] = settings.getbool("AUDIT_PROFILES", True)
    return recorded


class StoragePipeline:
    """Write each page with its evidence; record every firm's outcome when its crawl ends."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.db_path = crawler.settings.get("AUDIT_DB")
        self.batch_size = crawler.settings.getint("AUDIT_BATCH_SIZE", 100)
        self.buffer: list[PageItem] = []
        self.failures: list[FetchFailure] = []
        self.profiles: list[ProfileRecord] = []
        self.store: Store | None = None
        self.run_id = 0
        self.received = 0  # pages handed to the pipeline in this process
        shard = crawler.settings.get(SHARD_SETTING)
        self.shard = parse_shard(shard) if shard else None  # one of --processes N children
        self.stats_file = crawler.settings.get(STATS_SETTING)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

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
            settings = recorded_settings(self.crawler.settings)
            settings["AUDIT_PROFILES"] = spider.profiles_enabled
            spider.run_id = self.store.create_run(
                spider.firms_file, settings, rule_versions(), __version__
            )
        elif spider.resuming:  # a resumed run: crawl the unfinished firms again
            recorded = self.store.run_settings(spider.run_id).get("AUDIT_PROFILES")
            if recorded is not None:  # a resumed run keeps visiting profiles, or not
                spider.set_profiles(bool(recorded))
            self.store.reopen_run(spider.run_id, spider.state)
            spider.known_urls = self.store.page_urls(spider.run_id, spider.state)
            if spider.profiles_enabled:
                pending = self.store.pending_profiles(spider.run_id)
                if self.shard is not None:  # --processes: each child visits its firms'
                    mine = shard_firm_ids(spider.firms, self.shard)
                    pending = [p for p in pending if p.firm_id in mine]
                spider.pending_profiles = pending
        self.run_id = spider.run_id
        spider.run_started = self.store.run_started(self.run_id)
        if spider.profiles_enabled:
            self.store.ensure_profiles()
        self.store.add_firms(self.run_id, spider.firms)

    def process_item(self, item: object) -> object:
        if self.spider.unreported:
            pending, self.spider.unreported = self.spider.unreported, []
            for other in pending:
                self._take(other)
        self._take(item)
        return item

    def _take(self, item: object) -> None:
        if isinstance(item, PageItem):
            self.received += 1
            self.buffer.append(item)
            if len(self.buffer) >= self.batch_size:
                self.flush()
        elif isinstance(item, FetchFailure):
            self.failures.append(item)
        elif isinstance(item, ProfileRecord):
            self.profiles.append(item)
            if len(self.profiles) >= self.batch_size:
                self.flush()
        elif isinstance(item, FirmOutcome):
            self.flush()
            self._save_outcome(item)

    def flush(self) -> None:
        if self.store is None:
            return
        if self.buffer:
            self.store.save_pages(self.run_id, self.buffer)
            self.buffer.clear()
        if self.failures:
            self.store.save_failures(self.run_id,
                                     [(f.firm_id, f.url, f.reason) for f in self.failures])
            self.failures.clear()
        if self.profiles:
            self.store.save_profiles(self.run_id, self.profiles)
            self.profiles.clear()

    def _save_outcome(self, outcome: FirmOutcome) -> None:
        assert self.store is not None
        self.store.set_firm_outcome(self.run_id, outcome.firm_id, outcome.status,
                                    outcome.reason, outcome.pages, outcome.errors)

    def close_spider(self) -> None:
        """Commit what is buffered; the run's status waits for the close reason."""
        if self.store is None:
            return
        for item in self.spider.unreported:
            self._take(item)
        self.spider.unreported.clear()
        for page in self.spider.judge_pending():  # pages of firms cut short (an interrupt)
            self._take(page)
        self.flush()

    def spider_closed(self, spider: object, reason: str) -> None:
        if self.store is None:
            return
        interrupted = reason != "finished"
        finished = True
        for outcome in self.spider.outcomes(interrupted=interrupted):
            self._save_outcome(outcome)
            finished = finished and outcome.status != "interrupted"
        self.profiles.extend(self.spider.profile_outcomes(interrupted=interrupted))
        self.flush()
        stats = dict(self.crawler.stats.get_stats()) if self.crawler.stats else {}
        stats.update({"finish_reason": reason, "auditor/pages_received": self.received})
        if self.shard is not None:  # the parent finishes the run when every child is done
            if self.stats_file:
                Path(self.stats_file).write_text(json.dumps(stats, default=str), encoding="utf-8")
        else:
            complete = (finished and not self.store.unfinished_firm_ids(self.run_id)
                        and not self.store.pending_profiles(self.run_id))
            self.store.finish_run(self.run_id, "done" if complete else "interrupted", stats)
        self.store.close()
        self.store = None
