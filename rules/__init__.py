"""The rule registry: every Table-2 rule module, listed explicitly.

A test walks this package and fails when a rule module is missing here, so a new rule is
never silently left out of the audit.
"""

from __future__ import annotations

from auditor.items import Evidence
from auditor.page import Page
from rules import (
    a_social,
    b_demo,
    c_references,
    d_role_email,
    e_newsletter,
    extra_contact_form,
    extra_distributors,
    extra_gated_content,
    extra_languages,
    extra_live_chat,
    extra_marketing_automation,
    extra_news,
    extra_organization,
    f_accreditations,
    g_analytics,
    h_trade_shows,
    i_congress_booths,
    j_conference_talks,
    k_trade_missions,
    l_symposiums,
    n_publications,
    o_technical_sheets,
    p_brochures,
    q_research_collaboration,
    r_slide_decks,
    s_trade_press,
    v_customer_training,
    w_showcase,
    x_phone,
    y_technical_support,
)
from rules.base import Firm, Rule

RULE_MODULES = (
    a_social,
    b_demo,
    c_references,
    d_role_email,
    e_newsletter,
    f_accreditations,
    g_analytics,
    h_trade_shows,
    i_congress_booths,
    j_conference_talks,
    k_trade_missions,
    l_symposiums,
    n_publications,
    o_technical_sheets,
    p_brochures,
    q_research_collaboration,
    r_slide_decks,
    s_trade_press,
    v_customer_training,
    w_showcase,
    x_phone,
    y_technical_support,
    extra_contact_form,
    extra_distributors,
    extra_gated_content,
    extra_languages,
    extra_live_chat,
    extra_marketing_automation,
    extra_news,
    extra_organization,
)

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
