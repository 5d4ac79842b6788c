"""SQLite storage: a round trip, parameterised SQL with hostile text, clear errors."""

from __future__ import annotations

import sqlite3

import pytest

from auditor.firms import parse_firms
from auditor.items import Evidence, PageItem
from auditor.storage import StorageError, Store, connect, resolve_run

HOSTILE = "x'); DROP TABLE pages;--"


def test_round_trip_keeps_every_run(tmp_path) -> None:
    db = tmp_path / "a.sqlite"
    firms, _ = parse_firms(f'firm_id,domain,name\nE1,lumisonde.ca,"{HOSTILE}"\n')
    store = Store(db)
    first = store.create_run("firms.csv", {"AUDIT_PAGE_CAP": 300}, {"a-social-media": 1}, "0.1")
    store.add_firms(first, firms)
    evidence = Evidence("d", "d-role-email", "info@lumisonde.ca", "https://lumisonde.ca/",
                        "body", HOSTILE, 1.0)
    item = PageItem("E1", "https://lumisonde.ca/", 200, "text/html", 1234, 0, "fr", HOSTILE,
                    [evidence])
    store.save_pages(first, [item])
    store.save_pages(first, [item])  # stored once: a resumed run does not duplicate
    store.set_firm_outcome(first, "E1", "done", "", 1, 0)
    store.finish_run(first, "done")
    second = store.create_run("firms.csv", {}, {}, "0.1")
    store.close()

    con = connect(db, readonly=True)
    assert con.execute("SELECT name FROM firms").fetchone() == (HOSTILE,)
    assert con.execute("SELECT count(*) FROM pages").fetchone() == (1,)
    assert con.execute("SELECT snippet FROM evidence").fetchall() == [(HOSTILE,)]
    assert con.execute("SELECT status, pages FROM firms WHERE run_id = ?", (first,)).fetchone() == (
        "done", 1)
    assert resolve_run(con, "latest") == second
    assert resolve_run(con, str(first)) == first
    assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_missing_database_or_run_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(StorageError, match="no database at"):
        connect(tmp_path / "none.sqlite", readonly=True)
    con = connect(tmp_path / "empty.sqlite")
    with pytest.raises(StorageError, match="holds no run yet"):
        resolve_run(con, "latest")
    with pytest.raises(StorageError, match="no run 7"):
        resolve_run(con, "7")
    with pytest.raises(StorageError, match="bad run"):
        resolve_run(con, "x; DROP")


def test_a_file_that_is_not_a_database_is_refused(tmp_path) -> None:
    bad = tmp_path / "notes.sqlite"
    bad.write_text("hello, this is text" * 100)
    with pytest.raises(StorageError, match="is not an auditor database"):
        connect(bad)
    assert sqlite3.sqlite_version
