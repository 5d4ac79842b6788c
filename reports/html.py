"""Offline HTML reports of a run: a region index (scores, the firms × Table-2 matrix beside
the study, charts, ranking pages, CSV/XLSX exports) and one page per firm.

Crawled text is hostile, so every template is autoescaped, only http(s) URLs become links,
snippets are cleaned and bounded, and a CSP forbids scripts: sorting is a set of pre-sorted
pages and filtering is CSS (`:target`), with no JavaScript at all. Charts are SVG drawn at
build time from our own numbers and labels. The pages carry their CSS inline: reports travel
as files and must open offline.
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing
import os
import re
import threading
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from auditor import __version__
from auditor.storage import connect, resolve_run
from auditor.table2 import Tool, tools
from reports.charts import (
    category_chart,
    direction_chart,
    firm_groups_chart,
    imc_chart,
    variety_chart,
)
from reports.checklist import (
    CRAWL_FAILED,
    CRAWL_FINISHED,
    NOT_OBSERVABLE,
    PRESENT,
    RunData,
    firm_summary,
    letter_status,
    load_run,
    records,
    stage_counts,
    tool_list,
)
from reports.diff import Since, since_previous
from reports.diff import profiles as read_profiles
from reports.export import region_frames, write_csv, write_xlsx
from reports.region import (
    SORT_KEYS,
    category_table,
    direct_shares,
    direction_table,
    imc_distribution,
    likeness_table,
    rank,
    stage_firms,
)
from reports.scoring import (
    EXTRAS,
    STUDY_FIRMS,
    FirmScore,
    observable_tools,
    score_run,
    study_split,
    study_uses,
)

MAX_SNIPPET = 160
MAX_URL_TEXT = 90
MAX_EVIDENCE_SHOWN = 20
MAX_EXTRA_SHOWN = 3
MAX_VALUES = 12
MAX_NAME = 60
GROUP_TITLES = {
    "digital": "Digital",
    "events": "Events",
    "documentation": "Documentation & publications",
    "relations": "Personal relations",
}
STAGE_TITLES = {"entry": "Entry", "post-entry": "Post-entry", "": "No stage given"}
SOURCE_TITLES = {"given": "as given in the firms file",
                 "derived": "derived: first foreign sale more than five years before the run",
                 "unknown": "unknown: no stage and no first foreign sale year given"}
_SAFE_NAME = re.compile(r"[^a-z0-9_.-]")
_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)
_HIDDEN_CATEGORIES = ("Cc", "Cf", "Co", "Cs")  # controls, bidi overrides, private use


@cache
def environment() -> Environment:
    """The one Jinja environment: autoescape always on (never select_autoescape)."""
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(pct=_pct, decimal=_decimal, signed=_signed)
    env.globals.update(SOURCE_TITLES=SOURCE_TITLES, ranking_filename=ranking_filename)
    return env


# ---- hostile text -------------------------------------------------------------------------

def clean_text(text: object, limit: int | None = None) -> str:
    """Printable text on one line: controls and bidi overrides removed, bounded with '…'."""
    if text is None:
        return ""
    visible = str(text)
    if not visible.isprintable():  # the rare slow path: tabs, controls, bidi overrides
        chars = (" " if c.isspace() else c for c in visible)
        visible = "".join(c for c in chars if unicodedata.category(c) not in _HIDDEN_CATEGORIES)
    flat = " ".join(visible.split())
    if limit is not None and len(flat) > limit:
        return flat[: limit - 1].rstrip() + "…"
    return flat


def safe_href(url: object) -> str | None:
    """The URL when it is a plain http(s) URL with a host; None for anything else."""
    if not isinstance(url, str) or not url or len(url) > 2000:
        return None
    # Spaces and the hidden categories are all non-printable but for " ": the per-character
    # look-up runs only for the rare URL that has one of them (a report has thousands).
    if (not url.isprintable() or " " in url) and any(
            c.isspace() or unicodedata.category(c) in _HIDDEN_CATEGORIES for c in url):
        return None
    lowered = url.lower()
    if not lowered.startswith(("http://", "https://")):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.hostname else None


# ---- file names ---------------------------------------------------------------------------

def firm_filename(firm_id: str) -> str:
    """A portable file name from the firm id alone: lower-case, [a-z0-9_.-], no '..'.

    When cleaning changed the id, a short hash of the id keeps names distinct
    (`ACME` and `acme`, `x..y` and `x.y`) on case-insensitive file systems too.
    """
    name = _SAFE_NAME.sub("-", firm_id.lower())
    name = re.sub(r"\.{2,}", ".", name).strip(".-")[:MAX_NAME].rstrip(".-") or "firm"
    if name.split(".")[0] in _WINDOWS_DEVICES:
        name = "_" + name
    if name != firm_id:
        name += "-" + hashlib.sha256(firm_id.encode("utf-8")).hexdigest()[:8]
    return name + ".html"


def firm_page_path(out_dir: Path, filename: str) -> Path:
    """Where a firm's page goes; refuses any path that would leave out_dir."""
    path = out_dir / "firms" / filename
    if not path.resolve().is_relative_to(out_dir.resolve()):
        raise ValueError(f"the page {filename!r} would leave the report folder: refused")
    return path


def _unique_filenames(firm_ids: list[str]) -> dict[str, str]:
    """File name per firm id, with a longer hash in the unlikely case two names collide."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for firm_id in firm_ids:
        name = firm_filename(firm_id)
        if name in taken:
            name = "firm-" + hashlib.sha256(firm_id.encode("utf-8")).hexdigest()[:24] + ".html"
        taken.add(name)
        names[firm_id] = name
    return names


# ---- view models --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class EvidenceView:
    """One evidence row as shown: a link only when the URL is http(s)."""

    href: str | None
    url_text: str
    url_cut: bool  # the shown URL was shortened: print the full link
    location: str
    snippet: str
    value: str
    rule_id: str
    confidence: float


@dataclass(slots=True)
class LetterView:
    """One Table-2 tool for one firm."""

    tool: Tool
    status: str
    count: int
    evidence: list[EvidenceView] = field(default_factory=list)
    hidden: int = 0


@dataclass(slots=True)
class ExtraView:
    """A finding beyond Table 2 (shown, never scored)."""

    code: str
    name: str
    count: int
    evidence: list[EvidenceView] = field(default_factory=list)
    hidden: int = 0
    values: list[str] = field(default_factory=list)  # distinct values, first ones
    more_values: int = 0


PLATFORM_TITLES = {
    "linkedin": "LinkedIn", "facebook": "Facebook", "x": "X (Twitter)", "youtube": "YouTube",
    "instagram": "Instagram", "vimeo": "Vimeo", "tiktok": "TikTok", "github": "GitHub",
    "mastodon": "Mastodon", "bluesky": "Bluesky", "threads": "Threads", "xing": "XING",
    "weibo": "Weibo", "wechat": "WeChat", "blog": "Blog feed (RSS/Atom)",
}
PROFILE_STATUSES = ("active", "passive", "unreachable", "unknown")


def platform_title(platform: object) -> str:
    text = clean_text(platform, 30)
    return PLATFORM_TITLES.get(text, text or "—")


@dataclass(frozen=True, slots=True)
class ProfileView:
    """A social profile of the firm as a `profiles` table records it."""

    platform: str
    href: str | None
    url_text: str
    status: str
    reason: str = ""  # why this status
    own_reason: str = ""  # why the profile is the firm's (or not)
    last_post: str = ""
    last_post_source: str = ""
    followers: str = ""
    links_back: str = ""  # "yes", "no" or "" (not known)
    title: str = ""

    @property
    def status_token(self) -> str:
        """A fixed token for CSS, never the stored text."""
        return self.status if self.status in PROFILE_STATUSES else "other"


@dataclass(frozen=True, slots=True)
class SinceView:
    """Changes since the firm's previous assessed run."""

    previous_run: int
    gained: list[tuple[str, str]]  # (letter or extra code, name)
    lost: list[tuple[str, str]]
    profiles: list[dict[str, str]]


@dataclass(slots=True)
class FirmView:
    """A firm's header data, its matrix row, its letters and its scores."""

    firm_id: str
    name: str
    domain: str
    start_href: str | None
    stage: str
    status: str
    reason: str
    pages: int
    errors: int
    filename: str
    present: int
    observable: int
    direct: int
    indirect: int
    letters: list[LetterView] = field(default_factory=list)
    score: FirmScore | None = None
    stage_source: str = ""
    extras: list[ExtraView] = field(default_factory=list)
    since: SinceView | None = None
    profiles: list[ProfileView] | None = None  # None: no profiles table, not assessed
    other_profiles: list[ProfileView] = field(default_factory=list)  # seen, not the firm's

    @property
    def failed(self) -> bool:
        return self.status == CRAWL_FAILED

    @property
    def unfinished(self) -> bool:
        return self.status not in CRAWL_FINISHED and not self.failed

    @property
    def stage_token(self) -> str:
        """A fixed token for CSS filters, never the stored text."""
        return {"entry": "entry", "post-entry": "post"}.get(self.stage, "none")

    @property
    def imc_token(self) -> str:
        level = self.score.imc.level if self.score else None
        return "na" if level is None else str(level)

    @property
    def profile_summary(self) -> str:
        if self.profiles is None:
            return "not assessed"
        if not self.profiles:
            return "no profile recorded"
        counts: dict[str, int] = {}
        for profile in self.profiles:
            counts[profile.status or "unknown"] = counts.get(profile.status or "unknown", 0) + 1
        return " · ".join(f"{n} {status}" for status, n in sorted(counts.items()))


@dataclass(frozen=True, slots=True)
class GroupView:
    """A Table-2 group (digital, events, documentation, relations) and its tools."""

    key: str
    title: str
    category: str
    tools: list[Tool]


def groups() -> list[GroupView]:
    """Table 2's groups in order, as the paper lays them out."""
    result: list[GroupView] = []
    for tool in tool_list():
        if not result or result[-1].key != tool.group:
            title = GROUP_TITLES.get(tool.group, tool.group.title())
            result.append(GroupView(tool.group, title, tool.category, []))
        result[-1].tools.append(tool)
    return result


@dataclass(frozen=True, slots=True)
class CategoryView:
    """Table 2's top level (digital, traditional) spanning its groups in the matrix header."""

    title: str
    groups: list[GroupView]

    @property
    def span(self) -> int:
        return sum(len(group.tools) for group in self.groups)

    @property
    def single(self) -> bool:
        """Digital has one group of the same name: its header spans both header rows."""
        return len(self.groups) == 1


def categories() -> list[CategoryView]:
    """Groups gathered under their category, in Table 2's order."""
    result: list[CategoryView] = []
    for group in groups():
        title = group.category.title()
        if not result or result[-1].title != title:
            result.append(CategoryView(title, []))
        result[-1].groups.append(group)
    return result


@lru_cache(maxsize=4096)  # a page's URL repeats on every piece of evidence found on it
def _url_view(url: str | None) -> tuple[str | None, str, bool]:
    """(href, shown text, whether it was cut) for an evidence URL."""
    return safe_href(url), clean_text(url, MAX_URL_TEXT), len(clean_text(url)) > MAX_URL_TEXT


def _evidence_view(row: dict[str, Any]) -> EvidenceView:
    url = row["url"]
    href, url_text, url_cut = _url_view(url) if isinstance(url, str) or url is None else (
        safe_href(url), clean_text(url, MAX_URL_TEXT), len(clean_text(url)) > MAX_URL_TEXT)
    return EvidenceView(
        href=href,
        url_text=url_text,
        url_cut=url_cut,
        location=clean_text(row["location"], 20),
        snippet=clean_text(row["snippet"], MAX_SNIPPET),
        value=clean_text(row["value"], MAX_SNIPPET),
        rule_id=clean_text(row["rule_id"], 60),
        confidence=float(row["confidence"]),
    )


Rows = list[dict[str, Any]]


def _by_firm(rows: Rows) -> dict[str, Rows]:
    grouped: dict[str, Rows] = {}
    for row in rows:
        grouped.setdefault(row["firm_id"], []).append(row)
    return grouped


def _letters(status_rows: Rows, evidence_rows: Rows) -> list[LetterView]:
    """The firm's 25 letters with at most MAX_EVIDENCE_SHOWN evidence rows each."""
    by_letter: dict[str, Rows] = {}
    for row in evidence_rows:
        by_letter.setdefault(row["letter"], []).append(row)
    views = []
    for row in status_rows:
        found = by_letter.get(row["letter"], [])
        views.append(LetterView(
            tool=tools()[row["letter"]], status=row["status"], count=int(row["evidence_count"]),
            evidence=[_evidence_view(e) for e in found[:MAX_EVIDENCE_SHOWN]],
            hidden=max(0, len(found) - MAX_EVIDENCE_SHOWN),
        ))
    return views


def _extras(evidence_rows: Rows) -> list[ExtraView]:
    """Findings beyond Table 2, in the order of EXTRAS, each with its first evidence rows."""
    by_code: dict[str, Rows] = {}
    for row in evidence_rows:
        if row["letter"] in EXTRAS:
            by_code.setdefault(row["letter"], []).append(row)
    views = []
    for code in EXTRAS:
        rows = by_code.get(code)
        if not rows:
            continue
        distinct: dict[str, dict[str, Any]] = {}
        for row in rows:  # one example per distinct value: site-wide findings repeat per page
            distinct.setdefault(clean_text(row["value"], MAX_SNIPPET), row)
        shown = list(distinct.values())[:MAX_EXTRA_SHOWN]
        values = [v for v in distinct if v]
        views.append(ExtraView(code, EXTRAS[code], len(rows), [_evidence_view(e) for e in shown],
                               len(rows) - len(shown), values[:MAX_VALUES],
                               max(0, len(values) - MAX_VALUES)))
    return views


def _code_name(code: str) -> str:
    return tools()[code].name_en if code in tools() else EXTRAS.get(code, code)


def _since_view(since: Since | None) -> SinceView | None:
    if since is None:
        return None
    return SinceView(
        since.previous_run,
        [(x, _code_name(x)) for x in since.gained],
        [(x, _code_name(x)) for x in since.lost],
        [{"platform": platform_title(p.get("platform")), "url": clean_text(p.get("url"), 90),
          "change": clean_text(p.get("change"), 40)} for p in since.profiles],
    )


def _yes_no(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return "yes" if int(value) else "no"  # type: ignore[call-overload]


def _count(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        return f"{int(value):,}".replace(",", " ")  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return ""


def _profile_views(rows: Rows | None) -> list[ProfileView] | None:
    if rows is None:
        return None
    return [ProfileView(platform_title(r.get("platform")), safe_href(r.get("url")),
                        clean_text(r.get("url"), MAX_URL_TEXT), clean_text(r.get("status"), 30),
                        clean_text(r.get("reason"), 160), clean_text(r.get("own_reason"), 100),
                        clean_text(r.get("last_post"), 10),
                        clean_text(r.get("last_post_source"), 20), _count(r.get("followers")),
                        _yes_no(r.get("links_back")), clean_text(r.get("og_title")
                                                                 or r.get("title"), 120))
            for r in rows]


def _firm_view(firm: dict[str, Any], counts: dict[str, Any], filename: str,
               letters: list[LetterView]) -> FirmView:
    firm_id = firm["firm_id"]
    return FirmView(
        firm_id=firm_id,
        name=clean_text(firm["name"], 200) or firm_id,
        domain=clean_text(firm["domain"], 253),
        start_href=safe_href(firm["start_url"]),
        stage=clean_text(firm["stage"], 20),
        status=clean_text(firm["status"], 20),
        reason=clean_text(firm["reason"], 300),
        pages=int(firm["pages_stored"]),
        errors=int(firm["errors"] or 0),
        filename=filename,
        present=int(counts.get("present", 0)),
        observable=int(counts.get("observable", 0)),
        direct=int(counts.get("direct", 0)),
        indirect=int(counts.get("indirect", 0)),
        letters=letters,
    )


def firm_views(run: RunData, status: pd.DataFrame,
               scores: dict[str, FirmScore] | None = None,
               since: dict[str, Since] | None = None,
               profiles: pd.DataFrame | None = None,
               others: pd.DataFrame | None = None) -> list[FirmView]:
    """Everything the templates show about each firm, cleaned for display."""
    summary = {row["firm_id"]: row for row in records(firm_summary(status))}
    status_by_firm = _by_firm(records(status))
    evidence_by_firm = _by_firm(records(run.evidence))
    profiles_by_firm = _by_firm(records(profiles)) if profiles is not None else None
    others_by_firm = _by_firm(records(others)) if others is not None else {}
    firms = records(run.firms)
    filenames = _unique_filenames([f["firm_id"] for f in firms])
    views = []
    for firm in firms:
        firm_id = firm["firm_id"]
        evidence = evidence_by_firm.get(firm_id, [])
        view = _firm_view(firm, summary.get(firm_id, {}), filenames[firm_id],
                          _letters(status_by_firm.get(firm_id, []), evidence))
        view.extras = _extras(evidence)
        if scores is not None and firm_id in scores:
            view.score = scores[firm_id]
            view.stage = view.score.stage
            view.stage_source = view.score.stage_source
        view.since = _since_view((since or {}).get(firm_id))
        if profiles_by_firm is not None:
            view.profiles = _profile_views(profiles_by_firm.get(firm_id, []))
            view.other_profiles = _profile_views(others_by_firm.get(firm_id, [])) or []
        views.append(view)
    return views


# ---- the matrix footer: the region's counts by stage beside the study's ----------------------

@dataclass(frozen=True, slots=True)
class StageRow:
    """A footer row of the matrix: firms of one stage showing each tool, and group subtotals."""

    title: str
    crawled: int | None  # None for the study's rows (5 firms each, said in the title)
    counts: list[int | None]  # None for tools that are not observable
    subtotals: list[int | None] = field(default_factory=list)
    kind: str = "region"  # region, study or total


def stage_rows(run: RunData, status: pd.DataFrame,
               scores: dict[str, FirmScore] | None = None) -> list[StageRow]:
    """Entry, post-entry, unstaged (when any) and all firms, failed crawls left out; with the
    study's own counts under each stage when scores are given."""
    if scores is None:
        return _given_stage_rows(run, status)
    table = tool_list()
    rows = []
    firms_by_stage: dict[str, list[FirmScore]] = {}
    for s in scores.values():
        if s.assessed:
            firms_by_stage.setdefault(s.stage, []).append(s)

    def region_row(title: str, firms: list[FirmScore], kind: str = "region") -> StageRow:
        shown = [set(s.present) for s in firms]
        counts = [sum(t.letter in p for p in shown) if t.observable else None for t in table]
        subtotals: list[int | None] = [sum(n or 0 for t, n in zip(table, counts, strict=True) if t.group == g.key)
                     for g in groups()]
        return StageRow(title, len(firms), counts, subtotals, kind)

    for stage in ("entry", "post-entry"):
        if stage in firms_by_stage:
            rows.append(region_row(STAGE_TITLES[stage], firms_by_stage[stage]))
        column = "entry_firms" if stage == "entry" else "post_entry_firms"
        study = [getattr(t, column) for t in table]
        rows.append(StageRow(f"Study {stage} firms (of 5)", None, list(study),
                             [sum(n for t, n in zip(table, study, strict=True) if t.group == g.key)
                              for g in groups()], "study"))
    if "" in firms_by_stage:
        rows.append(region_row(STAGE_TITLES[""], firms_by_stage[""]))
    everyone = [s for s in scores.values() if s.assessed]
    rows.append(region_row("All crawled firms", everyone, "total"))
    return rows


def _given_stage_rows(run: RunData, status: pd.DataFrame) -> list[StageRow]:
    counts = stage_counts(run, status)
    table = tool_list()
    rows = []
    order = [s for s in STAGE_TITLES if s in counts.index]
    order += sorted(s for s in counts.index if s not in STAGE_TITLES)
    for stage in order:
        line = counts.loc[stage]
        rows.append(StageRow(STAGE_TITLES.get(stage, clean_text(stage, 20)), int(line["crawled"]),
                             [int(line[t.letter]) if t.observable else None for t in table]))
    total = counts.sum()
    rows.append(StageRow("All crawled firms", int(total["crawled"]),
                         [int(total[t.letter]) if t.observable else None for t in table],
                         kind="total"))
    return rows


def display_time(value: object) -> str:
    """`2026-05-01T09:30:12+00:00` → `2026-05-01 09:30 UTC`; anything else as clean text."""
    text = clean_text(value, 40)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.utcoffset() is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def run_view(run: RunData, firms: list[FirmView]) -> dict[str, Any]:
    """The run's header: ids, dates, status, and crawl outcome counts."""
    row = run.run
    return {
        "id": run.run_id,
        "started_at": display_time(row.get("started_at")),
        "finished_at": display_time(row.get("finished_at")),
        "status": clean_text(row.get("status"), 20),
        "firms_file": clean_text(re.split(r"[\\/]", str(row.get("firms_file") or ""))[-1], 120),
        "auditor_version": clean_text(row.get("auditor_version"), 40),
        "firms": len(firms),
        "done": sum(f.status == "done" for f in firms),
        "partial": sum(f.status == "partial" for f in firms),
        "failed": sum(f.failed for f in firms),
        "unfinished": sum(f.unfinished for f in firms),
        "pages": sum(f.pages for f in firms),
    }


# ---- the region ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FilterView:
    """A CSS-only filter of the firm tables: a link to an empty target element."""

    target: str  # element id, also the CSS hook
    label: str
    count: int


@dataclass
class RegionView:
    """What the index and the ranking pages show beyond the matrix."""

    stage_firms: dict[str, int]
    categories: Rows
    directions: Rows
    shares: dict[str, dict[str, float | None]]
    imc: Rows
    likeness: Rows
    filters: list[FilterView]
    charts: dict[str, Markup]
    variety_mean: dict[str, float | None]
    study_variety: dict[str, float]
    profiles: Rows | None  # per platform: firms, active firms, status counts; None: no table
    exports: list[tuple[str, str]]  # (file name, what)
    profile_firms: int = 0  # the region's firms, the share's denominator


def _filters(firms: list[FirmView]) -> list[FilterView]:
    result = [FilterView("all-firms", "All firms", len(firms))]
    for token, label in (("entry", "Entry"), ("post", "Post-entry"), ("none", "Stage unknown")):
        n = sum(f.stage_token == token for f in firms)
        if n:
            result.append(FilterView(f"only-{token}", label, n))
    for level in ("0", "1", "2", "3", "4", "na"):
        n = sum(f.imc_token == level for f in firms)
        if n:
            title = {"0": "IMC below level 1", "na": "IMC not determined"}.get(
                level, f"IMC level {level}")
            result.append(FilterView(f"only-imc-{level}", title, n))
    return result


def region_view(scores: dict[str, FirmScore], firms: list[FirmView],
                profiles: pd.DataFrame | None) -> RegionView:
    """The region's tables and charts, computed from the firms' scores."""
    categories_table = category_table(scores)
    directions_table = direction_table(scores)
    imc_table = imc_distribution(scores)
    variety: dict[str, list[int]] = {}
    for s in scores.values():
        if s.assessed:
            variety.setdefault(s.stage or "unknown", []).append(s.variety)
    charts = {
        "categories": category_chart(categories_table),
        "directions": direction_chart(directions_table),
        "imc": imc_chart(imc_table),
        "variety": variety_chart(variety, len(observable_tools())),
    }
    profile_rows = profile_summary(profiles, firms) if profiles is not None else None
    means = {stage: (sum(v) / len(v) if v else None)
             for stage, v in ((k, variety.get(k, [])) for k in ("entry", "post-entry"))}
    return RegionView(
        stage_firms=stage_firms(scores),
        categories=records(categories_table),
        directions=records(directions_table),
        shares=direct_shares(scores),
        imc=records(imc_table),
        likeness=records(likeness_table(scores)),
        filters=_filters(firms),
        charts=charts,
        variety_mean=means,
        study_variety={stage: study_uses(stage, observable_only=True) / STUDY_FIRMS
                       for stage in ("entry", "post-entry")},
        profiles=profile_rows,
        profile_firms=len(firms),
        exports=[(f"{name}.{ext}", what) for name, what in EXPORTS.items()
                 for ext in ("csv", "xlsx")],
    )


def profile_summary(profiles: pd.DataFrame, firms: list[FirmView]) -> Rows:
    """Per platform: firms with a profile there, firms active there (a post within 180 days
    of the run), their share of the region's firms, by stage, and profiles by status; then
    a row for any platform."""
    stage = {f.firm_id: f.stage for f in firms}
    total = len(firms)
    frame = profiles.assign(platform=profiles["platform"].map(lambda p: clean_text(p, 30)),
                            status=profiles["status"].map(lambda p: clean_text(p, 30)))

    def row(title: str, group: pd.DataFrame) -> dict[str, Any]:
        active = set(group.loc[group["status"] == "active", "firm_id"])
        by_status = group.groupby("status").size()
        return {"platform": title, "firms": group["firm_id"].nunique(),
                "active": len(active), "share": len(active) / total if total else None,
                "entry": sum(stage.get(f) == "entry" for f in active),
                "post": sum(stage.get(f) == "post-entry" for f in active),
                "counts": {str(k): int(v) for k, v in by_status.items() if v}, "total": False}

    order = list(PLATFORM_TITLES)
    rows = [row(platform_title(platform), group) for platform, group in
            sorted(frame.groupby("platform"), key=lambda pair: (
                order.index(pair[0]) if pair[0] in order else len(order), pair[0]))]
    if rows:
        rows.append({**row("Any platform", frame), "total": True})
    return rows


# ---- rendering ----------------------------------------------------------------------------

def _pct(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{100 * float(value):.0f}%"  # type: ignore[arg-type]


def _decimal(value: object, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{float(value):.{digits}f}"  # type: ignore[arg-type]


def _signed(value: object) -> str:
    return f"{float(value):+.2f}".replace("-", "−")  # type: ignore[arg-type]


def _context(run: RunData, firms: list[FirmView]) -> dict[str, Any]:
    return {
        "run": run_view(run, firms),
        "groups": groups(),
        "categories": categories(),
        "group_starts": {group.tools[0].letter for group in groups()},
        "tools": tool_list(),
        "table": tools(),
        "version": __version__,
        "PRESENT": PRESENT,
        "NOT_OBSERVABLE": NOT_OBSERVABLE,
        "study": study_split(),
        "sort_keys": SORT_KEYS,
        "extras_names": EXTRAS,
    }


def render_index(context: dict[str, Any], firms: list[FirmView],
                 stages: list[StageRow], region: RegionView | None = None,
                 ranking: list[FirmView] | None = None) -> str:
    """The index page: run header, region figures, ranking, Table-2 matrix and the legend."""
    return environment().get_template("index.html").render(
        **context, firms=firms, stage_rows=stages, root="", region=region,
        ranking=ranking if ranking is not None else firms, sort="variety",
    )


def render_ranking(context: dict[str, Any], ranking: list[FirmView], key: str,
                   region: RegionView) -> str:
    """A page with the ranking table sorted by one key."""
    return environment().get_template("ranking.html").render(
        **context, ranking=ranking, sort=key, root="", region=region,
    )


def render_firm(context: dict[str, Any], firm: FirmView) -> str:
    """One firm's page: summary card, scores, next steps, changes, then the 25 tools."""
    chart = None
    if firm.score is not None and firm.score.assessed:
        chart = firm_groups_chart(tuple(g.present for g in firm.score.groups))  # type: ignore[arg-type]
    return environment().get_template("firm.html").render(
        **context, firm=firm, root="../", chart=chart,
    )


def ranking_filename(key: str) -> str:
    return f"ranking-{key}.html"


def write_reports(db: str | Path, run: str, out_dir: Path) -> Path:
    """Write index.html, the ranking pages, the exports and firms/<name>.html for one run;
    return the index path."""
    con = connect(db, readonly=True)
    try:
        data = load_run(con, resolve_run(con, run))
        since = since_previous(con, data.run_id)
        profiles = read_profiles(con, data.run_id)
        others = read_profiles(con, data.run_id, own=False)
    finally:
        con.close()
    status = letter_status(data)
    scores = score_run(status, data.evidence, data.firms, data.run.get("started_at"))
    firms = firm_views(data, status, scores, since, profiles, others)
    context = _context(data, firms)
    region = region_view(scores, firms, profiles)
    (out_dir / "firms").mkdir(parents=True, exist_ok=True)
    write_firm_pages(out_dir, context, firms)
    by_id = {f.firm_id: f for f in firms}
    names = {f.firm_id: f.name for f in firms}
    for key in SORT_KEYS:
        ranking = [by_id[s.firm_id] for s in rank(scores, names, key)]
        (out_dir / ranking_filename(key)).write_text(
            render_ranking(context, ranking, key, region), encoding="utf-8")
    ranking = [by_id[s.firm_id] for s in rank(scores, names, "variety")]
    write_region_exports(data, out_dir, scores)
    index = out_dir / "index.html"
    index.write_text(render_index(context, firms, stage_rows(data, status, scores), region,
                                  ranking), encoding="utf-8")
    return index


# A large region's firm pages are rendered by several processes (one core each): forked, so
# they inherit the views computed once here instead of receiving them pickled.
PARALLEL_MIN_FIRMS = 200
MAX_RENDER_PROCESSES = 4
_SHARED_PAGES: tuple[Path, dict[str, Any], list[FirmView]] | None = None


def write_firm_pages(out_dir: Path, context: dict[str, Any], firms: list[FirmView]) -> None:
    """firms/<name>.html for every firm; in parallel for a large region where fork exists
    and this process runs no other thread (forking a threaded process can deadlock)."""
    global _SHARED_PAGES
    processes = min(os.cpu_count() or 1, MAX_RENDER_PROCESSES)
    if (processes < 2 or len(firms) < PARALLEL_MIN_FIRMS or threading.active_count() > 1
            or "fork" not in multiprocessing.get_all_start_methods()):
        _write_share(out_dir, context, firms, 0, 1)
        return
    _SHARED_PAGES = (out_dir, context, firms)
    try:
        with ProcessPoolExecutor(processes - 1,
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            others = [pool.submit(_write_shared, k, processes) for k in range(1, processes)]
            _write_share(out_dir, context, firms, 0, processes)
            for done in others:
                done.result()
    finally:
        _SHARED_PAGES = None


def _write_shared(share: int, shares: int) -> None:
    """In a forked process: this share of the firm pages of the parent's region."""
    assert _SHARED_PAGES is not None
    _write_share(*_SHARED_PAGES, share, shares)


def _write_share(out_dir: Path, context: dict[str, Any], firms: list[FirmView],
                 share: int, shares: int) -> None:
    for firm in firms[share::shares]:
        path = firm_page_path(out_dir, firm.filename)
        path.write_text(render_firm(context, firm), encoding="utf-8")


EXPORTS = {"matrix": "the firms × letters matrix", "scores": "every firm's scores"}


def write_region_exports(data: RunData, out_dir: Path,
                         scores: dict[str, Any] | None = None) -> list[Path]:
    """matrix.csv, matrix.xlsx, scores.csv and scores.xlsx beside index.html."""
    frames = region_frames(data, scores)
    paths = []
    for name in EXPORTS:
        csv_path = out_dir / f"{name}.csv"
        with csv_path.open("w", encoding="utf-8", newline="") as handle:
            write_csv(frames[name], handle)
        xlsx_path = out_dir / f"{name}.xlsx"
        write_xlsx({name: frames[name]}, xlsx_path)
        paths += [csv_path, xlsx_path]
    return paths
