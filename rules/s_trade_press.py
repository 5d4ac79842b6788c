"""s — advertising in, or coverage by, trade magazines, as shown by the firm.

What it detects: "as seen in", "as featured in", press coverage and "in the media" sections,
"revue de presse", "ils parlent de nous", articles published in trade journals, media kits
and ad reprints; and a trade magazine's name (Photonics Spectra, Laser Focus World, Electro
Optics…) or a link to its site next to an article, interview, feature, ad or award.

Why it matters: the study's post-entry firms advertise in, and are written about by, the
magazines their customers read.

Positive: "Lisez l'article paru dans Photonics Spectra (octobre 2024) sur notre caméra."
Negative: the firm selling ads on its own site ("Advertise with us", "media data", banner
rates): those pages are skipped; a magazine named only in a reading list.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from auditor.items import Evidence
from auditor.page import Page
from auditor.text import clean_snippet, snippet
from rules.base import Firm, RuleInfo
from rules.documents import host_pattern, links_to, word_pattern
from rules.keywords import declare, find

INFO = RuleInfo(letter="s", slug="trade-press", version=1)

NEAR = 120  # characters between a magazine's name and the word that makes it coverage
# Bare section names, often a menu item: reported only when nothing more telling is found.
SECTION_NAMES = frozenset({"trade journals", "trade journal", "trade magazines", "in the media",
                           "dans les medias"})

COVERAGE = declare(
    "s-coverage",
    en=("as seen in", "as featured in", "as seen on", "press coverage", "media coverage",
        "in the media", "press mentions", "media mentions", "press reviews",
        "trade journal", "trade journals", "trade magazine", "trade magazines", "trade press",
        "trade publication", "trade publications", "industry magazine", "industry magazines",
        "industry publications", "media kit", "ad reprint", "ad reprints",
        "articles published in", "article published in", "interview published in",
        "cover story"),
    fr=("revue de presse", "dans les medias", "ils parlent de nous", "ils en parlent",
        "on parle de nous", "ils ont parle de nous", "couverture mediatique",
        "presse specialisee", "revue specialisee", "revues specialisees", "magazine specialise",
        "magazines specialises", "revues professionnelles", "revue professionnelle",
        "article paru dans", "articles parus dans", "paru dans le magazine",
        "paru dans la revue", "publie dans le magazine", "publie dans la revue",
        "entrevue accordee", "kit media", "trousse media"),
)
MAGAZINES = declare(
    "s-magazines",
    en=("photonics spectra", "laser focus world", "optics & photonics news",
        "optics and photonics news", "electro optics magazine", "photonics focus",
        "photonics media", "biophotonics magazine", "vision systems design",
        "imaging & machine vision europe", "novus light", "photonics views",
        "laser technik journal", "optik & photonik", "industrial laser solutions", "design news",
        "machine design", "ee times", "electronic design", "electronic products",
        "control engineering",
        "quality magazine", "sensors magazine", "fierce electronics", "embedded computing design",
        "canadian manufacturing", "manufacturing automation", "plant magazine",
        "design engineering magazine", "microwave journal", "rfid journal",
        "aviation week", "military embedded systems"),
    fr=("magazine mci", "revue photoniques", "magazine photoniques", "mesures magazine",
        "l'usine nouvelle", "electronique magazine", "magazine photonique", "plan magazine",
        "info-photonique"),
)
# Words that make a magazine mention coverage or an ad, looked for only around its name
# (common words: declared as keywords they would fill every page's hits).
COVERAGE_WORDS = word_pattern((
    "article", "articles", "interview", "interviewed", "featured", "feature", "published",
    "wrote", "ad", "advertisement", "advertising", "award", "awards", "winner", "finalist",
    "ranked", "ranking", "cover", "issue", "edition", "editor",  # English, then French
    "entrevue", "entretien", "reportage", "paru", "parution", "publie", "publicite", "annonce",
    "prix", "laureat", "finaliste", "classement", "couverture", "numero", "redaction",
))
# The firm selling advertising on its own site: its media kit is no coverage.
SELLING_ADS = declare(
    "s-selling-ads",
    en=("advertise with us", "advertising opportunities", "advertising options",
        "advertising rates", "ad rates", "banner ads", "banner advertising", "our advertisers",
        "advertising customers", "media data", "rate card", "sponsored content",
        "advertise on our", "advertising on our", "advertise in our"),
    fr=("annoncez avec nous", "annoncez chez nous", "tarifs publicitaires",
        "espaces publicitaires", "nos annonceurs", "placement publicitaire", "annoncer sur notre"),
)
MAGAZINE_SITES = host_pattern((
    "photonics.com", "laserfocusworld.com", "optics.org", "optica-opn.org", "electrooptics.com",
    "novuslight.com", "vision-systems.com", "imveurope.com",
    "industrial-lasers.com", "designnews.com", "machinedesign.com", "eetimes.com",
    "electronicdesign.com", "controleng.com", "canadianmanufacturing.com",
    "automationmag.com", "plant.ca", "design-engineering.com",
))


def _magazine_links(page: Page) -> Iterator[tuple[str, str, str]]:
    """Links in the page body to an article on a trade magazine's site (not its home page)."""
    for link in links_to(page, MAGAZINE_SITES):
        if link.region == "body" and len(urlsplit(link.url).path) > 1:
            yield link.url, link.region, link.text


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    coverage = find(page, COVERAGE)
    magazines = find(page, MAGAZINES)
    if find(page, SELLING_ADS):
        return  # the firm's own advertising offer: its talk of magazines is no coverage
    for hit in sorted(coverage, key=lambda h: h.keyword in SECTION_NAMES):
        yield Evidence(INFO.letter, INFO.rule_id, f"“{hit.keyword}”", page.url, "body",
                       snippet(page.text, hit.start, hit.end), 0.9)
        return
    for mag in magazines:
        low = max(0, mag.start - NEAR)
        near = COVERAGE_WORDS.search(page.folded, low, mag.end + NEAR)
        if near is None:
            continue
        name = page.text[mag.start : mag.end]
        start, end = min(mag.start, near.start()), max(mag.end, near.end())
        yield Evidence(INFO.letter, INFO.rule_id, f"{name} ({near.group()})", page.url, "body",
                       snippet(page.text, start, end), 0.8)
        return
    for url, region, text in _magazine_links(page):
        yield Evidence(INFO.letter, INFO.rule_id, f"article link {url}", page.url, region,
                       clean_snippet(f"{text or 'article'} → {url}"), 0.7)
        return
