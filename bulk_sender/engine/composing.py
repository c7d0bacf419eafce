"""Composing: a long list's rows read and composed by a process of its own.

Reading a row and composing its message (phonenumbers, Jinja2) is most of planning's CPU,
some 130 us a row. In the run's own process it shares one interpreter lock with the event
loop, and a `--yes` run plans while it sends: the sending went about a tenth slower
(`bench/gap.py`). So a long list is composed by a child Python process, on the second core
and at a lower priority; the run takes the composed rows from it in chunks, and keeps the
decisions that read the journal (duplicates, the resend rule) to itself.

The child takes about half a second to start. Meanwhile the run composes the first rows
itself; once the child is ready it is told how many rows are done, and goes on from there:
the first message never waits for it. A plain child process fed pickles, as the report's
(`bulk_sender/child.py`), of the typed records below.

The child gets the run's own decisions (`Job`: the file, its columns and phone columns, the
template), not its settings: it holds no secrets, reads no opt-out list and does not look for
the phone columns again. Only a text file (CSV, TSV, TXT) is composed this way, each process
reading its own part of the stream: a workbook is read whole into memory, and a second
process would hold a second copy of it for no gain (`bench/pipeline.py`).
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import os
import pickle
import queue
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..child import Child, ignore_stop_signals
from ..contacts.load import CSV_SUFFIXES, open_contacts
from ..contacts.phone_columns import PhoneColumns
from ..errors import BulkSenderError, InputError
from ..language import _
from ..messages.compose import Composer, WaTemplateSpec
from ..messages.render import MessageTemplate
from ..records import Contact, Message, Outcome
from ..report.process import PROCESS_ROWS

if TYPE_CHECKING:
    from .campaign import Plan

Composed = tuple[Contact, Message | Outcome]
CHUNK = 256
"""Rows the child sends at a time."""
AHEAD = 64
"""Chunks the child may have composed ahead of the run."""


@dataclass(frozen=True, slots=True)
class Job:
    """What the child composes from: the run's decisions, made once, in the run."""

    path: Path
    sheet: str | None
    columns: tuple[str, ...]
    phones: PhoneColumns
    template: str | None
    """The message template's text; None with an approved template."""
    template_name: str
    wa_template: WaTemplateSpec | None
    locale: str
    country: str | None
    allow_landlines: bool

    @classmethod
    def of(cls, plan: Plan) -> Job:
        composer, template = plan.composer, plan.composer.template
        return cls(
            plan.table.path, plan.table.sheet, plan.table.columns, composer.phones,
            template.source if template else None, template.name if template else "",
            composer.wa, composer.locale, composer.country, composer.allow_landlines,
        )  # fmt: skip

    def composer(self) -> Composer:
        template = None
        if self.template is not None:
            template = MessageTemplate(
                self.template, self.columns, name=self.template_name, locale=self.locale
            )
        return Composer(
            self.columns, self.phones, template=template, wa_template=self.wa_template,
            country=self.country, locale=self.locale, allow_landlines=self.allow_landlines,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Start:
    """The run to the child: compose the rows after the first `skip` (done already)."""

    skip: int


@dataclass(frozen=True, slots=True)
class Ready:
    """The child to the run: the file is open and the template compiled."""


@dataclass(frozen=True, slots=True)
class Rows:
    """The child to the run: the next composed rows, in input order."""

    rows: list[Composed]


@dataclass(frozen=True, slots=True)
class End:
    """The child to the run: no more rows; what its composer counted (`Composer.counts`)."""

    counts: tuple[Counter[str], int, int]


@dataclass(frozen=True, slots=True)
class Failed:
    """The child to the run: the one-line error that stopped it."""

    error: BulkSenderError


def composes_apart(plan: Plan, rows: int) -> bool:
    """Whether a child composes this list: a text file of `PROCESS_ROWS` rows or more."""
    return rows >= PROCESS_ROWS and plan.table.path.suffix.lower() in CSV_SUFFIXES


NICE = 10
"""The child's lower priority (POSIX): the run and an API server on this machine go first."""


def composed_rows(
    plan: Plan,
    apart: bool = False,
    *,
    idle: Callable[[], None] = lambda: None,
    wake: Callable[[], None] = lambda: None,
) -> Iterator[Composed]:
    """Every row of `plan.table` with its message or invalid outcome, in input order.

    With `apart`, a child process composes all but the first rows (those composed here
    while it starts), and its counts of the phone columns used join `plan.composer`'s.
    While its next rows are not there yet, `idle()` is called, to do other work and wait
    until `wake()` is called from another thread (rows came) or a moment has passed.
    """
    rows = plan.table.contacts()
    child = _start(plan, wake) if apart else None
    done, handed_over = 0, False
    try:
        for contact in rows:
            yield contact, plan.composer.compose(contact)
            done += 1
            if child is not None and child.ready():
                handed_over = child.take_over(done)
                if handed_over:
                    break
                child.close()  # it stopped before it was ready: every row is composed here
                child = None
        if child is not None and handed_over:
            rows.close()  # the child reads the file from here on
            yield from child.rows(plan, idle)
    finally:
        rows.close()
        if child is not None:
            child.close()


def _start(plan: Plan, wake: Callable[[], None]) -> _Child | None:
    """The child, told what to compose; None when no process can be had (compose here)."""
    try:
        return _Child(Job.of(plan), wake)
    except OSError:
        return None


class _Child:
    """The child process and the thread reading what it sends."""

    def __init__(self, job: Job, wake: Callable[[], None]) -> None:
        self._child = Child("bulk_sender.engine.composing")
        # Bounded: a child faster than the run waits for it rather than filling the memory.
        self._answers: queue.Queue[Any] = queue.Queue(maxsize=AHEAD)
        self._reader = threading.Thread(  # in the run's context: the run's language
            target=contextvars.copy_context().run,
            args=(_read, self._child.stdout, self._answers, wake),
            daemon=True,
        )
        self._reader.start()
        self._child.send(job)

    def ready(self) -> bool:
        """Whether the child has opened the file and compiled the template."""
        return not self._answers.empty()

    def take_over(self, skip: int) -> bool:
        """Once ready, let the child compose the rows after the first `skip`.

        False if it stopped before it was ready; the error, if it said one.
        """
        first = self._answers.get()
        if first is None:
            return False
        if not isinstance(first, Ready):
            _raise(first)
        self._child.send(Start(skip))
        return True

    def rows(self, plan: Plan, idle: Callable[[], None]) -> Iterator[Composed]:
        """The rows the child composes, in order; then its counts join the composer's."""
        while isinstance(answer := self._next(idle), Rows):
            yield from answer.rows
        if not isinstance(answer, End):
            _raise(answer)
        plan.composer.add_counts(answer.counts)

    def _next(self, idle: Callable[[], None]) -> Any:
        while True:
            try:
                return self._answers.get_nowait()
            except queue.Empty:
                idle()

    def close(self) -> None:
        """End the child, then its reading thread, then close the pipe the thread read.

        Closing the pipe while the thread reads it (a Ctrl-C mid-list) fails that read with
        a `ValueError` that `threading` prints as a traceback; the end of a killed child's
        pipe ends the thread instead.
        """
        self._child.kill()
        while self._reader.is_alive():
            with contextlib.suppress(queue.Empty):  # the thread may wait for room to say so
                self._answers.get(timeout=0.05)
        self._child.stop()


def _read(source: Any, answers: queue.Queue[Any], wake: Callable[[], None]) -> None:
    """The child's answers as they come, each followed by `wake()`; None once it is gone."""
    with contextlib.suppress(EOFError, OSError, pickle.UnpicklingError):
        while True:
            answers.put(pickle.load(source))
            wake()
    answers.put(None)
    wake()


def _raise(answer: Any) -> None:
    if isinstance(answer, Failed):
        raise answer.error
    raise InputError(_("the process composing the messages stopped before the end of the list"))


def _child() -> None:
    """The child: open the list as the run did, then compose the rows it is asked for."""
    ignore_stop_signals()  # the run stops on a signal, then ends this process
    with contextlib.suppress(AttributeError, OSError):
        os.nice(NICE)
    source, out = sys.stdin.buffer, sys.stdout.buffer

    def send(value: Any) -> None:
        pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        job: Job = pickle.load(source)
        table = open_contacts(job.path, sheet=job.sheet)
        if table.columns != job.columns:
            raise InputError(_("{file}: the file changed while it was read").format(file=job.path))
        composer = job.composer()
        send(Ready())
        start: Start = pickle.load(source)
        contacts = itertools.islice(table.contacts(), start.skip, None)
        while chunk := [(c, composer.compose(c)) for c in itertools.islice(contacts, CHUNK)]:
            send(Rows(chunk))
        send(End(composer.counts()))
    except (EOFError, BrokenPipeError):
        return  # the run has gone
    except BulkSenderError as exc:
        _answer_error(send, exc)
    except Exception as exc:  # a bug, said in one line by the run rather than as a traceback
        failed = _("the process composing the messages failed ({error})").format(error=repr(exc))
        _answer_error(send, InputError(failed))


def _answer_error(send: Any, exc: BulkSenderError) -> None:
    with contextlib.suppress(OSError):
        send(Failed(exc))


if __name__ == "__main__":
    # Run as the module's own name, not `__main__`, so the records this process pickles
    # (`Ready`, `Rows`...) are the classes the run unpickles them as.
    from bulk_sender.engine.composing import _child as child

    child()
