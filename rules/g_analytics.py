"""g — web-traffic analytics: a tracking tag that the page actually loads.

What it detects: a loader for an analytics, tag-manager, conversion or marketing-automation
tracker (Google Analytics, Tag Manager, Matomo, Hotjar, Clarity, LinkedIn Insight, Meta
Pixel, HubSpot…), as a script src, an inline loader snippet or a tag-manager iframe,
matched against `fingerprints.json`; the tracking ID is kept.

Why it matters: the study's post-entry firms analyse their traffic monthly; a loader is the
visible trace of that practice (IMC level 3 needs analytics plus data collection).

Positive: `<script async src="https://www.googletagmanager.com/gtag/js?id=G-4TQ8ZK2LM1">`.
Negative: `gtag('config', 'G-4TQ8ZK2LM1')` with no loader, or a loader inside an HTML
comment: nothing is loaded, so nothing is measured.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.items import Evidence
from auditor.page import Page
from rules.base import Firm, RuleInfo
from rules.fingerprints import quote, scan_page

INFO = RuleInfo(letter="g", slug="analytics-tag", version=1)
COUNTED_CATEGORIES = frozenset(
    {"analytics", "tag-manager", "ad-conversion", "marketing-automation", "abm"}
)
# The channels that load a tracker, and how the evidence names them.
LOADERS = {"script_src": "script src", "inline": "inline loader", "iframe": "iframe loader"}


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    """The loaders of `scan_page`'s script src, inline and iframe channels, first per
    technology: `scan_page` scans those values first and in this order, keeping each
    technology's first match per channel, so its first sighting of a technology in these
    channels is the one a scan of the script srcs, inline scripts and iframes finds first
    (and it shares the page's one scan with the other rules)."""
    seen: set[str] = set()
    for found in scan_page(page):
        match = found.match
        where = LOADERS.get(match.channel)
        tech = match.technology
        if where is None or tech.category not in COUNTED_CATEGORIES or tech.name in seen:
            continue
        seen.add(tech.name)
        yield Evidence(
            letter=INFO.letter,
            rule_id=INFO.rule_id,
            value=f"{tech.name} {match.tracking_id}".strip(),
            url=page.url,
            location=found.location,
            snippet=quote(f"{tech.name} loaded by {where}: {match.matched}"),
            confidence=1.0,
        )
