"""One run split across N crawl processes on this machine, whole firms each.

Scrapy runs in one thread, so one crawl process uses one core however many firms it
crawls; parsing pages and running the rules is CPU work. With `auditor crawl --processes N`
this process creates the run, starts N-1 `auditor crawl --resume RUN` children and crawls
the first share itself (no idle parent holding memory): process i takes the run's firms
i, i+N, i+2N… (AUDIT_SHARD=i/N) and 1/N of the request budget, so a firm belongs to one
process and its per-site politeness is exactly that of a one-process crawl. All write to the
same database (SQLite's WAL lets them take turns, one batch at a time); the first process
draws the progress line of the whole run, stops the others if it is stopped, and finishes
the run (done or interrupted, with every process's statistics added up).
"""

from __future__ import annotations

import json
import math
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from auditor.firms import FirmRow

SHARD_SETTING = "AUDIT_SHARD"  # "i/N": this process crawls every Nth firm of the run from i
STATS_SETTING = "AUDIT_STATS_FILE"  # where a child leaves its statistics for the parent
SPLIT_SETTINGS = ("CONCURRENT_REQUESTS", "AUDIT_FIRM_WINDOW")  # budgets shared among children


class ShardError(ValueError):
    """A bad --processes value or AUDIT_SHARD setting."""


def parse_shard(value: object) -> tuple[int, int]:
    """`i/N` → (i, N), with 0 <= i < N."""
    index, sep, count = str(value).partition("/")
    if not (sep and index.isdigit() and count.isdigit()) or not int(index) < int(count):
        raise ShardError(f"bad {SHARD_SETTING} {value!r}: write i/N with 0 <= i < N")
    return int(index), int(count)


def in_shard(position: int, shard: tuple[int, int]) -> bool:
    """The firm at this position of the run's firm list belongs to the shard."""
    return position % shard[1] == shard[0]


def shard_firm_ids(firms: Sequence[FirmRow], shard: tuple[int, int]) -> set[str]:
    return {row.firm_id for k, row in enumerate(firms) if in_shard(k, shard)}


def shard_overrides(overrides: dict[str, Any], settings: Any, index: int, processes: int,
                    stats_file: Path) -> dict[str, Any]:
    """The settings of process `index`: the run's overrides, the shard, and its part of the
    request budget and of the firm window."""
    values: dict[str, Any] = dict(overrides)
    for name in SPLIT_SETTINGS:
        total = settings.getint(name, 0)
        if total > 0:
            values[name] = max(1, math.ceil(total / processes))
    values[SHARD_SETTING] = f"{index}/{processes}"
    values[STATS_SETTING] = str(stats_file)
    values["AUDIT_PROGRESS"] = "run" if index == 0 else "0"  # one line, for the whole run
    return values


def as_options(values: dict[str, Any]) -> list[str]:
    """`-s NAME=VALUE` options for a child `auditor crawl` (lists comma-separated)."""
    options: list[str] = []
    for name, value in values.items():
        if name == "AUDIT_DB":
            continue  # given as --db
        text = ",".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
        options += ["-s", f"{name}={text}"]
    return options


def merge_stats(parts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The children's Scrapy statistics as one run's: counts added; maxima and durations
    (which overlap) the largest; anything else (times, reasons) listed per child."""
    merged: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            known = merged.get(key)
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            if known is None:
                merged[key] = value if numeric else [value]
            elif numeric and isinstance(known, (int, float)):
                keep_max = key.endswith("_max") or "time" in key
                merged[key] = max(known, value) if keep_max else known + value
            else:
                merged[key] = [*(known if isinstance(known, list) else [known]), value]
    merged["processes"] = len(parts)
    return merged


class ShardedCrawl:
    """The parent of N child crawl processes working on one run."""

    def __init__(self, db: str, run_id: int, overrides: dict[str, Any], settings: Any,
                 processes: int):
        if processes < 1:
            raise ShardError(f"bad --processes {processes}: give 1 or more")
        self.db, self.run_id, self.processes = db, run_id, processes
        self.overrides, self.settings = overrides, settings
        self.work = Path(tempfile.mkdtemp(prefix="auditor-shards-"))
        self.children: list[subprocess.Popen[bytes]] = []

    def settings_of(self, index: int) -> dict[str, Any]:
        return shard_overrides(self.overrides, self.settings, index, self.processes,
                               self.stats_file(index))

    def command(self, index: int) -> list[str]:
        return [sys.executable, "-m", "auditor", "crawl", "--resume", str(self.run_id),
                "--db", self.db, *as_options(self.settings_of(index))]

    def stats_file(self, index: int) -> Path:
        return self.work / f"stats-{index}.json"

    def start_children(self) -> None:
        """Processes 1..N-1; this one crawls share 0 (`settings_of(0)`)."""
        self.children = [subprocess.Popen(self.command(i))  # noqa: S603
                         for i in range(1, self.processes)]

    def stop_children(self) -> None:
        """This process was stopped: stop the others the same clean way (SIGTERM)."""
        for child in self.children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    def wait_children(self) -> bool:
        """Wait for every child (Ctrl-C meanwhile stops them too); True when all finished."""
        while True:
            try:
                for child in self.children:
                    child.wait()
                break
            except KeyboardInterrupt:
                self.stop_children()
        return all(child.returncode == 0 for child in self.children)

    def stats(self) -> dict[str, Any]:
        parts = []
        for index in range(self.processes):
            path = self.stats_file(index)
            if path.is_file():
                parts.append(json.loads(path.read_text(encoding="utf-8")))
        shutil.rmtree(self.work, ignore_errors=True)
        return merge_stats(parts)


class RunProgress:
    """The progress of the whole run, read from the database all its processes write."""

    def __init__(self, db: str, run_id: int):
        self.db, self.run_id = db, run_id
        self.text = ""

    def line(self) -> str:
        """`firms done/total  pages N` (the last known figures if the database is busy)."""
        from auditor.storage import FINAL_STATUSES, StorageError, connect

        try:
            con = connect(self.db, readonly=True)
        except StorageError:
            return self.text
        try:
            firms = con.execute("SELECT status FROM firms WHERE run_id = ?",
                                (self.run_id,)).fetchall()
            pages = con.execute("SELECT count(*) FROM pages WHERE run_id = ?",
                                (self.run_id,)).fetchone()[0]
        except Exception:  # noqa: BLE001 - a reader never stops the crawl; the next line retries
            return self.text
        finally:
            con.close()
        done = sum(1 for (status,) in firms if status in FINAL_STATUSES)
        self.text = f"run: firms {done}/{len(firms)}  pages {pages}"
        return self.text
