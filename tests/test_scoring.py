"""Scoring as pure functions: small frames and hand-computed expectations."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from auditor.table2 import observable_letters, tools
from reports.scoring import (
    CANNOT,
    EXTRAS,
    costs,
    imc_level,
    imc_proxies,
    next_steps,
    score_firm,
    score_run,
    scores_frame,
    stage_likeness,
    stage_of,
    study_split,
    study_uses,
    technology_of,
)

REPO = Path(__file__).resolve().parents[1]
ALL_GROUPS_AND_CHANNELS = ("a", "h", "n", "x", "d")  # digital, events, documentation, relations


def statuses(*present: str) -> dict[str, str]:
    return {x: ("present" if x in present else "absent") if t.observable else "not_observable"
            for x, t in tools().items()}


# ---- the study's numbers -----------------------------------------------------------------

def test_study_split_reproduces_figures_1_and_2() -> None:
    split = study_split()
    assert (split["entry"].direct, split["entry"].indirect) == (12, 16)
    assert (split["post-entry"].direct, split["post-entry"].indirect) == (26, 13)
    assert round(split["entry"].share, 2) == 0.43
    assert round(split["post-entry"].share, 2) == 0.67
    # without m, t, u (invisible from the web): 10/25 and 20/33
    assert (split["entry"].direct_observable, split["entry"].indirect_observable) == (10, 15)
    assert (split["post-entry"].direct_observable,
            split["post-entry"].indirect_observable) == (20, 13)


def test_study_subtotals_are_table_2s() -> None:
    assert [study_uses("entry", g) for g in ("digital", "events", "documentation",
                                             "relations")] == [11, 8, 6, 3]
    assert [study_uses("post-entry", g) for g in ("digital", "events", "documentation",
                                                  "relations")] == [9, 12, 7, 11]
    assert (study_uses("entry"), study_uses("post-entry")) == (28, 39)
    assert study_uses("post-entry", "relations", observable_only=True) == 5  # 11 - t 3 - u 3


# ---- variety, groups, direction --------------------------------------------------------------

def test_variety_counts_observable_letters_only() -> None:
    score = score_firm("f", {**statuses("a", "h", "x"), "t": "present", "m": "present"})
    assert score.present == ("a", "h", "x")
    assert (score.variety, score.observable) == (3, 22)
    assert score.variety_share == pytest.approx(3 / 22)
    assert score.not_observable == ("m", "t", "u")


def test_group_subtotals_and_direct_share() -> None:
    score = score_firm("f", statuses("a", "b", "h", "x"))
    groups = {g.group: (g.present, g.observable, g.letters) for g in score.groups}
    assert groups == {"digital": (2, 7, ("a", "b")), "events": (1, 5, ("h",)),
                      "documentation": (0, 6, ()), "relations": (1, 4, ("x",))}
    assert (score.direct, score.indirect) == (3, 1)  # b, h, x two-way; a one-way
    assert score.direct_share == 0.75


def test_no_tool_means_no_direct_share() -> None:
    score = score_firm("f", statuses())
    assert score.variety == 0
    assert score.direct_share is None


def test_failed_crawl_is_not_scored() -> None:
    score = score_firm("f", statuses(), assessed=False)
    assert score.variety_share is None and score.direct_share is None
    assert score.likeness is None and score.steps == []
    assert score.imc.level is None
    assert CANNOT in score.imc.reasons[0]


# ---- stage likeness ------------------------------------------------------------------------

def test_likeness_contributions_by_hand() -> None:
    likeness = stage_likeness({"a", "g"})
    weights = {c.letter: c.weight for c in likeness.contributions}
    assert set(weights) == set(observable_letters())  # never m, t, u
    # a present: (4+1)/7 post against (3+1)/7 entry
    assert weights["a"] == pytest.approx(math.log(5 / 4))
    # g present: 2/7 against 1/7
    assert weights["g"] == pytest.approx(math.log(2))
    # c absent: 1 - 1/7 against 1 - 3/7, i.e. 6/4
    assert weights["c"] == pytest.approx(math.log(6 / 4))
    # h absent: 1 - 6/7 against 1 - 5/7
    assert weights["h"] == pytest.approx(math.log(1 / 2))
    expected = math.log(5 / 4) + math.log(2) + sum(
        math.log((6 - t.post_entry_firms) / (6 - t.entry_firms))
        for t in tools().values() if t.observable and t.letter not in "ag")
    assert likeness.margin == pytest.approx(expected)
    assert likeness.margin == pytest.approx(sum(weights.values()))


def test_likeness_wording_is_a_resemblance_with_its_margin() -> None:
    post = stage_likeness({"a", "b", "h", "j", "n", "v", "x"})  # the demo's P5
    assert post.leaning == "post-entry"
    assert post.wording == f"resembles the study's post-entry firms (margin {post.margin:.2f})"
    entry = stage_likeness({"a", "c", "d", "f", "h", "o"})  # the demo's E1
    assert entry.leaning == "entry"
    assert entry.wording == f"resembles the study's entry firms (margin {-entry.margin:.2f})"
    slight = stage_likeness({"a", "b", "e", "h", "i"})  # the demo's E2
    assert "entry firms, slightly (margin 0.43)" in slight.wording
    assert entry.ratio == pytest.approx(math.exp(-entry.margin))
    for wording in (post.wording, entry.wording, slight.wording):
        assert wording.startswith("resembles the study's")
        assert " is " not in wording


def test_likeness_top_contributions() -> None:
    top = stage_likeness({"c", "d"}).top(2)
    assert [c.letter for c in top] == ["c", "d"]  # log(1/3) each: the largest weights
    assert all(c.toward == "entry" for c in top)


# ---- IMC level -------------------------------------------------------------------------------

def test_imc_below_level_1_with_a_single_tool() -> None:
    imc = imc_level({"x"})
    assert imc.level == 0 and imc.label == "below level 1"
    assert imc.missing == ("at least two Table-2 tools (only 1 shown)",)


def test_imc_level_1_says_what_level_2_needs() -> None:
    imc = imc_level({"a", "b"})
    assert imc.level == 1
    assert imc.reasons[0].startswith("a variety of tools: 2 of 22")
    assert "a tool in the events group" in imc.missing
    assert "a tool in the documentation & publications group" in imc.missing
    assert any(m.startswith("2 more contact channel(s)") for m in imc.missing)
    assert any(CANNOT in note and "coordinated" in note for note in imc.notes)


def test_imc_level_2_needs_all_groups_and_two_channels() -> None:
    assert imc_level(ALL_GROUPS_AND_CHANNELS).level == 2
    assert imc_level(("a", "h", "n", "x")).level == 1  # one contact channel only
    assert imc_level(("a", "h", "n", "x"), {"contact-form"}).level == 2
    imc = imc_level(ALL_GROUPS_AND_CHANNELS)
    assert imc.missing == ("web analytics (g)",
                           "data collection: gated content or a marketing-automation tag")


def test_imc_level_3_analytics_plus_data_collection() -> None:
    gated = imc_level((*ALL_GROUPS_AND_CHANNELS, "g"), {"gated-content"})
    assert gated.level == 3
    assert "gated content (a form before a download)" in gated.reasons[2]
    assert gated.missing[0].startswith("conversion or ROI instrumentation")
    assert any(CANNOT in note for note in gated.notes)
    by_tag = imc_level((*ALL_GROUPS_AND_CHANNELS, "g"), g_values=["HubSpot tracking 123456"])
    assert by_tag.level == 3
    assert "HubSpot tracking tag" in by_tag.reasons[2]
    no_analytics = imc_level(ALL_GROUPS_AND_CHANNELS, {"marketing-automation"})
    assert no_analytics.level == 2 and no_analytics.missing == ("web analytics (g)",)


def test_imc_level_4_conversion_tags() -> None:
    imc = imc_level((*ALL_GROUPS_AND_CHANNELS, "g"), {"gated-content"},
                    ["Google Analytics 4 G-ABC", "Meta Pixel 123456789", "LinkedIn Insight Tag 42"])
    assert imc.level == 4
    assert imc.reasons[3] == ("conversion or ROI instrumentation: LinkedIn Insight Tag, "
                              "Meta Pixel")
    assert imc.missing == ()
    assert any(CANNOT in note and "Resource allocation" in note for note in imc.notes)


def test_imc_levels_are_cumulative() -> None:
    imc = imc_level({"a", "g"}, {"gated-content"}, ["Meta Pixel 1"])
    assert imc.level == 1
    assert any("Signals of level 3 and 4 are shown too" in note for note in imc.notes)


def test_technology_of_needs_a_whole_name() -> None:
    assert technology_of("Meta Pixel 1234") == "Meta Pixel"
    assert technology_of("Meta Pixel") == "Meta Pixel"
    assert technology_of("Meta Pixelated 1") is None
    assert technology_of("Google Analytics 4 G-1") is None


def test_imc_proxies_match_the_fingerprint_categories() -> None:
    data = json.loads((REPO / "rules" / "fingerprints.json").read_text(encoding="utf-8"))
    techs = data["technologies"]
    categories = ({t["name"]: t["category"] for t in techs} if isinstance(techs, list)
                  else {name: t["category"] for name, t in techs.items()})
    wanted = {"conversion": "ad-conversion", "automation": "marketing-automation"}
    for name, proxy in imc_proxies().items():
        assert categories.get(name) == wanted[proxy], name
    for name, category in categories.items():  # every such tag is a proxy
        if category in ("ad-conversion", "marketing-automation"):
            assert name in imc_proxies(), name


def test_extras_are_the_rules_extras() -> None:
    from rules.base import EXTRAS as RULE_EXTRAS

    assert list(EXTRAS) == list(RULE_EXTRAS)


# ---- next steps ------------------------------------------------------------------------------

def test_next_steps_cheapest_first_then_largest_gap() -> None:
    steps = next_steps(set())
    assert [s.letter for s in steps] == ["a", "g", "x", "n", "b", "j", "k", "v", "w", "y",
                                         "h", "l", "s"]
    assert [s.letter for s in steps if s.inexpensive] == ["a", "g", "x", "n", "b"]
    assert all(s.post_entry_firms > s.entry_firms for s in steps)
    assert not {"t", "u"} & {s.letter for s in steps}  # not observable: cannot be lacking


def test_next_steps_skip_what_the_firm_shows() -> None:
    steps = next_steps({"a", "g", "c"})
    assert steps[0].letter == "x"
    assert steps[0].cost_label == "almost free"
    assert "phone" in steps[0].reason


def test_cost_table_covers_every_letter_with_a_reason() -> None:
    table = costs()
    assert list(table) == list(tools())
    for cost in table.values():
        assert 1 <= cost.cost <= 4
        assert len(cost.reason) > 40


# ---- stage -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("given", "sale", "year", "expected"), [
    ("entry", 2000, 2026, ("entry", "given")),
    ("post-entry", None, 2026, ("post-entry", "given")),
    ("", 2019, 2026, ("post-entry", "derived")),  # 7 years
    ("", 2021, 2026, ("entry", "derived")),  # exactly 5: not more than five
    ("", 2020, 2026, ("post-entry", "derived")),
    (None, float("nan"), 2026, ("", "unknown")),
    ("", 2030, 2026, ("", "unknown")),  # a sale in the future is an error, not a stage
    ("", 2019, None, ("", "unknown")),
])
def test_stage_of(given: object, sale: object, year: int | None,
                  expected: tuple[str, str]) -> None:
    assert stage_of(given, sale, year) == expected


# ---- a run's frames --------------------------------------------------------------------------

def _status_frame(firms: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    rows = []
    for firm, present in firms.items():
        for letter, status in statuses(*present).items():
            rows.append({"firm_id": firm, "letter": letter, "status": status,
                         "evidence_count": int(status == "present"), "example_url": None})
    return pd.DataFrame(rows)


def test_score_run_from_frames() -> None:
    status = _status_frame({"A": ("a", "g", "h", "n", "x", "d"), "B": ("c",), "C": ()})
    evidence = pd.DataFrame([
        {"firm_id": "A", "letter": "g", "value": "Meta Pixel 99"},
        {"firm_id": "A", "letter": "gated-content", "value": "/datasheet"},
        {"firm_id": "A", "letter": "gated-content", "value": "/note"},
        {"firm_id": "B", "letter": "news", "value": "/news"},
    ])
    firms = pd.DataFrame([
        {"firm_id": "A", "status": "done", "stage": "", "first_foreign_sale_year": 2010},
        {"firm_id": "B", "status": "partial", "stage": "entry", "first_foreign_sale_year": None},
        {"firm_id": "C", "status": "failed", "stage": "", "first_foreign_sale_year": None},
    ])
    scores = score_run(status, evidence, firms, "2026-05-01T10:00:00+00:00")
    a, b, c = scores["A"], scores["B"], scores["C"]
    assert (a.stage, a.stage_source) == ("post-entry", "derived")
    assert a.imc.level == 4
    assert a.extras == {"gated-content": 2}
    assert a.evidence["g"] == 1
    assert (b.stage, b.stage_source, b.variety, b.extras) == ("entry", "given", 1, {"news": 1})
    assert b.likeness is not None and b.likeness.leaning == "entry"
    assert not c.assessed and c.imc.level is None
    frame = scores_frame(scores).set_index("firm_id")
    assert frame.loc["A", "variety"] == 6
    assert frame.loc["A", "digital_present"] == 3 and frame.loc["A", "digital_observable"] == 7
    assert frame.loc["A", "imc_level"] == 4
    assert frame.loc["A", "next_steps"] == "b"  # a, g, x, n shown: b is the one cheap step left
    assert frame.loc["B", "present_letters"] == "c"
    assert pd.isna(frame.loc["C", "variety"]) and pd.isna(frame.loc["C", "imc_level"])
    assert frame.loc["C", "likeness"] == "not assessed"
    assert str(frame["variety"].dtype) == "Int64"
