"""o — technical sheets: datasheets, spec sheets, application and technical notes, white papers.

What it detects: document links (PDF…) whose file name, folder or link text names a
datasheet, spec sheet, application note, technical note or white paper (FR: fiche
technique, note d'application, note technique, livre blanc); unnamed files listed on a page
headed as such a library or labelled by such a word ("Fiche technique : PDF"); a library
page linking to several note pages; a substantial page that is itself an application note
or white paper; and a page of notes offered through a form. When the page asks for contact
details in a form before the download, the value says "gated". Manuals, certificates and
safety data sheets are not technical sheets; neither is a blog post titled "Fiches
techniques" (a chef's recipe cards).

Why it matters: the study's firms put tech sheets and application notes written with
customers on their sites, and one collects leads through a form before each download (IMC
level 3).

Positive: `<a href="/docs/fiche-technique-OC100.pdf">Fiche technique (PDF)</a>`.
Negative: a product page with a few specifications and no file, or an empty "Datasheets"
page ("Downloadable specification PDFs for product lines." and no link).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

from auditor.items import Evidence
from auditor.page import Link, Page, remember
from auditor.text import clean_snippet, fold, snippet
from rules.base import Firm, RuleInfo
from rules.documents import (
    Document,
    Words,
    documents,
    file_quote,
    in_path,
    kind_of,
)
from rules.keywords import Hit, contains, declare, find

INFO = RuleInfo(letter="o", slug="technical-sheets", version=1)

KINDS = frozenset({"datasheet", "application note", "technical note", "white paper"})
MAX_FILES = 5  # evidence items per page: a library of 40 datasheets needs only a few quotes
MIN_NOTE_CHARS = 1500  # content of a page that is itself a note, beyond site-wide links
MIN_LIBRARY_LINKS = 2
LABEL_REACH = 30  # characters between a keyword and the generic link it labels
MIN_NOTE_WORDS = 4  # "AN01 – Transistor Testing Note", not "View Datasheets"

SHEETS = declare(
    "o-sheets",
    en=("datasheet", "datasheets", "data sheet", "data sheets", "spec sheet", "spec sheets",
        "specification sheet", "specification sheets", "product sheet", "product sheets",
        "technical sheet", "technical sheets", "application note", "application notes",
        "applications note", "applications notes", "app note", "app notes", "technical note",
        "technical notes", "tech note", "tech notes", "technical bulletin", "technical bulletins",
        "white paper", "white papers", "whitepaper", "whitepapers"),
    fr=("fiche technique", "fiches techniques", "note d'application", "notes d'application",
        "note d'applications", "notes d'applications", "note technique", "notes techniques",
        "bulletin technique", "bulletins techniques", "livre blanc", "livres blancs"),
)
# Unambiguous names for a page that is itself a note: "fiche technique" is also a chef's
# recipe card, so a page titled so is not enough without a file.
NOTE_TITLE = declare(
    "o-note-title",
    en=("application note", "application notes", "app note", "app notes", "technical note",
        "technical notes", "tech note", "tech notes", "white paper", "white papers",
        "whitepaper", "whitepapers", "datasheet", "datasheets", "data sheet", "data sheets",
        "spec sheet", "spec sheets"),
    fr=("note d'application", "notes d'application", "note technique", "notes techniques",
        "livre blanc", "livres blancs"),
)
SHEET_WORDS = Words(SHEETS.all)  # for titles and headings, faster than contains()
NOTE_WORDS = Words(NOTE_TITLE.all)
GATE = declare(
    "o-gate",
    en=("register to download", "registration required", "fill out the form", "fill in the form",
        "complete the form", "fill out this form", "complete this form", "to receive the document",
        "get your copy", "get your free copy", "access the document", "access the white paper",
        "download the white paper", "request the datasheet", "request a datasheet",
        "request datasheet", "submit the form to download"),
    fr=("remplissez le formulaire", "remplir le formulaire", "completez le formulaire",
        "inscrivez-vous pour telecharger", "pour recevoir le document",
        "obtenez votre copie", "acceder au document", "demandez la fiche technique",
        "recevoir la fiche technique", "telecharger le livre blanc"),
)
GENERIC_LINK = re.compile(r"^\s*(?:pdf|download|telecharger|télécharger|doc|docx|fichier|file"
                          r"|\(pdf\)|\[pdf\]|view|voir|ouvrir|open)\b", re.IGNORECASE)
LIBRARY_LINK = re.compile(r"^\s*(?:view|see|all|browse|our|nos|voir|toutes?|tous|more|plus)\b",
                          re.IGNORECASE)
BLOG_PATH = re.compile(r"/(?:blog|blogue|news|nouvelles|actualites|actualités)/", re.IGNORECASE)
EMAIL_FIELD = re.compile(r"e-?mail|courriel", re.IGNORECASE)
NEWSLETTER = re.compile(r"(?i)newsletter|infolettre|subscribe|abonne|bulletin")
DOWNLOAD = re.compile(r"\b(?:download|telecharg)")
Finding = tuple[str, str, str, float]  # value, location, quote, confidence
FORM_SCRIPTS = ("hbspt.forms.create", "MktoForms2", "pardot.com/l/", "forms.hsforms")


def _gated(page: Page) -> bool:
    """A form in the page body collecting an e-mail address, with download wording."""
    forms = [
        form for form in page.forms
        if form.region == "body" and not NEWSLETTER.search(form.text)
        and any(kind == "email" or EMAIL_FIELD.search(name) for kind, name in form.fields)
    ]
    if not forms and not any(map(_form_script, page.inline_scripts)):
        return False
    if find(page, GATE):
        return True
    return any(contains(form.text, GATE) or DOWNLOAD.search(fold(form.text)) for form in forms)


def _form_script(script: str) -> bool:
    """A form builder's loader (HubSpot, Marketo, Pardot) in an inline script.

    Memoised by the script's text (bounded): a site repeats its scripts on every page, and
    the text was hashed already by the fingerprint scan, so the look-up costs less than the
    four searches of a long script.
    """
    found = _FORM_SCRIPTS.get(script)
    if found is None:
        found = any(marker in script for marker in FORM_SCRIPTS)
        remember(_FORM_SCRIPTS, script, found, MAX_SCRIPT_MEMO)
    return found


MAX_SCRIPT_MEMO = 256
_FORM_SCRIPTS: dict[str, bool] = {}


def _note_link(link: Link) -> bool:
    """A link to one note: kept in a notes folder, or named by its kind and its own title."""
    folders = urlsplit(link.url).path.rsplit("/", 1)[0]
    if folders and kind_of(folders) in KINDS:
        return True
    text = link.text
    return (
        kind_of(text) in KINDS and len(text.split()) >= MIN_NOTE_WORDS
        and not GENERIC_LINK.match(text) and not LIBRARY_LINK.match(text)
    )


def _labelled_by(page: Page, hits: list[Hit], link_text: str) -> Hit | None:
    """The keyword that labels a generic link: "Fiche technique : PDF", "Datasheet (download)"."""
    wanted = fold(link_text).strip()
    for hit in hits:
        if wanted in page.folded[hit.end : hit.end + LABEL_REACH]:
            return hit
    return None


def _content_chars(page: Page) -> int:
    sitewide = sum(len(link.text) + 1 for link in page.links if link.region != "body")
    return len(page.text) - sitewide


def _file_finding(doc: Document, kind: str, why: str, confidence: float) -> Finding:
    ext = doc.name.rsplit(".", 1)[-1].upper() if "." in doc.name else "file"
    return (f"{kind} {ext} {doc.name}", doc.link.region, file_quote(doc, why), confidence)


def _files(page: Page, heading: Callable[[], str], hits: list[Hit]) -> Iterator[Finding]:
    """Document links that are technical sheets, by name or by what labels them."""
    count = 0
    for doc in documents(page):
        if count >= MAX_FILES:
            return
        if doc.kind in KINDS:
            found = _file_finding(doc, doc.kind, f"{doc.kind} named in {doc.matched}", 1.0)
        elif doc.kind:
            continue  # a manual, a certificate, a brochure: not a technical sheet
        elif heading():
            found = _file_finding(doc, kind_of(heading()) or "technical sheet",
                                  f"listed under “{heading()}”", 0.8)
        elif hits and GENERIC_LINK.match(doc.link.text):
            hit = _labelled_by(page, hits, doc.link.text)
            if hit is None:
                continue
            found = _file_finding(doc, kind_of(hit.keyword) or "technical sheet",
                                  f"after “{page.text[hit.start:hit.end]}”", 0.8)
        else:
            continue
        count += 1
        yield found


def _library(page: Page, firm: Firm, heading: str) -> Finding | None:
    """A page headed as a library that links to several note pages of its own."""
    notes = {
        link.url: link for link in page.links
        if link.region == "body" and link.url and link.url != page.url
        and firm.owns_url(link.url) and _note_link(link)
    }
    if len(notes) < MIN_LIBRARY_LINKS:
        return None
    first = next(iter(notes.values()))
    return (f"library page “{heading[:60]}”, {len(notes)} notes", "body",
            clean_snippet(f"{heading}: {first.text or first.url}"), 0.9)


def _note_page(page: Page, gated: Callable[[], bool]) -> Finding | None:
    """A page that is itself an application note or white paper, long or behind a form."""
    first = page.headings[0] if page.headings else page.title
    if not (NOTE_WORDS.search(fold(page.title)) or NOTE_WORDS.search(fold(first))):
        return None
    if in_path(page, BLOG_PATH):
        return None
    if _content_chars(page) < MIN_NOTE_CHARS and not gated():
        return None
    hit = next(iter(find(page, NOTE_TITLE)), None)
    quote = snippet(page.text, hit.start, hit.end) if hit else clean_snippet(page.title)
    kind = kind_of(f"{page.title} {first}") or "technical note"
    return f"{kind} page “{page.title[:60]}”", "body", quote, 0.8


def _sheet_heading(page: Page) -> str:
    """The title, else the first heading, when it names technical sheets; '' if neither."""
    return next(
        (h for h in (page.title, *page.headings[:1]) if h and SHEET_WORDS.search(fold(h))), "")


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    state: dict[str, bool] = {}
    headed: list[str] = []

    def gated() -> bool:  # forms and scripts are read only for pages that offer something
        if "gated" not in state:
            state["gated"] = _gated(page)
        return state["gated"]

    def heading() -> str:  # read only for unnamed files, or when no file is evidence
        if not headed:
            headed.append(_sheet_heading(page))
        return headed[0]

    found = list(_files(page, heading, find(page, SHEETS)))
    if not found and heading():
        library = _library(page, firm, heading())
        found = [library] if library else []
    if not found:
        note = _note_page(page, gated)
        found = [note] if note else []
    for value, location, quote, confidence in found:
        yield Evidence(INFO.letter, INFO.rule_id, value + (" (gated)" if gated() else ""),
                       page.url, location, quote, confidence)
