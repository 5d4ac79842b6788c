"""r — slide decks offered: PowerPoint files, slides as PDF, SlideShare or Speaker Deck embeds.

What it detects: links to .ppt/.pptx/.pps/.ppsx/.odp files, PDF files whose name or link text
says slides, presentation or diaporama, and embeds or links of SlideShare, Speaker Deck,
Google Slides, Prezi or slides.com.

Why it matters: the study's firms give theoretical PowerPoint presentations to their
customers' technicians; a deck offered on the site is the visible part of that practice.

Positive: `<a href="/docs/Fiber_devices.ppt">Fiber_devices.ppt</a>`, or a SlideShare iframe.
Negative: "presentation" as a page heading ("Présentation de l'entreprise") with no file,
or a product page link labelled "Product presentation" that leads to an HTML page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.items import Evidence
from auditor.page import Page
from auditor.text import clean_snippet
from rules.base import Firm, RuleInfo
from rules.documents import documents, file_quote, links_to

INFO = RuleInfo(letter="r", slug="slide-decks", version=1)

MAX_FILES = 5
SLIDE_SERVICES = re.compile(
    r"^https?://(?:[\w-]+\.)*(slideshare\.net|speakerdeck\.com|prezi\.com|slides\.com)(?:[/:?]|$)"
    r"|^https?://docs\.google\.com/(presentation)/",
    re.MULTILINE,
)


def _slide_service(url: str) -> str:
    match = SLIDE_SERVICES.match(url)
    if not match:
        return ""
    return "Google Slides" if match.group(2) else match.group(1)


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    found = 0
    for doc in documents(page):
        if doc.kind != "slides" or found >= MAX_FILES:
            continue
        found += 1
        ext = doc.name.rsplit(".", 1)[-1].upper() if "." in doc.name else "file"
        why = "slide file" if doc.matched == "extension" else f"slides named in {doc.matched}"
        yield Evidence(INFO.letter, INFO.rule_id, f"slides {ext} {doc.name}", page.url,
                       doc.link.region, file_quote(doc, why),
                       1.0 if doc.matched == "extension" else 0.8)
    for src in page.iframes:
        service = _slide_service(src)
        if service:
            yield Evidence(INFO.letter, INFO.rule_id, f"{service} embed {src}", page.url, "body",
                           clean_snippet(f"embedded slide deck: {src}"), 0.9)
            return
    if found:
        return
    for link in links_to(page, SLIDE_SERVICES):
        service = _slide_service(link.url)
        if service:
            quote = clean_snippet(f"{link.text or 'slides'} → {link.url}")
            yield Evidence(INFO.letter, INFO.rule_id, f"{service} {link.url}", page.url,
                           link.region, quote, 0.8)
            return
