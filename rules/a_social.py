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
from urllib.parse import urlsplit

from auditor.dates import find_dates
from auditor.items import Evidence
from auditor.page import Page
from auditor.social import Profile, parse_profile, resembles
from auditor.text import clean_snippet
from rules.base import Firm, RuleInfo

INFO = RuleInfo(letter="a", slug="social-media", version=1)

BLOG_PATH = re.compile(
    r"/(?:blog|blogue|blogs|news|nouvelles|actualites|actualités|actus?|press|presse|"
    r"communiques|communiqués|newsroom|insights|articles)(?:/|\.html?$|$)",
    re.IGNORECASE,
)
POST_TYPES = frozenset({"BlogPosting", "NewsArticle", "Article", "PressRelease"})
SITEWIDE_REGIONS = frozenset({"header", "nav", "footer"})


def _profile_evidence(profile: Profile, page: Page, location: str, why: str, text: str) -> Evidence:
    label = f"{profile.platform} {profile.url}"
    return Evidence(
        letter=INFO.letter,
        rule_id=INFO.rule_id,
        value=profile.url,
        url=page.url,
        location=location,
        snippet=clean_snippet(f"{label} — {why}" + (f"; link text: {text}" if text else "")),
        confidence=1.0 if why != "in site-wide links" else 0.8,
    )


def _same_as(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "sameAs":
                values = value if isinstance(value, list) else [value]
                yield from (v for v in values if isinstance(v, str))
            else:
                yield from _same_as(value)
    elif isinstance(node, list):
        for item in node:
            yield from _same_as(item)


def _post_dates(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        types = node.get("@type")
        types = types if isinstance(types, list) else [types]
        if any(t in POST_TYPES for t in types) and isinstance(node.get("datePublished"), str):
            yield node["datePublished"]
        for value in node.values():
            yield from _post_dates(value)
    elif isinstance(node, list):
        for item in node:
            yield from _post_dates(item)


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    names = tuple(n for n in (firm.name, firm.label) if n)
    listed = {p.url for url in firm.profiles if (p := parse_profile(url))}
    seen: set[str] = set()
    for link in page.links:
        profile = parse_profile(link.url) if link.url else None
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
    for url in _same_as(page.jsonld):
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


def _blog_evidence(page: Page, firm: Firm) -> Iterator[Evidence]:
    """A dated post or a listing of dated posts on the firm's own site."""
    if not firm.owns_url(page.url):
        return
    published = list(_post_dates(page.jsonld))
    if published:
        yield Evidence(INFO.letter, INFO.rule_id, f"blog post {published[0][:10]}", page.url,
                       "jsonld", clean_snippet(f"post dated {published[0]}: {page.title}"), 0.9)
        return
    if not BLOG_PATH.search(urlsplit(page.url).path):
        return
    dates = find_dates(page.folded)
    published_meta = page.meta.get("article:published_time", "")
    if len(dates) >= 2 or (dates and published_meta):
        latest = max(dates)
        yield Evidence(INFO.letter, INFO.rule_id, f"news/blog section, latest {latest.isoformat()}",
                       page.url, "body",
                       clean_snippet(f"{len(dates)} dated posts, latest {latest.isoformat()}: {page.title}"),
                       0.8)
