"""Scores of each firm against the study: pure functions of what storage holds.

Nothing here crawls, opens a database or imports a rule: the inputs are the checklist
(`letter_status`), the evidence rows and the firms of a run, as pandas frames or plain
mappings, so every score can be recomputed by hand from a small table. Per firm:

- **variety**: distinct Table-2 tools present over the web-observable letters (22 of 25);
  m, t and u cannot be seen from the web and never count, present or absent;
- **subtotals** per Table-2 group (digital, events, documentation, relations);
- **direct vs indirect**: present tools by the paper's two-way / one-way split (Figures 1-2)
  and the direct share, beside the study's own split;
- **IMC level** (Kliatchko & Schultz's four levels) from observable proxies, cumulative: each
  level needs the one below. Level 1: a variety (at least two tools). Level 2: every touchpoint
  group (a tool in each of the four groups) and at least two contact channels. Level 3:
  analytics (g) plus data collection (gated content or a marketing-automation tag). Level 4:
  conversion or ROI instrumentation (an advertising-conversion tag among the g evidence).
  What no website shows (coordination of messages, resource allocation) is said to be
  "cannot be determined from the web";
- **stage likeness**: a smoothed log-likelihood ratio of the firm's observable tools under the
  study's post-entry and entry frequencies (Table 2, out of 5 each, Laplace smoothing), each
  letter's contribution listed. It says which group of the study the firm's tools resemble,
  never which stage the firm is at;
- **next steps**: tools that the study's post-entry firms use more than its entry firms and
  this firm does not show, cheapest first, each with the paper's reason (`data/next_steps.csv`).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd

from auditor.table2 import Tool, tools

GROUPS = ("digital", "events", "documentation", "relations")
GROUP_TITLES = {
    "digital": "Digital",
    "events": "Events",
    "documentation": "Documentation & publications",
    "relations": "Personal relations",
}
PRESENT, ABSENT, NOT_OBSERVABLE = "present", "absent", "not_observable"
STUDY_FIRMS = 5  # firms per stage in the study
POST_ENTRY_AFTER_YEARS = 5  # post-entry: first foreign sale more than five years before
CHEAP = 2  # costs 1-2 are "inexpensive" next steps
COSTS = {1: "almost free", 2: "low cost", 3: "moderate cost", 4: "high cost"}
CONTACT_CHANNELS = {  # letter or extra → what it is, for IMC level 2
    "d": "a general e-mail address (d)",
    "x": "a phone number (x)",
    "contact-form": "a contact form",
    "live-chat": "a live chat",
}
# Findings beyond Table 2: shown, never scored. Same codes as the rules' EXTRAS (a test checks).
EXTRAS: dict[str, str] = {
    "contact-form": "Contact form",
    "news": "Press releases and news",
    "live-chat": "Live chat",
    "marketing-automation": "Marketing automation and CRM",
    "gated-content": "Gated content (form before download)",
    "organization": "schema.org Organization data",
    "languages": "Languages offered",
    "distributors": "Distributors or representatives abroad",
}
DATA_COLLECTION = {  # extras that show data collection, for IMC level 3
    "gated-content": "gated content (a form before a download)",
    "marketing-automation": "a marketing-automation or CRM tag",
}
CANNOT = "cannot be determined from the web"


# ---- the study's data ----------------------------------------------------------------------

def observable(letter: str) -> bool:
    return tools()[letter].observable


def observable_tools() -> list[Tool]:
    return [t for t in tools().values() if t.observable]


@dataclass(frozen=True, slots=True)
class StudySplit:
    """The study's uses by stage: all of Table 2, and its web-observable part."""

    stage: str
    direct: int
    indirect: int
    direct_observable: int
    indirect_observable: int

    @property
    def share(self) -> float:
        return self.direct / (self.direct + self.indirect)

    @property
    def share_observable(self) -> float:
        return self.direct_observable / (self.direct_observable + self.indirect_observable)


@cache
def study_split() -> dict[str, StudySplit]:
    """Figures 1-2: direct and indirect uses per stage (entry 12/16, post-entry 26/13)."""
    result = {}
    for stage, column in (("entry", "entry_firms"), ("post-entry", "post_entry_firms")):
        sums = {(d, o): 0 for d in ("direct", "indirect") for o in (True, False)}
        for tool in tools().values():
            sums[tool.direction, tool.observable] += getattr(tool, column)
        result[stage] = StudySplit(
            stage,
            direct=sums["direct", True] + sums["direct", False],
            indirect=sums["indirect", True] + sums["indirect", False],
            direct_observable=sums["direct", True],
            indirect_observable=sums["indirect", True],
        )
    return result


def study_uses(stage: str, group: str | None = None, *, observable_only: bool = False,
               direction: str | None = None) -> int:
    """Uses of the study's firms of a stage (of 5), optionally by group and direction."""
    column = "entry_firms" if stage == "entry" else "post_entry_firms"
    return sum(
        getattr(t, column) for t in tools().values()
        if (group is None or t.group == group)
        and (direction is None or t.direction == direction)
        and (t.observable or not observable_only)
    )


@dataclass(frozen=True, slots=True)
class Cost:
    """How much a tool costs a small firm (1 almost free … 4 high) and the paper's reason."""

    letter: str
    cost: int
    reason: str

    @property
    def label(self) -> str:
        return COSTS[self.cost]


@cache
def costs() -> dict[str, Cost]:
    """The cost table (`reports/data/next_steps.csv`), one row per Table-2 letter."""
    text = resources.files("reports").joinpath("data/next_steps.csv").read_text("utf-8")
    result = {}
    for row in csv.DictReader(text.splitlines()):
        cost = int(row["cost"])
        if row["letter"] not in tools() or cost not in COSTS:
            raise ValueError(f"next_steps.csv: bad row {row!r}")
        result[row["letter"]] = Cost(row["letter"], cost, row["reason"])
    return result


@cache
def imc_proxies() -> dict[str, str]:
    """Technology name (as the g rule writes it first in `value`) → conversion | automation."""
    text = resources.files("reports").joinpath("data/imc_proxies.csv").read_text("utf-8")
    return {row["technology"]: row["proxy"] for row in csv.DictReader(text.splitlines())}


def technology_of(value: str) -> str | None:
    """`Meta Pixel 1234567890` → `Meta Pixel`: the longest known name that starts the value."""
    best = None
    for name in imc_proxies():
        if (value == name or value.startswith(name + " ")) and (best is None or len(name) > len(best)):
            best = name
    return best


# ---- stage of a firm -----------------------------------------------------------------------

def run_year(started_at: object) -> int | None:
    """The year a run started, from its ISO timestamp."""
    try:
        return datetime.fromisoformat(str(started_at)).year
    except ValueError:
        return None


def stage_of(given: object, first_foreign_sale_year: object, year: int | None) -> tuple[str, str]:
    """(stage, source): the CSV's stage, else derived as the study does, else unknown.

    Post-entry when the first foreign sale is more than five years before the run's year.
    """
    text = "" if given is None or (isinstance(given, float) and math.isnan(given)) else str(given)
    if text in ("entry", "post-entry"):
        return text, "given"
    try:
        sale = int(first_foreign_sale_year)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return "", "unknown"
    if year is None or sale > year:
        return "", "unknown"
    return ("post-entry" if year - sale > POST_ENTRY_AFTER_YEARS else "entry"), "derived"


# ---- the parts of a firm's score -----------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Contribution:
    """One observable letter's weight in the stage likeness (natural log)."""

    letter: str
    present: bool
    entry_firms: int
    post_entry_firms: int
    p_entry: float  # smoothed share of the study's entry firms using the tool
    p_post: float
    weight: float  # > 0 leans towards post-entry, < 0 towards entry

    @property
    def toward(self) -> str:
        return "post-entry" if self.weight > 0 else "entry" if self.weight < 0 else "neither"


@dataclass(frozen=True, slots=True)
class Likeness:
    """How much the firm's observable tools resemble the study's post-entry vs entry firms."""

    margin: float  # sum of the weights: log of the likelihood ratio post-entry / entry
    contributions: tuple[Contribution, ...]

    @property
    def leaning(self) -> str:
        if abs(self.margin) < 0.005:
            return "neither"
        return "post-entry" if self.margin > 0 else "entry"

    @property
    def ratio(self) -> float:
        """How many times likelier the pattern is under the leaning group's frequencies."""
        return math.exp(abs(self.margin))

    @property
    def wording(self) -> str:
        size = f"{abs(self.margin):.2f}"
        if self.leaning == "neither":
            return f"resembles the study's entry and post-entry firms equally (margin {size})"
        slightly = ", slightly" if abs(self.margin) < 1 else ""
        return f"resembles the study's {self.leaning} firms{slightly} (margin {size})"

    def top(self, n: int = 3) -> list[Contribution]:
        """The letters that weigh most, largest first."""
        return sorted(self.contributions, key=lambda c: (-abs(c.weight), c.letter))[:n]


def stage_likeness(present: Iterable[str]) -> Likeness:
    """Sum over observable letters of log P(status | post-entry) / P(status | entry).

    P(tool | stage) = (firms of the stage using it + 1) / (5 + 2): Laplace smoothing keeps a
    tool that no study firm of one stage used from deciding alone.
    """
    shown = set(present)
    parts = []
    for tool in observable_tools():
        p_entry = (tool.entry_firms + 1) / (STUDY_FIRMS + 2)
        p_post = (tool.post_entry_firms + 1) / (STUDY_FIRMS + 2)
        has = tool.letter in shown
        weight = math.log(p_post / p_entry) if has else math.log((1 - p_post) / (1 - p_entry))
        parts.append(Contribution(tool.letter, has, tool.entry_firms, tool.post_entry_firms,
                                  p_entry, p_post, weight))
    return Likeness(sum(c.weight for c in parts), tuple(parts))


@dataclass(frozen=True, slots=True)
class NextStep:
    """A tool the study's post-entry firms use more and this firm does not show."""

    letter: str
    name: str
    cost: int
    cost_label: str
    entry_firms: int
    post_entry_firms: int
    reason: str

    @property
    def inexpensive(self) -> bool:
        return self.cost <= CHEAP


def next_steps(present: Iterable[str]) -> list[NextStep]:
    """Observable tools missing here that post-entry firms use more than entry firms.

    Cheapest first, then the largest gap between the groups, then Table-2 order.
    """
    shown = set(present)
    order = {letter: i for i, letter in enumerate(tools())}
    steps = [
        NextStep(t.letter, t.name_en, costs()[t.letter].cost, costs()[t.letter].label,
                 t.entry_firms, t.post_entry_firms, costs()[t.letter].reason)
        for t in observable_tools()
        if t.letter not in shown and t.post_entry_firms > t.entry_firms
    ]
    return sorted(steps, key=lambda s: (s.cost, s.entry_firms - s.post_entry_firms,
                                        order[s.letter]))


@dataclass(frozen=True, slots=True)
class Imc:
    """An IMC level from observable proxies, why, and what the next level needs."""

    level: int | None  # None: cannot be determined; 0: below level 1
    reasons: tuple[str, ...]
    missing: tuple[str, ...]  # what the next level needs and this firm does not show
    notes: tuple[str, ...] = ()  # what the web cannot show, signals above the level

    @property
    def label(self) -> str:
        if self.level is None:
            return "not determined"
        return "below level 1" if self.level == 0 else f"level {self.level}"


def imc_level(present: Iterable[str], extras: Iterable[str] = (),
              g_values: Iterable[str] = (), *, assessed: bool = True) -> Imc:
    """The highest level whose proxies and every lower level's proxies the firm shows."""
    if not assessed:
        return Imc(None, (f"{CANNOT}: the crawl failed, nothing was assessed",), ())
    shown = {p for p in present if p in tools() and observable(p)}
    found = set(extras)
    techs = {tech for value in g_values if (tech := technology_of(str(value)))}
    proxies = imc_proxies()
    conversion = sorted(t for t in techs if proxies[t] == "conversion")
    automation = sorted(t for t in techs if proxies[t] == "automation")
    table = tools()

    # level 1: a variety of tools; their coordination is invisible
    level1 = len(shown) >= 2
    r1 = f"a variety of tools: {len(shown)} of {len(observable_tools())} observable tools shown"
    m1 = f"at least two Table-2 tools (only {len(shown)} shown)"
    # level 2: all touchpoints: every group, two contact channels
    groups_missing = [g for g in GROUPS if not any(table[x].group == g for x in shown)]
    channels = [c for c in CONTACT_CHANNELS if c in shown or c in found]
    level2 = not groups_missing and len(channels) >= 2
    r2 = ("touchpoints in all four groups and " + str(len(channels)) + " contact channels ("
          + ", ".join(CONTACT_CHANNELS[c] for c in channels) + ")")
    m2 = [f"a tool in the {GROUP_TITLES[g].lower()} group" for g in groups_missing]
    if len(channels) < 2:
        others = [CONTACT_CHANNELS[c] for c in CONTACT_CHANNELS if c not in channels]
        m2.append(f"{2 - len(channels)} more contact channel(s): " + " or ".join(others))
    # level 3: analytics plus data collection
    collection = [text for c, text in DATA_COLLECTION.items() if c in found]
    collection += [f"{t} tag" for t in automation]
    analytics = "g" in shown
    level3 = analytics and bool(collection)
    r3 = "web analytics (g) and data collection: " + ", ".join(collection)
    m3 = []
    if not analytics:
        m3.append("web analytics (g)")
    if not collection:
        m3.append("data collection: gated content or a marketing-automation tag")
    # level 4: conversion or ROI instrumentation
    level4 = bool(conversion)
    r4 = "conversion or ROI instrumentation: " + ", ".join(conversion)
    m4 = ("conversion or ROI instrumentation (an advertising-conversion tag such as "
          "Google Ads conversion, LinkedIn Insight Tag or Meta Pixel)")

    reached = [level1, level2, level3, level4]
    level = 0
    while level < 4 and reached[level]:
        level += 1
    early = f"only {len(shown)} observable tool(s) shown: not yet a variety"
    reasons = [r1, r2, r3, r4][:level] or [early]
    missing = {0: [m1], 1: m2, 2: m3, 3: [m4], 4: []}[level]
    notes = []
    if level >= 1:
        notes.append(f"Whether the messages are coordinated (one sight, one sound) {CANNOT}.")
    above = [n for n, ok in ((3, level3), (4, level4)) if ok and n > level + 1]
    if above:
        notes.append("Signals of level " + " and ".join(map(str, above)) + " are shown too, "
                     "but the levels build on each other.")
    if level == 4:
        notes.append("Resource allocation, organisational alignment and the evaluation of "
                     f"returns {CANNOT}: the conversion tags are their only visible trace.")
    else:
        notes.append(f"Level 4 (resource allocation, return on investment) {CANNOT} beyond "
                     "its conversion tags.")
    return Imc(level, tuple(reasons), tuple(missing), tuple(notes))


# ---- a firm's whole score ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class GroupScore:
    group: str
    present: int
    observable: int
    letters: tuple[str, ...]  # present letters


@dataclass(slots=True)
class FirmScore:
    """Everything scored for one firm of one run."""

    firm_id: str
    assessed: bool  # False when the crawl failed: scores are not available
    stage: str
    stage_source: str  # given, derived or unknown
    present: tuple[str, ...]
    absent: tuple[str, ...]
    not_observable: tuple[str, ...]
    evidence: dict[str, int]  # letter → evidence rows
    groups: list[GroupScore]
    direct: int
    indirect: int
    imc: Imc
    likeness: Likeness | None
    steps: list[NextStep] = field(default_factory=list)
    extras: dict[str, int] = field(default_factory=dict)  # extra code → evidence rows

    @property
    def variety(self) -> int:
        return len(self.present)

    @property
    def observable(self) -> int:
        return len(self.present) + len(self.absent)

    @property
    def variety_share(self) -> float | None:
        return self.variety / self.observable if self.assessed and self.observable else None

    @property
    def direct_share(self) -> float | None:
        total = self.direct + self.indirect
        return self.direct / total if self.assessed and total else None


def score_firm(firm_id: str, statuses: Mapping[str, str], *, counts: Mapping[str, int] | None = None,
               extras: Mapping[str, int] | None = None, g_values: Iterable[str] = (),
               assessed: bool = True, stage: str = "", stage_source: str = "unknown") -> FirmScore:
    """Score one firm from its Table-2 statuses (letter → present/absent/not_observable)."""
    table = tools()
    present = tuple(x for x in table if statuses.get(x) == PRESENT and table[x].observable)
    absent = tuple(x for x in table if table[x].observable and x not in present)
    hidden = tuple(x for x in table if not table[x].observable)
    groups = [
        GroupScore(g, sum(table[x].group == g for x in present),
                   sum(t.group == g and t.observable for t in table.values()),
                   tuple(x for x in present if table[x].group == g))
        for g in GROUPS
    ]
    direct = sum(table[x].direction == "direct" for x in present)
    found = dict(extras or {})
    return FirmScore(
        firm_id=firm_id, assessed=assessed, stage=stage, stage_source=stage_source,
        present=present if assessed else (), absent=absent if assessed else (),
        not_observable=hidden, evidence=dict(counts or {}),
        groups=groups if assessed else [GroupScore(g.group, 0, g.observable, ()) for g in groups],
        direct=direct if assessed else 0,
        indirect=len(present) - direct if assessed else 0,
        imc=imc_level(present, found, g_values, assessed=assessed),
        likeness=stage_likeness(present) if assessed else None,
        steps=next_steps(present) if assessed else [],
        extras=found,
    )


def score_run(status: pd.DataFrame, evidence: pd.DataFrame, firms: pd.DataFrame,
              started_at: object = None) -> dict[str, FirmScore]:
    """Every firm of a run: `status` from letter_status, `evidence` with firm_id/letter/value,
    `firms` with firm_id, status (crawl) and optionally stage and first_foreign_sale_year."""
    year = run_year(started_at)
    grid = status.pivot(index="firm_id", columns="letter", values="status")
    count_grid = status.pivot(index="firm_id", columns="letter", values="evidence_count")
    extra_rows = evidence[evidence["letter"].isin(list(EXTRAS))]
    extra_counts: dict[str, dict[str, int]] = {}
    for (firm, code), n in extra_rows.groupby(["firm_id", "letter"]).size().items():
        extra_counts.setdefault(str(firm), {})[str(code)] = int(n)
    g_rows = evidence.loc[evidence["letter"] == "g", ["firm_id", "value"]]
    g_values: dict[str, list[str]] = {}
    for firm, value in zip(g_rows["firm_id"], g_rows["value"], strict=True):
        g_values.setdefault(firm, []).append(str(value))
    result = {}
    for firm in firms.to_dict("records"):
        firm_id = firm["firm_id"]
        stage, source = stage_of(firm.get("stage"), firm.get("first_foreign_sale_year"), year)
        statuses = grid.loc[firm_id].to_dict() if firm_id in grid.index else {}
        counts = ({k: int(v) for k, v in count_grid.loc[firm_id].items() if v}
                  if firm_id in count_grid.index else {})
        result[firm_id] = score_firm(
            firm_id, statuses, counts=counts, extras=extra_counts.get(firm_id, {}),
            g_values=g_values.get(firm_id, ()), assessed=firm.get("status") != "failed",
            stage=stage, stage_source=source,
        )
    return result


SCORE_COLUMNS = [
    "firm_id", "stage", "stage_source", "assessed", "variety", "observable", "variety_share",
    *[f"{g}_{k}" for g in GROUPS for k in ("present", "observable")],
    "direct", "indirect", "direct_share", "imc_level", "imc_label", "likeness_margin",
    "likeness_leaning", "likeness", "next_steps", "extras", "present_letters",
]


def scores_frame(scores: Mapping[str, FirmScore]) -> pd.DataFrame:
    """One row per firm, the numbers of every score (what the scores export writes)."""
    rows: list[dict[str, Any]] = []
    for s in scores.values():
        row: dict[str, Any] = {
            "firm_id": s.firm_id, "stage": s.stage, "stage_source": s.stage_source,
            "assessed": s.assessed,
            "variety": s.variety if s.assessed else None,
            "observable": s.observable,
            "variety_share": s.variety_share,
            "direct": s.direct if s.assessed else None,
            "indirect": s.indirect if s.assessed else None,
            "direct_share": s.direct_share,
            "imc_level": s.imc.level, "imc_label": s.imc.label,
            "likeness_margin": round(s.likeness.margin, 4) if s.likeness else None,
            "likeness_leaning": s.likeness.leaning if s.likeness else "",
            "likeness": s.likeness.wording if s.likeness else "not assessed",
            "next_steps": " ".join(x.letter for x in s.steps if x.inexpensive),
            "extras": " ".join(sorted(s.extras)),
            "present_letters": "".join(s.present),
        }
        for g in s.groups:
            row[f"{g.group}_present"] = g.present if s.assessed else None
            row[f"{g.group}_observable"] = g.observable
        rows.append(row)
    frame = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    for column in ("variety", "direct", "indirect", "imc_level",
                   *[f"{g}_present" for g in GROUPS]):
        frame[column] = frame[column].astype("Int64")
    return frame
