"""Keep every redirect hop on the firm's own site.

Scrapy's OffsiteMiddleware works with one `allowed_domains` for the whole spider, which for
thousands of firms would let firm A's crawl wander into firm B's site. Here each redirect hop
is checked against the firm that asked for it (`spider.redirect_refusal`): a hop off the
firm's registered domains is refused with its reason, before anything is sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from scrapy import Request

from auditor.failures import AuditRefusal

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class OffsiteRedirect(AuditRefusal):
    """A redirect that leaves the firm's site."""


class FirmScopeMiddleware:
    """Refuse redirect hops the spider says are not the firm's."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if "redirect_urls" not in request.meta:
            return
        check = getattr(self.crawler.spider, "redirect_refusal", None)
        reason = check(request) if check is not None else None
        if reason:
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("auditor/redirect_refused")
            raise OffsiteRedirect(reason)
