"""Offline HTML reports of a run: an index with the firms × Table-2 matrix, one page per firm.

Crawled text is hostile, so every template is autoescaped, only http(s) URLs become links,
snippets are cleaned and bounded, and a CSP forbids scripts. The pages carry their CSS
inline: reports travel as files and must open offline.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined

from auditor import __version__
from auditor.table2 import Tool, tools
from reports.checklist import (
    CRAWL_FAILED,
    CRAWL_FINISHED,
    NOT_OBSERVABLE,
    PRESENT,
    RunData,
    firm_summary,
    letter_status,
    read_run,
    records,
    stage_counts,
    tool_list,
)

MAX_SNIPPET = 160
MAX_URL_TEXT = 90
MAX_EVIDENCE_SHOWN = 20
MAX_NAME = 60
GROUP_TITLES = {
    "digital": "Digital",
    "events": "Events",
    "documentation": "Documentation & publications",
    "relations": "Personal relations",
}
STAGE_TITLES = {"entry": "Entry", "post-entry": "Post-entry", "": "No stage given"}
_SAFE_NAME = re.compile(r"[^a-z0-9_.-]")
_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)
_HIDDEN_CATEGORIES = ("Cc", "Cf", "Co", "Cs")  # controls, bidi overrides, private use


@cache
def environment() -> Environment:
    """The one Jinja environment: autoescape always on (never select_autoescape)."""
    return Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


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
    if any(c.isspace() or unicodedata.category(c) in _HIDDEN_CATEGORIES for c in url):
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
class FirmView:
    """A firm's header data, its matrix row and its letters."""

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

    @property
    def failed(self) -> bool:
        return self.status == CRAWL_FAILED

    @property
    def unfinished(self) -> bool:
        return self.status not in CRAWL_FINISHED and not self.failed


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


def _evidence_view(row: dict[str, Any]) -> EvidenceView:
    return EvidenceView(
        href=safe_href(row["url"]),
        url_text=clean_text(row["url"], MAX_URL_TEXT),
        url_cut=len(clean_text(row["url"])) > MAX_URL_TEXT,
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


def firm_views(run: RunData, status: pd.DataFrame) -> list[FirmView]:
    """Everything the templates show about each firm, cleaned for display."""
    summary = {row["firm_id"]: row for row in records(firm_summary(status))}
    status_by_firm = _by_firm(records(status))
    evidence_by_firm = _by_firm(records(run.evidence))
    firms = records(run.firms)
    filenames = _unique_filenames([f["firm_id"] for f in firms])
    return [
        _firm_view(firm, summary.get(firm["firm_id"], {}), filenames[firm["firm_id"]],
                   _letters(status_by_firm.get(firm["firm_id"], []),
                            evidence_by_firm.get(firm["firm_id"], [])))
        for firm in firms
    ]


@dataclass(frozen=True, slots=True)
class StageRow:
    """A footer row of the matrix: firms of one stage showing each tool."""

    title: str
    crawled: int
    counts: list[int | None]  # None for tools that are not observable


def stage_rows(run: RunData, status: pd.DataFrame) -> list[StageRow]:
    """Entry, post-entry, unstaged (when any) and all firms, failed crawls left out."""
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
                         [int(total[t.letter]) if t.observable else None for t in table]))
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


# ---- rendering ----------------------------------------------------------------------------

def _context(run: RunData, firms: list[FirmView]) -> dict[str, Any]:
    return {
        "run": run_view(run, firms),
        "groups": groups(),
        "categories": categories(),
        "group_starts": {group.tools[0].letter for group in groups()},
        "tools": tool_list(),
        "version": __version__,
        "PRESENT": PRESENT,
        "NOT_OBSERVABLE": NOT_OBSERVABLE,
    }


def render_index(context: dict[str, Any], firms: list[FirmView],
                 stages: list[StageRow]) -> str:
    """The index page: run header, firms table, Table-2 matrix and the tools legend."""
    return environment().get_template("index.html").render(
        **context, firms=firms, stage_rows=stages, root="",
    )


def render_firm(context: dict[str, Any], firm: FirmView) -> str:
    """One firm's page: header card, then all 25 tools with their evidence."""
    return environment().get_template("firm.html").render(**context, firm=firm, root="../")


def write_reports(db: Path, run: str, out_dir: Path) -> Path:
    """Write index.html and firms/<name>.html for one run; return the index path."""
    data = read_run(db, run)
    status = letter_status(data)
    firms = firm_views(data, status)
    context = _context(data, firms)
    (out_dir / "firms").mkdir(parents=True, exist_ok=True)
    for firm in firms:
        path = firm_page_path(out_dir, firm.filename)
        path.write_text(render_firm(context, firm), encoding="utf-8")
    index = out_dir / "index.html"
    index.write_text(render_index(context, firms, stage_rows(data, status)), encoding="utf-8")
    return index
