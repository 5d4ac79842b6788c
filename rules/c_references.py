"""c — industry references and testimonials: customers named, quoted or shown.

What it detects: a customer testimonial (a "Testimonials" / "Témoignages" / "Avis clients" /
"What our customers say" heading followed by a quotation, or a quotation signed by a person
with a customer's role: « … » Sophie L., cheffe-propriétaire); a list of named customers
introduced as such ("ils nous font confiance", "trusted by", "some of our customers",
"parmi nos clients"); a customer logo wall under a "Nos clients" / "Our customers" heading;
a case-study or success-story page with content.

Why it matters: references from known customers reassure foreign buyers who cannot visit the
firm; the study counts them among the indirect (one-way) tools.

Positive: "Ils nous font confiance : Groupe Géostruct, Rail Nordique…"; "Customer
testimonials « The BS-100 gauges have held for two winters » — H. Turcotte, eng.".
Negative: partner, supplier or funder logos ("Nos partenaires", "Avec le soutien de"); an award
("Prix Exportation 2019"); an empty "Case studies — coming soon" page or a menu item only;
a bibliography's "References"; "we help our customers" with no customer named;
"references available on request".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from auditor.items import Evidence
from auditor.page import Page
from auditor.text import clean_snippet, fold, snippet
from rules.base import Firm, RuleInfo
from rules.keywords import Hit, declare, find

INFO = RuleInfo(letter="c", slug="references-testimonials", version=1)

TESTIMONIAL_HEADS = declare(  # count when a quotation follows
    "c-testimonial-heads",
    en=("testimonial", "testimonials", "customer testimonials", "client testimonials",
        "what our customers say", "what our clients say", "what customers say",
        "what clients say", "what our users say", "hear from our customers", "customer feedback",
        "feedback from customers", "feedback from our customers", "customer reviews",
        "client reviews", "in their own words", "in their words", "in his words",
        "in her words", "literal citations"),
    fr=("temoignages", "temoignage", "temoignages clients", "temoignages de clients",
        "temoignage client", "ce que disent nos clients", "ce que nos clients disent",
        "ce qu'en disent nos clients", "avis clients", "avis de nos clients", "avis de clients",
        "paroles de clients", "ils temoignent", "ils en parlent", "commentaires de clients"),
)
NAMED_CUSTOMERS = declare(  # introduce a list of named customers
    "c-named-customers",
    en=("trusted by", "our customers include", "our clients include", "customers include",
        "clients include", "some of our customers", "some of our clients",
        "a few of our customers", "a few of our clients", "among our customers",
        "among our clients", "customer references",
        "client references", "reference customers", "they trust us", "who trust us"),
    fr=("ils nous font confiance", "ils nous ont fait confiance", "nous font confiance",
        "nous fait confiance", "nous ont fait confiance", "ils nous ont choisis",
        "references clients", "parmi nos clients",
        "quelques-uns de nos clients", "nos clients comprennent",
        "clients de reference", "nos references clients", "ils nous confient"),
)
CASE_WORDS = declare(
    "c-case-words",
    en=("case study", "case studies", "success story", "success stories", "customer story",
        "customer stories", "customer success stories", "customer case"),
    fr=("etude de cas", "etudes de cas", "histoire de succes", "histoires de succes",
        "histoire de reussite", "histoires de reussite", "cas client", "cas clients",
        "reussites clients", "projets clients"),
)

QUOTE = re.compile(r"[«“\"„]\s*[^«»“”\"„]{25,700}?[»”\"]")
ON_REQUEST = re.compile(r"\s*(?:are |sont )?(?:available|on request|upon request|sur demande|"
                        r"disponibles?)")
ATTRIBUTION = re.compile(
    r"\s*[—–-]?\s*(?:[A-Z]{2}\s+)?(?:(?:Dr|Dre|M|Mme|Mr|Ms|Mrs)\.?\s+)?"
    r"[A-ZÉÈ][a-zà-ÿ]+(?:[ -][A-ZÉÈ][a-zà-ÿ]+)?\s+[A-ZÉÈ](?:\.|[a-zà-ÿ'’-]+)\s*,?\s*"
    r"([^.«»“”\"]{3,90})"
)
CUSTOMER_ROLE = re.compile(
    r"\b(?:owner|proprietaire|chef|cheffe|manager|gerante?|director|directeur|directrice|"
    r"president|presidente|ceo|cto|coo|vp|head|engineer|ingenieure?|ing|responsable|"
    r"buyer|acheteur|acheteuse|technician|technicien|technicienne|professor|professeure?|"
    r"researcher|chercheur|chercheuse|scientist|lab|laboratoire|plant|usine|restaurant|"
    r"bistrot|brasserie|hotel|customer|client|cliente|inc|ltd|ltee|gmbh|corp|llc|sarl|sa|"
    r"university|universite|hospital|hopital|city|ville|group|groupe)\b"
)
SPEAKS = re.compile(r"\b(?:i|we|my|our|us|je|j'|nous|notre|nos|on|mon|ma|mes)\b")
CASE_PATH = re.compile(
    r"/(?:case[-_]?stud(?:y|ies)|cases?|success[-_]?stor(?:y|ies)|customer[-_]?stor(?:y|ies)|"
    r"etudes?[-_]de[-_]cas|cas[-_]clients?|temoignages?|testimonials?|references)(?:[/._-]|$)"
)
EMPTY = re.compile(r"\b(?:coming soon|bientot|a venir|under construction|en construction|"
                   r"stay tuned|restez a l'ecoute)\b")
CLIENT_HEADING = re.compile(
    r"^(?:nos |our |quelques-uns de nos |some of our |quelques |selected |key )?"
    r"(?:clients|customers|references|references clients|client references|clientele)$"
    r"|ils nous (?:font|ont fait) confiance|trusted by|they trust us"
)
LEGAL_PATH = re.compile(
    r"(?:^|[/_-])(?:privacy|confidentialite|legal|mentions|terms|conditions|cgv|cgu|"
    r"cookies?|disclaimer|imprint|impressum)(?:[/_.-]|$)"
)
MIN_CONTENT = 600  # characters of a case page beyond its links: less is an empty stub
MEMO_SIZE = 4096  # headings: a site repeats its own on every page


def _path(url: str) -> str:
    """The lower-case path and query of an absolute URL, without scheme and host."""
    parts = url.split("/", 3)
    return parts[3].lower() if len(parts) > 3 else ""


def _names(firm: Firm) -> tuple[str, ...]:
    first = fold(firm.name).split(" ")[0] if firm.name else ""
    return tuple(n for n in (first, fold(firm.label)) if len(n) >= 3)


def _evidence(page: Page, value: str, start: int, end: int, confidence: float) -> Evidence:
    return Evidence(INFO.letter, INFO.rule_id, value, page.url, "body",
                    snippet(page.text, start, end), confidence)


def _testimonial(page: Page) -> Evidence | None:
    for hit in find(page, TESTIMONIAL_HEADS):
        quote = QUOTE.search(page.text, hit.end, hit.end + 900)
        if quote:
            return _evidence(page, "customer testimonial", hit.start, quote.end(), 1.0)
    return None


def _signed_quote(page: Page, firm: Firm) -> Evidence | None:
    """A quotation in « » or “ ” signed by a person with a customer's role."""
    text = page.text
    if "»" not in text and "”" not in text:
        return None
    names = _names(firm)
    for mark in ("»", "”"):
        at = text.find(mark)
        while at >= 0:
            opening = max(text.rfind("«", 0, at), text.rfind("“", 0, at))
            signed = ATTRIBUTION.match(text, at + 1)
            if opening >= 0 and 30 <= at - opening <= 700 and signed:
                role = fold(signed.group(1))
                said = fold(text[opening:at])
                if (CUSTOMER_ROLE.search(role) and SPEAKS.search(said)
                        and not any(n in role for n in names)):
                    return _evidence(page, "signed customer testimonial", opening,
                                     signed.end(), 0.8)
            at = text.find(mark, at + 1)
    return None


def _named_customers(page: Page) -> Evidence | None:
    for hit in find(page, NAMED_CUSTOMERS):
        if ON_REQUEST.match(page.folded, hit.end):
            continue  # "references available on request" is tool u
        return _evidence(page, "named customers", hit.start, hit.end, 0.9)
    return None


def _case_page(page: Page) -> Evidence | None:
    """A case-study or references page with content: a menu item or an empty stub is not enough."""
    path = "/" + _path(page.url)
    found = CASE_PATH.search(path)
    kind = found.group() if found else next(filter(None, map(_case_slug, page.headings[:2])), None)
    if kind is None:
        return None
    content = len(page.text) - sum(len(link.text) + 1 for link in page.links)
    folded = page.folded
    if content < MIN_CONTENT or EMPTY.search(folded[:2000]):
        return None
    hits: list[Hit] = find(page, CASE_WORDS)
    if not (hits or "customer" in folded or "client" in folded):
        return None
    slug = kind.strip("/._-")
    value = ("references page" if slug.startswith("reference")
             else "testimonials page" if slug.startswith(("temoignage", "testimonial"))
             else "case studies")
    if hits:
        return _evidence(page, value, hits[0].start, hits[0].end, 0.8)
    return Evidence(INFO.letter, INFO.rule_id, value, page.url, "body",
                    clean_snippet(f"{value}: {page.title}"), 0.7)


@lru_cache(maxsize=MEMO_SIZE)
def _case_slug(heading: str) -> str | None:
    """What CASE_PATH finds in a heading made a slug: a pure function of the heading."""
    found = CASE_PATH.search("/" + fold(heading).strip().replace(" ", "-"))
    return found.group() if found else None


@lru_cache(maxsize=MEMO_SIZE)
def _client_heading(heading: str) -> bool:
    """A heading that introduces customers: a pure function of the heading."""
    return CLIENT_HEADING.search(fold(heading).strip(" :")) is not None


def _logo_wall(page: Page, firm: Firm) -> Evidence | None:
    heading = next(filter(_client_heading, page.headings), None)
    if heading is None:
        return None
    names = _names(firm)
    logos = [
        alt or src.rsplit("/", 1)[-1]
        for src, alt in page.images
        if any(w in fold(f"{src} {alt}") for w in ("logo", "client", "customer"))
        and not any(n in fold(f"{src} {alt}") for n in names)
    ]
    if len(logos) < 3:
        return None
    return Evidence(INFO.letter, INFO.rule_id, "customer logo wall", page.url, "body",
                    clean_snippet(f"{heading}: {', '.join(logos[:6])}"), 0.8)


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    if LEGAL_PATH.search(_path(page.url)):
        return
    for found in (_testimonial(page), _named_customers(page), _case_page(page),
                  _logo_wall(page, firm), _signed_quote(page, firm)):
        if found is not None:
            yield found
