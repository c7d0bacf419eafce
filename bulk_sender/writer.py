"""Writer: the journal on a thread of its own, fed through a queue, committing in groups.

SQLite from one thread (STYLE 16): the event loop never waits on a statement. Workers send
their in-flight marks and outcomes; the thread takes everything queued, writes it in one
transaction and commits once (group commit). A worker awaits the commit that holds its
in-flight mark before its request leaves, so the guarantee of SPEC section 4 is unchanged:
a killed run finds every request that may have left marked in flight. Outcomes are not
awaited; they commit with the next group, so after a kill -9 the rows left `uncertain`
that had in fact been answered are bounded by the concurrency plus one group.

Planning runs on this thread too (it reads the journal row by row), and between its chunks
the thread serves the queue, so sending starts while the list is still being planned.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from .journal import Journal
from .records import Outcome

T = TypeVar("T")

_Job = Callable[[Journal], Any]
_Done = tuple["asyncio.Future[Any] | None", Any, BaseException | None]


@dataclass(frozen=True, slots=True)
class _Item:
    """Something for the journal's thread: a job run alone, or a write run in a group."""

    future: asyncio.Future[Any] | None
    job: _Job | None = None
    write: _Job | None = None


def _run(job: _Job | None, journal: Journal, future: asyncio.Future[Any] | None) -> _Done:
    assert job is not None
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

    def __init__(self, open_journal: Callable[[], AbstractContextManager[Journal]]) -> None:
        self._open = open_journal
        self._queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None
        self.commits = 0
        """Groups committed for the sender (a figure for tests and benchmarks)."""

    # -- the event loop's side -------------------------------------------------------------

    async def __aenter__(self) -> JournalWriter:
        self._loop = asyncio.get_running_loop()
        opened: asyncio.Future[None] = self._loop.create_future()
        self._thread = threading.Thread(
            target=self._main, args=(opened,), name="bulk-sender journal", daemon=True
        )
        self._thread.start()
        await opened  # a journal that cannot be opened raises here
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._queue.put(None)
        assert self._thread is not None
        await asyncio.to_thread(self._thread.join)

    def call(self, job: Callable[[Journal], T]) -> Awaitable[T]:
        """Run `job(journal)` on the journal's thread, after everything queued before it.

        Even after a write failed: the report is written from what the journal holds.
        """
        assert self._loop is not None, "use the writer as `async with`"
        future: asyncio.Future[T] = self._loop.create_future()
        self._queue.put(_Item(future, job=job))
        return future

    def mark_in_flight(self, key: str, attempts: int) -> Awaitable[bool]:
        """Resolves once the mark is committed: True when this run claimed the message."""
        future: asyncio.Future[bool] = self._future()
        self._queue.put(_Item(future, write=lambda journal: _claim(journal, key, attempts)))
        return future

    def record(self, key: str, outcome: Outcome) -> None:
        """Queue a message's outcome; it commits with the next group."""
        self._queue.put(_Item(None, write=lambda journal: journal.record(key, outcome)))

    def waiting(self) -> bool:
        """Whether writes are queued (a long job checks between its steps)."""
        return not self._queue.empty()

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
            items = [self._queue.get(block=block, timeout=timeout)]
        except queue.Empty:
            return True
        while items[-1] is not None:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                break
        group: list[_Item] = []
        for item in items:
            if item is None or item.job is not None:
                self._write(journal, group)
                group = []
            if item is None:
                return False
            if item.job is not None:
                self._resolve([_run(item.job, journal, item.future)])
            else:
                group.append(item)
        self._write(journal, group)
        return True

    def _write(self, journal: Journal, group: list[_Item]) -> None:
        """One transaction, one commit for a group of in-flight marks and outcomes."""
        if not group:
            return
        try:
            journal.begin()
            done = [_run(item.write, journal, item.future) for item in group]
            journal.commit()
        except Exception as exc:  # the group's commit failed: none of it is known to be kept
            done = [(item.future, None, exc) for item in group]
        self.commits += 1
        for future, _, error in done:
            if future is None and error is not None:
                self._failure = error
        self._resolve(done)

    def _resolve(self, done: list[_Done]) -> None:
        """Hand results back to the event loop, one call for the whole group."""
        waiting = [item for item in done if item[0] is not None]
        if waiting and self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(_settle, waiting)


def _claim(journal: Journal, key: str, attempts: int) -> bool:
    """Mark in flight; False when the journal says the message was no longer pending."""
    mark = cast(Callable[[str, int], "bool | None"], journal.mark_in_flight)
    return mark(key, attempts) is not False


def _settle(done: list[_Done]) -> None:
    for future, result, error in done:
        if future is None or future.done():
            continue
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)
