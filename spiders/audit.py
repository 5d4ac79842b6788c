"""The `audit` spider: crawl each firm's own site, parse every page once, run the rules.

It follows links inside the firm's registered domain (subdomains and language variants
included) with its own seen-set per firm, so duplicate links cost a set lookup rather than
a Request; reads robots.txt (obeyed by Scrapy) and sitemap.xml; stops at a page cap and a
depth cap per firm. Documents (PDF, slides) are kept as links, not downloaded. Links lose
their session ids, and trap URLs (repeating paths, huge URLs) are not followed.

Firms enter the crawl through a window (AUDIT_FIRM_WINDOW firms at a time): a firm waits
outside Scrapy's scheduler until another one ends, so memory does not grow with the length
of the firms file, and each firm finishes (and is committed) sooner.

Parsed pages wait for the rules in batches (AUDIT_RULES_BATCH pages, `judge_pending`): the
rules run rule by rule over the batch (`rules.judge_pages`), which finds the same evidence as
page by page for less CPU. A batch is judged when full, before any firm's outcome and when
the crawl closes, so an item always reaches the pipelines with its evidence.

Each firm's requests are counted while in flight; when the last one ends the firm's
outcome (done, partial or failed, with a plain reason) is handed to the storage pipeline
at once, so an interrupted run knows which firms are finished.

Profile phase (AUDIT_PROFILES, on by default): while a firm is crawled, its social-profile
candidates are collected from what each page's parse and rule a found already; when the
firm ends they are stored as pending. Once every site is done (the spider_idle signal),
each own profile is visited once (auditor/profile_visits.py) and judged active, passive,
unreachable or unknown.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Self
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from auditor.domains import registered_domain
from auditor.encoding import page_text, sniff_binary
from auditor.failures import ROBOTS_FORBID, FetchFailure, RateLimited, describe_failure
from auditor.firms import FirmRow, load_firms
from auditor.items import FirmOutcome, PageItem
from auditor.page import Page, is_asset, is_document, parse_page
from auditor.profile_visits import ProfileVisits
from auditor.profiles import ProfileCollector, ProfileRecord
from auditor.ssrf import REFUSED, SsrfBlocked
from auditor.traps import canonical_url, is_trap
from rules import RULES, a_social, evidence_of, judge_pages
from rules.base import Firm

_SITEMAP_LOC = re.compile(rb"<loc>\s*([^<\s]+)\s*</loc>", re.IGNORECASE)
_ROBOTS_SITEMAP = re.compile(r"^\s*sitemap:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
MAX_SITEMAPS_PER_FIRM = 5
HTML_TYPES = ("text/html", "application/xhtml")
SOCIAL_RULE = next(rule for rule in RULES if rule.info.rule_id == a_social.INFO.rule_id)


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
    sitemap_urls: set[str] = field(default_factory=set)
    capped: bool = False
    first_error: str = ""
    home_done: bool = False
    robots_skipped: int = 0
    dropped: int = 0
    inflight: int = 0  # requests of the firm (pages, robots.txt, sitemaps) not ended yet
    outcome: FirmOutcome | None = None  # set when the last request ended
    rate_limited: str = ""
    robots_error: str = ""
    profiles: ProfileCollector | None = None  # None when profiles are not visited


def firm_window(settings: Any) -> int:
    """AUDIT_FIRM_WINDOW, or twice the sites the request budget keeps busy when 0."""
    window = settings.getint("AUDIT_FIRM_WINDOW", 0)
    if window > 0:
        return window
    per_site = max(1, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 2))
    return max(4, 2 * settings.getint("CONCURRENT_REQUESTS", 32) // per_site)


def seen_key(url: str) -> str:
    """Host without www, path and query: http/https and www twins are one page."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    path = parts.path or "/"
    return f"{host}{path}?{parts.query}" if parts.query else f"{host}{path}"


class AuditSpider(scrapy.Spider):
    name = "audit"

    def __init__(self, firms: str | None = None, run_id: str | int | None = None,
                 firm_rows: list[FirmRow] | None = None,
                 finished: Iterable[str] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if not firms:
            raise ValueError("no firms file: run 'scrapy crawl audit -a firms=FILE'")
        self.firms_file = firms
        if firm_rows is None:  # `scrapy crawl`: the CLI validated and reported already
            firm_rows, errors = load_firms(firms)
            for error in errors:
                self.logger.error("firms file %s: %s", firms, error)
        self.firms: list[FirmRow] = firm_rows
        self.run_id: int | None = int(run_id) if run_id is not None else None
        self.resuming = finished is not None  # finishing an interrupted run
        self.finished_before = frozenset(finished or ())  # firms not crawled again
        self.page_cap = 300
        self.depth_cap = 5
        self.firm_window = 32  # from_crawler reads AUDIT_FIRM_WINDOW
        self.active_firms = 0  # started and not settled
        self._room: Deferred[None] | None = None  # fired when a firm settles
        self.maxsize = 0
        self.known_urls: set[str] = set()  # pages stored by the interrupted run (resume)
        self.unreported: list[object] = []  # items for the pipeline from signal handlers
        # pages parsed and held back until their rules run, in batches (judge_pending)
        self.unjudged: list[tuple[PageItem, Page, Firm]] = []
        self.judge_batch = 32  # from_crawler reads AUDIT_RULES_BATCH
        self.owners = {row.site.registered: row.firm_id for row in firm_rows}
        self.profiles_enabled = False  # from_crawler reads AUDIT_PROFILES
        self.active_days = 180
        self.run_started = datetime.now(UTC)  # the pipeline sets the stored run's start
        self.pending_profiles: list[ProfileRecord] = []  # stored unvisited (a resumed run)
        self.profile_visits: ProfileVisits | None = None  # set when the profile phase starts
        self.state: dict[str, FirmCrawl] = {}
        for row in firm_rows:
            if row.firm_id in self.finished_before:
                continue
            self.state[row.firm_id] = self.new_firm(row)

    def new_firm(self, row: FirmRow) -> FirmCrawl:
        """The crawl state of a firm (with its profile collector once AUDIT_PROFILES is read)."""
        judge = Firm(firm_id=row.firm_id, registered=row.site.registered, name=row.name,
                     profiles=row.profiles)
        firm = FirmCrawl(row=row, judge=judge, domains={row.site.registered})
        if self.profiles_enabled:
            firm.profiles = ProfileCollector(row.firm_id, (row.name, judge.label),
                                             row.site.registered, row.profiles)
        return firm

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        super().update_settings(settings)
        if cls is AuditSpider and settings.get("AUDIT_REDIS_URL"):
            from spiders.worker import WorkerSpider  # `scrapy crawl audit` as a Redis worker

            WorkerSpider.update_settings(settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        if cls is AuditSpider and crawler.settings.get("AUDIT_REDIS_URL"):
            from spiders.worker import WorkerSpider

            return WorkerSpider.from_crawler(crawler, *args, **kwargs)  # type: ignore[return-value]
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.page_cap = crawler.settings.getint("AUDIT_PAGE_CAP", 300)
        spider.depth_cap = crawler.settings.getint("AUDIT_DEPTH_CAP", 5)
        spider.maxsize = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        spider.firm_window = firm_window(crawler.settings)
        spider.judge_batch = max(1, crawler.settings.getint("AUDIT_RULES_BATCH", 32))
        spider.active_days = crawler.settings.getint("AUDIT_PROFILE_ACTIVE_DAYS", 180)
        spider.set_profiles(crawler.settings.getbool("AUDIT_PROFILES", True))
        crawler.signals.connect(spider.on_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    def set_profiles(self, enabled: bool) -> None:
        """Collect and visit social profiles, or not (AUDIT_PROFILES)."""
        self.profiles_enabled = enabled
        for firm in self.state.values():
            row = firm.row
            firm.profiles = ProfileCollector(row.firm_id, (row.name, firm.judge.label),
                                             row.site.registered, row.profiles) if enabled else None

    # Accounting: every request of a firm is counted until its callback or errback ends.

    def _request(self, firm: FirmCrawl, url: str, callback: Any, errback: Any,
                 priority: int, meta: dict[str, Any], dont_filter: bool = False) -> scrapy.Request:
        firm.inflight += 1
        return scrapy.Request(url, callback=callback, errback=errback, priority=priority,
                              meta={"firm_id": firm.row.firm_id, **meta},
                              dont_filter=dont_filter)

    def _release(self, firm: FirmCrawl) -> Iterator[FirmOutcome | PageItem]:
        """One request of the firm ended; the last one yields the firm's outcome, after
        every page held back for the rules (an outcome follows its firm's pages)."""
        firm.inflight -= 1
        if firm.inflight <= 0 and firm.outcome is None:
            firm.outcome = self._outcome(firm)
            self._settle(firm)
            yield from self.judge_pending()
            yield firm.outcome
            if firm.profiles is not None:  # stored as pending until the profile phase
                yield from firm.profiles.records()

    def settled(self, firm: FirmCrawl) -> bool:
        """The firm's crawl has ended."""
        return firm.outcome is not None

    def on_dropped(self, request: scrapy.Request, spider: scrapy.Spider) -> None:
        """A request the scheduler dropped: a redirect to a page seen already, or a loop."""
        if "profile_visit" in request.meta and self.profile_visits is not None:
            self.unreported.extend(self.profile_visits.dropped(request))
            return
        firm = self.state.get(request.meta.get("firm_id", ""))
        if firm is None or firm.outcome is not None:
            return
        chain = request.meta.get("redirect_urls", [])
        if request.callback == self.parse:
            firm.dropped += 1
            if request.url in chain or canonical_url(request.url) in chain:
                reason = "redirect loop"
                firm.first_error = firm.first_error or reason
                self.unreported.append(FetchFailure(firm.row.firm_id, chain[0], reason))
        self.unreported.extend(self._release(firm))

    def _budget_spent(self, firm: FirmCrawl) -> bool:
        """The page cap counts pages fetched or in flight; failed requests give their place
        back, up to twice the cap in requests, so a site of broken links cannot loop forever."""
        failed = firm.errors + firm.robots_skipped + firm.dropped
        return firm.scheduled - failed >= self.page_cap or firm.scheduled >= 2 * self.page_cap

    def _settle(self, firm: FirmCrawl) -> None:
        """The firm's crawl ended: forget what only its crawl needed, let the next one in."""
        firm.seen = set()
        firm.sitemap_urls = set()
        self.active_firms -= 1
        room, self._room = self._room, None
        if room is not None:
            room.callback(None)

    async def _wait_for_room(self) -> None:
        while self.active_firms >= self.firm_window:
            self._room = Deferred()
            await maybe_deferred_to_future(self._room)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for firm in list(self.state.values()):
            await self._wait_for_room()
            for request in self.firm_start(firm):
                yield request

    def firm_start(self, firm: FirmCrawl) -> Iterator[scrapy.Request]:
        """The firm enters the crawl: its home page and robots.txt."""
        self.active_firms += 1
        if self.crawler.stats is not None:
            self.crawler.stats.max_value("auditor/firms_active_max", self.active_firms)
        start = firm.row.site.start_url
        firm.seen.add(seen_key(start))
        firm.scheduled += 1
        yield self._page_request(firm, start, depth=0, priority=10, home=True)
        root = f"{urlsplit(start).scheme}://{urlsplit(start).netloc}"
        # robots.txt and sitemaps bypass the duplicate filter, so that a robots.txt that
        # redirects to the home page does not make the home page's own request a duplicate.
        yield self._request(firm, f"{root}/robots.txt", self.parse_robots, self.on_aux_error,
                            5, {"dont_obey_robotstxt": True, "root": root}, dont_filter=True)

    def _page_request(self, firm: FirmCrawl, url: str, depth: int, priority: int = 0,
                      home: bool = False) -> scrapy.Request:
        meta: dict[str, Any] = {"audit_depth": depth}
        if home:
            meta["home"] = True
        return self._request(firm, url, self.parse, self.on_error, priority, meta)

    def _owned(self, firm: FirmCrawl, url: str) -> bool:
        host = urlsplit(url).hostname or ""
        return any(host == d or host.endswith("." + d) for d in firm.domains)

    def redirect_refusal(self, request: scrapy.Request) -> str | None:
        """Why a redirect hop may not be followed for its firm, or None (FirmScopeMiddleware)."""
        firm = self.state.get(request.meta.get("firm_id", ""))
        if firm is None or self._owned(firm, request.url):
            return None
        host = urlsplit(request.url).hostname or ""
        other = self.owners.get(registered_domain(host))
        if other is not None and other != firm.row.firm_id:
            return f"redirects to {host}, the site of firm {other}, audited on its own"
        if request.meta.get("home") and not firm.home_done:
            return None  # firm.fr → firm.com: the home page's new site is the firm's too
        return f"redirect leaves the firm's site (to {host})"

    def _follow(self, firm: FirmCrawl, urls: Iterable[str], depth: int) -> Iterator[scrapy.Request]:
        """Requests for the firm's own, unseen pages, within the caps."""
        if depth > self.depth_cap or firm.rate_limited:
            return
        for raw in urls:
            if not raw.startswith(("http://", "https://")):
                continue
            url = canonical_url(raw)
            key = seen_key(url)
            if key in firm.seen or not self._owned(firm, url):
                continue
            firm.seen.add(key)
            if is_document(url) or is_asset(url) or is_trap(url):
                continue
            if self._budget_spent(firm):
                firm.capped = True
                return
            firm.scheduled += 1
            yield self._page_request(firm, url, depth)

    def parse(self, response: Response) -> Iterator[Any]:
        firm = self.state[response.meta["firm_id"]]
        depth = response.meta.get("audit_depth", 0)
        if response.meta.get("home") and not firm.home_done:
            firm.home_done = True
            # A home page that redirects to another domain makes that domain the firm's too.
            firm.domains.add(registered_domain(urlsplit(response.url).hostname or ""))
        firm.pages += 1
        content_type = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        item = PageItem(firm_id=firm.row.firm_id, url=response.url, status=response.status,
                        content_type=content_type.split(";")[0].strip(),
                        size=len(response.body), depth=depth)
        links: list[str] = []
        if isinstance(response, TextResponse) and content_type.startswith(HTML_TYPES):
            binary = sniff_binary(response.body)
            if binary is not None:
                item.content_type = binary  # a file served as a page: kept, never parsed
                self._stat("auditor/binary_as_html")
            else:
                links = self._read_page(firm, response, item)
        held = bool(self.unjudged) and self.unjudged[-1][0] is item  # waits for its batch
        if not held:
            yield item  # nothing for the rules to read (not HTML, stored already, unreadable)
        elif len(self.unjudged) >= self.judge_batch:
            yield from self.judge_pending()
        yield from self._follow(firm, links, depth + 1)
        yield from self._release(firm)

    def _read_page(self, firm: FirmCrawl, response: TextResponse, item: PageItem) -> list[str]:
        """Parse the page and queue it for the rules (`judge_pending`); return its links."""
        try:
            text, fallback = page_text(response)
            if fallback:
                self._stat("auditor/encoding_fallback")
            page = parse_page(response.url, text)
            item.lang, item.title = page.lang, page.title
            if firm.profiles is not None:  # from this parse and rule a's evidence
                firm.profiles.observe(page, evidence_of(SOCIAL_RULE, page, firm.judge),
                                      bool(page.feeds) and firm.judge.owns_url(response.url))
            if response.url not in self.known_urls:  # stored already: its evidence too
                self.unjudged.append((item, page, firm.judge))
            return [link.url for link in page.links]
        except Exception:  # one page that breaks a rule must not stop the firm or the run
            self.logger.exception("%s: reading %s failed", firm.row.firm_id, response.url)
            self._stat("auditor/page_errors")
            return []

    def judge_pending(self) -> list[PageItem]:
        """The pages held back, their rules run as one batch (`rules.judge_pages`: cheaper
        than page by page), as items in the order they were fetched.

        Called when AUDIT_RULES_BATCH pages wait, before a firm's outcome and when the
        crawl closes (the pipelines ask), so a page is held a few dozen pages at most."""
        if not self.unjudged:
            return []
        batch, self.unjudged = self.unjudged, []
        verdicts = judge_pages([(page, judge) for _, page, judge in batch])
        for (item, _, _), verdict in zip(batch, verdicts, strict=True):
            if isinstance(verdict, Exception):  # stored without evidence, as it always was
                self.logger.error("%s: reading %s failed", item.firm_id, item.url,
                                  exc_info=verdict)
                self._stat("auditor/page_errors")
            else:
                item.evidence = verdict
        return [item for item, _, _ in batch]

    def parse_robots(self, response: Response) -> Iterator[Any]:
        firm = self.state[response.meta["firm_id"]]
        sitemaps = []
        if response.status == 200 and isinstance(response, TextResponse):
            sitemaps = _ROBOTS_SITEMAP.findall(response.text[:500_000])
        if not sitemaps:
            sitemaps = [f"{response.meta['root']}/sitemap.xml"]
        for url in sitemaps[:MAX_SITEMAPS_PER_FIRM]:
            yield from self._sitemap_request(firm, url)
        yield from self._release(firm)

    def _sitemap_request(self, firm: FirmCrawl, url: str) -> Iterator[scrapy.Request]:
        """A sitemap of the firm not asked for yet, up to MAX_SITEMAPS_PER_FIRM."""
        if (url in firm.sitemap_urls or len(firm.sitemap_urls) >= MAX_SITEMAPS_PER_FIRM
                or not self._owned(firm, url)):
            return
        firm.sitemap_urls.add(url)
        yield self._request(firm, url, self.parse_sitemap, self.on_aux_error, -1, {},
                            dont_filter=True)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        firm = self.state[response.meta["firm_id"]]
        if response.status == 200:
            body = response.body[:5_000_000]
            locs = [m.decode("utf-8", "replace") for m in _SITEMAP_LOC.findall(body)]
            if b"<sitemapindex" in body[:2000]:
                for url in locs:
                    yield from self._sitemap_request(firm, url)
            else:
                yield from self._follow(firm, locs, depth=1)
        yield from self._release(firm)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        firm = self.state[request.meta["firm_id"]]
        reason = describe_failure(failure, request.meta.get("download_maxsize", self.maxsize))
        if reason == ROBOTS_FORBID:
            firm.robots_skipped += 1
        else:
            firm.errors += 1
        if isinstance(failure.value, RateLimited):
            firm.rate_limited = firm.rate_limited or reason
        elif reason.startswith(REFUSED) and not isinstance(failure.value, SsrfBlocked):
            self._stat("ssrf/blocked/resolved_address")
        if not firm.first_error:
            firm.first_error = reason
        self.logger.info("%s: %s failed: %s", firm.row.firm_id, request.url, reason)
        yield FetchFailure(firm.row.firm_id, request.url, reason)
        yield from self._release(firm)

    def on_aux_error(self, failure: Failure) -> Iterator[Any]:
        """robots.txt and sitemaps are optional: their failure is not the firm's, except a
        robots.txt answered with a server error, which forbids the whole site (RFC 9309)."""
        request = failure.request  # type: ignore[attr-defined]
        firm = self.state[request.meta["firm_id"]]
        response = getattr(failure.value, "response", None)
        if "root" in request.meta and response is not None and response.status >= 500:
            firm.robots_error = f"robots.txt answered HTTP {response.status}"
        yield from self._release(firm)

    def _stat(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)

    stat = _stat

    # Profile phase: once every firm's site is done, each own profile is visited once.

    def on_idle(self) -> None:
        """spider_idle: start the profile phase once, and keep the spider open for it."""
        if not self.profiles_enabled or self.profile_visits is not None:
            return
        self.profile_visits = ProfileVisits(self, self.run_started, self.active_days)
        records: list[ProfileRecord] = list(self.pending_profiles)
        for firm in self.state.values():
            if firm.profiles is not None:
                records.extend(firm.profiles.records())
        domains = {row.firm_id: {row.site.registered} for row in self.firms}
        for firm in self.state.values():
            domains[firm.row.firm_id] = set(firm.domains)
        requests, final = self.profile_visits.start(records, domains)
        self.unreported.extend(final)
        if not requests:
            return
        self.logger.info("profile phase: %d requests for %d profiles", len(requests),
                         len(self.profile_visits.visits))
        for request in requests:
            self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def parse_profile_page(self, response: Response) -> Iterator[Any]:
        assert self.profile_visits is not None
        yield from self.profile_visits.on_page(response)

    def parse_profile_feed(self, response: Response) -> Iterator[Any]:
        assert self.profile_visits is not None
        yield from self.profile_visits.on_feed(response)

    def on_profile_error(self, failure: Failure) -> Iterator[Any]:
        assert self.profile_visits is not None
        yield from self.profile_visits.on_error(failure)

    def profile_outcomes(self, interrupted: bool = False) -> list[ProfileRecord]:
        """Profiles whose visit had not ended when the crawl closed (see ProfileVisits)."""
        if self.profile_visits is None:
            return []
        return self.profile_visits.unfinished(interrupted)

    def _outcome(self, firm: FirmCrawl) -> FirmOutcome:
        """How a firm's crawl ended: done, partial (a cap or a rate limit) or failed."""
        if firm.pages == 0:
            status = "failed"
            if firm.robots_skipped and firm.first_error == ROBOTS_FORBID:
                reason = "robots.txt forbids every page"
                if firm.robots_error:
                    reason += f" ({firm.robots_error}, which RFC 9309 reads as 'keep out')"
            else:
                reason = firm.first_error or "no page could be fetched"
        elif firm.capped:
            status, reason = "partial", f"page cap reached ({self.page_cap} pages)"
        elif firm.rate_limited:
            status, reason = "partial", firm.rate_limited
        else:
            status, reason = "done", ""
        return FirmOutcome(firm.row.firm_id, status, reason, firm.pages, firm.errors)

    def outcomes(self, interrupted: bool = False) -> list[FirmOutcome]:
        """Every firm's outcome; a firm still in flight is 'interrupted' when the crawl was
        cut short, else (a crawl that ended with requests lost) judged on what it has."""
        result = []
        for firm in self.state.values():
            if firm.outcome is not None:
                result.append(firm.outcome)
            elif interrupted:
                result.append(FirmOutcome(
                    firm.row.firm_id, "interrupted",
                    "the crawl stopped before this firm finished: 'auditor crawl --resume' "
                    "finishes it", firm.pages, firm.errors))
            else:
                result.append(self._outcome(firm))
        return result
