"""Crawl the real-site corpus on 127.0.0.1 under its public domains, then evaluate the rules.

Usage: python scripts/eval_corpus.py [--corpus ../shared/corpus] [--out corpus-out] [--json]

Each corpus site is served from its folder for its domain (and the www twin); the crawl
reaches them through --connect-to routing, so no request leaves this machine.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from auditor.demo import crawl_served
from auditor.evaluate import evaluate, format_evaluation, load_labels
from reports.checklist import letter_status, read_run


def prepare(corpus: Path, out: Path) -> tuple[Path, dict[str, Path]]:
    """Write a firms CSV for the corpus and map every domain to its folder."""
    sites: dict[str, Path] = {}
    rows = []
    with (corpus / "sites.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            domain = row["domain"].strip().lower()
            folder = corpus / row["folder"]
            for host in {domain, domain.removeprefix("www."), "www." + domain.removeprefix("www.")}:
                sites[host] = folder
            start = (row.get("start") or "").strip().strip("/")
            url = f"https://{domain}/{start + '/' if start else ''}"
            rows.append({"firm_id": row["firm_id"], "domain": url, "name": row["name"]})
    firms = out / "corpus-firms.csv"
    with firms.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["firm_id", "domain", "name"])
        writer.writeheader()
        writer.writerows(rows)
    return firms, sites


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    parser.add_argument("--out", default="corpus-out")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    corpus, out = Path(args.corpus), Path(args.out)
    if not (corpus / "sites.csv").is_file():
        print(f"eval_corpus: no corpus at {corpus}: pass --corpus DIR", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    db = out / "corpus.sqlite"
    firms, sites = prepare(corpus, out)
    run_id = crawl_served(firms, db, out / "no-default-sites", sites)
    run = read_run(db, str(run_id))
    result = evaluate(letter_status(run), run.evidence, load_labels(corpus / "labels.csv"))
    print(format_evaluation(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
