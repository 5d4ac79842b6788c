"""The demo region: ten fictional firms' sites served on 127.0.0.1, audited, reported.

It runs the real stack: a local server answers for the firms' public host names, the
crawl reaches it through --connect-to routing, and the reports are written from storage.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from auditor.localsites import serving

FAST_LOCAL = {  # a local server needs no politeness delays; concurrency stays polite
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
}


def demo_root() -> Path:
    return Path(str(resources.files("auditor").joinpath("demo_region")))


def crawl_served(firms_file: Path, db: Path, root: Path, sites: dict[str, Path] | None = None,
                 settings: dict[str, object] | None = None) -> int:
    """Serve local sites by host name, crawl the firms through them, return the run id."""
    from auditor.cli import run_crawl

    with serving(root, sites) as server:
        overrides = {"AUDIT_DB": str(db), "CONNECT_TO": server.routes(), **FAST_LOCAL}
        return run_crawl(str(firms_file), {**overrides, **(settings or {})})


def run_demo(out: Path, db: Path | None = None) -> Path:
    """Serve, crawl and report the demo region; return the index.html path."""
    from reports.html import write_reports

    root = demo_root()
    out.mkdir(parents=True, exist_ok=True)
    db = db or out / "demo.sqlite"
    run_id = crawl_served(root / "firms.csv", db, root / "sites")
    return write_reports(db, str(run_id), out)
