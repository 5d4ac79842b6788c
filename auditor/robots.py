"""robots.txt limits Scrapy lacks: a size cap, and RFC 9309's rule for server errors.

A robots.txt is small; a 5 MB one is a trap, so its download is capped (Google reads the
first 500 KiB). A robots.txt answered with a 5xx status means, by RFC 9309 §2.3.1.4, that the
whole site is off limits until it answers again; Scrapy 2.19 would parse the error page as
rules and crawl everything, so the body is replaced by "Disallow: /".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from scrapy import Request
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


def is_robots(request: Request) -> bool:
    return urlparse_cached(request).path == "/robots.txt"


class RobotsLimitsMiddleware:
    """Cap robots.txt downloads; read a 5xx robots.txt as forbidding everything."""

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.maxsize = crawler.settings.getint("AUDIT_ROBOTS_MAXSIZE", 512 * 1024)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if is_robots(request):
            request.meta.setdefault("download_maxsize", self.maxsize)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status >= 500 and is_robots(request):
            if self.stats is not None:
                self.stats.inc_value("auditor/robots_server_error")
            return response.replace(body=DISALLOW_ALL)
        return response
