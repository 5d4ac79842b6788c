"""The rule registry: every rule module registered, every observable letter covered."""

from __future__ import annotations

import importlib
import pkgutil
import re

import rules
from auditor.table2 import observable_letters, tools
from rules.base import EXTRAS

RULE_MODULE_NAME = re.compile(r"^(?:[a-y]_|extra_)\w+$")
SECTIONS = ("What it detects", "Why it matters", "Positive", "Negative")


def rule_module_names() -> set[str]:
    return {m.name for m in pkgutil.iter_modules(rules.__path__) if RULE_MODULE_NAME.match(m.name)}


def test_every_rule_module_is_registered() -> None:
    registered = {module.__name__.rsplit(".", 1)[1] for module in rules.RULE_MODULES}
    assert rule_module_names() - registered == set(), "rule modules missing from RULE_MODULES"


def test_every_observable_letter_has_a_rule_and_no_rule_claims_an_unobservable_one() -> None:
    letters = {rule.info.letter for rule in rules.RULES}
    assert set(observable_letters()) - letters == set()
    assert {"m", "t", "u"} & letters == set()
    assert set(EXTRAS) - letters == set(), "every finding beyond Table 2 needs a rule"


def test_rules_declare_their_metadata_and_document_themselves() -> None:
    ids = [rule.info.rule_id for rule in rules.RULES]
    assert len(ids) == len(set(ids)), "rule ids must be unique"
    for rule in rules.RULES:
        module = importlib.import_module(rule.detect.__module__)
        assert module.INFO is rule.info
        assert rule.info.version >= 1
        assert rule.info.name_en and rule.info.name_fr
        if not rule.info.is_extra:
            assert rule.info.direction == tools()[rule.info.letter].direction
        for section in SECTIONS:
            assert section in rule.doc, f"{rule.info.rule_id}: docstring lacks '{section}'"
