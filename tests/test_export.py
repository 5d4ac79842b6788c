"""CSV and JSON exports of a stored run: shape, order, statuses, formula injection, errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from auditor.firms import parse_firms
from auditor.items import Evidence, PageItem
from auditor.storage import StorageError, Store
from auditor.table2 import tools
from reports.export import neutralise, write_export

FORMULAS = ['=HYPERLINK("http://x.example","y")', "+1+1", "-2", "@SUM(A1)", "\t=1", "\r=1",
            "  =1", "＝1", "＋1", "－1", "＠1"]
SQL = "x'); DROP TABLE pages;--"
FIRMS_CSV = """firm_id,domain,name,stage
zeta,zeta-laser.ca,Zeta Laser,entry
alpha,alpha-optique.ca,"Alpha =cmd|' /C calc'!A0",post-entry
dead,dead-firm.ca,Dead,entry
"""


def _ev(letter: str, snippet: str, value: str = "v", url: str = "https://alpha-optique.ca/",
        confidence: float = 1.0) -> Evidence:
    return Evidence(letter=letter, rule_id=f"{letter}-test", value=value, url=url,
                    location="body", snippet=snippet, confidence=confidence)


def build_db(path: Path) -> int:
    """One run: alpha with formula-like snippets and a not-observable letter, a failed firm."""
    firms, errors = parse_firms(FIRMS_CSV)
    assert not errors
    store = Store(path)
    run_id = store.create_run("firms.csv", {}, {}, "test")
    store.add_firms(run_id, firms)
    evidence = [_ev("o", text, value=text) for text in FORMULAS]
    evidence += [_ev("a", "LinkedIn", url="https://alpha-optique.ca/fr/"),
                 _ev("a", "Facebook", url="https://alpha-optique.ca/en/"),
                 _ev("u", "References on request", confidence=0.5),
                 _ev("d", "Écrivez-nous : ventes@alpha-optique.ca"),
                 _ev("c", SQL)]
    store.save_pages(run_id, [
        PageItem(firm_id="alpha", url="https://alpha-optique.ca/", status=200,
                 content_type="text/html", size=10, depth=0, evidence=evidence),
        PageItem(firm_id="zeta", url="https://zeta-laser.ca/", status=200,
                 content_type="text/html", size=10, depth=0,
                 evidence=[_ev("x", "Tél. 418 555-0100", url="https://zeta-laser.ca/")]),
    ])
    store.set_firm_outcome(run_id, "alpha", "done", "", 1, 0)
    store.set_firm_outcome(run_id, "zeta", "done", "", 1, 0)
    store.set_firm_outcome(run_id, "dead", "failed", "connection refused", 0, 1)
    store.finish_run(run_id, "finished")
    store.close()
    return run_id


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "audit.sqlite"
    build_db(path)
    return path


def export(db: Path, fmt: str, what: str, run: str = "latest") -> str:
    out = io.StringIO()
    write_export(db, run, fmt, what, out)
    return out.getvalue()


def test_status_csv_shape_and_order(db: Path) -> None:
    rows = list(csv.reader(io.StringIO(export(db, "csv", "status"))))
    assert rows[0] == ["firm_id", "letter", "status", "evidence_count", "example_url"]
    body = rows[1:]
    assert len(body) == 3 * 25
    assert [r[0] for r in body] == ["alpha"] * 25 + ["dead"] * 25 + ["zeta"] * 25
    letters = list(tools())
    for start in range(0, len(body), 25):
        assert [r[1] for r in body[start:start + 25]] == letters


def test_status_values(db: Path) -> None:
    rows = {(r["firm_id"], r["letter"]): r
            for r in csv.DictReader(io.StringIO(export(db, "csv", "status")))}
    assert rows["alpha", "a"]["status"] == "present"
    assert rows["alpha", "a"]["evidence_count"] == "2"
    assert rows["alpha", "a"]["example_url"] == "https://alpha-optique.ca/fr/"
    assert rows["alpha", "o"]["evidence_count"] == str(len(FORMULAS))
    assert rows["alpha", "b"] == {"firm_id": "alpha", "letter": "b", "status": "absent",
                                  "evidence_count": "0", "example_url": ""}
    assert rows["zeta", "x"]["status"] == "present"
    assert {r["status"] for k, r in rows.items() if k[0] == "dead"} == {"absent", "not_observable"}


def test_mtu_always_not_observable(db: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(export(db, "csv", "status"))))
    for row in rows:
        if row["letter"] in ("m", "t", "u"):
            assert row["status"] == "not_observable"
        else:
            assert row["status"] != "not_observable"
    alpha_u = next(r for r in rows if r["firm_id"] == "alpha" and r["letter"] == "u")
    assert alpha_u["evidence_count"] == "1"  # evidence kept, status still not observable


def test_formula_cells_are_neutralised(db: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(export(db, "csv", "evidence"))))
    formula_rows = [r for r in rows if r["letter"] == "o"]
    assert len(formula_rows) == len(FORMULAS)
    for row, original in zip(formula_rows, FORMULAS, strict=True):
        assert row["snippet"] == "'" + original
        assert row["value"] == "'" + original
        assert row["confidence"] == "1.0"
    safe = next(r for r in rows if r["letter"] == "d")
    assert safe["snippet"] == "Écrivez-nous : ventes@alpha-optique.ca"


def test_csv_cells_never_start_a_formula(db: Path) -> None:
    for what in ("status", "evidence"):
        for row in csv.reader(io.StringIO(export(db, "csv", what))):
            for cell in row:
                first = cell.lstrip(" ")[:1]
                assert not first or first not in "=+-@\t\r＝＋－＠", cell


@pytest.mark.parametrize(("cell", "expected"), [
    ("=1", "'=1"), ("  +1", "'  +1"), ("\n-1", "'\n-1"), ("\u00a0@x", "'\u00a0@x"),
    ("\t1", "'\t1"), ("\r1", "'\r1"), ("＝1", "'＝1"), ("safe", "safe"), ("a=b", "a=b"),
    ("", ""), ("   ", "   "), ("https://x.example/?a=-1", "https://x.example/?a=-1"),
])
def test_neutralise(cell: str, expected: str) -> None:
    assert neutralise(cell) == expected


def test_numeric_columns_are_left_alone(db: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(export(db, "csv", "evidence"))))
    assert {r["confidence"] for r in rows} == {"1.0", "0.5"}


def test_evidence_export_columns_and_order(db: Path) -> None:
    rows = list(csv.reader(io.StringIO(export(db, "csv", "evidence"))))
    assert rows[0] == ["firm_id", "letter", "rule_id", "value", "url", "location", "snippet",
                       "confidence"]
    keys = [(r[0], list(tools()).index(r[1])) for r in rows[1:]]
    assert keys == sorted(keys)
    assert len(rows) - 1 == len(FORMULAS) + 5 + 1


def test_json_status_parses(db: Path) -> None:
    data = json.loads(export(db, "json", "status"))
    assert isinstance(data, list)
    assert len(data) == 75
    assert set(data[0]) == {"firm_id", "letter", "status", "evidence_count", "example_url"}
    first = data[0]
    assert first == {"firm_id": "alpha", "letter": "a", "status": "present", "evidence_count": 2,
                     "example_url": "https://alpha-optique.ca/fr/"}
    assert data[1]["example_url"] is None


def test_json_evidence_keeps_text_as_is(db: Path) -> None:
    text = export(db, "json", "evidence")
    assert "Écrivez-nous" in text  # ensure_ascii=False
    data = json.loads(text)
    assert {row["snippet"] for row in data if row["letter"] == "o"} == set(FORMULAS)
    assert {type(row["confidence"]) for row in data} == {float}


def test_sql_text_is_data(db: Path) -> None:
    data = json.loads(export(db, "json", "evidence"))
    assert SQL in {row["snippet"] for row in data}
    assert len(json.loads(export(db, "json", "status"))) == 75  # pages and runs still there


def test_run_by_number(db: Path) -> None:
    assert export(db, "csv", "status", run="1") == export(db, "csv", "status")


def test_missing_run_raises_storage_error(db: Path) -> None:
    with pytest.raises(StorageError, match="no run 7 in this database: 'auditor runs' lists them"):
        export(db, "csv", "status", run="7")
    with pytest.raises(StorageError, match="run number or 'latest'"):
        export(db, "csv", "status", run="1; DROP TABLE runs")


def test_missing_db_raises_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="no database"):
        export(tmp_path / "missing.sqlite", "csv", "status")
    assert not (tmp_path / "missing.sqlite").exists()


def test_not_a_database_raises_storage_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_text("not sqlite at all, just text" * 100, encoding="utf-8")
    with pytest.raises(StorageError, match="not an auditor database"):
        export(bad, "json", "evidence")


@pytest.mark.parametrize(("fmt", "what"), [("xlsx", "status"), ("csv", "pages"), ("", "")])
def test_bad_format_or_what_raises_value_error(db: Path, fmt: str, what: str) -> None:
    with pytest.raises(ValueError, match="use"):
        export(db, fmt, what)


def test_export_does_not_write_to_the_database(db: Path) -> None:
    before = db.read_bytes()
    export(db, "csv", "status")
    export(db, "json", "evidence")
    assert db.read_bytes() == before


def test_cli_export_reports_a_missing_run_in_one_line(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from auditor.cli import main

    assert main(["export", "--db", str(db), "--run", "99"]) == 2
    err = capsys.readouterr().err
    assert err == "auditor: no run 99 in this database: 'auditor runs' lists them\n"
    assert main(["export", "--db", str(db), "--format", "json", "--what", "evidence"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["firm_id"] == "alpha"
