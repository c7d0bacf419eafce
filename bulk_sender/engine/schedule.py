"""Schedule: when a run's messages may leave, `--not-before`, `--send-hours` and the budget.

As docs/spec.md sections 7 and 10 have it.

The run asks it three things: may sending start (it waits for the start time first), which
of these messages may go now (the others are held back until their window opens), and,
with `--wait`, to wait for the next window and send again. Ctrl-C ends any wait. It prints
nothing: its waits and notices are events (`Paused`, `Waiting`, `Notice`) for the front end.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path

import httpx

from ..delivery.limits import RunGuard
from ..language import _
from ..protect.budget import (
    DailyBudget,
    budget_line,
    data_folder,
    opened_ledger,
    read_tier,
    workspace_key,
)
from ..protect.hours import HeldBack, SendWindow
from ..protect.rules import Protection
from ..records import Message, Outcome
from .budgeting import started_elsewhere
from .campaign import Mode, Settings
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
        budget: DailyBudget | None = None,
    ) -> None:
        self.protection, self.timer, self.clock, self.emit = protection, timer, clock, emit
        self.waiter = Waiter(timer, self._waiting, step=timer.step)
        self._until = timer.now()
        hours = protection.send_hours
        self.held = HeldBack(SendWindow(hours), record, timer.now, limit=limit) if hours else None
        """With send hours, the held-back messages; it applies `--limit` itself."""
        self.budget = budget
        """With a daily limit, the messages held for room in the budget."""
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
            past = _("--not-before {when} has passed: sending now").format(when=shown_time(when))
            self.emit(Notice(past, warning=True))
            return True
        reached = await self._wait(when, _("First message at {when}").format(when=shown_time(when)))
        if not reached:
            self.stop_detail = _("interrupted before the start time: nothing was sent")
        return reached

    def admit(self, messages: Iterable[Message], *, only_held: bool = False) -> Iterator[Message]:
        """The messages that may go now: in their send hours, then within the budget.

        `only_held` offers only those held before, by either.
        """
        if only_held:
            held = self._held_keys()
            messages = (message for message in messages if message.key in held)
        if self.held is not None:
            messages = self.held.admit(messages)
        if self.budget is not None:
            messages = self.budget.admit(messages)
        return iter(messages)

    def _held_keys(self) -> set[str]:
        return (self.held.held if self.held else set()) | (
            self.budget.held if self.budget else set()
        )

    async def send_held(
        self, guard: RunGuard, send_again: Callable[[], Awaitable[RunGuard]]
    ) -> RunGuard:
        """With `--wait`: wait for each next window or room, then `send_again` those held."""
        while self.protection.wait and not guard.stopped and (opening := self._next_opening()):
            before = self.clock()
            for holder in self._holders():
                self.emit(Notice(holder.notice(waiting=True)))
            what = (
                _("Next window at {when}")
                if self.held and self.held.held
                else _("Room in the daily budget at {when}")
            )
            reached = await self._wait(opening, what.format(when=shown_time(opening)))
            self.waited += self.clock() - before
            if not reached:
                break
            guard = await send_again()
        self.notices += [holder.notice(wait_flag=self.protection.wait)
                         for holder in self._holders()]  # fmt: skip
        return guard

    def _holders(self) -> list[HeldBack | DailyBudget]:
        """What holds messages back now: the send hours, the budget."""
        return [holder for holder in (self.held, self.budget) if holder and holder.held]

    def _next_opening(self) -> datetime | None:
        openings = [h.next_opening for h in self._holders() if h.next_opening is not None]
        return min(openings, default=None)

    async def _wait(self, when: datetime, what: str) -> bool:
        """Wait until `when`, reported as a pause, then as it goes; False when stopped."""
        self._until = when
        self.emit(Paused(max(0.0, (when - self.timer.now()).total_seconds()), what))
        return await self.waiter.until(when, what)

    def _waiting(self, what: str, left: float) -> None:
        self.emit(Waiting(self._until, what, left))


def budget_preview(settings: Settings, phones: int, now: datetime) -> str | None:
    """The preview's line on the daily budget, when there is one: used, left, days needed."""
    folder, workspace, limit = budget_of(settings)
    if limit is None or not phones:
        return None
    with opened_ledger(folder) as ledger:
        used = len(ledger.started(workspace, now))
    line = budget_line(phones, max(0, limit - used), limit, now)
    return _("Daily budget: {line}").format(line=line)


@contextlib.asynccontextmanager
async def daily_budget(
    settings: Settings,
    record: Callable[[str, Outcome], None],
    timer: Timer,
    transport: httpx.AsyncBaseTransport | None = None,
    emit: Callable[[Event], None] = lambda event: None,
) -> AsyncIterator[DailyBudget | None]:
    """The run's daily budget (docs/spec.md section 10): `--daily-limit`, else the tier set
    for its workspace; None when neither says a number. Its ledger is open while it runs; a
    live run's counts Plazbot's own listing too (`budgeting.py`)."""
    folder, workspace, limit = budget_of(settings)
    if limit is None:
        yield None
        return
    with opened_ledger(folder) as ledger:
        budget = DailyBudget(limit, ledger, workspace, settings.campaign or "", record, timer.now)
        known = set(ledger.started(workspace, timer.now()))
        budget.elsewhere, said = await started_elsewhere(settings, known, timer.now(), transport)
        if said:
            emit(Notice(said, warning=True))
        yield budget


def budget_of(settings: Settings) -> tuple[Path, str, int | None]:
    """Where a run's budget lives, whose it is, and its limit: `--daily-limit`, else the tier
    set for the workspace; None when neither says a number."""
    protection = settings.protection
    folder = protection.data_folder or data_folder(os.environ)
    workspace = budget_workspace(settings)
    return folder, workspace, protection.daily_limit or read_tier(folder, workspace)


def budget_workspace(settings: Settings) -> str:
    """Whose budget a run uses: its workspace's, or the sandbox's own."""
    if settings.mode is Mode.LIVE and settings.workspace_id:
        return workspace_key(settings.workspace_id)
    return "sandbox"
