"""Pipeline: one run's planning and sending wired together, for the engine.

With nothing to ask and no time to wait for, the run sends while it plans: planning
(`planning.py`) hands the sender each committed chunk of messages, so the first message
leaves while the list is still being read. With a question to ask, planning ends first,
for the count and the preview; with a start time or send hours, for the schedule
(`schedule.py`). A long list's report is written while the run sends, by a process that
reads the journal (`report/writers.py`); the rest of the run's end is `ending.py`. The
event loop (and any other campaign or page it serves) never waits on XlsxWriter, nor on
SQLite beyond its marks' commit (2 ms a turn at most, `journal/writer.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any, cast

import httpx

from ..delivery.limits import StopReason
from ..delivery.sender import Sender, make_client
from ..errors import JournalError
from ..journal.writer import JournalWriter
from ..language import _
from ..lifecycle import Status
from ..protect.budget import budget_line
from ..records import Message, Outcome
from ..report.writers import FollowingReport, follow_journal
from .budgeting import open_windows
from .campaign import Mode, Plan, Settings, open_target
from .events import (
    AwaitingConfirmation,
    CancelToken,
    Event,
    Notice,
    Paused,
    Planned,
    PreviewReady,
    Retrying,
    RowOutcome,
    Sending,
)
from .planning import Feed, Planner, row_estimate
from .schedule import Schedule, budget_preview, daily_budget
from .waiting import Timer

Confirm = Callable[[int, int, str], Awaitable[bool]]
"""Asked once planning is done: (messages, phones, target label) -> go ahead?"""


class Run:
    """One run's state: planning, sending, and the report at its end."""

    def __init__(
        self,
        settings: Settings,
        plan: Plan,
        writer: JournalWriter | None,
        transport: httpx.AsyncBaseTransport | None,
        clock: Callable[[], float],
        emit: Callable[[Event], None],
        cancel: CancelToken,
        timer: Timer | None = None,
    ) -> None:
        self.settings, self.plan = settings, plan
        self.writer = cast(JournalWriter, writer)  # set before planning, when there is one
        self.transport, self.clock, self.emit, self.cancel = transport, clock, emit, cancel
        self.loop = asyncio.get_running_loop()
        self.stop = StopReason.NONE
        self.stop_detail = ""
        self.send_seconds = 0.0
        self.sent_now = 0
        self.reached: set[str] = set()
        """Phones whose message reached Plazbot in this run (the budget keeps those)."""
        self.due_retries = False
        """Messages Meta limited whose back-off is over: queued again once the plan is whole."""
        self.budget_notices: list[str] = []
        """The daily budget's line, when the run has one: for the result's notices."""
        self.opted_out: list[str] = []
        """Phones WhatsApp refused as opted out (131050): the opt-out list gets them."""
        self.interrupted = False
        self.estimate = 0
        self.total = 0
        self.started, self.start_clock = datetime.now().astimezone(), clock()
        self.timer = timer or Timer()
        self.schedule: Schedule | None = None
        self.failure: JournalError | None = None
        """The journal failed while sending: the run stops, the report says what is known."""
        self.sender: Sender | None = None
        self.report: FollowingReport | None = None
        """A long list's report, written by another process while the run sends; any
        other is written at the end (`ending.py`)."""

    def emit_threadsafe(self, event: Event) -> None:
        self.loop.call_soon_threadsafe(self.emit, event)

    async def plan_and_send(self, confirm: Confirm | None, target_label: str) -> None:
        if self.settings.mode is Mode.DRY_RUN:
            planner = Planner(self, None, streaming=False)
            await self.writer.call(planner)
            self.emit(Planned(planner.rows, planner.messages, len(planner.phones), True))
            self.budget_said(len(planner.phones))
            return
        async with daily_budget(
            self.settings, self.writer.record, self.timer, self.transport, self.emit
        ) as budget:
            self.schedule = Schedule(
                self.settings.protection, self.writer.record, self.timer, self.clock,
                emit=self.emit, limit=self.settings.limit, budget=budget,
            )  # fmt: skip
            try:
                await self._plan_and_send(confirm, target_label)
            finally:
                if budget is not None:  # customers taken but never messaged: given back
                    budget.give_back(self.reached)

    async def _plan_and_send(self, confirm: Confirm | None, target_label: str) -> None:
        self.estimate = row_estimate(self.plan.table)
        plan = self.plan
        self.report = follow_journal(
            plan.report_path, plan.table.columns, plan.journal_path, self.estimate
        )
        now = datetime.now().astimezone()
        self.due_retries = await self.writer.call(lambda journal: journal.has_due_retries(now))
        unsubscribe = self.cancel.on_cancel(self._stop_threadsafe)
        try:
            if confirm is None and self._can_stream():
                await self._stream()  # nothing to ask, no time to wait for: send while planning
            else:
                await self._plan_then_send(confirm, target_label)
        finally:
            unsubscribe()

    def _can_stream(self) -> bool:
        """No start time or send hours to wait for, and nothing queued again: the journal
        queues failed or uncertain messages again (`--retry-*`) only once the plan is whole."""
        settings, protection = self.settings, self.settings.protection
        assert self.schedule is not None
        waits = protection.send_hours or protection.not_before or self.schedule.budget
        queued_again = settings.retry_failed or settings.retry_uncertain or self.due_retries
        return not (waits or queued_again)

    async def _stream(self) -> None:
        feed = Feed(self.loop)
        planner = Planner(self, feed, streaming=True)
        self.total = self._limited(self.estimate)
        planning = asyncio.ensure_future(self._plan_while_sending(planner))
        await self._send(lambda only_held: feed.messages(self.settings.limit), feed, planning)

    async def _plan_then_send(self, confirm: Confirm | None, target_label: str) -> None:
        """Plan the whole list first: for the count and the question, or for the schedule."""
        planner = Planner(self, None, streaming=False, keep=True)
        await self.writer.call(planner)
        messages, phones = self._limited(planner.messages), len(planner.phones)
        self.emit(Planned(planner.rows, planner.messages, phones, True))
        await self._find_open_windows(planner.kept)
        self.budget_said(phones, now=True)
        if self.cancel.cancelled or messages == 0:
            return
        if confirm is not None:
            self.emit(PreviewReady(tuple(planner.preview), len(planner.texts)))
            self.emit(AwaitingConfirmation(messages, phones, target_label))
            if not await confirm(messages, phones, target_label):
                self.stop_detail = _("not confirmed: nothing was sent")
                return
        assert self.schedule is not None
        if not await self.schedule.start():
            self.stop_detail = self.schedule.stop_detail
            return
        self.total = messages
        await self._send(lambda only_held: self._admitted(planner.kept, only_held), None, None)

    def _admitted(self, kept: list[Message], only_held: bool) -> Iterable[Message]:
        """The planned messages the send hours let go now (they apply `--limit` then)."""
        assert self.schedule is not None
        limit = None if self.schedule.held else self.settings.limit
        return self.schedule.admit(kept if limit is None else kept[:limit], only_held=only_held)

    def _stop_threadsafe(self) -> None:
        self.loop.call_soon_threadsafe(self._stop)

    def _stop(self) -> None:
        """The cancel token, on the loop: end any wait, dispatch nothing new."""
        if self.schedule is not None:
            self.schedule.stop()
        if self.sender is not None:
            self.sender.interrupt()

    async def _plan_while_sending(self, planner: Planner) -> None:
        await self.writer.call(planner)
        self.emit(Planned(planner.rows, planner.messages, len(planner.phones), True))
        if self.total != self._limited(planner.messages):
            self.total = self._limited(planner.messages)
            self.emit(Sending(self.total))

    def _limited(self, count: int) -> int:
        limit = self.settings.limit
        return count if limit is None else min(count, limit)

    def refine_total(self, rows: int, messages: int) -> None:
        """On the journal's thread: the total so far, assuming every row left is a message."""
        total = self._limited(messages + max(0, self.estimate - rows))
        if total != self.total:
            self.total = total
            self.emit_threadsafe(Sending(total))

    async def _send(
        self,
        messages: Callable[[bool], Iterable[Message] | AsyncIterable[Message]],
        feed: Feed | None,
        planning: Awaitable[None] | None,
    ) -> None:
        """Send `messages(False)`; with `--wait`, `messages(True)` as their windows open."""
        async with contextlib.AsyncExitStack() as stack:
            try:
                target = await open_target(self.settings, stack)
                client = await stack.enter_async_context(
                    make_client(target, self.settings.send, self.transport)
                )
                self.sender = sender = Sender(
                    client, target, self.settings.send, self.writer, clock=self.clock,
                    on_outcome=self._outcome, on_retry=self._retry,
                    on_pause=lambda seconds, why: self.emit(Paused(seconds, why)),
                    shared_pairs=self._shared_pairs(),
                )  # fmt: skip
                if self.cancel.cancelled:
                    sender.interrupt()
                self.emit(Sending(self.total))
                started = self.clock()
                guard = await sender.send_all(messages(False))
                assert self.schedule is not None
                guard = await self.schedule.send_held(
                    guard, lambda: sender.send_all(messages(True))
                )
                self.send_seconds = self.clock() - started - self.schedule.waited
                self.stop, self.stop_detail = guard.reason, guard.detail
            finally:
                if feed is not None:
                    feed.abandoned = True  # planning must not wait for a sender that stopped
                if planning is not None:
                    await planning

    def _outcome(self, message: Message, outcome: Outcome) -> None:
        if outcome.status is not Status.PENDING:  # it reached Plazbot, whatever it said
            self.reached.add(message.phone)
        if outcome.status is Status.SENT:
            self.sent_now += 1
        elif outcome.status is Status.EXCLUDED:  # WhatsApp says the customer opted out
            self.opted_out.append(message.phone)
        self.emit(
            RowOutcome(message.row, message.phone, outcome.status.value, outcome.code,
                       outcome.detail)
        )  # fmt: skip

    def _retry(self, message: Message, verdict: Any) -> None:
        self.emit(Retrying(message.row, verdict.code, verdict.detail))

    async def _find_open_windows(self, messages: list[Message]) -> None:
        """When the budget cannot start every new customer, those who wrote in the last 24
        hours (their conversation is open) are let go without using it (`budgeting.py`)."""
        budget = self.schedule.budget if self.schedule else None
        if budget is None:
            return
        used = budget.used()
        new = list(dict.fromkeys(m.phone for m in messages if m.phone not in used))
        if len(new) <= budget.left():
            return
        budget.open_window, said = await open_windows(
            self.settings, new, self.timer.now(), self.transport
        )
        if said:
            self.emit(Notice(said, warning=True))

    def _shared_pairs(self) -> Callable[[str, str], float] | None:
        """With a daily budget, its ledger also keeps WhatsApp's pair rate across the
        campaigns of this computer (docs/spec.md section 10)."""
        budget = self.schedule.budget if self.schedule else None
        if budget is None:
            return None
        interval = self.settings.send.pair_interval
        return lambda phone, key: budget.ledger.claim_pair(budget.workspace, phone, key, interval)

    def budget_said(self, phones: int, *, now: bool = False) -> None:
        """The daily budget's line, if the run has a budget (section 10): in a dry run's
        result, or `now`, before a live run's question, as a notice."""
        budget = self.schedule.budget if self.schedule else None
        if budget is not None:  # a live run's: Plazbot's own listing counted too
            left = max(0, budget.limit - len(budget.used()))
            line: str | None = _("Daily budget: {line}").format(
                line=budget_line(phones, left, budget.limit, self.timer.now())
            )
        else:
            line = budget_preview(self.settings, phones, self.timer.now())
        if line is not None and now:
            self.emit_threadsafe(Notice(line))
        elif line is not None:
            self.budget_notices.append(line)

    def elapsed(self) -> float:
        """Seconds since the run began, on its clock."""
        return self.clock() - self.start_clock

    @property
    def rate(self) -> float:
        """Messages this run got accepted, per second of sending."""
        return self.sent_now / self.send_seconds if self.send_seconds else 0.0
