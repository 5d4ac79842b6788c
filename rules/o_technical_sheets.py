"""o — technical sheets: datasheets, spec sheets, application notes, technical notes, white papers.

What it detects: document links (PDF…) whose file name, folder or link text names a
datasheet, spec sheet, application note, technical note or white paper (FR: fiche
technique, note d'application, note technique, livre blanc); unnamed files listed on a page
headed as such a library; a library page linking to several note pages; and a substantial
page that is itself an application note or white paper. When the page asks for contact
details in a form before the download, the value says "gated".

Why it matters: the study's firms put tech sheets and application notes written with
customers on their sites, and one collects leads through a form before each download (IMC
level 3).

Positive: `<a href="/docs/fiche-technique-OC100.pdf">Fiche technique (PDF)</a>`.
Negative: a product page with a few specifications and no file, or an empty "Datasheets"
page ("Downloadable specification PDFs for product lines." and no link).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from auditor.items import Evidence
from auditor.page import Page
from auditor.text import clean_snippet, fold, snippet
from rules.base import Firm, RuleInfo
from rules.documents import Document, documents, kind_of
from rules.keywords import contains, declare, find

INFO = RuleInfo(letter="o", slug="technical-sheets", version=1)

KINDS = frozenset({"datasheet", "application note", "technical note", "white paper"})
MAX_FILES = 5  # evidence items per page: a library of 40 datasheets needs only a few quotes
MIN_NOTE_CHARS = 1500  # content of a page that is itself a note, beyond site-wide links
MIN_LIBRARY_LINKS = 2

SHEETS = declare(
    "o-sheets",
    en=("datasheet", "datasheets", "data sheet", "data sheets", "spec sheet", "spec sheets",
        "specification sheet", "specification sheets", "product sheet", "product sheets",
        "technical sheet", "technical sheets", "application note", "application notes",
        "applications note", "applications notes", "app note", "app notes", "technical note",
        "technical notes", "tech note", "tech notes", "technical bulletin", "technical bulletins",
        "white paper", "white papers", "whitepaper", "whitepapers"),
    fr=("fiche technique", "fiches techniques", "fiche produit", "fiches produits",
        "fiche de donnees", "fiches de donnees", "note d'application", "notes d'application",
        "note d'applications", "notes d'applications", "note technique", "notes techniques",
        "bulletin technique", "bulletins techniques", "livre blanc", "livres blancs"),
)
# Unambiguous names for a page that is itself a note: "fiche technique" is also a chef's
# recipe card, so a page titled so is not enough without a file.
NOTE_TITLE = declare(
    "o-note-title",
    en=("application note", "app note", "technical note", "tech note", "white paper",
        "whitepaper", "datasheet", "data sheet", "spec sheet"),
    fr=("note d'application", "note technique", "livre blanc"),
)
GATE = declare(
    "o-gate",
    en=("register to download", "registration required", "fill out the form", "fill in the form",
        "complete the form", "fill out this form", "complete this form", "to receive the document",
        "get your copy", "get your free copy", "access the document", "access the white paper",
        "download the white paper", "request the datasheet", "request a datasheet",
        "request datasheet", "submit the form to download"),
    fr=("remplissez le formulaire", "remplir le formulaire", "completez le formulaire",
        "inscrivez-vous pour telecharger", "pour recevoir le document", "pour telecharger",
        "obtenez votre copie", "acceder au document", "demandez la fiche technique",
        "recevoir la fiche technique", "telecharger le livre blanc"),
)
GENERIC_LINK = re.compile(r"^\s*(?:pdf|download|telecharger|télécharger|doc|docx|fichier|file"
                          r"|\(pdf\)|\[pdf\]|view|voir|ouvrir|open)\b", re.IGNORECASE)
BLOG_PATH = re.compile(r"/(?:blog|blogue|news|nouvelles|actualites|actualités)/", re.IGNORECASE)
EMAIL_FIELD = re.compile(r"e-?mail|courriel", re.IGNORECASE)
DOWNLOAD = re.compile(r"\b(?:download|telecharg)")
FORM_SCRIPTS = ("hbspt.forms.create", "MktoForms2", "pardot.com/l/", "forms.hsforms")


def _gated(page: Page) -> bool:
    """A form in the page body collecting an e-mail address, with download wording."""
    forms = [
        form for form in page.forms
        if form.region == "body"
        and any(kind == "email" or EMAIL_FIELD.search(name) for kind, name in form.fields)
    ]
    scripted = any(marker in script for script in page.inline_scripts for marker in FORM_SCRIPTS)
    if not forms and not scripted:
        return False
    if find(page, GATE):
        return True
    return any(contains(form.text, GATE) or DOWNLOAD.search(fold(form.text)) for form in forms)


def _content_chars(page: Page) -> int:
    sitewide = sum(len(link.text) + 1 for link in page.links if link.region != "body")
    return len(page.text) - sitewide


def _file_evidence(doc: Document, page: Page, kind: str, why: str, gated: bool,
                   confidence: float) -> Evidence:
    ext = doc.name.rsplit(".", 1)[-1].upper() if "." in doc.name else "file"
    value = f"{kind} {ext} {doc.name}" + (" (gated)" if gated else "")
    text = doc.link.text if doc.link.text and doc.link.text != doc.name else ""
    quote = f"{text} → {doc.name}" if text else doc.name
    return Evidence(INFO.letter, INFO.rule_id, value, page.url, doc.link.region,
                    clean_snippet(f"{quote} ({why})"), confidence)


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    gated = _gated(page)
    heading = next((h for h in (page.title, *page.headings) if contains(h, SHEETS)), "")
    hits = find(page, SHEETS)
    count = 0
    for doc in documents(page):
        if count >= MAX_FILES:
            break
        if doc.kind in KINDS:
            yield _file_evidence(doc, page, doc.kind, f"{doc.kind} named in {doc.matched}",
                                 gated, 1.0)
            count += 1
        elif not doc.kind and heading:
            yield _file_evidence(doc, page, kind_of(heading) or "technical sheet",
                                 f"listed under “{heading}”", gated, 0.8)
            count += 1
        elif not doc.kind and hits and GENERIC_LINK.match(doc.link.text or ""):
            hit = hits[0]
            yield _file_evidence(doc, page, kind_of(hit.keyword) or "technical sheet",
                                 f"page mentions “{hit.keyword}”", gated, 0.7)
            count += 1
    if count:
        return
    if heading:
        # A library page: several links to note pages of the same kind.
        notes = [
            link for link in page.links
            if link.region == "body" and link.url and firm.owns_url(link.url)
            and kind_of(link.text or urlsplit(link.url).path) in KINDS
        ]
        if len({link.url for link in notes}) >= MIN_LIBRARY_LINKS:
            first = notes[0]
            yield Evidence(INFO.letter, INFO.rule_id,
                           f"library page “{heading[:60]}”, {len(notes)} notes"
                           + (" (gated)" if gated else ""),
                           page.url, "body",
                           clean_snippet(f"{heading}: {first.text or first.url}"), 0.9)
            return
    title = page.headings[0] if page.headings else page.title
    if (
        contains(page.title, NOTE_TITLE) or contains(title, NOTE_TITLE)
    ) and not BLOG_PATH.search(urlsplit(page.url).path) and _content_chars(page) >= MIN_NOTE_CHARS:
        hit = next((h for h in find(page, NOTE_TITLE)), None)
        quote = snippet(page.text, hit.start, hit.end) if hit else clean_snippet(page.title)
        yield Evidence(INFO.letter, INFO.rule_id,
                       f"{kind_of(page.title + ' ' + title) or 'technical note'} page “{page.title[:60]}”"
                       + (" (gated)" if gated else ""),
                       page.url, "body", quote, 0.8)
