"""b — product demonstrations offered: a demo to request or book, a free trial, a demo webinar.

What it detects: an offer to show the product: "request / book / schedule a demo",
"demande de démonstration", "réservez une démonstration", a live, online or virtual demo,
a demonstration by videoconference, a free trial or a trial or demo version of software
("essai gratuit de 14 jours"), a webinar that shows the product ("see the camera in
action"), or a scheduling link (Calendly, HubSpot meetings) for a demo. Trials and demo
versions must be the firm's own: a link on its site, or "we", "nous" or its name nearby.

Why it matters: demonstrations, in person or by videoconference, are a direct (two-way) tool
of the study; a demo request form is how a prospect asks for one.

Positive: "Réservez une démonstration du LD-2000 par vidéoconférence"; "Start 14-day trial".
Negative: a generic "contact us" or "request a quote"; "SDK and demo software included" (what
the product ships with); "demo files" or a "demo board"; a scientific "proof-of-principle
demonstration"; another vendor's software that "you can download as a free trial"; a
webinar about a topic, with no product shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from auditor.items import Evidence
from auditor.page import Page
from auditor.text import clean_snippet, fold, snippet
from rules.base import Firm, RuleInfo
from rules.documents import link_urls
from rules.keywords import Hit, declare, find

INFO = RuleInfo(letter="b", slug="demonstrations", version=1)

REQUESTS = declare(  # asking for, booking or being offered a demonstration
    "b-demo-requests",
    en=("request a demo", "request a demonstration", "request demo", "request your demo",
        "request my demo", "request a free demo", "request a live demo", "request a product demo",
        "demo request", "demonstration request", "book a demo", "book a demonstration",
        "book a live demo", "book your demo", "book a free demo", "schedule a demo",
        "schedule a demonstration", "schedule your demo", "schedule a live demo",
        "get a demo", "get a free demo", "get a live demo", "ask for a demo",
        "arrange a demo", "arrange a demonstration", "see a demo", "try a demo"),
    fr=("demande de demonstration", "demande de demo", "demander une demo",
        "demander une demonstration", "demandez une demo", "demandez une demonstration",
        "demandez votre demo", "demandez votre demonstration", "reservez une demo",
        "reservez une demonstration", "reserver une demo", "reserver une demonstration",
        "reservez votre demo", "reservez votre demonstration", "planifiez une demo",
        "planifier une demo", "planifiez une demonstration", "planifier une demonstration",
        "obtenez une demo", "obtenez une demonstration", "prenez rendez-vous pour une demo"),
)
LIVE_DEMOS = declare(  # a way the demonstration is given
    "b-live-demos",
    en=("live demo", "live demos", "live demonstration", "live demonstrations", "online demo",
        "online demos", "online demonstration", "virtual demo", "virtual demonstration",
        "remote demo", "remote demonstration", "product demo", "product demos",
        "product demonstration", "product demonstrations", "personalized demo",
        "personalised demo", "free demo", "custom demo", "tailored demo",
        "demo by videoconference", "demonstration by videoconference", "demo by video",
        "video demonstration", "demo via zoom", "demo via teams"),
    fr=("demonstration en ligne", "demo en ligne", "demonstration virtuelle", "demo virtuelle",
        "demonstration en direct", "demo en direct", "demonstration gratuite", "demo gratuite",
        "demonstration personnalisee", "demo personnalisee", "demonstration a distance",
        "demo a distance", "demonstration par videoconference", "demo par videoconference",
        "demonstration par visioconference", "demo par visioconference",
        "demonstration de produit", "demonstration du produit", "demonstrations de produits"),
)
TRIALS = declare(  # software to try: the firm's own only
    "b-trials",
    en=("free trial", "day trial", "day free trial", "trial version", "demo version",
        "evaluation version", "try it free", "try it for free", "try for free",
        "start your free trial", "start free trial", "start trial", "free evaluation license",
        "evaluation license", "trial license"),
    fr=("essai gratuit", "jours d'essai", "version d'essai", "version de demonstration",
        "version demo", "version d'evaluation", "essayez gratuitement", "demarrer essai",
        "demarrer l'essai", "demarrez votre essai", "licence d'essai", "licence d'evaluation"),
)
DEMO_WORDS = declare(  # the bare word: counts only after a verb of offering or asking
    "b-demo-words",
    en=("demo", "demos", "demonstration", "demonstrations"),
    fr=("demo", "demos", "demonstration", "demonstrations"),
)
WEBINARS = declare("b-webinars", en=("webinar", "webinars", "web seminar"),
                   fr=("webinaire", "webinaires", "webinar", "webinars"))

OFFER_BEFORE = re.compile(
    r"\b(?:request|book|schedule|arrange|organi[sz]e|ask for|sign up for|register for|"
    r"offer|provide|propose|proposons|proposent|offrons|offrent|"
    r"offre|organisons|demande[rz]?|reserve[rz]?|planifie[rz]?|obtene[zr]|organiser|"
    r"vous montrer|we can show|happy to show|contact us for|ask us for|"
    r"contactez-nous pour|communiquez avec nous pour)\s+(?:\w+\s+){0,3}$"
)
HOW_AFTER = re.compile(
    r"[^.]{0,40}?\b(?:(?:by|via|over|par|en)\s+(?:videoconference|video conference|video call|"
    r"visioconference|zoom|teams|webex|personne|person)|(?:available\s+)?(?:on|upon) request|"
    r"sur demande)\b"
)
NOT_AN_OFFER_AFTER = re.compile(
    r"\s*(?:video|videos|files?|fichiers?|scripts?|board|carte|mode|apps?|tools|code|data|"
    r"projects?|kit|unit|units|software included|logiciel inclus|included)\b"
)
SHOWS_PRODUCT = re.compile(r"\b(?:demo|demos|demonstration|in action|en action|live on|"
                           r"en direct|guided tour|visite guidee|hands-on)\b")
NEGATIVE = re.compile(  # a refusal, not "no credit card required" / "pas de carte requise"
    r"\b(?:not|don't|doesn't|cannot|can't|won't|no longer|never|aucune?|jamais)\b"
    r"|\b(?:ne|n')\s?\w+ (?:pas|plus)\b"
)
OWN_WORDS = re.compile(r"\b(?:we|our|us|nous|notre|nos)\b")
SCHEDULER_HOSTS = ("calendly.com/", "meetings.hubspot.com/", "outlook.office365.com/book",
                   "bookings.office.com", "zcal.co/", "savvycal.com/", "//cal.com/")
SCHEDULER = re.compile("|".join(re.escape(host) for host in SCHEDULER_HOSTS))
# Every SCHEDULER host holds one of these: three plain `in` tests of the page's link URLs
# tell most pages apart faster than the pattern, which tries its hosts at every character.
_SCHEDULER_ANCHORS = ("cal.co", "hubspot.com/", "office")
REFUSAL_REACH = 160  # characters either side of a hit where a refusal is looked for
LEGAL_PATH = re.compile(
    r"(?:^|[/_-])(?:privacy|confidentialite|legal|mentions|terms|conditions|cgv|cgu|"
    r"cookies?|disclaimer|imprint|impressum)(?:[/_.-]|$)"
)


def _path(url: str) -> str:
    """The lower-case path and query of an absolute URL, without scheme and host."""
    parts = url.split("/", 3)
    return parts[3].lower() if len(parts) > 3 else ""


def _evidence(page: Page, value: str, hit: Hit, confidence: float) -> Evidence:
    return Evidence(INFO.letter, INFO.rule_id, value, page.url, "body",
                    snippet(page.text, hit.start, hit.end), confidence)


def _refused(page: Page, hit: Hit) -> bool:
    """The sentence says no: "free demo versions… but we don't offer that".

    The sentence is clipped to REFUSAL_REACH characters either side of the hit, so its
    marks are looked for within that reach only: a mark farther away (or none) gives the
    same clipped bounds, and the search no longer runs to the ends of a long page.
    """
    folded = page.folded
    low = max(0, hit.start - REFUSAL_REACH)
    high = hit.end + REFUSAL_REACH
    start = max(low, *(folded.rfind(mark, low, hit.start) for mark in (". ", "? ", "! ")))
    end = min(high, *(i if (i := folded.find(mark, hit.end, high + 2)) >= 0 else high
                      for mark in (". ", "? ", "! ")))
    return bool(NEGATIVE.search(folded, start, end))


@lru_cache(maxsize=256)
def _own_names(name: str, label: str) -> tuple[str, ...]:
    """The firm's first name word and domain label, when long enough to mean something."""
    return tuple(n for n in (fold(name).split(" ")[0], fold(label)) if len(n) >= 3)


def _own(page: Page, hit: Hit, firm: Firm) -> bool:
    """Offered by the firm: first person or its name nearby, or its own link or heading."""
    window = page.folded[max(0, hit.start - 150):hit.end + 150]
    names = _own_names(firm.name, firm.label)
    if OWN_WORDS.search(window) or any(n in window for n in names):
        return True
    for link in page.links:
        if hit.keyword in fold(link.text) and (not link.url or firm.owns_url(link.url)):
            return True
    return any(hit.keyword in fold(h) for h in page.headings)


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    if LEGAL_PATH.search(_path(page.url)):
        return
    folded = page.folded
    found: dict[str, Evidence] = {}
    for hit in find(page, REQUESTS):
        if NOT_AN_OFFER_AFTER.match(folded, hit.end):
            continue  # "request a demo unit" is a loan (tool w), not a demonstration
        found.setdefault("demo request", _evidence(page, "demo request", hit, 1.0))
        break
    for hit in find(page, LIVE_DEMOS):
        if NOT_AN_OFFER_AFTER.match(folded, hit.end) or _refused(page, hit):
            continue
        if not _own(page, hit, firm):
            continue
        found.setdefault("live or online demo", _evidence(page, "live or online demo", hit, 0.9))
        break
    if "demo request" not in found:
        for hit in find(page, DEMO_WORDS):
            if NOT_AN_OFFER_AFTER.match(folded, hit.end) or _refused(page, hit):
                continue
            if OFFER_BEFORE.search(folded[max(0, hit.start - 50):hit.start]) or HOW_AFTER.match(
                    folded, hit.end):
                found["demo offer"] = _evidence(page, "demo offer", hit, 0.8)
                break
    for hit in find(page, TRIALS):
        if not _refused(page, hit) and _own(page, hit, firm):
            label = "demo or trial version" if "version" in hit.keyword else "free trial"
            found.setdefault(label, _evidence(page, label, hit, 0.9))
            break
    for hit in find(page, WEBINARS):
        if SHOWS_PRODUCT.search(folded, max(0, hit.start - 120), hit.end + 120):
            found["product webinar"] = _evidence(page, "product webinar", hit, 0.8)
            break
    links = link_urls(page)
    scheduled = any(anchor in links for anchor in _SCHEDULER_ANCHORS) and SCHEDULER.search(links)
    for link in page.links if scheduled else ():
        if SCHEDULER.search(link.url) and "demo" in fold(link.url + link.text):
            found["demo booking link"] = Evidence(
                INFO.letter, INFO.rule_id, "demo booking link", page.url, link.region,
                clean_snippet(f"{link.text or 'link'} → {link.url}"), 1.0)
            break
    yield from found.values()
