"""q — research collaboration with universities or public research institutes.

What it detects: wording of a research tie (research chair, research collaboration or
partnership, joint project, academic partners, NSERC/Mitacs-funded project; FR: chaire de
recherche, partenaires universitaires, collaboration de recherche, projet conjoint…) within
a few sentences of a university or public research institute (université, university,
institut, research centre, CNRC/NRC, INO, INRS, CNRS, Fraunhofer…). A phrase that names the
academic side itself ("partenaires universitaires", "university partners") is enough alone.

Why it matters: the study's firms publish with universities; a named academic partner is
the visible trace of that collaboration.

Positive: "Une chaire de recherche industrielle CRSNG avec l'Université Laval finance nos
travaux sur les capteurs à fibre."
Negative: "Nos clients : Université Laval, Hydro-Québec, CAE" (a university as a customer),
or "according to a study by Auburn University" (a source quoted).
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.items import Evidence
from auditor.page import Page
from auditor.text import snippet
from rules.base import Firm, RuleInfo
from rules.keywords import declare, find

INFO = RuleInfo(letter="q", slug="research-collaboration", version=1)

WINDOW = 250  # characters between the tie and the institution, about two sentences

# The academic side is in the phrase itself: enough alone.
ACADEMIC_TIE = declare(
    "q-academic-tie",
    en=("academic partners", "academic partner", "academic partnership", "academic partnerships",
        "academic collaboration", "academic collaborations", "academic collaborators",
        "university partners", "university partner", "university partnership",
        "university partnerships", "university collaboration", "university collaborations",
        "collaboration with universities", "partnerships with universities",
        "industrial research chair", "research chair", "university research chair"),
    fr=("partenaires universitaires", "partenaire universitaire", "partenariat universitaire",
        "partenariats universitaires", "collaboration universitaire", "collaborations universitaires",
        "chaire de recherche", "chaire industrielle", "chaires de recherche",
        "milieu universitaire", "partenaires academiques", "collaborations academiques",
        "collaboration academique"),
)
# A research tie that needs the institution named nearby.
TIE = declare(
    "q-tie",
    en=("research collaboration", "research collaborations", "research partnership",
        "research partnerships", "research partner", "research partners", "joint research",
        "joint project", "joint projects", "joint research project", "collaborative research",
        "research project", "research projects", "in collaboration with", "in partnership with",
        "collaborates with", "collaborating with", "we collaborate with", "partnered with",
        "co-developed with", "developed jointly with", "co-authored", "nserc", "mitacs",
        "licensed from", "spin-off", "spin-out", "spinoff", "technology transfer"),
    fr=("collaboration de recherche", "collaborations de recherche", "partenariat de recherche",
        "partenariats de recherche", "partenaire de recherche", "partenaires de recherche",
        "projet de recherche", "projets de recherche", "recherche collaborative",
        "projet conjoint", "projets conjoints", "en collaboration avec", "en partenariat avec",
        "collabore avec", "collaborons avec", "developpe conjointement", "codeveloppe",
        "crsng", "mitacs", "prima quebec", "essaimage", "entreprise issue de",
        "transfert technologique", "transfert de technologie"),
)
INSTITUTION = declare(
    "q-institution",
    en=("university", "universities", "college", "research institute", "research institutes",
        "institute of technology", "research centre", "research center", "research council",
        "national laboratory", "national research council", "nrc", "cnrs", "fraunhofer",
        "max planck", "eth zurich", "epfl", "mit", "caltech", "inria", "cea", "tno", "imec",
        "riken", "csem", "polytechnique", "ecole polytechnique"),
    fr=("universite", "universites", "universitaire", "universitaires", "cegep", "cctt",
        "centre collegial de transfert", "institut national", "institut de recherche",
        "centre de recherche", "centres de recherche", "laboratoire de recherche", "cnrc", "ino",
        "inrs", "copl", "ets", "mcgill", "concordia", "laval", "sherbrooke", "uqam", "uqtr",
        "uqac", "polytechnique montreal", "institut national d'optique"),
)


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    academic = find(page, ACADEMIC_TIE)
    if academic:
        hit = academic[0]
        yield Evidence(INFO.letter, INFO.rule_id, f"“{hit.keyword}”", page.url, "body",
                       snippet(page.text, hit.start, hit.end), 0.9)
        return
    ties = find(page, TIE)
    if not ties:
        return
    places = find(page, INSTITUTION)
    for tie in ties:
        near = next((p for p in places if abs(p.start - tie.start) <= WINDOW), None)
        if near is None:
            continue
        start, end = min(tie.start, near.start), max(tie.end, near.end)
        name = page.text[near.start : near.end]
        yield Evidence(INFO.letter, INFO.rule_id, f"“{tie.keyword}” with {name}", page.url, "body",
                       snippet(page.text, start, end), 0.8)
        return
