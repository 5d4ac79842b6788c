"""Helpers shared by the documentation and relations rules (n–y).

Document links: what kind of file a PDF, slide or word-processor link offers (datasheet,
application note, brochure, slides…), decided from its file name, folder names and link
text, cached on the page so that the rules for o, p and r classify each link once.
Also a cheap test for a negated mention ("we no longer offer technical support").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from auditor.page import Link, Page
from auditor.text import fold

_CACHE_KEY = "document_kinds"
SLIDE_EXTENSIONS = (".ppt", ".pptx", ".pps", ".ppsx", ".odp", ".key")

# (kind, pattern) on the folded file name, folder names and link text, separators as
# spaces; the first kind that matches wins, so specific kinds come before broad ones.
_KIND_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("certificate", r"\b(?:certificat(?:e|es|s)?|certification|attestation|declaration of conformity"
                        r"|declaration de conformite)\b"),
        ("terms", r"\b(?:terms|conditions|cgv|privacy|confidentialite|warranty|garantie|invoice"
                  r"|facture|application form|job|emploi|offre d emploi|cv|resume)\b"),
        ("datasheet", r"\b(?:data ?sheets?|d ?sheets?|spec(?:ification)? ?sheets?|fiches? techniques?"
                      r"|fiches? produits?|fiches? signaletiques?|product sheets?|technical sheets?"
                      r"|tech ?sheets?|specifications? techniques?|datenblatt)\b"),
        ("application note", r"\b(?:app(?:lication)?s? ?notes?|notes? d ?applications?|application guides?"
                             r"|application examples?|exemples? d ?applications?)\b"),
        ("technical note", r"\b(?:tech(?:nical)? ?notes?|notes? techniques?|technical bulletins?"
                           r"|bulletins? techniques?|tech ?briefs?)\b"),
        ("white paper", r"\b(?:white ?papers?|livres? blancs?|whitepapers?)\b"),
        ("brochure", r"\b(?:brochures?|depliants?|leaflets?|flyers?|prospectus|feuillets?|plaquettes?"
                     r"|sell ?sheets?)\b"),
        ("catalogue", r"\b(?:catalog(?:ue)?s?|product guides?|guides? (?:des |de )?produits?"
                      r"|guide produits?|product overview|line ?card)\b"),
        ("slides", r"\b(?:slides?|slide ?decks?|diapositives?|diaporamas?|powerpoint|presentations?"
                   r"|webinar slides|keynote)\b"),
        ("manual", r"\b(?:manuals?|manuel|manuels|user guides?|guides? d ?utilisation"
                   r"|mode d ?emploi|instructions?|handbook|quick ?start)\b"),
        ("publication", r"\b(?:papers?|articles?|proceedings|preprints?|posters?|thesis)\b"),
    )
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
    """Decide what a document link offers: file name first, then link text, then folders."""
    name = file_name(link.url)
    lowered = name.lower()
    stem = name.rsplit(".", 1)[0]
    if lowered.endswith(SLIDE_EXTENSIONS):
        return Document(link, "slides", name, "extension")
    for source, text in (("file name", stem), ("link text", link.text)):
        kind = kind_of(text) if text else ""
        if kind:
            return Document(link, kind, name, source)
    folders = unquote(urlsplit(link.url).path).rsplit("/", 1)[0]
    kind = kind_of(folders.rsplit("/", 2)[-1] if folders else "")
    if kind:
        return Document(link, kind, name, "folder")
    return Document(link, "", name, "")


def documents(page: Page) -> list[Document]:
    """The page's document links, each classified once and shared by the rules."""
    cached = page.cache.get(_CACHE_KEY)
    if cached is None:
        seen: set[str] = set()
        cached = []
        for link in page.documents:
            if link.url in seen:
                continue
            seen.add(link.url)
            cached.append(classify(link))
        page.cache[_CACHE_KEY] = cached
    return cached  # type: ignore[return-value]


# Words that deny what follows or precedes in the same sentence ("no longer", "n'offrons
# plus", "discontinued"): the mention is then no evidence.
_NEGATION = re.compile(
    r"\b(?:no longer|not|don t|do not|does not|cannot|can t|never|discontinued|disabled"
    r"|ne (?:\w+ ){0,2}plus|n (?:\w+ ){0,2}plus|ne (?:\w+ ){0,2}pas|n (?:\w+ ){0,2}pas"
    r"|aucune?|jamais)\b"
)
_SENTENCE_END = re.compile(r"[.!?;:•|]\s")


def negated(folded: str, start: int, end: int, before: int = 90, after: int = 0) -> bool:
    """True when the sentence around [start, end) negates it within a few words."""
    left = folded[max(0, start - before) : start]
    cut = None
    for cut in _SENTENCE_END.finditer(left):
        pass
    if cut is not None:
        left = left[cut.end() :]
    right = folded[end : end + after]
    stop = _SENTENCE_END.search(right)
    if stop:
        right = right[: stop.start()]
    return bool(_NEGATION.search(left.replace("'", " ") + " " + right.replace("'", " ")))
