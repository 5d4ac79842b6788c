"""w — a technology showcase: showroom, demo or application lab, loaner units, pilot sites.

What it detects: a place or a unit where prospects can see or try the technology: showroom
(FR: salle de montre, salle d'exposition, salle de démonstration), demo or application lab
where prospects bring or send their samples, demonstration centre, evaluation or demo units
and kits, loaner units (FR: prêt d'équipement, appareil de prêt), trials on the prospect's
site, pilot or reference installations, or a "vitrine technologique". A negated mention
("we do not sell evaluation kits") is no evidence.

Why it matters: a technology showcase lets prospects see the product at work, a two-way
tool of the study's post-entry firms.

Positive: "Visitez notre laboratoire d'application à Québec : apportez vos échantillons",
or "evaluation units from 10 units with SDK".
Negative: "We do not make or sell any supporting hardware, circuit boards, cables, or
evaluation kits" (negated), "The company does not run a laser laboratory".
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.items import Evidence
from auditor.page import Page
from auditor.text import snippet
from rules.base import Firm, RuleInfo
from rules.documents import negated
from rules.keywords import declare, find

INFO = RuleInfo(letter="w", slug="technology-showcase", version=1)

SHOWCASE = declare(
    "w-showcase",
    en=("showroom", "showrooms", "demo lab", "demo labs", "demo laboratory", "demonstration lab",
        "demonstration laboratory", "application lab", "application labs", "applications lab",
        "applications labs", "application laboratory", "applications laboratory",
        "application center", "application centre", "applications center",
        "applications centre", "demo center", "demo centre", "demonstration center",
        "demonstration centre", "experience center", "experience centre",
        "customer experience center", "test lab for customers", "customer test lab",
        "evaluation unit", "evaluation units", "evaluation kit", "evaluation kits",
        "evaluation board", "evaluation boards", "eval kit", "eval kits", "evaluation sample",
        "evaluation samples", "samples to evaluate", "samples for evaluation", "demo unit",
        "demo units", "demonstration unit", "demonstration units", "demo system", "demo systems",
        "demo equipment", "loaner", "loaners", "loaner unit", "loaner units", "loan unit",
        "loan units", "loan program", "loaner program", "trial unit", "trial units",
        "on-site trial", "on-site trials", "onsite trial", "on-site demonstration",
        "on-site demonstrations", "pilot installation", "pilot installations", "pilot site",
        "pilot sites", "reference installation", "reference installations",
        "technology showcase", "try before you buy", "visit our lab", "bring your samples",
        "send us your samples", "send your samples", "feasibility testing"),
    fr=("salle de montre", "salle d'exposition", "salle de demonstration",
        "laboratoire d'application", "laboratoire d'applications", "laboratoire applicatif",
        "laboratoire de demonstration", "centre de demonstration", "centre d'application",
        "centre d'applications", "unite de demonstration", "unites de demonstration",
        "appareil de demonstration", "appareils de demonstration", "equipement de demonstration",
        "systeme de demonstration", "unite d'evaluation", "unites d'evaluation",
        "kit d'evaluation", "kits d'evaluation", "trousse d'evaluation", "carte d'evaluation",
        "echantillons d'evaluation", "pret d'equipement", "pret d'equipements",
        "appareil de pret", "appareils de pret", "equipement de pret", "unite de pret",
        "unites de pret", "programme de pret", "essai sur site", "essais sur site",
        "essai sur place", "demonstration sur site", "demonstrations sur site",
        "demonstration sur place", "installation pilote", "installations pilotes", "site pilote",
        "sites pilotes", "installation de reference", "installations de reference",
        "vitrine technologique", "vitrines technologiques", "essayez avant d'acheter",
        "visitez notre laboratoire", "apportez vos echantillons", "envoyez-nous vos echantillons",
        "envoyez vos echantillons", "essais de faisabilite", "tests de faisabilite"),
)


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    for hit in find(page, SHOWCASE):
        if negated(page.folded, hit.start, hit.end, before=120):
            continue
        yield Evidence(INFO.letter, INFO.rule_id, f"“{hit.keyword}”", page.url, "body",
                       snippet(page.text, hit.start, hit.end), 0.9)
        return
