"""The `auditor` command: crawl, report, export, demo and runs.

Scrapy runs in-process (CrawlerProcess), not as a subprocess. Bad input stops with one
line naming the problem and what to do, and exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # as after Ctrl-C, whatever stopped the crawl; --resume finishes it
DB_HELP = ("SQLite file, or postgresql://USER[:PASSWORD]@HOST[:PORT]/DBNAME for a PostgreSQL "
           "database (default: audit.sqlite)")


class UsageError(Exception):
    """Bad input from the user: one line, exit code 2."""


def scrapy_settings(overrides: dict[str, Any]) -> Any:
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("auditor.settings", priority="project")
    for key, value in overrides.items():
        settings.set(key, value, priority="cmdline")
    return settings


def parse_set_options(values: Sequence[str]) -> dict[str, str]:
    result = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"bad -s {item!r}: write -s NAME=VALUE")
        result[key.strip()] = value
    return result


def quiet_known_failures() -> None:
    """Failed fetches are counted and summarised per firm; their tracebacks are noise."""
    import logging

    for name in ("scrapy.downloadermiddlewares.robotstxt", "scrapy.downloadermiddlewares.retry",
                 "scrapy.core.scraper", "scrapy.core.engine",
                 # size caps (huge pages, gzip bombs): recorded as the URL's failure reason
                 "scrapy.core.downloader.handlers.http11",
                 "scrapy.downloadermiddlewares.httpcompression"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _plan_crawl(firms_file: str | None, overrides: dict[str, Any],
                resume: str | None) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """Validate the firms file (or find the run to resume): the settings to crawl with, the
    spider's arguments and the rows skipped, each with its reason."""
    from auditor.connect_to import ConnectToError, parse_routes
    from auditor.firms import FirmsFileError, load_firms
    from auditor.resume import plan_resume
    from auditor.shards import SHARD_SETTING, parse_shard, shard_firm_ids
    from auditor.ssrf import parse_nets
    from auditor.storage import StorageError, connect

    db = overrides.get("AUDIT_DB", "audit.sqlite")
    try:
        parse_routes(overrides.get("CONNECT_TO"))
        parse_nets(overrides.get("SSRF_ALLOW_NETS"))
        if resume is not None:
            plan = plan_resume(db, resume)
            for key, value in plan.settings.items():
                if key in overrides and str(overrides[key]) != str(value):
                    raise UsageError(f"run {plan.run_id} was crawled with {key}={value}: "
                                     "a resumed run keeps it")
            overrides = {**overrides, **plan.settings}
            finished = set(plan.finished)
            if SHARD_SETTING in overrides:  # one of several processes: the others' firms too
                mine = shard_firm_ids(plan.firms, parse_shard(overrides[SHARD_SETTING]))
                finished |= {row.firm_id for row in plan.firms} - mine
            errors: list[str] = []
            kwargs: dict[str, Any] = {"firms": plan.firms_file or "(resumed run)",
                                      "run_id": plan.run_id, "firm_rows": plan.firms,
                                      "finished": finished}
        else:
            assert firms_file is not None
            rows, errors = load_firms(firms_file)
            connect(db).close()
            kwargs = {"firms": firms_file, "firm_rows": rows}
    except (FirmsFileError, ConnectToError, StorageError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    for error in errors:
        print(f"skipped {firms_file}: {error}", file=sys.stderr)
    return overrides, kwargs, errors


def run_crawl(firms_file: str | None, overrides: dict[str, Any], resume: str | None = None) -> int:
    """Validate the firms file (or find the run to resume), crawl every firm, store the run;
    return the run id."""
    from scrapy.crawler import CrawlerProcess

    from spiders.audit import AuditSpider

    overrides, kwargs, _ = _plan_crawl(firms_file, overrides, resume)
    process = CrawlerProcess(scrapy_settings(overrides))
    quiet_known_failures()
    crawler = process.create_crawler(AuditSpider)
    process.crawl(crawler, **kwargs)
    process.start()  # the first SIGINT/SIGTERM stops it cleanly, committing every row
    spider = crawler.spider
    if spider is None or getattr(spider, "run_id", None) is None:
        raise UsageError("the crawl did not start: see the messages above")
    return int(spider.run_id)


def run_sharded(firms_file: str | None, overrides: dict[str, Any], resume: str | None,
                processes: int) -> int:
    """The run crawled by `processes` child crawls, whole firms each (auditor/shards.py);
    return the run id."""
    from auditor import __version__
    from auditor.pipelines import recorded_settings
    from auditor.shards import ShardedCrawl
    from auditor.storage import Store
    from rules import rule_versions

    db = str(overrides.get("AUDIT_DB", "audit.sqlite"))
    overrides, kwargs, _ = _plan_crawl(firms_file, overrides, resume)
    settings = scrapy_settings(overrides)
    store = Store(db)
    try:
        if "run_id" in kwargs:
            run_id = int(kwargs["run_id"])
        else:
            rows = kwargs["firm_rows"]
            recorded = {**recorded_settings(settings), "AUDIT_PROCESSES": processes}
            run_id = store.create_run(str(firms_file), recorded, rule_versions(), __version__)
            store.add_firms(run_id, rows)
            if recorded["AUDIT_PROFILES"]:
                store.ensure_profiles()
            processes = max(1, min(processes, len(rows)))
    finally:
        store.close()
    crawl = ShardedCrawl(db, run_id, overrides, settings, processes)
    crawl.start_children()
    try:
        run_crawl(None, crawl.settings_of(0), resume=str(run_id))  # share 0, here
    finally:
        if _share_unfinished(db, run_id, processes):  # stopped, or failed: stop the others
            crawl.stop_children()
        crawl.wait_children()
    store = Store(db)
    try:
        complete = (not store.unfinished_firm_ids(run_id)
                    and not (store.has_profiles() and store.pending_profiles(run_id)))
        store.finish_run(run_id, "done" if complete else "interrupted", crawl.stats())
    finally:
        store.close()
    return run_id


def _share_unfinished(db: str, run_id: int, processes: int) -> bool:
    """Firms of share 0 (this process's) not final: its crawl was cut short."""
    from auditor.resume import plan_resume
    from auditor.shards import shard_firm_ids
    from auditor.storage import StorageError

    try:
        plan = plan_resume(db, str(run_id))
    except StorageError:
        return False  # nothing left to resume: every firm is final
    mine = shard_firm_ids(plan.firms, (0, processes))
    return bool(mine - plan.finished)


def run_status(db: str | Path, run_id: int) -> str:
    from auditor.storage import connect

    con = connect(db, readonly=True)
    try:
        row = con.execute("SELECT status FROM runs WHERE id = ?", (run_id,)).fetchone()
    finally:
        con.close()
    return str(row[0]) if row else ""


def _crawl_overrides(args: argparse.Namespace) -> dict[str, Any]:
    overrides: dict[str, Any] = {"AUDIT_DB": str(args.db)}
    if args.connect_to:
        overrides["CONNECT_TO"] = list(args.connect_to)
    if args.page_cap is not None:
        overrides["AUDIT_PAGE_CAP"] = args.page_cap
    if args.depth_cap is not None:
        overrides["AUDIT_DEPTH_CAP"] = args.depth_cap
    if args.per_domain is not None:
        overrides["CONCURRENT_REQUESTS_PER_DOMAIN"] = args.per_domain
    if args.delay is not None:
        overrides["DOWNLOAD_DELAY"] = args.delay
    if args.no_autothrottle:
        overrides["AUTOTHROTTLE_ENABLED"] = False
    overrides.update(parse_set_options(args.set or []))
    return overrides


def cmd_crawl(args: argparse.Namespace) -> int:
    if (args.firms is None) == (args.resume is None):
        raise UsageError("give a firms file to start a run, or --resume [RUN] to finish one")
    from auditor.database import masked

    if args.processes < 1:
        raise UsageError(f"bad --processes {args.processes}: give 1 or more (one per core)")
    overrides = _crawl_overrides(args)
    if args.redis:
        return cmd_crawl_redis(args, overrides)
    if args.processes > 1:
        run_id = run_sharded(args.firms, overrides, args.resume, args.processes)
    else:
        run_id = run_crawl(args.firms, overrides, resume=args.resume)
    if "AUDIT_SHARD" in overrides:  # a child of --processes: the parent finishes the run
        return 0
    if run_status(args.db, run_id) != "done":
        print(f"run {run_id} interrupted: finish it with "
              f"'auditor crawl --resume {run_id} --db {masked(args.db)}'", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(f"run {run_id} stored in {masked(args.db)}")
    return 0


def cmd_crawl_redis(args: argparse.Namespace, overrides: dict[str, Any]) -> int:
    """Push the run's firms to Redis; then (unless --no-wait) be its writer until done."""
    from auditor.database import masked
    from auditor.scaleout import push, write

    if args.resume is not None or args.processes > 1:
        raise UsageError("--redis starts a new run on workers: it takes neither --resume "
                         "nor --processes")
    from auditor.firm_queue import masked as masked_redis

    run_id, count = push(args.firms, overrides, args.redis)
    redis_url = masked_redis(args.redis)
    drain = f"auditor drain --redis {redis_url} --run {run_id} --db {masked(args.db)}"
    print(f"run {run_id}: {count} firms queued in Redis", file=sys.stderr)
    if args.no_wait:
        print(f"run {run_id} pushed: start workers ('auditor worker --redis {redis_url}') "
              f"and write it with '{drain}'")
        return 0
    try:
        write(args.redis, args.db, run_id)
    except KeyboardInterrupt:
        print(f"run {run_id}: the writer stopped, nothing lost; continue with '{drain}'",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    print(f"run {run_id} stored in {masked(args.db)}")
    return 0


def cmd_drain(args: argparse.Namespace) -> int:
    from auditor.database import masked
    from auditor.scaleout import write

    try:
        complete = write(args.redis, args.db, int(args.run), wait=not args.once)
    except KeyboardInterrupt:
        print(f"run {args.run}: the writer stopped, nothing lost; run 'auditor drain' again",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    if complete:
        print(f"run {args.run} stored in {masked(args.db)}")
    else:
        print(f"run {args.run}: results written so far; firms are still running")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from auditor.firm_queue import QueueError, default_worker_name
    from auditor.worker import run_worker

    if args.max_idle < 0:
        raise UsageError(f"bad --max-idle {args.max_idle}: give seconds, 0 to run forever")
    overrides: dict[str, Any] = parse_set_options(args.set or [])
    if args.window is not None:
        overrides["AUDIT_FIRM_WINDOW"] = args.window
    try:
        return run_worker(args.redis, args.name or default_worker_name(), args.max_idle,
                          overrides)
    except QueueError as exc:
        raise UsageError(str(exc)) from None


def cmd_status(args: argparse.Namespace) -> int:
    from auditor.scaleout import status

    print(status(args.redis, args.run, args.db))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from reports.html import write_reports

    index = write_reports(args.db, args.run, Path(args.out))
    print(index.resolve())
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from reports.export import write_export

    if args.format == "xlsx":
        if not args.out:
            raise UsageError("xlsx is a binary format: use --out FILE.xlsx")
        with open(args.out, "wb") as handle:
            write_export(args.db, args.run, args.format, args.what, sys.stdout, handle)
    elif args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as handle:
            write_export(args.db, args.run, args.format, args.what, handle)
    else:
        write_export(args.db, args.run, args.format, args.what, sys.stdout)
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from reports.diff import diff_json, format_diff, read_diff
    from reports.export import write_csv

    if len(args.run) != 2:
        raise UsageError("give two runs: --run A --run B")
    diff = read_diff(args.db, args.run[0], args.run[1])
    if args.format == "csv":
        write_csv(diff.tools, sys.stdout)
    elif args.format == "json":
        print(diff_json(diff))
    else:
        print(format_diff(diff))
    return 0


def cmd_runs(args: argparse.Namespace) -> int:
    from auditor.storage import connect

    con = connect(args.db, readonly=True)
    try:
        rows = con.execute(
            "SELECT r.id, r.started_at, r.finished_at, r.status, count(f.firm_id), r.firms_file "
            "FROM runs r LEFT JOIN firms f ON f.run_id = r.id GROUP BY r.id ORDER BY r.id"
        ).fetchall()
    finally:
        con.close()
    print("run\tstarted\tfinished\tstatus\tfirms\tfirms_file")
    for row in rows:
        print("\t".join("" if v is None else str(v) for v in row))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    import json

    from auditor.evaluate import evaluate, format_evaluation, load_labels
    from reports.checklist import letter_status, read_run

    labels = load_labels(Path(args.labels))
    run = read_run(args.db, args.run)
    result = evaluate(letter_status(run), run.evidence, labels)
    if args.json:
        print(json.dumps({"per_letter": result.per_letter.to_dict(orient="records"),
                          "overall": result.overall, "disagreements": result.disagreements},
                         ensure_ascii=False, indent=1, default=str))
    else:
        print(format_evaluation(result))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from auditor.demo import run_demo

    index = run_demo(Path(args.out), Path(args.db) if args.db else None)
    print(index.resolve())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="auditor",
        description="Audit the marketing web presence of B2B technology firms (Table-2 tools).",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    crawl = sub.add_parser("crawl", help="crawl a list of firms and store what the rules find")
    crawl.add_argument("firms", nargs="?",
                       help="CSV with firm_id,domain[,name,stage,...] or one domain per line")
    crawl.add_argument("--resume", nargs="?", const="latest", metavar="RUN",
                       help="finish an interrupted run instead (default: the latest in --db); "
                            "its finished firms are kept, the others crawled again")
    crawl.add_argument("--db", default="audit.sqlite", help=DB_HELP)
    crawl.add_argument("--connect-to", action="append", metavar="HOST=http://127.0.0.1:PORT",
                       help="send requests for HOST and its subdomains to a local server "
                            "(repeatable); URLs stay public")
    crawl.add_argument("--page-cap", type=int, help="pages per firm (default 300)")
    crawl.add_argument("--depth-cap", type=int, help="links away from the home page (default 5)")
    crawl.add_argument("--per-domain", type=int, help="requests at a time per site (default 2)")
    crawl.add_argument("--delay", type=float, help="seconds between requests to a site (0.5)")
    crawl.add_argument("--no-autothrottle", action="store_true", help="fixed delays only")
    crawl.add_argument("--processes", type=int, default=1, metavar="N",
                       help="crawl with N processes (one core each), whole firms each, sharing "
                            "the request budget; per-site politeness unchanged (default 1)")
    crawl.add_argument("-s", "--set", action="append", metavar="NAME=VALUE",
                       help="any Scrapy or auditor setting")
    crawl.add_argument("--redis", metavar="redis://HOST:PORT/DB",
                       help="queue the firms in Redis for 'auditor worker' processes and "
                            "write their results into --db (see 'Scaling out')")
    crawl.add_argument("--no-wait", action="store_true",
                       help="with --redis: only queue the run; 'auditor drain' writes it")
    crawl.set_defaults(func=cmd_crawl)

    worker = sub.add_parser("worker", help="crawl whole firms of runs queued in Redis")
    worker.add_argument("--redis", required=True, metavar="redis://HOST:PORT/DB")
    worker.add_argument("--name", help="this worker's name (default: HOST-PID)")
    worker.add_argument("--max-idle", type=float, default=0, metavar="SECONDS",
                        help="exit after this long with no firm to crawl (default 0: never)")
    worker.add_argument("--window", type=int, metavar="N",
                        help="firms crawled at once (default: AUDIT_FIRM_WINDOW)")
    worker.add_argument("-s", "--set", action="append", metavar="NAME=VALUE",
                        help="a setting of this worker (the run's crawl settings win)")
    worker.set_defaults(func=cmd_worker)

    drain = sub.add_parser("drain", help="write a Redis run's results into the database")
    drain.add_argument("--redis", required=True, metavar="redis://HOST:PORT/DB")
    drain.add_argument("--run", required=True, type=int, help="the run number")
    drain.add_argument("--db", default="audit.sqlite", help=DB_HELP)
    drain.add_argument("--once", action="store_true",
                       help="write what is queued now and exit, rather than wait for the run")
    drain.set_defaults(func=cmd_drain)

    status = sub.add_parser("status", help="where a Redis run stands, and the live workers")
    status.add_argument("--redis", required=True, metavar="redis://HOST:PORT/DB")
    status.add_argument("--run", help="run number (default: the latest pushed)")
    status.add_argument("--db", help="also count the firms final in this database")
    status.set_defaults(func=cmd_status)

    report = sub.add_parser("report", help="write HTML reports of a run")
    report.add_argument("--db", default="audit.sqlite", help=DB_HELP)
    report.add_argument("--run", default="latest", help="run number or 'latest'")
    report.add_argument("--out", required=True, help="folder for index.html and firm pages")
    report.set_defaults(func=cmd_report)

    export = sub.add_parser("export", help="print a run's results as CSV, JSON or XLSX")
    export.add_argument("--db", default="audit.sqlite", help=DB_HELP)
    export.add_argument("--run", default="latest")
    export.add_argument("--format", choices=("csv", "json", "xlsx"), default="csv")
    export.add_argument("--what", choices=("status", "evidence", "matrix", "scores"),
                        default="status",
                        help="status: firm × letter; evidence: every evidence row; matrix: "
                             "firms × letters with subtotals; scores: every firm's scores")
    export.add_argument("--out", help="write to this file (required for xlsx)")
    export.set_defaults(func=cmd_export)

    diff = sub.add_parser("diff", help="tools gained and lost per firm between two runs")
    diff.add_argument("--db", default="audit.sqlite", help=DB_HELP)
    diff.add_argument("--run", action="append", required=True, metavar="RUN",
                      help="run number or 'latest'; give it twice: --run A --run B")
    diff.add_argument("--format", choices=("text", "csv", "json"), default="text")
    diff.set_defaults(func=cmd_diff)

    evaluate = sub.add_parser("evaluate", help="compare a run with hand labels, per letter")
    evaluate.add_argument("--labels", required=True,
                          help="labels CSV: site,letter,present,evidence_file,quote,...")
    evaluate.add_argument("--db", default="audit.sqlite", help=DB_HELP)
    evaluate.add_argument("--run", default="latest")
    evaluate.add_argument("--json", action="store_true", help="print JSON instead of a table")
    evaluate.set_defaults(func=cmd_evaluate)

    runs = sub.add_parser("runs", help="list the runs stored in a database")
    runs.add_argument("--db", default="audit.sqlite", help=DB_HELP)
    runs.set_defaults(func=cmd_runs)

    demo = sub.add_parser("demo", help="serve the bundled demo region locally, audit it, report")
    demo.add_argument("--out", default="demo-out", help="folder for the reports (demo-out)")
    demo.add_argument("--db", help="SQLite file (default: OUT/demo.sqlite)")
    demo.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from auditor.storage import StorageError

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (UsageError, StorageError, ValueError) as exc:
        print(f"auditor: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
