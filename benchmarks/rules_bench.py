"""The rule engine alone, offline, on the real-site corpus pages: milliseconds per page.

    python benchmarks/rules_bench.py [--corpus ../shared/corpus] [--rounds 5] [--json OUT]

Every HTML page of every corpus site is parsed once (`parse_page`, timed apart), then all the
rules run on it (`run_rules`, with the firm the site belongs to), as the crawl does. The best
of a few rounds is kept (the machine may be busy); the first round also warms the keyword
automaton and the fingerprints, as the first pages of a crawl do. Without the corpus (it is
kept outside the project), the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from common import write_result
from rules_pages import DEFAULT_CORPUS, corpus_pages

from auditor.page import parse_page
from rules import RULES, run_rules


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rule engine ms/page on the corpus pages.")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not (args.corpus / "sites.csv").is_file():
        print(f"rules_bench: no corpus at {args.corpus} (it lives outside the project): skipped")
        return 0
    items = corpus_pages(args.corpus)
    parse_ms, rules_ms = [], []
    per_rule: dict[str, float] = {}
    for _ in range(args.rounds):
        started = time.perf_counter()
        pages = [(firm, parse_page(url, html)) for firm, url, html in items]
        parsed = time.perf_counter()
        for firm, page in pages:
            run_rules(page, firm)
        done = time.perf_counter()
        parse_ms.append((parsed - started) * 1000 / len(items))
        rules_ms.append((done - parsed) * 1000 / len(items))
    for firm, page in pages:  # one more round rule by rule, for the breakdown
        page.cache.clear()
        for rule in RULES:
            started = time.perf_counter()
            list(rule.detect(page, firm))
            per_rule[rule.info.rule_id] = per_rule.get(rule.info.rule_id, 0.0) + time.perf_counter() - started
    result = {
        "benchmark": "rule-engine",
        "pages": len(items),
        "sites": len({firm.firm_id for firm, _, _ in items}),
        "mean_html_chars": round(statistics.mean(len(html) for _, _, html in items)),
        "rules_ms_per_page_best": round(min(rules_ms), 3),
        "rules_ms_per_page_median": round(statistics.median(rules_ms), 3),
        "parse_ms_per_page_best": round(min(parse_ms), 3),
        "rules": len(RULES),
        "costliest_rules_ms_per_page": {
            k: round(v * 1000 / len(items), 3)
            for k, v in sorted(per_rule.items(), key=lambda kv: -kv[1])[:8]},
    }
    print(f"rule engine on {result['pages']} corpus pages ({result['sites']} sites, "
          f"{result['rules']} rules): {result['rules_ms_per_page_best']} ms/page best, "
          f"{result['rules_ms_per_page_median']} median; parse {result['parse_ms_per_page_best']} ms/page")
    for name, ms in result["costliest_rules_ms_per_page"].items():  # type: ignore[union-attr]
        print(f"  {ms:6.3f} ms  {name}")
    if args.json:
        write_result(args.json, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
