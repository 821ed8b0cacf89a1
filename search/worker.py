"""The index worker: the outbox applied to the search index outside any request.

With COMMONPLACE_INDEX_UPDATES = "worker", a request records its change and its outbox
rows in one transaction and answers; `manage.py index_worker` (which `make serve` starts
beside gunicorn) takes the pending rows in batches, one writer and one commit a batch,
and deletes them once the index has them. A batch carries whatever piled up while the
previous one was written, so the busier the writers, the fewer commits per change.

Killed at any point, it loses nothing: rows are deleted only after their commit to the
index, so the next run picks up every row the index may not hold. A batch interrupted
between its commit and the deletion of its rows is applied again on the next run, which
writes the same documents over themselves (each document is built from the database when
it is written, and replaces its namesake), so the index ends the same as the database.
"""

from __future__ import annotations

import enum
import logging
import threading
from dataclasses import dataclass, field

from django.db import close_old_connections, connection

from search import indexing

logger = logging.getLogger(__name__)

# How often an idle worker looks for new rows: a new note is searchable within about this
# long plus one batch.
POLL_SECONDS = 0.1
# After a failure (the database or the index unreachable), wait this long and try again.
RETRY_SECONDS = 2.0
# Between two batches in a row, let the next gather this long: each commit costs a segment
# written and small ones merged whatever it carries, so under steady writes batches taken
# as fast as rows came cost the index worker about a third more CPU for the same rows than
# batches half a second apart (bench/load.py). A new note still reaches search well within
# the 2 s an author may wait.
GATHER_SECONDS = 0.5


@dataclass
class WorkerReport:
    """What a worker did: rows applied, turns that found the index held by another
    process, and failures (with the last few errors)."""

    rows: int = 0
    busy: int = 0
    failures: int = 0
    errors: list[str] = field(default_factory=list)


class Turn(enum.Enum):
    APPLIED = "applied"
    IDLE = "idle"
    BUSY = "busy"
    FAILED = "failed"


class IndexWorker:
    def __init__(
        self,
        *,
        poll_seconds: float = POLL_SECONDS,
        retry_seconds: float = RETRY_SECONDS,
        gather_seconds: float = GATHER_SECONDS,
        drain=indexing.drain,
    ):
        self.poll_seconds = poll_seconds
        self.retry_seconds = retry_seconds
        self.gather_seconds = gather_seconds
        self.drain = drain
        self.report = WorkerReport()

    def run(self, stop: threading.Event, *, until_idle: bool = False) -> WorkerReport:
        """Apply pending rows until stop is set (or, with until_idle, until none are
        left); a batch under way is finished first, so stopping loses no work."""
        while not stop.is_set():
            turn = self.turn(stop)
            if turn is Turn.APPLIED:
                continue
            if until_idle and turn is Turn.IDLE:
                break
            stop.wait(self.retry_seconds if turn is Turn.FAILED else self.poll_seconds)
        return self.report

    def turn(self, stop: threading.Event) -> Turn:
        """One look at the outbox, applying what it holds."""
        # A long-lived process must not keep a connection the database has dropped; but
        # inside a transaction (a caller's, a test's) closing it would end that transaction.
        if not connection.in_atomic_block:
            close_old_connections()
        try:
            applied = self.drain(keep_going=self._batches_apart(stop))
        except Exception as error:
            logger.exception("Index worker: applying the outbox failed; trying again")
            self.report.failures += 1
            self.report.errors = [*self.report.errors[-9:], str(error)[:200]]
            return Turn.FAILED
        if applied is None:
            self.report.busy += 1
            return Turn.BUSY
        self.report.rows += applied
        return Turn.APPLIED if applied else Turn.IDLE

    def _batches_apart(self, stop: threading.Event):
        """drain's keep_going: the first batch at once, each next one gather_seconds
        later (sooner if stopped, and then not at all)."""
        batches = 0

        def keep_going() -> bool:
            nonlocal batches
            batches += 1
            if batches == 1:
                return not stop.is_set()
            return not stop.wait(self.gather_seconds)

        return keep_going
