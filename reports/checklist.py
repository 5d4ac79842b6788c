"""The Table-2 checklist of one run, computed with pandas from storage alone.

Per firm and letter a tool is `present` (at least one evidence row), `absent`, or
`not_observable` (m, t, u: invisible from outside, so never reported as absent). Reports and
exports share these functions so that a page and a CSV can never disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from auditor.database import Connection, as_database
from auditor.storage import StorageError, connect, resolve_run
from auditor.table2 import Tool, tools

PRESENT, ABSENT, NOT_OBSERVABLE = "present", "absent", "not_observable"
STATUS_COLUMNS = ["firm_id", "letter", "status", "evidence_count", "example_url"]
EVIDENCE_COLUMNS = [
    "firm_id", "letter", "rule_id", "value", "url", "location", "snippet", "confidence",
]
CRAWL_FAILED = "failed"
CRAWL_FINISHED = ("done", "partial")  # other statuses ('pending') mean the run was cut short

_RUN_SQL = (
    "SELECT id, started_at, finished_at, status, firms_file, auditor_version "
    "FROM runs WHERE id = ?"
)
_FIRMS_SQL = (
    "SELECT f.firm_id, f.name, f.domain, f.start_url, f.stage, f.region, f.status, f.reason, "
    "f.pages, f.errors, f.founded, f.first_foreign_sale_year, f.profiles, "
    "(SELECT count(*) FROM pages p WHERE p.run_id = f.run_id AND p.firm_id = f.firm_id) "
    "AS pages_stored "
    "FROM firms f WHERE f.run_id = ? ORDER BY f.firm_id"
)
_EVIDENCE_SQL = (
    "SELECT id, firm_id, letter, rule_id, value, url, location, snippet, confidence "
    "FROM evidence WHERE run_id = ? ORDER BY firm_id, id"
)


@dataclass(frozen=True)
class RunData:
    """One run as read from storage: its row, its firms and its evidence."""

    run_id: int
    run: dict[str, Any]
    firms: pd.DataFrame  # one row per firm, sorted by firm_id, with pages_stored
    evidence: pd.DataFrame  # every evidence row, by firm_id, Table-2 order, then id


@cache
def _ranks() -> dict[str, int]:
    return {letter: rank for rank, letter in enumerate(tools())}


def letter_rank(letter: str) -> int:
    """Position in Table 2; letters outside it sort last."""
    return _ranks().get(letter, len(_ranks()))


def load_run(con: Connection, run_id: int) -> RunData:
    """Read a run's row, firms and evidence with parameterised queries."""
    con = as_database(con)
    try:
        run = con.read_frame(_RUN_SQL, (run_id,))
        firms = con.read_frame(_FIRMS_SQL, (run_id,))
        evidence = con.read_frame(_EVIDENCE_SQL, (run_id,))
    except con.errors as exc:
        reason = " ".join(str(exc).split())
        raise StorageError(f"cannot read run {run_id} ({reason}): pass another --db") from None
    if run.empty:
        raise StorageError(f"no run {run_id} in this database: 'auditor runs' lists them")
    evidence = _sort_evidence(evidence)
    return RunData(run_id=run_id, run=records(run)[0], firms=firms, evidence=evidence)


def read_run(db: str | Path, run: str) -> RunData:
    """Open the database read-only, resolve `latest` or a number, load that run."""
    con = connect(db, readonly=True)
    try:
        return load_run(con, resolve_run(con, run))
    finally:
        con.close()


def _sort_evidence(evidence: pd.DataFrame) -> pd.DataFrame:
    """By firm, then Table-2 order, then discovery order: how every report lists it."""
    ranked = evidence.assign(_rank=evidence["letter"].map(letter_rank))
    ranked = ranked.sort_values(["firm_id", "_rank", "id"], kind="stable")
    return ranked.drop(columns="_rank").reset_index(drop=True)


def _observable(letter: str) -> bool:
    return tools()[letter].observable


def letter_status(run: RunData) -> pd.DataFrame:
    """Every firm × every Table-2 letter, with its status, evidence count and an example URL."""
    order = list(tools())
    grid = pd.MultiIndex.from_product(
        [run.firms["firm_id"].tolist(), order], names=["firm_id", "letter"]
    ).to_frame(index=False)
    evidence = run.evidence[run.evidence["letter"].isin(order)]
    stats = evidence.groupby(["firm_id", "letter"], sort=False).agg(
        evidence_count=("id", "size"), example_url=("url", "first")
    )
    out = grid.merge(stats.reset_index(), on=["firm_id", "letter"], how="left")
    out["evidence_count"] = out["evidence_count"].fillna(0).astype("int64")
    status = pd.Series(ABSENT, index=out.index, dtype=object)
    status[out["evidence_count"] > 0] = PRESENT
    status[~out["letter"].map(_observable).astype(bool)] = NOT_OBSERVABLE
    out["status"] = status
    out["example_url"] = out["example_url"].astype(object).where(out["example_url"].notna(), None)
    return out[STATUS_COLUMNS]


def firm_summary(status: pd.DataFrame) -> pd.DataFrame:
    """Per firm: present observable letters (the variety), observable letters, direct, indirect."""
    table = tools()
    frame = status.assign(
        observable=status["letter"].map(_observable).astype(bool),
        direct=status["letter"].map(lambda x: table[x].direction == "direct").astype(bool),
        hit=status["status"] == PRESENT,
    )
    frame = frame.assign(
        present_direct=frame["hit"] & frame["direct"],
        present_indirect=frame["hit"] & ~frame["direct"],
    )
    summary = frame.groupby("firm_id", sort=True).agg(
        present=("hit", "sum"), observable=("observable", "sum"),
        direct=("present_direct", "sum"), indirect=("present_indirect", "sum"),
    )
    return summary.astype("int64").reset_index()


def stage_counts(run: RunData, status: pd.DataFrame) -> pd.DataFrame:
    """Per stage and letter: how many crawled firms show the tool, and how many were crawled.

    Failed firms are left out: their `absent` says nothing about the firm.
    """
    firms = run.firms.loc[run.firms["status"] != CRAWL_FAILED, ["firm_id", "stage"]]
    firms = firms.assign(stage=firms["stage"].fillna("").astype(str))
    joined = status.merge(firms, on="firm_id", how="inner")
    joined = joined.assign(hit=(joined["status"] == PRESENT).astype("int64"))
    counts = joined.pivot_table(index="stage", columns="letter", values="hit", aggfunc="sum",
                                fill_value=0)
    counts = counts.reindex(columns=list(tools()), fill_value=0)
    counts["crawled"] = firms.groupby("stage").size().reindex(counts.index).fillna(0)
    return counts.astype("int64")


def evidence_export(run: RunData) -> pd.DataFrame:
    """The evidence rows as exported: no database ids."""
    return run.evidence[EVIDENCE_COLUMNS].reset_index(drop=True)


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (
        isinstance(value, float) and math.isnan(value))


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain Python dicts, with missing values as None (for JSON and templates)."""
    return [
        {key: (None if _missing(value) else value) for key, value in row.items()}
        for row in frame.to_dict("records")
    ]


def tool_list() -> list[Tool]:
    """Table 2's tools in order."""
    return list(tools().values())
