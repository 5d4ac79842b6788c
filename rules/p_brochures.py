"""p — brochures, catalogues, product guides and flyers offered to customers.

What it detects: document links whose file name, folder or link text names a brochure,
catalogue, product guide, flyer or leaflet (FR: brochure, dépliant, catalogue, prospectus,
plaquette, feuillet); the firm's own flipbooks, embedded or linked (Issuu, Calaméo,
Flipsnack, Yumpu…: the account bears the firm's name or the flipbook names a brochure); an
offer to download or request the brochure; and an unnamed file on a page headed as a
brochure or linked next to a mention of it.

Why it matters: explanatory brochures are one of the study's one-way documentation tools.

Positive: `<a href="/docs/depliant-OC100.pdf">Dépliant OC100 (PDF)</a>`, or "You can already
download our brochure." next to a PDF link.
Negative: "Full product catalog" linking to the web product listing, a "Resources" page
that promises brochures but lists only certificate PDFs, an SQL "system catalog", a trade
magazine's issue on Issuu.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

from auditor.items import Evidence
from auditor.page import Page
from auditor.text import clean_snippet, fold, snippet
from rules.base import Firm, RuleInfo
from rules.documents import (
    Document,
    Words,
    documents,
    file_quote,
    host_pattern,
    kind_of,
    links_to,
)
from rules.keywords import Hit, declare, find

INFO = RuleInfo(letter="p", slug="brochures", version=1)

KINDS = frozenset({"brochure", "catalogue"})
MAX_FILES = 5
MENTION_REACH = 250  # characters between a mention of the brochure and the file's link
MIN_LINK_CHARS = 3  # a shorter link text ("›") cannot be found back in the page text
MIN_LABEL_CHARS = 4  # a firm name shorter than this is no proof of a flipbook account
FLIPBOOKS = host_pattern((
    "issuu.com", "calameo.com", "flipsnack.com", "yumpu.com", "publitas.com", "fliphtml5.com",
    "heyzine.com", "flipbuilder.com", "anyflip.com", "joomag.com", "paperturn-view.com",
    "flipsnack.net",
))
# A brochure named in the text: enough when the page also links an unnamed file.
MENTION = declare(
    "p-mention",
    en=("brochure", "brochures", "product catalog", "product catalogue", "product catalogs",
        "product catalogues", "our catalog", "our catalogue", "print catalog", "pdf catalog",
        "flyer", "flyers", "leaflet", "leaflets", "product guide", "product guides",
        "product brochure", "product brochures"),
    fr=("brochure", "brochures", "depliant", "depliants", "catalogue de produits",
        "catalogue des produits", "catalogue produits", "notre catalogue", "catalogue pdf",
        "prospectus", "plaquette", "plaquettes", "plaquette commerciale", "feuillet",
        "feuillets", "guide de produits", "guide des produits"),
)
MENTION_WORDS = Words(MENTION.all)  # the same words in titles and headings
# An offer of the brochure itself: enough on its own.
OFFER = declare(
    "p-offer",
    en=("download our brochure", "download the brochure", "download our brochures",
        "download brochure", "download the catalog", "download our catalog",
        "download the catalogue", "download our catalogue", "download catalog",
        "request a brochure", "request our brochure", "request a catalog", "request our catalog",
        "request a catalogue", "request our catalogue", "order a catalog", "order our catalog",
        "download the flyer", "download our flyer", "download the product guide"),
    fr=("telechargez notre brochure", "telecharger la brochure", "telechargez la brochure",
        "telecharger notre brochure", "telechargez notre catalogue", "telecharger le catalogue",
        "telechargez le catalogue", "telecharger notre catalogue", "demandez notre catalogue",
        "demander notre catalogue", "demandez la brochure", "recevoir notre catalogue",
        "telechargez le depliant", "telecharger le depliant", "telechargez notre depliant",
        "consultez notre brochure", "feuilletez notre catalogue", "feuilletez la brochure"),
)


def _file_evidence(doc: Document, page: Page, kind: str, why: str, confidence: float) -> Evidence:
    ext = doc.name.rsplit(".", 1)[-1].upper() if "." in doc.name else "file"
    return Evidence(INFO.letter, INFO.rule_id, f"{kind} {ext} {doc.name}", page.url,
                    doc.link.region, file_quote(doc, why), confidence)


def _brochure_heading(page: Page) -> str:
    """The title, else the first heading, when it names a brochure; '' if neither."""
    return next(
        (h for h in (page.title, *page.headings[:1]) if h and MENTION_WORDS.search(fold(h))), "")


def _flipbooks(page: Page, firm: Firm, heading: Callable[[], str]) -> Iterator[tuple[str, str, str]]:
    """(url, location, text) of the firm's own flipbook brochures, embedded or linked.

    A flipbook service also hosts magazines: the account must bear the firm's name, or the
    flipbook, its link or the page's heading must name a brochure or catalogue.
    """
    label = firm.label.lower()

    def own(url: str, text: str) -> bool:
        named = bool(label) and len(label) >= MIN_LABEL_CHARS and label in url.lower()
        return named or bool(heading()) or kind_of(f"{urlsplit(url).path} {text}") in KINDS

    for src in page.iframes:
        if FLIPBOOKS.match(src) and own(src, ""):
            yield src, "body", "embedded flipbook"
    for link in links_to(page, FLIPBOOKS):
        if own(link.url, link.text):
            yield link.url, link.region, link.text


def _near_mention(page: Page, docs: list[Document], mentions: list[Hit]) -> Document | None:
    """The unnamed file whose link sits next to a mention of the brochure."""
    for hit in mentions:
        window = page.text[max(0, hit.start - MENTION_REACH) : hit.end + MENTION_REACH]
        for doc in docs:
            if len(doc.link.text) >= MIN_LINK_CHARS and doc.link.text in window:
                return doc
    return None


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    docs = documents(page)
    headed: list[str] = []

    def heading() -> str:  # read only for flipbooks and unnamed files
        if not headed:
            headed.append(_brochure_heading(page))
        return headed[0]

    found = 0
    for doc in docs:
        if doc.kind in KINDS and found < MAX_FILES:
            found += 1
            yield _file_evidence(doc, page, doc.kind, f"{doc.kind} named in {doc.matched}", 1.0)
    for url, location, text in _flipbooks(page, firm, heading):
        found += 1
        yield Evidence(INFO.letter, INFO.rule_id, f"flipbook {url}", page.url, location,
                       clean_snippet(f"{text or 'flipbook'} → {url}"), 0.9)
        break
    offers = find(page, OFFER)
    if offers:
        hit = offers[0]
        found += 1
        yield Evidence(INFO.letter, INFO.rule_id, f"brochure offer “{hit.keyword}”", page.url,
                       "body", snippet(page.text, hit.start, hit.end), 0.8)
    if found:
        return
    unnamed = [doc for doc in docs if not doc.kind]
    if not unnamed:
        return
    if heading():
        kind = "catalogue" if "catalog" in fold(heading()) else "brochure"
        yield _file_evidence(unnamed[0], page, kind, f"under “{heading()}”", 0.8)
        return
    mentions = find(page, MENTION)
    doc = _near_mention(page, unnamed, mentions) if mentions else None
    if doc is not None:
        word = mentions[0].keyword
        kind = "catalogue" if "catalog" in word else "brochure"
        yield _file_evidence(doc, page, kind, f"next to “{word}”", 0.7)
