"""Every rule's evidence on every page of the four page sets, as one JSON file.

    python benchmarks/rules_dump.py OUT.json [--synth-firms 4 --synth-pages 100]

Made before and after a change to the rules or the page model: the two files must be
identical (same records, same order), which is how a speed-up proves it changed nothing.
Every page is judged twice, once by `run_rules` and once rule by rule on a fresh cache, so
that a shortcut which only works in the registry's order is caught too.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from rules_pages import corpus_pages, demo_pages, fixture_pages, synth_pages

from auditor.page import parse_page
from rules import RULES, run_rules


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Dump every rule's evidence.")
    parser.add_argument("out")
    parser.add_argument("--synth-firms", type=int, default=4)
    parser.add_argument("--synth-pages", type=int, default=100)
    args = parser.parse_args(argv)
    sets = {"corpus": corpus_pages(), "demo": demo_pages(),
            "synth": synth_pages(args.synth_firms, args.synth_pages), "fixtures": fixture_pages()}
    dump: dict[str, list[object]] = {}
    records = 0
    for name, items in sets.items():
        pages = []
        for firm, url, html in items:
            page = parse_page(url, html)
            together = [dataclasses.astuple(e) for e in run_rules(page, firm)]
            alone = []
            for rule in reversed(RULES):  # fresh page, other order: no rule leans on another
                fresh = parse_page(url, html)
                alone.append([dataclasses.astuple(e) for e in rule.detect(fresh, firm)])
            pages.append({"url": url, "firm": firm.firm_id, "evidence": together,
                          "alone": alone[::-1]})
            records += len(together)
        dump[name] = pages
        print(f"{name}: {len(items)} pages, "
              f"{sum(len(p['evidence']) for p in pages)} evidence records")  # type: ignore[arg-type]
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(dump, handle, ensure_ascii=False, indent=0)
    print(f"{records} records written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
