"""Where the audit's CPU goes: py-spy's raw (collapsed) stacks summed into a few parts.

    python benchmarks/profile_summary.py WORK/audit-profile.txt [--top 25] [--json OUT]

Each sampled stack counts for the first part, in the order of PARTS, that one of its frames
names: a page's rules count as rules even though the spider's parse called them. The rest is
Scrapy and Twisted (scheduling, downloading, middlewares) and the interpreter's start.
"""

from __future__ import annotations

import argparse
import collections
import re
from pathlib import Path

from common import write_result

PARTS = (  # (part, substring of a frame), first match wins
    ("rules", "run_rules ("),
    ("rules", "judge_pages ("),  # the crawl runs the rules in batches
    ("rules", "evidence_of ("),  # rule a run early for the profile collector
    ("parse (selectolax → Page)", "parse_page ("),
    ("decode (page_text)", "page_text ("),
    ("follow links (seen-set)", "_follow ("),
    ("storage (pipeline + SQLite)", "auditor/pipelines.py"),
    ("storage (pipeline + SQLite)", "auditor/storage.py"),
    ("SSRF guard", "auditor/ssrf.py"),
    ("firm scope, robots, retry-after", "auditor/scope.py"),
    ("firm scope, robots, retry-after", "auditor/robots.py"),
    ("firm scope, robots, retry-after", "auditor/retry_after.py"),
    ("spider (other)", "spiders/audit.py"),
    ("start-up (imports)", "<frozen importlib._bootstrap>"),
    ("waiting threads (not CPU)", "Condition.wait (threading.py"),
    ("Scrapy: downloader + HTTP", "scrapy/core/downloader"),
    ("Scrapy: scheduler + dupefilter", "scrapy/core/scheduler"),
    ("Scrapy: scheduler + dupefilter", "auditor/dupefilter.py"),
    ("Scrapy: scraper + middlewares", "scrapy/core/scraper"),
    ("Scrapy: scraper + middlewares", "scrapy/core/spidermw"),
    ("Scrapy: engine", "scrapy/core/engine"),
    ("Scrapy: other", "scrapy/"),
    ("Twisted/asyncio I/O", "twisted/"),
    ("Twisted/asyncio I/O", "asyncio/"),
)
_LINE = re.compile(r"^(.*) (\d+)$")


def summarise(raw: Path, top: int = 25) -> dict[str, object]:
    parts: collections.Counter[str] = collections.Counter()
    leaves: collections.Counter[str] = collections.Counter()
    rules: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        frames, count = match.group(1).split(";"), int(match.group(2))
        total += count
        part = next((name for name, needle in PARTS if any(needle in f for f in frames)), "other")
        parts[part] += count
        leaves[frames[-1]] += count
        if part == "rules":
            module = next((f for f in reversed(frames) if "rules/" in f and "rules/__init__" not in f),
                          "rules/__init__")
            rules[re.sub(r".*\((rules/[^:]+):.*", r"\1", module)] += count
    share = {k: round(100 * v / total, 1) for k, v in parts.most_common()} if total else {}
    busy = total - parts["waiting threads (not CPU)"]
    cpu_share = {k: round(100 * v / busy, 1) for k, v in parts.most_common()
                 if k != "waiting threads (not CPU)"} if busy else {}
    return {
        "samples": total,
        "percent_of_cpu_by_part": cpu_share,
        "percent_by_part": share,
        "percent_by_rule_module": {k: round(100 * v / total, 1) for k, v in rules.most_common(top)},
        "top_leaf_frames": {k: round(100 * v / total, 1) for k, v in leaves.most_common(top)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Summarise py-spy raw stacks of the audit.")
    parser.add_argument("raw", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    summary = summarise(args.raw, args.top)
    print(f"{summary['samples']} samples")
    for title, key in (("by part, % of CPU samples (waiting threads left out)",
                        "percent_of_cpu_by_part"),
                       ("rules by module, % of all samples", "percent_by_rule_module"),
                       ("hottest frames, % of all samples", "top_leaf_frames")):
        print(f"\n{title}:")
        for name, pct in summary[key].items():  # type: ignore[union-attr]
            print(f"  {pct:5.1f}  {name}")
    if args.json:
        write_result(args.json, summary)


if __name__ == "__main__":
    main()
