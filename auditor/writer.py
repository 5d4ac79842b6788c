"""The one writer of a scaled-out run: results from Redis into the run's `Store`.

Workers never open the database; they queue JSON results, and this loop commits them in
batches and only then removes them from Redis, so a writer stopped at any point (Ctrl-C,
kill -9) loses nothing: what was not acknowledged is read again, and every write is
idempotent (pages and failures are unique per run and URL, profiles are upserts, an
outcome is an update). Results carry the firm's attempt: those of an attempt that was
given up (its worker presumed dead) are ignored, and the first result of a new attempt
clears what the earlier one stored. The loop also queues again the firms of dead workers.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from auditor.failures import FetchFailure
from auditor.firm_queue import FirmQueue
from auditor.items import FirmOutcome, PageItem
from auditor.messages import Envelope, MessageError, read_result
from auditor.profiles import ProfileRecord
from auditor.storage import Store

BATCH = 200  # results per transaction


@dataclass(slots=True)
class WriterStats:
    pages: int = 0
    errors: int = 0  # failed URLs reported by the firms' outcomes
    outcomes: int = 0
    stale: int = 0  # results of an attempt given up, ignored
    cleared: int = 0  # firms whose earlier attempt's rows were discarded
    bad: int = 0  # messages that could not be read
    requeued: int = 0
    dead_failed: int = 0
    firm_workers: dict[str, str] = field(default_factory=dict)  # firm → worker of its outcome


class Writer:
    """Drain one run's results into its store."""

    def __init__(self, queue: FirmQueue, store: Store, run_id: int, batch: int = BATCH):
        self.queue = queue
        self.store = store
        self.run_id = run_id
        self.batch = batch
        self.stats = WriterStats()
        self.stored = queue.stored_attempts(run_id)

    def drain_once(self) -> int:
        """Commit the oldest batch of results, then acknowledge it; the count handled."""
        raw = self.queue.peek_results(self.run_id, self.batch)
        if not raw:
            return 0
        attempts = self.queue.attempts(self.run_id)
        pages: list[PageItem] = []
        failures: list[tuple[str, str, str]] = []
        profiles: list[ProfileRecord] = []

        def flush() -> None:
            if pages:
                self.store.save_pages(self.run_id, pages)
                pages.clear()
            if failures:
                self.store.save_failures(self.run_id, failures)
                failures.clear()
            if profiles:
                self.store.save_profiles(self.run_id, profiles)
                profiles.clear()

        for message in raw:
            try:
                envelope = read_result(message)
            except MessageError:
                self.stats.bad += 1
                continue
            if not self._current(envelope, attempts, flush):
                continue
            item = envelope.item
            if isinstance(item, PageItem):
                pages.append(item)
            elif isinstance(item, FetchFailure):
                failures.append((item.firm_id, item.url, item.reason))
            elif isinstance(item, ProfileRecord):
                profiles.append(item)
            elif isinstance(item, FirmOutcome):
                flush()  # the outcome follows its pages, as in a local crawl
                self.store.set_firm_outcome(self.run_id, item.firm_id, item.status, item.reason,
                                            item.pages, item.errors)
                self.stats.outcomes += 1
                self.stats.pages += item.pages
                self.stats.errors += item.errors
                self.stats.firm_workers[item.firm_id] = envelope.worker
        flush()
        self.queue.ack_results(self.run_id, len(raw))  # only now: committed
        return len(raw)

    def _current(self, envelope: Envelope, attempts: dict[str, int],
                 flush: Callable[[], None]) -> bool:
        """False for a result of a given-up attempt; the first result of a new attempt
        discards what the earlier attempt stored."""
        firm, attempt = envelope.firm_id, envelope.attempt
        if envelope.run_id != self.run_id:
            self.stats.bad += 1
            return False
        latest = attempts.get(firm, 0)
        if attempt < latest:
            self.stats.stale += 1
            return False
        stored = self.stored.get(firm)
        if stored == attempt:
            return True
        if stored is not None and stored < attempt:
            flush()
            self.store.clear_firm(self.run_id, firm)
            self.stats.cleared += 1
        elif stored is not None:  # a newer attempt is stored already
            self.stats.stale += 1
            return False
        self.queue.set_stored_attempt(self.run_id, firm, attempt)
        self.stored[firm] = attempt
        return True

    def drain(self) -> int:
        """Everything queued now."""
        total = 0
        while handled := self.drain_once():
            total += handled
        return total

    def complete(self) -> bool:
        """Every firm of the run has its outcome in the store and nothing is left to write."""
        return (self.queue.results_backlog(self.run_id) == 0
                and not self.store.unfinished_firm_ids(self.run_id))

    def tend(self) -> None:
        """Queue again the firms of workers that stopped without a word."""
        queued, failed = self.queue.requeue_dead(self.run_id)
        self.stats.requeued += queued
        self.stats.dead_failed += failed

    def run(self, wait: bool = True, poll: float = 0.5,
            progress: Callable[[Writer], None] | None = None) -> bool:
        """Drain until the run is complete (wait) or the queue is empty; True when complete.
        KeyboardInterrupt passes through: what was committed is acknowledged already."""
        while True:
            self.tend()
            handled = self.drain()
            if progress is not None:
                progress(self)
            if self.complete():
                return True
            if not wait:
                return False
            if not handled:
                time.sleep(poll)

    def finish(self) -> None:
        """Close the run in the store and in Redis."""
        stats = {"finish_reason": "finished", "auditor/pages_received": self.stats.pages,
                 "auditor/redis": {"stale_results": self.stats.stale,
                                   "firms_cleared": self.stats.cleared,
                                   "firms_requeued": self.stats.requeued,
                                   "bad_messages": self.stats.bad,
                                   "firm_workers": self.stats.firm_workers}}
        self.store.finish_run(self.run_id, "done", stats)
        self.queue.mark_finished(self.run_id)

    def line(self, started: float) -> str:
        """The progress line of a local crawl, for the writer: firms final in the store."""
        status = self.queue.status(self.run_id)
        return (f"firms {len(status.final)}/{status.total}  running {len(status.running)}  "
                f"workers {len(status.workers)}  pages {self.stats.pages}  "
                f"errors {self.stats.errors}  {time.monotonic() - started:.0f}s")


def terminal_progress(started: float) -> Callable[[Writer], None] | None:
    """Redraw the writer's line on stderr when it is a terminal, at most once a second."""
    if not sys.stderr.isatty():
        return None
    last = [0.0]

    def draw(writer: Writer) -> None:
        if time.monotonic() - last[0] >= 1.0:
            last[0] = time.monotonic()
            sys.stderr.write("\r" + writer.line(started) + "\x1b[K")
            sys.stderr.flush()

    return draw
