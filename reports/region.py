"""A region's firms side by side: the Table-2 matrix, group and direction counts by stage next
to the study's own, the IMC levels and the ranking. Pure pandas over the firms' scores.

Counts by stage use the firms that were assessed (failed crawls are left out) and whose stage
is known (the CSV's `stage`, or derived from `first_foreign_sale_year`). The study's numbers
are Table 2's, for its five entry and five post-entry firms; since m, t and u cannot be seen
on a website, the study's web-observable part is given beside its printed totals.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from auditor.table2 import tools
from reports.scoring import (
    GROUP_TITLES,
    GROUPS,
    STUDY_FIRMS,
    FirmScore,
    study_split,
    study_uses,
)

STAGES = ("entry", "post-entry")
STAGE_TITLES = {"entry": "Entry", "post-entry": "Post-entry", "": "Stage unknown"}
IMC_LEVELS: tuple[int | None, ...] = (0, 1, 2, 3, 4, None)
IMC_TITLES = {0: "Below 1", 1: "Level 1", 2: "Level 2", 3: "Level 3", 4: "Level 4",
              None: "Not determined"}


def _assessed(scores: Mapping[str, FirmScore], stage: str | None = None) -> list[FirmScore]:
    return [s for s in scores.values() if s.assessed and (stage is None or s.stage == stage)]


def matrix_frame(scores: Mapping[str, FirmScore], firms: pd.DataFrame) -> pd.DataFrame:
    """Firms × letters like Table 2: 1 present, 0 absent, empty when not observable or not
    assessed (failed crawl); then the group subtotals and the variety."""
    info = firms.set_index("firm_id")
    rows: list[dict[str, Any]] = []
    for s in scores.values():
        firm = info.loc[s.firm_id] if s.firm_id in info.index else {}
        row: dict[str, Any] = {
            "firm_id": s.firm_id, "name": str(firm.get("name", "") or ""),
            "stage": s.stage, "stage_source": s.stage_source,
            "crawl_status": str(firm.get("status", "") or ""),
        }
        shown = set(s.present)
        for letter, tool in tools().items():
            row[letter] = (1 if letter in shown else 0) if s.assessed and tool.observable else None
        for g in s.groups:
            row[g.group] = g.present if s.assessed else None
        row["variety"] = s.variety if s.assessed else None
        row["observable"] = s.observable
        rows.append(row)
    columns = ["firm_id", "name", "stage", "stage_source", "crawl_status", *tools(), *GROUPS,
               "variety", "observable"]
    frame = pd.DataFrame(rows, columns=columns)
    for column in [*tools(), *GROUPS, "variety"]:
        frame[column] = frame[column].astype("Int64")
    return frame


def stage_firms(scores: Mapping[str, FirmScore]) -> dict[str, int]:
    """Assessed firms per stage ('' for unknown)."""
    counts = {stage: 0 for stage in (*STAGES, "")}
    for s in _assessed(scores):
        counts[s.stage if s.stage in counts else ""] += 1
    return counts


def _uses(firms: list[FirmScore], group: str | None = None, direction: str | None = None) -> int:
    table = tools()
    return sum(
        1 for s in firms for x in s.present
        if (group is None or table[x].group == group)
        and (direction is None or table[x].direction == direction)
    )


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def category_table(scores: Mapping[str, FirmScore]) -> pd.DataFrame:
    """Uses per Table-2 group and stage, with % of the stage's uses and uses per firm, beside
    the study's (printed, and web-observable only). One row per group, then the total."""
    rows = []
    for group in (*GROUPS, None):
        row: dict[str, Any] = {"group": group or "total",
                               "title": GROUP_TITLES[group] if group else "Total"}
        for stage in STAGES:
            firms = _assessed(scores, stage)
            uses = _uses(firms, group)
            row[f"{stage}_uses"] = uses
            row[f"{stage}_pct"] = _share(uses, _uses(firms))
            row[f"{stage}_per_firm"] = _share(uses, len(firms))
            printed = study_uses(stage, group)
            seen = study_uses(stage, group, observable_only=True)
            row[f"study_{stage}_uses"] = printed
            row[f"study_{stage}_pct"] = printed / study_uses(stage)
            row[f"study_{stage}_observable_uses"] = seen
            row[f"study_{stage}_observable_pct"] = seen / study_uses(stage, observable_only=True)
            row[f"study_{stage}_per_firm"] = seen / STUDY_FIRMS
        everyone = _assessed(scores)
        row["all_uses"] = _uses(everyone, group)
        row["all_pct"] = _share(row["all_uses"], _uses(everyone))
        rows.append(row)
    return pd.DataFrame(rows)


def direction_table(scores: Mapping[str, FirmScore]) -> pd.DataFrame:
    """Figures 1-2: direct and indirect uses per group and stage, per firm, beside the study's
    web-observable uses per firm. Rows: group × direction, then one total row per direction."""
    rows = []
    for direction in ("direct", "indirect"):
        for group in (*GROUPS, None):
            row: dict[str, Any] = {"direction": direction, "group": group or "total",
                                   "title": GROUP_TITLES[group] if group else "All groups"}
            for stage in STAGES:
                firms = _assessed(scores, stage)
                uses = _uses(firms, group, direction)
                row[f"{stage}_uses"] = uses
                row[f"{stage}_per_firm"] = _share(uses, len(firms))
                seen = study_uses(stage, group, observable_only=True, direction=direction)
                row[f"study_{stage}_uses"] = seen
                row[f"study_{stage}_per_firm"] = seen / STUDY_FIRMS
            rows.append(row)
    return pd.DataFrame(rows)


def direct_shares(scores: Mapping[str, FirmScore]) -> dict[str, dict[str, float | None]]:
    """Direct share of uses per stage: the region's, the study's observable and printed."""
    result: dict[str, dict[str, float | None]] = {}
    split = study_split()
    for stage in STAGES:
        firms = _assessed(scores, stage)
        result[stage] = {
            "region": _share(_uses(firms, direction="direct"), _uses(firms)),
            "study_observable": split[stage].share_observable,
            "study": split[stage].share,
        }
    return result


def imc_distribution(scores: Mapping[str, FirmScore]) -> pd.DataFrame:
    """Firms per IMC level and stage (all firms, failed crawls as 'not determined')."""
    rows = []
    for level in IMC_LEVELS:
        row: dict[str, Any] = {"level": level, "title": IMC_TITLES[level]}
        for stage in (*STAGES, ""):
            row[stage or "unknown"] = sum(
                1 for s in scores.values() if s.imc.level == level and s.stage == stage)
        row["all"] = sum(1 for s in scores.values() if s.imc.level == level)
        rows.append(row)
    return pd.DataFrame(rows)


def likeness_table(scores: Mapping[str, FirmScore]) -> pd.DataFrame:
    """Firms per stage and leaning of their stage likeness (the demo's acceptance check)."""
    rows = []
    for stage in (*STAGES, ""):
        firms = _assessed(scores, stage)
        row: dict[str, Any] = {"stage": stage, "title": STAGE_TITLES[stage], "firms": len(firms)}
        for leaning in ("entry", "post-entry", "neither"):
            row[leaning] = sum(1 for s in firms if s.likeness and s.likeness.leaning == leaning)
        rows.append(row)
    return pd.DataFrame(rows)


SORT_KEYS = {  # key (in the ranking pages' file names) → what the table is sorted by
    "variety": "variety",
    "name": "name",
    "stage": "stage",
    "direct-share": "direct share",
    "imc": "IMC level",
    "likeness": "stage likeness",
}


def rank(scores: Mapping[str, FirmScore], names: Mapping[str, str],
         key: str = "variety") -> list[FirmScore]:
    """Firms in the order of a sort key; failed crawls last, ties by name then id."""
    if key not in SORT_KEYS:
        raise ValueError(f"unknown sort {key!r}")

    def name(s: FirmScore) -> tuple[str, str]:
        return (names.get(s.firm_id, s.firm_id).casefold(), s.firm_id)

    def value(s: FirmScore) -> tuple[Any, ...]:
        if key == "name":
            return name(s)
        if not s.assessed:
            return (1, *name(s))
        if key == "variety":
            return (0, -s.variety, *name(s))
        if key == "stage":
            order = {"post-entry": 0, "entry": 1}.get(s.stage, 2)
            return (0, order, -s.variety, *name(s))
        if key == "direct-share":
            share = s.direct_share
            return (0, share is None, -(share or 0), -s.variety, *name(s))
        if key == "imc":
            return (0, -(s.imc.level or 0), -s.variety, *name(s))
        assert s.likeness is not None
        return (0, -s.likeness.margin, *name(s))

    return sorted(scores.values(), key=value)
