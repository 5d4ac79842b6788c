"""A live progress line on a terminal (firms done/total, pages, errors) and a closing summary."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Self

from scrapy import signals
from scrapy.crawler import Crawler
from twisted.internet import task

from auditor.shards import RunProgress

if TYPE_CHECKING:
    from spiders.audit import AuditSpider


def firms_finished(spider: AuditSpider) -> int:
    """Firms whose crawl has ended."""
    return sum(1 for firm in spider.state.values() if spider.settled(firm))


class Progress:
    """Redraws one status line each second while stderr is a terminal."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.loop: task.LoopingCall | None = None
        self.started = time.monotonic()
        # `crawl --processes`: the first process draws the whole run's line (AUDIT_PROGRESS
        # "run", read from the database), the others none ("0")
        mode = str(crawler.settings.get("AUDIT_PROGRESS", "1"))
        self.tty = sys.stderr.isatty() and mode not in ("0", "False", "false")
        self.run_progress: RunProgress | None = None
        if mode == "run":
            self.run_progress = RunProgress(str(crawler.settings.get("AUDIT_DB")), 0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ext = cls(crawler)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def line(self) -> str:
        spider: AuditSpider = self.crawler.spider  # type: ignore[assignment]
        if self.run_progress is not None and spider.run_id is not None:
            self.run_progress.run_id = spider.run_id
            return self.run_progress.line() + f"  {time.monotonic() - self.started:.0f}s"
        state = spider.state.values()
        pages = sum(f.pages for f in state)
        errors = sum(f.errors for f in state)
        elapsed = time.monotonic() - self.started
        return (f"firms {firms_finished(spider)}/{len(spider.state)}  pages {pages}  "
                f"errors {errors}  {elapsed:.0f}s")

    def opened(self, spider: object) -> None:
        if self.tty:
            self.loop = task.LoopingCall(self.draw)
            self.loop.start(1.0, now=False)

    def draw(self) -> None:
        sys.stderr.write("\r" + self.line() + "\x1b[K")
        sys.stderr.flush()

    def closed(self, spider: object, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
            sys.stderr.write("\r\x1b[K")
        spider_obj: AuditSpider = self.crawler.spider  # type: ignore[assignment]
        outcomes = spider_obj.outcomes(interrupted=reason != "finished")
        failed = [o for o in outcomes if o.status == "failed"]
        partial = [o for o in outcomes if o.status == "partial"]
        cut = [o for o in outcomes if o.status == "interrupted"]
        done = len(outcomes) - len(failed) - len(partial) - len(cut)
        sys.stderr.write(
            f"crawl {reason}: {self.line()}; {done} done, "
            f"{len(partial)} partial, {len(failed)} failed"
            + (f", {len(cut)} interrupted" if cut else "") + "\n"
        )
        for outcome in failed:
            sys.stderr.write(f"  failed {outcome.firm_id}: {outcome.reason}\n")
