"""The profile phase of a crawl: once every firm's site is done, visit each own profile once.

A visit is one request for the profile's public page and at most one for a public feed:
the firm's blog feed, a YouTube channel feed (from the channel id in the URL or named by
the page), a Mastodon `@user.rss` or a Bluesky `/rss`, or a feed the page announces on the
platform's own domain. Requests obey the platform's robots.txt (Scrapy's
RobotsTxtMiddleware): where it forbids, the visit records "not fetched: robots" and the
profile keeps its link-level evidence. Failures are the profile's, never the firm's: they
are not counted in the firm's errors nor stored in `failures`.

One request per host goes first, the others of that host wait until it has ended: Scrapy
2.19's RobotsTxtMiddleware hands the parsed robots.txt to the request that fetched it and
to one request waiting for it, and lets any further waiting request through unchecked
(awaiting one Deferred from several coroutines consumes its result). Once a host's first
request has ended, its robots.txt is cached and every later request is checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from auditor.domains import registered_domain
from auditor.encoding import page_text, sniff_binary
from auditor.failures import describe_failure
from auditor.feeds import FeedSummary, summarise_feed
from auditor.profile_page import ProfileSnapshot, read_profile
from auditor.profiles import (
    ACTIVE_DAYS,
    PENDING,
    Fetch,
    ProfileRecord,
    feed_for,
    finish,
    not_after,
    page_for,
)

PROFILE_MAXSIZE = 4 * 1024 * 1024  # a profile page or feed larger than this is not read
PRIORITY = -20  # after anything a firm's crawl may still have queued
HTML_TYPES = ("text/html", "application/xhtml")


@dataclass(slots=True)
class Visit:
    """One profile being visited: its record and what its requests brought back."""

    record: ProfileRecord
    domains: set[str]
    pending: int = 0
    page: Fetch | None = None
    snapshot: ProfileSnapshot | None = None
    feed: Fetch | None = None
    summary: FeedSummary | None = None
    feed_asked: bool = False
    done: bool = False


def visit_key(record: ProfileRecord) -> str:
    return f"{record.firm_id}\x00{record.url}"


class ProfileVisits:
    """Requests for the profile phase and what their answers make of each profile."""

    def __init__(self, spider: Any, run_start: datetime, active_days: int = ACTIVE_DAYS):
        self.spider = spider
        self.run_start = run_start
        self.active_days = active_days
        self.visits: dict[str, Visit] = {}
        self.hosts_ready: set[str] = set()  # hosts whose robots.txt the middleware has cached
        self.waiting: dict[str, list[scrapy.Request]] = {}  # host → requests held back

    # ---- starting -----------------------------------------------------------------------

    def start(self, records: Iterable[ProfileRecord],
              domains: dict[str, set[str]]) -> tuple[list[scrapy.Request], list[ProfileRecord]]:
        """Requests for every own profile not visited yet, and the records already final
        (a profile with nothing to fetch)."""
        requests: list[scrapy.Request] = []
        final: list[ProfileRecord] = []
        for record in records:
            key = visit_key(record)
            if not record.own or record.status != PENDING or key in self.visits:
                continue
            visit = self.visits[key] = Visit(record, domains.get(record.firm_id, set()))
            page_url, feed_url = page_for(record), feed_for(record)
            if page_url:
                requests.append(self._request(visit, key, page_url, "page"))
            if feed_url:
                visit.feed_asked = True
                requests.append(self._request(visit, key, feed_url, "feed"))
            if not visit.pending:
                final.append(self._finish(visit))
        return [r for r in requests if self._gate(r)], final

    def _gate(self, request: scrapy.Request) -> bool:
        """True when the request may go now; else it waits for its host's first request."""
        host = urlsplit(request.url).netloc.lower()
        request.meta["profile_host"] = host
        if host in self.hosts_ready:
            return True
        if host in self.waiting:
            self.waiting[host].append(request)
            return False
        self.waiting[host] = []
        return True

    def _host_done(self, request: scrapy.Request) -> None:
        """The first request of a host has ended: send the ones that waited for it."""
        host = request.meta.get("profile_host", "")
        if not host or host in self.hosts_ready:
            return
        self.hosts_ready.add(host)
        engine = self.spider.crawler.engine
        for held in self.waiting.pop(host, []):
            try:
                engine.crawl(held)
            except RuntimeError:  # the spider is closing: the visit stays pending (--resume)
                return

    def _request(self, visit: Visit, key: str, url: str, part: str) -> scrapy.Request:
        visit.pending += 1
        spider = self.spider
        callback = spider.parse_profile_page if part == "page" else spider.parse_profile_feed
        return scrapy.Request(url, callback=callback, errback=spider.on_profile_error,
                              priority=PRIORITY, dont_filter=True,
                              meta={"profile_visit": key, "profile_part": part,
                                    "download_maxsize": PROFILE_MAXSIZE})

    # ---- answers --------------------------------------------------------------------------

    def _visit(self, request: scrapy.Request) -> Visit | None:
        self._host_done(request)
        visit = self.visits.get(request.meta.get("profile_visit", ""))
        return None if visit is None or visit.done else visit

    def on_page(self, response: Response) -> Iterator[Any]:
        visit = self._visit(response.request)  # type: ignore[arg-type]
        if visit is None:
            return
        visit.page = _fetch(response)
        content_type = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        if (isinstance(response, TextResponse) and content_type.startswith(HTML_TYPES)
                and sniff_binary(response.body) is None):
            text, _ = page_text(response)
            visit.snapshot = read_profile(response.url, text, visit.domains,
                                          not_after(self.run_start))
            feed = self._announced_feed(visit)
            if feed:
                visit.feed_asked = True
                request = self._request(visit, visit_key(visit.record), feed, "feed")
                if self._gate(request):
                    yield request
        yield from self._release(visit)

    def _announced_feed(self, visit: Visit) -> str:
        """A feed the profile page leads to, when none was asked for yet: the YouTube
        channel feed of the id the page names, else an announced feed on the platform."""
        if visit.feed_asked or visit.snapshot is None:
            return ""
        record = visit.record
        if record.platform == "youtube" and visit.snapshot.channel_id:
            return ("https://www.youtube.com/feeds/videos.xml?channel_id="
                    f"{visit.snapshot.channel_id}")
        platform_domain = registered_domain(_host(visit.page.final_url if visit.page else ""))
        for url in visit.snapshot.feeds:
            if registered_domain(_host(url)) == platform_domain:
                return url
        return ""

    def on_feed(self, response: Response) -> Iterator[Any]:
        visit = self._visit(response.request)  # type: ignore[arg-type]
        if visit is None:
            return
        visit.feed = _fetch(response)
        visit.summary = summarise_feed(response.body, not_after(self.run_start))
        yield from self._release(visit)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        visit = self._visit(request)
        if visit is None:
            return
        reason = describe_failure(failure, request.meta.get("download_maxsize", PROFILE_MAXSIZE))
        response = getattr(failure.value, "response", None)
        chain = tuple(request.meta.get("redirect_urls", ()))
        fetch = Fetch(chain[0] if chain else request.url,
                      response.status if response is not None else None,
                      response.url if response is not None else "",
                      "" if response is not None else reason, chain)
        if request.meta.get("profile_part") == "page":
            visit.page = fetch
        else:
            visit.feed = fetch
        self.spider.logger.info("profile %s: %s", request.url, fetch.describe())
        yield from self._release(visit)

    def dropped(self, request: scrapy.Request) -> list[ProfileRecord]:
        """A profile request the scheduler dropped: the visit goes on without it."""
        visit = self._visit(request)
        return list(self._release(visit)) if visit is not None else []

    # ---- ending -------------------------------------------------------------------------------

    def _release(self, visit: Visit) -> Iterator[ProfileRecord]:
        visit.pending -= 1
        if visit.pending <= 0 and not visit.done:
            yield self._finish(visit)

    def _finish(self, visit: Visit) -> ProfileRecord:
        visit.done = True
        self.spider.stat(f"auditor/profiles/{visit.record.platform}")
        record = finish(visit.record, visit.page, visit.snapshot, visit.feed, visit.summary,
                        self.run_start, self.active_days)
        self.spider.stat(f"auditor/profiles/status/{record.status}")
        return record

    def unfinished(self, interrupted: bool) -> list[ProfileRecord]:
        """Visits still open when the crawl closes: left pending for `--resume` when the
        crawl was cut short, else judged on what they got."""
        if interrupted:
            return []
        return [self._finish(v) for v in self.visits.values() if not v.done]

    @property
    def open(self) -> int:
        return sum(1 for v in self.visits.values() if not v.done)


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


def _fetch(response: Response) -> Fetch:
    chain = tuple(response.meta.get("redirect_urls", ()))
    return Fetch(chain[0] if chain else response.url, response.status, response.url, "", chain)
