"""The `audit` spider as a Redis worker: whole firms from a run's queue (scrapy-redis).

scrapy-redis's RedisMixin drives it through its `spider_idle` polling path (Scrapy 2.16+
has no `start_requests`); `fetch_data` is replaced by an atomic claim of whole firms
(auditor/firm_queue.py) and `make_request_from_data` turns a claim into the firm's first
requests. Scrapy's local scheduler and our per-firm state stay in charge of each firm, so
per-site politeness holds whatever the number of workers. A tick every second keeps the
heartbeat alive and claims firms whenever fewer than AUDIT_FIRM_WINDOW are active, not
only when idle.

A firm is final when its site is crawled and its own profiles visited (per firm, not after
the whole run: a worker never sees the whole run); then its outcome and the release of
its claim go to Redis in one step. Settings come from the run (`update_settings`), so that
every worker crawls a run with the page cap, delays and routes it was pushed with.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Self

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy_redis.spiders import RedisMixin
from twisted.internet import task
from twisted.python.failure import Failure

from auditor.connect_to import parse_routes
from auditor.firm_queue import HEARTBEAT_TTL, Claim, FirmQueue, default_worker_name, run_key
from auditor.items import FirmOutcome
from auditor.profile_visits import ProfileVisits
from auditor.profiles import PENDING, ProfileRecord
from auditor.ssrf import GuardedResolver, parse_nets
from spiders.audit import AuditSpider, FirmCrawl

# Settings of the worker itself, never taken from the run.
LOCAL_SETTINGS = frozenset({
    "AUDIT_DB", "AUDIT_REDIS_URL", "AUDIT_REDIS_RUN", "AUDIT_WORKER_NAME", "AUDIT_WORKER_LOOP",
    "AUDIT_REDIS_HEARTBEAT", "MAX_IDLE_TIME_BEFORE_CLOSE", "REDIS_URL", "LOG_LEVEL", "LOG_FILE",
    "LOG_ENABLED", "AUDIT_SHARD", "AUDIT_SHARD_STATS", "ITEM_PIPELINES", "EXTENSIONS",
    "TWISTED_REACTOR", "AUDIT_FIRM_WINDOW", "CONCURRENT_REQUESTS",
})
TICK = 1.0  # seconds between heartbeats and top-ups of the firm window


@dataclass(frozen=True, slots=True)
class FirmFinished:
    """Marker for the results pipeline: every result of the firm was yielded before it."""

    outcome: FirmOutcome


def pick_run(queue: FirmQueue) -> int | None:
    """The oldest open run with firms waiting (a dead worker's firms count), else None."""
    for run_id in queue.open_runs():
        queue.requeue_dead(run_id)
        if queue.pending_count(run_id):
            return run_id
    return None


def wait_for_run(queue: FirmQueue, max_idle: float, worker: str) -> int | None:
    """Block until a run has firms waiting, or max_idle seconds (0: forever) pass; the
    worker shows as live meanwhile."""
    started = time.monotonic()
    while True:
        run_id = pick_run(queue)
        if run_id is not None:
            return run_id
        queue.heartbeat(worker, run=None, firms=[])
        if max_idle and time.monotonic() - started >= max_idle:
            return None
        time.sleep(TICK)


def guard_resolver(reactor: Any, settings: Any) -> None:
    """The SSRF-guarding resolver is built once per process, from the process's settings;
    a run's routes and allowed networks come later, with the run: give them to it."""
    resolver = getattr(reactor, "resolver", None)
    if isinstance(resolver, GuardedResolver):
        resolver.allow = parse_nets(settings.getlist("SSRF_ALLOW_NETS"))
        targets = parse_routes(settings.get("CONNECT_TO")).values()
        resolver.exempt = frozenset(t.rsplit(":", 1)[0].strip("[]").lower() for t in targets)


class WorkerSpider(RedisMixin, AuditSpider):
    name = "audit-worker"

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        """Pick the run (AUDIT_REDIS_RUN, else the oldest with firms waiting) and apply its
        settings; results go to Redis instead of the database."""
        super().update_settings(settings)
        queue = FirmQueue.from_url(settings.get("AUDIT_REDIS_URL"))
        run_id = settings.getint("AUDIT_REDIS_RUN", 0) or None
        if run_id is None:
            if settings.getbool("AUDIT_WORKER_LOOP"):
                run_id = pick_run(queue)
            else:  # `scrapy crawl`: nothing to crawl yet, so wait for a run here
                run_id = wait_for_run(queue, settings.getfloat("MAX_IDLE_TIME_BEFORE_CLOSE", 0),
                                      settings.get("AUDIT_WORKER_NAME") or default_worker_name())
        settings.set("AUDIT_REDIS_RUN", run_id or 0, priority="cmdline")
        if run_id is not None:
            for name, value in queue.settings(run_id).items():
                if name not in LOCAL_SETTINGS:
                    settings.set(name, value, priority="cmdline")
        settings.set("REDIS_URL", settings.get("AUDIT_REDIS_URL"), priority="cmdline")
        settings.set("ITEM_PIPELINES", {"auditor.redis_pipeline.RedisResultsPipeline": 300},
                     priority="cmdline")
        extensions = dict(settings.getdict("EXTENSIONS"))
        extensions["auditor.progress.Progress"] = None  # the writer shows the run's progress
        settings.set("EXTENSIONS", extensions, priority="cmdline")
        queue.r.close()

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("firms", "(redis)")
        kwargs.setdefault("firm_rows", [])
        super().__init__(*args, **kwargs)
        self.queue: FirmQueue | None = None
        self.worker = ""
        self.claims: dict[str, Claim] = {}
        self.held: dict[str, FirmOutcome] = {}  # site crawled, profile visits still open
        self.loop_mode = False  # `auditor worker`: leave the run once it has nothing waiting
        self.heartbeat_ttl = HEARTBEAT_TTL
        self.ticker: task.LoopingCall | None = None
        self.last_beat = 0.0
        self.closing = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        from auditor.cli import quiet_known_failures

        quiet_known_failures()  # `scrapy crawl` too: an unattended worker logs what matters
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.run_id = settings.getint("AUDIT_REDIS_RUN", 0) or None
        spider.worker = settings.get("AUDIT_WORKER_NAME") or default_worker_name()
        spider.loop_mode = settings.getbool("AUDIT_WORKER_LOOP")
        spider.heartbeat_ttl = settings.getint("AUDIT_REDIS_HEARTBEAT", HEARTBEAT_TTL)
        spider.queue = FirmQueue.from_url(settings.get("AUDIT_REDIS_URL"))
        if spider.run_id is not None:
            spider.redis_key = run_key(spider.run_id, "pending")
            spider.owners = spider.queue.owners(spider.run_id)
            started = spider.queue.meta(spider.run_id).get("started", "")
            spider.run_started = _parse_time(started)
        spider.redis_batch_size = max(1, spider.firm_window)
        spider.setup_redis(crawler)
        spider.fetch_data = spider.claim_firms  # whole firms, claimed atomically
        spider.spider_idle_start_time = int(time.time())
        if spider.profiles_enabled:
            spider.profile_visits = ProfileVisits(spider, spider.run_started, spider.active_days)
        crawler.signals.connect(spider.opened, signal=signals.spider_opened)
        crawler.signals.connect(spider.closed_worker, signal=signals.spider_closed)
        from twisted.internet import reactor

        reactor.callWhenRunning(guard_resolver, reactor, settings)
        return spider

    # ---- the queue ------------------------------------------------------------------------

    def opened(self, spider: object) -> None:
        self.beat()
        self.ticker = task.LoopingCall(self.tick)
        self.ticker.start(TICK, now=False)

    def beat(self) -> None:
        assert self.queue is not None
        self.queue.heartbeat(self.worker, self.heartbeat_ttl, run=self.run_id,
                             firms=sorted(self.claims))
        self.last_beat = time.monotonic()

    def tick(self) -> None:
        """Heartbeat, results held by signal handlers, and firms while the window has room."""
        if time.monotonic() - self.last_beat >= max(1.0, self.heartbeat_ttl / 3):
            self.beat()
        pipeline = getattr(self, "results_pipeline", None)
        if pipeline is not None:
            pipeline.take_unreported()
        if not self.closing and self.run_id is not None and self.room():
            self.schedule_next_requests()

    def room(self) -> int:
        return max(0, self.firm_window - self.active_firms)

    def claim_firms(self, redis_key: str, batch_size: int) -> list[Claim]:
        """RedisMixin's fetch_data: up to the window's room of whole firms, each claimed."""
        assert self.queue is not None
        claims: list[Claim] = []
        if self.run_id is None or self.closing:
            return claims
        for _ in range(min(batch_size, self.room())):
            claim = self.queue.claim(self.run_id, self.worker)
            if claim is None:
                break
            claims.append(claim)
        if claims:
            self.spider_idle_start_time = int(time.time())
        return claims

    def make_request_from_data(self, data: Any) -> list[scrapy.Request]:
        """RedisMixin's hook: a claimed firm enters the crawl (its home page, robots.txt)."""
        claim: Claim = data
        row = claim.firm
        self.claims[row.firm_id] = claim
        firm = self.new_firm(row)
        self.state[row.firm_id] = firm
        self.owners.setdefault(row.site.registered, row.firm_id)
        self.logger.info("firm %s claimed (attempt %d)", row.firm_id, claim.attempt)
        return list(self.firm_start(firm))

    def spider_idle(self) -> None:
        """RedisMixin's idle path, plus: queue again dead workers' firms; leave a run that is
        finished (or, under `auditor worker`, has nothing waiting)."""
        if self.run_id is None or self.queue is None:
            return  # no run: close
        self.queue.requeue_dead(self.run_id)
        if not self.queue.is_open(self.run_id) and not self.active_firms:
            return
        if self.loop_mode and not self.active_firms and not self.queue.pending_count(self.run_id):
            return
        super().spider_idle()  # claims firms, or raises DontCloseSpider until max idle

    # ---- firms ending ---------------------------------------------------------------------

    def _release(self, firm: FirmCrawl) -> Iterator[Any]:
        """The site's crawl ended: hold the outcome until the firm's profiles are visited."""
        outcome = None
        records: list[ProfileRecord] = []
        for item in super()._release(firm):
            if isinstance(item, FirmOutcome):
                outcome = item
                continue
            if isinstance(item, ProfileRecord):
                records.append(item)
            yield item
        if outcome is None:
            return
        self.held[firm.row.firm_id] = outcome
        if self.profile_visits is not None and records:
            requests, final = self.profile_visits.start(
                records, {firm.row.firm_id: set(firm.domains)})
            yield from final
            for request in requests:
                try:
                    self.crawler.engine.crawl(request)
                except RuntimeError:  # closing: the firm is given back unfinished
                    break
        yield from self._finished([firm.row.firm_id])

    def _open_visits(self, firm_id: str) -> bool:
        if self.profile_visits is None:
            return False
        return any(not v.done and v.record.firm_id == firm_id
                   for v in self.profile_visits.visits.values())

    def _finished(self, firm_ids: Iterable[str]) -> Iterator[FirmFinished]:
        for firm_id in firm_ids:
            if firm_id in self.held and not self._open_visits(firm_id):
                yield FirmFinished(self.held.pop(firm_id))
                self.state.pop(firm_id, None)  # memory stays flat on a long-lived worker
                if self.profile_visits is not None:
                    for key in [k for k, v in self.profile_visits.visits.items()
                                if v.record.firm_id == firm_id]:
                        del self.profile_visits.visits[key]

    def _after_visit(self, items: Iterable[Any]) -> Iterator[Any]:
        firms = []
        for item in items:
            if isinstance(item, ProfileRecord) and item.status != PENDING:
                firms.append(item.firm_id)
            yield item
        yield from self._finished(firms)

    def parse_profile_page(self, response: Response) -> Iterator[Any]:
        yield from self._after_visit(super().parse_profile_page(response))

    def parse_profile_feed(self, response: Response) -> Iterator[Any]:
        yield from self._after_visit(super().parse_profile_feed(response))

    def on_profile_error(self, failure: Failure) -> Iterator[Any]:
        yield from self._after_visit(super().on_profile_error(failure))

    def on_dropped(self, request: scrapy.Request, spider: scrapy.Spider) -> None:
        super().on_dropped(request, spider)
        if "profile_visit" in request.meta:
            self.unreported.extend(self._finished(list(self.held)))

    def on_idle(self) -> None:
        """No run-wide profile phase: each firm's profiles are visited when its site ends."""

    def forget(self, firm_id: str) -> None:
        """The firm's outcome is in Redis and its claim released."""
        self.claims.pop(firm_id, None)

    def closed_worker(self, spider: object, reason: str) -> None:
        """Give back the firms not finished, at once rather than when the heartbeat expires."""
        self.closing = True
        if self.ticker is not None and self.ticker.running:
            self.ticker.stop()
        if self.queue is None:
            return
        if self.run_id is not None and self.claims:
            self.queue.give_back(self.run_id, self.worker)
            sys.stderr.write(f"worker {self.worker}: gave back {len(self.claims)} firm(s) of "
                             f"run {self.run_id}\n")
        self.queue.retire(self.worker)


def _parse_time(text: str) -> datetime:
    try:
        started = datetime.fromisoformat(text)
    except ValueError:
        return datetime.now(UTC)
    return started if started.tzinfo else started.replace(tzinfo=UTC)

