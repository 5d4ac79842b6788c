"""One run split across N crawl processes on this machine, whole firms each.

Scrapy runs in one thread, so one crawl process uses one core however many firms it
crawls; parsing pages and running the rules is CPU work. With `auditor crawl --processes N`
this parent creates the run, then starts N `auditor crawl --resume RUN` children: child i
takes the run's firms i, i+N, i+2N… (AUDIT_SHARD=i/N) and 1/N of the request budget, so a
firm belongs to one process and its per-site politeness is exactly that of a one-process
crawl. The children write to the same database (SQLite's WAL lets them take turns, one batch
at a time); the parent draws the progress line, forwards Ctrl-C, and finishes the run
(done or interrupted, with the children's statistics added up) when all have exited.
"""

from __future__ import annotations

import json
import math
import shutil
import signal
import subprocess
import sys
import tempfile
import time
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


def child_settings(overrides: dict[str, Any], settings: Any, index: int,
                   processes: int, stats_file: Path) -> list[str]:
    """`-s NAME=VALUE` options for child `index`: the parent's overrides, the shard, and
    its part of the request budget and of the firm window."""
    values: dict[str, Any] = {k: v for k, v in overrides.items() if k != "AUDIT_DB"}
    for name in SPLIT_SETTINGS:
        total = settings.getint(name, 0)
        if total > 0:
            values[name] = max(1, math.ceil(total / processes))
    values[SHARD_SETTING] = f"{index}/{processes}"
    values[STATS_SETTING] = str(stats_file)
    values["AUDIT_PROGRESS"] = "0"  # the parent draws one line for all
    options: list[str] = []
    for name, value in values.items():
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

    def command(self, index: int) -> list[str]:
        return [sys.executable, "-m", "auditor", "crawl", "--resume", str(self.run_id),
                "--db", self.db,
                *child_settings(self.overrides, self.settings, index, self.processes,
                                self.stats_file(index))]

    def stats_file(self, index: int) -> Path:
        return self.work / f"stats-{index}.json"

    def run(self) -> bool:
        """Start the children, wait for all; True when every one finished its firms."""
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

        def forward(signum: int, _frame: object) -> None:
            for child in self.children:
                if child.poll() is None:
                    child.send_signal(signum)

        for sig in previous:
            signal.signal(sig, forward)
        try:
            self.children = [subprocess.Popen(self.command(i)) for i in range(self.processes)]  # noqa: S603
            progress = RunProgress(self.db, self.run_id) if sys.stderr.isatty() else None
            while any(child.poll() is None for child in self.children):
                if progress is not None:
                    progress.draw()
                time.sleep(0.5)
            if progress is not None:
                progress.clear()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
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
    """One progress line for all children, read from the database they write."""

    def __init__(self, db: str, run_id: int):
        self.db, self.run_id = db, run_id
        self.started = time.monotonic()
        self.last = 0.0

    def draw(self) -> None:
        if time.monotonic() - self.last < 1.0:
            return
        self.last = time.monotonic()
        from auditor.storage import FINAL_STATUSES, StorageError, connect

        try:
            con = connect(self.db, readonly=True)
        except StorageError:
            return
        try:
            firms = con.execute("SELECT status FROM firms WHERE run_id = ?",
                                (self.run_id,)).fetchall()
            pages = con.execute("SELECT count(*) FROM pages WHERE run_id = ?",
                                (self.run_id,)).fetchone()[0]
        except Exception:  # noqa: BLE001 - a reader never stops the crawl; the next draw retries
            return
        finally:
            con.close()
        done = sum(1 for (status,) in firms if status in FINAL_STATUSES)
        sys.stderr.write(f"\rfirms {done}/{len(firms)}  pages {pages}  "
                         f"{time.monotonic() - self.started:.0f}s\x1b[K")
        sys.stderr.flush()

    def clear(self) -> None:
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()
