"""`auditor worker`: one long-lived process crawling firms from Redis, run after run.

Scrapy runs in-process (CrawlerProcess), one crawl per run in turn: each crawl applies its
run's settings (spiders/worker.py picks the run in `update_settings`), so a worker serves
runs pushed with different page caps or routes. Between runs it waits, keeping its
heartbeat, and exits after --max-idle seconds with nothing to do (0: never).
"""

from __future__ import annotations

import sys
import time
from typing import Any

from auditor.firm_queue import FirmQueue

POLL = 1.0  # seconds between looks for a run while idle


def run_worker(url: str, name: str, max_idle: float, overrides: dict[str, Any]) -> int:
    """Crawl runs' firms until max_idle seconds pass with none waiting; the exit code."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.reactor import install_reactor

    from auditor.cli import quiet_known_failures, scrapy_settings
    from spiders.worker import WorkerSpider, pick_run

    queue = FirmQueue.from_url(url)
    settings = scrapy_settings({**overrides, "AUDIT_REDIS_URL": url, "AUDIT_WORKER_NAME": name,
                                "AUDIT_WORKER_LOOP": True})
    process = CrawlerProcess(settings)
    quiet_known_failures()
    # Installed here, not by the first crawl, because crawls start from the reactor's loop
    # (the first crawler then finds this reactor installed: installing is idempotent).
    install_reactor(settings["TWISTED_REACTOR"], settings["ASYNCIO_EVENT_LOOP"])
    from twisted.internet import reactor
    state = {"idle_since": time.monotonic(), "idle_exit": False, "shutdown": False}

    def crawl() -> None:
        crawler = process.create_crawler(WorkerSpider)
        process.crawl(crawler).addBoth(lambda _: after_crawl(crawler))

    def next_crawl() -> None:
        if state["shutdown"]:
            return
        if pick_run(queue) is not None:
            crawl()
            return
        queue.heartbeat(name, run=None, firms=[])
        if max_idle and time.monotonic() - state["idle_since"] >= max_idle:
            state["idle_exit"] = True
            queue.retire(name)
            process._stop_reactor()  # no public way to stop with stop_after_crawl=False
            return
        reactor.callLater(POLL, next_crawl)

    def after_crawl(crawler: Any) -> None:
        reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
        if reason == "shutdown":  # Ctrl-C or SIGTERM: the process stops
            state["shutdown"] = True
            return
        state["idle_since"] = time.monotonic()
        reactor.callLater(0, next_crawl)

    queue.heartbeat(name, run=None, firms=[])
    sys.stderr.write(f"worker {name}: waiting for firms in Redis\n")
    reactor.callWhenRunning(next_crawl)
    process.start(stop_after_crawl=False)
    queue.retire(name)
    return 0 if state["idle_exit"] else 130
