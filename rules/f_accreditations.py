"""f — accreditations: certifications, conformity or licences the firm claims and displays.

What it detects: a named standard, mark or licence together with a claim of holding or meeting
it: management-system certifications (ISO 9001, 13485, 14001, 45001, ISO/IEC 17025, AS9100,
IATF 16949, NADCAP), registrations (ITAR, FDA, Controlled Goods), product conformity (CE,
UL, CSA, FCC, RoHS, REACH, ATEX, NF525, EHEDG, IEC 60825 laser classes) and industry licences
(RBQ); certification logos (`iso-9001.png`) and certificate documents ("RoHS Certificate of
Compliance", `certificat-iso.pdf`). A claim word must sit next to the standard ("certified",
"compliant", "conforme", "homologué", "licence", "meets"); a management-system standard in
the site's top bar or a heading counts alone, as it speaks of the firm itself.

Why it matters: international certifications open foreign markets and reassure buyers who
cannot audit the firm; the study counts them among indirect tools.

Positive: "We are certified to ISO 9001, ISO 14001 and ISO 45001"; "Conformité NF525";
"Toitex détient une licence active de la RBQ".
Negative: "quality" or "qualité" alone; a standard in a spec table with no claim ("Notation
des tolérances ISO 10110", "rack 19 po (EIA-310)", "ISO 9141-2 ✔" as a protocol); a hedge
("recognized standards such as NFPA, UL/FM … where applicable"); GDPR or tax-law compliance;
"Windows CE".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.items import Evidence
from auditor.page import Page
from auditor.text import clean_snippet, fold, snippet
from rules.base import Firm, RuleInfo
from rules.documents import link_urls
from rules.keywords import declare, find

INFO = RuleInfo(letter="f", slug="accreditations", version=1)

CLAIMS = declare(
    "f-claims",
    en=("certified", "certification", "certifications", "certificate", "certificates",
        "certify", "certifies", "compliant", "compliance", "conform", "conforms", "conformity",
        "conformance", "complies", "comply", "accredited", "accreditation", "registered",
        "registration", "approved", "approval", "listed", "qualified", "licensed", "licence",
        "license", "meets", "meet", "holds", "marked", "marking", "declaration of conformity"),
    fr=("certifie", "certifiee", "certifies", "certifiees", "certification", "certifications",
        "certificat", "certificats", "conforme", "conformes", "conformite", "homologue",
        "homologuee", "homologues", "homologation", "accredite", "accreditee", "accreditation",
        "licence", "licences", "detient", "titulaire", "enregistre", "enregistree",
        "repond aux normes", "respecte les normes", "marquage", "declaration de conformite"),
)
STANDARDS = declare(  # tokens that start a standard's name, parsed by STANDARD below
    "f-standards",
    en=("iso", "iso9001", "iso14001", "iso13485", "iso45001", "iso27001", "iso17025", "as9100",
        "as9100d", "as9100c", "as9100b", "as9120", "as9120b", "as9110", "as 9100", "iatf",
        "itar", "rohs", "rohs2", "rohs3", "nf525", "nf 525", "ehedg", "atex", "iecex",
        "nadcap", "rbq", "iec", "ansi", "ipc-a-610", "mil-std", "mil-prf", "do-160",
        "soc 2", "ukca", "weee", "cmmc", "tuv", "part 145", "controlled goods", "fsc",
        "ce marking", "ce mark", "ce marked", "ce-marked", "ce certified", "ce certification",
        "ul listed", "ul-listed", "ul certified", "ul recognized", "csa certified",
        "csa approved", "fda registered", "fda cleared", "fda approved", "fda registration",
        "fcc part 15", "fcc compliant", "reach compliant", "rohs compliant"),
    fr=("marquage ce", "marque ce", "certifie ce", "homologue csa", "certifie csa",
        "homologation csa", "conforme ce", "conforme rohs", "conforme reach",
        "marchandises controlees", "licence rbq", "licence d'entrepreneur"),
)
STANDARD = re.compile(
    r"(?P<iso>iso(?:/iec)?[\s-]?(?P<isono>\d{3,5})(?:-\d{1,3})?(?::(?:19|20)\d\d)?)"
    r"|(?P<as>as[\s-]?91[0-2]0[a-d]?)|(?P<iatf>iatf[\s-]?16949)|(?P<itar>itar)"
    r"|(?P<rohs>rohs(?:[\s-]?[23])?)|(?P<nf>nf[\s-]?525)|(?P<ehedg>ehedg)|(?P<atex>atex)"
    r"|(?P<iecex>iecex)|(?P<nadcap>nadcap)|(?P<rbq>rbq)"
    r"|(?P<iec>iec[\s-]?(?:60825|61010|62471|60601|61326|62368|60950|60079)(?:-\d{1,2})*)"
    r"|(?P<ansi>ansi[\s-]?z136(?:\.\d)?)|(?P<ipc>ipc-a-610\w?)|(?P<mil>mil-(?:std|prf)-\d+\w*)"
    r"|(?P<do>do-160\w?)|(?P<soc>soc 2)|(?P<ukca>ukca)|(?P<weee>weee)|(?P<cmmc>cmmc)"
    r"|(?P<tuv>tuv)|(?P<faa>part 145)|(?P<cgp>controlled goods|marchandises controlees)"
    r"|(?P<fsc>fsc)|(?P<mark>(?:ce|ul|csa|fda|fcc|reach|rohs)\b[\s-]*(?:marking|mark|marked|"
    r"certified|certification|listed|recognized|approved|cleared|registered|registration|"
    r"part 15|compliant)|(?:marquage|marque|certifie|homologue|homologation|conforme)\s"
    r"(?:ce|csa|rohs|reach)|licence (?:rbq|d'entrepreneur))"
)
ACRONYMS = re.compile(r"\b(?:CE|UL|cUL|cULus|CSA|FCC|FDA|REACH|RoHS|TÜV|UKCA)\b")
MANAGEMENT_ISO = frozenset({"9001", "14001", "13485", "45001", "27001", "50001", "22000",
                            "17025", "20000", "28000", "16949", "22301", "17020", "15189"})
MANAGEMENT = frozenset({"as", "iatf", "itar", "nadcap", "rbq", "soc", "cmmc", "faa", "cgp"})
HEDGE = re.compile(
    r"\b(?:such as|where applicable|if applicable|as applicable|if required|when required|"
    r"le cas echeant|si requis|si necessaire|tels? que|telles? que|e\.g\.|for example|"
    r"par exemple|could|peut etre|pourrait|what is|qu'est-ce|learn about|en savoir plus sur)\b"
)
SUPPLIERS = re.compile(r"\b(?:suppliers?|vendors?|subcontractors?|fournisseurs?|"
                       r"sous-traitants?)\b")
TRADEMARK = re.compile(r"\btrademarks?\b|\bmarques? (?:de commerce|deposees?)\b")
LASER_CLASS = re.compile(r"\b(?:class|classe)\s*[1-4][mr]?\b")
IMAGE_SIGNS = re.compile(
    r"iso[-_ ]?(?:9001|14001|13485|45001|17025)|as[-_ ]?9100|(?<![a-z])itar|rohs|"
    r"(?<![a-z])ce[-_]?mark|"
    r"ul[-_]?listed|csa[-_]?(?:logo|certified|mark)|certifi(?:ed|cation|cat)|nf[-_ ]?525|"
    r"certifi[ée]|homologu[ée]|"
    r"rbq|iatf|nadcap"
)
IMAGE_WORDS = ("iso", "9100", "itar", "rohs", "mark", "listed", "csa", "certif", "525", "rbq",
               "iatf", "nadcap", "homolog")
DOCUMENT_SIGNS = re.compile(
    r"certificat|certificate|iso[-_ ]?9001|rohs|reach|declaration[-_ ]of[-_ ]conformity|"
    r"d[ée]claration[-_ ]de[-_ ]conformit[ée]|\bcoc\b|doc[-_]ce|ce[-_]declaration"
)
LEGAL_PATH = re.compile(  # a host's or a supplier's certification quoted in legal boilerplate
    r"(?:^|[/_-])(?:privacy|confidentialite|legal|mentions|terms|conditions|cgv|cgu|"
    r"cookies?|disclaimer|imprint|impressum)(?:[/_.-]|$)"
)
TOP_OF_PAGE = 400  # characters: a top bar naming a certification speaks of the firm
NEAR_MANAGEMENT = 110
NEAR_PRODUCT = 70


def _path(url: str) -> str:
    """The lower-case path and query of an absolute URL, without scheme and host."""
    parts = url.split("/", 3)
    return parts[3].lower() if len(parts) > 3 else ""


def _name(match: re.Match[str], text: str) -> tuple[str, bool]:
    """Canonical name of a parsed standard, and whether it certifies the firm itself."""
    kind = match.lastgroup or ""
    raw = text[match.start():match.end()].strip()
    if kind == "iso":
        number = match.group("isono")
        prefix = "ISO/IEC" if "/iec" in match.group().lower() else "ISO"
        return f"{prefix} {number}", number in MANAGEMENT_ISO
    if kind == "mark":
        words = fold(raw).split()
        mark = next((w for w in words if w in ("ce", "ul", "csa", "fda", "fcc", "reach",
                                                "rohs", "rbq")), words[0])
        return {"ce": "CE marking", "rbq": "RBQ licence", "rohs": "RoHS",
                "reach": "REACH"}.get(mark, mark.upper()), mark == "rbq"
    names = {"rbq": "RBQ licence", "nf": "NF525", "rohs": "RoHS", "faa": "FAA Part 145",
             "cgp": "Controlled Goods Program", "soc": "SOC 2", "tuv": "TÜV"}
    return names.get(kind, raw.upper().replace("  ", " ")), kind in MANAGEMENT


def _evidence(page: Page, value: str, start: int, end: int, confidence: float) -> Evidence:
    return Evidence(INFO.letter, INFO.rule_id, value, page.url, "body",
                    snippet(page.text, start, end), confidence)


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    if LEGAL_PATH.search(_path(page.url)):
        return
    claims, standards = find(page, CLAIMS), find(page, STANDARDS)
    folded, text = page.folded, page.text
    found: dict[str, Evidence] = {}

    def sentence(start: int, end: int) -> tuple[int, int]:
        stop = folded.find(". ", end)
        return folded.rfind(". ", 0, start) + 1, stop if stop >= 0 else len(folded)

    def claimed(start: int, end: int, span: int) -> bool:
        first, last = sentence(start, end)
        low, high = max(start - span, first), min(end + span, last)
        return any(c.end >= low and c.start <= high for c in claims)

    def hedged(start: int, end: int) -> bool:
        return bool(HEDGE.search(folded, max(0, start - 70), end + 50))

    for hit in standards:
        match = STANDARD.match(folded, hit.start)
        if not match:
            continue
        value, management = _name(match, text)
        if value in found or hedged(hit.start, match.end()):
            continue
        if SUPPLIERS.search(folded, *sentence(hit.start, match.end())):
            continue  # "we buy from ISO 9001 certified suppliers"
        span = NEAR_MANAGEMENT if management else NEAR_PRODUCT
        if match.lastgroup == "mark" or claimed(hit.start, match.end(), span):
            found[value] = _evidence(page, value, hit.start, match.end(), 0.9)
        elif match.lastgroup == "iec" and LASER_CLASS.search(folded, max(0, hit.start - 60),
                                                             match.end() + 60):
            found[value] = _evidence(page, f"{value} laser class", hit.start, match.end(), 0.8)
        elif management and (hit.start < TOP_OF_PAGE or fold(value) in fold(
                " ".join([page.title, *page.headings]))):
            found[value] = _evidence(page, value, hit.start, match.end(), 0.7)
    for claim in claims:
        first, last = sentence(claim.start, claim.end)
        if TRADEMARK.search(folded, first, last):
            continue  # "Windows CE is a registered trademark"
        start, end = max(0, claim.start - NEAR_PRODUCT, first), min(claim.end + NEAR_PRODUCT, last)
        for acronym in ACRONYMS.finditer(text, start, end):
            value = {"CE": "CE marking", "TÜV": "TÜV"}.get(acronym.group(), acronym.group())
            if value not in found and not hedged(acronym.start(), acronym.end()):
                found[value] = _evidence(page, value, min(claim.start, acronym.start()),
                                         max(claim.end, acronym.end()), 0.8)
    images = "\n".join(f"{src.rsplit('/', 1)[-1]} {alt}" for src, alt in page.images).lower()
    sign = IMAGE_SIGNS.search(images) if any(w in images for w in IMAGE_WORDS) else None
    if sign:
        line = images[images.rfind("\n", 0, sign.start()) + 1:].split("\n", 1)[0]
        found.setdefault("certification logo", Evidence(
            INFO.letter, INFO.rule_id, "certification logo", page.url, "body",
            clean_snippet(f"image {line}"), 0.7))
    urls = link_urls(page).lower()
    if any(ext in urls for ext in (".pdf", ".doc", ".odt")):
        for link in page.documents:
            if DOCUMENT_SIGNS.search(f"{link.url.rsplit('/', 1)[-1]} {link.text}".lower()):
                found.setdefault("certificate document", Evidence(
                    INFO.letter, INFO.rule_id, "certificate document", page.url, link.region,
                    clean_snippet(f"{link.text or 'document'} → {link.url}"), 0.8))
                break
    yield from found.values()
