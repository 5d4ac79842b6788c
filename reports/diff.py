"""What changed for each firm between two runs of one database: tools gained and lost, and
social profiles that became active or passive (once a `profiles` table exists).

Reads storage only, through parameterised read-only queries; the comparison itself is a pure
function of two small frames, so `auditor diff`, the firm reports' "since the previous run"
and the notebook API agree by construction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from auditor.database import Connection, as_database
from auditor.storage import StorageError, connect, resolve_run
from auditor.table2 import tools
from reports.scoring import EXTRAS

CHANGE_COLUMNS = ["firm_id", "kind", "letter", "tool", "change"]
PROFILE_COLUMNS = ["firm_id", "platform", "url", "before", "after", "change"]
ASSESSED = ("done", "partial")
_PROFILE_STATUS = ("status", "activity", "state")
_PROFILE_URL = ("url", "profile_url")
# Columns the firm report shows when the table has them (older or foreign tables may not).
PROFILE_DETAILS = ("handle", "kind", "own_reason", "found_on", "reason", "visit", "http_status",
                   "login_wall", "title", "og_title", "followers", "links_back", "last_post",
                   "last_post_source", "feed_url")


# ---- read-only queries -------------------------------------------------------------------

def firm_rows(con: Connection, run_id: int) -> pd.DataFrame:
    """firm_id, name and crawl status of a run's firms."""
    con = as_database(con)
    return con.read_frame(
        "SELECT firm_id, name, status FROM firms WHERE run_id = ? ORDER BY firm_id", (run_id,))


def found_codes(con: Connection, run_id: int) -> pd.DataFrame:
    """Distinct (firm_id, letter) with evidence in a run: Table-2 letters and extras."""
    con = as_database(con)
    return con.read_frame(
        "SELECT DISTINCT firm_id, letter FROM evidence WHERE run_id = ? ORDER BY firm_id, letter",
        (run_id,))


def has_table(con: Connection, name: str) -> bool:
    return as_database(con).table_exists(name)


def profiles_visited(con: Connection, run_id: int) -> bool:
    """Whether the run visited profiles: its recorded AUDIT_PROFILES setting, else (a run
    recorded before profiles existed, or written by other tools) whether it has rows."""
    con = as_database(con)
    row = con.execute("SELECT settings_json FROM runs WHERE id = ?", (run_id,)).fetchone()
    try:
        settings = json.loads(row[0]) if row and row[0] else {}
    except ValueError:
        settings = {}
    if isinstance(settings, dict) and "AUDIT_PROFILES" in settings:
        flag = settings["AUDIT_PROFILES"]
        return str(flag).strip().lower() not in ("false", "0", "no", "off", "")
    return con.execute("SELECT 1 FROM profiles WHERE run_id = ? LIMIT 1",
                       (run_id,)).fetchone() is not None


def profiles(con: Connection, run_id: int, own: bool = True) -> pd.DataFrame | None:
    """The run's social profiles (firm_id, platform, url, status, then PROFILE_DETAILS), the
    firm's own ones (or, with own=False, those seen on its site that are not its own), or
    None when the database has no `profiles` table, one without the columns this needs, or
    the run did not visit profiles."""
    con = as_database(con)
    if not has_table(con, "profiles") or not profiles_visited(con, run_id):
        return None
    columns = con.columns("profiles")
    status = next((c for c in _PROFILE_STATUS if c in columns), None)
    url = next((c for c in _PROFILE_URL if c in columns), None)
    if not {"run_id", "firm_id"} <= set(columns) or status is None or url is None:
        return None
    platform = "platform" if "platform" in columns else "''"
    details = "".join(f", {c}" if c in columns else f", NULL AS {c}" for c in PROFILE_DETAILS)
    where = ""
    if "own" in columns:
        where = " AND own = 1" if own else " AND own = 0"
    elif not own:
        where = " AND 1 = 0"
    order = "id" if "id" in columns else "rowid"  # rowid: an SQLite table written by other tools
    # column names come from the fixed tuples above, never from the data
    query = (f"SELECT firm_id, {platform} AS platform, {url} AS url, {status} AS status"  # noqa: S608
             f"{details} FROM profiles WHERE run_id = ?{where} ORDER BY firm_id, {order}")
    frame = con.read_frame(query, (run_id,))
    frame = frame.astype({"firm_id": str, "platform": str, "url": str, "status": str})
    return frame.astype({c: object for c in PROFILE_DETAILS}).where(frame.notna(), None)


# ---- pure comparisons ----------------------------------------------------------------------

def _kind(letter: str) -> str | None:
    if letter in tools():
        return "table2" if tools()[letter].observable else None
    return "extra" if letter in EXTRAS else None


def _name(letter: str) -> str:
    return tools()[letter].name_en if letter in tools() else EXTRAS.get(letter, letter)


def compare_tools(before: pd.DataFrame, after: pd.DataFrame,
                  firms: list[str] | None = None) -> pd.DataFrame:
    """Tools gained and lost per firm between two (firm_id, letter) frames of found codes.

    Only web-observable Table-2 letters and known extras count; `firms` limits the comparison
    (to firms assessed in both runs). Sorted by firm, gained first, then Table-2 order.
    """
    def keys(frame: pd.DataFrame) -> set[tuple[str, str]]:
        pairs = zip(frame["firm_id"].astype(str), frame["letter"].astype(str), strict=True)
        return {(f, x) for f, x in pairs if _kind(x) and (firms is None or f in firms)}

    old, new = keys(before), keys(after)
    order = {x: i for i, x in enumerate([*tools(), *EXTRAS])}
    rows = [(f, _kind(x), x, _name(x), change)
            for change, pairs in (("gained", new - old), ("lost", old - new)) for f, x in pairs]
    rows.sort(key=lambda r: (r[0], r[4] != "gained", order.get(r[2], 99)))
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def compare_profiles(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Profiles whose status changed: 'became active', 'became passive', 'now <status>',
    'new' (first seen) or 'gone', keyed by firm and URL."""
    old = {(r["firm_id"], r["url"]): r for r in before.to_dict("records")}
    new = {(r["firm_id"], r["url"]): r for r in after.to_dict("records")}
    rows = []
    for key in sorted(old.keys() | new.keys()):
        was, now = old.get(key), new.get(key)
        platform = (now or was or {}).get("platform", "")
        before_status = was["status"] if was else ""
        after_status = now["status"] if now else ""
        if before_status == after_status:
            continue
        if not now:
            change = "gone"
        elif after_status in ("active", "passive"):
            change = f"became {after_status}"
        elif not was:
            change = "new"
        else:
            change = f"now {after_status}"
        rows.append((key[0], platform, key[1], before_status, after_status, change))
    return pd.DataFrame(rows, columns=PROFILE_COLUMNS)


# ---- two runs --------------------------------------------------------------------------------

@dataclass(frozen=True)
class RunDiff:
    """The changes from run `before` to run `after`."""

    before: int
    after: int
    tools: pd.DataFrame  # CHANGE_COLUMNS
    added: list[str]  # firms only in the later run
    removed: list[str]  # firms only in the earlier run
    not_compared: dict[str, str]  # firm → why (a failed or unfinished crawl)
    profiles: pd.DataFrame | None  # PROFILE_COLUMNS, None without a profiles table


def diff_runs(con: Connection, before: int, after: int) -> RunDiff:
    """Compare two stored runs firm by firm (firms assessed in both)."""
    con = as_database(con)
    firms_a, firms_b = firm_rows(con, before), firm_rows(con, after)
    status_a = dict(zip(firms_a["firm_id"], firms_a["status"], strict=True))
    status_b = dict(zip(firms_b["firm_id"], firms_b["status"], strict=True))
    both = sorted(status_a.keys() & status_b.keys())
    not_compared = {}
    for firm in both:
        bad = [f"run {run}: {st[firm]}" for run, st in ((before, status_a), (after, status_b))
               if st[firm] not in ASSESSED]
        if bad:
            not_compared[firm] = "crawl not assessed in " + ", ".join(bad)
    compared = [f for f in both if f not in not_compared]
    changes = compare_tools(found_codes(con, before), found_codes(con, after), compared)
    prof_a, prof_b = profiles(con, before), profiles(con, after)
    prof = None
    if prof_a is not None and prof_b is not None:
        prof = compare_profiles(prof_a[prof_a["firm_id"].isin(compared)],
                                prof_b[prof_b["firm_id"].isin(compared)])
    return RunDiff(before, after, changes, sorted(status_b.keys() - status_a.keys()),
                   sorted(status_a.keys() - status_b.keys()), not_compared, prof)


def read_diff(db: str | Path, before: str, after: str) -> RunDiff:
    """Open the database read-only and diff two runs given as numbers or 'latest'."""
    con = connect(db, readonly=True)
    try:
        a, b = resolve_run(con, before), resolve_run(con, after)
        if a == b:
            raise StorageError(f"both runs are run {a}: give two different runs")
        return diff_runs(con, a, b)
    finally:
        con.close()


@dataclass(frozen=True)
class Since:
    """A firm's changes since its previous assessed run."""

    previous_run: int
    gained: list[str]  # letters and extra codes
    lost: list[str]
    profiles: list[dict[str, str]]


def since_previous(con: Connection, run_id: int) -> dict[str, Since]:
    """For each firm assessed in `run_id`: its latest earlier assessed run and the changes."""
    con = as_database(con)
    prev = con.read_frame(
        "SELECT f.firm_id, max(f.run_id) AS previous FROM firms f "
        "JOIN firms cur ON cur.firm_id = f.firm_id AND cur.run_id = ? "
        "WHERE f.run_id < ? AND f.status IN ('done', 'partial') "
        "AND cur.status IN ('done', 'partial') GROUP BY f.firm_id", (run_id, run_id))
    if prev.empty:
        return {}
    now = found_codes(con, run_id)
    result: dict[str, Since] = {}
    for previous, group in prev.groupby("previous"):
        firms = group["firm_id"].astype(str).tolist()
        changes = compare_tools(found_codes(con, int(previous)), now, firms)
        prof_a, prof_b = profiles(con, int(previous)), profiles(con, run_id)
        prof = (compare_profiles(prof_a[prof_a["firm_id"].isin(firms)],
                                 prof_b[prof_b["firm_id"].isin(firms)])
                if prof_a is not None and prof_b is not None else None)
        # one pass over the changes, not one filter per firm: a region has thousands
        moves: dict[tuple[str, str], list[str]] = {}
        for firm, change, letter in zip(changes["firm_id"], changes["change"],
                                        changes["letter"], strict=True):
            moves.setdefault((firm, change), []).append(letter)
        seen_profiles: dict[str, list[dict[str, Any]]] = {}
        for record in [] if prof is None else prof.to_dict("records"):
            seen_profiles.setdefault(record["firm_id"], []).append(record)
        for firm in firms:
            result[firm] = Since(int(previous), moves.get((firm, "gained"), []),
                                 moves.get((firm, "lost"), []), seen_profiles.get(firm, []))
    return result


def _plain(value: object) -> str:
    """Printable text on one line: stored text must not drive a terminal."""
    return " ".join("".join(c if c.isprintable() else " " for c in str(value)).split())


def format_diff(diff: RunDiff) -> str:
    """The diff as plain text lines, one change per line, for `auditor diff`."""
    lines = [f"changes from run {diff.before} to run {diff.after}"]
    if diff.tools.empty:
        lines.append("no tool gained or lost")
    for firm, group in diff.tools.groupby("firm_id", sort=True):
        lines.append(_plain(firm))
        for row in group.to_dict("records"):
            sign = "+" if row["change"] == "gained" else "-"
            lines.append(f"  {sign} {row['letter']}  {row['tool']} ({row['change']})")
    if diff.profiles is None:
        lines.append("profiles: not compared (no profiles table in this database)")
    elif diff.profiles.empty:
        lines.append("profiles: no change")
    else:
        lines.append("profiles:")
        for row in diff.profiles.to_dict("records"):
            lines.append("  " + _plain(f"{row['firm_id']}  {row['platform']} {row['url']}: "
                                       f"{row['change']} ({row['before'] or '—'} → "
                                       f"{row['after'] or '—'})"))
    for firm in diff.added:
        lines.append(_plain(f"{firm}: only in run {diff.after}"))
    for firm in diff.removed:
        lines.append(_plain(f"{firm}: only in run {diff.before}"))
    for firm, why in diff.not_compared.items():
        lines.append(_plain(f"{firm}: not compared ({why})"))
    return "\n".join(lines)


def diff_json(diff: RunDiff) -> str:
    """The diff as one JSON object."""
    from reports.checklist import records

    return json.dumps({
        "before": diff.before, "after": diff.after,
        "tools": records(diff.tools),
        "profiles": None if diff.profiles is None else records(diff.profiles),
        "added": diff.added, "removed": diff.removed, "not_compared": diff.not_compared,
    }, ensure_ascii=False)
