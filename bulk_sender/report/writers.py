"""Report writers: the one interface the engine writes a report through, and where it runs.

Every writer is finished the same way: `finish(details)` writes what is left and the summary
(the run's account after the counts, asked for once the rows are counted) and returns where
the report went with its counts (`Tally`); `notices` then says why it went beside its path,
if it did; `close()` ends whatever it started, finished or not. Where the rows come from
and where the writing happens differ:

| writer | rows | written |
|---|---|---|
| `ReportThread` | handed over with `add` (a dry run) | on a thread, short lists |
| `ReportProcess` | handed over with `add` (a dry run) | by a process of its own, long lists |
| `FollowingReport` | read from the journal as they settle (a live run) | by a process of its own |
| `WrittenAtFinish` | read at `finish` (the journal's results) | on the caller's thread |

`start_report` chooses between the first two; the engine follows a long live run's journal
and writes any other at its end, and `bulk-sender report` rebuilds one from a journal.
"""

from __future__ import annotations

import contextvars
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from ..records import RowResult
from .layout import Summary
from .process import CHUNK, PROCESS_ROWS, FollowingReport, ReportProcess
from .summary import Tally
from .workbook import write_report

Details = Callable[[], Summary]
"""The summary's account of the run, asked for once every row is written."""


class Report(Protocol):
    """What the engine does with any report: finish it, read its notices, close it."""

    notices: list[str]

    def finish(self, details: Details) -> tuple[Path, Tally]: ...

    def close(self) -> None: ...


class FedReport(Report, Protocol):
    """A report its rows are handed to, one by one in input order (a dry run's)."""

    def add(self, result: RowResult) -> None: ...


class WrittenAtFinish:
    """A report written all at once by `finish`, on the caller's thread, from `rows()`.

    The engine's report of a short live run (the journal's results, on the journal's
    thread), the fallback when a report's process failed, and `bulk-sender report`.
    """

    def __init__(
        self, path: Path, columns: Sequence[str], rows: Callable[[], Iterable[RowResult]]
    ) -> None:
        self.path, self.columns, self.rows = path, tuple(columns), rows
        self.notices: list[str] = []

    def finish(self, details: Details) -> tuple[Path, Tally]:
        tally = Tally()
        written = write_report(
            self.path, self.columns, tally.watch(self.rows()), lambda: tally.rows(details()),
            notices=self.notices,
        )  # fmt: skip
        return written, tally

    def close(self) -> None:
        """Nothing runs beside the caller."""


class ReportThread:
    """A dry run's report on a thread of this process: for short lists, not worth a process."""

    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        self._rows: queue.SimpleQueue[list[RowResult] | None] = queue.SimpleQueue()
        self._details: queue.SimpleQueue[Summary] = queue.SimpleQueue()
        self._chunk: list[RowResult] = []
        self._result: tuple[Path, Tally] | BaseException | None = None
        self._writer = WrittenAtFinish(path, columns, self._received)
        self.notices = self._writer.notices
        # In the run's language: a thread does not inherit the caller's context of its own.
        context = contextvars.copy_context()
        self._thread = threading.Thread(target=context.run, args=(self._write,), daemon=True)
        self._thread.start()

    def _write(self) -> None:
        try:
            self._result = self._writer.finish(self._details.get)
        except BaseException as exc:  # handed to the run, raised there
            self._result = exc

    def _received(self) -> Iterator[RowResult]:
        while (chunk := self._rows.get()) is not None:
            yield from chunk

    def add(self, result: RowResult) -> None:
        self._chunk.append(result)
        if len(self._chunk) >= CHUNK:
            self._rows.put(self._chunk)
            self._chunk = []

    def finish(self, details: Details) -> tuple[Path, Tally]:
        self._rows.put(self._chunk)
        self._rows.put(None)
        self._details.put(list(details()))
        self._thread.join()
        if isinstance(self._result, BaseException):
            raise self._result
        assert self._result is not None
        return self._result

    def close(self) -> None:
        """Let the thread end if the run ended without `finish` (an error while planning)."""
        if self._thread.is_alive():
            self._rows.put(None)
            self._details.put([])


def start_report(path: Path, columns: Sequence[str], rows: int) -> FedReport:
    """A dry run's report of about `rows` rows, in another process when that pays for its start."""
    kind = ReportProcess if rows >= PROCESS_ROWS else ReportThread
    return kind(path, columns)


def follow_journal(
    path: Path, columns: Sequence[str], journal: Path, rows: int
) -> FollowingReport | None:
    """A live run's report written while it sends, for a list long enough to pay for a process.

    None for a short list, or when no process can be started: the engine then writes the
    report at the end of the run, from the journal (`WrittenAtFinish`).
    """
    if rows < PROCESS_ROWS:
        return None
    try:
        return FollowingReport(path, columns, journal)
    except OSError:
        return None


__all__ = [
    "FedReport",
    "FollowingReport",
    "Report",
    "ReportProcess",
    "ReportThread",
    "WrittenAtFinish",
    "follow_journal",
    "start_report",
]
