"""advertools' crawl with follow_links, measured on the `scrapy runspider` process it starts.

advertools runs its spider in a child process; this wrapper calls `advertools.crawl` and
reports that child's CPU time and peak RSS (`RUSAGE_CHILDREN`), so advertools' own import in
this wrapper is not charged to its crawl.

Usage (run.py starts it): python benchmarks/adv_crawl.py MANIFEST_JSON ROUTES_FILE OUT_DIR
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import common_settings


def main(manifest_file: str, routes_file: str, out_dir: str) -> None:
    manifest = json.loads(Path(manifest_file).read_text(encoding="utf-8"))
    routes = Path(routes_file).read_text(encoding="utf-8").split()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    output = out / "advertools.jl"
    output.unlink(missing_ok=True)
    try:
        import advertools as adv
    except ImportError:
        (out / "advertools-stats.json").write_text(json.dumps({"error": "advertools is not installed"}))
        return
    os.chdir(out)  # no scrapy.cfg here: `scrapy runspider` must not load the auditor project
    started = time.monotonic()
    adv.crawl(manifest["start_urls"], str(output), follow_links=True,
              custom_settings=common_settings(routes))
    wall = time.monotonic() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    pages = 0
    if output.exists():
        with output.open(encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                if row.get("status") == 200 and "html" in str(row.get("resp_headers_content-type")
                                                             or row.get("resp_headers_Content-Type")
                                                             or "html"):
                    pages += 1
    (out / "advertools-stats.json").write_text(json.dumps({
        "pages": pages,
        "wall_seconds": wall,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "version": getattr(adv, "__version__", ""),
    }), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:4])
