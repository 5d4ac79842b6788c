"""The Redis queue of firms, the result messages and the writer, against a real redis-server."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from auditor.failures import FetchFailure
from auditor.firm_queue import FirmQueue, QueueError, connect
from auditor.firms import parse_firms
from auditor.items import Evidence, FirmOutcome, PageItem
from auditor.messages import (
    Envelope,
    MessageError,
    firm_message,
    read_firm,
    read_result,
    result_message,
)
from auditor.profiles import ProfileRecord
from auditor.storage import Store
from auditor.writer import Writer
from tests.pgserver import pg_server, pg_url  # noqa: F401  (fixtures)
from tests.redisserver import redis_server, redis_url  # noqa: F401

FIRMS = ("firm_id,domain,name,stage,founded,profiles\n"
         "A,alpha.ca,Alpha,entry,2015,https://www.linkedin.com/company/alpha\n"
         "B,https://beta.com/fr/,Béta,post-entry,,\n"
         "C,gamma.io,,,,\n")


@pytest.fixture
def firms():
    rows, errors = parse_firms(FIRMS)
    assert not errors
    return rows


@pytest.fixture
def queue(redis_url: str) -> FirmQueue:  # noqa: F811
    return FirmQueue.from_url(redis_url)


def page(firm: str, url: str, evidence: int = 1) -> PageItem:
    return PageItem(firm, url, 200, "text/html", 100, 0, "fr", "Accueil",
                    [Evidence("d", "d-info", f"info@{firm}.ca", url, "footer", "écrivez-nous")
                     for _ in range(evidence)])


def test_messages_round_trip(firms) -> None:
    run, firm = read_firm(firm_message(7, firms[0]))
    assert (run, firm) == (7, firms[0])
    items = [page("A", "https://alpha.ca/", 2), FetchFailure("A", "https://alpha.ca/x", "HTTP 404"),
             ProfileRecord("A", "linkedin", "https://www.linkedin.com/company/alpha",
                           followers=12, links_back=True),
             FirmOutcome("A", "done", "", 3, 1)]
    for item in items:
        envelope = read_result(result_message(Envelope(7, "A", 2, "w1", item)))
        assert envelope == Envelope(7, "A", 2, "w1", item)
    with pytest.raises(MessageError):
        read_result('{"v": 99}')
    with pytest.raises(MessageError):
        read_result("not json")


def test_bad_redis_urls_are_one_line_errors(redis_server) -> None:  # noqa: F811
    with pytest.raises(QueueError, match=r"bad --redis URL 'http://x'"):
        connect("http://x")
    with pytest.raises(QueueError, match=r"cannot reach Redis at redis://127\.0\.0\.1:9/0"):
        connect("redis://127.0.0.1:9/0")


def test_claims_are_fifo_attempts_counted_and_finished_once(queue: FirmQueue, firms) -> None:
    queue.push_run(1, firms, {"AUDIT_PAGE_CAP": 5}, "firms.csv", "2026-01-01T00:00:00+00:00")
    assert queue.open_runs() == [1]
    assert queue.settings(1) == {"AUDIT_PAGE_CAP": 5}
    assert queue.owners(1) == {"alpha.ca": "A", "beta.com": "B", "gamma.io": "C"}
    with pytest.raises(QueueError, match="run 1 is in Redis already"):
        queue.push_run(1, firms, {})
    first = queue.claim(1, "w1")
    second = queue.claim(1, "w2")
    assert first is not None and second is not None
    assert (first.firm.firm_id, first.attempt, second.firm.firm_id) == ("A", 1, "B")
    status = queue.status(1)
    assert status.running == {"A": "w1", "B": "w2"} and status.pending == 1
    outcome = result_message(Envelope(1, "A", 1, "w1", FirmOutcome("A", "done", "", 1, 0)))
    assert queue.finish(first, "w1", outcome, "done")
    assert not queue.finish(first, "w1", outcome, "done")  # once only
    assert queue.status(1).final == {"A": "done"}
    assert queue.results_backlog(1) == 1
    assert queue.give_back(1, "w2") == 1  # a worker stopping cleanly: B waits again, first
    third = queue.claim(1, "w1")
    assert third is not None and (third.firm.firm_id, third.attempt) == ("B", 2)


def test_dead_worker_firms_are_queued_again_then_failed(queue: FirmQueue, firms) -> None:
    queue.push_run(3, firms[:1], {})
    for attempt in (1, 2, 3):
        queue.heartbeat("w1", ttl=1)
        claim = queue.claim(3, "w1")
        assert claim is not None and claim.attempt == attempt
        assert queue.requeue_dead(3) == (0, 0)  # alive: nothing taken back
        assert queue.live_workers().keys() == {"w1"}
        time.sleep(1.1)  # the heartbeat expires
        assert queue.live_workers() == {}
        assert queue.requeue_dead(3, max_attempts=3) == ((1, 0) if attempt < 3 else (0, 1))
    stale = result_message(Envelope(3, "A", 1, "w1", FirmOutcome("A", "done", "", 1, 0)))
    assert not queue.finish(claim, "w1", stale, "done")  # taken back: the late worker is refused
    assert queue.status(3).final == {"A": "failed"}
    assert queue.pending_count(3) == 0
    (message,) = queue.peek_results(3, 10)
    assert read_result(message).item == FirmOutcome(
        "A", "failed", "the worker crawling it stopped 3 times", 0, 0)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_writer_ignores_stale_attempts_and_clears_the_dead_one(queue: FirmQueue, firms,
                                                               tmp_path: Path, backend: str,
                                                               request) -> None:
    db = request.getfixturevalue("pg_url") if backend == "postgresql" else tmp_path / "w.sqlite"
    store = Store(db)
    run_id = store.create_run("firms.csv", {}, {}, "t")
    store.add_firms(run_id, firms[:2])
    queue.push_run(run_id, firms[:2], {})
    queue.heartbeat("dead", ttl=1)
    queue.heartbeat("live", ttl=30)
    a1 = queue.claim(run_id, "dead")
    b1 = queue.claim(run_id, "live")
    assert a1 is not None and b1 is not None

    def send(firm: str, attempt: int, worker: str, item: object) -> str:
        return result_message(Envelope(run_id, firm, attempt, worker, item))  # type: ignore[arg-type]

    queue.push_results(run_id, [send("A", 1, "dead", page("A", "https://alpha.ca/")),
                                send("A", 1, "dead", page("A", "https://alpha.ca/old")),
                                send("B", 1, "live", page("B", "https://beta.com/fr/"))])
    writer = Writer(queue, store, run_id, batch=2)
    assert writer.drain() == 3
    assert len(store.page_urls(run_id, ["A"])) == 2
    time.sleep(1.1)
    writer.tend()
    a2 = queue.claim(run_id, "live")
    assert a2 is not None and a2.attempt == 2
    queue.push_results(run_id, [send("A", 1, "dead", page("A", "https://alpha.ca/late")),
                                send("A", 2, "live", page("A", "https://alpha.ca/"))])
    assert queue.finish(a2, "live", send("A", 2, "live", FirmOutcome("A", "done", "", 1, 0)), "done")
    assert queue.finish(b1, "live", send("B", 1, "live", FirmOutcome("B", "done", "", 1, 0)), "done")
    assert not writer.complete()
    assert writer.run(wait=False)
    assert store.page_urls(run_id, ["A"]) == {"https://alpha.ca/"}  # the dead attempt's rows went
    assert (writer.stats.stale, writer.stats.cleared, writer.stats.requeued) == (1, 1, 1)
    assert writer.stats.firm_workers == {"A": "live", "B": "live"}
    evidence = store.con.execute("SELECT count(*) FROM evidence WHERE firm_id = 'A'").fetchone()
    assert evidence == (1,)
    writer.finish()
    assert not queue.is_open(run_id)
    store.close()


def test_an_interrupted_writer_loses_nothing(queue: FirmQueue, firms, tmp_path: Path,
                                             monkeypatch) -> None:
    store = Store(tmp_path / "i.sqlite")
    run_id = store.create_run("firms.csv", {}, {}, "t")
    store.add_firms(run_id, firms[:1])
    queue.push_run(run_id, firms[:1], {})
    claim = queue.claim(run_id, "w")
    assert claim is not None
    queue.push_results(run_id, [result_message(Envelope(run_id, "A", 1, "w", page("A", u)))
                                for u in ("https://alpha.ca/", "https://alpha.ca/2")])
    writer = Writer(queue, store, run_id)

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(queue, "ack_results", interrupted)  # stopped after the commit
    with pytest.raises(KeyboardInterrupt):
        writer.drain_once()
    monkeypatch.undo()
    assert queue.results_backlog(run_id) == 2  # not acknowledged: read again
    assert Writer(queue, store, run_id).drain() == 2
    count = store.con.execute("SELECT count(*), count(DISTINCT url) FROM pages").fetchone()
    assert count == (2, 2)
    assert store.con.execute("SELECT count(*) FROM evidence").fetchone() == (2,)
    store.close()
