"""Page sets the rule benchmarks and the evidence dump read: (firm, url, html) triples.

Four sets: the real-site corpus (kept outside the project), the demo region, synthetic
pages written in memory by `synth.py`, and the rule fixtures of tests/rule_cases/. Each set
is deterministic (the demo's date tokens are filled in against a fixed day), so that two
dumps of the rules' evidence can be compared record for record.
"""

from __future__ import annotations

import csv
import sys
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from auditor.domains import host_of, registered_domain
from rules.base import Firm

Item = tuple[Firm, str, str]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
DEMO = REPO / "auditor" / "demo_region"
CASES = REPO / "tests" / "rule_cases"
FIXED_DAY = datetime(2026, 1, 15, tzinfo=UTC)


def corpus_pages(corpus: Path = DEFAULT_CORPUS) -> list[Item]:
    """Every HTML page of every corpus site, with the firm the site belongs to."""
    items: list[Item] = []
    if not (corpus / "sites.csv").is_file():
        return items
    with (corpus / "sites.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            folder = corpus / row["folder"]
            firm = Firm(row["firm_id"], registered_domain(row["domain"]), row.get("name") or "")
            for file in sorted(folder.rglob("*.htm*")):
                url = f"https://{row['domain']}/{file.relative_to(folder).as_posix()}"
                items.append((firm, url, file.read_text(encoding="utf-8", errors="replace")))
    return items


def demo_pages() -> list[Item]:
    """Every HTML file of the demo region; hosts that are no firm's (social sites) are
    judged for the first firm, which still exercises the rules on them."""
    from auditor.localsites import substitute_dates

    firms: dict[str, Firm] = {}
    with (DEMO / "firms.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            registered = registered_domain(host_of(f"https://{row['domain']}/"))
            profiles = tuple(p for p in (row.get("profiles") or "").split() if p)
            firms[registered] = Firm(row["firm_id"], registered, row["name"], profiles)
    first = next(iter(firms.values()))
    items: list[Item] = []
    for site in sorted(p for p in (DEMO / "sites").iterdir() if p.is_dir()):
        firm = firms.get(registered_domain(site.name), first)
        for file in sorted(site.rglob("*.htm*")):
            url = f"https://{site.name}/{file.relative_to(site).as_posix()}"
            html = substitute_dates(file.read_bytes(), FIXED_DAY).decode("utf-8", "replace")
            items.append((firm, url, html))
    return items


def synth_pages(firms: int = 4, pages: int = 100) -> list[Item]:
    """`pages` pages of each of the first `firms` synthetic firms, written in memory."""
    from synth import SiteWriter, firm_list

    items: list[Item] = []
    for synth_firm in firm_list(firms):
        writer = SiteWriter(synth_firm, pages)
        firm = Firm(synth_firm.firm_id, synth_firm.registered, synth_firm.name)
        for path in writer.plan:
            items.append((firm, writer.url(path), writer.page(path)))
    return items


def fixture_pages() -> list[Item]:
    """Every rule fixture, read as tests/test_rule_cases.py reads it."""
    sys.path.insert(0, str(REPO))
    from tests.test_rule_cases import case_files, settings_of

    items: list[Item] = []
    for path in case_files():
        html = path.read_text(encoding="utf-8")
        settings = settings_of(html)
        url = settings.get("url", "https://opticlair.ca/")
        firm = Firm(firm_id="T", registered=registered_domain(host_of(url)),
                    name=settings.get("name", "OptiClair"))
        items.append((firm, url, html))
    return items
