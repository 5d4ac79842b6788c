"""Rules run in batches (`rules.judge_pages`) find exactly what they find page by page."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

import rules
from auditor.domains import host_of, registered_domain
from auditor.items import Evidence
from auditor.page import Page, parse_page
from rules import RULES, a_social, evidence_of, judge_pages, run_rules
from rules.base import Firm, Rule

DEMO = Path(__file__).resolve().parents[1] / "auditor" / "demo_region"


def demo_pages() -> list[tuple[Page, Firm]]:
    """Every page of the demo region, judged for the firm that owns its host."""
    firms: dict[str, Firm] = {}
    with (DEMO / "firms.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            registered = registered_domain(host_of(f"https://{row['domain']}/"))
            firms[registered] = Firm(row["firm_id"], registered, row["name"])
    first = next(iter(firms.values()))
    pages = []
    for site in sorted(p for p in (DEMO / "sites").iterdir() if p.is_dir()):
        firm = firms.get(registered_domain(site.name), first)
        for file in sorted(site.rglob("*.htm*")):
            url = f"https://{site.name}/{file.relative_to(site).as_posix()}"
            pages.append((url, file.read_text(encoding="utf-8", errors="replace"), firm))
    return [(parse_page(url, html), firm) for url, html, firm in pages]


def test_a_batch_gives_each_page_what_run_rules_gives() -> None:
    """Shuffled, so that pages of different firms alternate as they do in a crawl."""
    pages = demo_pages()
    assert len(pages) > 100
    random.Random(3).shuffle(pages)  # noqa: S311 - an order, not a secret
    expected = [run_rules(parse_page(page.url, _html_of(page)), firm) for page, firm in pages]
    got = judge_pages(pages)
    assert got == expected
    assert sum(len(found) for found in expected) > 200  # the pages do hold evidence


def _html_of(page: Page) -> str:
    site, _, path = page.url.removeprefix("https://").partition("/")
    return (DEMO / "sites" / site / path).read_text(encoding="utf-8", errors="replace")


def test_evidence_found_early_is_reused_not_found_again(monkeypatch) -> None:
    """The profile collector asks for rule a first; the batch takes that answer."""
    page, firm = demo_pages()[0]
    social = next(rule for rule in RULES if rule.info.rule_id == a_social.INFO.rule_id)
    early = evidence_of(social, page, firm)
    calls = []
    monkeypatch.setattr(a_social, "detect", lambda *args: calls.append(args) or [])
    fresh = parse_page(page.url, _html_of(page))
    assert judge_pages([(page, firm)]) == [run_rules(fresh, firm)]
    assert calls == []  # a_social.detect was not called again for the page judged early
    assert early == [e for e in run_rules(fresh, firm) if e.rule_id == a_social.INFO.rule_id]


def test_a_page_that_breaks_a_rule_fails_alone(monkeypatch) -> None:
    pages = demo_pages()[:6]
    broken_url = pages[2][0].url
    expected = [run_rules(parse_page(p.url, _html_of(p)), firm) for p, firm in pages]
    original = RULES[5]

    def breaks_on_one_page(page: Page, firm: Firm) -> list[Evidence]:
        if page.url == broken_url:
            raise ValueError("a rule's bug")
        return list(original.detect(page, firm))

    patched = list(RULES)
    patched[5] = Rule(info=original.info, detect=breaks_on_one_page, doc=original.doc)
    monkeypatch.setattr(rules, "RULES", tuple(patched))
    got = rules.judge_pages(pages)
    assert isinstance(got[2], ValueError)
    assert [g for i, g in enumerate(got) if i != 2] == [e for i, e in enumerate(expected) if i != 2]


@pytest.mark.parametrize("size", [0, 1])
def test_small_batches(size: int) -> None:
    pages = demo_pages()[:size]
    assert judge_pages(pages) == [run_rules(page, firm) for page, firm in pages]
