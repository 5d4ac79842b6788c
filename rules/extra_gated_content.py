"""gated-content — a download offered only against the visitor's contact details (beyond Table 2).

What it detects: on a page offering a datasheet, white paper, application note, e-book,
brochure, catalogue or case study (its title or top headings say so, or the form itself
does), a lead form: an e-mail field with name or company fields and no message field (or a
form whose own text offers the download), or a hosted form of a marketing-automation vendor
(HubSpot, Marketo, Pardot, Eloqua, Act-On…); or a sentence asking to fill a form or register
to download (« remplissez le formulaire pour télécharger », "register to download"). The
value names the offered content and the page title.

Why it matters: gating turns a technical document (letter o) into a lead; the study asks
whether a form gates the download, and the audit records it beside Table 2.

Positive: a page titled « Livre blanc : mesure optique » with a form asking Nom, Entreprise,
Courriel and a « Télécharger » button.
Negative: a datasheets page linking the PDFs directly, with the site-wide newsletter form in
its footer; a contact form on a product page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.items import Evidence
from auditor.page import Form, Page
from auditor.text import clean_snippet, snippet
from rules.base import Firm, RuleInfo
from rules.extra_contact_form import read_form
from rules.extra_marketing_automation import automation_vendors
from rules.fingerprints import Found, scan_page
from rules.keywords import Hit, contains, declare, find

INFO = RuleInfo(letter="gated-content", slug="form-before-download", version=1)

# Offered content: keyword (folded) → the name the value gives it.
OFFERS_EN: dict[str, str] = {
    "datasheet": "datasheet", "datasheets": "datasheet", "data sheet": "datasheet",
    "data sheets": "datasheet", "spec sheet": "datasheet", "specification sheet": "datasheet",
    "white paper": "white paper", "white papers": "white paper", "whitepaper": "white paper",
    "whitepapers": "white paper", "application note": "application note",
    "application notes": "application note", "app note": "application note",
    "app notes": "application note", "technical note": "technical note",
    "tech note": "technical note", "ebook": "e-book", "e-book": "e-book", "guide": "guide",
    "brochure": "brochure", "catalog": "catalogue", "catalogue": "catalogue",
    "case study": "case study", "case studies": "case study", "report": "report",
    "checklist": "checklist", "webinar recording": "webinar recording",
}
OFFERS_FR: dict[str, str] = {
    "fiche technique": "datasheet", "fiches techniques": "datasheet",
    "livre blanc": "white paper", "livres blancs": "white paper",
    "note d'application": "application note", "notes d'application": "application note",
    "note technique": "technical note", "livre numerique": "e-book", "guide": "guide",
    "brochure": "brochure", "catalogue": "catalogue", "etude de cas": "case study",
    "etudes de cas": "case study", "rapport": "report", "liste de controle": "checklist",
}
OFFERS = {**OFFERS_EN, **OFFERS_FR}
OFFER = declare("extra-gated-offer", en=tuple(OFFERS_EN), fr=tuple(OFFERS_FR))
DOWNLOAD = declare("extra-gated-download",
                   en=("download", "downloads", "free download", "get your copy",
                       "get your free copy"),
                   fr=("telecharger", "telechargez", "telechargement", "obtenez votre copie",
                       "recevez votre copie"))
NEWSLETTER = declare(
    "extra-gated-newsletter",
    en=("newsletter", "subscribe", "mailing list"),
    fr=("infolettre", "abonner", "abonnez-vous", "bulletin", "lettre d'information"),
)
# Sentences, in folded text, that ask for the form before the file; run near DOWNLOAD hits.
GATE_PHRASE = re.compile(
    r"\b(?:(?:fill (?:out|in)|complete|submit)(?: the| this| our)?(?: short| brief)? form"
    r"|register|sign up|enter your (?:e-?mail|details|information|contact details)"
    r"|(?:remplissez|remplir|completez|completer)(?: le| ce| notre)?(?: court)? formulaire"
    r"|inscrivez-vous|inscrivez vous|entrez votre (?:courriel|adresse))"
    r"[^.!?]{0,40}? (?:to|and|pour|afin de|et) (?:download|access|telecharger|acceder)\b"
)
PHRASE_WINDOW = 120
# Every match of GATE_PHRASE holds one of these ("formulaire" holds "form"): a window
# without any of them holds no match, and a few substring searches rule it out cheaply.
GATE_WORDS = ("form", "register", "sign up", "enter your", "inscrivez", "entrez votre")
LEAD_REGIONS = frozenset({"body", "header"})


def _offer_of_page(page: Page) -> str | None:
    for text in [page.title, *page.headings[:4]]:
        keyword = contains(text, OFFER)
        if keyword:
            return keyword
    return None


def _value(keyword: str, page: Page) -> str:
    name = OFFERS.get(keyword, keyword)
    title = page.title or (page.headings[0] if page.headings else "")
    return f"{name}: {title[:80]}" if title else name


def _is_lead_form(form: Form, page_offer: str | None) -> str | None:
    """The offered content when the form collects contact details for it."""
    if form.region not in LEAD_REGIONS:
        return None
    excluded, kinds, _ = read_form(form)
    if excluded:
        return None
    if "email" not in kinds or not kinds & {"name", "company"}:
        return None
    form_offer = contains(form.text, OFFER)
    form_download = contains(form.text, DOWNLOAD)
    if not form_download and contains(form.text, NEWSLETTER):
        return None  # a newsletter signup on a resources page
    if form_offer and (form_download or "message" not in kinds):
        return form_offer
    if page_offer and (form_download or "message" not in kinds):
        return page_offer
    return None


def _is_vendor_form(found: Found) -> bool:
    tech = found.technology
    if tech.vendor not in automation_vendors():
        return False
    if tech.category == "forms":
        return True
    return tech.category == "marketing-automation" and found.match.channel in ("iframe", "dom")


def _phrase(page: Page, hits: list[Hit]) -> tuple[int, int] | None:
    text = page.folded
    for hit in hits:
        start, end = max(0, hit.start - PHRASE_WINDOW), hit.end + 1
        for word in GATE_WORDS:  # a loop, not any(): no generator made for each hit
            if text.find(word, start, end) >= 0:
                match = GATE_PHRASE.search(text, start, end)
                if match:
                    return match.start(), match.end()
                break
    return None


def _evidence(offer: str, page: Page, location: str, quote: str, confidence: float) -> Evidence:
    return Evidence(INFO.letter, INFO.rule_id, _value(offer, page), page.url, location,
                    clean_snippet(quote), confidence)


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    if not firm.owns_url(page.url):
        return
    page_offer = _offer_of_page(page)
    for form in page.forms:
        offer = _is_lead_form(form, page_offer)
        if offer:
            name = OFFERS.get(offer, offer)
            yield _evidence(offer, page, "form", f"lead form for a {name}: {form.text}", 0.9)
            return
    if page_offer:
        name = OFFERS.get(page_offer, page_offer)
        for found in scan_page(page):
            if _is_vendor_form(found):
                quote = f"{found.technology.name} form on a page offering a {name}: {found.source}"
                yield _evidence(page_offer, page, found.location, quote, 0.8)
                return
    downloads = find(page, DOWNLOAD)
    if not downloads:
        return
    span = _phrase(page, downloads)
    if span is None:
        return
    near = page.folded[max(0, span[0] - 200) : span[1] + 200]
    offer = contains(near, OFFER) or page_offer or "download"
    yield _evidence(offer, page, "body", snippet(page.text, span[0], span[1]), 0.8)
