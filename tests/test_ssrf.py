"""The SSRF guard: what it refuses, its two layers, its only exceptions, safe defaults."""

from __future__ import annotations

import ipaddress
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import pytest
from scrapy import Request
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

from auditor.cli import scrapy_settings
from auditor.ssrf import (
    GuardedResolver,
    SsrfBlocked,
    SsrfGuardMiddleware,
    address_refusal,
    host_refusal,
    literal_address,
    parse_nets,
)
from tests.conftest import REPO, guarded_env, run_auditor
from tests.hostile.server import HostileServer


@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"),
    ("10.0.0.1", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"),
    ("fd00::1", "private"), ("169.254.169.254", "cloud-metadata"),
    ("fd00:ec2::254", "cloud-metadata"), ("100.100.100.200", "cloud-metadata"),
    ("169.254.1.1", "link-local"), ("fe80::1", "link-local"), ("100.64.0.1", "CGNAT"),
    ("100.127.255.254", "CGNAT"), ("0.0.0.0", "unspecified"), ("::", "unspecified"),  # noqa: S104
    ("224.0.0.1", "multicast"), ("240.0.0.1", "reserved"), ("255.255.255.255", "reserved"),
    ("::ffff:10.0.0.1", "private"), ("::ffff:127.0.0.1", "loopback"),
    ("64:ff9b::a9fe:a9fe", "cloud-metadata"),  # NAT64 of 169.254.169.254
    ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
])
def test_non_public_addresses_are_refused(address: str, kind: str) -> None:
    assert address_refusal(address) == f"{ipaddress.ip_address(address)}, a {kind} address"


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111",
                                     "100.63.255.255", "100.128.0.1", "172.32.0.1"])
def test_public_addresses_pass(address: str) -> None:
    assert address_refusal(address) is None


def test_allowlist_is_the_only_exception() -> None:
    allow = parse_nets(["127.0.0.1/32", "10.20.0.0/16"])
    assert address_refusal("127.0.0.1", allow) is None
    assert address_refusal("10.20.3.4", allow) is None
    assert address_refusal("::ffff:127.0.0.1", allow) is None
    assert address_refusal("127.0.0.2", allow) == "127.0.0.2, a loopback address"
    assert address_refusal("10.21.0.1", allow) == "10.21.0.1, a private address"
    assert parse_nets("10.0.0.0/8, 192.0.2.7") == (ipaddress.ip_network("10.0.0.0/8"),
                                                   ipaddress.ip_network("192.0.2.7/32"))
    with pytest.raises(ValueError, match="bad SSRF_ALLOW_NETS entry 'intranet'"):
        parse_nets(["intranet"])


@pytest.mark.parametrize(("host", "address"), [
    ("127.0.0.1", "127.0.0.1"), ("127.1", "127.0.0.1"), ("2130706433", "127.0.0.1"),
    ("0x7f.0.0.1", "127.0.0.1"), ("017700000001", "127.0.0.1"), ("[::1]", "::1"),
    ("example.com", None), ("10.example.com", None), ("deadbeef.com", None),
])
def test_ip_literals_in_every_form_are_recognised(host: str, address: str | None) -> None:
    found = literal_address(host)
    assert (str(found) if found else None) == address


@pytest.mark.parametrize(("host", "kind"), [
    ("localhost", "local_name"), ("LOCALHOST.", "local_name"), ("admin.localhost", "local_name"),
    ("printer.local", "local_name"), ("metadata.google.internal", "local_name"),
    ("router.home.arpa", "local_name"), ("10.0.0.1", "ip_literal"), ("", "no_host"),
])
def test_local_hosts_are_refused_by_name(host: str, kind: str) -> None:
    refusal = host_refusal(host)
    assert refusal is not None and refusal[0] == kind
    assert host_refusal("www.example.com") is None


class _Crawler:
    def __init__(self, **settings: object) -> None:
        self.settings = scrapy_settings(settings)
        self.stats = None


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "ftp://example.com/x", "data:text/html,hi", "gopher://x.com/",
    "s3://bucket/key", "http://169.254.169.254/latest/meta-data/", "http://[::1]/",
    "http://localhost:8080/", "https://10.1.2.3/", "http://2130706433/",
])
def test_middleware_refuses_before_sending(url: str) -> None:
    guard = SsrfGuardMiddleware(_Crawler())  # type: ignore[arg-type]
    with pytest.raises(SsrfBlocked, match=r"^refused by the SSRF guard: "):
        guard.process_request(Request(url))
    guard.process_request(Request("https://www.example.com/"))


def test_connect_to_routes_and_the_allowlist_are_let_through() -> None:
    guard = SsrfGuardMiddleware(_Crawler(  # type: ignore[arg-type]
        CONNECT_TO=["firm.example.com=http://127.0.0.1:8000"], SSRF_ALLOW_NETS="10.9.0.0/16"))
    guard.process_request(Request("https://firm.example.com/"))
    guard.process_request(Request("https://www.firm.example.com/"))
    guard.process_request(Request("http://10.9.8.7/"))
    with pytest.raises(SsrfBlocked):
        guard.process_request(Request("http://127.0.0.1:8000/"))  # the route's target itself


class _Resolver(GuardedResolver):
    """The guarded resolver with canned answers instead of lookups."""

    answers: ClassVar[dict[str, str]] = {
        "rebinding.example.com": "10.0.0.7", "www.example.com": "93.184.215.14",
        "127.0.0.1": "127.0.0.1"}

    def lookup(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:
        return defer.succeed(self.answers[name])


def _resolve(resolver: GuardedResolver, name: str) -> str | BaseException:
    results: list[str | BaseException] = []
    resolver.getHostByName(name).addCallbacks(results.append, lambda f: results.append(f.value))
    return results[0]


def test_a_bad_allowlist_stops_the_crawl_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text("example.com\n", encoding="utf-8")
    result = run_auditor("crawl", str(tmp_path / "f.txt"), "--db", str(tmp_path / "a.sqlite"),
                         "-s", "SSRF_ALLOW_NETS=10.0.0.0/8,intranet")
    assert result.returncode == 2
    assert result.stderr.strip() == ("auditor: bad SSRF_ALLOW_NETS entry 'intranet': write a "
                                     "network such as 10.1.0.0/16 or an address such as 192.0.2.7")


def test_resolver_checks_the_address_connected_to() -> None:
    from twisted.internet import reactor

    resolver = _Resolver(reactor, 0, 5)  # type: ignore[arg-type]
    assert _resolve(resolver, "www.example.com") == "93.184.215.14"
    refused = _resolve(resolver, "rebinding.example.com")
    assert isinstance(refused, DNSLookupError)
    assert resolver.refused["rebinding.example.com"] == (
        "refused by the SSRF guard: rebinding.example.com resolves to 10.0.0.7, "
        "a private address")
    assert isinstance(_resolve(resolver, "127.0.0.1"), DNSLookupError)
    resolver.exempt = frozenset({"127.0.0.1"})  # a --connect-to target
    assert _resolve(resolver, "127.0.0.1") == "127.0.0.1"
    resolver.allow = parse_nets(["10.0.0.0/24"])
    assert _resolve(resolver, "rebinding.example.com") == "10.0.0.7"


def test_safe_defaults() -> None:
    from auditor import settings

    assert settings.SSRF_ALLOW_NETS == []  # the default allowlist is empty: keep it so
    crawl = scrapy_settings({})
    assert crawl.getlist("SSRF_ALLOW_NETS") == []
    assert crawl["TWISTED_DNS_RESOLVER"] == "auditor.ssrf.GuardedResolver"
    middlewares = crawl.getdict("DOWNLOADER_MIDDLEWARES")
    assert middlewares["auditor.ssrf.SsrfGuardMiddleware"] < 100  # before robots.txt fetches
    assert crawl.getbool("TELNETCONSOLE_ENABLED") is False
    assert crawl.getbool("REMOTE_CONTROL_ENABLED") is False
    handlers = crawl.getdict("DOWNLOAD_HANDLERS")
    assert all(handlers[scheme] is None for scheme in ("file", "data", "s3", "ftp"))


def test_a_real_crawl_loads_the_guard_and_nothing_that_listens(tmp_path) -> None:
    """A real crawl's own list of enabled components: the guard in, telnet and remote out."""
    server = HostileServer().start()
    try:
        (tmp_path / "f.csv").write_text("firm_id,domain\nS,session-ids.com\n", encoding="utf-8")
        args = ["crawl", str(tmp_path / "f.csv"), "--db", str(tmp_path / "a.sqlite"),
                "-s", "LOG_LEVEL=INFO", "--no-autothrottle", "--delay", "0"]
        for route in server.routes(["session-ids.com"]):
            args += ["--connect-to", route]
        result = subprocess.run([sys.executable, "-m", "auditor", *args], cwd=REPO,
                                env=guarded_env(), capture_output=True, text=True, timeout=120,
                                check=False)
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr
    log = result.stderr
    extensions = log.split("Enabled extensions:", 1)[1].split("]", 1)[0]
    assert "telnet" not in extensions.lower() and "remote" not in extensions.lower()
    middlewares = log.split("Enabled downloader middlewares:", 1)[1].split("]", 1)[0]
    assert "auditor.ssrf.SsrfGuardMiddleware" in middlewares
    assert "Telnet console listening" not in log


def test_allowlist_lets_the_resolver_layer_through_and_nothing_more(tmp_path: Path) -> None:
    """With 127.0.0.1/32 allowed, the own subdomain resolving to 127.0.0.1 is fetched (so it
    was the resolver that refused it in the hostile crawl), and 127.0.0.2 is still refused."""
    server = HostileServer().start()
    try:
        (tmp_path / "f.csv").write_text("firm_id,domain\nS,www.ssrf-redirects.com\n",
                                        encoding="utf-8")
        db = tmp_path / "a.sqlite"
        args = ["crawl", str(tmp_path / "f.csv"), "--db", str(db), "--no-autothrottle",
                "--delay", "0", "-s", "SSRF_ALLOW_NETS=127.0.0.1/32",
                "-s", "TWISTED_DNS_RESOLVER=tests.hostile.resolver.StubResolver",
                "-s", "HOSTILE_DNS=internal.ssrf-redirects.com=127.0.0.1",
                "--connect-to", f"www.ssrf-redirects.com={server.address}"]
        result = subprocess.run([sys.executable, "-m", "auditor", *args], cwd=REPO,
                                env=guarded_env(), capture_output=True, text=True, timeout=120,
                                check=False)
        hits = {(h.host, h.path) for h in server.hits}
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr
    assert ("internal.ssrf-redirects.com", "/secret") in hits
    with sqlite3.connect(db) as con:
        failures = dict(con.execute("SELECT url, reason FROM failures"))
    port = server.port
    assert failures[f"http://127.0.0.2:{port}/secret"] == (
        "refused by the SSRF guard: 127.0.0.2, a loopback address")
    assert failures["http://10.0.0.1/admin"] == (
        "refused by the SSRF guard: 10.0.0.1, a private address")
    # allowed by the guard, but a redirect off the firm's site all the same
    assert failures[f"http://127.0.0.1:{port}/secret"] == (
        "redirect leaves the firm's site (to 127.0.0.1)")
