"""Waiting for a wall-clock time: the start time (`--not-before`) and the next send window.

The clock is passed in (`Timer`): the real one sleeps, the one the tests use only moves its
hands, so a wait of hours is tested in no time. A wait ends early when the run is stopped
(Ctrl-C), and says what it waits for as it goes: to the engine, which reports it as events;
`Countdown` is the console's way of showing them.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TextIO

from ..errors import ConfigError
from ..language import _, shown_datetime


class Timer:
    """The wall clock, and a sleep that a stop cuts short."""

    def __init__(self, step: float = 1.0) -> None:
        self.step = step
        """Seconds between two reports of a wait: the front end's choice (`Countdown.step`)."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float, stop: asyncio.Event) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await stop.wait()


def parse_not_before(text: str) -> datetime:
    """`2026-12-03 09:00[:SS]` in this computer's time, or ISO 8601 with an offset."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ConfigError(
            _(
                "--not-before {text}: write it as YYYY-MM-DD HH:MM (this computer's time), "
                "e.g. 2026-12-03 09:00, or ISO 8601 with an offset, e.g. 2026-12-03T09:00-05:00"
            ).format(text=text)
        ) from exc
    return when if when.tzinfo else when.astimezone()  # naive: this computer's time


def shown_time(when: datetime) -> str:
    """A moment in this computer's time, as people of the active language read it."""
    return shown_datetime(when, seconds=True)


class Waiter:
    """Waits until a moment, telling `show` what for and the seconds left; `stop()` ends it."""

    def __init__(
        self,
        timer: Timer,
        show: Callable[[str, float], None] = lambda what, left: None,
        *,
        step: float = 1.0,
    ) -> None:
        self.timer, self.show, self.step = timer, show, step
        self.stopped = False
        self._stop = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def stop(self) -> None:
        """Ctrl-C: end any wait now. Safe to call from a signal handler."""
        self.stopped = True
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stop.set)

    async def until(self, when: datetime, what: str) -> bool:
        """Wait until `when`; False when stopped first."""
        self._loop = asyncio.get_running_loop()
        while not self.stopped:
            left = (when - self.timer.now()).total_seconds()
            if left <= 0:
                return True
            self.show(what, left)
            await self.timer.sleep(min(left, self.step), self._stop)
        return False


class Countdown:
    """Shows a wait on the console, redrawn in place; elsewhere a line now and then."""

    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.terminal = self.stream.isatty()
        self._what = ""
        self._calls = 0
        self._width = 0

    @property
    def step(self) -> float:
        """Seconds between updates: each second on a terminal, each minute in a log."""
        return 1.0 if self.terminal else 60.0

    def __call__(self, line: str, *, what: str | None = None) -> None:
        """Show `line`; `what` it waits for tells a new wait from the same one going on
        (default: the line up to its last " (")."""
        if self.quiet:
            return
        what = line.rsplit(" (", 1)[0] if what is None else what
        self._calls = self._calls + 1 if what == self._what else 0
        self._what = what
        if self.terminal:
            # Padded with spaces, not an ANSI erase: Windows' old console shows those as text.
            width = shutil.get_terminal_size().columns - 1
            line = line[:width]
            print(f"\r{line:<{self._width}}", end="", file=self.stream, flush=True)
            self._width = len(line)
        elif self._calls % 10 == 0:  # a log gets the first line, then one each 10 minutes
            print(line, file=self.stream, flush=True)

    def say(self, line: str, *, warning: bool = False) -> None:
        """One line on its own, now; a warning shows even with --quiet."""
        self.done()
        if warning or not self.quiet:
            print(line, file=self.stream, flush=True)

    def done(self) -> None:
        """End the redrawn line, so what follows starts on its own."""
        if self.terminal and self._what and not self.quiet:
            print(file=self.stream, flush=True)
        self._what, self._width = "", 0
