"""Pipeline: one run's stages wired together, for the engine.

Planning runs on the journal's thread (`journal/writer.py`) and hands each committed chunk of
messages to the sender on the event loop, so with nothing to ask the first message leaves
while the list is still being read. A long list's rows are read and composed by a process
of its own (`composing.py`), on the second core. With a question to ask, planning ends
first, for the count and the preview. A long list's report is written while the run sends,
by a process that reads the journal (`reporter.FollowingReport`); a short one at the end,
on the journal's thread. The event loop (and any other campaign or page it serves) never
waits on XlsxWriter, nor on SQLite beyond its marks' commit (2 ms a turn at most,
`journal/writer.py`).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path, PurePath
from typing import Any, cast

import httpx

from .. import lifecycle
from ..contacts.load import Table
from ..delivery.limits import StopReason
from ..delivery.sender import Sender, make_client
from ..errors import (
    BulkSenderError,
    JournalError,
    JournalFailed,
    ReportError,
    ReportNotWritten,
)
from ..journal.store import Journal
from ..journal.writer import JournalWriter
from ..lifecycle import Status
from ..records import Message, Outcome
from ..report.process import PROCESS_ROWS, FollowingReport, start_report
from ..report.summary import PREVIEW_COUNT, Tally
from ..report.workbook import write_report
from ..seen import Seen, text_key
from .campaign import Mode, Plan, RunResult, Settings, open_target
from .composing import Composed, composed_rows, composes_apart
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
from .plan import ResumeRules, plan_rows
from .preview import MemoryPlan, planned_results
from .schedule import Schedule
from .waiting import Timer

CHUNK = 256
"""Rows planned between two commits: the first message waits for one chunk at most."""
BACKLOG = 20_000
"""Planned messages waiting for the sender at most; planning waits beyond (memory)."""

IDLE_WAIT = 0.05
"""Seconds planning waits at most in one go for rows composed by another process."""

Confirm = Callable[[int, int, str], Awaitable[bool]]
"""Asked once planning is done: (messages, phones, target label) -> go ahead?"""


def row_estimate(table: Table) -> int:
    """About how many data rows the file has, before reading them (the first progress total)."""
    if table.loaded_sheets:
        lines = sum(int(sheet.height) for sheet in table.loaded_sheets)
    else:
        with table.path.open("rb") as f:
            lines = sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b""))
    return max(0, lines - table.header_row)


class Feed:
    """Messages planned on the journal's thread, handed to the sender on the event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.queue: asyncio.Queue[list[Message] | None] = asyncio.Queue()
        self.chunk: list[Message] = []
        self.produced = self.consumed = 0  # each written by one thread only
        self.abandoned = False
        """The sender stopped reading (done, --limit, interrupted, aborted)."""

    def add(self, message: Message) -> None:
        self.chunk.append(message)

    def push(self, *, last: bool = False) -> None:
        """On the journal's thread, once the chunk is committed: the sender may take it."""
        if self.chunk:
            self.produced += len(self.chunk)
            self.loop.call_soon_threadsafe(self.queue.put_nowait, self.chunk)
            self.chunk = []
        if last:
            self.loop.call_soon_threadsafe(self.queue.put_nowait, None)

    @property
    def backlog(self) -> int:
        return 0 if self.abandoned else self.produced - self.consumed

    async def messages(self, limit: int | None) -> AsyncIterator[Message]:
        taken = 0
        try:
            while (chunk := await self.queue.get()) is not None:
                for message in chunk:
                    if limit is not None and taken >= limit:
                        return
                    taken += 1
                    self.consumed += 1
                    yield message
        finally:
            self.abandoned = True


class Planner:
    """Plans the rows on the journal's thread, counting what it decides to send."""

    def __init__(self, run: Run, feed: Feed | None, *, streaming: bool, keep: bool = False) -> None:
        self.run, self.feed, self.streaming = run, feed, streaming
        self.kept: list[Message] = []
        """With `keep`, the messages to send, to send once planning is done."""
        self.keep = keep
        self.rows = self.messages = 0
        self.read = 0
        """The index of the row read last (planned before the next is read)."""
        self.phones = Seen()  # as numbers: a million phones in a few MB
        self.preview: list[tuple[int, str, str]] = []
        self.texts = Seen()

    def __call__(self, journal: Journal) -> None:
        settings, plan = self.run.settings, self.run.plan
        rules = ResumeRules(settings.retry_failed, settings.retry_uncertain, settings.allow_resend)
        try:
            plan_rows(
                self._rows(journal), journal, rules, plan.gate,
                to_send=self._to_send,
                on_commit=lambda rows: self._committed(journal, rows), commit_every=CHUNK,
            )  # fmt: skip
        except BaseException:
            if self.feed is not None:
                self.feed.chunk = []  # never committed: not to be sent
            raise
        finally:
            if self.feed is not None:
                self.feed.push(last=True)  # the sender's end of the list, whatever happened
        if self.run.report is not None:
            self.run.report.follow("rows")  # the plan is whole: its rows may settle

    def _rows(self, journal: Journal) -> Iterator[Composed]:
        """The rows to plan, composed; between two, the sender's writes as soon as any wait.

        An in-flight mark waits for no chunk: its worker waits for it to be committed, and
        a chunk of planning is some 50 ms, as long as the request itself. A long list is
        composed by a process of its own (`composing.py`), when it is a text file; while its next
        rows are not there yet, this thread serves the sender.
        """
        run = self.run
        a_file = isinstance(run.settings.contacts, str | PurePath)
        rows = composed_rows(
            run.plan, a_file and composes_apart(run.plan, run.estimate),
            idle=lambda: self._idle(journal), wake=run.writer.wake,
        )  # fmt: skip
        for self.read, row in enumerate(rows):
            if self.streaming and run.writer.waiting():
                self._serve(journal, self.read)
            yield row

    def _serve(self, journal: Journal, planned: int, *, block: bool = False) -> None:
        """The sender's writes; first the plan so far, when the sender runs short of messages.

        Else the plan's rows wait for their chunk: they cost far less in one commit than
        spread over the sender's many.
        """
        if self.feed is not None and self.feed.backlog < CHUNK:
            journal.commit()  # the plan so far: its messages may be claimed
            self._committed(journal, planned)
            journal.begin()
        self.run.writer.serve(journal, block=block, timeout=IDLE_WAIT)

    def _idle(self, journal: Journal) -> None:
        """Waiting for composed rows: serve the sender until they come (a wake) or it writes."""
        if self.streaming:
            self._serve(journal, self.read + 1, block=True)  # the row read last is planned
        else:
            self.run.writer.serve(journal, block=True, timeout=IDLE_WAIT)

    def _to_send(self, message: Message) -> None:
        self.messages += 1
        self.phones.add(int(message.phone))
        if len(self.preview) < PREVIEW_COUNT:
            self.preview.append((message.row, message.phone, message.text))
        self.texts.add(text_key(message.text))
        if self.feed is not None:
            self.feed.add(message)
        elif self.keep:
            self.kept.append(message)

    def _committed(self, journal: Journal, rows: int) -> None:
        self.rows = rows
        self.run.emit_threadsafe(Planned(rows, self.messages, len(self.phones), False))
        if self.feed is None:
            return
        self.feed.push()
        if self.streaming:
            self.run.refine_total(rows, self.messages)
            if self.run.report is not None:
                self.run.report.follow("rows_next")  # sending has begun: rows settle
        writer = self.run.writer
        writer.serve(journal)  # the sender's marks and outcomes, between two chunks
        while self.streaming and self.feed.backlog > BACKLOG:
            writer.serve(journal, block=True, timeout=0.05)


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
        """A long list's report, written by another process while the run sends."""

    def emit_threadsafe(self, event: Event) -> None:
        self.loop.call_soon_threadsafe(self.emit, event)

    async def plan_and_send(self, confirm: Confirm | None, target_label: str) -> None:
        if self.settings.mode is Mode.DRY_RUN:
            planner = Planner(self, None, streaming=False)
            await self.writer.call(planner)
            self.emit(Planned(planner.rows, planner.messages, len(planner.phones), True))
            return
        self.schedule = Schedule(
            self.settings.protection, self.writer.record, self.timer, self.clock,
            emit=self.emit, limit=self.settings.limit,
        )  # fmt: skip
        self.estimate = row_estimate(self.plan.table)
        if self.estimate >= PROCESS_ROWS:
            self.report = self._following_report()
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
        waits = protection.send_hours or protection.not_before
        return not (waits or settings.retry_failed or settings.retry_uncertain)

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
        if self.cancel.cancelled or messages == 0:
            return
        if confirm is not None:
            self.emit(PreviewReady(tuple(planner.preview), len(planner.texts)))
            self.emit(AwaitingConfirmation(messages, phones, target_label))
            if not await confirm(messages, phones, target_label):
                self.stop_detail = "not confirmed: nothing was sent"
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

    def _summary(self) -> list[tuple[str, Any]]:
        return self._details(self.started, self.clock() - self.start_clock)

    def _outcome(self, message: Message, outcome: Outcome) -> None:
        if outcome.status is Status.SENT:
            self.sent_now += 1
        self.emit(
            RowOutcome(message.row, message.phone, outcome.status.value, outcome.code,
                       outcome.detail)
        )  # fmt: skip

    def _retry(self, message: Message, verdict: Any) -> None:
        self.emit(Retrying(message.row, verdict.code, verdict.detail))

    def _following_report(self) -> FollowingReport | None:
        """The report's process, started now to be ready when the first rows settle."""
        try:
            return FollowingReport(
                self.plan.report_path, self.plan.table.columns, self.plan.journal_path
            )
        except OSError:  # no process to be had: the report is written at the end instead
            return None

    def finish(self, journal: Journal, elapsed: float) -> RunResult:
        """On the journal's thread: finish the report, counting the rows; the exit code.

        Exit codes as docs/spec.md section 3 has them.
        """
        try:
            report_path, tally = self._report(journal, elapsed)
        except BulkSenderError as exc:
            if self.failure is not None:
                raise JournalFailed(f"{self.failure} Sending stopped; no report ({exc})") from exc
            if isinstance(exc, ReportError) and self.settings.mode is not Mode.DRY_RUN:
                with contextlib.suppress(JournalError):
                    journal.end_run(1)
                raise ReportNotWritten(
                    f"{exc.args[0]}; every outcome of this run is kept in the journal "
                    f"{self.plan.journal_path}",
                    hint="free some space, then run the same command again, or "
                    "bulk-sender report JOURNAL: nothing is sent twice",
                ) from exc
            raise
        exit_code = self._exit_code(tally.statuses)
        if self.failure is not None:  # a full disk, a locked file: keep what is known
            with contextlib.suppress(JournalError):
                journal.end_run(1)
            raise JournalFailed(
                f"{self.failure} Sending stopped, every outcome journaled is kept; "
                f"report: {report_path}"
            )
        journal.end_run(exit_code)
        return self._result(exit_code, report_path, tally, elapsed)

    def _report(self, journal: Journal, elapsed: float) -> tuple[Path, Tally]:
        """The report: finished by its own process when it has one, else written now.

        In a process of its own, the rows were written while they were sent. A run whose
        journal failed writes it here, from what the journal holds, as does a run whose
        report process went wrong.
        """

        def details() -> list[tuple[str, Any]]:
            return self._details(self.started, elapsed)

        report, self.report = self.report, None
        if report is not None:
            try:
                if self.failure is None:
                    report_path, tally = report.finish(details)
                    self._warn(report.notices)
                    return report_path, tally
            except ReportError as exc:  # said, then written here all the same
                self._warn([f"bulk-sender: {exc}; writing it from the journal instead"])
            finally:
                report.close()
        tally, moved = Tally(), list[str]()
        dry = self.settings.mode is Mode.DRY_RUN
        report_path = write_report(
            self.plan.report_path, self.plan.table.columns,
            tally.watch(journal.results(dry_run=dry)), lambda: tally.rows(details()),
            notices=moved,
        )  # fmt: skip
        self._warn(moved)
        return report_path, tally

    def preview(self) -> RunResult:
        """A dry run with no journal (`preview.py`), on a thread: rows go straight to the report."""
        rules = ResumeRules(
            self.settings.retry_failed, self.settings.retry_uncertain, self.settings.allow_resend
        )
        memory = MemoryPlan()
        rows = planned_results(composed_rows(self.plan), rules, memory, self.plan.gate)
        columns, estimate = self.plan.table.columns, row_estimate(self.plan.table)
        report = start_report(self.plan.report_path, columns, estimate)
        try:
            for result in rows:
                report.add(result)
            report_path, tally = report.finish(self._summary)
            self._warn(report.notices)
        finally:
            report.close()
        counted = sum(tally.statuses.values())
        self.emit_threadsafe(Planned(counted, memory.messages, len(memory.phones), True))
        exit_code = self._exit_code(tally.statuses)
        return self._result(exit_code, report_path, tally, self.clock() - self.start_clock)

    def _warn(self, lines: list[str]) -> None:
        """On the journal's thread: lines the front end shows as warnings (a moved report)."""
        for line in lines:
            self.emit_threadsafe(Notice(line, warning=True))

    def _result(self, exit_code: int, report_path: Path, tally: Tally, elapsed: float) -> RunResult:
        dry = self.settings.mode is Mode.DRY_RUN
        notices = (*self.plan.gate.notices, *(self.schedule.notices if self.schedule else ()))
        return RunResult(
            exit_code, report_path, None if dry else self.plan.journal_path,
            dict(tally.statuses), dict(tally.reasons), tuple(tally.preview),
            tally.distinct_messages, self.stop_detail, elapsed, self.rate,
            self.plan.composer.columns_used(), notices,
        )  # fmt: skip

    @property
    def rate(self) -> float:
        """Messages this run got accepted, per second of sending."""
        return self.sent_now / self.send_seconds if self.send_seconds else 0.0

    def _exit_code(self, statuses: collections.Counter[str]) -> int:
        if self.interrupted or self.cancel.cancelled or self.stop is StopReason.INTERRUPTED:
            return 130
        if self.stop is StopReason.ABORTED:
            return 3
        counted = [status for status, n in statuses.items() if n]
        if self.settings.mode is not Mode.DRY_RUN and lifecycle.unfinished(counted):
            return 1
        return 1 if self.stop is StopReason.NETWORK_DOWN else 0

    def _details(self, started: datetime, elapsed: float) -> list[tuple[str, Any]]:
        """The summary sheet's account of the run, after the counts."""
        settings = self.settings
        dry = settings.mode is Mode.DRY_RUN
        return [
            ("mode", settings.mode.value),
            ("started", started.replace(tzinfo=None)),
            ("ended", datetime.now().astimezone().replace(tzinfo=None)),
            ("duration (s)", round(elapsed, 2)),
            ("achieved messages/s", round(self.rate, 2)),
            ("input", str(self.plan.table.path)),
            ("sheet", self.plan.table.sheet or ""),
            *self.plan.composer.columns_used().summary_rows(),
            ("template", self.plan.template_label),
            ("campaign", self.plan.campaign),
            ("journal", "" if dry else str(self.plan.journal_path)),
            ("stopped because", self.stop_detail),
            ("command to resume", settings.command),
        ]
