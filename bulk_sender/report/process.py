"""A report written by a process of its own while the run plans or sends (`writers.py`).

XlsxWriter costs about 0.15 ms of CPU a row, as much as planning the row. A dry run of a
long list writes its report in a second process, on the second core, taking the rows as
they are planned: in the run's own process it would share one interpreter lock with the
planner (threads take turns). A short list's report is written on a thread, as a process
takes about half a second to start. The run sends the summary's details at the end and gets
the counts back. A live run's report process reads the journal itself, row by row as their
outcomes settle, while the run sends (`FollowingReport`).
A child Python process (`python -m bulk_sender.report.process`, `bulk_sender/child.py`), fed
pickles through its stdin: alike on Windows, macOS and Linux, and never a fork of a process
that has threads.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import queue
import sys
import threading
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..child import Child, ignore_stop_signals
from ..errors import BulkSenderError, ReportError
from ..journal.reading import Follower
from ..language import _
from ..records import RowResult
from .layout import Summary
from .summary import Tally
from .workbook import write_report

CHUNK = 256
"""Rows sent to the report process at a time."""
POLL = 0.2
"""Seconds between two reads of the journal, following a live run."""
PROCESS_ROWS = 5_000
"""From this many rows, a process of its own: it starts in about half a second."""


class _ChildReport:
    """A report written by a child Python process; subclasses say where its rows come from."""

    def __init__(self, opening: tuple[Any, ...]) -> None:
        self.notices: list[str] = []
        """Why the report went beside its path, if it did (`report.write_report`)."""
        self._child = Child("bulk_sender.report.process")
        self._child.send(opening)

    def _end(self, last: Sequence[Any], details: Callable[[], Summary]) -> tuple[Path, Tally]:
        """Send `last`, then the summary's details; wait for the report, return its counts."""
        try:
            for value in last:
                self._child.send(value)
            self._child.send(list(details()))
            self._child.stdin.close()
            outcome, value, tally, self.notices = pickle.load(self._child.stdout)
        except (OSError, EOFError, pickle.UnpicklingError) as exc:
            raise ReportError(
                _("the report process stopped without writing the report"),
                hint=_(
                    "the journal keeps every outcome: rebuild it with bulk-sender report JOURNAL"
                ),
            ) from exc
        finally:
            self._child.process.wait()
        if outcome == "error":
            raise ReportError(value)
        return Path(value), tally

    def close(self) -> None:
        """Stop the process if the run ended without `finish` (an error elsewhere)."""
        self._child.stop()


class ReportProcess(_ChildReport):
    """A dry run's report being written by another process; `finish(details)` waits for it."""

    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        super().__init__(("rows", path, tuple(columns)))
        self._chunk: list[RowResult] = []

    def add(self, result: RowResult) -> None:
        """A dry run's next row, in input order."""
        self._chunk.append(result)
        if len(self._chunk) >= CHUNK:
            self._child.send(self._chunk)
            self._chunk = []

    def finish(self, details: Callable[[], Summary]) -> tuple[Path, Tally]:
        """No more rows: send the summary's details, wait for the report, return its counts."""
        return self._end([self._chunk, None], details)


class FollowingReport(_ChildReport):
    """A live run's report, written while it sends by a process that reads the journal.

    Told which table holds the plan (`follow`), the process polls the journal and writes
    each row as soon as its outcome is final, in input order; at `finish` only the rows
    from the first one still unsettled are left to write. It runs at a lower priority than
    the run (and an API server on the same machine), so the sending does not wait for it.
    """

    def __init__(self, path: Path, columns: Sequence[str], journal: Path) -> None:
        super().__init__(("follow", path, tuple(columns), journal))
        self._following = False

    def follow(self, table: str) -> None:
        """The plan's rows may be read: from `rows_next` while planning, `rows` once whole.

        Not before: until its plan is whole, a `--retry-failed` run may queue a row again.
        """
        if not self._following:
            self._following = True
            self._child.send(table)

    def finish(self, details: Callable[[], Summary]) -> tuple[Path, Tally]:
        """The run is over and its journal committed: write the rest and the summary."""
        return self._end([], details)


def _child() -> None:
    """The report process: write the rows as they come, then the summary it is sent."""
    # The run stops on a signal, then asks for its report. Were the run to die, the end of
    # its pipe ends this process (`_read_commands`).
    ignore_stop_signals()
    zip_fast()
    source, out = sys.stdin.buffer, sys.stdout.buffer
    kind, path, columns, *journal = pickle.load(source)
    tally, details = Tally(), queue.SimpleQueue[Summary]()
    if kind == "follow":
        with contextlib.suppress(AttributeError, OSError):
            os.nice(19)  # the run first: its report is needed only once it ends
        rows = _followed(journal[0], source, details)
    else:
        rows = _received(source, details)
    notices = list[str]()
    try:
        written = write_report(
            path, columns, tally.watch(rows), lambda: tally.rows(details.get()), notices=notices
        )
        answer: tuple[str, Any, Tally, list[str]] = ("ok", str(written), tally, notices)
    except BulkSenderError as exc:
        answer = ("error", str(exc), tally, notices)
    except Exception as exc:  # a bug, said in one line by the run rather than as a traceback
        failed = _("the report process failed ({error})").format(error=repr(exc))
        answer = ("error", failed, tally, notices)
    with contextlib.suppress(OSError):  # the run is gone; the report is whole all the same
        pickle.dump(answer, out)
        out.flush()


def zip_fast() -> None:
    """In the report's own process: XlsxWriter zips the workbook at zlib's fastest level.

    The run waits for the workbook's close after its last answer, and the close is mostly
    zlib: 20,000 rows of 25 cells took 0.49 s to close at zlib's default level and 0.19 s at
    level 1, for a file of 2.2 MB instead of 1.8 MB. XlsxWriter has no option for it, so its
    module's `ZipFile` is replaced, in this process alone; were it no longer zipfile's in a
    new release, the default level stays.
    """
    from xlsxwriter import workbook

    if getattr(workbook, "ZipFile", None) is zipfile.ZipFile:
        setattr(workbook, "ZipFile", functools.partial(zipfile.ZipFile, compresslevel=1))  # noqa: B010


def _received(source: Any, details: queue.SimpleQueue[Summary]) -> Iterator[RowResult]:
    try:
        while (chunk := pickle.load(source)) is not None:
            yield from chunk
        details.put(pickle.load(source))
    except (EOFError, OSError, pickle.UnpicklingError):
        os._exit(1)  # the run died before its end: half a report is not to be written


def _followed(
    journal: Path, source: Any, details: queue.SimpleQueue[Summary]
) -> Iterator[RowResult]:
    """The journal's rows as they settle; once the summary's details come, all the rest."""
    commands: queue.SimpleQueue[Any] = queue.SimpleQueue()
    threading.Thread(target=_read_commands, args=(source, commands), daemon=True).start()
    follower: Follower | None = None
    try:
        while True:
            try:
                command = commands.get(timeout=None if follower is None else POLL)
            except queue.Empty:
                command = None
            if isinstance(command, str):
                follower = Follower(journal, command)
            elif command is not None:  # the details: the run is over, its journal committed
                follower = follower or Follower(journal, "rows")
                yield from follower.rest()
                details.put(command)
                return
            if follower is not None:
                yield from follower.settled()
    finally:
        if follower is not None:
            follower.close()


def _read_commands(source: Any, commands: queue.SimpleQueue[Any]) -> None:
    """The run's commands as they come; if the run goes away, so does this process."""
    with contextlib.suppress(EOFError, OSError, pickle.UnpicklingError):
        while True:
            command = pickle.load(source)
            commands.put(command)
            if not isinstance(command, str):
                return  # the details: the last command
    os._exit(1)  # the run died before its end: half a report is not to be written


if __name__ == "__main__":
    _child()
