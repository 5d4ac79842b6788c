"""The hostile web: one real crawl of thirty-odd broken, slow, trapped and malicious sites.

Every firm of the crawl is one hazard of tests/hostile/server.py. Each hazard is a check
(registered with `@hazard`) run as its own test and again by the closing summary, which
prints `hazards tried: N, crashes: 0, rows lost: 0`: no crawl crash, and every page the
server served completely is stored.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import REPO, guarded_env, run_auditor
from tests.hostile.server import (
    FORMULA_TITLE,
    FRENCH_TITLE,
    HOSTILE_NAME,
    SSRF_TARGETS,
    HostileServer,
    unused_port,
)

PAGE_CAP = 40
TIMEOUT = 3  # DOWNLOAD_TIMEOUT of the crawl (generous: a busy CI box stalls the reactor)
SLOW = 7  # seconds the slow pages take
FIRMS = {
    "CAL": "calendar-trap.com", "SID": "session-ids.com", "DEEP": "deep-paths.com",
    "LOOP": "redirect-loops.com", "LOOPH": "loop-home.com", "OFF": "offsite-redirect.com",
    "MOVE": "old-brand.com", "ACQ": "acquired-firm.com", "PAR": "parent-firm.com",
    "BOMB": "gzip-bomb.com", "HUGE": "huge-page.com", "BIN": "binary-html.com",
    "FR": "optique-cp1252.fr", "MAL": "broken-markup.com", "SLOW": "slow-firm.com",
    "SLOWH": "slow-home.com", "RATE": "rate-limited.com", "ERR": "server-errors.com",
    "DOWN": "down-firm.com", "RST": "reset-firm.com", "RSTH": "reset-home.com",
    "DNS": "nxdomain-firm.com", "REF": "refused-firm.com", "RNONE": "robots-missing.com",
    "R500": "robots-500.com", "RGAR": "robots-garbage.com", "RHUGE": "robots-huge.com",
    "RFORB": "robots-forbid.com", "SMAP": "sitemap-loop.com", "SSRF": "www.ssrf-redirects.com",
    "META": "metadata-firm.com", "INJ": "injection-firm.com",
}
# Rows that must be refused at input: ids and domains that try to leave a folder.
TRAVERSAL_ROWS = ("../../evil,evil-firm.com,Evil", "a/b,ab-firm.com,AB", "..,dots-firm.com,Dots",
                  "TRAV,../../etc/passwd,Trav", "TRAV2,https://traversal-firm.com/../../../etc,Trav")
# Names only the stub resolver knows: an own subdomain and a firm pointing inside the network.
STUB_DNS = "internal.ssrf-redirects.com=127.0.0.1,metadata-firm.com=169.254.169.254"
# The crawl reports its peak memory through this wrapper, to bound what bombs cost.
MEASURED = ("import atexit, resource, runpy, sys; atexit.register(lambda: sys.stderr.write("
            "f'maxrss_kb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n')); "
            "sys.argv = ['auditor', *sys.argv[1:]]; runpy.run_module('auditor', run_name='__main__')")


@dataclass
class Crawl:
    """A finished crawl of the hostile web and what the server saw."""

    db: Path
    server: HostileServer
    result: subprocess.CompletedProcess[str]
    seconds: float
    work: Path

    def rows(self, sql: str, *params: object) -> list[tuple]:
        with sqlite3.connect(self.db) as con:
            return con.execute(sql, params).fetchall()

    def firm(self, firm_id: str) -> tuple[str, str, int, int]:
        (row,) = self.rows("SELECT status, reason, pages, errors FROM firms WHERE firm_id = ?",
                           firm_id)
        return row

    def urls(self, firm_id: str) -> set[str]:
        return {u for (u,) in self.rows("SELECT url FROM pages WHERE firm_id = ?", firm_id)}

    def paths(self, firm_id: str) -> set[str]:
        return {urlsplit(u).path for u in self.urls(firm_id)}

    def failures(self, firm_id: str) -> dict[str, str]:
        return dict(self.rows("SELECT url, reason FROM failures WHERE firm_id = ?", firm_id))

    def stats(self) -> dict[str, object]:
        ((text,),) = self.rows("SELECT stats_json FROM runs")
        return json.loads(text)

    def crashes(self) -> int:
        stats = self.stats()
        return (int(self.result.returncode != 0) + self.result.stderr.count("Traceback")
                + sum(int(v) for k, v in stats.items() if k.startswith("spider_exceptions/"))
                + int(stats.get("auditor/page_errors", 0)))

    def lost(self) -> set[str]:
        """Pages the server served completely that the database does not hold."""
        stored = {u.split("://", 1)[1] for (u,) in self.rows("SELECT url FROM pages")}
        return self.server.served_pages() - stored

    def maxrss_mb(self) -> float:
        found = re.search(r"maxrss_kb=(\d+)", self.result.stderr)
        return int(found.group(1)) / 1024 if found else 0.0


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Iterator[Crawl]:
    server = HostileServer(slow_seconds=SLOW).start()
    work = tmp_path_factory.mktemp("hostile")
    lines = ["firm_id,domain,name", *TRAVERSAL_ROWS] + [
        f'{fid},{domain},"{HOSTILE_NAME if fid == "INJ" else fid}"' for fid, domain in FIRMS.items()
    ]
    (work / "firms.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = work / "hostile.sqlite"
    args = ["crawl", str(work / "firms.csv"), "--db", str(db), "--page-cap", str(PAGE_CAP),
            "--no-autothrottle", "--delay", "0", "-s", f"DOWNLOAD_TIMEOUT={TIMEOUT}",
            "-s", "TWISTED_DNS_RESOLVER=tests.hostile.resolver.StubResolver",
            "-s", f"HOSTILE_DNS={STUB_DNS}",
            "--connect-to", f"refused-firm.com=http://127.0.0.1:{unused_port()}"]
    for route in server.routes():
        args += ["--connect-to", route]
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", MEASURED, *args], cwd=REPO, env=guarded_env(),
                            capture_output=True, text=True, timeout=240, check=False)
    yield Crawl(db, server, result, time.monotonic() - started, work)
    server.stop()


@dataclass(frozen=True)
class Hazard:
    name: str
    check: Callable[[Crawl], None]


HAZARDS: list[Hazard] = []


def hazard(name: str) -> Callable[[Callable[[Crawl], None]], Callable[[Crawl], None]]:
    def register(check: Callable[[Crawl], None]) -> Callable[[Crawl], None]:
        HAZARDS.append(Hazard(name, check))
        return check
    return register


@hazard("infinite calendar")
def _calendar(run: Crawl) -> None:
    status, reason, pages, _ = run.firm("CAL")
    assert (status, reason, pages) == ("partial", f"page cap reached ({PAGE_CAP} pages)", PAGE_CAP)


@hazard("session ids in URLs")
def _session_ids(run: Crawl) -> None:
    assert run.firm("SID")[0] == "done"
    assert run.urls("SID") == {f"https://session-ids.com/{p}"
                               for p in ("", "products", "about", "contact", "news")}


@hazard("ever-deeper paths")
def _deep_paths(run: Crawl) -> None:
    assert run.firm("DEEP")[0] == "done"
    for path in run.paths("DEEP"):
        segments = [s for s in path.split("/") if s]
        assert all(segments.count(s) <= 2 for s in segments), path
    assert len(run.urls("DEEP")) < 15


@hazard("redirect loops")
def _redirect_loops(run: Crawl) -> None:
    assert run.firm("LOOP")[:3] == ("done", "", 2)
    failures = run.failures("LOOP")
    assert failures.get("https://redirect-loops.com/loop-a") == "redirect loop", failures
    assert failures["https://redirect-loops.com/self"] == "redirect loop"
    assert any(u.startswith("https://redirect-loops.com/spiral") and r == "too many redirects"
               for u, r in failures.items())
    assert run.firm("LOOPH")[:2] == ("failed", "redirect loop")


@hazard("off-site redirect")
def _offsite(run: Crawl) -> None:
    assert run.firm("OFF")[0] == "done"
    assert run.failures("OFF") == {
        "https://unrelated-parking.com/landing":
            "redirect leaves the firm's site (to unrelated-parking.com)"}
    assert run.server.hits_for("unrelated-parking.com") == []


@hazard("home page moved to another domain")
def _moved(run: Crawl) -> None:
    assert run.firm("MOVE")[0] == "done"
    assert run.urls("MOVE") == {"https://new-brand.com/", "https://new-brand.com/products"}


@hazard("cross-firm redirect")
def _cross_firm(run: Crawl) -> None:
    status, reason, _, _ = run.firm("ACQ")
    assert status == "failed"
    assert reason == "redirects to parent-firm.com, the site of firm PAR, audited on its own"
    assert run.urls("ACQ") == set()
    assert run.urls("PAR") == {"https://parent-firm.com/", "https://parent-firm.com/about"}
    assert run.server.hits_for("acquired-firm.com", "/old") == []


@hazard("64 MiB gzip bomb")
def _gzip_bomb(run: Crawl) -> None:
    assert run.firm("BOMB")[0] == "done"
    assert run.failures("BOMB") == {
        "https://gzip-bomb.com/catalogue.html": "page too large (over 8 MiB)"}
    assert run.maxrss_mb() < 400, run.maxrss_mb()


@hazard("huge pages")
def _huge(run: Crawl) -> None:
    assert run.firm("HUGE")[0] == "done"
    ((size,),) = run.rows("SELECT size FROM pages WHERE url = 'https://huge-page.com/'")
    assert size > 6_000_000  # under the cap: stored and parsed
    assert run.failures("HUGE") == {
        "https://huge-page.com/giant": "page too large (over 8 MiB)",  # streamed, no length
        "https://huge-page.com/liar": "page too large (over 8 MiB)",  # Content-Length: 10 GiB
    }


@hazard("binary served as text/html")
def _binary(run: Crawl) -> None:
    types = dict(run.rows("SELECT url, content_type FROM pages WHERE firm_id = 'BIN'"))
    assert types == {"https://binary-html.com/": "text/html",
                     "https://binary-html.com/brochure": "application/pdf",
                     "https://binary-html.com/archive": "application/zip",
                     "https://binary-html.com/noise": "application/octet-stream"}
    assert run.rows("SELECT url FROM evidence WHERE firm_id = 'BIN' AND url != ?",
                    "https://binary-html.com/") == []


@hazard("windows-1252 French page without a charset")
def _cp1252(run: Crawl) -> None:
    titles = dict(run.rows("SELECT url, title FROM pages WHERE firm_id = 'FR'"))
    assert titles == {f"https://optique-cp1252.fr/{p}": FRENCH_TITLE
                      for p in ("", "latin1", "meta", "utf8")} | {
        "https://optique-cp1252.fr/mojibake": "Zażółć gęślą jaźń"}
    snippets = [s for (s,) in run.rows("SELECT snippet FROM evidence WHERE firm_id = 'FR' "
                                       "AND url = 'https://optique-cp1252.fr/' AND letter = 'x'")]
    assert snippets and "précision, déjà à Québec" in snippets[0]
    assert run.stats()["auditor/encoding_fallback"] == 1  # only the page with no charset


@hazard("malformed HTML and JSON-LD")
def _malformed(run: Crawl) -> None:
    assert run.firm("MAL")[:3] == ("done", "", 3)
    values = {v for (v,) in run.rows("SELECT value FROM evidence WHERE firm_id = 'MAL'")}
    assert "info@broken-markup.com" in values
    assert "https://broken-markup.com/commented-out" not in run.urls("MAL")


@hazard("slow responses and time-outs")
def _slow(run: Crawl) -> None:
    assert run.firm("SLOW")[0] == "done"
    assert run.failures("SLOW") == {"https://slow-firm.com/slow": "timed out",
                                    "https://slow-firm.com/stall": "timed out"}
    assert run.firm("SLOWH")[:2] == ("failed", "timed out")


@hazard("429 and 503 with Retry-After")
def _retry_after(run: Crawl) -> None:
    status, reason, _, _ = run.firm("RATE")
    assert status == "partial"
    assert reason == "rate limited: HTTP 429 asks to wait 3600 s, over the 60 s cap"
    first, second = run.server.hits_for("rate-limited.com", "/products")
    assert (first.status, second.status) == (429, 200)
    assert second.at - first.at >= 1.9  # Retry-After: 2 honoured
    first, second = run.server.hits_for("rate-limited.com", "/service")
    assert (first.status, second.status) == (503, 200)
    assert second.at - first.at >= 1.0  # an HTTP date about 3 s ahead (1 s resolution)
    assert len(run.server.hits_for("rate-limited.com", "/news")) == 1  # over the cap: no wait
    assert {"https://rate-limited.com/products", "https://rate-limited.com/service"} <= run.urls(
        "RATE")


@hazard("5xx answers")
def _server_errors(run: Crawl) -> None:
    assert run.firm("ERR")[0] == "done"
    assert run.failures("ERR") == {"https://server-errors.com/broken": "HTTP 500"}
    assert len(run.server.hits_for("server-errors.com", "/broken")) == 2  # one retry
    assert "https://server-errors.com/flaky" in run.urls("ERR")  # fine on the retry
    assert run.firm("DOWN")[:2] == ("failed", "HTTP 502")


@hazard("connection resets")
def _resets(run: Crawl) -> None:
    assert run.firm("RST")[0] == "done"
    assert run.failures("RST") == {"https://reset-firm.com/reset": "connection reset"}
    assert run.firm("RSTH")[:2] == ("failed", "connection reset")


@hazard("DNS failure")
def _dns(run: Crawl) -> None:
    assert run.firm("DNS")[:2] == ("failed", "DNS lookup failed")


@hazard("connection refused")
def _refused(run: Crawl) -> None:
    assert run.firm("REF")[:2] == ("failed", "connection refused")


@hazard("robots.txt missing")
def _robots_missing(run: Crawl) -> None:
    assert run.firm("RNONE")[:3] == ("done", "", 3)


@hazard("robots.txt answering 500")
def _robots_500(run: Crawl) -> None:
    status, reason, _, _ = run.firm("R500")
    assert status == "failed"
    assert reason == ("robots.txt forbids every page (robots.txt answered HTTP 500, "
                      "which RFC 9309 reads as 'keep out')")
    assert {h.path for h in run.server.hits_for("robots-500.com")} == {"/robots.txt"}


@hazard("robots.txt of garbage")
def _robots_garbage(run: Crawl) -> None:
    assert run.firm("RGAR")[:3] == ("done", "", 3)


@hazard("huge robots.txt")
def _robots_huge(run: Crawl) -> None:
    assert run.firm("RHUGE")[:3] == ("done", "", 3)  # over 512 KiB: ignored, not parsed


@hazard("robots.txt forbidding everything")
def _robots_forbid(run: Crawl) -> None:
    assert run.firm("RFORB")[:2] == ("failed", "robots.txt forbids every page")
    assert {h.path for h in run.server.hits_for("robots-forbid.com")} == {"/robots.txt"}


@hazard("sitemap loops and a sitemap bomb")
def _sitemaps(run: Crawl) -> None:
    assert run.firm("SMAP")[0] == "done"
    assert run.paths("SMAP") == {"/", "/only-in-sitemap", "/also-in-sitemap"}
    sitemaps = [h for h in run.server.hits_for("sitemap-loop.com") if "sitemap" in h.path
                and h.path not in ("/only-in-sitemap", "/also-in-sitemap")]
    assert len(sitemaps) <= 5


@hazard("SSRF: redirects into the network")
def _ssrf_redirects(run: Crawl) -> None:
    failures = run.failures("SSRF")
    port = run.server.port
    for name, target in SSRF_TARGETS.items():
        url = target.format(port=port)
        if name in ("file", "ftp"):  # Scrapy never follows a redirect to another scheme
            assert failures[f"https://www.ssrf-redirects.com/to/{name}"] == (
                f"HTTP 302 redirect to a non-web address ({url})")
        else:
            assert failures[url].startswith("refused by the SSRF guard: "), name
    assert failures[f"http://internal.ssrf-redirects.com:{port}/secret"] == (
        "refused by the SSRF guard: internal.ssrf-redirects.com resolves to 127.0.0.1, "
        "a loopback address")
    assert [h for h in run.server.hits if h.path == "/secret"] == []
    assert run.urls("SSRF") == {"https://www.ssrf-redirects.com/"}


@hazard("SSRF: a firm's domain resolving to the metadata address")
def _ssrf_metadata(run: Crawl) -> None:
    assert run.firm("META")[:2] == ("failed", (
        "refused by the SSRF guard: metadata-firm.com resolves to 169.254.169.254, "
        "a cloud-metadata address"))


@hazard("hostile firm name and formula text")
def _injection(run: Crawl) -> None:
    assert run.rows("SELECT name FROM firms WHERE firm_id = 'INJ'") == [(HOSTILE_NAME,)]
    tables = {t for (t,) in run.rows("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"runs", "firms", "pages", "evidence", "failures"} <= tables
    assert run.rows("SELECT title FROM pages WHERE url = 'https://injection-firm.com/'") == [
        (FORMULA_TITLE,)]


@pytest.mark.parametrize("hazard", HAZARDS, ids=[h.name for h in HAZARDS])
def test_hazard(hostile: Crawl, hazard: Hazard) -> None:
    hazard.check(hostile)


def test_every_firm_ends_with_a_status_and_reason(hostile: Crawl) -> None:
    outcomes = hostile.rows("SELECT firm_id, status, reason FROM firms")
    assert len(outcomes) == len(FIRMS) + 1  # and TRAV2
    for firm_id, status, reason in outcomes:
        assert status in ("done", "partial", "failed"), firm_id
        assert (reason == "") == (status == "done"), firm_id
    assert hostile.rows("SELECT status FROM runs") == [("done",)]
    assert "crawl finished:" in hostile.result.stderr


def test_failed_firms_are_named_in_the_closing_summary(hostile: Crawl) -> None:
    for firm_id, reason in hostile.rows("SELECT firm_id, reason FROM firms "
                                        "WHERE status = 'failed'"):
        assert f"  failed {firm_id}: {reason}\n" in hostile.result.stderr


def test_no_page_stored_twice_and_evidence_only_for_stored_pages(hostile: Crawl) -> None:
    assert hostile.rows("SELECT url FROM pages GROUP BY run_id, url HAVING count(*) > 1") == []
    assert hostile.rows("SELECT e.url FROM evidence e LEFT JOIN pages p "
                        "ON p.run_id = e.run_id AND p.url = e.url WHERE p.url IS NULL") == []


def test_ids_and_domains_that_leave_a_folder_are_refused_at_input(hostile: Crawl) -> None:
    stderr = hostile.result.stderr
    for line in (2, 3, 4):
        assert re.search(rf"line {line}: bad firm_id ", stderr), line
    assert "line 5: bad domain '../../etc/passwd'" in stderr
    ids = {f for (f,) in hostile.rows("SELECT firm_id FROM firms")}
    assert ids == set(FIRMS) | {"TRAV2"}  # a path in a start URL stays a URL path
    assert hostile.rows("SELECT start_url FROM firms WHERE firm_id = 'TRAV2'") == [
        ("https://traversal-firm.com/../../../etc",)]


def test_hostile_text_is_safe_in_reports_and_exports(hostile: Crawl) -> None:
    out = hostile.work / "report"
    result = run_auditor("report", "--db", str(hostile.db), "--out", str(out))
    assert result.returncode == 0, result.stderr
    files = [p for p in out.rglob("*") if p.is_file()]
    assert files and all(p.resolve().is_relative_to(out.resolve()) for p in files)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "x&#39;); DROP TABLE pages;--" in index or "x&#x27;); DROP TABLE pages;--" in index
    for reason in ("DNS lookup failed", "robots.txt forbids every page",
                   "refused by the SSRF guard: metadata-firm.com resolves to 169.254.169.254"):
        assert reason in index, reason  # failed firms' reasons are on the index...
    pages = "".join(p.read_text(encoding="utf-8") for p in (out / "firms").glob("*.html"))
    assert f"page cap reached ({PAGE_CAP} pages)" in pages  # ...partial ones on their page
    for what in ("status", "evidence"):
        result = run_auditor("export", "--db", str(hostile.db), "--what", what)
        assert result.returncode == 0, result.stderr
        cells = [c for row in csv.reader(io.StringIO(result.stdout)) for c in row]
        assert not [c for c in cells if c.lstrip()[:1] in ("=", "+", "-", "@")], what
    assert len(hostile.rows("SELECT url FROM pages")) > 50  # DROP TABLE stayed data


def test_zz_hazard_summary(hostile: Crawl, capsys) -> None:
    """Run every hazard check again and print the closing summary line."""
    failed = []
    rows = []
    for item in HAZARDS:
        try:
            item.check(hostile)
            rows.append(f"  ok    {item.name}")
        except AssertionError as exc:
            failed.append(item.name)
            rows.append(f"  FAIL  {item.name}: {str(exc)[:100]}")
    crashes, lost = hostile.crashes(), hostile.lost()
    ((firms,),) = hostile.rows("SELECT count(*) FROM firms")
    with capsys.disabled():
        print("\n" + "\n".join(rows))
        print(f"crawl of {firms} firms: {hostile.seconds:.1f} s, "
              f"peak memory {hostile.maxrss_mb():.0f} MB")
        print(f"hazards tried: {len(HAZARDS)}, crashes: {crashes}, rows lost: {len(lost)}")
    assert not failed
    assert crashes == 0, hostile.result.stderr[-3000:]
    assert not lost
