"""h — trade shows: the firm takes part in trade shows, exhibitions or salons.

What it detects: a booth, stand or kiosque number next to a show (`booth 4521`, `hall B2,
stand 315`, `kiosque 1745`); an invitation or a report in the firm's own words (`visit us
at`, `venez nous rencontrer`, `nous exposerons`, `Faunoptik exposait à…`) next to a named
show or a show word; a page headed "Salons" / "Trade shows" / "Events" that lists named shows
with their year. The show's name and year are kept in the value when they are written.
A booth inside a distributor's or a national stand counts: the firm is there.

Why it matters: trade shows are the study's most used event tool; entry firms went mostly to
the big "Expo" shows, in the USA then in Europe.

h and i: a booth in the exhibition of a major congress (SPIE Photonics West, OFC, CLEO…) is a
booth at a trade show too, so it counts for h as well as for i; rule i only adds the letter i
when the show is a major congress, and a show it does not know is h only (the definitions:
"when unsure between h and i, h").

Positive: "SPIE Photonics West 2026, San Francisco — kiosque 4521", or "Venez nous rencontrer
au salon Photonics North".
Negative: a link to a show's site with nothing about the firm taking part; an article on trade
shows in general ("exhibitors can reserve space for a booth"); "we will not exhibit this
year"; a spray booth or a product that "exhibits low noise".

The helpers below (show names, nearby-hit search, the firm's own words) are shared by the
event rules i, j, k and l.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter

from auditor.items import Evidence
from auditor.page import Page, remember
from auditor.text import fold, snippet
from rules.base import Firm, RuleInfo
from rules.keywords import Hit, declare, find

INFO = RuleInfo(letter="h", slug="trade-shows", version=1)

# Major congresses and scientific conferences with an exhibition (rule i), folded.
MAJOR_CONGRESSES = (
    "photonics west", "spie photonics west", "spie bios", "spie lase", "spie opto",
    "defense + commercial sensing", "defense+commercial sensing", "spie dcs",
    "optics + photonics", "optics+photonics", "spie optics + photonics", "photonics europe",
    "spie photonics europe", "spie optical metrology", "spie medical imaging",
    "spie advanced lithography", "spie astronomical telescopes", "spie security + defence",
    "spie remote sensing", "spie", "cleo", "cleo/europe", "cleo europe", "cleo pacific rim",
    "ofc", "ecoc", "optica", "frontiers in optics", "optica imaging congress",
    "optica advanced photonics congress", "advanced photonics congress", "assl",
    "advanced solid state lasers", "advanced solid-state lasers", "laser congress",
    "ieee photonics conference", "ieee ipc", "ieee", "photonics north", "europhoton",
    "icaleo", "pittcon", "arvo", "biophotonics congress", "world of photonics congress",
    "mrs fall meeting", "mrs spring meeting", "conference on lasers and electro-optics",
    "optical fiber communication conference", "irmmw-thz", "cpos", "congres de l'acfas",
)
# Trade shows and industry fairs (rule h only), folded.
TRADE_SHOWS = (
    "laser world of photonics", "world of photonics", "laser munich", "laser world of photonics china",
    "laser world of photonics india", "photonex", "optatec", "analytica", "medica", "automate",
    "sensor+test", "sensor + test", "innotrans", "hannover messe", "electronica",
    "productronica", "embedded world", "semicon", "semicon west", "cioe", "opie",
    "photonics days", "fabtech", "lasys", "automatica", "intersolar", "photonics for quantum",
    "vision stuttgart", "control stuttgart", "light + building", "photonics show",
    "optica show", "expo photonique", "salon industriel de quebec", "expo manufacturier",
    "advanced design & manufacturing", "imts", "jec world", "pack expo", "hannover fair",
    "eurosatory", "dsei", "farnborough", "paris air show", "salon du bourget", "cadex",
    "tradeshow", "photonics spectra conference",
)
MAJOR_SET = frozenset(MAJOR_CONGRESSES)
# Names that are also common words ("automate your line", "IEEE 802.3", the journal Optica):
# they name a show only with its year ("Automate 2025").
NEEDS_YEAR = frozenset({"automate", "optica", "ieee", "spie", "medica", "opie", "cpos",
                        "arvo", "electronica", "analytica"})
STRICT_YEAR = re.compile(r"\s*(?:20\d\d|['’]\d\d)\b")

EVENTS = declare("h-events", en=MAJOR_CONGRESSES + TRADE_SHOWS)
SHOW_WORDS = declare(  # words that name a show without doubt
    "h-show-words",
    en=("trade show", "trade shows", "tradeshow", "tradeshows", "trade fair", "trade fairs",
        "exhibition", "exhibitions", "exhibit hall", "exhibitor", "exhibitors",
        "exhibition hall", "show floor", "booth", "booths", "kiosk"),
    fr=("salon", "salons", "salon professionnel", "salons professionnels", "exposant",
        "exposants", "foire", "foires", "kiosque", "kiosques"),
)
LOOSE_SHOW_WORDS = declare(  # also "exposure" in French: context for booth numbers only
    "h-loose-show-words", en=("expo", "exposition", "expositions"),
)
BOOTH_WORDS = declare("h-booth", en=("booth", "kiosk", "stand"), fr=("kiosque", "stand"))
PARTICIPATION = declare(
    "h-participation",
    en=("visit us at", "visit us in", "visit us on", "visit our booth", "visit our stand",
        "meet us at", "meet us in", "see us at", "find us at", "join us at", "come see us",
        "come and see us", "come visit us", "stop by our booth", "stop by booth",
        "our booth", "our stand", "our exhibit", "we will be at", "we'll be at",
        "we were at", "we are at", "we will be exhibiting", "we are exhibiting",
        "we'll be exhibiting", "we exhibited", "we will exhibit", "meet our team at",
        "meet our experts at", "on the booth of", "on the stand of"),
    fr=("venez nous voir", "venez nous rencontrer", "venez nous visiter", "rencontrez-nous",
        "rencontrez notre equipe", "retrouvez-nous", "visitez-nous", "visitez notre kiosque",
        "visitez notre stand", "notre kiosque", "notre stand", "nous serons presents",
        "nous serons presentes", "nous serons au", "nous serons a", "nous etions au",
        "nous etions a", "nous etions presents", "sur le stand de", "sur le kiosque de",
        "au kiosque de", "nous y avons presente", "nous y presenterons"),
)
EXHIBIT_VERBS = declare(
    "h-exhibit",
    en=("exhibit", "exhibits", "exhibited", "exhibiting", "exhibit at", "participate",
        "participated", "participating", "attend", "attended", "attending", "took part"),
    fr=("expose", "exposons", "exposerons", "exposera", "exposeront", "exposait",
        "exposaient", "exposent", "exposer", "participe", "participons", "participerons",
        "participera", "participeront", "participait"),
)
# Verbs that say only "was there": they need the firm or "we" as their subject.
WEAK_VERBS = frozenset({"participate", "participated", "participating", "attend", "attended",
                        "attending", "took part", "participe", "participons", "participerons",
                        "participera", "participeront", "participait", "exposer"})

BOOTH_NUMBER = re.compile(
    r"\s*(?:#|no\.?|n°|nº|number|numero|num\.?)?\s*:?\s*"
    r"((?:[a-z]{1,2}[-.]?)?\d{1,5}(?:[-.][a-z0-9]{1,5}){0,2})\b"
)
NOT_A_SHOW_BOOTH = re.compile(
    r"\b(?:spray|paint|painting|photo|toll|phone|telephone|sound|blast|blasting|sanding|"
    r"voting|dj|translation|interpreter|shower|test|testing|grit|powder|coating|cabine)\s*$"
)
SHOW_HEADING = re.compile(
    r"^(?:nos |our |upcoming |past |prochains |futurs )?(?:trade ?shows?|tradeshows|"
    r"exhibitions?|events?|salons?(?: professionnels)?|evenements|expositions?|"
    r"salons?(?: et | & )(?:expositions|evenements|conferences|congres)|"
    r"(?:trade ?shows?|events) (?:and|&) (?:exhibitions|conferences|events)|"
    r"ou nous rencontrer|where to (?:meet|find) us|meet us|rencontrez-nous|"
    r"(?:a venir|upcoming|passes|past))$"
)
YEAR_AFTER = re.compile(r"['’ ]?(?:20)?(\d\d)\b|\s*(20\d\d)\b")
NEGATION = re.compile(
    r"(?:\b(?:not|never|no longer|won't|aren't|weren't|wasn't|isn't|don't|didn't|ne|jamais|"
    r"plus)\s+(?:\w+\s+){0,2}$|\bn'$)"
)
FIRST_PERSON = re.compile(r"\b(?:we|we'll|we've|we're|our|us|nous|notre|nos|on)\b")
LEGAL_PATH = re.compile(
    r"(?:^|[/_-])(?:privacy|confidentialite|legal|mentions|terms|conditions|cgv|cgu|"
    r"cookies?|disclaimer|imprint|impressum)(?:[/_.-]|$)",
    re.IGNORECASE,
)
GENERIC_NAME_WORDS = frozenset({
    "inc", "ltd", "ltee", "llc", "gmbh", "corp", "corporation", "company", "co", "sa", "sas",
    "sarl", "the", "les", "de", "du", "la", "le", "et", "and", "photonics", "photonique",
    "optique", "optics", "optical", "laser", "lasers", "technologies", "technology",
    "solutions", "systems", "systemes", "imaging", "imagerie", "sensors", "capteurs",
    "instruments", "electronics", "group", "groupe", "international", "industries",
    "consulting", "manufacturing", "engineering", "services",
})

WINDOW = 160  # characters either side of a hit in which context must sit


@dataclass(frozen=True, slots=True)
class Participation:
    """One sign that the firm takes part in a show, with the show when it is named."""

    kind: str  # booth-number, invitation, exhibit-verb, show-list
    start: int
    end: int
    event: Hit | None
    booth: str


def _path(url: str) -> str:
    """The lower-case path and query of an absolute URL, without scheme and host."""
    parts = url.split("/", 3)
    return parts[3].lower() if len(parts) > 3 else ""


def is_legal_page(page: Page) -> bool:
    """Privacy, terms and legal notices: boilerplate that mentions tools without showing them.

    Rules h, j, k and l all ask: the answer is kept on the page, with the URL it is for.
    """
    cached = page.cache.get("h-legal-page")
    if cached is not None and cached[0] == page.url:  # type: ignore[index]
        return cached[1]  # type: ignore[index,no-any-return]
    legal = bool(LEGAL_PATH.search(_path(page.url)))
    page.cache["h-legal-page"] = (page.url, legal)
    return legal


def near(hits: Sequence[Hit], start: int, end: int, before: int = WINDOW,
         after: int = WINDOW) -> list[Hit]:
    """Hits that lie within the window around [start, end), in the order given."""
    low, high = start - before, end + after
    return [hit for hit in hits if hit.end > low and hit.start <= high]


SENTENCE_MARKS = (". ", "? ", "! ", "; ")
SENTENCE_REACH = 300  # look this far first: a sentence is seldom longer


# A sentence mark (". ", "? ", "! " or "; "): the first from a position, and the last before
# one (the greedy `.*` backs off from the end to the last mark: what the largest of the four
# `rfind`s gives). re clamps a negative position to 0 where `str.find` counts from the end,
# so negative offsets keep the plain searches.
SENTENCE_MARK = re.compile(r"[.?!;] ")
LAST_SENTENCE_MARK = re.compile(r".*[.?!;] ", re.DOTALL)


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around [start, end): what is said there is said together.

    The marks are first looked for within SENTENCE_REACH characters, and in the whole text
    only when none is that close: the nearest mark in the window is the nearest of all, and
    a page's text is long (tests/test_rules_speed_equivalence.py checks the two agree).
    """
    if start < 0 or end < 0:
        return _plain_sentence_bounds(text, start, end)
    low = max(0, start - SENTENCE_REACH)
    last = LAST_SENTENCE_MARK.match(text, low, start)
    if last is None and low > 0:
        last = LAST_SENTENCE_MARK.match(text, 0, start)
    high = end + SENTENCE_REACH
    stop = SENTENCE_MARK.search(text, end, high)
    if stop is None and high < len(text):
        stop = SENTENCE_MARK.search(text, end)
    return (last.end() - 1 if last else 0), (stop.start() if stop else len(text))


def _plain_sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """sentence_bounds with str.find's reading of negative offsets (never a hit's)."""
    low = max(0, start - SENTENCE_REACH) if start >= 0 else 0
    first = max(text.rfind(mark, low, start) for mark in SENTENCE_MARKS)
    if first < 0 and low > 0:
        first = max(text.rfind(mark, 0, start) for mark in SENTENCE_MARKS)
    high = end + SENTENCE_REACH if end >= 0 else len(text)
    stops = [i for mark in SENTENCE_MARKS if (i := text.find(mark, end, high)) >= 0]
    if not stops and high < len(text):
        stops = [i for mark in SENTENCE_MARKS if (i := text.find(mark, end)) >= 0]
    return first + 1, min(stops, default=len(text))


# Every match of NEGATION holds one of these (not, never, no longer, …n't, ne, n'; jamais;
# plus): where none is written, the pattern is not run.
NEGATION_LITERALS = re.compile(r"no|ne|n'|jamais|plus")
NEGATED_BEFORE, NEGATED_AFTER = 30, 40  # what `negated` reads either side of `start`
MAX_NEGATED_MEMO = 4096
_NEGATED: dict[tuple[str, int], bool] = {}


def negated(folded: str, start: int) -> bool:
    """A verb just after a negation: "not exhibiting", "n'exposerons pas".

    Memoised (bounded) by the text it reads, NEGATED_BEFORE characters before `start` and
    NEGATED_AFTER from it, and where `start` falls in it: a site's pages and a page's
    repeated blocks ask again about the same words.
    """
    if start < 0:  # never a hit's; slices count a negative offset from the end
        return bool(NEGATION.search(folded[0:start])) or (
            folded[start:start + 40].split(" ", 3)[1:2] == ["pas"])
    low = max(0, start - NEGATED_BEFORE)
    key = (folded[low:start + NEGATED_AFTER], start - low)
    found = _NEGATED.get(key)
    if found is None:
        found = _negated(folded, start)
        remember(_NEGATED, key, found, MAX_NEGATED_MEMO)
    return found


def _negated(folded: str, start: int) -> bool:
    low = max(0, start - NEGATED_BEFORE)
    if NEGATION_LITERALS.search(folded, low, start) and NEGATION.search(folded[low:start]):
        return True
    return _pas_second(folded, start)


def _pas_second(folded: str, start: int) -> bool:
    """The second space-separated word from `start` (within 40 characters) is "pas": what
    `folded[start:start + 40].split(" ", 3)[1:2] == ["pas"]` says, without the split."""
    stop = min(len(folded), start + NEGATED_AFTER)
    space = folded.find(" ", start, stop)
    if space < 0 or not folded.startswith("pas", space + 1, stop):
        return False
    return space + 4 == stop or folded[space + 4] == " "


MAX_FIRM_MEMO = 1024
_FIRM_TOKENS: dict[tuple[str, str], tuple[str, ...]] = {}


def firm_tokens(firm: Firm) -> tuple[str, ...]:
    """Folded forms of the firm's name that its own text would use.

    Memoised by name and domain (bounded): rules h, j, k and l ask for every hit.
    """
    key = (firm.name, firm.registered)
    tokens = _FIRM_TOKENS.get(key)
    if tokens is None:
        tokens = _firm_tokens(firm)
        remember(_FIRM_TOKENS, key, tokens, MAX_FIRM_MEMO)
    return tokens


def _firm_tokens(firm: Firm) -> tuple[str, ...]:
    tokens: list[str] = []
    name = fold(firm.name)
    words = [w for w in re.split(r"[^a-z0-9+&-]+", name) if w]
    core = [w for w in words if w not in {"inc", "ltd", "ltee", "llc", "gmbh", "corp"}]
    if core:
        tokens.append(" ".join(core))
    tokens += [w for w in core if len(w) >= 4 and w not in GENERIC_NAME_WORDS]
    label = fold(firm.label)
    if len(label) >= 3:
        tokens += [label, label.replace("-", " ")]
    return tuple(dict.fromkeys(t for t in tokens if len(t) >= 3))


def by_firm(folded: str, start: int, end: int, firm: Firm, span: int = 80) -> bool:
    """The firm itself or "we/nous" is close to [start, end): the firm's own words."""
    window = folded[max(0, start - span):end + span // 2]
    if FIRST_PERSON.search(window):
        return True
    return any(token in window for token in firm_tokens(firm))


_START, _END = itemgetter(1), itemgetter(2)  # a Hit's start and end, for sorting


def outermost(hits: Sequence[Hit]) -> list[Hit]:
    """Drop hits inside a longer one: "SPIE Photonics West", not also "SPIE" and "Photonics West".

    Hits go by start, the longer first where two start together (two stable sorts: by end,
    longest first, then by start give the order of the key (start, -end)).
    """
    kept: list[Hit] = []
    for hit in sorted(sorted(hits, key=_END, reverse=True), key=_START):
        if kept and hit.end <= kept[-1].end:
            continue
        kept.append(hit)
    return kept


def named_events(page: Page) -> list[Hit]:
    """The shows and congresses named on the page, longest names only (cached)."""
    cached = page.cache.get("h-events")
    if cached is not None:
        return cached  # type: ignore[return-value]
    events = [hit for hit in outermost(find(page, EVENTS))
              if hit.keyword not in NEEDS_YEAR or STRICT_YEAR.match(page.folded, hit.end)]
    page.cache["h-events"] = events
    return events


def event_name(page: Page, hit: Hit) -> str:
    """The show's name as written, with its year when one follows."""
    name = page.text[hit.start:hit.end]
    year = YEAR_AFTER.match(page.folded, hit.end)
    if year:
        name += page.text[hit.end:year.end()]
    return name.strip()


def nearest_event(events: Sequence[Hit], start: int, end: int) -> Hit | None:
    """The show a booth or verb refers to: the closest name before it, else just after it.

    One pass over the events near [start, end) (`near`'s window, 220 before and 90 after):
    the last that ends before the span, else the first that starts after it.
    """
    low, high = start - 220, end + 90
    before = after = None
    for event in events:
        if event.end > low and event.start <= high:
            if event.end <= start:
                before = event
            elif after is None and event.start >= end:
                after = event
    return before if before is not None else after


def other_near(hits: Sequence[Hit], start: int, end: int, before: int, after: int) -> bool:
    """Some hit near [start, end) (as `near` says) that does not start where it starts."""
    low, high = start - before, end + after
    return any(hit.end > low and hit.start <= high and hit.start != start for hit in hits)


def _beside_in_sentence(hits: Sequence[Hit], start: int, end: int, first: int,
                        last: int) -> bool:
    """Some hit near [start, end) (`near`'s default window), not overlapping it, that starts
    within the sentence [first, last)."""
    low, high = start - WINDOW, end + WINDOW
    return any(hit.end > low and hit.start <= high and (hit.start >= end or hit.end <= start)
               and first <= hit.start < last for hit in hits)


def participations(page: Page, firm: Firm) -> list[Participation]:
    """Every sign of the firm taking part in a show on this page (cached for rules h and i)."""
    cached = page.cache.get("h-participations")
    if cached is not None:
        return cached  # type: ignore[return-value]
    found: list[Participation] = []
    if not is_legal_page(page):
        found = _participations(page, firm)
    page.cache["h-participations"] = found
    return found


def _participations(page: Page, firm: Firm) -> list[Participation]:
    booths, invitations, verbs = find(page, BOOTH_WORDS), find(page, PARTICIPATION), find(
        page, EXHIBIT_VERBS)
    events = named_events(page)
    if not (booths or invitations or verbs or events):
        return []
    show_words = find(page, SHOW_WORDS)
    strong = sorted(events + show_words, key=_START)
    context = sorted(strong + find(page, LOOSE_SHOW_WORDS), key=_START)
    folded = page.folded
    found: list[Participation] = []
    last_booth = -1
    for hit in booths:
        number = BOOTH_NUMBER.match(folded, hit.end)
        if not number or NOT_A_SHOW_BOOTH.search(folded[max(0, hit.start - 20):hit.start]):
            continue
        if not other_near(context, hit.start, hit.end, 250, 120):
            continue
        event = nearest_event(events, hit.start, hit.end)
        if event is not None and event.end <= last_booth < hit.start:
            event = None  # that show's name went with the previous booth of a list
        last_booth = number.end()
        found.append(Participation("booth-number", hit.start, number.end(), event,
                                   number.group(1)))
    for hit in invitations:
        if negated(folded, hit.start):
            continue
        first, last = sentence_bounds(folded, hit.start, hit.end)
        if not _beside_in_sentence(strong, hit.start, hit.end, first, last):
            continue
        found.append(Participation("invitation", hit.start, hit.end,
                                   nearest_event(events, hit.start, hit.end), ""))
    for hit in verbs:
        if negated(folded, hit.start):
            continue
        first, last = sentence_bounds(folded, hit.start, hit.end)
        named = near(events, hit.start, hit.end, min(60, hit.start - first),
                     min(90, last - hit.end))
        if not named and not near(show_words, hit.start, hit.end, min(40, hit.start - first),
                                  min(60, last - hit.end)):
            continue
        if hit.keyword in WEAK_VERBS and not by_firm(folded, hit.start, hit.end, firm, 60):
            continue
        found.append(Participation("exhibit-verb", hit.start, hit.end,
                                   named[0] if named else nearest_event(events, hit.start, hit.end),
                                   ""))
    if not found and events and any(SHOW_HEADING.match(fold(h).strip(" :")) for h in page.headings):
        for hit in events:
            if re.match(r"\s*['’]?(?:20)?\d\d\b", folded[hit.end:hit.end + 6]):
                found.append(Participation("show-list", hit.start, hit.end, hit, ""))
    return found


def describe(page: Page, item: Participation) -> str:
    """The value of a participation: show, year and booth when written."""
    parts = [event_name(page, item.event) if item.event else "trade show"]
    if item.booth:
        parts.append(f"booth {item.booth.upper()}")
    return " ".join(parts)


def described(page: Page, firm: Firm) -> list[tuple[Participation, str]]:
    """Every participation with its value (`describe`), cached for rules h and i."""
    cached = page.cache.get("h-described")
    if cached is not None:
        return cached  # type: ignore[return-value]
    found = [(item, describe(page, item)) for item in participations(page, firm)]
    page.cache["h-described"] = found
    return found


def quote(page: Page, item: Participation) -> str:
    """The snippet of a participation, cached by its span: rules h and i quote the same."""
    quotes: dict[tuple[int, int], str] | None = page.cache.get("h-quotes")  # type: ignore[assignment]
    if quotes is None:
        quotes = page.cache["h-quotes"] = {}
    key = (item.start, item.end)
    found = quotes.get(key)
    if found is None:
        found = quotes[key] = snippet(page.text, item.start, item.end)
    return found


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    seen: set[str] = set()
    for item, value in described(page, firm):
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
            confidence=0.9 if item.kind in ("booth-number", "invitation") else 0.8,
        )
