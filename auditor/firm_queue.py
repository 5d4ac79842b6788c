"""The Redis side of a scaled-out run: a queue of whole firms, claims, heartbeats, results.

A firm is the unit of work, never a URL: one worker crawls all of a firm's pages with its
own local scheduler, so the per-site politeness limits hold however many workers run.
Every step that must not half-happen (claim, finish, give back a dead worker's firms) is
one Lua script, so a worker killed at any instant leaves its firms either claimed (and
queued again once its heartbeat expires) or finished.

Keys, all under `auditor:`:

- `runs` (zset run → push time): the registry of runs pushed;
- `run:N:meta` (hash): settings (JSON), firms_file, started, total, status open|finished;
- `run:N:owners` (hash registered domain → firm id): every firm of the run, for redirects;
- `run:N:pending` (list of firm messages), `run:N:claimed:WORKER` (list): LMOVE between them;
- `run:N:claimers` (set): workers that claimed firms of the run;
- `run:N:attempts` (hash firm → claims so far), `run:N:state` (hash firm → JSON: state
  pending|running|final, worker, attempt, status);
- `run:N:results` (list): result messages, RPUSHed by workers, drained by the one writer;
- `run:N:stored` (hash firm → attempt whose rows the database holds);
- `workers` (hash name → JSON), `worker:NAME` (string with a TTL): the heartbeat.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import redis

from auditor.firms import FirmRow
from auditor.messages import firm_message

PREFIX = "auditor"
HEARTBEAT_TTL = 30  # seconds without a heartbeat before a worker's firms are queued again
MAX_ATTEMPTS = 3  # claims of one firm before it is failed rather than queued again
DEAD_REASON = "the worker crawling it stopped {n} times"


class QueueError(Exception):
    """Redis cannot be reached or does not hold what was asked for: one line for the user."""


def masked(url: str) -> str:
    """A Redis URL as it may be shown: its password replaced by `***`."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))


def connect(url: str) -> redis.Redis:
    """A client for URL, checked with a PING so that a bad URL fails here, in one line."""
    try:
        client = redis.Redis.from_url(url, decode_responses=True, socket_connect_timeout=5,
                                      socket_timeout=30, health_check_interval=30)
    except ValueError as exc:
        raise QueueError(f"bad --redis URL {masked(url)!r}: {exc} "
                         "(write redis://[:PASSWORD@]HOST:PORT/DB)") from None
    try:
        client.ping()
    except redis.RedisError as exc:
        raise QueueError(f"cannot reach Redis at {masked(url)}: {exc}") from None
    return client


def default_worker_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def key(*parts: object) -> str:
    return ":".join([PREFIX, *(str(p) for p in parts)])


def run_key(run_id: int, *parts: object) -> str:
    return key("run", run_id, *parts)


_CLAIM = """
local msg = redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT')
if not msg then return false end
local firm = cjson.decode(msg)['firm']['firm_id']
local attempt = redis.call('HINCRBY', KEYS[3], firm, 1)
redis.call('HSET', KEYS[4], firm, cjson.encode({state='running', worker=ARGV[1],
           attempt=attempt, since=tonumber(ARGV[2])}))
redis.call('SADD', KEYS[5], ARGV[1])
return {msg, attempt}
"""

_FINISH = """
if tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0') ~= tonumber(ARGV[2]) then return 0 end
if redis.call('LREM', KEYS[1], 1, ARGV[5]) == 0 then return 0 end
redis.call('RPUSH', KEYS[4], ARGV[4])
redis.call('HSET', KEYS[3], ARGV[1], cjson.encode({state='final', worker=ARGV[3],
           attempt=tonumber(ARGV[2]), status=ARGV[6], since=tonumber(ARGV[7])}))
return 1
"""

# Give back the firms of a worker whose heartbeat expired (checked here, atomically); a firm
# claimed MAX_ATTEMPTS times already is failed instead, with an outcome for the writer.
_REQUEUE = """
if redis.call('EXISTS', KEYS[4]) == 1 then return {0, 0} end
local queued, failed = 0, 0
while true do
  local msg = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')
  if not msg then break end
  local firm = cjson.decode(msg)['firm']['firm_id']
  local attempt = tonumber(redis.call('HGET', KEYS[5], firm) or '0')
  if attempt >= tonumber(ARGV[2]) then
    redis.call('LREM', KEYS[2], 1, msg)
    local reason = string.gsub(ARGV[4], '{n}', tostring(attempt))
    redis.call('RPUSH', KEYS[6], cjson.encode({v=1, kind='outcome', run=tonumber(ARGV[3]),
               firm=firm, attempt=attempt, worker='', data={firm_id=firm, status='failed',
               reason=reason, pages=0, errors=0}}))
    redis.call('HSET', KEYS[3], firm, cjson.encode({state='final', worker='', attempt=attempt,
               status='failed', since=tonumber(ARGV[1])}))
    failed = failed + 1
  else
    redis.call('HSET', KEYS[3], firm, cjson.encode({state='pending', worker='',
               attempt=attempt, requeued_from=ARGV[5], since=tonumber(ARGV[1])}))
    queued = queued + 1
  end
end
return {queued, failed}
"""


@dataclass(slots=True)
class Claim:
    """A firm this worker holds: the message as queued (to release it) and its attempt."""

    run_id: int
    firm: FirmRow
    raw: str
    attempt: int


@dataclass(slots=True)
class RunStatus:
    """What `auditor status` prints for one run."""

    run_id: int
    meta: dict[str, str]
    total: int
    pending: int
    running: dict[str, str]  # firm → worker
    final: dict[str, str]  # firm → status (done, partial, failed)
    requeued: int
    results_backlog: int
    workers: dict[str, dict[str, Any]] = field(default_factory=dict)  # live workers


class FirmQueue:
    """One Redis database seen as queues of runs; every method is one short round trip or
    one script, safe to call from the Twisted thread."""

    def __init__(self, client: redis.Redis):
        self.r = client
        self._claim = client.register_script(_CLAIM)
        self._finish = client.register_script(_FINISH)
        self._requeue = client.register_script(_REQUEUE)

    @classmethod
    def from_url(cls, url: str) -> FirmQueue:
        return cls(connect(url))

    # ---- pushing a run ------------------------------------------------------------------

    def push_run(self, run_id: int, firms: Sequence[FirmRow], settings: dict[str, Any],
                 firms_file: str = "", started: str = "") -> None:
        """Queue every firm of a new run with the settings each worker must apply."""
        meta = self.r.hgetall(run_key(run_id, "meta"))
        if meta.get("status") == "open":
            raise QueueError(f"run {run_id} is in Redis already and not finished: "
                             "drain it, or use another Redis database")
        self.forget_run(run_id)
        now = time.time()
        with self.r.pipeline(transaction=True) as pipe:
            pipe.hset(run_key(run_id, "meta"), mapping={
                "settings": json.dumps(settings, sort_keys=True, default=str),
                "firms_file": firms_file, "started": started, "total": len(firms),
                "status": "open", "pushed_at": now})
            pipe.hset(run_key(run_id, "owners"),
                      mapping={f.site.registered: f.firm_id for f in firms})
            pending = json.dumps({"state": "pending", "worker": "", "attempt": 0})
            pipe.hset(run_key(run_id, "state"), mapping={f.firm_id: pending for f in firms})
            for start in range(0, len(firms), 1000):
                pipe.rpush(run_key(run_id, "pending"),
                           *[firm_message(run_id, f) for f in firms[start:start + 1000]])
            pipe.zadd(key("runs"), {str(run_id): now})
            pipe.execute()

    def forget_run(self, run_id: int) -> None:
        """Delete every key of a run (a finished run whose id is used again)."""
        names = list(self.r.scan_iter(match=run_key(run_id, "*"), count=1000))
        if names:
            self.r.delete(*names)
        self.r.zrem(key("runs"), str(run_id))

    def run_ids(self) -> list[int]:
        return [int(r) for r in self.r.zrange(key("runs"), 0, -1)]

    def meta(self, run_id: int) -> dict[str, str]:
        return self.r.hgetall(run_key(run_id, "meta"))

    def settings(self, run_id: int) -> dict[str, Any]:
        raw = self.meta(run_id).get("settings")
        if raw is None:
            raise QueueError(f"no run {run_id} in Redis: push it with 'auditor crawl --redis'")
        settings = json.loads(raw)
        return settings if isinstance(settings, dict) else {}

    def owners(self, run_id: int) -> dict[str, str]:
        return self.r.hgetall(run_key(run_id, "owners"))

    def open_runs(self) -> list[int]:
        return [r for r in self.run_ids() if self.meta(r).get("status") == "open"]

    def is_open(self, run_id: int) -> bool:
        return self.r.hget(run_key(run_id, "meta"), "status") == "open"

    def mark_finished(self, run_id: int) -> None:
        self.r.hset(run_key(run_id, "meta"), "status", "finished")

    # ---- workers --------------------------------------------------------------------------

    def heartbeat(self, worker: str, ttl: int = HEARTBEAT_TTL, **info: Any) -> None:
        """I am alive for TTL seconds more."""
        data = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "at": time.time(),
                           **info}, default=str)
        with self.r.pipeline(transaction=False) as pipe:
            pipe.set(key("worker", worker), data, ex=max(1, int(ttl)))
            pipe.hset(key("workers"), worker, data)
            pipe.execute()

    def retire(self, worker: str) -> None:
        """A worker that stops cleanly (its claims are empty) leaves no heartbeat behind."""
        self.r.delete(key("worker", worker))
        self.r.hdel(key("workers"), worker)

    def live_workers(self) -> dict[str, dict[str, Any]]:
        result = {}
        for name in sorted(self.r.hkeys(key("workers"))):
            raw = self.r.get(key("worker", name))
            if raw is None:
                continue
            try:
                result[name] = json.loads(raw)
            except ValueError:
                result[name] = {}
        return result

    # ---- claims ---------------------------------------------------------------------------

    def claim(self, run_id: int, worker: str) -> Claim | None:
        """Move one firm from the run's queue to this worker's claims, as a new attempt."""
        from auditor.messages import read_firm

        got = self._claim(keys=[run_key(run_id, "pending"), run_key(run_id, "claimed", worker),
                                run_key(run_id, "attempts"), run_key(run_id, "state"),
                                run_key(run_id, "claimers")],
                          args=[worker, time.time()])
        if not got:
            return None
        raw, attempt = got
        return Claim(run_id, read_firm(raw)[1], raw, int(attempt))

    def finish(self, claim: Claim, worker: str, outcome_message: str, status: str) -> bool:
        """Hand the firm's outcome to the writer and drop the claim, in one step; False when
        the firm was taken back meanwhile (this worker was presumed dead)."""
        run_id = claim.run_id
        return bool(self._finish(
            keys=[run_key(run_id, "claimed", worker), run_key(run_id, "attempts"),
                  run_key(run_id, "state"), run_key(run_id, "results")],
            args=[claim.firm.firm_id, claim.attempt, worker, outcome_message, claim.raw,
                  status, time.time()]))

    def requeue_dead(self, run_id: int, max_attempts: int = MAX_ATTEMPTS) -> tuple[int, int]:
        """Queue again the firms claimed by workers whose heartbeat expired: (queued, failed)."""
        queued = failed = 0
        for worker in self.r.smembers(run_key(run_id, "claimers")):
            q, f = self._take_back(run_id, worker, max_attempts)
            queued, failed = queued + q, failed + f
            if self.r.llen(run_key(run_id, "claimed", worker)) == 0 and not self.r.exists(
                    key("worker", worker)):
                self.r.srem(run_key(run_id, "claimers"), worker)
        return queued, failed

    def give_back(self, run_id: int, worker: str) -> int:
        """A worker stopping cleanly queues its unfinished firms again at once."""
        self.r.delete(key("worker", worker))
        return sum(self._take_back(run_id, worker, MAX_ATTEMPTS))

    def _take_back(self, run_id: int, worker: str, max_attempts: int) -> tuple[int, int]:
        queued, failed = self._requeue(
            keys=[run_key(run_id, "claimed", worker), run_key(run_id, "pending"),
                  run_key(run_id, "state"), key("worker", worker),
                  run_key(run_id, "attempts"), run_key(run_id, "results")],
            args=[time.time(), max_attempts, run_id, DEAD_REASON, worker])
        return int(queued), int(failed)

    def pending_count(self, run_id: int) -> int:
        return int(self.r.llen(run_key(run_id, "pending")))

    def current_attempt(self, run_id: int, firm_id: str) -> int:
        return int(self.r.hget(run_key(run_id, "attempts"), firm_id) or 0)

    def attempts(self, run_id: int) -> dict[str, int]:
        return {f: int(a) for f, a in self.r.hgetall(run_key(run_id, "attempts")).items()}

    def states(self, run_id: int) -> dict[str, dict[str, Any]]:
        result = {}
        for firm, raw in self.r.hgetall(run_key(run_id, "state")).items():
            try:
                result[firm] = json.loads(raw)
            except ValueError:
                result[firm] = {}
        return result

    def unfinished(self, run_id: int) -> int:
        """Firms of the run not final yet in Redis (pending or running)."""
        return sum(1 for s in self.states(run_id).values() if s.get("state") != "final")

    # ---- results ----------------------------------------------------------------------------

    def push_results(self, run_id: int, messages: Iterable[str]) -> None:
        batch = list(messages)
        if batch:
            self.r.rpush(run_key(run_id, "results"), *batch)

    def peek_results(self, run_id: int, count: int) -> list[str]:
        """The oldest COUNT results, left in Redis until `ack_results` (after the commit)."""
        return list(self.r.lrange(run_key(run_id, "results"), 0, count - 1))

    def ack_results(self, run_id: int, count: int) -> None:
        self.r.ltrim(run_key(run_id, "results"), count, -1)

    def results_backlog(self, run_id: int) -> int:
        return int(self.r.llen(run_key(run_id, "results")))

    def stored_attempts(self, run_id: int) -> dict[str, int]:
        return {f: int(a) for f, a in self.r.hgetall(run_key(run_id, "stored")).items()}

    def set_stored_attempt(self, run_id: int, firm_id: str, attempt: int) -> None:
        self.r.hset(run_key(run_id, "stored"), firm_id, attempt)

    # ---- status -------------------------------------------------------------------------------

    def status(self, run_id: int) -> RunStatus:
        meta = self.meta(run_id)
        if not meta:
            raise QueueError(f"no run {run_id} in Redis: 'auditor status --redis URL' lists them")
        running: dict[str, str] = {}
        final: dict[str, str] = {}
        pending = requeued = 0
        for firm, state in self.states(run_id).items():
            if state.get("state") == "running":
                running[firm] = str(state.get("worker", ""))
            elif state.get("state") == "final":
                final[firm] = str(state.get("status", ""))
            else:
                pending += 1
            if state.get("requeued_from") or int(state.get("attempt") or 0) > 1:
                requeued += 1
        return RunStatus(run_id, meta, int(meta.get("total", 0) or 0), pending, running, final,
                         requeued, self.results_backlog(run_id), self.live_workers())
