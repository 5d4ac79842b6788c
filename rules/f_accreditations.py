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
from auditor.page import Link, Page, is_document, remember
from auditor.text import clean_snippet, fold, snippet
from rules.base import Firm, RuleInfo
from rules.documents import TextMemo, link_url_set
from rules.keywords import Hit, declare, find

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
                    quote(page.text, start, end), confidence)


SNIPPET_WIDTH = 160  # snippet's own default
MAX_QUOTE_MEMO = 4096
_QUOTES: dict[tuple[str, int, bool, bool], str] = {}


def quote(text: str, start: int, end: int) -> str:
    """`snippet(text, start, end)`, memoised (bounded) by all it reads: the stretch it
    quotes, the padding, and whether the text goes on before and after it (a site's top
    bar and footer name its certifications on every page)."""
    span = end - start
    if span >= SNIPPET_WIDTH:
        return snippet(text, start, end, SNIPPET_WIDTH)
    pad = (SNIPPET_WIDTH - span) // 2
    left, right = max(0, start - pad), min(len(text), end + pad)
    key = (text[left:right], pad, left > 0, right < len(text))
    found = _QUOTES.get(key)
    if found is None:
        found = snippet(text, start, end, SNIPPET_WIDTH)
        remember(_QUOTES, key, found, MAX_QUOTE_MEMO)
    return found


HEDGE_BEFORE, HEDGE_AFTER = 70, 50
MAX_HEDGE_MEMO = 4096
_HEDGES: dict[tuple[bool, str], bool] = {}


def hedged(folded: str, start: int, end: int) -> bool:
    """Whether a hedge stands near [start, end): HEDGE searched from HEDGE_BEFORE characters
    before to HEDGE_AFTER after. Memoised (bounded) by all the search reads: that stretch,
    and the character before it (for `\\b`) or the start of the text."""
    low, high = max(0, start - HEDGE_BEFORE), end + HEDGE_AFTER
    key = (low > 0, folded[low - 1 if low else 0 : high])
    found = _HEDGES.get(key)
    if found is None:
        found = HEDGE.search(folded, low, high) is not None
        remember(_HEDGES, key, found, MAX_HEDGE_MEMO)
    return found


# ACRONYMS without its opening `\b`: that `\b` keeps the regex engine from skipping ahead to
# the letters a token starts with, so it tries the whole alternation at every character.
ACRONYM_TOKENS = re.compile(ACRONYMS.pattern.removeprefix(r"\b"))
_WORD_CHAR = re.compile(r"\w")


def acronyms(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """`ACRONYMS.finditer(text, start, end)`, three times cheaper.

    Every token is made of word characters, so ACRONYMS's opening `\\b` only says that the
    character before the token (in the whole text, as the regex reads it) is no word
    character. Searching for the tokens and checking that character here finds the same
    matches: where the check fails the plain search fails too, and steps one character on.
    """
    while True:
        match = ACRONYM_TOKENS.search(text, start, end)
        if match is None:
            return
        at = match.start()
        if at and _WORD_CHAR.match(text, at - 1):
            start = at + 1
            continue
        yield match
        start = match.end()


# Every match of ACRONYMS holds one of these as it is written (cUL and cULus hold UL). A
# search for them alone skips ahead to the capitals they start with.
ACRONYM_CORES = re.compile(r"CE|UL|CSA|FCC|FDA|REACH|RoHS|TÜV|UKCA")


def near_acronyms(text: str, claims: list[Hit]) -> bool:
    """Whether an acronym may stand within NEAR_PRODUCT characters of a claim.

    A claim's acronyms are read within NEAR_PRODUCT characters of it (or less, cut at its
    sentence): when none of these spans, merged where they meet, holds an ACRONYM_CORES
    literal, no claim has an acronym, and the claims add no evidence.
    """
    low = high = -1
    for claim in claims:
        start, end = max(0, claim.start - NEAR_PRODUCT), claim.end + NEAR_PRODUCT
        if start <= high:  # meets the span so far (a longer claim may start before it)
            low, high = min(low, start), max(high, end)
            continue
        if high >= 0 and ACRONYM_CORES.search(text, low, high):
            return True
        low, high = start, end
    return high >= 0 and ACRONYM_CORES.search(text, low, high) is not None


# Literals that every match of these patterns holds: a span without them cannot match.
TRADEMARK_WORDS = ("trademark", "marque")
SUPPLIER_WORDS = ("supplier", "vendor", "subcontractor", "fournisseur", "sous-traitant")


def _holds_any(text: str, words: tuple[str, ...], start: int = 0, end: int | None = None) -> bool:
    """Whether one of the words lies within text[start:end] (all of text by default).

    A few substring searches of a sentence: far cheaper than the regex's search of it, which
    tries its whole alternation at every character.
    """
    if end is None:
        end = len(text)
    for word in words:  # a loop, not any(): no generator made for each sentence
        if text.find(word, start, end) >= 0:
            break
    else:
        return False
    return True


MAX_IMAGE_MEMO = 8192
_IMAGE_LINES: dict[tuple[str, str], str | None] = {}  # (src, alt) → its logo line, or None
_UNKNOWN = ""  # no line is empty (it holds a match): a memoised None is told from a miss


def _image_line(src: str, alt: str) -> str | None:
    """The line of a certification logo in an image's file name and alt text, or None."""
    item = f"{src.rsplit('/', 1)[-1]} {alt}".lower()
    sign = IMAGE_SIGNS.search(item) if _holds_any(item, IMAGE_WORDS) else None
    return item[item.rfind("\n", 0, sign.start()) + 1:].split("\n", 1)[0] if sign else None


def logo_line(page: Page) -> str | None:
    """The line of the page's first certification logo: what a search of all the images'
    lines, joined by newlines and lower-cased, finds first.

    Image by image, the same: no match of IMAGE_SIGNS holds a newline, its only lookbehind
    sees a newline as it sees the start of a text, and lower-casing does not read across a
    newline; the first image that holds a match holds the first match of the joined text.
    Each image is read once across pages (memoised, bounded): a site's images repeat on
    every page.
    """
    memo = _IMAGE_LINES
    for image in page.images:
        line = memo.get(image, _UNKNOWN)
        if line == _UNKNOWN:
            line = _image_line(*image)
            remember(memo, image, line, MAX_IMAGE_MEMO)
        if line is not None:
            return line
    return None


def _offers_documents(url: str) -> bool:
    """Whether a link URL holds one of the extensions that make the rule read documents."""
    return _holds_any(url.lower(), (".pdf", ".doc", ".odt"))


_DOCUMENT_LINKS = TextMemo(is_document)  # the URLs of `page.documents`
_OFFERING_LINKS = TextMemo(_offers_documents)
MAX_DOCUMENT_MEMO = 8192
_CERTIFICATES: dict[tuple[str, str], bool] = {}


def _is_certificate(url: str, text: str) -> bool:
    """A certificate document, from its file name and link text (memoised, bounded)."""
    key = (url, text)
    found = _CERTIFICATES.get(key)
    if found is None:
        found = DOCUMENT_SIGNS.search(f"{url.rsplit('/', 1)[-1]} {text}".lower()) is not None
        remember(_CERTIFICATES, key, found, MAX_DOCUMENT_MEMO)
    return found


def certificate_link(page: Page) -> Link | None:
    """The first of `page.documents` that is a certificate, when some link URL holds
    `.pdf`, `.doc` or `.odt` (as the lower-cased text of all link URLs does: lower-casing
    does not read across the newlines that join them).

    The page's document links are told by a set operation on its link URLs, each URL
    tested once across pages; the second condition is asked only of a page that has a
    certificate.
    """
    urls = link_url_set(page)
    documents = _DOCUMENT_LINKS.among(urls)
    if not documents:
        return None
    for link in [link for link in page.links if link.url in documents]:
        if _is_certificate(link.url, link.text):
            return link if _OFFERING_LINKS.among(urls) else None
    return None


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    if LEGAL_PATH.search(_path(page.url)):
        return
    claims, standards = find(page, CLAIMS), find(page, STANDARDS)
    folded, text = page.folded, page.text
    found: dict[str, Evidence] = {}
    heads: list[str] = []  # the folded title and headings, made when first needed

    def sentence(start: int, end: int) -> tuple[int, int]:
        stop = folded.find(". ", end)
        return folded.rfind(". ", 0, start) + 1, stop if stop >= 0 else len(folded)

    def claimed(start: int, end: int, span: int) -> bool:
        first, last = sentence(start, end)
        low, high = max(start - span, first), min(end + span, last)
        return any(c.end >= low and c.start <= high for c in claims)

    def in_headings(value: str) -> bool:
        if not heads:
            heads.append(fold(" ".join([page.title, *page.headings])))
        return fold(value) in heads[0]

    for hit in standards:
        match = STANDARD.match(folded, hit.start)
        if not match:
            continue
        value, management = _name(match, text)
        if value in found or hedged(folded, hit.start, match.end()):
            continue
        first, last = sentence(hit.start, match.end())
        if _holds_any(folded, SUPPLIER_WORDS, first, last) and SUPPLIERS.search(
                folded, first, last):
            continue  # "we buy from ISO 9001 certified suppliers"
        span = NEAR_MANAGEMENT if management else NEAR_PRODUCT
        if match.lastgroup == "mark" or claimed(hit.start, match.end(), span):
            found[value] = _evidence(page, value, hit.start, match.end(), 0.9)
        elif match.lastgroup == "iec" and LASER_CLASS.search(folded, max(0, hit.start - 60),
                                                             match.end() + 60):
            found[value] = _evidence(page, f"{value} laser class", hit.start, match.end(), 0.8)
        elif management and (hit.start < TOP_OF_PAGE or in_headings(value)):
            found[value] = _evidence(page, value, hit.start, match.end(), 0.7)
    for claim in claims if near_acronyms(text, claims) else ():
        first, last = sentence(claim.start, claim.end)
        if _holds_any(folded, TRADEMARK_WORDS, first, last) and TRADEMARK.search(
                folded, first, last):
            continue  # "Windows CE is a registered trademark"
        start, end = max(0, claim.start - NEAR_PRODUCT, first), min(claim.end + NEAR_PRODUCT, last)
        for acronym in acronyms(text, start, end):
            value = {"CE": "CE marking", "TÜV": "TÜV"}.get(acronym.group(), acronym.group())
            if value not in found and not hedged(folded, acronym.start(), acronym.end()):
                found[value] = _evidence(page, value, min(claim.start, acronym.start()),
                                         max(claim.end, acronym.end()), 0.8)
    line = logo_line(page)
    if line is not None:
        found.setdefault("certification logo", Evidence(
            INFO.letter, INFO.rule_id, "certification logo", page.url, "body",
            clean_snippet(f"image {line}"), 0.7))
    link = certificate_link(page)
    if link is not None:
        found.setdefault("certificate document", Evidence(
            INFO.letter, INFO.rule_id, "certificate document", page.url, link.region,
            clean_snippet(f"{link.text or 'document'} → {link.url}"), 0.8))
    yield from found.values()
