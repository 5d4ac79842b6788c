"""news — press releases or a news section on the firm's own site (beyond Table 2).

What it detects: a page of the firm's own site that is a news or press section (its address
says news, press, newsroom, communiqués, nouvelles, actualités; or its title or top headings
say so and it carries several dated items), or a JSON-LD `NewsArticle`/`PressRelease`. The
value is the latest date seen (ISO), the recency of the firm's news.

Why it matters: press releases and news are one-way communication tools that the study's
firms use beside the Table-2 tools; their latest date tells whether they are kept up.

Positive: `/fr/nouvelles/` listing « 14 mars 2025 — Lancement du capteur OC-200 ».
Negative: a home page whose menu has a « Nouvelles » link and no dated item; a news page
of a trade show's site.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from auditor.dates import find_dates
from auditor.items import Evidence
from auditor.page import Page
from auditor.text import clean_snippet
from rules.base import Firm, RuleInfo
from rules.documents import page_path, plain_url
from rules.keywords import contains, declare

INFO = RuleInfo(letter="news", slug="press-releases", version=1)

NEWS_PATH = re.compile(
    r"/(?:news|newsroom|press|presse|press-?releases?|communiques?|communiqués?|"
    r"communiques-de-presse|nouvelles|actualites|actualités|actualite|actualité|actus?|"
    r"salle-de-presse|in-the-news|announcements|nieuws)(?:[/._-]|$)",
    re.IGNORECASE,
)
# What NEWS_PATH's ASCII words start with, lower-cased, after the slash that precedes them
# (one search for them all: they share the slash, which the regex engine skips ahead to).
NEWS_PATH_WORDS = re.compile(
    "/(?:news|press|communique|nouvelles|actu|salle-de-presse|in-the-news|announcements|nieuws)"
)
NEWS_TYPES = frozenset({"NewsArticle", "PressRelease", "ReportageNewsArticle"})
HEADINGS = declare(
    "extra-news-headings",
    en=("news", "latest news", "company news", "press releases", "press release", "newsroom",
        "press room", "in the news", "announcements"),
    fr=("nouvelles", "dernieres nouvelles", "actualites", "actualite", "communiques",
        "communiques de presse", "communique de presse", "salle de presse", "revue de presse",
        "salle des medias"),
)
MIN_DATES_BY_HEADING = 2  # a "News" heading alone needs several dated items


def _news_dates(node: object) -> list[str]:
    """The publication dates of the news nodes in a JSON-LD value, depth first."""
    found: list[str] = []
    _collect_news_dates(node, found)
    return found


def _collect_news_dates(node: object, found: list[str]) -> None:
    """Walk the dicts and lists only: a string or a number holds no node, so the walk does
    not call itself for each of them (most of a JSON-LD block)."""
    if isinstance(node, dict):
        types = node.get("@type")
        if isinstance(types, str):  # the usual case, without a list and a generator
            news = types in NEWS_TYPES
        else:
            news = any(t in NEWS_TYPES for t in (types if isinstance(types, list) else [types]))
        if news:
            published = node.get("datePublished") or node.get("dateCreated")
            if isinstance(published, str):
                found.append(published)
        for value in node.values():
            if isinstance(value, (dict, list)):
                _collect_news_dates(value, found)
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, (dict, list)):
                _collect_news_dates(item, found)


def _iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def news_address(page: Page) -> bool:
    """`NEWS_PATH.search(urlsplit(page.url).path)`, with no split (nor regex) for a
    `plain_url` whose lower-cased text holds none of NEWS_PATH_WORDS: its path is a part of
    it, and on ASCII text the case-insensitive pattern matches only where one of its ASCII
    words stands, lower-cased (its accented words cannot match there)."""
    if plain_url(page.url) and NEWS_PATH_WORDS.search(page.url.lower()) is None:
        return False
    return NEWS_PATH.search(page_path(page)) is not None


def latest(dates: list[date], today: date | None = None) -> date:
    """The latest date that is not in the future (announced events are), else the latest."""
    today = today or date.today()
    past = [d for d in dates if d <= today]
    return max(past or dates)


def _heading(page: Page) -> str | None:
    """The first HEADINGS keyword in the page's title or first four headings."""
    for text in (page.title, *page.headings[:4]):
        keyword = contains(text, HEADINGS)
        if keyword:
            return keyword
    return None


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    if not firm.owns_url(page.url):
        return
    published = [d for text in _news_dates(page.jsonld) if (d := _iso(text))]
    if published:
        when = latest(published).isoformat()
        yield Evidence(INFO.letter, INFO.rule_id, when, page.url, "jsonld",
                       clean_snippet(f"news article dated {when}: {page.title}"), 1.0)
        return
    by_path = news_address(page)
    heading = _heading(page)
    if not by_path and heading is None:
        return
    dates = find_dates(page.folded)
    if not dates or (not by_path and len(dates) < MIN_DATES_BY_HEADING):
        return
    when = latest(dates).isoformat()
    why = "news address" if by_path else f"heading « {heading} »"
    yield Evidence(INFO.letter, INFO.rule_id, when, page.url, "body",
                   clean_snippet(f"{why}, {len(dates)} dated items, latest {when}: {page.title}"),
                   0.9 if by_path else 0.8)
