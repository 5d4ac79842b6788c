"""Shared fixtures: the network guard, local site servers and crawl helpers."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
GUARD = TESTS / "netguard"
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(GUARD))

from tests_netguard import install

install()

from auditor.localsites import SiteServer


def guarded_env() -> dict[str, str]:
    """Environment for subprocesses: the network guard loads first, no proxies."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(GUARD), str(REPO), env.get("PYTHONPATH")]))
    return env


def run_auditor(*args: str, cwd: Path | None = None, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a guarded subprocess (Twisted's reactor runs once per process)."""
    return subprocess.run(
        [sys.executable, "-m", "auditor", *args], cwd=cwd or REPO, env=guarded_env(),
        capture_output=True, text=True, timeout=timeout, check=False,
    )


@pytest.fixture(scope="session")
def fixture_sites() -> Iterator[SiteServer]:
    """The fixture sites of tests/sites, served by host name on an ephemeral port."""
    server = SiteServer(TESTS / "sites").start()
    yield server
    server.stop()


def connect_args(server: SiteServer) -> list[str]:
    args: list[str] = []
    for route in server.routes():
        args += ["--connect-to", route]
    return args
