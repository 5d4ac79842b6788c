"""The bundled demo region end to end: `auditor demo`, then the export against its labels."""

from __future__ import annotations

import csv
import io
from html import unescape
from pathlib import Path

import pytest

from auditor.demo import demo_root
from auditor.table2 import tools
from tests.conftest import run_auditor


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("demo")
    result = run_auditor("demo", "--out", str(out), timeout=600)
    assert result.returncode == 0, result.stderr
    return out, result.stdout


def labels() -> dict[tuple[str, str], str]:
    with (demo_root() / "labels.csv").open(encoding="utf-8") as handle:
        return {(r["site"], r["letter"]): r["present"] for r in csv.DictReader(handle)}


def test_demo_prints_the_index_listing_the_ten_firms(demo) -> None:
    out, stdout = demo
    index = Path(stdout.strip().splitlines()[-1])
    assert index == (out / "index.html").resolve()
    html = unescape(index.read_text(encoding="utf-8"))
    with (demo_root() / "firms.csv").open(encoding="utf-8") as handle:
        firms = list(csv.DictReader(handle))
    assert len(firms) == 10
    for firm in firms:
        assert firm["name"] in html


@pytest.fixture(scope="module")
def exported(demo) -> dict[tuple[str, str], str]:
    out, _ = demo
    result = run_auditor("export", "--db", str(out / "demo.sqlite"), "--format", "csv")
    assert result.returncode == 0, result.stderr
    return {(r["firm_id"], r["letter"]): r["status"]
            for r in csv.DictReader(io.StringIO(result.stdout))}


@pytest.mark.parametrize("letter", [t for t in tools() if tools()[t].observable])
def test_demo_export_agrees_with_the_labels(exported, letter: str) -> None:
    disagreements = []
    for (firm, labelled), value in labels().items():
        if labelled != letter:
            continue
        want = "present" if value == "1" else "absent"
        if exported[(firm, letter)] != want:
            disagreements.append(f"{firm} {letter}: labels say {want}, audit says "
                                 f"{exported[(firm, letter)]}")
    assert not disagreements, "\n".join(disagreements)


def test_demo_unobservable_letters_are_never_absent(exported) -> None:
    for letter in ("m", "t", "u"):
        assert {exported[(firm, letter)] for firm, _ in labels()} == {"not_observable"}
