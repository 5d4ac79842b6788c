"""q — research collaboration with universities or public research institutes.

What it detects: wording of a research tie (research chair, research collaboration or
partnership, joint project, academic partners, NSERC/Mitacs-funded project; FR: chaire de
recherche, partenaires universitaires, collaboration de recherche, projet conjoint…) in the
same sentence as a university or public research institute (université, university,
institut, research centre, CNRC/NRC, INO, INRS, CNRS, Fraunhofer…). A phrase that names the
academic side itself ("partenaires universitaires", "university partners") is enough alone.
NRC IRAP / PARI-CNRC is a grant program, not a research partner.

Why it matters: the study's firms publish with universities; a named academic partner is
the visible trace of that collaboration.

Positive: "Une chaire de recherche industrielle CRSNG avec l'Université Laval finance nos
travaux sur les capteurs à fibre."
Negative: "Nos clients : Université Laval, Hydro-Québec, CAE" (a university as a customer),
or "according to a study by Auburn University" (a source quoted).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.items import Evidence
from auditor.page import Page
from auditor.text import snippet
from rules.base import Firm, RuleInfo
from rules.keywords import Hit, declare, find

INFO = RuleInfo(letter="q", slug="research-collaboration", version=1)

BEFORE, AFTER = 100, 150  # characters around the tie where the institution must be named
SENTENCE_END = re.compile(r"[.!?;](?:\s|$)")

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
        "partenariats universitaires", "collaboration universitaire",
        "collaborations universitaires", "chaire de recherche", "chaires de recherche",
        "chaire industrielle", "partenaires academiques", "collaboration academique",
        "collaborations academiques"),
)
# A research tie that needs the institution named in the same sentence.
TIE = declare(
    "q-tie",
    en=("research collaboration", "research collaborations", "research partnership",
        "research partnerships", "research partner", "research partners", "joint research",
        "joint project", "joint projects", "joint research project", "collaborative research",
        "research project with", "research projects with", "in collaboration with",
        "in partnership with", "collaborates with", "collaborating with", "we collaborate with",
        "partnered with", "co-developed with", "developed jointly with", "co-authored", "nserc",
        "mitacs", "technology transfer", "our partners", "our research partners"),
    fr=("collaboration de recherche", "collaborations de recherche", "partenariat de recherche",
        "partenariats de recherche", "partenaire de recherche", "partenaires de recherche",
        "projet de recherche avec", "projets de recherche avec", "recherche collaborative",
        "projet conjoint", "projets conjoints", "projet de recherche conjoint",
        "projets de recherche conjoints", "conjointement avec", "en collaboration avec",
        "en partenariat avec", "collabore avec", "collaborons avec", "developpe conjointement",
        "codeveloppe", "crsng", "mitacs", "prima quebec", "transfert technologique",
        "transfert de technologie", "nos partenaires"),
)
INSTITUTION = declare(
    "q-institution",
    en=("university", "universities", "college", "research institute", "research institutes",
        "institute of technology", "research centre", "research center", "research council",
        "national laboratory", "national research council", "nrc", "cnrs", "fraunhofer",
        "max planck", "eth zurich", "epfl", "caltech", "inria", "cea", "tno", "imec", "riken",
        "csem", "polytechnique", "ecole polytechnique", "academia", "academic research",
        "research group", "research groups", "university research"),
    fr=("universite", "universites", "universitaire", "universitaires", "cegep", "cctt",
        "centre collegial de transfert", "institut national", "institut de recherche",
        "centre de recherche", "centres de recherche", "laboratoire de recherche", "cnrc", "ino",
        "inrs", "copl", "ets", "mcgill", "concordia", "universite laval", "uqam", "uqtr", "uqac",
        "polytechnique montreal", "institut national d'optique", "groupe de recherche",
        "groupes de recherche", "milieu academique", "recherche academique",
        "recherche universitaire"),
)
NAME_END = re.compile(r"[,.;:()\[\]]| and | et | on | sur | to | pour ")
MAX_NAME_CHARS = 60


def _funding_program(page: Page, hit: Hit) -> bool:
    """NRC IRAP / PARI-CNRC funds firms' own projects: a grant, not a research partner."""
    after = page.folded[hit.end : hit.end + 6].lstrip(" -")
    before = page.folded[max(0, hit.start - 5) : hit.start].rstrip(" -")
    return after.startswith(("irap", "pari")) or before.endswith(("pari", "irap"))


def _same_sentence(folded: str, one: Hit, other: Hit) -> bool:
    start, end = min(one.end, other.end), max(one.start, other.start)
    return start >= end or SENTENCE_END.search(folded, start, end) is None


def _name(page: Page, hit: Hit) -> str:
    """The institution as written, up to the end of its name: "Université Laval"."""
    tail = page.text[hit.start : hit.start + MAX_NAME_CHARS]
    stop = NAME_END.search(tail, hit.end - hit.start)
    return (tail[: stop.start()] if stop else tail).strip()


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
    institutions = find(page, INSTITUTION)
    for tie in ties:
        near = _partner(page, tie, institutions)
        if near is None:
            continue
        start, end = min(tie.start, near.start), max(tie.end, near.end)
        yield Evidence(INFO.letter, INFO.rule_id, f"“{tie.keyword}” with {_name(page, near)}",
                       page.url, "body", snippet(page.text, start, end), 0.8)
        return


def _partner(page: Page, tie: Hit, institutions: list[Hit]) -> Hit | None:
    """The first institution, in the page's order, that is no funding program and is named
    near the tie in the same sentence. The cheap distance test goes first: the three tests
    are pure, so their order does not change which institution is first."""
    low, high = tie.start - BEFORE, tie.end + AFTER
    folded = page.folded
    for place in institutions:
        if (low <= place.start <= high and not _funding_program(page, place)
                and _same_sentence(folded, tie, place)):
            return place
    return None
