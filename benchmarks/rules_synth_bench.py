"""The rule engine alone on synthetic pages (or the corpus): milliseconds per page, per rule.

    python benchmarks/rules_synth_bench.py [--firms 3 --pages 200] [--corpus [DIR]] [--rounds 5]
        [--profile] [--json OUT]

The crawl profile's pages are synthetic (`synth.py`): the rules cost more on them than on
the real sites, so the rule engine is tuned on them. Every page is parsed once per round,
then `run_rules` runs on it as in the crawl (the best round is kept: the machine may be
busy); then each rule alone, on fresh parses, for the per-rule breakdown (the first rule
that asks for the keyword pass pays for it, as in the crawl: charged to "keywords").
Times are CPU time of the process (the machine may be shared), as the crawl's accounting is.
`--profile` runs cProfile over one round of `run_rules` and prints the costliest functions.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

from common import write_result
from rules_pages import DEFAULT_CORPUS, corpus_pages, synth_pages

from auditor.page import parse_page
from rules import RULES, run_rules
from rules.keywords import _all_hits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rule engine ms/page, per rule.")
    parser.add_argument("--firms", type=int, default=3)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--corpus", type=Path, nargs="?", const=DEFAULT_CORPUS,
                        help="the corpus pages instead (default folder: ../shared/corpus)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    items = corpus_pages(args.corpus) if args.corpus else synth_pages(args.firms, args.pages)
    if not items:
        print("rules_synth_bench: no pages (the corpus lives outside the project): skipped")
        return 0
    count = len(items)
    totals = []
    for _ in range(args.rounds):
        pages = [(firm, parse_page(url, html)) for firm, url, html in items]
        started = time.process_time()
        for firm, page in pages:
            run_rules(page, firm)
        totals.append((time.process_time() - started) * 1000 / count)
    per_rule: dict[str, float] = {}
    for _ in range(max(1, args.rounds // 2)):
        pages = [(firm, parse_page(url, html)) for firm, url, html in items]
        spent = dict.fromkeys(["keywords", *(r.info.rule_id for r in RULES)], 0.0)
        for firm, page in pages:
            started = time.process_time()
            _all_hits(page)
            spent["keywords"] += time.process_time() - started
            for rule in RULES:
                started = time.process_time()
                list(rule.detect(page, firm))
                spent[rule.info.rule_id] += time.process_time() - started
        for name, seconds in spent.items():
            ms = seconds * 1000 / count
            per_rule[name] = min(per_rule.get(name, ms), ms)
    result = {"pages": count, "source": "corpus" if args.corpus else
              f"synthetic {args.firms} firms x {args.pages}",
              "rules_ms_per_page_best": round(min(totals), 3),
              "rules_ms_per_page_median": round(sorted(totals)[len(totals) // 2], 3),
              "per_rule_ms_per_page_best": {k: round(v, 4) for k, v in
                                            sorted(per_rule.items(), key=lambda kv: -kv[1])}}
    print(f"{result['source']}: {count} pages, run_rules {result['rules_ms_per_page_best']} "
          f"ms/page best, {result['rules_ms_per_page_median']} median; "
          f"sum of rules alone {sum(per_rule.values()):.3f}")
    for name, ms in result["per_rule_ms_per_page_best"].items():  # type: ignore[union-attr]
        print(f"  {ms:7.4f} ms  {name}")
    if args.profile:
        pages = [(firm, parse_page(url, html)) for firm, url, html in items]
        profiler = cProfile.Profile()
        profiler.enable()
        for firm, page in pages:
            run_rules(page, firm)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    if args.json:
        write_result(args.json, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
