"""Events: what a run reports to its front end, and the token that stops it.

As docs/spec.md section 8 has it.

Plain frozen records, so a front end can print them, put them on a page or log them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from .campaign import RunResult


class CancelToken:
    """Stops a run as Ctrl-C does. Thread-safe; `cancel()` may be called from any thread or
    from a signal handler."""

    def __init__(self) -> None:
        self._cancelled = False
        self._listeners: list[Callable[[], None]] = []

    def cancel(self) -> None:
        self._cancelled = True
        for listener in list(self._listeners):
            listener()

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def on_cancel(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener` (from the cancelling thread) on cancel; returns the unsubscriber."""
        self._listeners.append(listener)
        if self._cancelled:
            listener()
        return lambda: self._listeners.remove(listener)


# -- events ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Event:
    """Something a front end may show; every event is one of the subclasses below."""


@dataclass(frozen=True, slots=True)
class Planned(Event):
    """Planning progress: rows read so far, messages to send and their phones."""

    rows: int
    messages: int
    phones: int
    done: bool


@dataclass(frozen=True, slots=True)
class PreviewReady(Event):
    """The first messages as customers will read them: (row, phone, text)."""

    preview: tuple[tuple[int, str, str], ...]
    distinct_messages: int


@dataclass(frozen=True, slots=True)
class AwaitingConfirmation(Event):
    """The engine waits for `confirm`; `target` is a label (a URL), never a secret."""

    messages: int
    phones: int
    target: str


@dataclass(frozen=True, slots=True)
class Sending(Event):
    """Sending started, or its total became better known."""

    total: int


@dataclass(frozen=True, slots=True)
class RowOutcome(Event):
    """A message got its outcome for this run."""

    row: int
    phone: str
    status: str
    code: str
    detail: str


@dataclass(frozen=True, slots=True)
class Retrying(Event):
    """A message will be tried again (429, 503, a connection that never opened)."""

    row: int
    code: str
    detail: str


@dataclass(frozen=True, slots=True)
class Paused(Event):
    """The whole run waits: a 429's Retry-After, say."""

    seconds: float
    reason: str


@dataclass(frozen=True, slots=True)
class Waiting(Event):
    """A wait for a wall-clock time (`--not-before`, the next send window) goes on:
    reported as it starts (after `Paused`) and then every step of the timer."""

    until: datetime
    reason: str
    seconds_left: float


@dataclass(frozen=True, slots=True)
class Notice(Event):
    """A line for the user; a `warning` is shown even when quiet (the CLI: on stderr)."""

    text: str
    warning: bool = False


@dataclass(frozen=True, slots=True)
class Finished(Event):
    """The run is over and its report written; always the last event."""

    result: RunResult
