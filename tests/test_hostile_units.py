"""The hostile-web defences as small functions: traps, encodings, Retry-After, reasons."""

from __future__ import annotations

import sqlite3
import time
from email.utils import formatdate

import pytest
from scrapy import Request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from auditor.cli import scrapy_settings
from auditor.dupefilter import FirmDupeFilter
from auditor.encoding import page_text, sniff_binary
from auditor.failures import describe_failure
from auditor.firms import parse_firms
from auditor.retry_after import RetryAfterMiddleware, parse_retry_after
from auditor.robots import DISALLOW_ALL, RobotsLimitsMiddleware
from auditor.storage import Store, connect
from auditor.traps import canonical_url, is_trap
from spiders.audit import AuditSpider
from tests.hostile.server import FRENCH_BODY, FRENCH_TITLE, NOISE, PDF, ZIP, html


@pytest.mark.parametrize(("url", "clean"), [
    ("https://a.com/p;jsessionid=ABC123?x=1", "https://a.com/p?x=1"),
    ("https://a.com/p?PHPSESSID=1&id=7&sid=9", "https://a.com/p?id=7"),
    ("https://a.com/?utm_source=x&utm_medium=y&gclid=z&fbclid=w", "https://a.com/"),
    ("https://a.com/news?page=2&s=optics", "https://a.com/news?page=2&s=optics"),
    ("https://a.com/plain/path", "https://a.com/plain/path"),
])
def test_session_ids_and_tracking_parameters_are_removed(url: str, clean: str) -> None:
    assert canonical_url(url) == clean


@pytest.mark.parametrize(("url", "trap"), [
    ("https://a.com/x/x/x/", True), ("https://a.com/a/b/a/b/a/", True),
    ("https://a.com/" + "/".join(f"s{i}" for i in range(16)), True),
    ("https://a.com/?" + "q" * 1000, True),
    ("https://a.com/fr/produits/lasers/fr/", False), ("https://a.com/en/news/2024/05/", False),
])
def test_trap_urls(url: str, trap: bool) -> None:
    assert is_trap(url) is trap


@pytest.mark.parametrize(("body", "kind"), [
    (PDF, "application/pdf"), (ZIP, "application/zip"), (NOISE, "application/octet-stream"),
    (b"\x89PNG\r\n\x1a\n....", "image/png"), (b"  \n%PDF-1.7", "application/pdf"),
    (b"<html><body>a stray \x00 NUL</body></html>", None), (b"", None),
    (html("Plain").encode(), None),
])
def test_binaries_posing_as_html_are_spotted(body: bytes, kind: str | None) -> None:
    assert sniff_binary(body) == kind


def _french(encoding: str, content_type: str, head: str = "") -> HtmlResponse:
    page = html(FRENCH_TITLE, FRENCH_BODY, head=head)
    return HtmlResponse("https://optique.fr/", body=page.encode(encoding),
                        headers={"Content-Type": content_type})


@pytest.mark.parametrize(("response", "fallback"), [
    (_french("cp1252", "text/html"), True),
    (_french("cp1252", "text/html; charset=ISO-8859-1"), False),
    (_french("cp1252", "text/html", head='<meta charset="windows-1252">'), False),
    (_french("utf-8", "text/html"), False),
    (_french("utf-8", "text/html; charset=utf-8"), False),
])
def test_french_pages_decode_as_browsers_do(response: HtmlResponse, fallback: bool) -> None:
    text, used = page_text(response)
    assert FRENCH_TITLE in text and "l’optique de précision, déjà" in text
    assert used is fallback


def test_scrapy_alone_gets_the_french_page_wrong() -> None:
    """Why page_text exists: this fails the day Scrapy guesses windows-1252 itself."""
    assert FRENCH_TITLE not in _french("cp1252", "text/html").text


def test_retry_after_values() -> None:
    assert parse_retry_after("120") == 120
    now = time.time()
    assert parse_retry_after(formatdate(now + 30, usegmt=True), now=now) == pytest.approx(30, 1)
    assert parse_retry_after(formatdate(now - 30, usegmt=True), now=now) == 0
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-5") is None


class _Crawler:
    def __init__(self, **settings: object) -> None:
        self.settings = scrapy_settings(settings)
        self.stats = None


def test_retry_after_within_the_cap_retries_and_over_it_gives_up() -> None:
    middleware = RetryAfterMiddleware(_Crawler(AUDIT_RETRY_AFTER_MAX=10))  # type: ignore[arg-type]
    request = Request("https://a.com/p")
    waited = middleware.process_response(request, Response(
        request.url, status=429, headers={"Retry-After": "3"}))
    assert isinstance(waited, Request) and waited.dont_filter
    assert waited.meta["retry_after_times"] == 1
    assert middleware.not_before["a.com"] > time.monotonic() + 2
    again = middleware.process_response(waited, Response(request.url, status=429,
                                                         headers={"Retry-After": "3"}))
    third = middleware.process_response(again, Response(request.url, status=429,
                                                        headers={"Retry-After": "3"}))
    assert isinstance(third, Response)  # two waits at most, then the usual handling
    with pytest.raises(IgnoreRequest, match="asks to wait 3600 s, over the 10 s cap"):
        middleware.process_response(request, Response(request.url, status=503,
                                                      headers={"Retry-After": "3600"}))
    plain = Response(request.url, status=429)
    assert middleware.process_response(request, plain) is plain


def test_robots_txt_server_error_forbids_everything_and_size_is_capped() -> None:
    middleware = RobotsLimitsMiddleware(_Crawler())  # type: ignore[arg-type]
    robots = Request("https://a.com/robots.txt")
    middleware.process_request(robots)
    assert robots.meta["download_maxsize"] == 512 * 1024
    answer = middleware.process_response(robots, Response(robots.url, status=503, body=b"oops"))
    assert answer.body == DISALLOW_ALL
    page = Request("https://a.com/robots.txt.html")
    middleware.process_request(page)
    assert "download_maxsize" not in page.meta


def _failure(exc: Exception, url: str = "https://a.com/") -> Failure:
    failure = Failure(exc)
    failure.request = Request(url)  # type: ignore[attr-defined]
    return failure


@pytest.mark.parametrize(("exc", "reason"), [
    (CannotResolveHostError("nope"), "DNS lookup failed"),
    (DownloadConnectionRefusedError(), "connection refused"),
    (DownloadTimeoutError("took longer than 2 seconds"), "timed out"),
    (DownloadCancelledError(), "page too large (over 8 MiB)"),
    (DownloadFailedError("[<twisted.python.failure.Failure twisted.internet.error."
                         "ConnectionLost: Connection to the other side was lost>]"),
     "connection reset"),
    (IgnoreRequest("Forbidden by robots.txt"), "robots.txt forbids it"),
    (IgnoreRequest("max redirections reached"), "too many redirects"),
    (HttpError(Response("https://a.com/", status=404), "Ignoring non-200 response"), "HTTP 404"),
    (HttpError(Response("https://a.com/", status=302, headers={"Location": "file:///etc"}), "x"),
     "HTTP 302 redirect to a non-web address (file:///etc)"),
])
def test_failures_have_plain_reasons(exc: Exception, reason: str) -> None:
    assert describe_failure(_failure(exc), 8 * 1024 * 1024) == reason


def test_duplicate_filter_keeps_one_namespace_per_firm() -> None:
    from scrapy.utils.request import RequestFingerprinter

    dupes = FirmDupeFilter(RequestFingerprinter(), _Crawler())  # type: ignore[arg-type]
    url = "https://b.com/about"
    assert not dupes.request_seen(Request(url, meta={"firm_id": "A"}))
    assert dupes.request_seen(Request(url, meta={"firm_id": "A"}))
    assert not dupes.request_seen(Request(url, meta={"firm_id": "B"}))  # A cost B nothing


def test_redirect_scope_per_firm() -> None:
    firms, _ = parse_firms("firm_id,domain\nA,a-firm.com\nB,b-firm.com\n")
    spider = AuditSpider(firms="f.csv", firm_rows=firms)
    hop = {"firm_id": "A", "redirect_urls": ["https://a-firm.com/x"]}
    assert spider.redirect_refusal(Request("https://www.a-firm.com/y", meta=hop)) is None
    assert spider.redirect_refusal(Request("https://c.com/", meta=hop)) == (
        "redirect leaves the firm's site (to c.com)")
    assert spider.redirect_refusal(Request("https://a-firm.net/", meta={**hop, "home": True})) \
        is None  # a home page may move to a new domain...
    assert spider.redirect_refusal(Request("https://b-firm.com/", meta={**hop, "home": True})) \
        == "redirects to b-firm.com, the site of firm B, audited on its own"  # ...not a firm's


def test_older_databases_gain_the_new_columns_and_tables(tmp_path) -> None:
    db = tmp_path / "old.sqlite"
    with sqlite3.connect(db) as con:
        con.executescript("CREATE TABLE runs (id INTEGER PRIMARY KEY, started_at TEXT NOT NULL,"
                          " finished_at TEXT, status TEXT NOT NULL DEFAULT 'running',"
                          " firms_file TEXT NOT NULL DEFAULT '', settings_json TEXT NOT NULL"
                          " DEFAULT '{}', rule_versions_json TEXT NOT NULL DEFAULT '{}',"
                          " auditor_version TEXT NOT NULL DEFAULT '');"
                          "INSERT INTO runs (started_at) VALUES ('2025-01-01');")
    Store(db).close()
    con = connect(db, readonly=True)
    assert con.execute("SELECT stats_json FROM runs").fetchall() == [("{}",)]
    assert con.execute("SELECT count(*) FROM failures").fetchone() == (0,)
