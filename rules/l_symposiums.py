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

import ahocorasick_rs

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




# Literals that every match of a pattern holds, one at least, each at the start of a word
# (just after the pattern's leading \b, or after a space inside the match). Where none lies
# wholly in the span that a pattern searches, starting a word there, the pattern cannot match
# there, so it is not run. One Aho-Corasick pass over the hit's widest window finds them all,
# overlapping ones included, for every pattern: far cheaper than the patterns themselves,
# whose leading \b keeps re from skipping ahead to a possible first letter.
ORGANISED_BY_BIT, OUR_EVENT_BIT, WE_ORGANISE_BIT, FIRM_ORGANISES_BIT, AT_OUR_PLACE_BIT = (
    1, 2, 4, 8, 16)
OUR_EVENT_NOUN_BIT = 32  # OUR_EVENT needs its possessive and one of its nouns
_CLUES = {
    ORGANISED_BY_BIT: ("organi", "hosted", "accueilli", "tenu", "presented", "offered",
                       "offert", "sponsored"),  # where the match starts
    OUR_EVENT_BIT: ("our", "notre", "nos"),  # where the match starts
    OUR_EVENT_NOUN_BIT: ("symposium", "seminar", "meeting", "conference", "open house",
                         "customer day", "technology day", "colloquium", "colloque",
                         "seminaire", "journee", "rencontre"),
    WE_ORGANISE_BIT: ("host", "organi", "accueill", "tiendr", "tenons", "held", "hold"),
    FIRM_ORGANISES_BIT: ("organi", "host", "accueill", "tiendra", "tient"),
    AT_OUR_PLACE_BIT: ("facilit", "premises", "offices", "headquarters", "plant", "factory",
                       "lab", "campus", "showroom", "installations", "locaux", "bureaux",
                       "usine", "salle", "chez nous"),
}
_CLUE_BITS: dict[str, int] = {}
for _bit, _words in _CLUES.items():
    for _word in _words:
        _CLUE_BITS[_word] = _CLUE_BITS.get(_word, 0) | _bit
CLUE_WORDS = tuple(_CLUE_BITS)
CLUE_WORD_BITS = tuple(_CLUE_BITS.values())
CLUE_FINDER = ahocorasick_rs.AhoCorasick(CLUE_WORDS,
                                         implementation=ahocorasick_rs.Implementation.DFA)
REACH = 200  # the widest window: ORGANISED_BY's, which holds every other pattern's


def _possible(folded: str, hit: Hit) -> tuple[int, int]:
    """The bits of the patterns that may match around the hit, and where in ORGANISED_BY's
    window its first possible match starts (no match starts before).

    A literal counts for a pattern when it lies wholly inside the span the pattern searches
    (those of `_organised_by_firm`) and starts a word: after a character that is no letter,
    digit or "_" (re's \\w), or at the start of the string the pattern sees (a slice's start
    is a word start for \\b; a search from a position still reads the character before it).
    """
    start, end = hit.start, hit.end
    low = max(0, start - REACH)
    near_low, place_low = max(0, start - 100), max(0, start - 40)
    bits = 0
    organised_from = -1
    for index, first, last in CLUE_FINDER.find_matches_as_indexes(
            folded[low:end + REACH], overlapping=True):
        first += low
        last += low
        word_bits = CLUE_WORD_BITS[index]
        before = folded[first - 1] if first else " "
        if before.isalnum() or before == "_":  # inside a word: only at a slice's start
            if first == low:
                word_bits &= ORGANISED_BY_BIT | WE_ORGANISE_BIT | AT_OUR_PLACE_BIT
            elif first == near_low:
                word_bits &= WE_ORGANISE_BIT | AT_OUR_PLACE_BIT
            elif first == place_low:
                word_bits &= AT_OUR_PLACE_BIT
            else:
                continue
        if word_bits & ORGANISED_BY_BIT and organised_from < 0:
            bits |= ORGANISED_BY_BIT
            organised_from = first - low
        if first >= start - 100:
            if last <= end + 60:
                bits |= word_bits & WE_ORGANISE_BIT
            if last <= start:
                bits |= word_bits & FIRM_ORGANISES_BIT
            if first >= start - 40:
                if last <= end + 100:
                    bits |= word_bits & AT_OUR_PLACE_BIT
                if last <= end + 5:
                    bits |= word_bits & (
                        OUR_EVENT_NOUN_BIT | (OUR_EVENT_BIT if first <= start else 0))
    if bits & OUR_EVENT_BIT and not bits & OUR_EVENT_NOUN_BIT:
        bits ^= OUR_EVENT_BIT
    return bits, organised_from


def _organised_by_firm(page: Page, hit: Hit, firm: Firm) -> str:
    """Why the gathering is the firm's own, or '' when nothing says so.

    A pattern is searched only when `_possible` finds one of its literals where it searches,
    and ORGANISED_BY from its first possible match on: a skipped search could find nothing.
    """
    folded = page.folded
    tokens = firm_tokens(firm)
    possible, organised_from = _possible(folded, hit)
    if possible & ORGANISED_BY_BIT:
        low = max(0, hit.start - REACH)
        window = folded[low:hit.end + REACH]
        centre = hit.start - low
        for match in ORGANISED_BY.finditer(window, organised_from):
            after = window[match.end():match.end() + 60]
            if any(after.startswith(t) or f" {t}" in after[:40] for t in tokens) or (
                    after.startswith(("us", "nous", "nos soins"))):
                return "organised by the firm"
            if abs(match.start() - centre) < 120:
                return ""  # organised by someone else
    before = folded[max(0, hit.start - 30):hit.start].rstrip(" -–'")
    after = folded[hit.end:hit.end + 30].lstrip(" -–")
    if before.endswith(tokens) or after.startswith(tokens):
        return "named after the firm"
    if possible & OUR_EVENT_BIT:
        for match in OUR_EVENT.finditer(folded, max(0, hit.start - 40), hit.end + 5):
            if match.start() <= hit.start and match.end() >= hit.end:
                return "the firm's own event"
    if possible & WE_ORGANISE_BIT and WE_ORGANISE.search(
            folded[max(0, hit.start - 100):hit.end + 60]):
        return "the firm's own event"
    if possible & FIRM_ORGANISES_BIT:
        for verb in FIRM_ORGANISES.finditer(folded, max(0, hit.start - 100), hit.start):
            subject = folded[max(0, verb.start() - 40):verb.start()]
            if any(t in subject for t in tokens):
                return "the firm's own event"
    if possible & AT_OUR_PLACE_BIT:
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
        # A hit counts when the firm organises it and it is no shop floor, online event or
        # negated one; all these tests are pure, so the one that most often fails goes first.
        why = _organised_by_firm(page, hit, firm)
        if not why or NOT_AN_EVENT_AFTER.match(folded, hit.end) or ONLINE_BEFORE.search(
                folded[max(0, hit.start - 10):hit.start]) or negated(folded, hit.start):
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
