"""Real crawls of the fixture sites through the real Scrapy stack and CLI."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.localsites import SiteServer
from tests.conftest import REPO, connect_args, guarded_env, run_auditor

FIRMS = """firm_id,domain,name,stage
OC,opticlair.ca,OptiClair,entry
PS,https://plainsite.com/,Plain Site,post-entry
BAD,not a domain,,
DN,refused-firm.com,Refused Firm,
"""


@pytest.fixture(scope="module")
def crawled(fixture_sites, tmp_path_factory) -> tuple[Path, str, str]:
    db, result = crawl_firms(fixture_sites, tmp_path_factory.mktemp("crawl"), "audit.sqlite")
    assert result.returncode == 0, result.stderr
    return db, result.stdout, result.stderr


def rows(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return con.execute(sql, params).fetchall()


def crawl_firms(sites: SiteServer, work: Path, db_name: str,
                *extra: str) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The module's firms crawled into work/db_name with extra options: (db, result)."""
    (work / "firms.csv").write_text(FIRMS, encoding="utf-8")
    db = work / db_name
    result = run_auditor(
        "crawl", str(work / "firms.csv"), "--db", str(db), *connect_args(sites),
        "--connect-to", "refused-firm.com=http://127.0.0.1:9", "--no-autothrottle", "--delay", "0",
        *extra,
    )
    return db, result


def test_crawl_follows_own_site_subdomains_and_sitemap(crawled) -> None:
    db, _, _ = crawled
    urls = {u for (u,) in rows(db, "SELECT url FROM pages WHERE firm_id = 'OC'")}
    assert urls == {
        "https://opticlair.ca/",
        "https://opticlair.ca/fr/produits.html",
        "https://opticlair.ca/fr/contact.html",
        "https://opticlair.ca/fr/orphelin.html",  # only the sitemap leads there
        "https://en.opticlair.ca/",  # a language subdomain is the same site
        "https://en.opticlair.ca/about.html",
    }


def test_robots_txt_is_obeyed_and_documents_not_downloaded(crawled) -> None:
    db, _, _ = crawled
    urls = {u for (u,) in rows(db, "SELECT url FROM pages")}
    assert not any("/prive/" in u for u in urls)
    # Five links at once to a subdomain whose robots.txt forbids all: every one is checked
    # (Scrapy 2.19 alone lets the requests that wait for robots.txt through unchecked).
    assert not any("shop.opticlair.ca" in u for u in urls)
    assert not any(u.endswith(".pdf") for u in urls)


def test_rules_find_own_tools_with_evidence(crawled) -> None:
    db, _, _ = crawled
    found = rows(db, "SELECT letter, value, url, location FROM evidence WHERE firm_id = 'OC'")
    by_letter = {letter for letter, *_ in found}
    assert {"a", "d", "g", "o", "x"} <= by_letter  # o: the datasheet PDF; x: the phone
    values = {value for _, value, _, _ in found}
    assert "ventes@opticlair.ca" in values
    assert "https://www.linkedin.com/company/opticlair" in values
    assert "jean.tremblay@opticlair.ca" not in values
    assert not any("spie" in v for v in values)  # another organisation's profile


def test_traps_give_no_evidence(crawled) -> None:
    db, _, _ = crawled
    found = rows(db, "SELECT letter, value FROM evidence WHERE firm_id = 'PS' AND length(letter) = 1")
    assert found == []


def test_firm_outcomes_are_stored(crawled) -> None:
    db, _, stderr = crawled
    outcomes = {f: (s, r) for f, s, r in rows(db, "SELECT firm_id, status, reason FROM firms")}
    assert outcomes["OC"] == ("done", "")
    assert outcomes["PS"] == ("done", "")
    assert outcomes["DN"] == ("failed", "connection refused")
    assert "BAD" not in outcomes
    assert "line 4: bad domain 'not a domain'" in stderr
    assert "1 failed" in stderr


def test_pages_keep_public_urls_and_languages(crawled) -> None:
    db, _, _ = crawled
    langs = dict(rows(db, "SELECT url, lang FROM pages"))
    assert langs["https://opticlair.ca/"] == "fr"
    assert langs["https://en.opticlair.ca/about.html"] == "en"
    assert not any("127.0.0.1" in u for u in langs)


def test_run_is_recorded_with_settings_and_rule_versions(crawled) -> None:
    db, stdout, _ = crawled
    (run,) = rows(db, "SELECT id, finished_at, status, rule_versions_json FROM runs")
    assert stdout.strip() == f"run {run[0]} stored in {db}"
    assert run[1] and run[2] == "done"
    assert '"g-analytics-tag": 1' in run[3]


def test_page_cap_makes_a_partial_crawl(fixture_sites, tmp_path) -> None:
    (tmp_path / "firms.txt").write_text("opticlair.ca\n", encoding="utf-8")
    db = tmp_path / "a.sqlite"
    result = run_auditor("crawl", str(tmp_path / "firms.txt"), "--db", str(db), "--page-cap", "2",
                         *connect_args(fixture_sites), "--no-autothrottle")
    assert result.returncode == 0, result.stderr
    (status, reason, pages) = rows(db, "SELECT status, reason, pages FROM firms")[0]
    assert (status, pages) == ("partial", 2)
    assert "page cap" in reason


def test_scrapy_crawl_command_works_too(fixture_sites, tmp_path) -> None:
    import subprocess

    (tmp_path / "firms.csv").write_text("firm_id,domain\nOC,opticlair.ca\n", encoding="utf-8")
    db = tmp_path / "s.sqlite"
    routes = ",".join(fixture_sites.routes())
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "audit", "-a", f"firms={tmp_path / 'firms.csv'}",
         "-s", f"AUDIT_DB={db}", "-s", f"CONNECT_TO={routes}", "-s", "AUTOTHROTTLE_ENABLED=0",
         "-s", "DOWNLOAD_DELAY=0"],
        cwd=REPO, env=guarded_env(), capture_output=True, text=True, timeout=240, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert len(rows(db, "SELECT url FROM pages")) == 6
    assert {"a", "d", "g"} <= {r[0] for r in rows(db, "SELECT letter FROM evidence")}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read the firms file"),
        ("firm_id,domain\nA,not a domain\n", "no valid firm"),
        ("name,stage\nx,entry\n", "lacks the column(s) firm_id, domain"),
    ],
)
def test_unusable_firms_file_stops_with_exit_2(tmp_path, content, message) -> None:
    path = tmp_path / "firms.csv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = run_auditor("crawl", str(path), "--db", str(tmp_path / "x.sqlite"))
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_connect_to_is_one_line_error(tmp_path) -> None:
    (tmp_path / "f.txt").write_text("opticlair.ca\n", encoding="utf-8")
    result = run_auditor("crawl", str(tmp_path / "f.txt"), "--connect-to", "opticlair.ca")
    assert result.returncode == 2
    assert "bad --connect-to 'opticlair.ca'" in result.stderr


def test_firm_window_of_one_crawls_firms_one_after_another(crawled, fixture_sites,
                                                            tmp_path) -> None:
    """AUDIT_FIRM_WINDOW bounds the firms in flight without changing what is found."""
    db, result = crawl_firms(fixture_sites, tmp_path, "w.sqlite", "-s", "AUDIT_FIRM_WINDOW=1")
    assert result.returncode == 0, result.stderr
    full_db = crawled[0]
    for sql in ("SELECT firm_id, status, pages FROM firms ORDER BY firm_id",
                "SELECT url FROM pages ORDER BY url",
                "SELECT firm_id, letter, rule_id, value, url FROM evidence ORDER BY 1, 2, 3, 4, 5"):
        assert rows(db, sql) == rows(full_db, sql)
    windowed = json.loads(rows(db, "SELECT stats_json FROM runs")[0][0])
    default = json.loads(rows(full_db, "SELECT stats_json FROM runs")[0][0])
    assert windowed["auditor/firms_active_max"] == 1
    assert default["auditor/firms_active_max"] == 3  # every valid firm at once: 3 < 32


def test_rules_batch_of_one_stores_the_same_evidence(crawled, fixture_sites, tmp_path) -> None:
    """AUDIT_RULES_BATCH only changes when the rules run, never what they find, and every
    page held back for the rules is stored (the default batch is larger than a firm here)."""
    db, result = crawl_firms(fixture_sites, tmp_path, "b.sqlite", "-s", "AUDIT_RULES_BATCH=1")
    assert result.returncode == 0, result.stderr
    full_db = crawled[0]
    for sql in ("SELECT firm_id, status, pages FROM firms ORDER BY firm_id",
                "SELECT url, lang, title FROM pages ORDER BY url",
                ("SELECT firm_id, letter, rule_id, value, url, location, snippet, confidence "
                 "FROM evidence ORDER BY url, id")):
        assert rows(db, sql) == rows(full_db, sql)
    assert rows(db, "SELECT count(*) FROM evidence")[0][0] > 0


def test_two_processes_store_the_same_run_as_one(crawled, fixture_sites, tmp_path) -> None:
    """--processes 2: each child crawls whole firms into the same database; the parent
    finishes the run with the children's statistics added up."""
    db, result = crawl_firms(fixture_sites, tmp_path, "p.sqlite", "--processes", "2")
    assert result.returncode == 0, result.stderr
    (run_id, status, settings, stats_json) = rows(
        db, "SELECT id, status, settings_json, stats_json FROM runs")[0]
    assert result.stdout.strip() == f"run {run_id} stored in {db}"
    assert status == "done"
    assert json.loads(settings)["AUDIT_PROCESSES"] == 2
    stats = json.loads(stats_json)
    assert stats["processes"] == 2
    assert stats["auditor/pages_received"] == rows(db, "SELECT count(*) FROM pages")[0][0]
    full_db = crawled[0]
    for sql in ("SELECT firm_id, status, reason, pages FROM firms ORDER BY firm_id",
                "SELECT url FROM pages ORDER BY url",
                "SELECT firm_id, letter, rule_id, value, url FROM evidence ORDER BY 1, 2, 3, 4, 5",
                "SELECT firm_id, url, reason FROM failures ORDER BY url"):
        assert rows(db, sql) == rows(full_db, sql)


def test_bad_processes_value_is_one_line_error(tmp_path) -> None:
    (tmp_path / "firms.txt").write_text("opticlair.ca\n", encoding="utf-8")
    result = run_auditor("crawl", str(tmp_path / "firms.txt"), "--db", str(tmp_path / "x.sqlite"),
                         "--processes", "0")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "--processes" in result.stderr
