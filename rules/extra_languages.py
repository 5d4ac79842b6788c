"""languages — the languages the firm's site is offered in (beyond Table 2).

What it detects: the language of each page of the firm's own site (`<html lang>`, `og:locale`,
a `/fr/` path or its words), the `og:locale:alternate` it announces, and its language
switch: a link on the firm's own site whose text is a language's name in that language or in
English or French (English, Français, Deutsch, 中文…), or a language code (EN, FR) when the
link's address carries the same code (`/en/`, `index-en.html`, `?lang=en`, `en.firm.com`).
The value is the two-letter language code; one evidence per language per page.

Why it matters: a French and English site (and more languages) shows which markets the firm
addresses; the audit records it beside Table 2.

Positive: `<a href="/en/">English</a>` on `https://opticlair.ca/fr/` (values fr and en).
Negative: a link « IT » to `/services/it/` (information technology, not Italian), or a link
« English » to another organisation's site.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

from auditor.items import Evidence
from auditor.page import Link, Page, remember
from auditor.text import clean_snippet, collapse_spaces, fold
from rules.base import Firm, RuleInfo

INFO = RuleInfo(letter="languages", slug="offered", version=1)

# A language's name, folded, in the language itself, in English and in French → its code.
LANGUAGE_NAMES: dict[str, str] = {
    "english": "en", "anglais": "en", "francais": "fr", "french": "fr", "deutsch": "de",
    "german": "de", "allemand": "de", "espanol": "es", "spanish": "es", "espagnol": "es",
    "italiano": "it", "italian": "it", "italien": "it", "nederlands": "nl", "dutch": "nl",
    "neerlandais": "nl", "portugues": "pt", "portuguese": "pt", "portugais": "pt",
    "polski": "pl", "polish": "pl", "polonais": "pl", "svenska": "sv", "swedish": "sv",
    "suedois": "sv", "dansk": "da", "danish": "da", "danois": "da", "norsk": "no",
    "norwegian": "no", "norvegien": "no", "suomi": "fi", "finnish": "fi", "finnois": "fi",
    "cestina": "cs", "czech": "cs", "tcheque": "cs", "magyar": "hu", "hungarian": "hu",
    "hongrois": "hu", "romana": "ro", "romanian": "ro", "roumain": "ro", "turkce": "tr",
    "turkish": "tr", "turc": "tr", "ελληνικα": "el", "greek": "el", "grec": "el",
    "русский": "ru", "russian": "ru", "russe": "ru", "українська": "uk", "ukrainian": "uk",
    "ukrainien": "uk", "中文": "zh", "简体中文": "zh", "繁體中文": "zh", "繁体中文": "zh",
    "chinese": "zh", "chinois": "zh", "日本語": "ja", "japanese": "ja", "japonais": "ja",
    "한국어": "ko", "korean": "ko", "coreen": "ko", "العربية": "ar", "arabic": "ar",
    "arabe": "ar", "עברית": "he", "hebrew": "he", "hebreu": "he", "tieng viet": "vi",
    "vietnamese": "vi", "vietnamien": "vi", "bahasa indonesia": "id", "indonesian": "id",
    "ไทย": "th", "thai": "th", "हिन्दी": "hi", "hindi": "hi",
}
CODES = frozenset(LANGUAGE_NAMES.values())
_SEGMENT = re.compile(r"^([a-z]{2})(?:[-_][a-z]{2,4})?$", re.IGNORECASE)
_FILE_SUFFIX = re.compile(r"[-_.]([a-z]{2})(?:[-_][a-z]{2})?(?:\.[a-z]{3,5})?$", re.IGNORECASE)
_QUERY_KEYS = ("lang", "language", "hl", "locale", "lng")
MAX_LABEL = 30  # a language switch's text is a name or a code, never a sentence


def codes_in_url(url: str) -> set[str]:
    """Language codes an address carries: first path segment, file suffix, query, subdomain."""
    parts = urlsplit(url)
    found: set[str] = set()
    segments = [s for s in parts.path.split("/") if s]
    if segments:
        match = _SEGMENT.match(segments[0])
        if match:
            found.add(match.group(1).lower())
        match = _FILE_SUFFIX.search(segments[-1])
        if match:
            found.add(match.group(1).lower())
    query = parse_qs(parts.query)
    for key in _QUERY_KEYS:
        for value in query.get(key, []):
            found.add(value[:2].lower())
    host = (parts.hostname or "").split(".")
    if len(host) > 2 and _SEGMENT.match(host[0]):
        found.add(host[0][:2].lower())
    return found & CODES


MAX_LINK_MEMO = 4096
_LINKS: dict[tuple[str, str], str | None] = {}
_MISSING = ""  # no code is empty: a memoised None is told from a missing entry


def link_language(text: str, url: str) -> str | None:
    """The language a switch link offers, from its text, checked against its address.

    Memoised (bounded): a site's menus and footers repeat on every page.
    """
    key = (text, url)
    code = _LINKS.get(key, _MISSING)
    if code != _MISSING:
        return code
    code = _link_language(text, url)
    remember(_LINKS, key, code, MAX_LINK_MEMO)
    return code


def _label(text: str) -> str:
    return collapse_spaces(fold(text)).strip(" |/[]()·-")


def _link_language(text: str, url: str) -> str | None:
    label = _label(text)
    code = LANGUAGE_NAMES.get(label)
    if code:
        return code
    if len(label) in (2, 3) and label.isalpha():
        candidate = label[:2]
        if candidate in CODES and candidate in codes_in_url(url):
            return candidate
    return None


def may_offer_language(text: str) -> bool:
    """Whether a link's text may make it a language switch: what `_link_language` asks of
    the text before it reads the address, so a link whose text fails gives no language.
    """
    if len(text) > MAX_LABEL:
        return False
    label = _label(text)
    if label in LANGUAGE_NAMES:
        return True
    return len(label) in (2, 3) and label.isalpha() and label[:2] in CODES


MAX_TEXT_MEMO = 8192
_MAY_OFFER: dict[str, bool] = {}


def _may_offer(text: str) -> bool:
    """`may_offer_language`, memoised (bounded): a site's menus repeat on every page, and
    almost none of their texts names a language."""
    found = _MAY_OFFER.get(text)
    if found is None:
        found = may_offer_language(text)
        remember(_MAY_OFFER, text, found, MAX_TEXT_MEMO)
    return found


def _evidence(code: str, page: Page, location: str, why: str) -> Evidence:
    return Evidence(INFO.letter, INFO.rule_id, code, page.url, location,
                    clean_snippet(f"language {code}: {why}"), 1.0 if location != "body" else 0.9)


MAX_SWITCH_MEMO = 4096
_SWITCH_QUOTES: dict[tuple[str, str, str], str] = {}


def _switch_evidence(code: str, page: Page, link: Link) -> Evidence:
    """`_evidence` for a language link, its quote memoised (bounded) by what it is made of:
    a site's language switch repeats on every page."""
    key = (code, link.text, link.url)
    snippet = _SWITCH_QUOTES.get(key)
    if snippet is None:
        snippet = clean_snippet(f"language {code}: language link « {link.text} » → {link.url}")
        remember(_SWITCH_QUOTES, key, snippet, MAX_SWITCH_MEMO)
    return Evidence(INFO.letter, INFO.rule_id, code, page.url, link.region, snippet,
                    1.0 if link.region != "body" else 0.9)


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    if not firm.owns_url(page.url):
        return
    seen: set[str] = set()
    lang = page.lang.lower()
    if len(lang) == 2 and lang.isalpha():
        seen.add(lang)
        yield _evidence(lang, page, "meta", f"the page's language ({page.title[:80]})")
    alternate = page.meta.get("og:locale:alternate", "")[:2].lower()
    if alternate.isalpha() and len(alternate) == 2 and alternate not in seen:
        seen.add(alternate)
        yield _evidence(alternate, page, "meta", f"og:locale:alternate {alternate}")
    known = _MAY_OFFER
    for link in page.links:
        may = known.get(link.text)  # the memo read inline: most links are known and fail
        if not (_may_offer(link.text) if may is None else may) or not link.url:
            continue  # link_language would say None
        code = link_language(link.text, link.url)
        if code and code not in seen and firm.owns_url(link.url):
            seen.add(code)
            yield _switch_evidence(code, page, link)
