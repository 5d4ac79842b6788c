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
from auditor.text import clean_snippet
from rules.base import Firm, RuleInfo
from rules.fingerprints import fingerprints

INFO = RuleInfo(letter="g", slug="analytics-tag", version=1)
COUNTED_CATEGORIES = frozenset(
    {"analytics", "tag-manager", "ad-conversion", "marketing-automation", "abm"}
)


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    prints = fingerprints()
    seen: set[str] = set()
    sources = (
        [("script_src", src, "script") for src in page.script_srcs]
        + [("inline", body, "script") for body in page.inline_scripts]
        + [("iframe", src, "body") for src in page.iframes]
    )
    for channel, text, location in sources:
        for match in prints.scan(channel, text):
            tech = match.technology
            if tech.category not in COUNTED_CATEGORIES or tech.name in seen:
                continue
            seen.add(tech.name)
            label = f"{tech.name} {match.tracking_id}".strip()
            where = "script src" if channel == "script_src" else f"{channel} loader"
            yield Evidence(
                letter=INFO.letter,
                rule_id=INFO.rule_id,
                value=label,
                url=page.url,
                location=location,
                snippet=clean_snippet(f"{tech.name} loaded by {where}: {match.matched}"),
                confidence=1.0,
            )
