"""The journal's writer thread: group commit, and in flight durable before a request leaves."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from pathlib import Path

import httpx
import pytest
from httpx_aiohttp import AiohttpTransport

from bulk_sender import JournalError, Mode, Outcome, SendSettings, Settings, Status, run_engine
from bulk_sender.journal.store import Journal
from bulk_sender.journal.writer import JournalWriter
from bulk_sender.sandbox.server import ServerSettings, running_server

from .test_engine import write_contacts


def fill(journal: Journal, count: int) -> None:
    journal.start_run()
    journal.begin()
    for n in range(count):
        pending = Outcome(Status.PENDING)
        journal.add_message(f"k{n}", phone=f"5191{n:07d}", message="Hola", request="", row=n + 2,
                            outcome=pending)  # fmt: skip
    journal.commit()


def statuses(path: Path) -> dict[str, str]:
    """What another connection sees: only what is committed."""
    with sqlite3.connect(path) as db:
        found = dict(db.execute("SELECT key, status FROM messages").fetchall())
    db.close()
    return found


def test_marks_from_many_workers_commit_in_groups_in_order(tmp_path):
    path = tmp_path / "j.sqlite3"

    async def main() -> tuple[list[bool], int]:
        async with JournalWriter(lambda: Journal(path)) as writer:
            await writer.call(lambda journal: fill(journal, 200))

            async def worker(n: int) -> bool:
                claimed = await writer.mark_in_flight(f"k{n}", 1)
                writer.record(f"k{n}", Outcome(Status.SENT, attempts=1))
                return claimed

            claims = await asyncio.gather(*(worker(n) for n in range(200)))
            await writer.flush()
            return claims, writer.commits

    claims, commits = asyncio.run(main())

    assert claims == [True] * 200
    assert set(statuses(path).values()) == {"sent"}  # each outcome after its own mark
    assert commits < 200  # grouped: far fewer commits than marks


def test_the_marks_of_one_turn_of_the_event_loop_reach_the_thread_together(tmp_path):
    path = tmp_path / "j.sqlite3"

    async def main() -> tuple[list[bool], int]:
        async with JournalWriter(lambda: Journal(path)) as writer:
            await writer.call(lambda journal: fill(journal, 50))
            marks = [writer.mark_in_flight(f"k{n}", 1) for n in range(50)]  # no await between
            claims = await asyncio.gather(*marks)
            return claims, writer.commits

    claims, commits = asyncio.run(main())

    assert claims == [True] * 50
    assert commits == 1  # one hand-over, one transaction: the thread woke once
    assert set(statuses(path).values()) == {"in_flight"}


def test_a_journal_that_cannot_be_opened_fails_on_entering(tmp_path):
    path = tmp_path / "not-a-journal.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)

    async def main() -> None:
        async with JournalWriter(lambda: Journal(path)):
            pass

    with pytest.raises(JournalError, match="not a bulk-sender journal"):
        asyncio.run(main())


def test_a_failed_job_raises_where_it_was_awaited(tmp_path):
    async def main() -> None:
        async with JournalWriter(lambda: Journal(tmp_path / "j.sqlite3")) as writer:
            await writer.call(lambda journal: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        asyncio.run(main())


class Witness(httpx.AsyncBaseTransport):
    """A real transport that, as each request leaves, reads the journal from another
    connection: the message must already be committed as in flight."""

    def __init__(self, journal: Path) -> None:
        self.inner = AiohttpTransport()
        self.journal = journal
        self.seen: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = json.loads(request.content)["externalReferenceId"]
        self.seen.append(statuses(self.journal)[key])
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def test_every_request_leaves_after_its_in_flight_mark_is_committed(tmp_path):
    journal = tmp_path / "reports" / "campaign.journal.sqlite3"
    witness = Witness(journal)

    async def main() -> int:
        async with running_server(ServerSettings(port=0, latency_ms=5)) as url:
            settings = Settings(
                contacts=write_contacts(tmp_path / "contacts.csv", 300), message="Hola {{nombre}}",
                country="PE", mode=Mode.LIVE, api_url=url, workspace_id="sandbox",
                journal=journal, reports_dir=tmp_path / "reports",
                send=SendSettings(concurrency=16, rate=0),
            )  # fmt: skip
            result = await run_engine(settings, transport=witness)
            return result.statuses["sent"]

    assert asyncio.run(main()) == 300
    assert witness.seen == ["in_flight"] * 300


def test_a_free_thread_answers_the_marks_while_the_loop_hands_them_over(tmp_path):
    path = tmp_path / "j.sqlite3"

    async def main() -> list[bool]:
        async with JournalWriter(lambda: Journal(path), handover_wait=60) as writer:
            await writer.call(lambda journal: fill(journal, 20))
            marks = [writer.mark_in_flight(f"k{n}", 1) for n in range(20)]
            await asyncio.sleep(0)  # the turn ends: the hand-over runs, then this task
            return [mark.done() and mark.result() for mark in marks]

    assert asyncio.run(main()) == [True] * 20


def test_a_busy_thread_answers_the_marks_later_through_the_loop(tmp_path):
    path = tmp_path / "j.sqlite3"
    release = threading.Event()

    async def main() -> tuple[bool, bool]:
        async with JournalWriter(lambda: Journal(path), handover_wait=0.01) as writer:
            await writer.call(lambda journal: fill(journal, 1))
            busy = writer.call(lambda journal: release.wait())
            mark = writer.mark_in_flight("k0", 1)
            await asyncio.sleep(0)  # the hand-over gives up waiting: the thread is busy
            answered_at_once = mark.done()
            release.set()
            await busy
            return answered_at_once, await mark

    assert asyncio.run(main()) == (False, True)
    assert statuses(path) == {"k0": "in_flight"}
