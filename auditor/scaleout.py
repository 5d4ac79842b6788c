"""The scale-out commands: push a run to Redis, write its results, show where it stands.

`auditor crawl FIRMS --redis URL` validates the firms file as a local crawl does, creates
the run in the database, queues its firms with the settings every worker must apply, and
(unless --no-wait) stays as the run's one writer until every firm is final. `auditor drain`
is that writer on its own; `auditor status` reads Redis (and the database with --db).
"""

from __future__ import annotations

import sys
import time
from typing import Any

from auditor.firm_queue import FirmQueue, QueueError, RunStatus, masked

# Settings a worker never takes from the run: where this machine stores and logs.
LOCAL_ONLY = ("AUDIT_DB", "AUDIT_REDIS_URL", "AUDIT_REDIS_RUN", "AUDIT_WORKER_NAME",
              "LOG_LEVEL", "LOG_FILE", "LOG_ENABLED", "AUDIT_SHARD", "AUDIT_SHARD_STATS")


def open_queue(url: str) -> FirmQueue:
    from auditor.cli import UsageError

    try:
        return FirmQueue.from_url(url)
    except QueueError as exc:
        raise UsageError(str(exc)) from None


def crawl_settings(overrides: dict[str, Any]) -> dict[str, Any]:
    """What travels with the run: the recorded crawl settings and every -s that matters."""
    from auditor.cli import scrapy_settings
    from auditor.pipelines import RECORDED_SETTINGS

    settings = scrapy_settings(overrides)
    travel: dict[str, Any] = {name: settings.get(name) for name in RECORDED_SETTINGS}
    travel["AUDIT_PROFILES"] = settings.getbool("AUDIT_PROFILES", True)
    travel.update({k: v for k, v in overrides.items() if k not in LOCAL_ONLY})
    return travel


def push(firms_file: str, overrides: dict[str, Any], url: str) -> tuple[int, int]:
    """Validate, create the run, queue its firms: (run id, firms queued)."""
    from auditor import __version__
    from auditor.cli import UsageError
    from auditor.connect_to import ConnectToError, parse_routes
    from auditor.firms import FirmsFileError, load_firms
    from auditor.ssrf import parse_nets
    from auditor.storage import Store
    from rules import rule_versions

    try:
        parse_routes(overrides.get("CONNECT_TO"))
        parse_nets(overrides.get("SSRF_ALLOW_NETS"))
        rows, errors = load_firms(firms_file)
    except (FirmsFileError, ConnectToError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    queue = open_queue(url)  # before the run is created: an unreachable Redis leaves no run
    for error in errors:
        print(f"skipped {firms_file}: {error}", file=sys.stderr)
    travel = crawl_settings(overrides)
    store = Store(overrides.get("AUDIT_DB", "audit.sqlite"))
    try:
        recorded = {**travel, "AUDIT_REDIS": True}
        run_id = store.create_run(firms_file, recorded, rule_versions(), __version__)
        store.add_firms(run_id, rows)
        if travel["AUDIT_PROFILES"]:
            store.ensure_profiles()
        started = store.run_started(run_id).isoformat()
    finally:
        store.close()
    try:
        queue.push_run(run_id, rows, travel, firms_file, started)
    except QueueError as exc:
        raise UsageError(str(exc)) from None
    return run_id, len(rows)


def write(url: str, db: str, run_id: int, wait: bool = True) -> bool:
    """Be the run's writer: drain its results into the database (until it is complete when
    `wait`); finish the run when it is. True when complete."""
    from auditor.storage import Store
    from auditor.writer import Writer, terminal_progress

    queue = open_queue(url)
    if not queue.meta(run_id):
        from auditor.cli import UsageError

        raise UsageError(f"no run {run_id} in Redis at {masked(url)}: 'auditor status --redis URL' "
                         "lists the runs it holds")
    store = Store(db)
    try:
        writer = Writer(queue, store, run_id)
        started = time.monotonic()
        progress = terminal_progress(started)
        complete = writer.run(wait=wait, progress=progress)
        if progress is not None:
            sys.stderr.write("\r\x1b[K")
        if complete:
            writer.finish()
            failed = [f for f, s in queue.status(run_id).final.items() if s == "failed"]
            sys.stderr.write(f"run {run_id}: {writer.line(started)}; {len(failed)} failed\n")
        return complete
    finally:
        store.close()


def format_status(status: RunStatus, stored: dict[str, str] | None = None) -> str:
    """The lines `auditor status` prints for one run."""
    counts: dict[str, int] = {}
    for value in status.final.values():
        counts[value] = counts.get(value, 0) + 1
    lines = [
        (f"run {status.run_id} ({status.meta.get('status', '?')}, "
         f"{status.meta.get('firms_file', '')}): {status.total} firms"),
        (f"  done {counts.get('done', 0)}  partial {counts.get('partial', 0)}  "
         f"failed {counts.get('failed', 0)}  running {len(status.running)}  "
         f"pending {status.pending}  queued again {status.requeued}"),
        f"  results waiting for the writer: {status.results_backlog}",
    ]
    for firm, worker in sorted(status.running.items()):
        lines.append(f"  running {firm} on {worker}")
    for firm, value in sorted(status.final.items()):
        if value == "failed":
            lines.append(f"  failed {firm}")
    if stored is not None:
        final = sum(1 for s in stored.values() if s in ("done", "partial", "failed"))
        lines.append(f"  stored in the database: {final}/{len(stored)} firms final")
    lines.append(f"live workers: {len(status.workers)}")
    for name, info in status.workers.items():
        firms = ", ".join(info.get("firms") or []) or "-"
        lines.append(f"  {name} (run {info.get('run') or '-'}, firms {firms})")
    return "\n".join(lines)


def stored_statuses(db: str, run_id: int) -> dict[str, str]:
    from auditor.storage import connect

    con = connect(db, readonly=True)
    try:
        return dict(con.execute("SELECT firm_id, status FROM firms WHERE run_id = ?",
                                (run_id,)).fetchall())
    finally:
        con.close()


def status(url: str, run: str | None, db: str | None) -> str:
    from auditor.cli import UsageError

    queue = open_queue(url)
    runs = queue.run_ids()
    if run is None or run == "latest":
        if not runs:
            return f"no run in Redis at {masked(url)}\nlive workers: {len(queue.live_workers())}"
        run_id = runs[-1]
    elif not run.isdigit():
        raise UsageError(f"bad --run {run!r}: give a run number")
    else:
        run_id = int(run)
    try:
        result = queue.status(run_id)
    except QueueError as exc:
        raise UsageError(str(exc)) from None
    stored = stored_statuses(db, run_id) if db else None
    return format_status(result, stored)
