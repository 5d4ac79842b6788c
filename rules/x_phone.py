"""x — a customer-facing phone number, with office hours when the site states them.

What it detects: `tel:` links and numbers written after a label (Phone, Tel., Téléphone,
Tél., Sans frais, Toll-free, Call us, Appelez-nous…) or in a standard format (North
American `418 555-0142`, international `+49 7726 389 22 60`); office hours stated near the
number or on the same page ("du lundi au vendredi de 8 h 30 à 17 h", "Mon–Fri 9 am–5 pm",
"24/7") are added to the value.

Why it matters: the study's firms serve customers by phone during home-region office hours,
a direct, two-way tool; hours in another continent's day say who the phone line is for.

Positive: `<a href="tel:+14185550142">418 555-0142</a>` with "du lundi au vendredi de
8 h 30 à 17 h". Fictional 555-01xx numbers are real numbers for this audit.
Negative: a fax number alone ("Téléc. : 418 555-0143"), placeholders (+1 234 567 890,
555-555-5555, 123-456-7890, 01 23 45 67 89), the web host's number in a legal notice
("Hébergeur : … Tél. : …").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from auditor.items import Evidence
from auditor.page import Page
from auditor.text import clean_snippet, collapse_spaces, snippet
from rules.base import Firm, RuleInfo
from rules.documents import link_urls
from rules.keywords import Hit, declare, find

INFO = RuleInfo(letter="x", slug="phone", version=1)

MAX_NUMBERS = 3  # distinct numbers reported per page
LABEL_REACH = 45  # characters after a label that the number may span
MAX_GAP, MAX_GAP_LETTERS = 14, 6  # between a label and its number: "Sans frais : ", " us at "
HOURS_REACH = 300  # characters around a number where its office hours may be stated
HOURS_SPAN = 110  # characters from a day name to the end of the hours
HEAD_CHARS, FOOT_CHARS = 600, 1500  # where a site's header and footer show its number
EMAIL_REACH = 100  # characters around an e-mail address where its phone number sits
MAX_ZONES = 8
CONTACT_PAGE = re.compile(r"(?i)contact|joindre|coordonn|kontakt|about|propos")
HOST_REACH = 400  # characters before a number where a web host's block disqualifies it
FAX_REACH = 25  # characters before an unlabelled number where "Fax" makes it a fax

LABELS = declare(
    "x-labels",
    en=("phone", "telephone", "tel", "call", "call us", "call us at", "toll free", "toll-free",
        "mobile", "cell", "landline", "hotline", "helpline", "phone/text", "ph", "office",
        "main line", "direct line", "customer service", "sales"),
    fr=("telephone", "tel", "sans frais", "appelez", "appelez-nous", "composez", "cellulaire",
        "ligne directe", "ligne sans frais", "joindre au", "contactez-nous au",
        "rejoindre au", "bureau", "service a la clientele", "ventes"),
)
FAX = declare("x-fax", en=("fax", "facsimile"), fr=("fax", "telecopieur", "telec", "telecopie"))
HOURS = declare(
    "x-hours",
    en=("monday", "from monday", "mon-fri", "mon.-fri.", "mon - fri", "weekdays", "business hours",
        "office hours", "opening hours", "hours of operation", "24/7", "24 hours a day"),
    fr=("lundi", "du lundi", "lun. au ven.", "lun.-ven.", "heures d'ouverture", "heures de bureau",
        "heures d'affaires", "24 h/24", "24h/24", "24 heures sur 24",
        "7 jours sur 7", "7j/7"),
)
# One pattern for the number itself: digits in 2 to 6 groups, optional + and (area code).
PHONE = re.compile(
    r"(?<![\w+/.-])(?:\+\s?\d{1,3}[\s.\-]?|\(\+?\d{1,3}\)\s?)?(?:\(\d{1,4}\)[\s.\-]?)?"
    r"\d{1,5}(?:[\s.\-/]\d{1,5}){1,5}(?![\w-])"
)
# The one pattern that scans whole texts: numbers in a standard format, which need no label.
STANDARD = re.compile(
    r"(?=[+(\d])(?<![\w+/.-])(?<!\d\s)(?:"  # the lookahead lets the engine skip to digits
    r"(?:\+?1[\s.\-]?)?(?:\([2-9]\d{2}\)\s?|[2-9]\d{2}[.\-])[2-9]\d{2}[\s.\-]\d{4}"  # 418-555-0142
    r"|(?:\+?1[\s.\-]?)?[2-9]\d{2}\s[2-9]\d{2}[.\-]\d{4}"  # 418 555-0142
    r"|\+1[\s.\-][2-9]\d{2}[\s.\-][2-9]\d{2}[\s.\-]\d{4}"  # +1 418 555 0142
    r"|\+\d{1,3}[\s.\-]\(?\d{1,4}\)?(?:[\s.\-]\d{2,4}){2,4}"  # +49 7726 389 22 60
    r"|0\d{1,4}(?:[\s.]\d{2,4}){2,4}"  # national trunk prefix: 056 18 59 50, 01 23 45 67 89
    r")(?![\w-]|[\s.]\d)"  # not inside a longer run of digit groups (a hex dump, a table)
)
# Where a STANDARD match may start: each of its branches starts with "+", "(" or an ASCII
# digit (its lookahead's `\d` admits more), then its two lookbehinds moved one character
# later. Led by an ASCII class, the engine skips to candidates with its fast scan, where
# STANDARD itself is tried at every position of a zone.
_STANDARD_START = re.compile(r"[+(0-9](?<![\w+/.-][\s\S])(?<!\d\s[\s\S])")
_NON_DIGIT = re.compile(r"\D")
MEMO_SIZE = 4096  # numbers, and texts around them, that a site repeats on every page
_TIME = r"\d{1,2}(?:\s?h\s?\d{2}|\s?h\b|:\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)?"
# "8 h 30 à 17 h", "09:00 – 13:00", "9 am to 5 pm", with a time zone when one follows.
TIME_RANGE = re.compile(
    rf"\b{_TIME}\s?(?:-|–|à|a|to|until|jusqu'à)\s?{_TIME}"
    r"(?:\s?(?:ET|EST|EDT|CET|CEST|HNE|HAE|PST|PT|CT|GMT|UTC)\b)?",
    re.IGNORECASE,
)
ROUND_THE_CLOCK = frozenset({"24/7", "24 hours a day", "24 h/24", "24h/24", "24 heures sur 24",
                             "7 jours sur 7", "7j/7"})
HOST_WORDS = ("heberg", "hosting", "hosted by", "web host")
_SEQUENCES = ("1234567", "2345678", "3456789", "9876543", "0000000")


@lru_cache(maxsize=MEMO_SIZE)  # a pure function of a number that repeats on every page
def is_placeholder(number: str) -> bool:
    """Obvious placeholders: one repeated digit, 123-456-7890, 555-555-5555, 01 23 45 67 89."""
    digits = _NON_DIGIT.sub("", number)
    core = digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
    if len(set(core)) <= 1 or any(seq in digits for seq in _SEQUENCES):
        return True
    return len(core) == 10 and core[3:6] == "555" and core[6:] == "5555"


@lru_cache(maxsize=MEMO_SIZE)
def _key(number: str) -> str:
    """The last ten digits: one number however it is written."""
    return _NON_DIGIT.sub("", number)[-10:]


@lru_cache(maxsize=MEMO_SIZE)
def _digits_ok(number: str) -> bool:
    count = sum(map(str.isdigit, number))
    if number.startswith("0"):  # national format: 056 18 59 50, 01 23 45 67 89
        return 9 <= count <= 11
    return 8 <= count <= 15


@lru_cache(maxsize=MEMO_SIZE)  # the hours in a site's footer repeat on every page
def _hours_from(text: str) -> str:
    """Days and time ranges at the start of `text`, up to the last range: "lundi au … 17 h"."""
    ranges = [m for m in TIME_RANGE.finditer(text) if any(c.isdigit() for c in m.group())]
    if not ranges:
        return ""
    return collapse_spaces(text[: ranges[-1].end()].strip(" ,;:-"))


def _hours(page: Page, start: int, end: int, hours: list[Hit]) -> str:
    """The office hours stated near [start, end), or anywhere on the page, as written."""
    low, high = start - HOURS_REACH, end + HOURS_REACH
    near = sorted((h for h in hours if start >= 0 and low <= h.start <= high),
                  key=lambda h: h.start)
    for hit in near:
        stated = _hours_from(page.text[hit.start : hit.start + HOURS_SPAN])
        if stated:
            return stated
    if start >= 0:  # "You can normally reach us 09:00 – 13:00 and 14:00 – 19:00 CET"
        stated = _hours_after(page.text[end : end + HOURS_REACH])
        if stated is not None:
            return stated
    for hit in near or hours:
        if hit.keyword in ROUND_THE_CLOCK:
            return page.text[hit.start : hit.end]
    for hit in hours:
        stated = _hours_from(page.text[hit.start : hit.start + HOURS_SPAN])
        if stated:
            return stated
    return ""


@lru_cache(maxsize=MEMO_SIZE)  # a pure function of the text after a number (a footer's)
def _hours_after(after: str) -> str | None:
    """The hours from the first time range in `after`; None when it has none."""
    first = TIME_RANGE.search(after)
    if first is None:
        return None
    return _hours_from(after[first.start() : first.start() + HOURS_SPAN])


def _zones(page: Page) -> list[tuple[int, int]]:
    """Where an unlabelled number is looked for: all of a contact page; elsewhere the top and
    bottom of the page (header, footer) and the text around e-mail addresses."""
    size = len(page.text)
    if CONTACT_PAGE.search(urlsplit(page.url).path) or CONTACT_PAGE.search(page.title):
        return [(0, size)]
    zones = [(0, min(size, HEAD_CHARS)), (max(HEAD_CHARS, size - FOOT_CHARS), size)]
    at = page.text.find("@", HEAD_CHARS)
    while 0 <= at < size - FOOT_CHARS and len(zones) < MAX_ZONES:
        zones.append((at - EMAIL_REACH, at + EMAIL_REACH))
        at = page.text.find("@", at + EMAIL_REACH)
    return zones


def _close(gap: str) -> bool:
    """Only punctuation and a word or two ("us at", "au") between a label and its number."""
    return len(gap) <= MAX_GAP and sum(c.isalpha() for c in gap) <= MAX_GAP_LETTERS


def _hosted(folded: str, start: int) -> bool:
    before = folded[max(0, start - HOST_REACH) : start]
    return any(word in before for word in HOST_WORDS)


def _value(number: str, hours: str) -> str:
    return f"{number} ({hours})" if hours else number


def _text_numbers(page: Page) -> Iterator[tuple[str, int, int, float]]:
    """(number, start, end, confidence) of labelled numbers in the visible text."""
    labels = find(page, LABELS)
    faxes = find(page, FAX)
    marks = sorted([(h.end, False) for h in labels] + [(h.end, True) for h in faxes])
    for index, (end, is_fax) in enumerate(marks):
        if is_fax:
            continue
        stop = marks[index + 1][0] if index + 1 < len(marks) else len(page.text)
        window = page.text[end : min(end + LABEL_REACH, stop + LABEL_REACH)]
        match = PHONE.search(window)
        if not match or not _close(window[: match.start()]):
            continue
        start = end + match.start()
        if any(fax_end <= start and is_f for fax_end, is_f in marks if end < fax_end):
            continue  # a fax label sits between this label and the number
        yield match.group().strip(), start, end + match.end(), 1.0


def _standard_numbers(page: Page) -> Iterator[tuple[str, int, int, float]]:
    """(number, start, end, confidence) of unlabelled numbers in a standard format."""
    for start, end in _zones(page):
        for match in _standard_matches(page.text, max(0, start), end):
            yield match.group(), match.start(), match.end(), 0.7


def _standard_matches(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """`STANDARD.finditer(text, start, end)`, STANDARD tried only where it may start.

    No position before the next _STANDARD_START candidate can start a match, and the
    lookbehinds of both see the text before `start` alike, so the matches are the same.
    """
    pos = start
    while (candidate := _STANDARD_START.search(text, pos, end)) is not None:
        match = STANDARD.match(text, candidate.start(), end)
        if match is None:
            pos = candidate.start() + 1
        else:
            yield match
            pos = match.end()


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    hours = find(page, HOURS)
    seen: set[str] = set()
    for link in page.tel if "tel:" in link_urls(page) else ():
        number = unquote(link.url[4:]).strip()
        written = PHONE.search(link.text) if link.text else None
        shown = written.group() if written and _digits_ok(written.group()) else number
        key = _key(number)
        if key in seen or not _digits_ok(number) or is_placeholder(number):
            continue
        if "fax" in link.text.lower() or "téléc" in link.text.lower():
            continue
        seen.add(key)
        at = page.text.find(link.text) if link.text else -1
        stated = _hours(page, at, at + len(link.text), hours)
        quote = snippet(page.text, at, at + len(link.text)) if at >= 0 else clean_snippet(
            f"tel: link {link.url}")
        yield Evidence(INFO.letter, INFO.rule_id, _value(shown, stated), page.url, link.region,
                       quote, 1.0)
        if len(seen) >= MAX_NUMBERS:
            return
    for scan in (_text_numbers, _standard_numbers):
        if scan is _standard_numbers and seen:
            return  # unlabelled numbers only when no labelled one was found
        for number, start, end, confidence in scan(page):
            key = _key(number)
            if key in seen or not _digits_ok(number) or is_placeholder(number):
                continue
            before = page.folded[max(0, start - FAX_REACH) : start]
            if "fax" in before or "telec" in before or _hosted(page.folded, start):
                continue
            seen.add(key)
            stated = _hours(page, start, end, hours)
            yield Evidence(INFO.letter, INFO.rule_id, _value(number, stated), page.url, "body",
                           snippet(page.text, start, end), confidence)
            if len(seen) >= MAX_NUMBERS:
                return
