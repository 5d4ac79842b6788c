"""Honour Retry-After on 429 and 503 answers, up to a cap.

Scrapy 2.19 retries a 429 at once and never reads Retry-After. Here a 429 or 503 with a
Retry-After of at most `AUDIT_RETRY_AFTER_MAX` seconds pauses every request to that host
until the time has passed, then retries (at most `AUDIT_RETRY_AFTER_TIMES` times); a longer
wait gives up on the request with the reason, and the spider stops adding pages of that site.
"""

from __future__ import annotations

import email.utils
import time
from typing import TYPE_CHECKING, Self

from scrapy import Request
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.task import deferLater

from auditor.failures import RateLimited

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

STATUSES = (429, 503)


def parse_retry_after(value: str, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (seconds or an HTTP date); None if unreadable."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class RetryAfterMiddleware:
    """Pause a host as its Retry-After asks, within a cap; then retry the request."""

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.cap = crawler.settings.getfloat("AUDIT_RETRY_AFTER_MAX", 60)
        self.times = crawler.settings.getint("AUDIT_RETRY_AFTER_TIMES", 2)
        self.not_before: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        if not self.not_before:
            return
        host = urlparse_cached(request).hostname or ""
        until = self.not_before.get(host)
        if until is None:
            return
        wait = until - time.monotonic()
        if wait <= 0:
            self.not_before.pop(host, None)
            return
        from twisted.internet import reactor

        await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in STATUSES or b"Retry-After" not in response.headers:
            return response
        wait = parse_retry_after((response.headers.get(b"Retry-After") or b"").decode("latin-1"))
        if wait is None:
            return response
        if wait > self.cap:
            if self.stats is not None:
                self.stats.inc_value("auditor/retry_after/over_cap")
            raise RateLimited(f"rate limited: HTTP {response.status} asks to wait {wait:.0f} s, "
                              f"over the {self.cap:.0f} s cap")
        tries = request.meta.get("retry_after_times", 0)
        if tries >= self.times:
            return response
        host = urlparse_cached(request).hostname or ""
        self.not_before[host] = max(self.not_before.get(host, 0.0), time.monotonic() + wait)
        if self.stats is not None:
            self.stats.inc_value("auditor/retry_after/waits")
        retry = request.copy()
        retry.meta["retry_after_times"] = tries + 1
        retry.dont_filter = True
        return retry
