"""Read a social profile's public page: login wall, title, og tags, followers, link back.

What a profile shows publicly varies by platform and changes often, so this reads only
generic signals: where the request ended (a login URL), Open Graph meta, a "N followers"
text, `<time datetime>` and JSON-LD dates of posts, the feeds the page announces, and
whether the page links back to the firm's own site (reciprocity: one coordinated voice,
IMC level 1).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from auditor.feeds import parse_date
from auditor.text import collapse_spaces, fold

MAX_PROFILE_CHARS = 2_000_000
LOGIN_PATHS = re.compile(r"/(?:login|log-in|signin|sign-in|signup|authwall|uas/login|"
                         r"accounts/login|checkpoint|i/flow/login|servicelogin)(?:[/.?]|$)",
                         re.IGNORECASE)
LOGIN_HOSTS = ("consent.", "accounts.google.", "login.")  # cookie walls and sign-in hosts
LOGIN_TITLES = re.compile(r"\b(?:log ?in|sign ?in|sign up|connexion|se connecter|s'inscrire)\b")
_FOLLOWERS = re.compile(
    r"(\d{1,3}(?:[ \u00a0\u202f,.]\d{3})+|\d+(?:[.,]\d+)?)\s*([km])?\s*"
    r"(?:followers|abonnes|subscribers|abonne\(e\)s|abonnements? abonnes)\b"
)
_CHANNEL_ID = re.compile(r"\b(UC[\w-]{22})\b")
_JSONLD_DATES = ("datePublished", "uploadDate", "dateCreated")


@dataclass(frozen=True, slots=True)
class ProfileSnapshot:
    """What one fetch of a profile page showed."""

    login_wall: bool
    title: str
    og_title: str
    og_description: str
    followers: int | None
    links_back: bool
    latest_post: datetime | None
    feeds: tuple[str, ...]
    channel_id: str = ""  # a YouTube channel id the page names (canonical, og:url, meta)


def parse_count(digits: str, scale: str | None) -> int | None:
    """`2 718` → 2718; `1,2 k` → 1200; `3.4M` → 3400000."""
    clean = re.sub(r"[\s\u00a0\u202f]", "", digits)
    if scale:
        value = clean.replace(",", ".")
        try:
            return int(float(value) * (1000 if scale == "k" else 1_000_000))
        except ValueError:
            return None
    clean = clean.replace(",", "").replace(".", "")
    return int(clean) if clean.isdigit() else None


def is_login_url(url: str) -> bool:
    """A login, sign-up or consent page: where platforms send visitors they will not serve."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return bool(LOGIN_PATHS.search(parts.path)) or host.startswith(LOGIN_HOSTS)


def _jsonld_dates(node: object, depth: int = 0) -> Iterator[str]:
    if depth > 20:
        return
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _JSONLD_DATES and isinstance(value, str):
                yield value
            elif isinstance(value, dict | list):
                yield from _jsonld_dates(value, depth + 1)
    elif isinstance(node, list):
        for item in node:
            yield from _jsonld_dates(item, depth + 1)


def _attr(node: Tag, name: str) -> str:
    """An attribute as text: BeautifulSoup gives multi-valued ones (rel, class) as lists."""
    value = node.get(name)
    return " ".join(value) if isinstance(value, list) else (value or "")


def _post_dates(soup: BeautifulSoup) -> Iterator[datetime]:
    for node in soup.select("time[datetime]"):
        when = parse_date(_attr(node, "datetime"))
        if when is not None:
            yield when
    for node in soup.select('script[type="application/ld+json"]'):
        try:
            data = json.loads(node.get_text()[:100_000])
        except ValueError:
            continue
        for text in _jsonld_dates(data):
            when = parse_date(text)
            if when is not None:
                yield when


def read_profile(final_url: str, html: str, firm_domains: set[str],
                 not_after: datetime | None = None) -> ProfileSnapshot:
    """Generic signals from a profile page; `final_url` is where redirects ended. Dates after
    `not_after` (events announced ahead) are not posts.

    One page per profile, off the crawl's hot path: BeautifulSoup's forgiving tree and
    selectors serve better here than speed.
    """
    soup = BeautifulSoup(html[:MAX_PROFILE_CHARS], "lxml")
    meta: dict[str, str] = {}
    for node in soup.select("meta[content]"):
        key = _attr(node, "property") or _attr(node, "name") or _attr(node, "itemprop")
        meta.setdefault(key.lower(), _attr(node, "content")[:500])
    title_node = soup.find("title")
    title = collapse_spaces(title_node.get_text()) if title_node else ""
    feeds = tuple(dict.fromkeys(
        urljoin(final_url, href) for node in soup.select("link[href]")
        if "alternate" in _attr(node, "rel").lower()
        and any(t in _attr(node, "type").lower() for t in ("rss", "atom"))
        and (href := _attr(node, "href").strip())
        and urljoin(final_url, href).startswith(("http://", "https://"))
    ))
    dates = [d for d in _post_dates(soup) if not_after is None or d <= not_after]
    latest = max(dates, default=None)
    canonical = next((n for n in soup.select("link[href]")
                      if "canonical" in _attr(n, "rel").lower()), None)
    channel_sources = [meta.get("og:url", ""), meta.get("channelid", ""),
                       _attr(canonical, "href") if canonical else ""]
    channel = next((m.group(1) for s in channel_sources if (m := _CHANNEL_ID.search(s))), "")
    links = [unquote(_attr(node, "href")) for node in soup.select("a[href]")]
    password = soup.select_one("input[type=password]") is not None
    for hidden in soup(["script", "style", "noscript", "template"]):
        hidden.decompose()
    text = collapse_spaces(soup.body.get_text(" ")) if soup.body else ""
    folded = fold(text)
    followers = None
    match = _FOLLOWERS.search(fold(meta.get("og:description", "")).lower() + " "
                              + folded[:50_000].lower())
    if match:
        followers = parse_count(match.group(1), match.group(2))
    og_title = meta.get("og:title", "")
    login_wall = is_login_url(final_url) or (password and not og_title) or (
        bool(LOGIN_TITLES.search(fold(title).lower())) and not og_title)
    candidates = [*links, meta.get("og:see_also", ""), text[:200_000]]
    links_back = any(_mentions(c, firm_domains) for c in candidates if c)
    return ProfileSnapshot(login_wall, title[:300], og_title[:300],
                           meta.get("og:description", "")[:500], followers, links_back,
                           latest, feeds, channel)


def _mentions(text: str, domains: set[str]) -> bool:
    """The text names one of the domains as a host: `https://firm.ca/`, `www.firm.ca`,
    `info@firm.ca`, `firm.ca.` at a sentence's end; never `notfirm.ca` or `firm.ca.evil`."""
    lowered = text.lower()
    return any(re.search(rf"(?:^|[/.@\s(\"'])({re.escape(d)})(?![\w-])(?!\.\w)", lowered)
               for d in domains if d)
