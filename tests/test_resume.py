"""Interrupted runs: kill -9 or SIGTERM in the middle of a crawl, then `auditor crawl --resume`.

Three firms; the server holds one page of the second firm (`beta-held.com/p/5`, which leads
to the rest of its pages) until the test opens its gate, so the crawl is always cut with
the first and third firms finished and the second one half done. The resumed run must hold
what an uninterrupted run holds: the same pages, evidence, failures and firm outcomes, with
no row twice.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from auditor.firms import parse_firms
from auditor.storage import Store
from tests.conftest import REPO, guarded_env, run_auditor
from tests.hostile.server import GATED_SITES, HostileServer

FIRMS = "firm_id,domain,name\nA,alpha-steady.com,Alpha\nB,beta-held.com,Beta\nC,gamma-steady.com,Gamma\n"


@pytest.fixture(scope="module")
def server() -> Iterator[HostileServer]:
    server = HostileServer(GATED_SITES).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def firms(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("resume") / "firms.csv"
    path.write_text(FIRMS, encoding="utf-8")
    return path


def crawl_args(server: HostileServer, db: Path, *first: str) -> list[str]:
    args = ["crawl", *first, "--db", str(db), "--no-autothrottle", "--delay", "0",
            "-s", "AUDIT_BATCH_SIZE=2"]
    for route in server.routes():
        args += ["--connect-to", route]
    return args


@pytest.fixture(scope="module")
def reference(server: HostileServer, firms: Path) -> Path:
    """The same crawl, never interrupted."""
    db = firms.parent / "reference.sqlite"
    result = run_auditor(*crawl_args(server, db, str(firms)), timeout=120)
    assert result.returncode == 0, result.stderr
    return db


def rows(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return con.execute(sql, params).fetchall()


def wait_for(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the crawl"
        time.sleep(0.05)


def finished_firms(db: Path) -> set[str]:
    try:
        return {f for (f,) in rows(db, "SELECT firm_id FROM firms WHERE status = 'done'")}
    except sqlite3.Error:
        return set()  # not created yet


def start_held_crawl(server: HostileServer, firms: Path, db: Path,
                     *extra: str) -> subprocess.Popen[str]:
    """Start a crawl and return once beta's gate page is held and alpha and gamma are done.
    Its stderr goes to DB.log."""
    server.gate.clear()
    server.held.clear()
    with Path(f"{db}.log").open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "auditor", *crawl_args(server, db, str(firms)), *extra],
            cwd=REPO, env=guarded_env(), stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        wait_for(lambda: server.held.is_set() and finished_firms(db) == {"A", "C"})
    except BaseException:
        proc.kill()
        server.gate.set()
        raise
    return proc


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Everything a run stores, in a comparable order (ids and times left out)."""
    return {
        "pages": sorted(rows(db, "SELECT firm_id, url, status, content_type, size, title "
                                 "FROM pages")),
        "evidence": sorted(rows(db, "SELECT firm_id, letter, rule_id, value, url, location, "
                                    "snippet, confidence FROM evidence")),
        "failures": sorted(rows(db, "SELECT firm_id, url, reason FROM failures")),
        "firms": sorted(rows(db, "SELECT firm_id, status, reason, pages, errors FROM firms")),
        "runs": rows(db, "SELECT id, status FROM runs"),
    }


def assert_same_as(reference: Path, db: Path) -> None:
    expected, got = snapshot(reference), snapshot(db)
    lost = set(expected["pages"]) - set(got["pages"])
    extra = set(got["pages"]) - set(expected["pages"])
    assert not lost and not extra, (lost, extra)
    assert got == expected
    assert rows(db, "SELECT count(*) = count(DISTINCT url) FROM pages") == [(1,)]
    assert len(got["evidence"]) > len(got["pages"])  # every page has evidence to duplicate


def test_reference_run_is_complete(reference: Path) -> None:
    got = snapshot(reference)
    assert got["runs"] == [(1, "done")]
    assert [(f, s, p) for f, s, _, p, _ in got["firms"]] == [("A", "done", 9), ("B", "done", 17),
                                                             ("C", "done", 9)]


def test_kill_9_then_resume_gives_the_uninterrupted_run(server, firms, reference) -> None:
    db = firms.parent / "killed.sqlite"
    proc = start_held_crawl(server, firms, db)
    proc.kill()  # SIGKILL: no handler, no flush, no goodbye
    proc.communicate(timeout=30)
    killed_at = time.monotonic()
    server.gate.set()
    assert rows(db, "SELECT status FROM runs") == [("running",)]
    assert dict(rows(db, "SELECT firm_id, status FROM firms")) == {
        "A": "done", "B": "pending", "C": "done"}
    kept = rows(db, "SELECT count(*) FROM pages WHERE firm_id = 'B'")[0][0]
    assert kept >= 2  # batches committed before the kill survive it

    result = run_auditor(*crawl_args(server, db, "--resume"), timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"run 1 stored in {db}"
    assert_same_as(reference, db)
    resumed = {h.host for h in server.hits if h.at > killed_at}
    assert resumed == {"beta-held.com"}  # finished firms are not crawled again


def test_sigterm_commits_every_row_then_resume_finishes(server, firms, reference) -> None:
    db = firms.parent / "terminated.sqlite"
    proc = start_held_crawl(server, firms, db, "-s", "LOG_LEVEL=INFO")
    log = Path(f"{db}.log")
    proc.send_signal(signal.SIGTERM)
    wait_for(lambda: "Received SIGTERM, shutting down gracefully" in log.read_text())
    time.sleep(0.3)
    server.gate.set()  # let the held download end: a clean stop waits for it
    proc.communicate(timeout=60)
    stderr = log.read_text()
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert "crawl shutdown:" in stderr and "1 interrupted" in stderr
    assert f"finish it with 'auditor crawl --resume 1 --db {db}'" in stderr
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db, "SELECT status FROM runs") == [("interrupted",)]
    statuses = dict(rows(db, "SELECT firm_id, status FROM firms"))
    assert statuses == {"A": "done", "B": "interrupted", "C": "done"}
    received = rows(db, "SELECT json_extract(stats_json, '$.\"auditor/pages_received\"') "
                        "FROM runs")[0][0]
    assert rows(db, "SELECT count(*) FROM pages") == [(received,)]  # every page it had

    result = run_auditor(*crawl_args(server, db, "--resume", "1"), timeout=120)
    assert result.returncode == 0, result.stderr
    assert_same_as(reference, db)


def test_resume_refuses_what_it_cannot_do(reference: Path, tmp_path: Path) -> None:
    result = run_auditor("crawl", "--resume", "--db", str(reference))
    assert result.returncode == 2
    assert "no unfinished run in this database: nothing to resume" in result.stderr
    result = run_auditor("crawl", "--resume", "1", "--db", str(reference))
    assert result.returncode == 2 and "run 1 is finished: nothing to resume" in result.stderr
    result = run_auditor("crawl", "--resume", "--db", str(tmp_path / "none.sqlite"))
    assert result.returncode == 2 and "no database at" in result.stderr
    result = run_auditor("crawl", "--db", str(tmp_path / "x.sqlite"))
    assert result.returncode == 2
    assert "give a firms file to start a run, or --resume [RUN] to finish one" in result.stderr


def test_resume_keeps_the_caps_it_started_with(server, tmp_path: Path) -> None:
    db = tmp_path / "caps.sqlite"
    store = Store(db)
    run_id = store.create_run("firms.csv", {"AUDIT_PAGE_CAP": 300, "AUDIT_DEPTH_CAP": 5}, {}, "t")
    store.add_firms(run_id, parse_firms(FIRMS)[0])  # a run killed before any firm finished
    store.close()
    result = run_auditor(*crawl_args(server, db, "--resume"), "--page-cap", "3")
    assert result.returncode == 2
    assert "run 1 was crawled with AUDIT_PAGE_CAP=300: a resumed run keeps it" in result.stderr
    result = run_auditor(*crawl_args(server, db, "--resume"), "--page-cap", "300", timeout=120)
    assert result.returncode == 0, result.stderr
    assert rows(db, "SELECT firm_id, status, pages FROM firms ORDER BY firm_id") == [
        ("A", "done", 9), ("B", "done", 17), ("C", "done", 9)]
