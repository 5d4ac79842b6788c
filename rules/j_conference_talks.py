"""j — talks, papers, posters or keynotes given by the firm's people at conferences.

What it detects: a talk, invited talk, keynote, oral or poster presentation, conference paper
or short course given at a conference, congress, symposium or seminar, written as the firm
writes about its own people ("Dr. Ouellet gave an invited talk at IRMMW-THz 2025", "paper
13567-9, presented by Dr. Paradis", "Présentation orale de Dre Lessard", "Conférence de
Guillaume Pelletier à la conférence LASE"). A conference word or a known congress must be
near; the event's name and year are kept when written.

Why it matters: post-entry firms show their expertise by speaking where their buyers listen;
papers and talks are the two-way counterpart of publications (n).

Positive: "Dr. Camille Ouellet gave an invited talk at the International Conference on
Infrared, Millimeter and Terahertz Waves".
Negative: attending only ("our team will attend the keynote", "we attended the workshop");
"talk to our engineers"; "nous y avons présenté l'interrogateur BI-4" at a trade show
(products shown at a booth are h); a poster printed by a sign maker; a paper cited in a
bibliography ("presented at CLEO 2005").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from auditor.items import Evidence
from auditor.page import Page
from auditor.text import snippet
from rules.base import Firm, RuleInfo
from rules.h_trade_shows import (
    event_name,
    is_legal_page,
    named_events,
    near,
    negated,
    other_near,
    sentence_bounds,
)
from rules.keywords import Hit, declare, find

INFO = RuleInfo(letter="j", slug="conference-talks", version=1)

TALKS = declare(
    "j-talks",
    en=("talk", "talks", "invited talk", "keynote", "keynotes", "keynote speaker",
        "keynote address", "plenary talk", "plenary lecture", "invited lecture",
        "oral presentation", "poster presentation", "poster session", "presented the poster",
        "presented a poster", "presented his poster", "presented her poster",
        "presented our poster", "poster at", "poster on", "presented the paper",
        "presented a paper", "presented paper", "presented his paper", "presented her paper",
        "presented our paper", "presented our", "presented his", "presented her",
        "presented their", "presented the results", "presented results", "will present",
        "presented by", "conference paper", "conference papers", "conference talk",
        "short course", "short courses", "guest speaker", "invited speaker",
        "gave a lecture", "give a lecture", "gave a presentation", "give a presentation",
        "paper presented"),
    fr=("presentation orale", "presentations orales", "conference invitee",
        "conferencier invite", "conferenciere invitee", "conferencier", "conferenciere",
        "communication orale", "communication par affiche", "presentation par affiche",
        "presentation d'affiche", "session d'affiches", "a presente", "ont presente",
        "presentera", "presenteront", "presente par", "presentee par",
        "presentation de l'article", "conference de", "conference du", "donnera une conference",
        "a donne une conference", "prononcera une conference", "a prononce une conference"),
)
CONFERENCE_WORDS = declare(
    "j-conference-words",
    en=("conference", "conferences", "congress", "symposium", "workshop", "meeting",
        "session", "proceedings", "seminar", "summer school", "annual meeting"),
    fr=("congres", "colloque", "seminaire", "conference", "conferences", "journees",
        "ecole d'ete"),
)
# A "talk" hit is a noun for a presentation when a word like these is just before or after.
TALK_BEFORE = re.compile(
    r"\b(?:a|an|the|invited|keynote|plenary|oral|his|her|our|their|lase|opto|bios|technical|"
    r"contributed|tutorial|conference|seminar|short)\s+$"
)
TALK_AFTER = re.compile(r"^\s*(?:[a-z0-9]+[.-][a-z0-9.-]+\s+)?(?:by|on|at|titled|entitled|"
                        r"about)\b|^\s*[:\"«“]")
# "presented …" must present a piece of work, not a product at a booth.
WORK_AFTER = re.compile(
    r"[^.;]{0,60}?\b(?:paper|papers|poster|talk|results|work|research|findings|study|"
    r"article|affiche|communication|conference|expose|travaux|resultats|presentation|"
    r"keynote|tutorial|course)\b"
)
PERSON_AFTER = re.compile(
    r"\s*(?:(?:Dr|Dre|Prof|Pr|Mr|Ms|Mrs|M|Mme)\.?\s+)?[A-ZÉÈ][\w'’-]+(?:\s+[A-ZÉÈ][\w'’-]+)?"
)
NEEDS_WORK = ("presented our", "presented his", "presented her", "presented their",
              "will present", "a presente", "ont presente", "presentera", "presenteront")
NEEDS_PERSON = ("presented by", "presente par", "presentee par", "conference de",
                "conference du")
KINDS = {"course": "short course", "poster": "poster", "affiche": "poster", "paper": "paper",
         "article": "paper", "keynote": "keynote", "talk": "talk"}
ONLINE = re.compile(r"\b(?:webinars?|webinaires?|webcasts?|podcasts?)\b")
NEW_ITEM = re.compile(r"\b(?:by|par)\s+\w")
ATTENDING = re.compile(r"\b(?:attend|attends|attended|attending|assist\w*|visit\w*|watch\w*|"
                       r"listen\w*|follow\w*|suivre|ecouter|see)\b[^.]{0,30}$")
# Literals that every match of ONLINE, and of ATTENDING, holds: where none is written, the
# pattern (whose leading \b keeps re from skipping ahead) is not run.
ONLINE_LITERALS = re.compile(r"webina|webcast|podcast")
ATTENDING_LITERALS = re.compile(r"attend|assist|visit|watch|listen|follow|suivre|ecouter|see")


def _is_talk(page: Page, hit: Hit) -> bool:
    folded = page.folded
    word = hit.keyword
    if word in ("talk", "talks"):
        before = folded[max(0, hit.start - 14):hit.start]
        after = folded[hit.end:hit.end + 24]
        if not (TALK_BEFORE.search(before) or TALK_AFTER.search(after)):
            return False
    elif word in NEEDS_WORK:
        if not WORK_AFTER.match(folded, hit.end, hit.end + 80):
            return False
    elif word in NEEDS_PERSON:
        person = PERSON_AFTER.match(page.text, hit.end)
        if not person or " " not in person.group().strip():
            return False
    if negated(folded, hit.start):
        return False
    first, last = sentence_bounds(folded, hit.start, hit.end)
    if ONLINE_LITERALS.search(folded, first, last) and ONLINE.search(folded, first, last):
        return False  # a webinar or webcast is not a talk at a conference
    low = max(0, hit.start - 50)
    return not (ATTENDING_LITERALS.search(folded, low, hit.start)
                and ATTENDING.search(folded[low:hit.start]))


def _event_for(page: Page, events: list[Hit], hit: Hit) -> Hit | None:
    """The congress a talk belongs to: the nearer named one, unless the next one starts a
    new item (a sentence end or another "by <speaker>" lies between)."""
    low, high = hit.start - 220, hit.end + 120  # `near`'s window, in one pass
    before = after = None
    for event in events:
        if event.end > low and event.start <= high:
            if event.end <= hit.start:
                before = event  # the last one before
            if after is None and event.start >= hit.end:
                after = event  # the first one after
    if after is None:
        return before
    if before is None:
        return after
    between = page.folded[hit.end:after.start]
    if hit.keyword in NEEDS_PERSON or ". " in between or NEW_ITEM.search(between):
        return before
    return after if after.start - hit.end < hit.start - before.end else before


@lru_cache(maxsize=1024)
def _kind(keyword: str) -> str:
    """What a talk keyword names: poster, paper, keynote, short course or talk."""
    kind = next((k for k in KINDS if k in keyword), "talk")
    return KINDS.get(kind, kind)


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    hits = find(page, TALKS)
    if not hits or is_legal_page(page):
        return
    context = find(page, CONFERENCE_WORDS)
    events = named_events(page)
    seen: set[str] = set()
    for hit in hits:
        if not (other_near(context, hit.start, hit.end, 250, 250)
                or near(events, hit.start, hit.end, 250, 250)):
            continue
        if not _is_talk(page, hit):
            continue
        event = _event_for(page, events, hit)
        kind = _kind(hit.keyword)
        value = f"{kind} at {event_name(page, event)}" if event else f"conference {kind}"
        if value in seen:
            continue
        seen.add(value)
        yield Evidence(
            letter=INFO.letter,
            rule_id=INFO.rule_id,
            value=value,
            url=page.url,
            location="body",
            snippet=snippet(page.text, hit.start, hit.end),
            confidence=0.8 if event else 0.7,
        )
