"""y — technical support or advice by engineers or application specialists.

What it detects: technical support or assistance offered to customers ("technical support",
"support technique", "soutien technique", "assistance technique"), application engineers and
specialists ("field application engineer", "ingénieur d'application"), invitations to talk
to an engineer ("talk with our engineers", "parlez à un ingénieur"), technical advice
("conseils techniques", "expert advice"), after-sales technical service (remote
diagnosis, "service après-vente"), and a page titled "Support"/"Soutien technique" that
gives a support mailbox or phone line. Careers pages, negated mentions and compounds
("multi-application support", a chip feature) are skipped.

Why it matters: the study's post-entry firms give customer service through application
engineers, a direct, two-way tool.

Positive: "Nos ingénieurs d'application vous accompagnent du choix du capteur à
l'intégration", or "Talk with our engineers today about lifecycle continuity".
Negative: a generic contact form ("Écrivez-nous"), "we can no longer answer technical
support questions" (negated), a "Technical Support Specialist" job ad on a careers page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.items import Evidence
from auditor.page import Page
from auditor.text import fold, snippet
from rules.base import Firm, RuleInfo
from rules.documents import careers_page, negated
from rules.keywords import declare, find

INFO = RuleInfo(letter="y", slug="technical-support", version=1)

SUPPORT = declare(
    "y-support",
    en=("technical support", "tech support", "technical assistance", "technical advice",
        "technical help", "technical consultation", "technical questions", "technical question",
        "engineering support", "engineering assistance", "application support",
        "applications support", "product support", "customer support engineer",
        "support engineer", "support engineers", "application engineer", "application engineers",
        "applications engineer", "applications engineers", "application engineering",
        "applications engineering", "field application engineer", "field application engineers",
        "field applications engineer", "field applications engineers", "application specialist",
        "application specialists", "applications specialist", "applications specialists",
        "product specialist", "product specialists", "technical specialist",
        "technical specialists", "technical experts", "our technical experts",
        "talk to an engineer", "talk with an engineer", "talk to our engineers",
        "talk with our engineers", "speak to an engineer", "speak with an engineer",
        "speak to our engineers", "speak with our engineers", "ask an engineer",
        "ask our engineers", "ask an expert", "ask our experts", "expert advice",
        "from our own engineers", "from our engineers", "our engineers will help",
        "our engineers can help", "after-sales service", "after-sales support",
        "after sales service", "remote diagnosis", "remote diagnostics", "remote support",
        "remote assistance", "remote maintenance", "remote troubleshooting",
        "through remote access", "via remote access"),
    fr=("support technique", "soutien technique", "assistance technique", "aide technique",
        "conseils techniques", "conseil technique", "questions techniques", "question technique",
        "service technique", "accompagnement technique", "ingenieur d'application",
        "ingenieure d'application", "ingenieurs d'application", "ingenieures d'application",
        "ingenieur d'applications", "ingenieurs d'applications", "ingenieur application",
        "ingenieurs application", "ingenieur(e) d'application", "specialiste d'application",
        "specialistes d'application", "specialiste des applications",
        "specialistes des applications", "specialiste produit", "specialistes produits",
        "parlez a un ingenieur", "parlez a nos ingenieurs", "parler a un ingenieur",
        "parlez avec un ingenieur", "discutez avec nos ingenieurs", "nos ingenieurs vous",
        "nos experts techniques", "service apres-vente", "service apres vente",
        "telediagnostic", "diagnostic a distance", "assistance a distance",
        "support a distance", "depannage a distance", "telemaintenance", "maintenance a distance",
        "prise en main a distance", "grace a l'acces a distance", "par acces a distance",
        "via un acces a distance"),
)
AFTER = 70  # "Tech Support (techsupport@…) This address is no longer functional."
# A page devoted to product support, reachable by a support mailbox or phone line.
SUPPORT_TITLE = re.compile(
    r"^(?:(?:technical|tech|product|customer|software|hardware) )?support(?: for| center| centre"
    r"| page| and| &|$| \||\s*[-–:])|^(?:soutien|support|assistance) (?:technique|a la clientele)"
)
SUPPORT_HINT = re.compile(r"(?i)support|soutien|assistance")  # cheap test before folding
SUPPORT_MAILBOXES = ("support@", "techsupport@", "tech@", "soutien@", "assistance@", "help@",
                     "helpdesk@", "service@")


def _support_page(page: Page) -> tuple[str, int]:
    """(title, where the support is reached) of a product-support page, or ('', -1)."""
    for title in (page.title, page.headings[0] if page.headings else ""):
        if title and SUPPORT_HINT.search(title) and SUPPORT_TITLE.match(fold(title)):
            for box in (*SUPPORT_MAILBOXES, "phone", "telephone"):
                at = page.folded.find(box)
                if at >= 0:
                    return title, at
            return (title, 0) if page.tel else ("", -1)
    return "", -1


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    hits = find(page, SUPPORT)
    if hits and careers_page(page):
        return  # a job ad for a support engineer is no support offered
    for hit in hits:
        if page.folded[hit.start - 1 : hit.start] == "-":
            continue  # inside a compound: "multi-application support" is a chip feature
        if negated(page.folded, hit.start, hit.end, after=AFTER):
            continue
        yield Evidence(INFO.letter, INFO.rule_id, f"“{hit.keyword}”", page.url, "body",
                       snippet(page.text, hit.start, hit.end), 0.9)
        return
    title, at = _support_page(page)
    if title and not careers_page(page):
        yield Evidence(INFO.letter, INFO.rule_id, f"support page “{title[:60]}”", page.url,
                       "body", snippet(page.text, at, at + 10), 0.7)
