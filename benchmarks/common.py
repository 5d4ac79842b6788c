"""What the three crawlers of the benchmark share: concurrency, politeness and routing.

Every crawler requests the firms' public URLs (`https://www.synth-photonique-0001.ca/…`) and
every one sends them to the local static server through the same Scrapy download handler
(`auditor.connect_to.ConnectToDownloadHandler`, the one behind `auditor crawl --connect-to`):
same URLs, same Host headers, same bytes, same per-request routing cost for all three.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
NETGUARD = REPO / "tests" / "netguard"  # loaded in every crawl: no socket beyond 127.0.0.1

CONCURRENT_REQUESTS = 32
PER_DOMAIN = 2
DELAY = 0.0

HANDLER = "auditor.connect_to.ConnectToDownloadHandler"


EXTRA_ENV = "AUDITOR_BENCH_COMMON"  # JSON of settings added for all three (run.py --common)


def write_result(path: Path, result: object) -> None:
    """A benchmark's figures as indented JSON, its folder made if need be."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


def common_settings(routes: list[str]) -> dict[str, object]:
    """Scrapy settings given to every crawler, whatever its own defaults."""
    extra = json.loads(os.environ.get(EXTRA_ENV) or "{}")
    return {
        "CONCURRENT_REQUESTS": CONCURRENT_REQUESTS,
        "CONCURRENT_REQUESTS_PER_DOMAIN": PER_DOMAIN,
        "DOWNLOAD_DELAY": DELAY,
        "AUTOTHROTTLE_ENABLED": False,
        "ROBOTSTXT_OBEY": True,
        "COOKIES_ENABLED": False,
        "RETRY_TIMES": 1,
        "DOWNLOAD_TIMEOUT": 30,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
        "CONNECT_TO": ",".join(routes),
        **extra,
    }


def routes_for(hosts: list[str], address: str) -> list[str]:
    """`registered-domain=http://127.0.0.1:PORT` for every firm (its subdomains follow)."""
    return [f"{host.removeprefix('www.')}={address}" for host in hosts]


def crawl_env() -> dict[str, str]:
    """Environment of a crawl process: the repo importable, the network guard loaded, the
    venv's scripts (advertools runs `scrapy`) first on PATH, no proxies."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(NETGUARD), str(REPO), env.get("PYTHONPATH")]))
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    return env
