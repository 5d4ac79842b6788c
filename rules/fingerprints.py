"""Load the marketing-technology fingerprints and match them, one compiled pass per channel.

The patterns are data (`fingerprints.json`, described by `fingerprints.schema.json`); this
module only compiles them: every channel becomes one alternation of named groups, so a page
costs one regex pass per scanned value (a script, a src, a link), not one per technology.

`scan(channel, text)` matches one value; `scan_page(page)` runs every channel that the page
model can feed (script srcs, inline scripts, iframes, DOM attribute values, meta tags) once
per page and caches the result for all the rules that ask. Cookie and header patterns are
data only for now: the crawler does not record them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import ahocorasick

from auditor.page import Page, remember
from auditor.text import clean_snippet
from rules.documents import TextMemo, link_url_set

CHANNELS = ("script_src", "inline", "iframe", "dom", "meta", "cookie", "header")
PAGE_CHANNELS = ("script_src", "inline", "iframe", "dom", "meta")
CATEGORIES = (
    "analytics", "tag-manager", "ad-conversion", "marketing-automation", "crm", "newsletter",
    "chat", "scheduling", "forms", "consent", "webinar", "reviews", "abm",
)
MAX_SOURCE_CHARS = 300  # the scanned value kept with a match, for the evidence
_CACHE_KEY = "fingerprints"
_BEST_KEY = "fingerprints:best"
MAX_SUBSETS = 512  # compiled alternations of candidate patterns kept
MIN_LITERAL = 3  # a shorter required literal filters nothing: such a pattern always runs
MEMO_SHORT_CHARS = 2048  # values up to this long (URLs, names, meta) memoised by the thousand
MEMO_SHORT_ENTRIES = 8192
MEMO_LONG_ENTRIES = 64  # longer values (inline scripts, at most 50,000 characters each)


@dataclass(frozen=True, slots=True)
class Technology:
    name: str
    category: str
    id_pattern: re.Pattern[str] | None
    vendor: str = ""  # groups a vendor's tracker, forms and chat; the name when not given


@dataclass(frozen=True, slots=True)
class Match:
    technology: Technology
    channel: str
    matched: str  # the text that matched, for the evidence snippet
    tracking_id: str


@dataclass(frozen=True, slots=True)
class Found:
    """A technology seen on a page: the match, where on the page, and the value scanned."""

    match: Match
    location: str  # an Evidence location: script, body, nav, header, footer, form, meta
    source: str  # the src, URL, field name or meta tag that matched, bounded

    @property
    def technology(self) -> Technology:
        return self.match.technology


@dataclass(frozen=True, slots=True)
class Fingerprints:
    technologies: tuple[Technology, ...]
    channels: dict[str, re.Pattern[str]]  # every pattern of a channel in one alternation
    parts: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    prefilters: dict[str, ahocorasick.Automaton] = field(default_factory=dict)
    unfiltered: dict[str, frozenset[str]] = field(default_factory=dict)
    subsets: dict[tuple[str, frozenset[str]], re.Pattern[str]] = field(default_factory=dict)
    memo: dict[tuple[str, str], tuple[Match, ...]] = field(default_factory=dict)
    long_memo: dict[tuple[str, str], tuple[Match, ...]] = field(default_factory=dict)

    def scan(self, channel: str, text: str) -> list[Match]:
        """Every technology whose pattern for this channel occurs in text.

        Memoised: a site repeats its scripts, tracker snippets, navigation and footer links
        on every page, so most values were scanned on an earlier page already. The memo is
        bounded by entries (short values) and by count of long values (inline scripts).
        """
        return list(self.matches(channel, text))

    def matches(self, channel: str, text: str) -> tuple[Match, ...]:
        """`scan`'s answer as the memoised tuple itself (no copy): for `scan_page`."""
        key = (channel, text)
        memo = self.memo if len(text) <= MEMO_SHORT_CHARS else self.long_memo
        found = memo.get(key)
        if found is None:
            found = tuple(self._scan(channel, text))
            remember(memo, key, found,
                     MEMO_SHORT_ENTRIES if memo is self.memo else MEMO_LONG_ENTRIES)
        return found

    def _scan(self, channel: str, text: str) -> list[Match]:
        pattern = self._candidates(channel, text)
        if pattern is None:
            return []
        found: dict[int, Match] = {}
        for hit in pattern.finditer(text):
            name = hit.lastgroup or next(k for k, v in hit.groupdict().items() if v is not None)
            index = int(name[1:].split("_")[0])
            if index in found:
                continue
            tech = self.technologies[index]
            tracking_id = ""
            if tech.id_pattern is not None:
                id_hit = tech.id_pattern.search(text)
                if id_hit:
                    tracking_id = id_hit.group(id_hit.lastindex or 0)
            found[index] = Match(tech, channel, hit.group(0), tracking_id)
        return list(found.values())

    def _candidates(self, channel: str, text: str) -> re.Pattern[str] | None:
        """The alternation of the patterns whose required literal occurs in text, if any.

        A regex alternation of a hundred patterns tries every branch at every character;
        one Aho-Corasick pass over the literals every pattern requires (its longest literal
        run: `.hs-scripts.com/`, `gtm.js`…) leaves, for almost every value, nothing to run.
        """
        automaton = self.prefilters.get(channel)
        if automaton is None:
            return self.channels.get(channel)
        names = set(self.unfiltered.get(channel, ()))
        for _, owners in automaton.iter(text.lower()):
            names.update(owners)
        if not names:
            return None
        key = (channel, frozenset(names))
        pattern = self.subsets.get(key)
        if pattern is None:
            if len(self.subsets) >= MAX_SUBSETS:
                self.subsets.clear()
            pattern = re.compile(
                "|".join(f"(?P<{n}>{p})" for n, p in self.parts[channel] if n in names),
                re.IGNORECASE,
            )
            self.subsets[key] = pattern
        return pattern

    def in_categories(self, *categories: str) -> frozenset[str]:
        """Names of the technologies in any of these categories."""
        return frozenset(t.name for t in self.technologies if t.category in categories)

    def vendors_in(self, *categories: str) -> frozenset[str]:
        """Vendors with at least one technology in any of these categories."""
        return frozenset(t.vendor for t in self.technologies if t.category in categories)


def raw_data() -> dict[str, object]:
    text = resources.files("rules").joinpath("fingerprints.json").read_text(encoding="utf-8")
    data: dict[str, object] = json.loads(text)
    return data


def required_literal(pattern: str) -> str:
    """The longest run of literal characters that every match of pattern contains, lowered.

    Conservative: a top-level `|` gives "", groups, classes, escapes like `\\d` and anchors
    end a run, and a quantified character is dropped from it.
    """
    runs: list[str] = []
    run: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        literal = ""
        if char == "\\":
            escaped = pattern[i + 1 : i + 2]
            i += 2
            if escaped and not escaped.isalnum():
                literal = escaped
        elif char == "[":
            i = _class_end(pattern, i)
        elif char == "(":
            i = _group_end(pattern, i)
        elif char == "|":
            return ""
        elif char in "?*+{":
            if run and char != "+":
                run.pop()
            if char == "{":
                i = pattern.index("}", i)
            i += 1
            if pattern[i : i + 1] in ("?", "+"):
                i += 1
        else:
            i += 1
            if char not in ".^$":
                literal = char
        if literal:
            run.append(literal)
        else:
            runs.append("".join(run))
            run = []
    runs.append("".join(run))
    return max(runs, key=len).lower()


def _class_end(pattern: str, i: int) -> int:
    """Index just past the character class that opens at i."""
    i += 1
    if pattern[i : i + 1] == "^":
        i += 1
    if pattern[i : i + 1] == "]":
        i += 1
    while pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i + 1


def _group_end(pattern: str, i: int) -> int:
    """Index just past the group that opens at i."""
    depth = 0
    while True:
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = _class_end(pattern, i)
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        i += 1
        if depth == 0:
            return i


@cache
def fingerprints() -> Fingerprints:
    """Compile the data file once per process."""
    entries = raw_data()["technologies"]
    assert isinstance(entries, list)
    techs: list[Technology] = []
    parts: dict[str, list[tuple[str, str]]] = {c: [] for c in CHANNELS}
    for index, entry in enumerate(entries):
        id_pattern = entry.get("id")
        techs.append(Technology(entry["name"], entry["category"],
                                re.compile(id_pattern) if id_pattern else None,
                                entry.get("vendor") or entry["name"]))
        for channel in CHANNELS:
            for n, pattern in enumerate(entry.get(channel, [])):
                if re.compile(pattern).groups:  # named-group alternation relies on this
                    raise ValueError(f"{entry['name']} {channel}: capturing group in {pattern!r}")
                parts[channel].append((f"t{index}_{n}", pattern))
    channels: dict[str, re.Pattern[str]] = {}
    prefilters: dict[str, ahocorasick.Automaton] = {}
    unfiltered: dict[str, frozenset[str]] = {}
    for channel, items in parts.items():
        if not items:
            continue
        channels[channel] = re.compile(
            "|".join(f"(?P<{n}>{p})" for n, p in items), re.IGNORECASE
        )
        owners: dict[str, list[str]] = {}
        always: set[str] = set()
        for name, pattern in items:
            literal = required_literal(pattern)
            if len(literal) >= MIN_LITERAL:
                owners.setdefault(literal, []).append(name)
            else:
                always.add(name)
        automaton = ahocorasick.Automaton()
        for literal, names in owners.items():
            automaton.add_word(literal, tuple(names))
        automaton.make_automaton()
        prefilters[channel] = automaton
        unfiltered[channel] = frozenset(always)
    return Fingerprints(
        tuple(techs), channels, {c: tuple(i) for c, i in parts.items()}, prefilters, unfiltered
    )


def _page_sources(page: Page) -> list[tuple[str, str, str]]:
    """(channel, value, location) for every value of the page that a channel reads: the
    plain definition of what `scan_page` scans, in its order."""
    sources = [("script_src", src, "script") for src in page.script_srcs]
    sources += [("inline", body, "script") for body in page.inline_scripts]
    sources += [("iframe", src, "body") for src in page.iframes]
    sources += [("dom", src, "body") for src in page.iframes]
    for form in page.forms:
        sources.append(("dom", form.action, "form"))
        sources += [("dom", name, "form") for _, name in form.fields if name]
    sources += [
        ("dom", link.url, link.region)
        for link in page.links
        if link.url.startswith(("http://", "https://"))
    ]
    sources += [("meta", f"{key}: {value}", "meta") for key, value in page.meta.items()]
    return sources


def _link_matches(url: str) -> bool:
    """Whether a link URL is a `dom` value that some technology matches."""
    return url.startswith(("http://", "https://")) and bool(fingerprints().matches("dom", url))


# The page's link URLs that match some technology, told apart by set operations: a site's
# links repeat on every page and almost none match, so most pages skip their links at once.
_MATCHING_LINKS = TextMemo(_link_matches)


def scan_page(page: Page) -> tuple[Found, ...]:
    """Every technology seen on the page, once per technology and channel; cached on the page.

    The values of `_page_sources`, in its order; a link whose URL matches nothing adds
    nothing, so only the links whose URL is in `_MATCHING_LINKS` are scanned.
    """
    cached = page.cache.get(_CACHE_KEY)
    if cached is not None:
        return cached  # type: ignore[return-value]
    matches = fingerprints().matches
    seen: set[tuple[str, str]] = set()
    found: list[Found] = []

    def scan(channel: str, value: str, location: str) -> None:
        if not value:
            return
        for match in matches(channel, value):
            key = (match.technology.name, channel)
            if key not in seen:
                seen.add(key)
                found.append(Found(match, location, value[:MAX_SOURCE_CHARS]))

    for src in page.script_srcs:
        scan("script_src", src, "script")
    for body in page.inline_scripts:
        scan("inline", body, "script")
    for src in page.iframes:
        scan("iframe", src, "body")
    for src in page.iframes:
        scan("dom", src, "body")
    for form in page.forms:
        scan("dom", form.action, "form")
        for _, name in form.fields:
            scan("dom", name, "form")
    matching = _MATCHING_LINKS.among(link_url_set(page))
    for link in [link for link in page.links if link.url in matching] if matching else ():
        scan("dom", link.url, link.region)
    for key, value in page.meta.items():
        scan("meta", f"{key}: {value}", "meta")
    result = tuple(found)
    page.cache[_CACHE_KEY] = result
    return result


def best_per_technology(found: tuple[Found, ...] | list[Found]) -> list[Found]:
    """One sighting per technology, in page order: the first with a tracking ID, else the first."""
    best: dict[str, Found] = {}
    for item in found:
        name = item.technology.name
        if name not in best or (not best[name].match.tracking_id and item.match.tracking_id):
            best[name] = item
    return list(best.values())


def best_on_page(page: Page) -> list[Found]:
    """`best_per_technology(scan_page(page))`, cached on the page: several rules ask (the
    page is read-only and callers only iterate the list)."""
    best = page.cache.get(_BEST_KEY)
    if best is None:
        page.cache[_BEST_KEY] = best = best_per_technology(scan_page(page))
    return best  # type: ignore[return-value]


MAX_QUOTE_MEMO = 4096
_QUOTES: dict[str, str] = {}


def quote(text: str) -> str:
    """`clean_snippet(text)`, memoised (bounded): the rules quote a technology by its name
    and the value that matched, which repeat on every page of a site."""
    found = _QUOTES.get(text)
    if found is None:
        found = clean_snippet(text)
        remember(_QUOTES, text, found, MAX_QUOTE_MEMO)
    return found
