"""Writer: the journal on a thread of its own, fed through a queue, committing in groups.

SQLite from one thread, as Datasette writes its databases. Workers send their in-flight marks
and outcomes, those of one turn of the event loop handed over together after it; the thread
takes everything queued, writes it in one transaction and commits once (group commit). A
worker awaits the commit that holds its in-flight mark before its request leaves, so the
guarantee of docs/spec.md section 4 is unchanged: a killed run finds every request that may
have left marked in flight. Outcomes are not awaited; they commit with the next group, so
after a kill -9 the rows left `uncertain` that had in fact been answered are bounded by the
concurrency plus one group.

The event loop waits for its marks' commit at most `HANDOVER_WAIT` per turn, off the
interpreter lock: the thread then runs at once instead of queueing for the lock behind
the busy loop, and its answer needs no trip through the loop (at full speed, a mark's
round trip went from about 9 ms to 5 ms, against 50 ms for a request). A thread busy for
longer (a job, a row being planned) answers later, through the loop.

Planning runs on this thread too (it reads the journal row by row), and between its rows
the thread serves the queue, so sending starts while the list is still being planned. The
plan's own rows are committed in chunks, not with each group of the sender's writes.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import queue
import threading
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from typing import Any, NamedTuple, TypeVar

from ..records import Outcome
from .store import Journal

T = TypeVar("T")

_Job = Callable[[Journal], Any]
_Done = tuple["asyncio.Future[Any] | None", Any, BaseException | None]


class _Call(NamedTuple):
    """A job for the journal's thread, run alone between two groups of writes."""

    job: _Job
    future: asyncio.Future[Any]


class _Mark(NamedTuple):
    """An in-flight mark; its worker awaits the group commit that holds it."""

    key: str
    attempts: int
    future: asyncio.Future[bool]


class _Record(NamedTuple):
    """A message's outcome; nobody waits for it."""

    key: str
    outcome: Outcome


_Item = _Call | _Mark | _Record

HANDOVER_WAIT = 0.002
"""Seconds the event loop waits at most, off the interpreter lock, for its marks' commit."""


def _run(job: _Job, journal: Journal, future: asyncio.Future[Any]) -> _Done:
    try:
        return future, job(journal), None
    except Exception as exc:
        return future, None, exc


class JournalWriter:
    """A `Journal` owned by one thread; the `Recorder` the Sender writes to.

    Use as `async with JournalWriter(open_journal) as writer:`; `open_journal` (a `Journal`,
    or a context giving one) is entered on the thread: the connection is made, used and
    closed there (and the campaign lock taken and released there).
    """

    def __init__(
        self,
        open_journal: Callable[[], AbstractContextManager[Journal]],
        *,
        handover_wait: float = HANDOVER_WAIT,
    ) -> None:
        self._open = open_journal
        self._handover_wait = handover_wait
        self._queue: queue.SimpleQueue[list[_Item] | None] = queue.SimpleQueue()
        self._batch: list[_Item] = []
        """Items queued during this turn of the event loop, handed over together after it."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None
        self._answers = threading.Condition()
        self._direct: list[_Done] | None = None
        """While the loop waits for its marks: the answers, handed to it directly."""
        self.commits = 0
        """Groups committed for the sender (a figure for tests and benchmarks)."""

    # -- the event loop's side -------------------------------------------------------------

    async def __aenter__(self) -> JournalWriter:
        self._loop = asyncio.get_running_loop()
        opened: asyncio.Future[None] = self._loop.create_future()
        # The thread words what it words (a row's detail, a notice) in the run's language:
        # a thread does not inherit the context, so it runs in a copy of the run's.
        context = contextvars.copy_context()
        self._thread = threading.Thread(
            target=context.run, args=(self._main, opened), name="bulk-sender journal",
            daemon=True,
        )  # fmt: skip
        self._thread.start()
        await opened  # a journal that cannot be opened raises here
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._hand_over()
        self._queue.put(None)
        assert self._thread is not None
        await asyncio.to_thread(self._thread.join)

    def call(self, job: Callable[[Journal], T]) -> Awaitable[T]:
        """Run `job(journal)` on the journal's thread, after everything queued before it.

        Even after a write failed: the report is written from what the journal holds.
        """
        assert self._loop is not None, "use the writer as `async with`"
        future: asyncio.Future[T] = self._loop.create_future()
        self._put(_Call(job, future))
        return future

    def mark_in_flight(self, key: str, attempts: int) -> Awaitable[bool]:
        """Resolves once the mark is committed: True when this run claimed the message."""
        future: asyncio.Future[bool] = self._future()
        self._put(_Mark(key, attempts, future))
        return future

    def record(self, key: str, outcome: Outcome) -> None:
        """Queue a message's outcome; it commits with the next group."""
        self._put(_Record(key, outcome))

    def wake(self) -> None:
        """From any thread: end the thread's `serve(block=True)` (planning waits there for
        rows composed by another process, `engine/composing.py`)."""
        self._queue.put([])

    def waiting(self) -> bool:
        """Whether writes have been handed over (a long job checks between its steps)."""
        return not self._queue.empty()

    def _put(self, item: _Item) -> None:
        """Queue an item; the turn's items reach the thread together, waking it once."""
        if not self._batch:
            assert self._loop is not None, "use the writer as `async with`"
            self._loop.call_soon(self._hand_over)
        self._batch.append(item)

    def _hand_over(self) -> None:
        """The turn's items to the thread; with marks, wait a moment for their commit.

        Waiting on a condition lets the thread take the interpreter lock at once, write and
        commit the group and answer, instead of waiting its turn for the lock while the
        loop runs (up to a switch interval, 5 ms) and then for the loop to read the answer.
        If the thread is busy longer (a job, a row being planned), the answer comes later,
        through the loop.
        """
        batch, self._batch = self._batch, []
        if not batch:
            return
        marks = [item.future for item in batch if isinstance(item, _Mark)]
        if not marks:
            self._queue.put(batch)
            return
        with self._answers:
            self._direct = []
        self._queue.put(batch)
        deadline = time.monotonic() + self._handover_wait
        while not all(future.done() for future in marks):
            with self._answers:
                if not self._answers.wait_for(lambda: self._direct, deadline - time.monotonic()):
                    break
                done, self._direct = self._direct or [], []
            _settle(done)
        with self._answers:  # from now on, answers go through the loop
            late, self._direct = self._direct or [], None
        _settle(late)

    async def flush(self) -> None:
        """Wait until everything queued so far is committed."""
        await self.call(lambda journal: None)

    def _future(self) -> asyncio.Future[Any]:
        assert self._loop is not None, "use the writer as `async with`"
        if self._failure is not None:  # an outcome could not be written: stop the run
            raise self._failure
        return self._loop.create_future()

    # -- the journal's thread --------------------------------------------------------------

    def _main(self, opened: asyncio.Future[None]) -> None:
        with contextlib.ExitStack() as stack:
            try:
                journal = stack.enter_context(self._open())
            except BaseException as exc:
                self._resolve([(opened, None, exc)])
                return
            self._resolve([(opened, None, None)])
            while self.serve(journal, block=True):
                pass

    def serve(self, journal: Journal, *, block: bool = False, timeout: float | None = None) -> bool:
        """Run what is queued, in order, writes grouped in one transaction each.

        False once told to stop. Called by the thread's own loop, and by a long job
        (planning) between its chunks, so the sender's writes never wait for it to end.
        """
        try:
            batches = [self._queue.get(block=block, timeout=timeout)]
        except queue.Empty:
            return True
        while batches[-1] is not None:
            try:
                batches.append(self._queue.get_nowait())
            except queue.Empty:
                break
        items: list[_Item | None] = []
        for batch in batches:
            items.extend([None] if batch is None else batch)
        group: list[_Mark | _Record] = []
        for item in items:
            if not isinstance(item, _Mark | _Record):  # a job, or the end
                self._write(journal, group)
                group = []
            if item is None:
                return False
            if isinstance(item, _Call):
                self._resolve([_run(item.job, journal, item.future)])
            else:
                group.append(item)
        self._write(journal, group)
        return True

    def _write(self, journal: Journal, group: list[_Mark | _Record]) -> None:
        """One transaction, one commit for a group of in-flight marks and outcomes.

        Outcomes go first: a group never holds a message's mark before its outcome, since
        a worker awaits its mark's commit before the request leaves. It may hold an outcome
        (`pending`, retrying) and then the message's next mark.
        """
        if not group:
            return
        marks = [item for item in group if isinstance(item, _Mark)]
        outcomes = [item for item in group if isinstance(item, _Record)]
        try:
            journal.begin()
            journal.record_many(outcomes)
            claimed = journal.mark_many([(mark.key, mark.attempts) for mark in marks])
            journal.commit(plan=False)  # the plan's rows go in chunks of their own
        except Exception as exc:  # the group's commit failed: none of it is known to be kept
            if outcomes:
                self._failure = exc
            done: list[_Done] = [(mark.future, None, exc) for mark in marks]
        else:
            done = [(mark.future, won, None) for mark, won in zip(marks, claimed, strict=True)]
        self.commits += 1
        self._resolve(done)

    def _resolve(self, done: list[_Done]) -> None:
        """Hand results back to the event loop: directly while it waits, else one call."""
        waiting = [item for item in done if item[0] is not None]
        if not waiting:
            return
        with self._answers:
            if self._direct is not None:
                self._direct.extend(waiting)
                self._answers.notify()
                return
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(_settle, waiting)


def _settle(done: list[_Done]) -> None:
    for future, result, error in done:
        if future is None or future.done():
            continue
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)
