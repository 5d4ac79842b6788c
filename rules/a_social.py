"""a — social media: links to the firm's own social accounts, or its own dated blog.

What it detects: links to an account page on LinkedIn, Facebook, X/Twitter, YouTube,
Instagram, Vimeo, TikTok, GitHub, Mastodon, Bluesky, Xing, WeChat… that belongs to the firm
(site-wide header/nav/footer placement, a handle resembling the firm's name, JSON-LD
`sameAs`, `twitter:site`, or listed in the firms CSV), and a blog or news section of dated
posts on the firm's own site.

Why it matters: social media are the study's most common digital tool; which platforms a
firm uses, and whether it is active there, tell how two-way its communication is.

Positive: a footer icon `<a href="https://www.linkedin.com/company/lumisonde/">`.
Negative: `https://www.facebook.com/sharer/sharer.php?u=…` (a share button), a founder's
`linkedin.com/in/…` profile, an icon with `href="#"`, or a trade show's page in a news post.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.dates import find_dates
from auditor.items import Evidence
from auditor.page import Page, remember
from auditor.social import Profile, parse_profile, resembles
from auditor.text import clean_snippet
from rules.base import Firm, RuleInfo
from rules.documents import TextMemo, link_url_set, page_path, plain_url

INFO = RuleInfo(letter="a", slug="social-media", version=1)
RULE_ID = INFO.rule_id

_SECTIONS = (r"/(?:blog|blogue|blogs|news|nouvelles|actualites|actualités|actus?|press|presse|"
             r"communiques|communiqués|newsroom|insights|articles)")
BLOG_PATH = re.compile(_SECTIONS + r"(?:/|\.html?$|$)", re.IGNORECASE)
_SECTION_NAMED = re.compile(_SECTIONS, re.IGNORECASE)  # BLOG_PATH without what must follow
POST_TYPES = frozenset({"BlogPosting", "NewsArticle", "Article", "PressRelease"})
SITEWIDE_REGIONS = frozenset({"header", "nav", "footer"})
# The page's link URLs that are profiles, told by set operations (most links are the site's).
_PROFILE_URLS = TextMemo(lambda url: parse_profile(url) is not None)


def _profile_evidence(profile: Profile, page: Page, location: str, why: str, text: str) -> Evidence:
    return Evidence(
        letter=INFO.letter,
        rule_id=RULE_ID,
        value=profile.url,
        url=page.url,
        location=location,
        snippet=_profile_quote(profile, why, text),
        confidence=1.0 if why != "in site-wide links" else 0.8,
    )


def _profile_quote(profile: Profile, why: str, text: str) -> str:
    """The quote of a profile link, memoised (bounded) by what it is made of: a site's
    footer shows the same accounts on every page."""
    key = (profile.platform, profile.url, why, text)
    quote = _QUOTES.get(key)
    if quote is None:
        label = f"{profile.platform} {profile.url}"
        quote = clean_snippet(f"{label} — {why}" + (f"; link text: {text}" if text else ""))
        remember(_QUOTES, key, quote, MAX_QUOTES)
    return quote


MAX_QUOTES = 4096
_QUOTES: dict[tuple[str, str, str, str], str] = {}


def _same_as(node: object, found: list[str]) -> list[str]:
    """The `sameAs` URLs of a JSON-LD tree, in document order, added to `found`.

    A walk that fills a list: nested generators cost a resumption per level per URL.
    """
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "sameAs":
                values = value if isinstance(value, list) else [value]
                found.extend(v for v in values if isinstance(v, str))
            elif isinstance(value, (dict, list)):
                _same_as(value, found)
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, (dict, list)):
                _same_as(item, found)
    return found


def _post_dates(node: object, found: list[str]) -> list[str]:
    """The `datePublished` of the posts and articles of a JSON-LD tree, added to `found`."""
    if isinstance(node, dict):
        types = node.get("@type")
        if isinstance(types, list):
            post = any(t in POST_TYPES for t in types)
        else:
            post = types in POST_TYPES  # as `[types]` would, without a generator per node
        if post and isinstance(node.get("datePublished"), str):
            found.append(node["datePublished"])
        for value in node.values():
            if isinstance(value, (dict, list)):
                _post_dates(value, found)
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, (dict, list)):
                _post_dates(item, found)
    return found


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    names = tuple(n for n in (firm.name, firm.label) if n)
    listed = {p.url for url in firm.profiles if (p := parse_profile(url))}
    seen: set[str] = set()
    social = _PROFILE_URLS.among(link_url_set(page))
    for link in page.links if social else ():
        if not link.url or link.url not in social:
            continue  # not a profile: parse_profile would say None
        profile = parse_profile(link.url)
        if profile is None or profile.url in seen:
            continue
        if profile.url in listed:
            why = "listed in the firms file"
        elif resembles(profile.handle, names):
            why = "handle resembles the firm's name"
        elif link.region in SITEWIDE_REGIONS:
            why = "in site-wide links"
        else:
            continue  # another organisation's account, mentioned in the body
        seen.add(profile.url)
        yield _profile_evidence(profile, page, link.region, why, link.text)
    for url in _same_as(page.jsonld, []):
        profile = parse_profile(url)
        if profile and profile.url not in seen:
            seen.add(profile.url)
            yield _profile_evidence(profile, page, "jsonld", "JSON-LD sameAs", "")
    site_handle = page.meta.get("twitter:site", "").lstrip("@")
    if site_handle:
        profile = parse_profile(f"https://x.com/{site_handle}")
        if profile and profile.url not in seen and resembles(profile.handle, names):
            seen.add(profile.url)
            yield _profile_evidence(profile, page, "meta", "twitter:site meta", "")
    yield from _blog_evidence(page, firm)


def _blog_page(page: Page) -> bool:
    """A page in a blog or news section (`BLOG_PATH` in its path).

    The path of a `plain_url` is part of it: when the URL names no section, neither does
    the path, and the URL need not be split.
    """
    if plain_url(page.url) and not _SECTION_NAMED.search(page.url):
        return False
    return bool(BLOG_PATH.search(page_path(page)))


def _blog_evidence(page: Page, firm: Firm) -> Iterator[Evidence]:
    """A dated post or a listing of dated posts on the firm's own site."""
    if not firm.owns_url(page.url):
        return
    published = _post_dates(page.jsonld, [])
    if published:
        yield Evidence(INFO.letter, RULE_ID, f"blog post {published[0][:10]}", page.url,
                       "jsonld", clean_snippet(f"post dated {published[0]}: {page.title}"), 0.9)
        return
    if not _blog_page(page):
        return
    dates = find_dates(page.folded)
    published_meta = page.meta.get("article:published_time", "")
    if len(dates) >= 2 or (dates and published_meta):
        latest = max(dates)
        yield Evidence(INFO.letter, RULE_ID, f"news/blog section, latest {latest.isoformat()}",
                       page.url, "body",
                       clean_snippet(f"{len(dates)} dated posts, latest {latest.isoformat()}: {page.title}"),
                       0.8)
