"""One generic test runs every rule fixture in tests/rule_cases/<letter>/.

A case is an HTML file named `pos-<lang>-<slug>.html` (the rule must find its letter) or
`neg-<lang>-<slug>.html` (it must not). Its first line is a comment with settings:
`<!-- url: https://opticlair.ca/fr/; name: OptiClair; value: ventes@opticlair.ca -->`
(url: where the page lives, default https://opticlair.ca/; name: the firm's name; value:
a value the evidence must contain, for positive cases).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from auditor.domains import host_of, registered_domain
from auditor.page import parse_page
from auditor.table2 import observable_letters
from rules import RULES
from rules.base import Firm

CASES = Path(__file__).parent / "rule_cases"
_HEADER = re.compile(r"^<!--(.*?)-->", re.DOTALL)
_NAME = re.compile(r"^(pos|neg)-(fr|en)-[a-z0-9-]+\.html$")


def case_files() -> list[Path]:
    return sorted(CASES.glob("*/*.html"))


def settings_of(html: str) -> dict[str, str]:
    match = _HEADER.match(html)
    if not match:
        return {}
    pairs = (item.split(":", 1) for item in match.group(1).split(";") if ":" in item)
    return {k.strip(): v.strip() for k, v in pairs}


def run_case(path: Path) -> tuple[bool, list[str], dict[str, str]]:
    html = path.read_text(encoding="utf-8")
    settings = settings_of(html)
    url = settings.get("url", "https://opticlair.ca/")
    firm = Firm(firm_id="T", registered=registered_domain(host_of(url)),
                name=settings.get("name", "OptiClair"))
    page = parse_page(url, html)
    letter = path.parent.name
    evidence = [e for rule in RULES if rule.info.letter == letter for e in rule.detect(page, firm)]
    return bool(evidence), [f"{e.value} | {e.snippet}" for e in evidence], settings


@pytest.mark.parametrize("path", case_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_rule_case(path: Path) -> None:
    assert _NAME.match(path.name), f"{path.name}: name it pos-<fr|en>-slug.html or neg-..."
    found, evidence, settings = run_case(path)
    if path.name.startswith("pos-"):
        assert found, f"{path.name}: expected evidence for {path.parent.name}, found none"
        if "value" in settings:
            assert any(settings["value"] in e for e in evidence), evidence
    else:
        assert not found, f"{path.name}: expected no evidence, found {evidence}"


def test_every_rule_has_positive_and_negative_cases_in_both_languages() -> None:
    letters = {rule.info.letter for rule in RULES}
    missing = []
    # Extras beyond Table 2 need cases too; only Table-2 letters must be observable ones.
    for letter in sorted(letters):
        names = {p.name.split("-")[0] + "-" + p.name.split("-")[1] for p in (CASES / letter).glob("*.html")}
        missing += [f"{letter}:{need}" for need in ("pos-fr", "pos-en", "neg-fr", "neg-en") if need not in names]
    assert not missing, f"rules lacking fixture cases: {missing}"
    table2 = {rule.info.letter for rule in RULES if not rule.info.is_extra}
    assert table2 <= set(observable_letters())
