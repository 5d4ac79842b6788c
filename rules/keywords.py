"""Keyword matching for all rules in one pass per page.

Rules declare their French and English keywords as data (`declare(...)`); the first rule
that asks about a page runs one Aho-Corasick automaton over the page's folded text for
every declared keyword at once, and the hits are cached on the page for the other rules.
Matching is accent- and case-insensitive and on word boundaries: "formation" does not
match inside "information".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import ahocorasick

from auditor.page import Page, evict_oldest, fold_text

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


@dataclass(frozen=True, slots=True)
class Hit:
    """A keyword found at [start, end) of `page.text`."""

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


@cache
def _automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    entries: dict[str, list[tuple[str, str]]] = {}
    for keywords in _REGISTRY.values():
        for lang, words in (("en", keywords.en), ("fr", keywords.fr)):
            for word in words:
                entries.setdefault(word, []).append((keywords.key, lang))
    for word, owners in entries.items():
        automaton.add_word(word, (word, tuple(owners)))
    automaton.make_automaton()
    return automaton


def _boundary(text: str, index: int) -> bool:
    return index < 0 or index >= len(text) or not text[index].isalnum()


def _all_hits(page: Page) -> dict[str, list[Hit]]:
    cached = page.cache.get(_CACHE_KEY)
    if cached is not None:
        return cached  # type: ignore[return-value]
    hits: dict[str, list[Hit]] = {}
    text = page.folded
    if _REGISTRY and text:
        size = len(text)
        for end, (word, owners) in _automaton().iter(text):
            start = end - len(word) + 1
            # whole words only: no letter or digit just before or just after (_boundary)
            if (start > 0 and text[start - 1].isalnum()) or (
                    end + 1 < size and text[end + 1].isalnum()):
                continue
            for key, lang in owners:
                found = hits.get(key)
                if found is None:
                    hits[key] = found = []
                found.append(Hit(word, start, end + 1, lang))
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
        if len(_CONTAINS) >= MAX_CONTAINS_MEMO:
            evict_oldest(_CONTAINS)
        _CONTAINS[memo_key] = (keywords, result)
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
