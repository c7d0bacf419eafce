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
(`child.py`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
import pickle
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ..child import Child, ignore_stop_signals
from ..errors import BulkSenderError, InputError
from ..records import Contact, Message, Outcome

if TYPE_CHECKING:
    from .campaign import Plan, Settings

Composed = tuple[Contact, Message | Outcome]
CHUNK = 256
"""Rows the child sends at a time."""
AHEAD = 64
"""Chunks the child may have composed ahead of the run."""
NICE = 10
"""The child's lower priority (POSIX): the run and an API server on this machine go first."""


def composed_rows(
    plan: Plan,
    settings: Settings | None = None,
    *,
    idle: Callable[[], None] = lambda: None,
    wake: Callable[[], None] = lambda: None,
) -> Iterator[Composed]:
    """Every row of `plan.table` with its message or invalid outcome, in input order.

    With `settings`, a child process composes all but the first rows (those composed here
    while it starts), and its counts of the phone columns used join `plan.composer`'s.
    While its next rows are not there yet, `idle()` is called, to do other work and wait
    until `wake()` is called from another thread (rows came) or a moment has passed.
    """
    rows = plan.table.contacts()
    child = _start(settings, plan, wake) if settings is not None else None
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


def _start(settings: Settings, plan: Plan, wake: Callable[[], None]) -> _Child | None:
    """The child, told what to compose; None when no process can be had (compose here)."""
    from ..protect.rules import Protection

    # No secrets for the child; and no opt-outs: the run applies them.
    mine = dataclasses.replace(
        settings, workspace_id=None, api_key=None, protection=Protection(), command=""
    )
    try:
        return _Child(mine, plan.table.columns, plan.composer.phones.names, wake)
    except OSError:
        return None


class _Child:
    """The child process and the thread reading what it sends."""

    def __init__(
        self,
        settings: Settings,
        columns: tuple[str, ...],
        phones: tuple[str, ...],
        wake: Callable[[], None],
    ) -> None:
        self._child = Child("bulk_sender.engine.composing")
        # Bounded: a child faster than the run waits for it rather than filling the memory.
        self._answers: queue.Queue[Any] = queue.Queue(maxsize=AHEAD)
        self._reader = threading.Thread(
            target=_read, args=(self._child.stdout, self._answers, wake), daemon=True
        )
        self._reader.start()
        self._child.send((settings, columns, phones))

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
        if first != "ready":
            _raise(first)
        self._child.send(skip)
        return True

    def rows(self, plan: Plan, idle: Callable[[], None]) -> Iterator[Composed]:
        """The rows the child composes, in order; then its counts join the composer's."""
        while isinstance(answer := self._next(idle), list):
            yield from answer
        if not (isinstance(answer, tuple) and answer[0] == "end"):
            _raise(answer)
        plan.composer.add_counts(answer[1])

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
    if isinstance(answer, tuple) and answer[0] == "error":
        raise answer[1]
    raise InputError("the process composing the messages stopped before the end of the list")


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
        settings, columns, phones = pickle.load(source)
        composer_rows = _open(settings, columns, phones)
        send("ready")
        skip = pickle.load(source)
        rows, composer = composer_rows
        contacts = itertools.islice(rows, skip, None)
        while chunk := [(c, composer.compose(c)) for c in itertools.islice(contacts, CHUNK)]:
            send(chunk)
        send(("end", composer.counts()))
    except (EOFError, BrokenPipeError):
        return  # the run has gone
    except BulkSenderError as exc:
        _answer_error(send, exc)
    except Exception as exc:  # a bug, said in one line by the run rather than as a traceback
        _answer_error(send, InputError(f"the process composing the messages failed ({exc!r})"))


def _open(settings: Settings, columns: tuple[str, ...], phones: tuple[str, ...]) -> Any:
    """The rows and the composer, as the run's own; refused if the file changed meanwhile."""
    from .campaign import prepare

    changed = f"{settings.contacts}: the file changed while it was read"
    try:
        plan = prepare(settings)
    except BulkSenderError as exc:
        raise InputError(f"{changed} ({exc})") from exc
    if plan.table.columns != columns or plan.composer.phones.names != phones:
        raise InputError(changed)
    return plan.table.contacts(), plan.composer


def _answer_error(send: Any, exc: BulkSenderError) -> None:
    with contextlib.suppress(OSError):
        send(("error", exc))


if __name__ == "__main__":
    _child()
