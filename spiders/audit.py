"""The `audit` spider: crawl each firm's own site, parse every page once, run the rules.

It follows links inside the firm's registered domain (subdomains and language variants
included) with its own seen-set per firm, so duplicate links cost a set lookup rather than
a Request; reads robots.txt (obeyed by Scrapy) and sitemap.xml; stops at a page cap and a
depth cap per firm. Documents (PDF, slides) are kept as links, not downloaded.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any, Self
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from auditor.domains import registered_domain
from auditor.firms import FirmRow, load_firms
from auditor.items import FirmOutcome, PageItem
from auditor.page import is_asset, is_document, parse_page
from rules import run_rules
from rules.base import Firm

_SITEMAP_LOC = re.compile(rb"<loc>\s*([^<\s]+)\s*</loc>", re.IGNORECASE)
_ROBOTS_SITEMAP = re.compile(r"^\s*sitemap:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
MAX_SITEMAPS_PER_FIRM = 5
HTML_TYPES = ("text/html", "application/xhtml")


@dataclass(slots=True)
class FirmCrawl:
    """What the spider knows of one firm while crawling it."""

    row: FirmRow
    judge: Firm
    domains: set[str]
    seen: set[str] = field(default_factory=set)
    scheduled: int = 0
    pages: int = 0
    errors: int = 0
    sitemaps: int = 0
    capped: bool = False
    first_error: str = ""
    home_done: bool = False
    robots_skipped: int = 0
    dropped: int = 0


def seen_key(url: str) -> str:
    """Host without www, path and query: http/https and www twins are one page."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    path = parts.path or "/"
    return f"{host}{path}?{parts.query}" if parts.query else f"{host}{path}"


def describe_failure(failure: Failure) -> str:
    """A plain reason for a failed request: DNS, refused, timeout, robots, HTTP status."""
    exc = failure.value
    name = type(exc).__name__
    text = str(exc)
    if isinstance(exc, IgnoreRequest) and "robots.txt" in text:
        return "robots.txt forbids it"
    if "DNS" in name or "lookup" in text.lower():
        return "DNS lookup failed"
    if "Refused" in name:
        return "connection refused"
    if "Timeout" in name or "timed out" in text.lower():
        return "timed out"
    response = getattr(exc, "response", None)
    if response is not None:
        return f"HTTP {response.status}"
    return f"{name}: {text}"[:200]


class AuditSpider(scrapy.Spider):
    name = "audit"

    def __init__(self, firms: str | None = None, run_id: str | int | None = None,
                 firm_rows: list[FirmRow] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if not firms:
            raise ValueError("no firms file: run 'scrapy crawl audit -a firms=FILE'")
        self.firms_file = firms
        if firm_rows is None:  # `scrapy crawl`: the CLI validated and reported already
            firm_rows, errors = load_firms(firms)
            for error in errors:
                self.logger.error("firms file %s: %s", firms, error)
        rows = firm_rows
        self.firms: list[FirmRow] = rows
        self.run_id: int | None = int(run_id) if run_id is not None else None
        self.page_cap = 300
        self.depth_cap = 5
        self.state: dict[str, FirmCrawl] = {}
        for row in rows:
            judge = Firm(firm_id=row.firm_id, registered=row.site.registered, name=row.name,
                         profiles=row.profiles)
            self.state[row.firm_id] = FirmCrawl(row=row, judge=judge,
                                                domains={row.site.registered})

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.page_cap = crawler.settings.getint("AUDIT_PAGE_CAP", 300)
        spider.depth_cap = crawler.settings.getint("AUDIT_DEPTH_CAP", 5)
        crawler.signals.connect(spider.on_dropped, signal=signals.request_dropped)
        return spider

    def on_dropped(self, request: scrapy.Request, spider: scrapy.Spider) -> None:
        """A request the scheduler dropped (a redirect to a page seen already) is settled."""
        firm = self.state.get(request.meta.get("firm_id", ""))
        if firm is not None and request.callback == self.parse:
            firm.dropped += 1

    def _budget_spent(self, firm: FirmCrawl) -> bool:
        """The page cap counts pages fetched or in flight; failed requests give their place
        back, up to twice the cap in requests, so a site of broken links cannot loop forever."""
        failed = firm.errors + firm.robots_skipped + firm.dropped
        return firm.scheduled - failed >= self.page_cap or firm.scheduled >= 2 * self.page_cap

    def settled(self, firm: FirmCrawl) -> bool:
        """No page request of the firm is still in flight."""
        return firm.pages + firm.errors + firm.robots_skipped + firm.dropped >= firm.scheduled

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for firm in self.state.values():
            start = firm.row.site.start_url
            firm.seen.add(seen_key(start))
            firm.scheduled += 1
            yield self._page_request(firm, start, depth=0, priority=10)
            root = f"{urlsplit(start).scheme}://{urlsplit(start).netloc}"
            yield scrapy.Request(f"{root}/robots.txt", callback=self.parse_robots,
                                 errback=self.on_aux_error, priority=5,
                                 meta={"firm_id": firm.row.firm_id, "dont_obey_robotstxt": True,
                                       "root": root})

    def _page_request(self, firm: FirmCrawl, url: str, depth: int,
                      priority: int = 0) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse, errback=self.on_error, priority=priority,
                              meta={"firm_id": firm.row.firm_id, "audit_depth": depth})

    def _owned(self, firm: FirmCrawl, url: str) -> bool:
        host = urlsplit(url).hostname or ""
        return any(host == d or host.endswith("." + d) for d in firm.domains)

    def _follow(self, firm: FirmCrawl, urls: Iterator[str], depth: int) -> Iterator[scrapy.Request]:
        """Requests for the firm's own, unseen pages, within the caps."""
        if depth > self.depth_cap:
            return
        for url in urls:
            if not url.startswith(("http://", "https://")) or is_document(url) or is_asset(url):
                continue
            key = seen_key(url)
            if key in firm.seen or not self._owned(firm, url):
                continue
            if self._budget_spent(firm):
                firm.capped = True
                return
            firm.seen.add(key)
            firm.scheduled += 1
            yield self._page_request(firm, url, depth)

    def parse(self, response: Response) -> Iterator[Any]:
        firm = self.state[response.meta["firm_id"]]
        depth = response.meta.get("audit_depth", 0)
        if not firm.home_done:
            firm.home_done = True
            # A home page that redirects to another domain makes that domain the firm's too.
            firm.domains.add(registered_domain(urlsplit(response.url).hostname or ""))
        firm.pages += 1
        content_type = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        item = PageItem(firm_id=firm.row.firm_id, url=response.url, status=response.status,
                        content_type=content_type.split(";")[0].strip(),
                        size=len(response.body), depth=depth)
        if not isinstance(response, TextResponse) or not content_type.startswith(HTML_TYPES):
            yield item
            return
        page = parse_page(response.url, response.text)
        item.lang, item.title = page.lang, page.title
        item.evidence = run_rules(page, firm.judge)
        yield item
        yield from self._follow(firm, (link.url for link in page.links), depth + 1)

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        firm = self.state[response.meta["firm_id"]]
        sitemaps = []
        if response.status == 200 and isinstance(response, TextResponse):
            sitemaps = _ROBOTS_SITEMAP.findall(response.text[:500_000])
        if not sitemaps:
            sitemaps = [f"{response.meta['root']}/sitemap.xml"]
        for url in sitemaps[:MAX_SITEMAPS_PER_FIRM]:
            yield from self._sitemap_request(firm, url)

    def _sitemap_request(self, firm: FirmCrawl, url: str) -> Iterator[scrapy.Request]:
        if firm.sitemaps >= MAX_SITEMAPS_PER_FIRM or not self._owned(firm, url):
            return
        firm.sitemaps += 1
        yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_aux_error,
                             priority=-1, meta={"firm_id": firm.row.firm_id})

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        firm = self.state[response.meta["firm_id"]]
        if response.status != 200:
            return
        locs = [m.decode("utf-8", "replace") for m in _SITEMAP_LOC.findall(response.body[:5_000_000])]
        if b"<sitemapindex" in response.body[:2000]:
            for url in locs:
                yield from self._sitemap_request(firm, url)
            return
        yield from self._follow(firm, iter(locs), depth=1)

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        firm = self.state[request.meta["firm_id"]]
        reason = describe_failure(failure)
        if reason == "robots.txt forbids it":
            firm.robots_skipped += 1
        else:
            firm.errors += 1
        if not firm.first_error:
            firm.first_error = reason
        self.logger.info("%s: %s failed: %s", firm.row.firm_id, request.url,
                         describe_failure(failure))

    def on_aux_error(self, failure: Failure) -> None:
        """robots.txt and sitemaps are optional: their failure is not the firm's."""

    def outcomes(self) -> list[FirmOutcome]:
        """How each firm's crawl ended: done, partial (a cap was reached) or failed."""
        result = []
        for firm_id, firm in self.state.items():
            if firm.pages == 0:
                status, reason = "failed", firm.first_error or "no page could be fetched"
            elif firm.capped:
                status, reason = "partial", f"page cap reached ({self.page_cap} pages)"
            else:
                status, reason = "done", ""
            result.append(FirmOutcome(firm_id, status, reason, firm.pages, firm.errors))
        return result
