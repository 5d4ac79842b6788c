"""l — symposiums, seminars, workshops, user meetings or conferences organised by the firm.

What it detects: a symposium, colloque, seminar, workshop, user meeting, open house, customer
or technology day, or conference that the firm organises or hosts: "organised by <the firm>",
"we host", "nous organisons", "our annual user meeting", "notre colloque", an event named
after the firm ("Symposium Glacis 2025"), or one held at the firm's premises ("dans nos
installations", "at our facility").

Why it matters: organising its own event is the most demanding event tool of the study, and a
two-way one: the firm gathers clients, researchers and students around its technology.

Positive: "Symposium Glacis 2025 … organisé par Glacis Photonique le 2 octobre 2025 à nos
installations de Québec".
Negative: a webinar, even a live one (it is b when it shows the product); a workshop
"organised by the Fraunhofer Institute" that the firm attended; a seminar of a magazine where
the firm's founder speaks (j); "notre atelier d'usinage" (a machine shop).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.items import Evidence
from auditor.page import Page
from auditor.text import snippet
from rules.base import Firm, RuleInfo
from rules.h_trade_shows import firm_tokens, is_legal_page, negated, outermost
from rules.keywords import Hit, declare, find

INFO = RuleInfo(letter="l", slug="organised-events", version=1)

GATHERINGS = declare(
    "l-gatherings",
    en=("symposium", "symposia", "seminar", "seminars", "workshop", "workshops",
        "user meeting", "user meetings", "users meeting", "users' meeting", "user group meeting",
        "user conference", "users conference", "user days", "customer day", "customer days",
        "open house", "technology day", "technology days", "tech day", "lunch and learn",
        "lunch & learn", "conference", "colloquium", "summer school", "innovation day"),
    fr=("colloque", "colloques", "seminaire", "seminaires", "atelier", "ateliers",
        "journee technique", "journees techniques", "journee portes ouvertes", "portes ouvertes",
        "rencontre utilisateurs", "rencontre des utilisateurs", "journee clients",
        "journee client", "journee utilisateurs", "journees utilisateurs", "conference",
        "journee d'information", "journee scientifique", "ecole d'ete"),
)
# Shop floors and online events share the words; they are not organised gatherings.
NOT_AN_EVENT_AFTER = re.compile(
    r"\s*(?:en ligne|web\b|virtuel|d'usinage|de fabrication|de production|de reparation|"
    r"mecanique|de soudure|\(webinar|call\b|room\b|salle\b|de presse\b)"
)
ONLINE_BEFORE = re.compile(r"\b(?:online|web|virtual|live|press|video|phone|telephone)\s+$")
ORGANISED_BY = re.compile(r"\b(?:organi[sz]ed|organi[sz]ee?s?|hosted|accueillie?s?|tenue?s?|"
                          r"presented|offered|offerte?s?|sponsored)\s+(?:by|par)\s+")
WE_ORGANISE = re.compile(
    r"\b(?:we|nous)\s+(?:are\s+|will\s+|have\s+|avons\s+|allons\s+|are proud to\s+|"
    r"sommes fiers d')?(?:host\w*|organi[sz]\w*|accueill\w*|tiendr\w*|tenons|held|hold|"
    r"holding)\b"
)
FIRM_ORGANISES = re.compile(  # "<the firm> organise…", "<the firm> will host…"
    r"\b(?:organi[sz]es?|organi[sz]era|hosts|will host|is hosting|hosted|accueille|"
    r"accueillera|tiendra|tient)\b"
)
OUR_EVENT = re.compile(
    r"\b(?:our|notre|nos)\s+(?:\w+\s+){0,2}?(?:symposium|seminar|seminars|user meeting|"
    r"users meeting|user conference|open house|customer day|technology day|conference|"
    r"colloquium|colloque|seminaire|seminaires|journee|journees|rencontre|conference annuelle)\b"
)
AT_OUR_PLACE = re.compile(
    r"\b(?:at|in)\s+our\s+(?:\w+\s+)?(?:facility|facilities|premises|offices|headquarters|"
    r"plant|factory|lab|labs|laboratory|campus|showroom)\b|\b(?:dans|a|en)\s+nos\s+(?:\w+\s+)?"
    r"(?:installations|locaux|bureaux|usine|laboratoires?|salle)\b|\bchez nous\b"
)
OTHERS_ATTENDED = re.compile(r"\b(?:attended|attend|attending|visited|assiste\w*|participe\w*|"
                             r"participated|participating)\b")


def _organised_by_firm(page: Page, hit: Hit, firm: Firm) -> str:
    """Why the gathering is the firm's own, or '' when nothing says so."""
    folded = page.folded
    tokens = firm_tokens(firm)
    window = folded[max(0, hit.start - 200):hit.end + 200]
    centre = hit.start - max(0, hit.start - 200)
    for match in ORGANISED_BY.finditer(window):
        after = window[match.end():match.end() + 60]
        if any(after.startswith(t) or f" {t}" in after[:40] for t in tokens) or after.startswith(
                ("us", "nous", "nos soins")):
            return "organised by the firm"
        if abs(match.start() - centre) < 120:
            return ""  # organised by someone else
    before = folded[max(0, hit.start - 30):hit.start].rstrip(" -–'")
    after = folded[hit.end:hit.end + 30].lstrip(" -–")
    if any(before.endswith(t) or after.startswith(t) for t in tokens):
        return "named after the firm"
    near_window = folded[max(0, hit.start - 100):hit.end + 60]
    for match in OUR_EVENT.finditer(folded, max(0, hit.start - 40), hit.end + 5):
        if match.start() <= hit.start and match.end() >= hit.end:
            return "the firm's own event"
    if WE_ORGANISE.search(near_window):
        return "the firm's own event"
    for verb in FIRM_ORGANISES.finditer(folded, max(0, hit.start - 100), hit.start):
        subject = folded[max(0, verb.start() - 40):verb.start()]
        if any(t in subject for t in tokens):
            return "the firm's own event"
    place = folded[max(0, hit.start - 40):hit.end + 100]
    if AT_OUR_PLACE.search(place) and not OTHERS_ATTENDED.search(place):
        return "held at the firm's premises"
    return ""


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    hits = outermost(find(page, GATHERINGS))
    if not hits or is_legal_page(page):
        return
    folded = page.folded
    seen: set[str] = set()
    for hit in hits:
        if NOT_AN_EVENT_AFTER.match(folded, hit.end) or ONLINE_BEFORE.search(
                folded[max(0, hit.start - 10):hit.start]) or negated(folded, hit.start):
            continue
        why = _organised_by_firm(page, hit, firm)
        if not why:
            continue
        value = f"{page.text[hit.start:hit.end]} ({why})"
        if value.lower() in seen:
            continue
        seen.add(value.lower())
        yield Evidence(
            letter=INFO.letter,
            rule_id=INFO.rule_id,
            value=value,
            url=page.url,
            location="body",
            snippet=snippet(page.text, hit.start, hit.end),
            confidence=0.9 if why in ("organised by the firm", "named after the firm") else 0.7,
        )
