"""n — scientific publications by the firm or about applications of its products.

What it detects: a page that lists or announces scientific papers (a "Publications" heading,
"peer-reviewed", "publications scientifiques", "publication list", "new scientific paper"…)
and cites at least two papers: DOIs, links to one paper at a scholarly publisher or index
(IEEE Xplore, SPIE Digital Library, Optica, ScienceDirect, arXiv…), or journal names
followed by a volume and a year ("Opt. Express 14 (13), 6069 (2006)"); also a page of the
firm's own site that is a paper (`citation_doi` meta tags). Blog posts are skipped, and so
are phrases inside a bibliography.

Why it matters: post-entry firms publish application papers, sometimes written with their
customers, to show what their products do.

Positive: "See the list of recent publications … R. Paschotta, Opt. Express 14 (13), 6069
(2006), doi:10.1364/OE.14.006069".
Negative: an encyclopedia article with a bibliography of other people's papers, a blog post
quoting one study, links to journals' home pages, a "Publications" menu item alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice
from urllib.parse import urlsplit

from auditor.items import Evidence
from auditor.page import Page
from auditor.text import clean_snippet, fold, snippet
from rules.base import Firm, RuleInfo
from rules.documents import (
    TextMemo,
    Words,
    heading_set,
    host_pattern,
    in_path,
    links_to,
)
from rules.keywords import Hit, declare, find

INFO = RuleInfo(letter="n", slug="publications", version=1)

SCHOLARLY = host_pattern((
    "doi.org", "dx.doi.org", "ieeexplore.ieee.org", "spiedigitallibrary.org", "opg.optica.org",
    "osapublishing.org", "opticsinfobase.org", "sciencedirect.com", "link.springer.com",
    "nature.com", "arxiv.org", "pubs.acs.org", "iopscience.iop.org", "onlinelibrary.wiley.com",
    "mdpi.com", "pubmed.ncbi.nlm.nih.gov", "ncbi.nlm.nih.gov", "journals.aps.org",
    "pubs.aip.org", "aip.scitation.org", "tandfonline.com", "researchgate.net", "hal.science",
    "hal.archives-ouvertes.fr", "scholar.google.com", "biorxiv.org", "frontiersin.org",
    "journals.plos.org", "academic.oup.com", "cambridge.org", "dl.acm.org",
))
PHRASES = declare(
    "n-phrases",
    en=("scientific publications", "scientific publication", "scientific papers",
        "scientific paper", "scientific articles", "scientific journals", "peer-reviewed",
        "peer reviewed", "publication list", "list of publications", "publications list",
        "selected publications", "recent publications", "our publications",
        "journal publications", "journal articles", "journal papers", "conference papers",
        "conference proceedings", "refereed", "published in the journal",
        "publications citing", "papers citing", "publications using", "papers using",
        "co-authored", "coauthored"),
    fr=("publications scientifiques", "publication scientifique", "articles scientifiques",
        "article scientifique", "revues scientifiques", "revue scientifique",
        "comite de lecture", "evalues par les pairs", "evaluees par les pairs",
        "liste des publications", "liste de publications", "nos publications",
        "publications recentes", "actes de conference", "actes de colloque",
        "publie dans la revue", "co-auteur", "co-auteurs", "coauteur", "coauteurs"),
)
JOURNALS = declare(
    "n-journals",
    en=("opt. express", "optics express", "opt. lett.", "optics letters", "appl. opt.",
        "applied optics", "proc. spie", "proceedings of spie", "j. biomed. opt.",
        "journal of biomedical optics", "biomed. opt. express", "biomedical optics express",
        "j. opt. soc. am.", "josa a", "josa b", "opt. eng.", "optical engineering",
        "j. lightwave technol.", "journal of lightwave technology", "ieee photonics",
        "ieee j. quantum electron.", "ieee journal of quantum electronics", "ieee trans.",
        "ieee transactions on", "phys. rev.", "physical review", "appl. phys. lett.",
        "applied physics letters", "appl. phys. b", "nature photonics", "nat. photonics",
        "light: science & applications", "optica", "photonics research", "sensors (basel)",
        "sens. actuators", "sensors and actuators", "anal. chem.", "analytical chemistry",
        "j. appl. phys.", "journal of applied physics", "rev. sci. instrum.",
        "review of scientific instruments", "opt. commun.", "optics communications",
        "laser phys.", "electron. lett.", "electronics letters", "scientific reports",
        "sci. rep.", "plos one"),
    fr=(),
)
# A page headed so lists papers (matched on titles and headings only, not on the text).
HEADING = Words(("publications", "publication", "scientific papers", "papers",
                        "articles scientifiques", "publications scientifiques"))
# `\b10\.…`, written with its literal first so that the search skips to each "10.": the
# look-behind is the word boundary (no letter or digit before the "1").
DOI = re.compile(r"10\.(?<!\w10\.)\d{4,9}/[^\s\"<>,;]+")
CITATION_META = ("citation_doi", "citation_journal_title", "citation_conference_title",
                 "dc.identifier.doi")
BLOG_PATH = re.compile(r"/(?:blog|blogue|blogs)/", re.IGNORECASE)
ARTICLE_PATH = re.compile(
    r"/10\.\d{4}|/(?:doi|abs|abstract|article|articles|chapter|document|content|publication"
    r"|full|fulltext|conference-proceedings-of-spie|record)/|(?:abstract|fulltext|viewmedia)\.cfm"
    r"|[?&](?:uri|arnumber)=|/\d{4}-\d{3}[\dx]/\d",  # ISSN and volume: /1424-8220/22/22/8841
    re.IGNORECASE,
)
# After a journal's name (and up to three more words: "Phys. Rev. Lett."), a citation gives
# a volume and a year: "Opt. Express 14 (13), 6069 (2006)".
CITATION_TAIL = re.compile(
    r"^[\s,.:]*(?:[a-z&]{1,14}\.?\s){0,3}(?:vol\.?\s*)?\d{1,4}\b[^.;]{0,30}?\b(?:19|20)\d\d\b"
)
CITATION_REACH = 70
MIN_JOURNALS = 2  # a single journal name is a mention; a list cites
MIN_CITATIONS = 2  # DOIs, scholarly links and journal names together: one is a mere mention
SOURCES_REACH = 60
SOURCES_WORDS = ("bibliograph", "references", "further reading", "sources", "see also",
                 "voir aussi", "lectures complementaires")
# Headings that name publications, each searched once (a site repeats its headings).
_NAMED_HEADINGS = TextMemo(lambda heading: HEADING.search(fold(heading)) is not None)


def _scholarly_links(page: Page) -> list[str]:
    """Links to one paper at a publisher or index (not to a journal's home page)."""
    found = []
    for link in links_to(page, SCHOLARLY):
        parts = urlsplit(link.url)
        host = parts.netloc.lower()
        if host.endswith("doi.org") or host.startswith("pubmed") or ARTICLE_PATH.search(
            f"{parts.path}?{parts.query}"
        ):
            found.append(link.url)
    return found


def _first_doi(page: Page) -> re.Match[str] | None:
    """The first DOI of a page that names DOIs ("doi" in its text)."""
    match = DOI.search(page.folded)  # cheaper than looking for "doi": few pages have "10."
    return match if match is not None and "doi" in page.folded else None


def _cited_journals(page: Page) -> list[Hit]:
    """The first journal names followed by a volume and a year ("Opt. Express 14, 2006").

    Two at most: the rule asks for two journals, or two citations in all, and quotes the
    first, so the others would change nothing.
    """
    cited = (
        hit for hit in find(page, JOURNALS)
        if CITATION_TAIL.match(page.folded[hit.end : hit.end + CITATION_REACH])
    )
    return list(islice(cited, max(MIN_JOURNALS, MIN_CITATIONS)))


def _citations(page: Page, doi: re.Match[str] | None, links: list[str],
               journals: list[Hit]) -> int:
    dois = len(DOI.findall(page.folded)) if doi is not None else 0
    return dois + len(links) + len(journals)


def _citation(page: Page, doi: re.Match[str] | None, links: list[str],
              journals: list[Hit]) -> tuple[str, str] | None:
    """(value, quote) of the first citation on the page: DOI, scholarly link or journals."""
    if doi is not None:
        value = page.text[doi.start() : doi.end()].rstrip(".)")
        return f"DOI {value}", snippet(page.text, doi.start(), doi.end())
    if links:
        return f"link {links[0]}", clean_snippet(f"scholarly link: {links[0]}")
    if len(journals) >= MIN_JOURNALS:
        hit = journals[0]
        return f"journal {page.text[hit.start:hit.end]}", snippet(page.text, hit.start, hit.end)
    return None


def _publications_heading(page: Page) -> str:
    """The title, else the first heading, that names publications; '' if none."""
    if page.title and HEADING.search(fold(page.title)):
        return page.title
    named = _NAMED_HEADINGS.among(heading_set(page))
    return next((h for h in page.headings if h in named), "") if named else ""


def _in_bibliography(page: Page, hit: Hit) -> bool:
    """A phrase in a list of sources ("Bibliography [1] Conference proceedings…")."""
    before = page.folded[max(0, hit.start - SOURCES_REACH) : hit.start]
    return any(word in before for word in SOURCES_WORDS)


def detect(page: Page, firm: Firm) -> Iterator[Evidence]:
    if any(key in page.meta for key in CITATION_META) and firm.owns_url(page.url):
        doi = page.meta.get("citation_doi") or page.meta.get("dc.identifier.doi") or ""
        title = page.meta.get("citation_title", page.title)
        yield Evidence(INFO.letter, INFO.rule_id, f"paper hosted by the firm {doi}".strip(),
                       page.url, "meta", clean_snippet(f"citation meta: {title}"), 1.0)
        return
    phrase = next((hit for hit in find(page, PHRASES) if not _in_bibliography(page, hit)), None)
    heading = "" if phrase else _publications_heading(page)
    if not phrase and not heading:
        return
    if in_path(page, BLOG_PATH) or "blog" in page.title.lower():
        return  # a blog post that quotes a study is not a publication
    doi, links, journals = _first_doi(page), _scholarly_links(page), _cited_journals(page)
    cited = _citation(page, doi, links, journals)
    if cited is None or _citations(page, doi, links, journals) < MIN_CITATIONS:
        return
    value, quote = cited
    if phrase:
        hit = phrase
        why = snippet(page.text, hit.start, hit.end)
        label = f"“{hit.keyword}”"
    else:
        why = clean_snippet(heading)
        label = f"heading “{heading[:50]}”"
    yield Evidence(INFO.letter, INFO.rule_id, f"publications ({label}) with {value}"[:200],
                   page.url, "body", clean_snippet(f"{why} {quote}") if len(why) < 80 else why,
                   0.9)
