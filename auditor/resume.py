"""Finish an interrupted run: which run, which firms, with the caps it started with.

A run cut short (kill -9, a crash, Ctrl-C, a power cut) keeps everything it committed.
Firms whose crawl ended (done, partial, failed) are kept as they are; the others are
crawled again from their home page into the same run. Pages already stored are kept with
their evidence and not stored twice (`pages` is unique per run and URL), so the finished
run holds what an uninterrupted one would.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.database import SQLITE, Connection, as_database
from auditor.domains import Site, registered_domain
from auditor.firms import FirmRow
from auditor.storage import FINAL_STATUSES, StorageError, connect

# Settings that shape which pages a crawl reaches: a resumed run keeps the recorded ones.
KEPT_SETTINGS = ("AUDIT_PAGE_CAP", "AUDIT_DEPTH_CAP")


@dataclass(frozen=True, slots=True)
class ResumePlan:
    """What `auditor crawl --resume` does."""

    run_id: int
    firms_file: str
    firms: list[FirmRow]  # every firm of the run
    finished: frozenset[str]  # ids of firms whose crawl ended already
    settings: dict[str, object]


def unfinished_run(con: Connection, run: str) -> int:
    """`latest` (the newest run not done) or a run number → the id of a run to resume."""
    con = as_database(con)
    if run == "latest":
        row = con.execute("SELECT max(id) FROM runs WHERE status != 'done'").fetchone()
        if row is None or row[0] is None:
            raise StorageError("no unfinished run in this database: nothing to resume")
        return int(row[0])
    if not run.isdigit():
        raise StorageError(f"bad run {run!r}: give a run number, or --resume alone for the latest")
    found = con.execute("SELECT status FROM runs WHERE id = ?", (int(run),)).fetchone()
    if found is None:
        raise StorageError(f"no run {run} in this database: 'auditor runs' lists them")
    if found[0] == "done":
        raise StorageError(f"run {run} is finished: nothing to resume")
    return int(run)


def _firm(row: dict[str, Any]) -> FirmRow:
    host = row["domain"]
    return FirmRow(
        firm_id=row["firm_id"], domain=host,
        site=Site(host=host, registered=registered_domain(host), start_url=row["start_url"]),
        name=row["name"], stage=row["stage"], region=row["region"], founded=row["founded"],
        first_foreign_sale_year=row["first_foreign_sale_year"],
        profiles=tuple(row["profiles"].split()),
    )


def plan_resume(db: str | Path, run: str = "latest") -> ResumePlan:
    """Read from the database what resuming RUN means; StorageError when it cannot be."""
    con = connect(db, readonly=True)
    try:
        run_id = unfinished_run(con, run)
        meta = con.dicts("SELECT firms_file, settings_json FROM runs WHERE id = ?", (run_id,))[0]
        # the firms file's order: SQLite's rowid holds it even in files older than `seq`
        order = "rowid" if con.dialect == SQLITE else "seq"
        rows = con.dicts(f"SELECT * FROM firms WHERE run_id = ? ORDER BY {order}",  # noqa: S608
                         (run_id,))
    finally:
        con.close()
    if not rows:
        raise StorageError(f"run {run_id} has no firms: start a new run instead")
    recorded = json.loads(meta["settings_json"] or "{}")
    settings = {k: recorded[k] for k in KEPT_SETTINGS if recorded.get(k) is not None}
    return ResumePlan(
        run_id=run_id, firms_file=meta["firms_file"], firms=[_firm(r) for r in rows],
        finished=frozenset(r["firm_id"] for r in rows if r["status"] in FINAL_STATUSES),
        settings=settings,
    )
