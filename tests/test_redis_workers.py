"""Scale-out on Redis, end to end: real redis-server, real worker processes, one writer.

Two workers (one `auditor worker`, one `scrapy crawl audit -s AUDIT_REDIS_URL=…`) share a
run of ten firms: every firm is crawled by exactly one of them, every page stored once, and
the database holds what a local `auditor crawl` of the same firms holds. A worker killed
with -9 in the middle of a firm (held by the server's gate) loses nothing: its heartbeat
expires, the firm is queued again, crawled by the other worker, and the dead attempt's rows
are discarded.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from auditor.localsites import SiteServer
from tests.conftest import REPO, connect_args, guarded_env, run_auditor
from tests.hostile.server import GATED_SITES, HostileServer
from tests.redisserver import redis_server, redis_url  # noqa: F401

GENERATED = 8  # small generated sites, plus the two fixture sites of tests/sites


def make_sites(root: Path) -> list[str]:
    """GENERATED small bilingual sites, each with a contact page, a phone and a profile."""
    hosts = []
    for n in range(1, GENERATED + 1):
        host = f"photonique{n}.ca"
        site = root / host
        (site / "en").mkdir(parents=True)
        (site / "index.html").write_text(
            f'<!doctype html><html lang="fr"><head><title>Photonique {n}</title></head><body>'
            f'<nav><a href="/contact.html">Contact</a> <a href="/produits.html">Produits</a> '
            f'<a href="/en/">English</a></nav><footer><a href="https://www.linkedin.com/'
            f'company/photonique{n}">LinkedIn</a></footer></body></html>', encoding="utf-8")
        (site / "contact.html").write_text(
            f'<html lang="fr"><head><title>Contact</title></head><body><p>Écrivez-nous : '
            f'<a href="mailto:info@{host}">info@{host}</a>, téléphone : 418 555-01{n:02d}</p>'
            "</body></html>", encoding="utf-8")
        (site / "produits.html").write_text(
            '<html lang="fr"><head><title>Produits</title></head><body><p>Fiches techniques : '
            '<a href="/docs/fiche.pdf">fiche</a></p></body></html>', encoding="utf-8")
        (site / "en" / "index.html").write_text(
            '<html lang="en"><head><title>Home</title></head><body><p>Trade shows: we '
            "exhibit at Photonics West.</p></body></html>", encoding="utf-8")
        hosts.append(host)
    return hosts


@pytest.fixture(scope="module")
def sites(fixture_sites: SiteServer, tmp_path_factory) -> Iterator[tuple[list[str], Path]]:
    root = tmp_path_factory.mktemp("sites")
    hosts = make_sites(root)
    server = SiteServer(root).start()
    firms = root.parent / "firms.csv"
    lines = ["firm_id,domain,name", "OC,opticlair.ca,OptiClair", "PS,https://plainsite.com/,Plain"]
    lines += [f"F{n},{host},Photonique {n}" for n, host in enumerate(hosts, start=1)]
    lines.append("BAD,not a domain,")
    firms.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = [*connect_args(fixture_sites), *connect_args(server), "--no-autothrottle",
            "--delay", "0.05"]
    yield args, firms
    server.stop()


def rows(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return con.execute(sql, params).fetchall()


def snapshot(db: Path) -> dict[str, list[tuple]]:
    return {
        "pages": sorted(rows(db, "SELECT firm_id, url, status, content_type, size, depth, lang, "
                                 "title FROM pages")),
        "evidence": sorted(rows(db, "SELECT firm_id, letter, rule_id, value, url, location, "
                                    "snippet, confidence FROM evidence")),
        "failures": sorted(rows(db, "SELECT firm_id, url, reason FROM failures")),
        "firms": sorted(rows(db, "SELECT firm_id, status, reason, pages, errors FROM firms")),
        "profiles": sorted(rows(db, "SELECT firm_id, platform, url, own, status, reason "
                                    "FROM profiles")),
    }


def worker(url: str, name: str, log: Path, *extra: str, scrapy: bool = False,
           max_idle: int = 3) -> subprocess.Popen[str]:
    if scrapy:  # the same worker, as a plain `scrapy crawl`
        command = ["-m", "scrapy", "crawl", "audit", "-s", f"AUDIT_REDIS_URL={url}",
                   "-s", f"AUDIT_WORKER_NAME={name}", "-s", f"MAX_IDLE_TIME_BEFORE_CLOSE={max_idle}"]
    else:
        command = ["-m", "auditor", "worker", "--redis", url, "--name", name,
                   "--max-idle", str(max_idle)]
    with log.open("w") as handle:
        return subprocess.Popen([sys.executable, *command, *extra], cwd=REPO, env=guarded_env(),
                                stdout=subprocess.DEVNULL, stderr=handle, text=True)


def wait_for(condition: Callable[[], bool], timeout: float = 60, *logs: Path) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out; " + "\n".join(p.read_text() for p in logs if p.exists()))
        time.sleep(0.05)


def test_two_workers_store_what_a_local_crawl_stores(redis_url, sites, tmp_path) -> None:  # noqa: F811
    args, firms = sites
    reference = tmp_path / "local.sqlite"
    result = run_auditor("crawl", str(firms), "--db", str(reference), *args)
    assert result.returncode == 0, result.stderr

    db = tmp_path / "scaled.sqlite"
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    workers = [worker(redis_url, "wA", tmp_path / "wA.log", "--window", "2", max_idle=0),
               worker(redis_url, "wB", tmp_path / "wB.log", "-s", "AUDIT_FIRM_WINDOW=2",
                      scrapy=True, max_idle=20)]
    try:  # both waiting before the run is pushed, so that both get firms
        wait_for(lambda: client.exists("auditor:worker:wA", "auditor:worker:wB") == 2, 60,
                 tmp_path / "wA.log", tmp_path / "wB.log")
        pushed = run_auditor("crawl", str(firms), "--redis", redis_url, "--db", str(db), *args,
                             "--no-wait")
        assert pushed.returncode == 0, pushed.stderr
        assert "line 12: bad domain 'not a domain'" in pushed.stderr  # reported as locally
        assert "run 1: 10 firms queued in Redis" in pushed.stderr
        assert f"auditor drain --redis {redis_url} --run 1 --db {db}" in pushed.stdout
        drained = run_auditor("drain", "--redis", redis_url, "--run", "1", "--db", str(db),
                              timeout=120)
        assert drained.returncode == 0, drained.stderr
        assert drained.stdout.strip() == f"run 1 stored in {db}"
        assert workers[1].wait(timeout=30) == 0  # `scrapy crawl`: leaves a finished run
        workers[0].send_signal(signal.SIGINT)  # `auditor worker --max-idle 0`: until stopped
        assert workers[0].wait(timeout=30) == 130
    finally:
        for proc in workers:
            proc.kill()
            proc.wait(timeout=30)
    logs = (tmp_path / "wA.log").read_text() + (tmp_path / "wB.log").read_text()
    assert "Traceback" not in logs, logs

    assert snapshot(db) == snapshot(reference)
    assert rows(db, "SELECT count(*) = count(DISTINCT url) FROM pages") == [(1,)]
    assert rows(db, "SELECT status FROM runs") == [("done",)]
    stats = json.loads(rows(db, "SELECT stats_json FROM runs")[0][0])["auditor/redis"]
    by_firm = stats["firm_workers"]
    assert sorted(by_firm) == sorted(f for f, *_ in snapshot(db)["firms"])
    states = {f: json.loads(s) for f, s in client.hgetall("auditor:run:1:state").items()}
    assert {f: s["worker"] for f, s in states.items()} == by_firm  # one worker per firm
    assert {s["attempt"] for s in states.values()} == {1}
    per_worker = {w: sum(1 for v in by_firm.values() if v == w) for w in ("wA", "wB")}
    assert per_worker["wA"] > 0 and per_worker["wB"] > 0, per_worker
    for name in ("wA", "wB"):  # each worker logged only its own firms
        mine = {f for f, w in by_firm.items() if w == name}
        logged = {line.split(" firm ")[1].split()[0]
                  for line in (tmp_path / f"{name}.log").read_text().splitlines()
                  if line.startswith(f"worker {name}: run 1 firm ")}
        assert logged == mine
    status = run_auditor("status", "--redis", redis_url, "--db", str(db))
    assert status.returncode == 0, status.stderr
    assert "run 1 (finished" in status.stdout and "running 0  pending 0" in status.stdout
    assert "stored in the database: 10/10 firms final" in status.stdout
    print(f"firms per worker: {per_worker}")


@pytest.fixture(scope="module")
def gated() -> Iterator[HostileServer]:
    server = HostileServer(GATED_SITES).start()
    yield server
    server.stop()


def test_a_killed_worker_firm_is_crawled_again(redis_url, gated: HostileServer,  # noqa: F811
                                               tmp_path: Path) -> None:
    firms = tmp_path / "firms.csv"
    firms.write_text("firm_id,domain,name\nA,alpha-steady.com,Alpha\nB,beta-held.com,Beta\n"
                     "C,gamma-steady.com,Gamma\n", encoding="utf-8")
    args = ["--no-autothrottle", "--delay", "0"]
    for route in gated.routes():
        args += ["--connect-to", route]
    reference = tmp_path / "local.sqlite"
    result = run_auditor("crawl", str(firms), "--db", str(reference), *args, timeout=120)
    assert result.returncode == 0, result.stderr

    gated.gate.clear()
    gated.held.clear()
    db = tmp_path / "scaled.sqlite"
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    with (tmp_path / "writer.log").open("w") as log:  # `auditor crawl --redis`: the writer
        writer = subprocess.Popen(
            [sys.executable, "-m", "auditor", "crawl", str(firms), "--redis", redis_url,
             "--db", str(db), *args], cwd=REPO, env=guarded_env(), stdout=subprocess.PIPE,
            stderr=log, text=True)
    doomed = worker(redis_url, "doomed", tmp_path / "doomed.log",
                    "-s", "AUDIT_REDIS_HEARTBEAT=2", max_idle=30)
    survivor = None
    try:
        logs = (tmp_path / "doomed.log", tmp_path / "writer.log")
        wait_for(gated.held.is_set, 60, *logs)  # B's gate page is held: the worker is mid-firm
        wait_for(lambda: rows(db, "SELECT count(*) FROM pages WHERE firm_id = 'B'")[0][0] > 0,
                 60, *logs)
        wait_for(lambda: all(json.loads(client.hget("auditor:run:1:state", f) or "{}").get(
            "state") == "final" for f in "AC"), 60, *logs)  # only B is cut in the middle
        state = json.loads(client.hget("auditor:run:1:state", "B") or "{}")
        assert state["state"] == "running" and state["worker"] == "doomed"
        status = run_auditor("status", "--redis", redis_url, "--run", "1")
        assert "running B on doomed" in status.stdout
        assert "live workers: 1" in status.stdout
        doomed.kill()  # SIGKILL: no goodbye, the claim stays until the heartbeat expires
        doomed.wait(timeout=30)
        gated.gate.set()
        survivor = worker(redis_url, "survivor", tmp_path / "survivor.log")
        out, _ = writer.communicate(timeout=90)
        assert writer.returncode == 0, (tmp_path / "writer.log").read_text()
        assert out.strip() == f"run 1 stored in {db}"
    finally:
        gated.gate.set()
        for proc in (writer, doomed, survivor):
            if proc is not None:
                proc.kill()
                proc.wait(timeout=30)
    assert snapshot(db) == snapshot(reference)
    assert rows(db, "SELECT count(*) = count(DISTINCT url) FROM pages") == [(1,)]
    state = json.loads(client.hget("auditor:run:1:state", "B") or "{}")
    assert {k: state[k] for k in ("state", "worker", "attempt", "status")} == {
        "state": "final", "worker": "survivor", "attempt": 2, "status": "done"}
    stats = json.loads(rows(db, "SELECT stats_json FROM runs")[0][0])["auditor/redis"]
    assert stats["firms_cleared"] == 1  # the dead attempt's pages of B were discarded
    assert stats["firm_workers"]["B"] == "survivor"


def test_bad_redis_input_is_one_line_exit_2(redis_server, tmp_path: Path,  # noqa: F811
                                            capsys) -> None:
    from auditor.cli import main

    firms = tmp_path / "firms.csv"
    firms.write_text("firm_id,domain\nA,alpha.ca\n", encoding="utf-8")
    db = tmp_path / "x.sqlite"
    result = run_auditor("crawl", str(firms), "--redis", "redis://127.0.0.1:9/0", "--db", str(db))
    assert result.returncode == 2
    assert result.stderr.strip() == ("auditor: cannot reach Redis at redis://127.0.0.1:9/0: "
                                     "Error 111 connecting to 127.0.0.1:9. Connection refused.")
    assert not db.exists() or rows(db, "SELECT count(*) FROM runs") == [(0,)]
    for args, message in [  # the same checks in-process: no reactor is involved before them
        (("crawl", str(firms), "--redis", "http://127.0.0.1:9", "--db", str(db)),
         "bad --redis URL 'http://127.0.0.1:9'"),
        (("worker", "--redis", "redis://127.0.0.1:9/0"), "cannot reach Redis"),
        (("status", "--redis", "127.0.0.1:6379"), "bad --redis URL"),
        (("drain", "--redis", redis_server.url(14), "--run", "7", "--db", str(db)),
         "no run 7 in Redis"),
        (("crawl", str(tmp_path / "none.csv"), "--redis", redis_server.url(14)),
         "cannot read the firms file"),
        (("crawl", str(firms), "--redis", redis_server.url(14), "--resume"),
         "give a firms file to start a run, or --resume"),
    ]:
        assert main(list(args)) == 2, args
        err = capsys.readouterr().err
        assert message in err, (args, err)
        assert len(err.strip().splitlines()) == 1, err
    assert not db.exists() or rows(db, "SELECT count(*) FROM runs") == [(0,)]
