"""Reporter: a dry run's report written while its rows are planned, by a process of its own.

XlsxWriter costs about 0.15 ms of CPU a row, as much as planning the row. A dry run of a
long list writes its report in a second process, on the second core, taking the rows as
they are planned: in the run's own process it would share one interpreter lock with the
planner (threads take turns). A short list's report is written on a thread, as a process
takes about half a second to start. The run sends the summary's details at the end and gets
the counts back. (A live run writes its report after sending, from the journal.)
A child Python process (`python -m bulk_sender.reporter`), fed pickles through its stdin:
alike on Windows, macOS and Linux, and never a fork of a process that has threads.
"""

from __future__ import annotations

import contextlib
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .errors import BulkSenderError, ReportError
from .records import RowResult
from .report import Summary, write_report
from .summary import Tally

CHUNK = 256
"""Rows sent to the report process at a time."""
PROCESS_ROWS = 5_000
"""From this many rows, a process of its own: it starts in about half a second."""


class ReportProcess:
    """A report being written by another process; `finish(details)` waits for it."""

    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        self._chunk: list[RowResult] = []
        self.notices: list[str] = []
        """Why the report went beside its path, if it did (`report.write_report`)."""
        # A plain child process, not multiprocessing: that would import the caller's own
        # script again in the child, running a script without a __main__ guard twice.
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bulk_sender.reporter"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )  # fmt: skip
        self._send((path, tuple(columns)))

    def _send(self, value: Any) -> None:
        assert self._process.stdin is not None
        pickle.dump(value, self._process.stdin, protocol=pickle.HIGHEST_PROTOCOL)

    def add(self, result: RowResult) -> None:
        """A dry run's next row, in input order."""
        self._chunk.append(result)
        if len(self._chunk) >= CHUNK:
            self._send(self._chunk)
            self._chunk = []

    def finish(self, details: Callable[[], Summary]) -> tuple[Path, Tally]:
        """No more rows: send the summary's details, wait for the report, return its counts."""
        assert self._process.stdin is not None and self._process.stdout is not None
        try:
            self._send(self._chunk)
            self._send(None)
            self._send(list(details()))
            self._process.stdin.close()
            outcome, value, tally, self.notices = pickle.load(self._process.stdout)
        except (OSError, EOFError, pickle.UnpicklingError) as exc:
            raise ReportError(
                "the report process stopped without writing the report",
                hint="the journal keeps every outcome: rebuild it with bulk-sender report JOURNAL",
            ) from exc
        finally:
            self._process.wait()
        if outcome == "error":
            raise ReportError(value)
        return Path(value), tally

    def close(self) -> None:
        """Stop the process if the run ended without `finish` (an error elsewhere)."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()


def _child() -> None:
    """The report process: write the rows as they come, then the summary it is sent."""
    source, out = sys.stdin.buffer, sys.stdout.buffer
    path, columns = pickle.load(source)
    tally, details = Tally(), queue.SimpleQueue[Summary]()
    rows, notices = _received(source, details), list[str]()
    try:
        written = write_report(
            path, columns, tally.watch(rows), lambda: tally.rows(details.get()), notices=notices
        )
        answer: tuple[str, Any, Tally, list[str]] = ("ok", str(written), tally, notices)
    except BulkSenderError as exc:
        answer = ("error", str(exc), tally, notices)
    pickle.dump(answer, out)
    out.flush()


def _received(source: Any, details: queue.SimpleQueue[Summary]) -> Iterator[RowResult]:
    while (chunk := pickle.load(source)) is not None:
        yield from chunk
    details.put(pickle.load(source))


class ReportThread:
    """The same, on a thread of this process: for short lists, not worth a process."""

    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        self._rows: queue.SimpleQueue[list[RowResult] | None] = queue.SimpleQueue()
        self._details: queue.SimpleQueue[Summary] = queue.SimpleQueue()
        self._chunk: list[RowResult] = []
        self._result: tuple[Path, Tally] | BaseException | None = None
        self.notices: list[str] = []
        self._thread = threading.Thread(target=self._write, args=(path, tuple(columns)))
        self._thread.daemon = True
        self._thread.start()

    def _write(self, path: Path, columns: tuple[str, ...]) -> None:
        tally = Tally()
        rows = self._received()
        try:
            written = write_report(
                path,
                columns,
                tally.watch(rows),
                lambda: tally.rows(self._details.get()),
                notices=self.notices,
            )
            self._result = written, tally
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

    def finish(self, details: Callable[[], Summary]) -> tuple[Path, Tally]:
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


Report = ReportProcess | ReportThread


def start_report(path: Path, columns: Sequence[str], rows: int) -> Report:
    """The report of about `rows` rows, in another process when that pays for its start."""
    kind = ReportProcess if rows >= PROCESS_ROWS else ReportThread
    return kind(path, columns)


if __name__ == "__main__":
    _child()
