"""The demo region's social profiles: `auditor demo` visits the firms' fictional profiles and
the reports show them. Dates in the demo's profile pages and feeds are relative to the day
they are served, so these checks never rot."""

from __future__ import annotations

import csv
import re
import sqlite3
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from auditor.demo import demo_root
from reports.html import firm_filename
from tests.conftest import run_auditor


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo-profiles")
    result = run_auditor("demo", "--out", str(out), timeout=600)
    assert result.returncode == 0, result.stderr
    return out


def profile_rows(out: Path) -> list[dict[str, object]]:
    with sqlite3.connect(out / "demo.sqlite") as con:
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute("SELECT * FROM profiles ORDER BY firm_id, id")]


def test_demo_profiles_cover_active_passive_and_robots(demo: Path) -> None:
    found = {(r["firm_id"], r["url"]): (r["status"], r["reason"]) for r in profile_rows(demo)}
    statuses = {status for status, _ in found.values()}
    assert {"active", "passive", "unknown", "unreachable"} <= statuses
    robots = {key for key, (_, reason) in found.items() if reason == "not fetched: robots"}
    assert robots == {(f, u) for f, u in found if "linkedin.com" in u}
    # Every firm on LinkedIn: its robots.txt forbids the visit. Seven requests for one host at
    # once: Scrapy 2.19's RobotsTxtMiddleware alone would check only the first two of them.
    assert len(robots) == 7
    expected = {
        ("E2", "https://www.facebook.com/spectrafjord"): "active",  # page posts, days ago
        ("E4", "https://bsky.app/profile/teraglace.com"): "active",  # Bluesky RSS
        ("P1", "https://www.youtube.com/@iridalys"): "active",  # the channel feed it announces
        ("P2", "https://www.facebook.com/faunoptik"): "passive",  # posts older than 180 days
        ("P5", "https://www.youtube.com/@saphirancelasers"): "passive",  # feed from channel id
        ("P3", "https://x.com/glacisphoto"): "unknown",  # redirected to log in
        ("P5", "https://www.instagram.com/saphirancelasers"): "unreachable",  # 404
    }
    assert {key: found[key][0] for key in expected} == expected
    assert found[("P3", "https://x.com/glacisphoto")][1].startswith("login wall")


def test_every_demo_profile_is_served_locally(demo: Path) -> None:
    """`make demo` has no network guard: no profile may lead beyond the demo's own server."""
    hosts = {p.name for p in (demo_root() / "sites").iterdir() if p.is_dir()}
    for row in profile_rows(demo):
        for url in (row["url"], row["feed_url"], row["final_url"]):
            host = urlsplit(str(url or "")).hostname
            assert not host or host in hosts or host.removeprefix("www.") in hosts, url


def test_demo_firm_pages_show_a_profile_table(demo: Path) -> None:
    with (demo_root() / "firms.csv").open(encoding="utf-8") as handle:
        firm_ids = [r["firm_id"] for r in csv.DictReader(handle)]
    rows = profile_rows(demo)
    with_profiles = {r["firm_id"] for r in rows if r["own"]}
    assert with_profiles == {"E1", "E2", "E4", "P1", "P2", "P3", "P5"}
    shown: set[str] = set()
    for firm in firm_ids:
        page = unescape((demo / "firms" / firm_filename(firm)).read_text(encoding="utf-8"))
        section = page[page.index('id="profiles"'):page.index('class="checklist-title"')]
        if firm not in with_profiles:
            assert "No profile recorded for this firm" in section
            continue
        mine = [r for r in rows if r["firm_id"] == firm and r["own"]]
        assert section.count("<tr>") == len(mine) + 1  # the header row and one per profile
        for row in mine:
            assert str(row["url"]) in section
            assert f"badge-prof-{row['status']}" in section
        shown |= set(re.findall(r"badge-prof-(\w+)", section))
    assert {"active", "passive", "unknown"} <= shown
    p1 = unescape((demo / "firms" / firm_filename("P1")).read_text(encoding="utf-8"))
    assert "not fetched: robots" in p1 and "612" in p1


def test_demo_region_summarises_profiles(demo: Path) -> None:
    index = unescape((demo / "index.html").read_text(encoding="utf-8"))
    section = index[index.index('<section id="profiles">'):index.index('<section id="exports">')]
    for text in ("Share of firms active", "LinkedIn", "YouTube", "Facebook", "Any platform",
                 "7 unknown"):
        assert text in section, text
