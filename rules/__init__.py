"""The rule registry: every Table-2 rule module, listed explicitly.

A test walks this package and fails when a rule module is missing here, so a new rule is
never silently left out of the audit.
"""

from __future__ import annotations

from auditor.items import Evidence
from auditor.page import Page
from rules import a_social, d_role_email, g_analytics
from rules.base import Firm, Rule

RULE_MODULES = (a_social, d_role_email, g_analytics)

RULES: tuple[Rule, ...] = tuple(
    Rule(info=module.INFO, detect=module.detect, doc=module.__doc__ or "")
    for module in RULE_MODULES
)


def rule_versions() -> dict[str, int]:
    """Stored with every run, so that runs made by different rules can be told apart."""
    return {rule.info.rule_id: rule.info.version for rule in RULES}


def run_rules(page: Page, firm: Firm) -> list[Evidence]:
    """All rules on one parsed page."""
    found: list[Evidence] = []
    for rule in RULES:
        found.extend(rule.detect(page, firm))
    return found
