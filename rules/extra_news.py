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
from urllib.parse import urlsplit

from auditor.dates import find_dates
from auditor.items import Evidence
from auditor.page import Page
from auditor.text import clean_snippet
from rules.base import Firm, RuleInfo
from rules.keywords import contains, declare

INFO = RuleInfo(letter="news", slug="press-releases", version=1)

NEWS_PATH = re.compile(
    r"/(?:news|newsroom|press|presse|press-?releases?|communiques?|communiqués?|"
    r"communiques-de-presse|nouvelles|actualites|actualités|actualite|actualité|actus?|"
    r"salle-de-presse|in-the-news|announcements|nieuws)(?:[/._-]|$)",
    re.IGNORECASE,
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


def _news_dates(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        types = node.get("@type")
        types = types if isinstance(types, list) else [types]
        if any(t in NEWS_TYPES for t in types):
            published = node.get("datePublished") or node.get("dateCreated")
            if isinstance(published, str):
                yield published
        for value in node.values():
            yield from _news_dates(value)
    elif isinstance(node, list):
        for item in node:
            yield from _news_dates(item)


def _iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def latest(dates: list[date], today: date | None = None) -> date:
    """The latest date that is not in the future (announced events are), else the latest."""
    today = today or date.today()
    past = [d for d in dates if d <= today]
    return max(past or dates)


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    if not firm.owns_url(page.url):
        return
    published = [d for text in _news_dates(page.jsonld) if (d := _iso(text))]
    if published:
        when = latest(published).isoformat()
        yield Evidence(INFO.letter, INFO.rule_id, when, page.url, "jsonld",
                       clean_snippet(f"news article dated {when}: {page.title}"), 1.0)
        return
    by_path = NEWS_PATH.search(urlsplit(page.url).path) is not None
    heading = next(
        (k for h in [page.title, *page.headings[:4]] if (k := contains(h, HEADINGS))), None
    )
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
