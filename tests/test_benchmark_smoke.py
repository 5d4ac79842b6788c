"""The crawl benchmark keeps working: its quick mode (2 firms × 20 pages) end to end.

No timing is asserted: the targets are checked by running the full benchmark
(benchmarks/README.md). nginx serves the pages where it is installed; elsewhere the Python
static server does (the benchmark would install nginx, which a test must not do).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, guarded_env

FIELDS = ("pages", "wall_s", "pages_per_s", "cpu_s", "cpu_ms_per_page", "peak_rss_mb")


def _server() -> str:
    found = shutil.which("nginx") or Path("/usr/sbin/nginx").is_file()
    return "nginx" if found else "python"


def test_quick_benchmark_writes_every_tool_s_figures(tmp_path: Path) -> None:
    out = tmp_path / "crawl-quick.json"
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--server", _server(),
         "--work", str(tmp_path / "work"), "--out", str(out)],
        cwd=tmp_path, env=guarded_env(), capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "audit/baseline pages/s" in result.stdout

    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["region"] == {"firms": 2, "pages_per_firm": 20,
                                "mean_page_bytes": report["region"]["mean_page_bytes"]}
    assert set(report["results"]) == {"baseline", "audit", "audit-2-processes", "advertools"}
    for tool, entry in report["results"].items():
        assert set(FIELDS) <= set(entry), (tool, entry)
    for tool in ("baseline", "audit"):
        entry = report["results"][tool]
        assert entry["pages"] == 40, (tool, entry)  # every page of both sites, no more
        assert entry["cpu_ms_per_page"] > 0 and entry["peak_rss_mb"] > 0
    assert report["results"]["audit"]["evidence_rows"] > 0
    assert (report["results"]["audit-2-processes"]["evidence_rows"]
            == report["results"]["audit"]["evidence_rows"])  # the same run, in two processes
    advertools = report["results"]["advertools"]
    if advertools.get("error"):  # not a project dependency: the benchmark says so
        assert "advertools" in advertools["error"]
    else:
        assert advertools["pages"] == 40
    assert set(report["ratios"]) >= {"audit_vs_baseline_pages_per_s",
                                     "audit_vs_advertools_pages_per_s",
                                     "audit-2-processes_vs_baseline_pages_per_s"}
