"""Helpers shared by the documentation and relations rules (n–y).

Document links: what kind of file a PDF, slide or word-processor link offers (datasheet,
application note, brochure, slides…), decided from its file name, folder names and link
text, cached on the page so that the rules for o, p and r classify each link once (and
memoised across pages: a site offers the same files on many of them), and their quotes.
Also cheap tests for a negated mention ("we no longer offer technical support") and for a
careers page, the page's path split once, keyword searches in titles and headings (`Words`),
and link searches by URL or text. Those searches go through `TextMemo`: each URL, link text
or heading is tested once across pages, and a page's texts, taken as a set, are told apart
by set operations (a site's navigation and footer repeat on every page).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from operator import attrgetter
from urllib.parse import unquote, urlsplit

from ahocorasick_rs import AhoCorasick

from auditor.page import DOCUMENT_EXTENSIONS, Link, Page, remember
from auditor.text import clean_snippet, fold

_CACHE_KEY = "document_kinds"
_URLS_KEY = "link_urls"
_CAREERS_KEY = "careers_page"
_URL_SET_KEY = "link_url_set"
_TEXT_SET_KEY = "link_text_set"
_HEADING_SET_KEY = "heading_set"
_PATH_KEY = "page_path"
MAX_SEARCHED = 8192  # texts remembered per memo
MAX_SEARCHED_CHARS = 2000  # a longer text is searched each time, not kept
SLIDE_EXTENSIONS = (".ppt", ".pptx", ".pps", ".ppsx", ".odp")

# Kinds of document and the words that name them in a folded file name, folder name or
# link text (separators turned into spaces); the first kind that matches wins, so specific
# kinds come before broad ones ("application guide" before "guide").
_KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("certificate", ("certificat(?:e|es|s)?", "certification", "attestation",
                     "declaration of conformity", "declaration de conformite")),
    ("administrative", ("terms", "conditions", "cgv", "privacy", "confidentialite", "warranty",
                        "garantie", "invoice", "facture", "application form", "job", "emploi",
                        "offre d emploi", "cv", "resume")),
    # Safety data sheets (SDS, FDS, "fiche signalétique") are regulatory, not marketing.
    ("safety sheet", ("safety data ?sheets?", "material safety", "m?sds", "fds",
                      "fiches? de donnees de securite", "fiches? signaletiques?")),
    ("datasheet", ("data ?sheets?", "d ?sheets?", "spec(?:ification)? ?sheets?",
                   "fiches? techniques?", "fiches? produits?",
                   "product sheets?", "technical sheets?", "tech ?sheets?",
                   "specifications? techniques?", "datenblatt")),
    ("application note", ("app(?:lication)?s? ?notes?", "notes? d ?applications?",
                          "application guides?", "application examples?",
                          "exemples? d ?applications?")),
    ("technical note", ("tech(?:nical)? ?notes?", "notes? techniques?", "technical bulletins?",
                        "bulletins? techniques?", "tech ?briefs?")),
    ("white paper", ("white ?papers?", "livres? blancs?")),
    ("brochure", ("brochures?", "depliants?", "leaflets?", "flyers?", "prospectus", "feuillets?",
                  "plaquettes?", "sell ?sheets?")),
    ("catalogue", ("catalog(?:ue)?s?", "product guides?", "guides? (?:des |de )?produits?",
                   "guide produits?", "product overview", "line ?card")),
    ("slides", ("slides?", "slide ?decks?", "diapositives?", "diaporamas?", "powerpoint",
                "presentations?", "keynote")),
    ("manual", ("manuals?", "manuel", "manuels", "user guides?", "guides? d ?utilisation",
                "mode d ?emploi", "instructions?", "handbook", "quick ?start")),
    ("publication", ("papers?", "articles?", "proceedings", "preprints?", "posters?", "thesis")),
)
_KIND_PATTERNS = tuple(
    (kind, re.compile(r"\b(?:" + "|".join(words) + r")\b")) for kind, words in _KIND_WORDS
)
_SEPARATORS = re.compile(r"[\s_\-.+/%()\[\]]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class Document:
    """A document link and what it offers."""

    link: Link
    kind: str  # a kind of _KIND_PATTERNS, or "slides" for a slide file, or "" when unknown
    name: str  # file name as written, decoded
    matched: str  # where the kind was read: "file name", "folder", "link text" or "extension"


def file_name(url: str) -> str:
    path = unquote(urlsplit(url).path)
    return path.rsplit("/", 1)[-1]


def _words(raw: str) -> str:
    """`ELM327DSL_DataSheet-v2.pdf` → `elm327dsl data sheet v2 pdf`, folded."""
    return " " + _SEPARATORS.sub(" ", fold(_CAMEL.sub(" ", raw))).strip() + " "


def kind_of(text: str) -> str:
    """The first document kind named in a file name, folder or link text; '' if none.

    Memoised (bounded): the rules ask about a page's heading once per file it lists.
    """
    kind = _KIND_OF.get(text)
    if kind is None:
        kind = _kind_of(text)
        if len(text) <= MAX_SEARCHED_CHARS:
            remember(_KIND_OF, text, kind, MAX_KINDS_MEMO)
    return kind


def _kind_of(text: str) -> str:
    words = _words(text)
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(words):
            return kind
    return ""


def classify(link: Link) -> Document:
    """Decide what a document link offers: file name first, then link text, then folders.

    Memoised by URL and link text (bounded): a site offers the same files on many pages.
    """
    key = (link.url, link.text)
    known = _KINDS.get(key)
    if known is None:
        found = _classify(link)
        remember(_KINDS, key, (found.kind, found.name, found.matched), MAX_KINDS_MEMO)
        return found
    return Document(link, *known)


MAX_KINDS_MEMO = 4096
_KINDS: dict[tuple[str, str], tuple[str, str, str]] = {}
_KIND_OF: dict[str, str] = {}


def _classify(link: Link) -> Document:
    name = file_name(link.url)
    lowered = name.lower()
    stem = name.rsplit(".", 1)[0]
    if lowered.endswith(SLIDE_EXTENSIONS):
        return Document(link, "slides", name, "extension")
    for source, text in (("file name", stem), ("link text", link.text)):
        kind = kind_of(text) if text else ""
        if kind:
            return Document(link, kind, name, source)
    folders = unquote(urlsplit(link.url).path).split("/")[-3:-1]  # the two nearest folders
    kind = kind_of(" ".join(folders)) if folders else ""
    if kind:
        return Document(link, kind, name, "folder")
    return Document(link, "", name, "")


def file_quote(doc: Document, why: str) -> str:
    """`Fiche technique → ft-01.pdf (why)`: how the rules quote a document link.

    Memoised (bounded) by what the quote is made of: a site offers the same files on many
    pages.
    """
    key = (doc.link.text, doc.name, why)
    quote = _QUOTES.get(key)
    if quote is None:
        text = doc.link.text if doc.link.text and doc.link.text != doc.name else ""
        shown = f"{text} → {doc.name}" if text else doc.name
        quote = clean_snippet(f"{shown} ({why})")
        remember(_QUOTES, key, quote, MAX_QUOTES)
    return quote


MAX_QUOTES = 4096
_QUOTES: dict[tuple[str, str, str], str] = {}


def link_urls(page: Page) -> str:
    """All the page's link URLs, one a line: `"tel:" in link_urls(page)` costs one scan."""
    blob = page.cache.get(_URLS_KEY)
    if blob is None:
        page.cache[_URLS_KEY] = blob = "\n".join([link.url for link in page.links])
    return blob  # type: ignore[return-value]


def word_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for whole-word matches of folded keywords in a short folded text."""
    ordered = sorted(words, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in ordered) + r")(?!\w)")


class Words:
    """Whole-word matches of folded keywords in short folded texts (titles, headings).

    `search` is `pattern.search`, asked only when an Aho-Corasick automaton finds one of
    the words somewhere in the text, which any match needs: most titles and headings name
    none of them, and the automaton reads a text several times faster than the pattern,
    which tries its look-behind and alternatives at every character.
    """

    __slots__ = ("_automaton", "pattern")

    def __init__(self, words: tuple[str, ...]) -> None:
        self.pattern = word_pattern(words)
        self._automaton = AhoCorasick(list(words))

    def search(self, text: str) -> re.Match[str] | None:
        try:
            if not self._automaton.find_matches_as_indexes(text):
                return None
        except UnicodeEncodeError:  # a lone surrogate: only the pattern can read the text
            pass
        return self.pattern.search(text)


def documents(page: Page) -> list[Document]:
    """The page's document links, each classified once and shared by the rules."""
    cached = page.cache.get(_CACHE_KEY)
    if cached is None:
        cached = []
        files = _DOCUMENT_URLS.among(link_url_set(page))
        if files:
            seen: set[str] = set()
            for link in page.links:
                url = link.url
                if url in files and url not in seen:
                    seen.add(url)
                    cached.append(classify(link))
        page.cache[_CACHE_KEY] = cached
    return cached  # type: ignore[return-value]


def _is_document_url(url: str) -> bool:
    """A PDF, slide or word-processor file (cheaper than urlsplit: most links are pages)."""
    return url.split("?", 1)[0].lower().endswith(DOCUMENT_EXTENSIONS)


class TextMemo:
    """Which of a page's texts (link URLs, link texts, headings) pass a test, each text
    tested once across pages (bounded): a site's navigation and footer repeat on every page.

    The page's texts come as a set, and the known ones are told apart by set operations,
    which run in C: far cheaper than one memo look-up per link in Python. The answer is the
    test's own on every text, memoised or not (a text too long to keep is tested each time).
    """

    __slots__ = ("limit", "passed", "seen", "test")

    def __init__(self, test: Callable[[str], object], limit: int = MAX_SEARCHED) -> None:
        self.test = test
        self.limit = limit
        self.seen: set[str] = set()
        self.passed: set[str] = set()

    def among(self, texts: AbstractSet[str]) -> AbstractSet[str]:
        """The texts that pass the test."""
        if texts <= self.seen:  # the usual case, and no new set made to find it out
            return texts & self.passed
        new = texts - self.seen
        if len(self.seen) + len(new) > self.limit:  # forget all: every answer is recomputed
            self.seen.clear()
            self.passed.clear()
            new = texts
        test, seen, passed = self.test, self.seen, self.passed
        long_passed = set()
        for text in new:
            if len(text) > MAX_SEARCHED_CHARS:
                if test(text):
                    long_passed.add(text)
                continue
            seen.add(text)
            if test(text):
                passed.add(text)
        found = texts & passed
        return found | long_passed if long_passed else found


_DOCUMENT_URLS = TextMemo(_is_document_url)
_PATTERN_MEMOS: dict[tuple[str, int], TextMemo] = {}


def searched(pattern: re.Pattern[str]) -> TextMemo:
    """The memo of `pattern.search` (one per pattern: the patterns are module constants)."""
    key = (pattern.pattern, pattern.flags)  # a pattern's own hash reads its whole code
    memo = _PATTERN_MEMOS.get(key)
    if memo is None:
        if len(_PATTERN_MEMOS) >= MAX_PATTERN_MEMOS:
            _PATTERN_MEMOS.clear()
        memo = _PATTERN_MEMOS[key] = TextMemo(pattern.search)
    return memo


MAX_PATTERN_MEMOS = 64


def link_url_set(page: Page) -> frozenset[str]:
    """The page's distinct link URLs, for `TextMemo.among`."""
    urls = page.cache.get(_URL_SET_KEY)
    if urls is None:
        page.cache[_URL_SET_KEY] = urls = frozenset(map(_URL, page.links))
    return urls  # type: ignore[return-value]


def link_text_set(page: Page) -> frozenset[str]:
    """The page's distinct link texts, for `TextMemo.among`."""
    texts = page.cache.get(_TEXT_SET_KEY)
    if texts is None:
        page.cache[_TEXT_SET_KEY] = texts = frozenset(map(_TEXT, page.links))
    return texts  # type: ignore[return-value]


def heading_set(page: Page) -> frozenset[str]:
    """The page's distinct headings, for `TextMemo.among`."""
    headings = page.cache.get(_HEADING_SET_KEY)
    if headings is None:
        page.cache[_HEADING_SET_KEY] = headings = frozenset(page.headings)
    return headings  # type: ignore[return-value]


_URL = attrgetter("url")
_TEXT = attrgetter("text")


def links_to(page: Page, hosts: re.Pattern[str]) -> Iterator[Link]:
    """Links whose URL matches `hosts`, a pattern anchored to lines (MULTILINE `^…$`).

    Each URL is searched once per pattern (`searched`): a site's links repeat on every
    page, and most pages link to no such host, which the set of the page's URLs tells at
    once. (A first search of all the page's URLs joined by newlines, which this replaced,
    tried the pattern at every character of every page; for a pattern anchored to lines it
    found a match exactly when some URL matched.)
    """
    urls = searched(hosts).among(link_url_set(page))
    if not urls:
        return iter(())
    return (link for link in page.links if link.url and link.url in urls)


def links_named(page: Page, words: re.Pattern[str]) -> Iterator[Link]:
    """Links whose text matches `words`, a pattern anchored to lines (as for `links_to`)."""
    texts = searched(words).among(link_text_set(page))
    if not texts:
        return iter(())
    return (link for link in page.links if link.text and link.text in texts)


def host_pattern(hosts: tuple[str, ...]) -> re.Pattern[str]:
    """`https://(www.)issuu.com/…` for any of the hosts, as one pattern."""
    names = "|".join(re.escape(host) for host in hosts)
    return re.compile(rf"^https?://(?:[\w-]+\.)*(?:{names})(?:[/:?]|$)", re.MULTILINE)


_CAREERS = re.compile(
    r"(?:career|carri[eè]re|(?<!d')emploi|jobs?\b|recrut|join[-\s]?us|joignez|hiring|embauch)",
    re.IGNORECASE,
)
# The same words, case-sensitive and each alternative led by its first letter (the look-
# behind put after "emploi"), which lets the search skip to those letters: for lower-case
# ASCII text, where ignoring case is lower-casing, it matches exactly where _CAREERS does.
_CAREERS_LOWER = re.compile(
    r"career|carri[eè]re|emploi(?<!d'emploi)|jobs?\b|recrut|join[-\s]?us|joignez|hiring|embauch"
)


def _names_careers(text: str) -> bool:
    """`_CAREERS.search(text)`, faster on ASCII text."""
    if text.isascii():
        return _CAREERS_LOWER.search(text.lower()) is not None
    return _CAREERS.search(text) is not None


def careers_page_url(url: str) -> bool:
    """A link to a jobs page (/carrieres/, /emplois.html, /careers/…)."""
    return _names_careers(urlsplit(url).path)


def careers_page(page: Page) -> bool:
    """A jobs page: its training and support talk is about staff, not customers."""
    cached = page.cache.get(_CAREERS_KEY)
    if cached is None:
        cached = _careers_path(page) or _names_careers(fold(page.title))
        page.cache[_CAREERS_KEY] = cached
    return cached  # type: ignore[return-value]


def _careers_path(page: Page) -> bool:
    """`careers_page_url(page.url)`, without the split when the URL names no jobs at all.

    The path of a `plain_url` is part of it, and what lies around the path there cannot
    undo a match: it starts with "/" or follows the scheme's ":" (never "d'" before
    "emploi"), and it ends the URL or is followed by "?" or "#" (a word boundary).
    """
    if plain_url(page.url) and not _names_careers(page.url):
        return False
    return _names_careers(page_path(page))


_UNPLAIN = re.compile(r"[\[\]\t\r\n]")


def plain_url(url: str) -> bool:
    """A URL that urlsplit takes as it is: ASCII (no host to normalise), no brackets (no
    IPv6 host to check) and no tab or newline (which it deletes). Its split cannot fail,
    and its path is a part of it: a pattern that the URL does not match (searched with
    what may stand around the path in mind) does not match the path either."""
    return url.isascii() and _UNPLAIN.search(url) is None


def in_path(page: Page, pattern: re.Pattern[str]) -> bool:
    """`pattern.search(urlsplit(page.url).path)`, for a pattern with no anchor, boundary or
    look-around (its match in the path is a match in the URL): a `plain_url` that it does
    not match needs no split."""
    if plain_url(page.url) and not pattern.search(page.url):
        return False
    return pattern.search(page_path(page)) is not None


def page_path(page: Page) -> str:
    """`urlsplit(page.url).path`, split once for the rules that ask."""
    path = page.cache.get(_PATH_KEY)
    if path is None:
        page.cache[_PATH_KEY] = path = urlsplit(page.url).path
    return path  # type: ignore[return-value]


# Words that deny what follows or precedes in the same sentence ("no longer", "n'offrons
# plus", "discontinued"): the mention is then no evidence.
_NEGATION = re.compile(
    r"\b(?:no longer|not|don t|do not|does not|cannot|can t|never|discontinued|disabled"
    r"|ne (?:\w+ ){0,2}plus|n (?:\w+ ){0,2}plus|ne (?:\w+ ){0,2}pas|n (?:\w+ ){0,2}pas"
    r"|aucune?|jamais)\b"
)
_SENTENCE_END = re.compile(r"[.!?;:•|]\s")
_CONDITION = re.compile(r"\b(?:if|unless|whether|when|si|lorsque|quand)\b")


def negated(folded: str, start: int, end: int, before: int = 90, after: int = 0) -> bool:
    """True when the sentence around [start, end) negates it within a few words."""
    left = folded[max(0, start - before) : start]
    ends = [m.end() for m in _SENTENCE_END.finditer(left)]
    if ends:
        left = left[ends[-1] :]
    right = folded[end : end + after]
    stop = _SENTENCE_END.search(right)
    if stop:
        right = right[: stop.start()]
    left, right = left.replace("'", " "), right.replace("'", " ")
    denied = _NEGATION.search(left)
    if denied and _CONDITION.search(left, 0, denied.start()):
        denied = None  # "if the FAQ does not answer you, contact technical support"
    return bool(denied or _NEGATION.search(right))
