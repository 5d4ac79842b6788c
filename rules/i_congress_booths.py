"""i — a booth or exhibit at a major congress or scientific conference.

What it detects: the firm's booth, stand or kiosque, or its exhibiting, at a congress or
scientific conference that has an exhibition: SPIE Photonics West and the other SPIE
meetings, OFC, CLEO, ECOC, Optica congresses (ASSL, Frontiers in Optics…), IEEE photonics
conferences, Photonics North, ICALEO, Pittcon…; or a booth number written in the same
sentence as the words congress, congrès or scientific conference. It reuses the trade-show
evidence of rule h and keeps only what sits at such an event.

Why it matters: the study's post-entry firms exhibit at the big scientific congresses, where
researchers and engineers who buy their products meet.

h and i: every evidence of i is also evidence of h (the congress's exhibition is a trade show);
a show that is not known as a congress stays h only ("when unsure between h and i, h").
A talk or poster at such a congress, with no booth, is j; visiting it is nothing.

Positive: "SPIE Photonics West 2026 … kiosque 4521", "CLEO 2025 — exhibit booth 716".
Negative: "We were not exhibiting this year" (a paper at Photonics West is j);
"Laser World of Photonics 2025, hall B2, stand 315" (a trade fair: h only); "Meet us at
SPIE Photonics West" with no booth or exhibit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.items import Evidence
from auditor.page import Page
from rules.base import Firm, RuleInfo
from rules.h_trade_shows import MAJOR_SET, Participation, described, quote

INFO = RuleInfo(letter="i", slug="congress-booths", version=1)

EXHIBITING = frozenset({"exhibit", "exhibits", "exhibited", "exhibiting", "exhibit at",
                        "expose", "exposons", "exposerons", "exposera", "exposeront",
                        "exposait", "exposaient", "exposent"})
BOOTH_IN_PHRASE = re.compile(r"\b(?:booth|stand|kiosque|kiosk|exhibit)\b")
CONGRESS_WORDS = re.compile(r"\b(?:congress|congres|scientific conference|conference "
                            r"scientifique|symposium)\b")


def _at_congress(page: Page, item: Participation) -> float:
    """Confidence that the participation is a booth or exhibit at a major congress, or 0."""
    if item.kind == "show-list":
        return 0.0
    if item.kind == "invitation":
        phrase = page.folded[item.start:item.end + 60]
        if not BOOTH_IN_PHRASE.search(phrase):
            return 0.0
    if item.kind == "exhibit-verb" and page.folded[item.start:item.end] not in EXHIBITING:
        return 0.0
    if item.event is not None:
        return 0.9 if item.event.keyword in MAJOR_SET else 0.0
    sentence_start = page.folded.rfind(". ", 0, item.start) + 1
    if item.kind == "booth-number" and CONGRESS_WORDS.search(page.folded, sentence_start,
                                                             item.end + 80):
        return 0.6
    return 0.0


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    seen: set[str] = set()
    for item, value in described(page, firm):  # rule h's, with its values and quotes
        confidence = _at_congress(page, item)
        if not confidence:
            continue
        if value in seen:
            continue
        seen.add(value)
        yield Evidence(
            letter=INFO.letter,
            rule_id=INFO.rule_id,
            value=value,
            url=page.url,
            location="body",
            snippet=quote(page, item),
            confidence=confidence,
        )
