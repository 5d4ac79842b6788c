"""Helpers shared by the documentation and relations rules (n–y).

Document links: what kind of file a PDF, slide or word-processor link offers (datasheet,
application note, brochure, slides…), decided from its file name, folder names and link
text, cached on the page so that the rules for o, p and r classify each link once (and
memoised across pages: a site offers the same files on many of them). Also cheap tests for
a negated mention ("we no longer offer technical support") and for a careers page, and
link searches by URL or text whose answers are memoised per pattern and text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from auditor.page import DOCUMENT_EXTENSIONS, Link, Page, remember
from auditor.text import fold

_CACHE_KEY = "document_kinds"
_URLS_KEY = "link_urls"
_CAREERS_KEY = "careers_page"
_ANY_DOCUMENT = re.compile(
    r"\.(?:" + "|".join(ext.lstrip(".") for ext in DOCUMENT_EXTENSIONS) + r")(?:\?|$)",
    re.IGNORECASE | re.MULTILINE,
)
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
    """The first document kind named in a file name, folder or link text; '' if none."""
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


def documents(page: Page) -> list[Document]:
    """The page's document links, each classified once and shared by the rules."""
    cached = page.cache.get(_CACHE_KEY)
    if cached is None:
        seen: set[str] = set()
        cached = []
        if not _ANY_DOCUMENT.search(link_urls(page)):
            page.cache[_CACHE_KEY] = cached
            return cached
        for link in page.links:
            url = link.url
            # Cheaper than urlsplit on every link: most links are pages, not files.
            if url in seen or not url.split("?", 1)[0].lower().endswith(DOCUMENT_EXTENSIONS):
                continue
            seen.add(url)
            cached.append(classify(link))
        page.cache[_CACHE_KEY] = cached
    return cached  # type: ignore[return-value]


def links_to(page: Page, hosts: re.Pattern[str]) -> Iterator[Link]:
    """Links whose URL matches `hosts`, a pattern anchored to lines (MULTILINE `^…$`).

    Each URL is searched once per pattern (`found_in`): a site's links repeat on every
    page. (A first search of all the page's URLs joined by newlines, which this replaced,
    tried the pattern at every character of every page; for a pattern anchored to lines it
    found a match exactly when some URL matched.)
    """
    for link in page.links:
        if link.url and found_in(hosts, link.url):
            yield link


def links_named(page: Page, words: re.Pattern[str]) -> Iterator[Link]:
    """Links whose text matches `words`, a pattern anchored to lines (as for `links_to`)."""
    for link in page.links:
        if link.text and found_in(words, link.text):
            yield link


def found_in(pattern: re.Pattern[str], text: str) -> bool:
    """`pattern.search(text)`, memoised (bounded) for the short texts a site repeats: link
    URLs and texts, headings."""
    key = (pattern.pattern, pattern.flags, text)  # a pattern's own hash reads its whole code
    found = _SEARCHED.get(key)
    if found is None:
        found = pattern.search(text) is not None
        if len(text) <= MAX_SEARCHED_CHARS:
            remember(_SEARCHED, key, found, MAX_SEARCHED)
    return found


MAX_SEARCHED = 8192
MAX_SEARCHED_CHARS = 2000
_SEARCHED: dict[tuple[str, int, str], bool] = {}


def host_pattern(hosts: tuple[str, ...]) -> re.Pattern[str]:
    """`https://(www.)issuu.com/…` for any of the hosts, as one pattern."""
    names = "|".join(re.escape(host) for host in hosts)
    return re.compile(rf"^https?://(?:[\w-]+\.)*(?:{names})(?:[/:?]|$)", re.MULTILINE)


_CAREERS = re.compile(
    r"(?:career|carri[eè]re|(?<!d')emploi|jobs?\b|recrut|join[-\s]?us|joignez|hiring|embauch)",
    re.IGNORECASE,
)


def careers_page_url(url: str) -> bool:
    """A link to a jobs page (/carrieres/, /emplois.html, /careers/…)."""
    return bool(_CAREERS.search(urlsplit(url).path))


def careers_page(page: Page) -> bool:
    """A jobs page: its training and support talk is about staff, not customers."""
    cached = page.cache.get(_CAREERS_KEY)
    if cached is None:
        cached = careers_page_url(page.url) or bool(_CAREERS.search(fold(page.title)))
        page.cache[_CAREERS_KEY] = cached
    return cached  # type: ignore[return-value]


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
