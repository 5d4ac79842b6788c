"""Keyword matching for all rules in one pass per page.

Rules declare their French and English keywords as data (`declare(...)`); the first rule
that asks about a page runs one Aho-Corasick automaton over the page's folded text for
every declared keyword at once, and the hits are cached on the page for the other rules
(ahocorasick_rs, the Rust automaton: a third faster than pyahocorasick on a page's text).
Matching is accent- and case-insensitive and on word boundaries: "formation" does not
match inside "information".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import ahocorasick_rs

from auditor.page import Page, fold_text, remember

_CACHE_KEY = "keyword_hits"


@dataclass(frozen=True, slots=True)
class KeywordSet:
    """A rule's keywords, English and French, matched as whole words."""

    key: str
    en: tuple[str, ...]
    fr: tuple[str, ...]

    @property
    def all(self) -> tuple[str, ...]:
        return self.en + self.fr


class Hit(NamedTuple):
    """A keyword found at [start, end) of `page.text`.

    A named tuple, not a frozen dataclass: a page has a hundred hits or more, and a tuple
    is made three times faster.
    """

    keyword: str
    start: int
    end: int
    lang: str  # en or fr: which list the keyword came from


_REGISTRY: dict[str, KeywordSet] = {}


def declare(key: str, *, en: tuple[str, ...] = (), fr: tuple[str, ...] = ()) -> KeywordSet:
    """Register a keyword set; call at import time of the rule module."""
    if _automaton.cache_info().currsize:  # a new set after the first page: rebuild
        _automaton.cache_clear()
    keywords = KeywordSet(key, tuple(fold_text(k) for k in en), tuple(fold_text(k) for k in fr))
    _REGISTRY[key] = keywords
    return keywords


class _Automaton(NamedTuple):
    """Every declared keyword in one automaton, and who declared each one."""

    search: ahocorasick_rs.AhoCorasick
    words: tuple[str, ...]  # by pattern index
    owners: tuple[tuple[tuple[str, str], ...], ...]  # (set key, lang) pairs by pattern index


@cache
def _automaton() -> _Automaton:
    entries: dict[str, list[tuple[str, str]]] = {}
    for keywords in _REGISTRY.values():
        for lang, words in (("en", keywords.en), ("fr", keywords.fr)):
            for word in words:
                entries.setdefault(word, []).append((keywords.key, lang))
    words = tuple(entries)
    # the contiguous NFA: as fast as the DFA on a warm cache, a third faster on the cold one
    # a page meets in a crawl (the DFA's tables are several times larger)
    automaton = ahocorasick_rs.AhoCorasick(
        words, implementation=ahocorasick_rs.Implementation.ContiguousNFA)
    return _Automaton(automaton, words,
                      tuple(tuple(entries[word]) for word in words))


def _boundary(text: str, index: int) -> bool:
    return index < 0 or index >= len(text) or not text[index].isalnum()


def _all_hits(page: Page) -> dict[str, list[Hit]]:
    """Every keyword's whole-word hits, by set, in the order of their end in the text (and
    the longer first where two end together), which is the order the automaton reports."""
    cached = page.cache.get(_CACHE_KEY)
    if cached is not None:
        return cached  # type: ignore[return-value]
    hits: dict[str, list[Hit]] = {}
    text = page.folded
    if _REGISTRY and text:
        automaton = _automaton()
        words, owners_of = automaton.words, automaton.owners
        size = len(text)
        get = hits.get
        make = tuple.__new__  # Hit(...) without the named tuple's Python-level __new__
        for index, start, stop in automaton.search.find_matches_as_indexes(text, overlapping=True):
            # whole words only: no letter or digit just before or just after (_boundary)
            if start and text[start - 1].isalnum():
                continue
            if stop < size and text[stop].isalnum():
                continue
            word = words[index]
            for key, lang in owners_of[index]:
                found = get(key)
                if found is None:
                    hits[key] = found = []
                found.append(make(Hit, (word, start, stop, lang)))
    page.cache[_CACHE_KEY] = hits
    return hits


def find(page: Page, keywords: KeywordSet) -> list[Hit]:
    """Every whole-word occurrence of the set's keywords in the page's visible text."""
    return _all_hits(page).get(keywords.key, [])


MAX_CONTAINS_MEMO = 8192
_CONTAINS: dict[tuple[int, str], tuple[KeywordSet, str | None]] = {}


def contains(text: str, keywords: KeywordSet) -> str | None:
    """The first keyword of the set found as a whole word in a short text (titles, links).

    Memoised by text and set: link texts, titles and headings repeat across a site's pages.
    """
    memo_key = (id(keywords), text)
    found = _CONTAINS.get(memo_key)
    if found is not None and found[0] is keywords:  # the set itself is kept: no id reuse
        return found[1]
    result = _contains(text, keywords)
    if len(text) <= 2000:  # long texts are rare and seldom repeat: not worth the memory
        remember(_CONTAINS, memo_key, (keywords, result), MAX_CONTAINS_MEMO)
    return result


def _contains(text: str, keywords: KeywordSet) -> str | None:
    folded = fold_text(text)
    for word in keywords.all:
        at = folded.find(word)
        while at >= 0:
            if _boundary(folded, at - 1) and _boundary(folded, at + len(word)):
                return word
            at = folded.find(word, at + 1)
    return None
