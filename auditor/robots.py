"""robots.txt limits Scrapy lacks: a size cap, and RFC 9309's rule for server errors.

A robots.txt is small; a 5 MB one is a trap, so its download is capped (Google reads the
first 500 KiB). A robots.txt answered with a 5xx status means, by RFC 9309 §2.3.1.4, that the
whole site is off limits until it answers again; Scrapy 2.19 would parse the error page as
rules and crawl everything, so the body is replaced by "Disallow: /".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

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


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with every waiting request actually checked.

    In Scrapy 2.19 the requests that arrive while a host's robots.txt is downloading all
    await one Deferred; the first waiter consumes its result and the others receive None,
    which the middleware reads as "no robots.txt": they pass unchecked. Here each waiter
    gets its own Deferred fed from the shared one, so all of them see the parsed rules.
    """

    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        pending = self._parsers.get(netloc)
        if not isinstance(pending, Deferred):
            return await super().robot_parser(request)
        waiter: Deferred[None] = Deferred()

        def relay(result: object) -> object:
            waiter.callback(None)
            return result

        pending.addBoth(relay)
        await maybe_deferred_to_future(waiter)
        parser = self._parsers.get(netloc)
        return None if isinstance(parser, Deferred) else parser
