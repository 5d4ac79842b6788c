"""Profile visits through the real CLI against fake profile servers (`tests/profile_sites/`),
every platform host routed with --connect-to: a login-wall redirect, public pages with og
tags and follower counts, RSS and Atom feeds with relative dates, a YouTube-style channel
feed, Mastodon and Bluesky feeds, a robots.txt that forbids, a 404, a refused connection
and a name that does not resolve."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from auditor.localsites import SiteServer
from reports.html import firm_filename
from tests.conftest import TESTS, connect_args, run_auditor

FIRMS = """firm_id,domain,name,stage,profiles
A,acme-optique.ca,Acme Optique,entry,https://www.tiktok.com/@acmeoptique https://www.xing.com/pages/acme-optique
B,beta-laser.ca,Beta Laser,post-entry,
"""
REFUSED = "www.xing.com=http://127.0.0.1:9"


@pytest.fixture(scope="module")
def profile_sites() -> Iterator[SiteServer]:
    server = SiteServer(TESTS / "profile_sites", relative_dates=True).start()
    yield server
    server.stop()


def crawl(server: SiteServer, work: Path, db: Path, *extra: str) -> None:
    firms = work / "firms.csv"
    firms.write_text(FIRMS, encoding="utf-8")
    result = run_auditor("crawl", str(firms), "--db", str(db), *connect_args(server),
                         "--connect-to", REFUSED, "--no-autothrottle", "--delay", "0", *extra)
    assert result.returncode == 0, result.stderr


def rows(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return con.execute(sql, params).fetchall()


def days_ago(n: int) -> str:
    return (datetime.now(UTC) - timedelta(days=n)).date().isoformat()


@pytest.fixture(scope="module")
def crawled(profile_sites: SiteServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("profiles")
    db = work / "audit.sqlite"
    crawl(profile_sites, work, db)
    return db


def by_url(db: Path, firm: str) -> dict[str, dict[str, object]]:
    with sqlite3.connect(db) as con:
        con.row_factory = sqlite3.Row
        return {r["url"]: dict(r) for r in con.execute(
            "SELECT * FROM profiles WHERE firm_id = ?", (firm,))}


def test_every_state_against_local_servers(crawled: Path) -> None:
    got = {url: (r["platform"], r["status"], r["reason"]) for url, r in by_url(crawled, "A").items()
           if r["own"]}
    assert got == {
        "https://www.linkedin.com/company/acme-optique":
            ("linkedin", "unknown", "not fetched: robots"),
        "https://www.facebook.com/acmeoptique":
            ("facebook", "unknown", ("login wall (https://www.facebook.com/login/?next="
                                    "https%3A%2F%2Fwww.facebook.com%2Facmeoptique)")),
        "https://x.com/acmeoptique":
            ("x", "unknown", ("login wall (https://x.com/i/flow/login?redirect_after_login="
                             "%2Facmeoptique)")),
        "https://www.youtube.com/channel/UCacmeOptique0Feeds00001":
            ("youtube", "active", f"post of {days_ago(44)} (feed), 44 days before the run"),
        "https://www.instagram.com/acmeoptique":
            ("instagram", "passive", "public page, no dated post visible"),
        "https://mastodon.social/@acme":
            ("mastodon", "active", f"post of {days_ago(3)} (feed), 3 days before the run"),
        "https://bsky.app/profile/acme-optique.ca":
            ("bluesky", "passive", (f"latest post {days_ago(190)} (feed), 190 days before the run "
                                   "(over 180)")),
        "https://github.com/acme-optique": ("github", "unreachable", "HTTP 404"),
        "https://www.tiktok.com/@acmeoptique": ("tiktok", "unreachable", "DNS lookup failed"),
        "https://www.xing.com/pages/acme-optique": ("xing", "unreachable", "connection refused"),
        "https://acme-optique.ca/feed.xml":  # the announced feed, not the comments feed
            ("blog", "active", f"post of {days_ago(12)} (feed), 12 days before the run"),
    }


def test_what_the_visits_record(crawled: Path) -> None:
    a = by_url(crawled, "A")
    youtube = a["https://www.youtube.com/channel/UCacmeOptique0Feeds00001"]
    assert youtube["followers"] == 3400 and youtube["links_back"] == 1
    assert youtube["og_title"] == "Acme Optique" and youtube["http_status"] == 200
    assert youtube["feed_url"] == ("https://www.youtube.com/feeds/videos.xml?channel_id="
                                   "UCacmeOptique0Feeds00001")
    assert youtube["feed_entries"] == 2 and youtube["last_post_source"] == "feed"
    instagram = a["https://www.instagram.com/acmeoptique"]
    assert (instagram["followers"], instagram["links_back"], instagram["login_wall"]) == (1200, 1, 0)
    assert instagram["og_title"] == "Acme Optique (@acmeoptique)"
    mastodon = a["https://mastodon.social/@acme"]
    assert mastodon["followers"] == 57 and mastodon["feed_url"] == "https://mastodon.social/@acme.rss"
    facebook = a["https://www.facebook.com/acmeoptique"]
    assert facebook["login_wall"] == 1 and facebook["links_back"] is None
    assert facebook["final_url"].startswith("https://www.facebook.com/login/")
    linkedin = a["https://www.linkedin.com/company/acme-optique"]
    assert linkedin["visit"] == "not fetched: robots" and linkedin["http_status"] is None
    assert linkedin["followers"] is None and linkedin["title"] == ""  # never fetched
    assert a["https://www.tiktok.com/@acmeoptique"]["own_reason"] == "listed in the firms file"
    assert a["https://x.com/acmeoptique"]["own_reason"] == "handle resembles the firm's name"
    vimeo = a["https://vimeo.com/optiquetrade"]
    assert (vimeo["own"], vimeo["status"]) == (0, "")
    assert vimeo["own_reason"] == "in a header or footer of one page only"
    assert not any("photonique-partenaire" in url for url in a)  # a partner, in the body


def test_second_firm_atom_feed_public_page_and_embeds(crawled: Path) -> None:
    b = by_url(crawled, "B")
    assert {url: (r["own"], r["status"], r["own_reason"]) for url, r in b.items()} == {
        "https://beta-laser.ca/atom.xml": (1, "passive", "feed announced by the firm's site"),
        "https://www.facebook.com/betalaser": (1, "passive", "handle resembles the firm's name"),
        "https://vimeo.com/betalaser": (1, "passive", "JSON-LD sameAs"),
    }
    facebook = b["https://www.facebook.com/betalaser"]
    assert facebook["last_post"] == days_ago(250)  # the event announced ahead does not count
    assert facebook["followers"] == 845 and facebook["links_back"] == 0
    vimeo = b["https://vimeo.com/betalaser"]
    assert vimeo["reason"] == "public page, no dated post visible" and vimeo["links_back"] == 1
    assert b["https://beta-laser.ca/atom.xml"]["last_post"] == days_ago(400)


def test_profile_failures_are_not_the_firms(crawled: Path) -> None:
    assert rows(crawled, "SELECT firm_id, status, errors FROM firms ORDER BY firm_id") == [
        ("A", "done", 0), ("B", "done", 0)]
    assert rows(crawled, "SELECT url FROM failures") == []
    assert rows(crawled, "SELECT status FROM runs") == [("done",)]
    assert rows(crawled, "SELECT count(*) FROM profiles WHERE status = 'pending'") == [(0,)]
    (settings,) = rows(crawled, "SELECT settings_json FROM runs")[0]
    assert json.loads(settings)["AUDIT_PROFILES"] is True


def test_reports_show_the_profiles(crawled: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_auditor("report", "--db", str(crawled), "--out", str(out))
    assert result.returncode == 0, result.stderr
    page = (out / "firms" / firm_filename("A")).read_text(encoding="utf-8")
    assert 'id="profiles"' in page
    for text in ("not fetched: robots", "login wall", "badge-prof-active", "badge-prof-passive",
                 "badge-prof-unreachable", "3\u202f400", days_ago(12),
                 "own: listed in the firms file", "Seen on the site but not taken as the firm"):
        assert text in page, text
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Share of firms active" in index and "Any platform" in index


def test_diff_shows_profiles_that_became_active(profile_sites: SiteServer, crawled: Path,
                                                tmp_path: Path) -> None:
    db = tmp_path / "two.sqlite"
    crawl(profile_sites, tmp_path, db, "-s", "AUDIT_PROFILE_ACTIVE_DAYS=7")
    crawl(profile_sites, tmp_path, db)
    result = run_auditor("diff", "--db", str(db), "--run", "1", "--run", "2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert ("  A youtube https://www.youtube.com/channel/UCacmeOptique0Feeds00001: "
            "became active (passive → active)") in lines
    assert "  A blog https://acme-optique.ca/feed.xml: became active (passive → active)" in lines
    assert not any("mastodon" in line for line in lines)  # active both times
    result = run_auditor("diff", "--db", str(db), "--run", "2", "--run", "1", "--format", "json")
    changes = {(p["url"], p["change"]) for p in json.loads(result.stdout)["profiles"]}
    assert ("https://acme-optique.ca/feed.xml", "became passive") in changes


def test_profiles_off(profile_sites: SiteServer, tmp_path: Path) -> None:
    db = tmp_path / "off.sqlite"
    crawl(profile_sites, tmp_path, db, "-s", "AUDIT_PROFILES=False")
    tables = {t for (t,) in rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "profiles" not in tables
    (stats, settings) = rows(db, "SELECT stats_json, settings_json FROM runs")[0]
    assert json.loads(settings)["AUDIT_PROFILES"] is False
    assert not any(key.startswith("auditor/profiles") for key in json.loads(stats))
    assert rows(db, "SELECT count(*) FROM evidence WHERE letter = 'a'")[0][0] > 0
    out = tmp_path / "out"
    assert run_auditor("report", "--db", str(db), "--out", str(out)).returncode == 0
    page = (out / "firms" / firm_filename("A")).read_text(encoding="utf-8")
    assert "social profiles were not visited in this run" in page and 'id="profiles"' not in page


def test_resume_visits_the_profiles_an_interrupted_run_left(profile_sites: SiteServer,
                                                            tmp_path: Path) -> None:
    """A run cut short during the profile phase: every firm done, profiles still pending."""
    from auditor.firms import parse_firms
    from auditor.profiles import ProfileRecord
    from auditor.storage import Store

    db = tmp_path / "cut.sqlite"
    store = Store(db)
    run_id = store.create_run("firms.csv", {"AUDIT_PROFILES": True}, {}, "t")
    store.add_firms(run_id, parse_firms(FIRMS)[0])
    for firm in ("A", "B"):
        store.set_firm_outcome(run_id, firm, "done", "", 2, 0)
    store.save_profiles(run_id, [
        ProfileRecord("A", "mastodon", "https://mastodon.social/@acme", "acme", "user",
                      own_reason="in the site's header or footer on 2 pages"),
        ProfileRecord("A", "linkedin", "https://www.linkedin.com/company/acme-optique",
                      "acme-optique", "company", own_reason="handle resembles the firm's name"),
        ProfileRecord("B", "blog", "https://beta-laser.ca/atom.xml", kind="feed",
                      own_reason="feed announced by the firm's site"),
    ])
    store.finish_run(run_id, "interrupted")
    store.close()
    result = run_auditor("crawl", "--resume", "--db", str(db), *connect_args(profile_sites),
                         "--no-autothrottle", "--delay", "0")
    assert result.returncode == 0, result.stderr
    assert rows(db, "SELECT status FROM runs") == [("done",)]
    assert dict(rows(db, "SELECT url, status FROM profiles")) == {
        "https://mastodon.social/@acme": "active",
        "https://www.linkedin.com/company/acme-optique": "unknown",
        "https://beta-laser.ca/atom.xml": "passive",
    }
    assert rows(db, "SELECT count(*) FROM pages") == [(0,)]  # the sites were not crawled again
