"""The firm's social profiles: found while its site is crawled, told apart from others'
with a reason, visited once after the crawl, and judged active, passive, unreachable or
unknown.

Pure functions and plain data: the spider feeds a `ProfileCollector` with what it parsed
already (rule a's evidence, the page's meta, iframes and feeds: no second parse), and
`judge` turns what the visits saw into a status with its reason. Nothing here fetches.

- active: a public post dated within `active_days` (180) of the run's start;
- passive: the profile exists publicly, and nothing recent is visible;
- unreachable: the profile page (or the firm's feed) is gone: 404/410, DNS, refused, 5xx;
- unknown: nothing public to judge by: robots.txt forbids the visit, a login wall, a
  platform that refuses robots (403, 999), or no public web page at all (WeChat).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from auditor.domains import registered_domain
from auditor.feeds import FeedSummary
from auditor.items import Evidence
from auditor.page import Page
from auditor.profile_page import ProfileSnapshot, is_login_url
from auditor.social import Profile, embedded_profile, parse_profile, resembles

BLOG = "blog"  # the platform of the firm's own RSS/Atom feed
STATUSES = ("active", "passive", "unreachable", "unknown")
PENDING = "pending"  # found, not visited yet (an interrupted run): `auditor crawl --resume`
ACTIVE_DAYS = 180
FUTURE_SLACK = timedelta(days=2)  # dates later than the run's start + this are not posts
MAX_CANDIDATES = 40  # per firm: a page of partners' icons must not grow without bound
MAX_FEEDS = 3  # the firm's own feeds visited (language versions, news and blog)
ROBOTS_NOTE = "not fetched: robots"
# describe_failure's phrases for an address where nothing answers (auditor/failures.py,
# auditor/ssrf.py: a host resolving to a private address is not a public profile).
UNREACHABLE_ERRORS = ("DNS lookup failed", "connection refused", "connection reset",
                      "connection closed", "timed out", "TLS handshake failed",
                      "download failed", "refused by the SSRF guard")

REASON_LISTED = "listed in the firms file"
REASON_SAMEAS = "JSON-LD sameAs"
REASON_RESEMBLES = "handle resembles the firm's name"
REASON_TWITTER = "twitter:site meta"
REASON_SITEWIDE = "in site-wide links"
REASON_EMBED = "embedded on the site"
REASON_FEED = "feed announced by the firm's site"
# Rule a's snippet says why it kept a link; these are its phrases, strongest first.
_RULE_A_REASONS = (REASON_LISTED, REASON_SAMEAS, REASON_TWITTER, REASON_RESEMBLES,
                   REASON_SITEWIDE)
_CHROME = frozenset({"header", "nav", "footer"})
# Page meta naming the site's own accounts (twitter:creator names an author: left out).
_META_KEYS = ("article:publisher", "twitter:site", "og:see_also")


@dataclass(slots=True)
class Candidate:
    """A profile seen for a firm, with every reason to think it is the firm's own."""

    profile: Profile
    found_on: str
    reasons: list[str] = field(default_factory=list)
    chrome_pages: set[str] = field(default_factory=set)  # in a header, nav or footer there
    meta_pages: set[str] = field(default_factory=set)
    meta_key: str = ""
    own: bool = False
    why: str = ""

    def add(self, reason: str) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)


@dataclass(slots=True)
class ProfileRecord:
    """One profile of one firm in one run, as stored in the `profiles` table."""

    firm_id: str
    platform: str
    url: str
    handle: str = ""
    kind: str = ""
    own: bool = True
    own_reason: str = ""
    found_on: str = ""
    status: str = PENDING  # one of STATUSES, PENDING, or "" for others' profiles (not visited)
    reason: str = ""  # why this status, in words
    visit: str = ""  # what the visit got: "HTTP 200", "not fetched: robots", "HTTP 404"…
    http_status: int | None = None
    final_url: str = ""
    login_wall: bool | None = None
    title: str = ""
    og_title: str = ""
    og_description: str = ""
    followers: int | None = None
    links_back: bool | None = None  # None: not known (the page was not read)
    last_post: str = ""  # ISO date of the latest public post seen
    last_post_source: str = ""  # "feed" or "profile page"
    feed_url: str = ""
    feed_entries: int | None = None


def _feed_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{(parts.hostname or '').removeprefix('www.')}{parts.path}?{parts.query}"


def is_comment_feed(url: str) -> bool:
    return "comment" in url.lower()


class ProfileCollector:
    """One firm's profile candidates, fed page by page while its site is crawled."""

    def __init__(self, firm_id: str, names: tuple[str, ...], registered: str,
                 listed: Iterable[str] = ()):
        self.firm_id = firm_id
        self.names = tuple(n for n in names if n)
        self.registered = registered
        self.pages = 0
        self.candidates: dict[tuple[str, str], Candidate] = {}
        self.feeds: dict[str, tuple[str, str]] = {}  # key → (feed URL, page that announced it)
        for url in listed:
            profile = parse_profile(url)
            if profile is not None:
                self._candidate(profile, "firms file").add(REASON_LISTED)

    def _candidate(self, profile: Profile, page_url: str) -> Candidate:
        key = (profile.platform, profile.handle.lower())
        found = self.candidates.get(key)
        if found is None:
            if len(self.candidates) >= MAX_CANDIDATES:
                return Candidate(profile, page_url)  # kept nowhere: the firm has enough
            found = self.candidates[key] = Candidate(profile, page_url)
        return found

    def observe(self, page: Page, evidence: Iterable[Evidence], own_page: bool = True) -> None:
        """What one parsed page of the firm shows: rule a's profile evidence (with its
        reason), page meta, embeds, and the feeds it announces on the firm's own site."""
        self.pages += 1
        for item in evidence:
            if item.letter != "a" or not item.value.startswith(("http://", "https://")):
                continue
            profile = parse_profile(item.value)
            if profile is None:
                continue
            candidate = self._candidate(profile, item.url)
            reason = next((r for r in _RULE_A_REASONS if r in item.snippet), "")
            if not reason:  # a snippet cut short: its location tells
                reason = {"jsonld": REASON_SAMEAS, "meta": REASON_TWITTER}.get(
                    item.location, REASON_SITEWIDE if item.location in _CHROME else "")
            if reason and reason != REASON_SITEWIDE:
                candidate.add(reason)
            if item.location in _CHROME:
                candidate.chrome_pages.add(item.url)
        for key in _META_KEYS:
            value = page.meta.get(key, "").strip()
            if not value:
                continue
            if key.startswith("twitter:"):
                value = f"https://x.com/{value.lstrip('@')}"
            profile = parse_profile(value)
            if profile is not None:
                candidate = self._candidate(profile, page.url)
                candidate.meta_pages.add(page.url)
                candidate.meta_key = candidate.meta_key or key
        for src in page.iframes[:20]:
            profile = embedded_profile(src)
            if profile is not None:
                self._candidate(profile, page.url).add(REASON_EMBED)
        if own_page:
            for url in page.feeds:
                if len(self.feeds) >= MAX_FEEDS or is_comment_feed(url):
                    continue
                if registered_domain(urlsplit(url).hostname or "") == self.registered:
                    self.feeds.setdefault(_feed_key(url), (url, page.url))

    def judged(self) -> list[Candidate]:
        """Every candidate with `own` and `why` set: the firm's own first."""
        for candidate in self.candidates.values():
            candidate.own, candidate.why = self._judge(candidate)
        return sorted(self.candidates.values(), key=lambda c: (not c.own, c.profile.platform,
                                                               c.profile.url))

    def _judge(self, c: Candidate) -> tuple[bool, str]:
        for reason in (REASON_LISTED, REASON_SAMEAS, REASON_TWITTER):
            if reason in c.reasons:
                return True, reason
        if REASON_RESEMBLES in c.reasons or resembles(c.profile.handle, self.names):
            return True, REASON_RESEMBLES
        chrome = len(c.chrome_pages)
        if chrome >= 2 or (chrome and self.pages <= 1):
            return True, f"in the site's header or footer on {chrome} page{'s' * (chrome > 1)}"
        if len(c.meta_pages) >= 2:
            return True, f"in the {c.meta_key} meta of {len(c.meta_pages)} pages"
        if chrome:
            return False, "in a header or footer of one page only"
        if c.meta_pages:
            return False, f"in the {c.meta_key} meta of one page only"
        if REASON_EMBED in c.reasons:
            return False, "embedded on the site, handle unlike the firm's name"
        return False, "mentioned on the site, not as the firm's own"

    def records(self) -> list[ProfileRecord]:
        """The rows to store when the firm's crawl ends: own profiles pending a visit, the
        firm's feeds, and others' profiles with the reason they are not the firm's."""
        rows = []
        for c in self.judged():
            p = c.profile
            rows.append(ProfileRecord(
                self.firm_id, p.platform, p.url, p.handle, p.kind, c.own, c.why, c.found_on,
                status=PENDING if c.own else "",
                reason="" if c.own else "not the firm's own: not visited"))
        for url, page_url in self.feeds.values():
            rows.append(ProfileRecord(self.firm_id, BLOG, url, "", "feed", True, REASON_FEED,
                                      page_url, feed_url=url))
        return rows


def feed_for(record: ProfileRecord) -> str:
    """The public feed a profile is known to have from its URL alone, or ''."""
    if record.platform == BLOG:
        return record.url
    if record.platform == "youtube" and record.kind == "channel":
        return f"https://www.youtube.com/feeds/videos.xml?channel_id={record.handle}"
    if record.platform == "mastodon":
        return f"{record.url}.rss"
    if record.platform == "bluesky":
        return f"{record.url}/rss"
    return ""


def page_for(record: ProfileRecord) -> str:
    """The public page to visit, or '' when there is none (a feed row, WeChat)."""
    if record.platform in (BLOG, "wechat"):
        return ""
    return record.url


# ---- what the visits saw, and the verdict --------------------------------------------------

@dataclass(slots=True)
class Fetch:
    """How one request of a visit ended: a response, or a failure with its reason."""

    url: str
    http_status: int | None = None
    final_url: str = ""
    error: str = ""  # describe_failure's phrase; "" when a response came
    redirects: tuple[str, ...] = ()

    @property
    def robots(self) -> bool:
        from auditor.failures import ROBOTS_FORBID

        return self.error == ROBOTS_FORBID

    @property
    def gone(self) -> bool:
        """The address answers that nothing is there, or nothing answers at all (a rate
        limit, a page too large or a redirect loop is not that: the profile may be there)."""
        if self.http_status is not None:
            return self.http_status in (404, 410) or 500 <= self.http_status < 600
        return self.error.startswith(UNREACHABLE_ERRORS)

    @property
    def ok(self) -> bool:
        return self.http_status is not None and 200 <= self.http_status < 300 and not self.error

    def describe(self) -> str:
        if self.robots:
            return ROBOTS_NOTE
        if self.error:
            return self.error
        return f"HTTP {self.http_status}"


@dataclass(frozen=True, slots=True)
class Verdict:
    status: str
    reason: str
    last_post: datetime | None
    source: str


def not_after(run_start: datetime) -> datetime:
    return run_start + FUTURE_SLACK


def judge(page: Fetch | None, snapshot: ProfileSnapshot | None, feed: Fetch | None,
          summary: FeedSummary | None, run_start: datetime,
          active_days: int = ACTIVE_DAYS) -> Verdict:
    """The status a profile earns from its page visit and its feed (either may be None)."""
    dated = [(d, s) for d, s in ((summary.latest if summary else None, "feed"),
                                 (snapshot.latest_post if snapshot else None, "profile page"))
             if d is not None]
    if dated:
        latest, source = max(dated, key=lambda pair: pair[0])
        age = (run_start.date() - latest.date()).days  # calendar days, UTC
        day = latest.date().isoformat()
        if age <= active_days:
            return Verdict("active", f"post of {day} ({source}), {max(age, 0)} days before "
                           "the run", latest, source)
        return Verdict("passive", f"latest post {day} ({source}), {age} days before the run "
                       f"(over {active_days})", latest, source)
    public_page = page is not None and page.ok and snapshot is not None and not (
        snapshot.login_wall or any(is_login_url(u) for u in (page.final_url, *page.redirects)))
    if public_page:
        return Verdict("passive", "public page, no dated post visible", None, "")
    if summary is not None:
        return Verdict("passive", "feed without a dated entry", None, "")
    main = page if page is not None else feed
    if main is None:
        return Verdict("unknown", "no public web page to visit", None, "")
    if main.robots:
        return Verdict("unknown", ROBOTS_NOTE, None, "")
    if main.ok and page is not None:
        if snapshot is None:
            return Verdict("unknown", "the profile address does not serve a web page", None, "")
        where = next((u for u in (page.final_url, *page.redirects) if is_login_url(u)), "")
        return Verdict("unknown", f"login wall{f' ({where})' if where else ''}", None, "")
    if main.ok:
        return Verdict("unknown", "the feed address does not serve a feed", None, "")
    if main.gone:
        return Verdict("unreachable", main.describe(), None, "")
    return Verdict("unknown", f"{main.describe()}: the platform refused the visit", None, "")


def finish(record: ProfileRecord, page: Fetch | None, snapshot: ProfileSnapshot | None,
           feed: Fetch | None, summary: FeedSummary | None, run_start: datetime,
           active_days: int = ACTIVE_DAYS) -> ProfileRecord:
    """The record with what the visit saw and the verdict."""
    verdict = judge(page, snapshot, feed, summary, run_start, active_days)
    record.status, record.reason = verdict.status, verdict.reason
    record.last_post = verdict.last_post.date().isoformat() if verdict.last_post else ""
    record.last_post_source = verdict.source
    main = page if page is not None else feed
    if main is not None:
        record.visit = main.describe()
        record.http_status = main.http_status
        record.final_url = main.final_url
    if snapshot is not None:
        redirected = page is not None and any(is_login_url(u) for u in
                                              (page.final_url, *page.redirects))
        record.login_wall = snapshot.login_wall or redirected
        if not record.login_wall:  # a login page's title and meta are not the profile's
            record.title, record.og_title = snapshot.title, snapshot.og_title
            record.og_description = snapshot.og_description
            record.followers = snapshot.followers
            record.links_back = snapshot.links_back
    if feed is not None:
        record.feed_url = feed.url
        record.feed_entries = summary.entries if summary is not None else None
    return record
