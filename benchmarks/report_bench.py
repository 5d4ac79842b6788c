"""Time the region report for a large region of synthetic evidence.

    python benchmarks/report_bench.py                  # 1,000 firms
    python benchmarks/report_bench.py --firms 200 --json benchmarks/results/report-200.json

Builds a database with `auditor.storage.Store` (the crawl's own writer): every firm with a
stage, pages, and evidence for a random, firm-specific set of Table-2 letters and extras, a
few failed and partial firms, and a previous run so that "since the previous run" has work to
do; then times `reports.html.write_reports` on it (database read, scoring, charts, every page
and the exports), in a fresh process so that no cache of an earlier call helps it.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from common import write_result

from auditor.firms import parse_firms
from auditor.items import Evidence, PageItem
from auditor.storage import Store
from auditor.table2 import tools
from rules.base import EXTRAS

LETTERS = sorted(tools())
CODES = LETTERS + sorted(EXTRAS)


def build_db(path: Path, firms: int, pages: int, evidence_per_page: int, seed: int = 7) -> None:
    """A region of `firms` firms in two runs (the second is the one reported)."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    lines = ["firm_id,domain,name,stage,region,founded,first_foreign_sale_year"]
    for i in range(firms):
        stage = ("entry", "post-entry", "")[i % 3]
        sale = "" if stage or i % 2 else str(2005 + i % 18)
        lines.append(f"F{i:05d},synth-firm-{i:05d}.ca,Synth Firm {i:05d},{stage},Synth,"
                     f"{1990 + i % 30},{sale}")
    rows, errors = parse_firms("\n".join(lines) + "\n")
    assert not errors, errors[:3]
    store = Store(path)
    for _run in range(2):
        run_id = store.create_run("firms.csv", {"AUDIT_PAGE_CAP": 300}, {}, "bench")
        store.add_firms(run_id, rows)
        batch: list[PageItem] = []
        for row in rows:
            if rng.random() < 0.02:  # a few firms fail
                store.set_firm_outcome(run_id, row.firm_id, "failed", "DNS lookup failed", 0, 1)
                continue
            shown = rng.sample(CODES, rng.randint(3, 22))
            for p in range(pages):
                url = f"https://{row.site.host}/page-{p}"
                evidence = [
                    Evidence(letter=code, rule_id=f"{code}-bench", value=f"{code} value {p}",
                             url=url, location=rng.choice(("body", "footer", "nav", "script")),
                             snippet=f"Synthetic evidence for {code} on page {p} of {row.name}",
                             confidence=rng.choice((1.0, 0.8)))
                    for code in rng.sample(shown, min(len(shown), evidence_per_page))
                ]
                batch.append(PageItem(firm_id=row.firm_id, url=url, status=200,
                                      content_type="text/html", size=50_000, depth=1,
                                      lang=rng.choice(("fr", "en")), title=f"Page {p}",
                                      evidence=evidence))
            if len(batch) >= 500:
                store.save_pages(run_id, batch)
                batch.clear()
            status = "partial" if rng.random() < 0.1 else "done"
            store.set_firm_outcome(run_id, row.firm_id, status, "", pages, 0)
        store.save_pages(run_id, batch)
        store.finish_run(run_id, "done")
    store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the region report on synthetic evidence.")
    parser.add_argument("--firms", type=int, default=1000)
    parser.add_argument("--pages", type=int, default=10, help="pages per firm")
    parser.add_argument("--evidence-per-page", type=int, default=6)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "auditor-report-bench")
    parser.add_argument("--json", type=Path, help="write the timing here")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="print the N costliest functions (cProfile)")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    db = args.work / f"region-{args.firms}x{args.pages}x{args.evidence_per_page}.sqlite"
    if not db.exists():
        started = time.perf_counter()
        build_db(db, args.firms, args.pages, args.evidence_per_page)
        print(f"built {db.name} in {time.perf_counter() - started:.1f} s")
    out = args.work / "out"
    shutil.rmtree(out, ignore_errors=True)  # no firm page of an earlier, larger run counted
    started = time.perf_counter()
    from reports.html import write_reports  # imports (pandas, matplotlib, jinja2) are timed too

    imported = time.perf_counter()
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    write_reports(db, "latest", out)
    if profiler:
        profiler.disable()
    done = time.perf_counter()
    firm_pages = len(list((out / "firms").glob("*.html")))
    result = {
        "benchmark": "region-report",
        "firms": args.firms,
        "pages_per_firm": args.pages,
        "evidence_rows": args.firms * args.pages * args.evidence_per_page * 2,
        "firm_pages_written": firm_pages,
        "import_s": round(imported - started, 2),
        "write_reports_s": round(done - imported, 2),
        "total_s": round(done - started, 2),
    }
    print(f"region report, {args.firms} firms: {result['total_s']} s "
          f"(imports {result['import_s']} s, write_reports {result['write_reports_s']} s, "
          f"{firm_pages} firm pages)")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
    if args.json:
        write_result(args.json, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
