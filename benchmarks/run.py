"""The crawl benchmark: bare Scrapy, the full audit and advertools on the same synthetic region.

    python benchmarks/run.py                      # 50 firms × 200 pages, nginx
    python benchmarks/run.py --quick              # 2 firms × 20 pages (what CI runs)
    python benchmarks/run.py --scale-firms 200    # and the audit again on 200 firms: peak RSS
    python benchmarks/run.py --profile            # and the audit once more under py-spy

One command, one session, the same pages for all three crawlers and the same settings
(benchmarks/common.py: 32 requests at a time, 2 per site, no delay, AutoThrottle off,
robots.txt obeyed, every request routed to the local server by the same download handler).
Each crawl runs in its own process; its CPU time and peak RSS come from the kernel's
accounting of that process (`os.wait4`; for advertools, of the `scrapy runspider` process it
starts). Prints pages/s, CPU ms per page and peak RSS for each, the audit's ratios to the
other two, and writes them as JSON (benchmarks/results/crawl-*.json by default).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (
    BENCH,
    CONCURRENT_REQUESTS,
    DELAY,
    EXTRA_ENV,
    PER_DOMAIN,
    REPO,
    common_settings,
    crawl_env,
    routes_for,
    write_result,
)
from servers import start_server
from synth import generate

TOOLS = ("baseline", "audit", "audit-2-processes", "advertools")
# Only when asked for with --tools: Scrapy's floor (a fixed URL list, nothing parsed).
EXPERIMENTS = ("scrapy-fixed-list",)
AUDITS = ("audit", "audit-2-processes")
FIELDS = ("pages", "wall_s", "pages_per_s", "cpu_s", "cpu_ms_per_page", "peak_rss_mb")


def default_work() -> Path:
    return Path(tempfile.gettempdir()) / "auditor-bench"


def run_measured(cmd: list[str], cwd: Path, log: Path, env: dict[str, str] | None = None,
                 tree: bool = False) -> dict[str, Any]:
    """Run a crawl process; its wall time, CPU time and peak RSS from the kernel (with its
    reaped children: CPU times add up, peak RSS is the largest one process reached). With
    `tree`, the peak of the RSS summed over the process and its children is sampled too."""
    started = time.monotonic()
    peak_tree = [0.0]
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, cwd=cwd, env=env or crawl_env(), stdout=out,  # noqa: S603
                                   stderr=subprocess.STDOUT)
        sampler = threading.Thread(target=_sample_tree, args=(process.pid, peak_tree), daemon=True)
        if tree:
            sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if tree:
            sampler.join(timeout=2)
    result = {
        "exit_code": process.returncode,
        "wall_s": time.monotonic() - started,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,
    }
    if tree:
        result["peak_rss_tree_mb"] = round(peak_tree[0], 1) or None
    return result


def _sample_tree(pid: int, peak: list[float]) -> None:
    """Peak RSS of a process and its children, sampled every 0.2 s (psutil, when present)."""
    try:
        import psutil
    except ImportError:
        return
    try:
        root = psutil.Process(pid)
        while root.is_running() and root.status() != psutil.STATUS_ZOMBIE:
            total = 0
            for proc in [root, *root.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    continue
            peak[0] = max(peak[0], total / 2**20)
            time.sleep(0.2)
    except psutil.Error:
        return


def finish(entry: dict[str, Any]) -> dict[str, Any]:
    pages = entry.get("pages") or 0
    entry["pages_per_s"] = round(pages / entry["wall_s"], 1) if pages and entry.get("wall_s") else None
    entry["cpu_ms_per_page"] = round(entry["cpu_s"] * 1000 / pages, 2) if pages and entry.get("cpu_s") is not None else None
    for key in ("wall_s", "cpu_s", "peak_rss_mb"):
        if isinstance(entry.get(key), float):
            entry[key] = round(entry[key], 2)
    return entry


def run_baseline(data: Path, routes_file: Path, work: Path, fixed: bool = False) -> dict[str, Any]:
    name = "scrapy-fixed-list" if fixed else "baseline"
    stats_file = work / f"{name}-stats.json"
    stats_file.unlink(missing_ok=True)
    entry = run_measured([sys.executable, str(BENCH / "baseline.py"), str(data / "manifest.json"),
                          str(routes_file), str(stats_file), *(["--fixed-list"] if fixed else [])],
                         work, work / f"{name}.log")
    if stats_file.is_file():
        stats = json.loads(stats_file.read_text(encoding="utf-8"))
        entry.update(pages=stats["pages"], requests=stats["requests"],
                     duplicate_requests_filtered=stats["dupefilter_filtered"],
                     offsite_requests_filtered=stats["offsite_filtered"])
    return finish(entry)


def audit_command(data: Path, db: Path, routes: list[str], extra: list[str]) -> list[str]:
    cmd = [sys.executable, "-m", "auditor", "crawl", str(data / "firms.csv"), "--db", str(db),
           "--no-autothrottle", "--delay", str(DELAY), "--per-domain", str(PER_DOMAIN)]
    for route in routes:
        cmd += ["--connect-to", route]
    common = json.loads(os.environ.get(EXTRA_ENV) or "{}")
    for key, value in {"CONCURRENT_REQUESTS": CONCURRENT_REQUESTS, "AUDIT_PROFILES": 0,
                       "RETRY_TIMES": 1, "LOG_LEVEL": "WARNING", **common,
                       **dict(extra_settings(extra))}.items():
        cmd += ["-s", f"{key}={value}"]
    return cmd


def extra_settings(items: list[str]) -> list[tuple[str, str]]:
    return [tuple(item.split("=", 1)) for item in items]  # type: ignore[misc]


def audit_counts(db: Path) -> dict[str, Any]:
    con = sqlite3.connect(db)
    try:
        run_id = con.execute("SELECT max(id) FROM runs").fetchone()[0]
        pages = con.execute("SELECT count(*) FROM pages WHERE run_id = ? AND status = 200 "
                            "AND content_type LIKE '%html%'", (run_id,)).fetchone()[0]
        evidence = con.execute("SELECT count(*) FROM evidence WHERE run_id = ?", (run_id,)).fetchone()[0]
        statuses = dict(collections.Counter(
            s for (s,) in con.execute("SELECT status FROM firms WHERE run_id = ?", (run_id,))))
    finally:
        con.close()
    return {"pages": pages, "evidence_rows": evidence, "firm_statuses": statuses}


def run_audit(data: Path, routes: list[str], work: Path, extra: list[str],
              profile: bool = False, variant: str = "audit") -> dict[str, Any]:
    """`auditor crawl` as shipped; `audit-2-processes` with `--processes 2` (two child
    crawls, whole firms each, 16 requests at a time each: the same 32 in all)."""
    name = "audit-profile" if profile else variant
    db = work / f"{name}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    pooled = variant == "audit-2-processes"
    cmd = audit_command(data, db, routes, extra)
    if pooled:
        cmd += ["--processes", "2"]
    if profile:
        raw = work / "audit-profile.txt"
        cmd = [str(Path(sys.executable).parent / "py-spy"), "record", "-r", "250", "-f", "raw",
               "-o", str(raw), "--", *cmd]
    entry = run_measured(cmd, work, work / f"{name}.log", tree=pooled)
    if db.is_file():
        entry.update(audit_counts(db))
    return finish(entry)


def run_advertools(data: Path, routes_file: Path, work: Path) -> dict[str, Any]:
    out = work / "advertools"
    stats_file = out / "advertools-stats.json"
    stats_file.unlink(missing_ok=True)
    wrapper = run_measured([sys.executable, str(BENCH / "adv_crawl.py"), str(data / "manifest.json"),
                            str(routes_file), str(out)], work, work / "advertools.log")
    entry: dict[str, Any] = {"exit_code": wrapper["exit_code"]}
    if stats_file.is_file():
        stats = json.loads(stats_file.read_text(encoding="utf-8"))
        if "error" in stats:
            return {"error": stats["error"], **dict.fromkeys(FIELDS)}
        entry.update(pages=stats["pages"], wall_s=stats["wall_seconds"], cpu_s=stats["cpu_seconds"],
                     peak_rss_mb=stats["peak_rss_mb"], version=stats["version"])
        return finish(entry)
    return {"error": f"advertools crawl failed (exit {wrapper['exit_code']})", **dict.fromkeys(FIELDS)}


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def prepare(work: Path, firms: int, pages: int) -> tuple[Path, dict[str, Any]]:
    data = work / f"region-{firms}x{pages}"
    started = time.monotonic()
    manifest = generate(data, firms, pages)
    print(f"region: {firms} firms × {pages} pages, mean page {manifest['mean_page_bytes'] / 1024:.1f} KB "
          f"({time.monotonic() - started:.1f} s to prepare) in {data}", flush=True)
    return data, manifest


def crawl_all(data: Path, manifest: dict[str, Any], work: Path, tools: list[str], server_kind: str,
              extra: list[str], profile: bool) -> dict[str, Any]:
    server = start_server(data / "sites", work / "nginx", manifest["hosts"][0], server_kind)
    try:
        routes = routes_for(manifest["hosts"], server.address)
        routes_file = work / "routes.txt"
        routes_file.write_text("\n".join(routes), encoding="utf-8")
        results: dict[str, Any] = {}
        for tool in tools:
            print(f"crawling with {tool}…", flush=True)
            if tool == "baseline":
                results[tool] = run_baseline(data, routes_file, work)
            elif tool == "audit":
                results[tool] = run_audit(data, routes, work, extra)
            elif tool == "scrapy-fixed-list":
                results[tool] = run_baseline(data, routes_file, work, fixed=True)
            elif tool == "audit-2-processes":
                results[tool] = run_audit(data, routes, work, extra, variant=tool)
            else:
                results[tool] = run_advertools(data, routes_file, work)
            expected = manifest["firms"] * manifest["pages"]
            if results[tool].get("pages") != expected:  # a server error is not a speed-up
                results[tool]["incomplete"] = f"{results[tool].get('pages')} of {expected} pages"
            print(f"  {line(tool, results[tool])}", flush=True)
        if profile:
            print("profiling the audit with py-spy…", flush=True)
            results["audit_profiled"] = run_audit(data, routes, work, extra, profile=True)
        return {"server": server.name, "results": results}
    finally:
        server.stop()


def line(tool: str, entry: dict[str, Any]) -> str:
    if entry.get("error"):
        return f"{tool:<22} {entry['error']}"
    if entry.get("incomplete"):
        return f"{tool:<22} INCOMPLETE: {entry['incomplete']} (see its log)"
    def fmt(value: Any, spec: str) -> str:
        return format(value, spec) if isinstance(value, (int, float)) else "-"
    return (f"{tool:<22} {fmt(entry.get('pages'), '>6')} pages  {fmt(entry.get('pages_per_s'), '>7.1f')} pages/s  "
            f"{fmt(entry.get('cpu_ms_per_page'), '>6.2f')} CPU ms/page  "
            f"{fmt(entry.get('peak_rss_mb'), '>6.1f')} MB peak RSS  (wall {fmt(entry.get('wall_s'), '.1f')} s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Crawl benchmark: baseline, audit, advertools.")
    parser.add_argument("--firms", type=int, default=50)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="2 firms × 20 pages")
    parser.add_argument("--tools", default=",".join(TOOLS),
                        help=f"comma-separated, of {', '.join(TOOLS + EXPERIMENTS)} (default: the first three)")
    parser.add_argument("--scale-firms", type=int, default=0,
                        help="also crawl a region of this many firms with the audit alone (peak RSS)")
    parser.add_argument("--server", choices=("nginx", "python"), default="nginx")
    parser.add_argument("--work", type=Path, default=default_work(),
                        help="where the regions, databases and logs go (default: a temp folder)")
    parser.add_argument("--out", type=Path, help="result JSON (default benchmarks/results/crawl-FIRMSxPAGES.json)")
    parser.add_argument("--profile", action="store_true", help="also run the audit under py-spy")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="extra setting for the audit only (for experiments)")
    parser.add_argument("--common", action="append", default=[], metavar="NAME=VALUE",
                        help="extra setting for all three crawlers (for experiments)")
    args = parser.parse_args(argv)
    if args.common:
        os.environ[EXTRA_ENV] = json.dumps(dict(extra_settings(args.common)))
    if args.quick:
        args.firms, args.pages = 2, 20
    tools = [t for t in args.tools.split(",") if t]
    if unknown := set(tools) - set(TOOLS) - set(EXPERIMENTS):
        parser.error(f"unknown tools: {', '.join(sorted(unknown))}")
    work = args.work
    work.mkdir(parents=True, exist_ok=True)

    data, manifest = prepare(work, args.firms, args.pages)
    run = crawl_all(data, manifest, work, tools, args.server, args.set, args.profile)
    results = run["results"]
    ratios = {}
    for tool in AUDITS:
        entry = results.get(tool, {})
        for other in ("baseline", "advertools"):
            ratios[f"{tool}_vs_{other}_pages_per_s"] = ratio(
                entry.get("pages_per_s"), results.get(other, {}).get("pages_per_s"))
            ratios[f"{tool}_vs_{other}_cpu_per_page"] = ratio(
                entry.get("cpu_ms_per_page"), results.get(other, {}).get("cpu_ms_per_page"))
    report: dict[str, Any] = {
        "benchmark": "crawl",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_avg_at_end": [round(x, 2) for x in os.getloadavg()]},
        "region": {"firms": args.firms, "pages_per_firm": args.pages,
                   "mean_page_bytes": manifest["mean_page_bytes"]},
        "server": run["server"],
        "settings": {k: v for k, v in common_settings([]).items()
                     if k not in ("CONNECT_TO", "DOWNLOAD_HANDLERS", "LOG_LEVEL", "TELNETCONSOLE_ENABLED")},
        "audit_only_settings": dict(extra_settings(args.set)),
        "results": results,
        "ratios": ratios,
    }
    if args.scale_firms:
        big, big_manifest = prepare(work, args.scale_firms, args.pages)
        audits = [t for t in tools if t in AUDITS] or ["audit"]
        scaled = crawl_all(big, big_manifest, work, audits, args.server, args.set, False)
        report["scale"] = {"firms": [args.firms, args.scale_firms]}
        for tool in audits:
            small, large = results.get(tool, {}), scaled["results"][tool]
            report["scale"][tool] = {
                str(args.firms): small, str(args.scale_firms): large,
                "peak_rss_growth": ratio(large.get("peak_rss_mb"), small.get("peak_rss_mb")),
            }
    print()
    print(f"{args.firms} firms × {args.pages} pages, server {run['server']}, "
          f"{CONCURRENT_REQUESTS} requests at a time, {PER_DOMAIN} per site, delay {DELAY} s")
    for tool, entry in results.items():
        print(line(tool, entry))
    for tool in AUDITS:
        if tool in results:
            print(f"{tool}/baseline pages/s: {ratios[f'{tool}_vs_baseline_pages_per_s']}   "
                  f"{tool}/advertools pages/s: {ratios[f'{tool}_vs_advertools_pages_per_s']}")
    if "scale" in report:
        for tool, scale in report["scale"].items():
            if tool == "firms":
                continue
            small, large = scale[str(args.firms)], scale[str(args.scale_firms)]
            print(f"{tool} peak RSS: {args.firms} firms {small.get('peak_rss_mb')} MB, "
                  f"{args.scale_firms} firms {large.get('peak_rss_mb')} MB "
                  f"(×{scale['peak_rss_growth']}); {args.scale_firms} firms: {line(tool, large)}")
    out = args.out or BENCH / "results" / f"crawl-{args.firms}x{args.pages}.json"
    write_result(out, report)
    try:
        shown = out.resolve().relative_to(REPO)
    except ValueError:
        shown = out
    print(f"written: {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
