"""`auditor diff`: tools gained and lost per firm between two runs, profiles when stored."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from auditor.cli import main
from auditor.firms import parse_firms
from auditor.items import Evidence, PageItem
from auditor.storage import Store
from reports.diff import (
    compare_profiles,
    compare_tools,
    diff_runs,
    format_diff,
    read_diff,
    since_previous,
)

FIRMS_1 = """firm_id,domain,name,stage
alpha,alpha-optique.ca,Alpha,entry
beta,beta-laser.ca,Beta,post-entry
gamma,gamma-photonique.ca,Gamma,entry
"""
FIRMS_2 = FIRMS_1.replace("gamma,gamma-photonique.ca,Gamma,entry\n",
                          "gamma,gamma-photonique.ca,Gamma,entry\ndelta,delta.ca,Delta,\n")


def _ev(letter: str, url: str) -> Evidence:
    return Evidence(letter=letter, rule_id=f"{letter}-test", value="v", url=url,
                    location="body", snippet="s")


def _run(store: Store, firms_csv: str, found: dict[str, list[str]],
         outcomes: dict[str, str]) -> int:
    firms, errors = parse_firms(firms_csv)
    assert not errors
    run_id = store.create_run("firms.csv", {}, {}, "test")
    store.add_firms(run_id, firms)
    store.save_pages(run_id, [
        PageItem(firm_id=firm, url=f"https://{firm}.example/{run_id}", status=200,
                 content_type="text/html", size=1, depth=0,
                 evidence=[_ev(x, f"https://{firm}.example/{run_id}") for x in letters])
        for firm, letters in found.items()
    ])
    for firm, outcome in outcomes.items():
        store.set_firm_outcome(run_id, firm, outcome, "DNS lookup failed" if outcome == "failed"
                               else "", 1, 0)
    store.finish_run(run_id, "finished")
    return run_id


def build_two_runs(path: Path) -> tuple[int, int]:
    """Run 1 and run 2: alpha gains b and a live chat and loses d; beta fails in run 2;
    gamma does not change; delta only in run 2. t (not observable) changes and never counts."""
    store = Store(path)
    first = _run(store, FIRMS_1,
                 {"alpha": ["a", "d", "d", "t"], "beta": ["h", "x"], "gamma": ["c"]},
                 {"alpha": "done", "beta": "done", "gamma": "partial"})
    second = _run(store, FIRMS_2,
                  {"alpha": ["a", "b", "live-chat"], "gamma": ["c"], "delta": ["a"]},
                  {"alpha": "done", "beta": "failed", "gamma": "done", "delta": "done"})
    store.close()
    return first, second


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "audit.sqlite"
    build_two_runs(path)
    return path


def add_profiles(path: Path, rows: list[tuple[int, str, str, str, str]]) -> None:
    """A `profiles` table as the social-presence work may store it."""
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE IF NOT EXISTS profiles (run_id INTEGER, firm_id TEXT, "
                "platform TEXT, url TEXT, status TEXT, last_post TEXT)")
    con.executemany("INSERT INTO profiles (run_id, firm_id, platform, url, status) "
                    "VALUES (?, ?, ?, ?, ?)", rows)
    con.commit()
    con.close()


def test_compare_tools_is_pure_and_ordered() -> None:
    before = pd.DataFrame({"firm_id": ["f", "f", "f", "g"], "letter": ["a", "d", "m", "x"]})
    after = pd.DataFrame({"firm_id": ["f", "f", "f", "g"], "letter": ["a", "b", "gated-content",
                                                                      "y"]})
    changes = compare_tools(before, after)
    assert changes.to_dict("records") == [
        {"firm_id": "f", "kind": "table2", "letter": "b",
         "tool": "Demonstration (in person or by videoconference)", "change": "gained"},
        {"firm_id": "f", "kind": "extra", "letter": "gated-content",
         "tool": "Gated content (form before download)", "change": "gained"},
        {"firm_id": "f", "kind": "table2", "letter": "d",
         "tool": "General e-mail address for receiving orders (info@)", "change": "lost"},
        {"firm_id": "g", "kind": "table2", "letter": "y",
         "tool": "Customer service by an application engineer", "change": "gained"},
        {"firm_id": "g", "kind": "table2", "letter": "x",
         "tool": "Customer service by phone during office hours", "change": "lost"},
    ]
    assert compare_tools(before, after, ["g"])["firm_id"].unique().tolist() == ["g"]


def test_diff_of_two_stored_runs(db: Path) -> None:
    diff = read_diff(db, "1", "2")
    rows = {(r["firm_id"], r["letter"], r["change"]) for r in diff.tools.to_dict("records")}
    assert rows == {("alpha", "b", "gained"), ("alpha", "live-chat", "gained"),
                    ("alpha", "d", "lost")}
    assert diff.added == ["delta"]
    assert diff.removed == []
    assert diff.not_compared == {"beta": "crawl not assessed in run 2: failed"}
    assert diff.profiles is None  # no profiles table yet


def test_reversed_diff_swaps_gains_and_losses(db: Path) -> None:
    diff = read_diff(db, "latest", "1")
    rows = {(r["letter"], r["change"]) for r in diff.tools.to_dict("records")}
    assert rows == {("b", "lost"), ("live-chat", "lost"), ("d", "gained")}
    assert diff.removed == ["delta"]


def test_same_run_twice_is_refused(db: Path) -> None:
    from auditor.storage import StorageError

    with pytest.raises(StorageError, match="two different runs"):
        read_diff(db, "2", "latest")


def test_profiles_that_became_active_or_passive(db: Path) -> None:
    add_profiles(db, [
        (1, "alpha", "linkedin", "https://www.linkedin.com/company/alpha", "passive"),
        (2, "alpha", "linkedin", "https://www.linkedin.com/company/alpha", "active"),
        (1, "gamma", "youtube", "https://www.youtube.com/@gamma", "active"),
        (2, "gamma", "youtube", "https://www.youtube.com/@gamma", "passive"),
        (2, "gamma", "x", "https://x.com/gamma", "unknown"),
        (1, "beta", "facebook", "https://www.facebook.com/beta", "active"),
    ])
    con = sqlite3.connect(db)
    diff = diff_runs(con, 1, 2)
    con.close()
    assert diff.profiles is not None
    changes = {(r["firm_id"], r["platform"], r["change"])
               for r in diff.profiles.to_dict("records")}
    assert changes == {("alpha", "linkedin", "became active"),
                       ("gamma", "youtube", "became passive"), ("gamma", "x", "new")}
    text = format_diff(diff)
    assert ("  alpha linkedin https://www.linkedin.com/company/alpha: became active "
            "(passive → active)") in text.splitlines()


def test_compare_profiles_gone_and_now() -> None:
    before = pd.DataFrame([{"firm_id": "f", "platform": "x", "url": "u1", "status": "active"},
                           {"firm_id": "f", "platform": "y", "url": "u2", "status": "active"}])
    after = pd.DataFrame([{"firm_id": "f", "platform": "y", "url": "u2", "status": "unreachable"}])
    assert compare_profiles(before, after)["change"].tolist() == ["gone", "now unreachable"]


def test_since_previous_run_per_firm(db: Path) -> None:
    con = sqlite3.connect(db)
    since = since_previous(con, 2)
    con.close()
    assert set(since) == {"alpha", "gamma"}  # beta failed now, delta is new
    assert since["alpha"].previous_run == 1
    assert since["alpha"].gained == ["b", "live-chat"]
    assert since["alpha"].lost == ["d"]
    assert since["gamma"].gained == [] and since["gamma"].lost == []
    assert since["alpha"].profiles == []


def test_firm_report_shows_changes_since_previous_run(db: Path, tmp_path: Path) -> None:
    from reports.html import firm_filename, write_reports

    index = write_reports(db, "2", tmp_path / "out")
    alpha = (index.parent / "firms" / firm_filename("alpha")).read_text(encoding="utf-8")
    assert "Compared with run 1" in alpha
    assert "gained <span class=\"letter-mini\">b</span> Demonstration" in alpha
    assert "lost <span class=\"letter-mini\">d</span> General e-mail address" in alpha
    gamma = (index.parent / "firms" / firm_filename("gamma")).read_text(encoding="utf-8")
    assert "No tool gained or lost since run 1." in gamma
    delta = (index.parent / "firms" / firm_filename("delta")).read_text(encoding="utf-8")
    assert "first assessed run in this database" in delta


# ---- the command -------------------------------------------------------------------------

def test_cli_diff_text(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "--db", str(db), "--run", "1", "--run", "2"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "changes from run 1 to run 2"
    assert "  + b  Demonstration (in person or by videoconference) (gained)" in out
    assert "  - d  General e-mail address for receiving orders (info@) (lost)" in out
    assert "delta: only in run 2" in out
    assert "beta: not compared (crawl not assessed in run 2: failed)" in out
    assert "profiles: not compared (no profiles table in this database)" in out


def test_cli_diff_csv_and_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "--db", str(db), "--run", "1", "--run", "latest",
                 "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["firm_id"], r["letter"], r["change"]) for r in rows] == [
        ("alpha", "b", "gained"), ("alpha", "live-chat", "gained"), ("alpha", "d", "lost")]
    assert main(["diff", "--db", str(db), "--run", "1", "--run", "2", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["added"] == ["delta"] and data["profiles"] is None
    assert len(data["tools"]) == 3


@pytest.mark.parametrize("args", [["--run", "1"], ["--run", "1", "--run", "1"],
                                  ["--run", "1", "--run", "9"],
                                  ["--run", "1", "--run", "2", "--run", "2"]])
def test_cli_diff_bad_runs(db: Path, args: list[str],
                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "--db", str(db), *args]) == 2
    assert capsys.readouterr().err.startswith("auditor: ")


def test_cli_diff_missing_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "--db", str(tmp_path / "none.sqlite"), "--run", "1", "--run", "2"]) == 2
    assert "no database" in capsys.readouterr().err
    assert not (tmp_path / "none.sqlite").exists()
