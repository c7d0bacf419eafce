"""Planning: the rows read, composed and planned on the journal's thread, fed to the sender.

Planning runs on the journal's thread (`journal/writer.py`) and hands each committed chunk of
messages to the sender on the event loop (`Feed`), so with nothing to ask the first message
leaves while the list is still being read. A long list's rows are read and composed by a
process of its own (`composing.py`), on the second core; while its next rows are not there
yet, the journal's thread serves the sender's marks and outcomes. With a question to ask,
planning ends first, for the count and the preview (`pipeline.py`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import PurePath
from typing import TYPE_CHECKING

from ..contacts.load import Table
from ..journal.store import Journal
from ..records import Message
from ..report.summary import PREVIEW_COUNT
from ..seen import Seen, text_key
from .composing import Composed, composed_rows, composes_apart
from .events import Planned
from .plan import ResumeRules, plan_rows

if TYPE_CHECKING:
    from .pipeline import Run

CHUNK = 256
"""Rows planned between two commits: the first message waits for one chunk at most."""
BACKLOG = 20_000
"""Planned messages waiting for the sender at most; planning waits beyond (memory)."""

IDLE_WAIT = 0.05
"""Seconds planning waits at most in one go for rows composed by another process."""


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
