"""live-chat — a live-chat widget loaded by the page (beyond Table 2).

What it detects: the loader of a chat widget (Zoho SalesIQ, Tawk.to, Intercom, Crisp, Tidio,
LiveChat, Olark, Zendesk, Drift, Freshchat, Messenger, Brevo, HubSpot chat), as a script
src or an inline loader snippet, or a direct chat link (a tawk.to chat page, a WhatsApp
click-to-chat link with the firm's number, lower confidence), matched against the `chat`
category of `fingerprints.json`; the widget's ID or the number is kept when shown.

Why it matters: live chat is a two-way, real-time channel the study's Table 2 does not list;
the audit records it beside the Table-2 tools.

Positive: `<script>…s1.src='https://embed.tawk.to/5f0a1b2c3d4e5f6a7b8c9d0e/default';…</script>`.
Negative: the word « clavardage » in a page, a `var chat = …` script, or a WhatsApp share
button (`api.whatsapp.com/send?text=…`, no number): no chat is offered.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.items import Evidence
from auditor.page import Page
from rules.base import Firm, RuleInfo
from rules.fingerprints import best_on_page, quote

INFO = RuleInfo(letter="live-chat", slug="widget", version=1)
CATEGORY = "chat"


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    seen: set[str] = set()
    for found in best_on_page(page):
        tech = found.technology
        if tech.category != CATEGORY or tech.name in seen:
            continue
        seen.add(tech.name)
        channel = found.match.channel
        where = {"script_src": "script src", "inline": "inline loader", "dom": "chat link"}.get(
            channel, channel
        )
        yield Evidence(
            letter=INFO.letter,
            rule_id=INFO.rule_id,
            value=f"{tech.name} {found.match.tracking_id}".strip(),
            url=page.url,
            location=found.location,
            snippet=quote(f"{tech.name} by {where}: {found.match.matched}"),
            confidence=0.8 if channel == "dom" else 1.0,
        )
