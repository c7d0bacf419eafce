"""Schedule: when a run's messages may leave, `--not-before` and `--send-hours`.

As docs/spec.md section 7 has it.

The run asks it three things: may sending start (it waits for the start time first), which
of these messages may go now (the others are held back until their window opens), and,
with `--wait`, to wait for the next window and send again. Ctrl-C ends any wait. It prints
nothing: its waits and notices are events (`Paused`, `Waiting`, `Notice`) for the front end.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator
from datetime import datetime

from ..delivery.limits import RunGuard
from ..protect.hours import HeldBack, SendWindow
from ..protect.rules import Protection
from ..records import Message, Outcome
from .events import Event, Notice, Paused, Waiting
from .waiting import Timer, Waiter, shown_time


class Schedule:
    """The start time and the send hours of one run, and its waits for them."""

    def __init__(
        self,
        protection: Protection,
        record: Callable[[str, Outcome], None],
        timer: Timer,
        clock: Callable[[], float],
        *,
        emit: Callable[[Event], None] = lambda event: None,
        limit: int | None = None,
    ) -> None:
        self.protection, self.timer, self.clock, self.emit = protection, timer, clock, emit
        self.waiter = Waiter(timer, self._waiting, step=timer.step)
        self._until = timer.now()
        hours = protection.send_hours
        self.held = HeldBack(SendWindow(hours), record, timer.now, limit=limit) if hours else None
        """With send hours, the held-back messages; it applies `--limit` itself."""
        self.waited = 0.0
        """Seconds spent waiting for windows: not sending, so not part of the rate."""
        self.notices: list[str] = []
        self.stop_detail = ""

    def stop(self) -> None:
        """Ctrl-C or SIGTERM: end any wait now. Safe to call from a signal handler."""
        self.waiter.stop()

    async def start(self) -> bool:
        """Wait for `--not-before`; False when stopped first (nothing has been sent)."""
        when = self.protection.not_before
        if when is None:
            return True
        if when <= self.timer.now():
            past = f"--not-before {shown_time(when)} has passed: sending now"
            self.emit(Notice(past, warning=True))
            return True
        reached = await self._wait(when, f"First message at {shown_time(when)}")
        if not reached:
            self.stop_detail = "interrupted before the start time: nothing was sent"
        return reached

    def admit(self, messages: Iterable[Message], *, only_held: bool = False) -> Iterator[Message]:
        """The messages that may go now; without send hours, all of them."""
        if self.held is None:
            return iter(messages)
        return self.held.admit(messages, only_held=only_held)

    async def send_held(
        self, guard: RunGuard, send_again: Callable[[], Awaitable[RunGuard]]
    ) -> RunGuard:
        """With `--wait`: wait for each next window, then `send_again` the held messages."""
        held, wait = self.held, self.protection.wait
        while held and held.held and held.next_opening and wait and not guard.stopped:
            before = self.clock()
            self.emit(Notice(held.notice(waiting=True)))
            opens = f"Next window at {shown_time(held.next_opening)}"
            reached = await self._wait(held.next_opening, opens)
            self.waited += self.clock() - before
            if not reached:
                break
            guard = await send_again()
        if held and held.held:
            self.notices.append(held.notice(wait_flag=wait))
        return guard

    async def _wait(self, when: datetime, what: str) -> bool:
        """Wait until `when`, reported as a pause, then as it goes; False when stopped."""
        self._until = when
        self.emit(Paused(max(0.0, (when - self.timer.now()).total_seconds()), what))
        return await self.waiter.until(when, what)

    def _waiting(self, what: str, left: float) -> None:
        self.emit(Waiting(self._until, what, left))
