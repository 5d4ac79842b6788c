"""The test network guard and the local site server: nothing leaves 127.0.0.1."""

from __future__ import annotations

import socket
import urllib.request

import pytest

from auditor.localsites import resolve
from tests.conftest import TESTS, run_auditor


def test_guard_refuses_connections_beyond_loopback() -> None:
    with socket.socket() as sock, pytest.raises(OSError, match=r"only 127\.0\.0\.1 is allowed"):
        sock.connect(("192.0.2.1", 80))
    with pytest.raises(socket.gaierror, match="network guard"):
        socket.getaddrinfo("example.com", 80)


def test_guard_is_active_in_crawl_subprocesses(tmp_path) -> None:
    (tmp_path / "f.txt").write_text("example.com\n", encoding="utf-8")
    result = run_auditor("crawl", str(tmp_path / "f.txt"), "--db", str(tmp_path / "a.sqlite"),
                         "-s", "RETRY_TIMES=0")
    assert result.returncode == 0, result.stderr
    assert "failed example.com: DNS lookup failed" in result.stderr


def test_site_server_answers_by_host_name(fixture_sites) -> None:
    request = urllib.request.Request(fixture_sites.address + "/fr/contact",
                                     headers={"Host": "www.opticlair.ca"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert b"ventes@opticlair.ca" in response.read()


@pytest.mark.parametrize("path", ["/../plainsite.com/index.html", "/%2e%2e/%2e%2e/README.md",
                                  "/..%2f..%2fconftest.py"])
def test_site_server_never_leaves_a_site_folder(path: str) -> None:
    assert resolve(TESTS / "sites", "opticlair.ca", path) is None
    assert resolve(TESTS / "sites", "unknown.ca", "/") is None
