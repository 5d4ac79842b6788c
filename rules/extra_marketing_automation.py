"""marketing-automation — marketing-automation, CRM and ABM tools the page uses (beyond Table 2).

What it detects: a marketing-automation tracker (HubSpot, Pardot, Marketo, Eloqua, Act-On,
SharpSpring, Mautic, ActiveCampaign, Klaviyo, Brevo), a CRM web-to-lead form (Salesforce,
Zoho CRM, Pipedrive), an account-based-marketing or B2B visitor-identification tag (6sense,
Demandbase, Leadfeeder, Albacross, ZoomInfo, Clearbit), or the hosted forms and meeting
links of a marketing-automation vendor (HubSpot forms and meetings, Marketo forms), matched
against `fingerprints.json` in script srcs, inline loaders, iframes, form actions and links.
The value names the tool and its account ID when the snippet shows it.

Why it matters: these tools capture and nurture leads, a sign of the integrated, two-way
communication of the study's IMC levels 3 and 4.

Positive: `<script src="https://js.hs-scripts.com/2468024.js">`, or
`<form action="https://webto.salesforce.com/servlet/servlet.WebToLead?encoding=UTF-8">`.
Negative: a link to `https://www.hubspot.com/` (the vendor's site), or the word « Marketo »
in a job offer.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from auditor.items import Evidence
from auditor.page import Page
from rules.base import Firm, RuleInfo
from rules.fingerprints import Technology, best_on_page, fingerprints, quote

INFO = RuleInfo(letter="marketing-automation", slug="tags", version=1)
CATEGORIES = frozenset({"marketing-automation", "crm", "abm"})
VENDOR_TOOL_CATEGORIES = frozenset({"forms", "scheduling"})  # counted for an MA vendor


@cache
def automation_vendors() -> frozenset[str]:
    return fingerprints().vendors_in("marketing-automation")


def is_automation(tech: Technology) -> bool:
    """An MA/CRM/ABM tool, or a marketing-automation vendor's forms or meeting links."""
    if tech.category in CATEGORIES:
        return True
    return tech.category in VENDOR_TOOL_CATEGORIES and tech.vendor in automation_vendors()


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    seen: set[str] = set()
    for found in best_on_page(page):
        tech = found.technology
        if tech.name in seen or not is_automation(tech):
            continue
        seen.add(tech.name)
        channel = found.match.channel
        where = {"script_src": "script src", "inline": "inline loader", "dom": "form or link"}.get(
            channel, channel
        )
        detail = found.match.matched if channel == "inline" else found.source
        yield Evidence(
            letter=INFO.letter,
            rule_id=INFO.rule_id,
            value=f"{tech.name} {found.match.tracking_id}".strip(),
            url=page.url,
            location=found.location,
            snippet=quote(f"{tech.name} ({tech.category}) by {where}: {detail}"),
            confidence=1.0 if channel != "dom" or found.location == "form" else 0.8,
        )
