"""v — customer training offered: courses, training sessions, academy, "formation".

What it detects: offers of training for the users of the firm's products (customer,
product, operator or on-site training, training courses and sessions, in-house courses,
training centre or calendar; FR: formation sur site, formation à distance, séances de
formation, formation des utilisateurs, calendrier des formations…), and a section of the
site named "Training", "Formation(s)" or "Academy" (a link or heading).

Why it matters: post-entry firms invite customers to their home region for training, a
two-way tool that builds the relationship.

Positive: "Formation sur site (1 journée) : 490 €", or "we offer tailored in-house courses".
Negative: careers pages ("formation continue de nos employés", apprentices' "formation sur
le terrain"), "information", "no special training required", an industry served named
"Simulation & Training".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.items import Evidence
from auditor.page import Page
from auditor.text import clean_snippet, fold, snippet
from rules.base import Firm, RuleInfo
from rules.documents import (
    careers_page,
    careers_page_url,
    heading_set,
    links_named,
    negated,
    searched,
)
from rules.keywords import Hit, declare, find

INFO = RuleInfo(letter="v", slug="customer-training", version=1)

STAFF_WINDOW = 80  # characters around a hit where a staff word makes it about employees

OFFER = declare(
    "v-offer",
    en=("customer training", "customer trainings", "training courses", "training course",
        "training sessions", "training session", "in-house courses", "in-house course",
        "in-house training", "on-site training", "onsite training", "online training",
        "remote training", "virtual training", "product training", "user training",
        "operator training", "operators training", "hands-on training", "training center",
        "training centre", "training calendar", "training schedule", "training academy",
        "training workshop",
        "training workshops", "we offer training", "we provide training", "training services",
        "training is available", "training and support", "training & support",
        "installation and training", "installation & training", "training for your team",
        "training for your staff", "train your team", "train your staff", "train your operators",
        "train your engineers", "train your technicians", "tailored courses", "courses for users",
        "certification courses", "training program for customers", "upcoming courses",
        "course registration", "register for the course", "training registration"),
    fr=("formation client", "formation des clients", "formation a la clientele",
        "formation sur site", "formation sur place", "formation a distance", "formation en ligne",
        "formations en ligne", "formation des utilisateurs", "formation des operateurs",
        "formation technique", "formations techniques", "seance de formation",
        "seances de formation", "session de formation", "sessions de formation",
        "cours de formation", "calendrier des formations", "journee de formation",
        "journees de formation", "formation personnalisee", "formations personnalisees",
        "formation offerte", "formation incluse", "installation et formation",
        "formation et soutien", "formation et support", "centre de formation",
        "offrons de la formation", "offrons des formations", "offrons une formation",
        "formation sur l'utilisation", "formation pratique", "atelier de formation",
        "ateliers de formation", "formation a vos equipes", "formation de vos equipes",
        "formation de votre personnel", "former vos equipes", "former votre personnel",
        "former vos operateurs", "former vos techniciens", "inscription aux formations",
        "inscription a la formation", "nos formations", "formations offertes",
        "formation a l'utilisation"),
)
STAFF = declare(
    "v-staff",
    en=("employees", "our staff", "our team members", "new hires", "apprentice",
        "apprentices", "candidates", "career", "careers", "job", "jobs", "join our team",
        "we are hiring", "internship", "interns"),
    fr=("employes", "nos employes", "notre personnel", "apprenti", "apprentis", "candidat",
        "candidats", "candidature", "carriere", "carrieres", "emploi", "emplois",
        "rejoignez notre equipe", "joignez-vous", "nous embauchons", "stage", "stagiaire",
        "stagiaires", "recrutement"),
)
MAX_SECTION_CHARS = 40
# Cheap test on raw link texts (one a line) before folding: a section name near the start.
SECTION_HINT = re.compile(r"(?im)^(?:[\w&]+ ){0,2}(?:training|formations?\b|acad[eé]m|cours)")
SECTION = re.compile(
    r"^(?:customer |product |user |technical |online |our )?(?:training|trainings|formations?"
    r"|academy|academie|nos formations|courses|cours)"
    r"(?: (?:courses?|center|centre|programs?|sessions?|services?|calendar|calendrier"
    r"|catalog|catalogue|en ligne|sur site|& support|and support|et soutien))?$"
)


def _about_staff(start: int, end: int, staff: list[Hit]) -> bool:
    return any(start - STAFF_WINDOW <= s.start <= end + STAFF_WINDOW for s in staff)


def _section_headings(page: Page) -> list[str]:
    """Short headings that may name a training section (`SECTION_HINT`), in page order."""
    hinted = searched(SECTION_HINT).among(heading_set(page))
    if not hinted:
        return []
    return [h for h in page.headings if h in hinted and len(h) <= MAX_SECTION_CHARS]


def _offer(page: Page, offers: list[Hit]) -> Evidence | None:
    """The first offer of training that is neither about staff nor negated."""
    staff = find(page, STAFF)
    for hit in offers:
        if hit.lang == "fr" and page.lang == "en":
            continue
        if _about_staff(hit.start, hit.end, staff):
            continue
        if negated(page.folded, hit.start, hit.end):
            continue
        return Evidence(INFO.letter, INFO.rule_id, f"“{hit.keyword}”", page.url, "body",
                        snippet(page.text, hit.start, hit.end), 0.9)
    return None


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    # The section links and headings are looked for only when no offer is evidence.
    offers = find(page, OFFER)
    if offers:
        if careers_page(page):
            return
        found = _offer(page, offers)
        if found is not None:
            yield found
            return
        named, headings = list(links_named(page, SECTION_HINT)), _section_headings(page)
    else:
        named, headings = list(links_named(page, SECTION_HINT)), _section_headings(page)
        if not (named or headings) or careers_page(page):
            return
    french = page.lang != "en"
    for link in named:
        text = link.text
        if len(text) > MAX_SECTION_CHARS or not link.url or not firm.owns_url(link.url):
            continue
        folded = fold(text).strip()
        if not SECTION.match(folded) or careers_page_url(link.url):
            continue
        if folded.startswith(("formation", "cours", "academie", "nos formations")) and not french:
            continue
        yield Evidence(INFO.letter, INFO.rule_id, f"training section “{text}”", page.url,
                       link.region, clean_snippet(f"link “{text}” → {link.url}"), 0.8)
        return
    for heading in headings:
        folded = fold(heading).strip()
        if SECTION.match(folded) and (french or not folded.startswith(("formation", "cours"))):
            yield Evidence(INFO.letter, INFO.rule_id, f"training heading “{heading}”", page.url,
                           "body", clean_snippet(heading), 0.8)
            return
