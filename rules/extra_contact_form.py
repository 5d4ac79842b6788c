"""contact-form — a form that asks the visitor for a message and a way to answer (beyond Table 2).

What it detects: a form with a message field (a textarea, or a field named message,
comments, question, demande…) and an e-mail or phone field, read from the field names and
types, or, when the names say nothing (`input_3`, JavaScript forms), from the form's labels
(Nom, Courriel, Message). Search, login, blog-comment and job-application forms are left
out; a newsletter form has no message field. A hosted form embed (HubSpot, Marketo,
Typeform, Jotform…) on a page whose address or title says contact also counts. The value
lists the fields asked, and says when the form posts to a placeholder address.

Why it matters: a contact form is the two-way successor of the info@ address (letter d); the
audit records it beside Table 2 without scoring it.

Positive: `<form action="/envoyer"><input name="nom"><input type="email" name="courriel">
<textarea name="message"></textarea></form>`.
Negative: `<form><input type="email" name="EMAIL"><button>S'abonner</button></form>` (a
newsletter), `<form role="search"><input name="q"></form>`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from typing import NamedTuple

from auditor.items import Evidence
from auditor.page import Form, Page, remember
from auditor.text import clean_snippet
from rules.base import Firm, RuleInfo
from rules.documents import page_path, plain_url
from rules.fingerprints import scan_page
from rules.keywords import contains, declare

INFO = RuleInfo(letter="contact-form", slug="message-form", version=1)

KINDS = ("name", "company", "email", "phone", "subject", "message")  # order of the value
# Field-name fragments per kind, tried in this order (company before name: "company_name").
NAME_HINTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("email", ("email", "e_mail", "courriel", "mail")),
    ("company", ("company", "entreprise", "compagnie", "societe", "organization",
                 "organisation", "organisme", "business", "employer", "bedrijf")),
    ("phone", ("phone", "telephone", "tel", "mobile", "cell", "telefoon")),
    ("subject", ("subject", "sujet", "objet", "topic")),
    ("message", ("message", "comment", "commentaire", "question", "inquiry", "enquiry",
                 "demande", "details", "msg", "bericht", "besoin")),
    ("name", ("name", "nom", "prenom", "fname", "lname", "naam", "person", "contact_person")),
)
_TOKENS = re.compile(r"[^a-z0-9]+")
_PLACEHOLDER_ACTION = re.compile(
    r"[\[\]{}]|%5B|%7B|votre_id|your_id|your-id|example\.com", re.IGNORECASE
)

LABELS = {
    "email": declare("extra-form-email", en=("email", "e-mail", "email address"),
                     fr=("courriel", "adresse courriel", "adresse electronique")),
    "message": declare("extra-form-message",
                       en=("message", "your message", "comments", "comment", "your question",
                           "how can we help", "inquiry", "enquiry", "project details"),
                       fr=("message", "votre message", "commentaires", "votre question",
                           "votre demande", "description du projet", "precisions")),
    "name": declare("extra-form-name", en=("name", "full name", "first name", "last name"),
                    fr=("nom", "nom complet", "prenom")),
    "phone": declare("extra-form-phone", en=("phone", "telephone"), fr=("telephone",)),
    "company": declare("extra-form-company", en=("company", "organization", "organisation"),
                       fr=("entreprise", "compagnie", "societe", "organisation")),
}
JOB_WORDS = declare("extra-form-job", en=("resume", "cv", "curriculum vitae", "cover letter"),
                    fr=("cv", "curriculum vitae", "lettre de presentation", "candidature"))
CONTACT_PAGE = declare("extra-form-contact-page",
                       en=("contact", "contact us", "get in touch", "request a quote"),
                       fr=("contact", "contactez-nous", "nous joindre", "joindre",
                           "demande de soumission", "soumission"))


def field_kind(field_type: str, name: str) -> str | None:
    """What a form field asks for, from its type and name; None when they say nothing."""
    if field_type == "email":
        return "email"
    if field_type == "tel":
        return "phone"
    if field_type in ("hidden", "submit", "button", "checkbox", "radio", "password", "file",
                      "search", "image", "reset"):
        return None
    lowered = name.lower()
    tokens = set(_TOKENS.split(lowered))
    squashed = lowered.replace("-", "_")
    for kind, hints in NAME_HINTS:
        for hint in hints:
            if hint in tokens or (len(hint) >= 4 and hint in squashed):
                return kind
    if field_type == "textarea":
        return "message"
    return None


def form_kinds(form: Form) -> tuple[set[str], bool]:
    """The kinds of information a form asks for, and whether the labels had to tell them."""
    kinds: set[str] = set()
    blind = 0
    for field_type, name in form.fields:
        kind = field_kind(field_type, name)
        if kind:
            kinds.add(kind)
        elif field_type in ("text", "input", "textarea", ""):
            blind += 1  # `input_3` or no name at all: the labels may tell
    from_labels = False
    if blind and form.text:
        for kind, keywords in LABELS.items():
            if kind not in kinds and contains(form.text, keywords):
                kinds.add(kind)
                from_labels = True
    if any(t == "textarea" for t, _ in form.fields):
        kinds.add("message")
    return kinds, from_labels


def is_excluded(form: Form) -> bool:
    """Search, login, blog-comment and job-application forms."""
    types = {t for t, _ in form.fields}
    if "password" in types or "search" in types:
        return True
    names = {n.lower() for _, n in form.fields}
    if "wp-comments-post" in form.action or "comment_post_id" in names:
        return True
    return "file" in types and contains(form.text, JOB_WORDS) is not None


class FormReading(NamedTuple):
    """What the rules read of a form: `is_excluded`, and `form_kinds`'s kinds and labels."""

    excluded: bool
    kinds: frozenset[str]
    from_labels: bool


MAX_FORM_MEMO = 2048
_READINGS: dict[Form, FormReading] = {}


def read_form(form: Form) -> FormReading:
    """`is_excluded(form)` and `form_kinds(form)`, memoised (bounded) by the form itself:
    its action, fields, text and region, all that they read (a site's newsletter and
    contact forms repeat on every page)."""
    reading = _READINGS.get(form)
    if reading is None:
        kinds, from_labels = form_kinds(form)
        reading = FormReading(is_excluded(form), frozenset(kinds), from_labels)
        remember(_READINGS, form, reading, MAX_FORM_MEMO)
    return reading


def is_placeholder(action: str) -> bool:
    return bool(_PLACEHOLDER_ACTION.search(action))


def _value(kinds: AbstractSet[str], action: str) -> str:
    value = ", ".join(k for k in KINDS if k in kinds)
    return f"{value} (placeholder action)" if is_placeholder(action) else value


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    if not firm.owns_url(page.url):
        return
    seen: set[str] = set()
    for form in page.forms:
        excluded, kinds, from_labels = read_form(form)
        if excluded:
            continue
        if "message" not in kinds or not kinds & {"email", "phone"}:
            continue
        value = _value(kinds, form.action)
        if value in seen:
            continue
        seen.add(value)
        confidence = 0.5 if is_placeholder(form.action) else 0.8 if from_labels else 1.0
        yield Evidence(INFO.letter, INFO.rule_id, value, page.url, "form",
                       clean_snippet(f"form to {form.action}: {form.text or value}"), confidence)
    if seen:
        return
    yield from _embedded_forms(page)


# Every CONTACT_PAGE keyword holds one of these words: a text without any cannot say contact.
CONTACT_WORDS = ("contact", "get in touch", "request a quote", "joindre", "soumission")
assert all(any(word in keyword for word in CONTACT_WORDS) for keyword in CONTACT_PAGE.all)


def _spaced(address: str) -> str:
    return address.replace("-", " ").replace("/", " ").replace("_", " ")


def _contact_address(page: Page) -> bool:
    """Whether the page's path says contact, with no split for a `plain_url` (ASCII, so
    folding it is lower-casing it) whose spaced, lower-cased text holds no CONTACT_WORDS:
    its path is a part of it, and cannot hold them either."""
    if plain_url(page.url):
        spaced = _spaced(page.url).lower()
        for word in CONTACT_WORDS:  # a loop, not any(): no generator made for each page
            if word in spaced:
                break
        else:
            return False
    return contains(_spaced(page_path(page)), CONTACT_PAGE) is not None


def _contact_page(page: Page) -> bool:
    """Whether the page's address, title or first headings say contact."""
    return _contact_address(page) or any(
        contains(text, CONTACT_PAGE) for text in (page.title, *page.headings[:3]))


def _embedded_forms(page: Page) -> Iterator[Evidence]:
    """A hosted form (HubSpot, Typeform…) on a page whose address or title says contact."""
    if not _contact_page(page):
        return
    for found in scan_page(page):
        tech = found.technology
        if tech.category != "forms" or (found.match.channel == "dom" and found.location != "form"):
            continue
        yield Evidence(INFO.letter, INFO.rule_id, f"{tech.name} embed", page.url, found.location,
                       clean_snippet(f"{tech.name} form on a contact page: {found.source}"), 0.7)
        return
