"""A duplicate filter with one namespace per firm.

Scrapy's filter is global: when firm A's page redirects to firm B's `/about`, the URL is
marked seen and B's own request for it is dropped later, silently. Keyed by firm, a firm's
redirects and links never cost another firm a page; within a firm it still stops redirect
loops and redirects to pages fetched already.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from scrapy import Request
from scrapy.dupefilters import BaseDupeFilter

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.utils.request import RequestFingerprinterProtocol


class FirmDupeFilter(BaseDupeFilter):
    """Requests are duplicates when the same firm asked for the same fingerprint."""

    def __init__(self, fingerprinter: RequestFingerprinterProtocol, crawler: Crawler):
        self.fingerprinter = fingerprinter
        self.crawler = crawler
        self.seen: set[bytes] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.request_fingerprinter, crawler)

    def request_seen(self, request: Request) -> bool:
        firm = str(request.meta.get("firm_id", "")).encode()
        key = firm + b"\x00" + self.fingerprinter.fingerprint(request)
        if key in self.seen:
            return True
        self.seen.add(key)
        return False

    def log(self, request: Request, spider: Spider) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("dupefilter/filtered")
