"""The page's view of a run: engine events folded into counts, rate and time left."""

from __future__ import annotations

import asyncio
from datetime import datetime

from bulk_sender.engine.run import (
    Notice,
    Paused,
    Planned,
    Retrying,
    RowOutcome,
    Sending,
    Waiting,
)
from bulk_sender.language import _, active, translations, use_language
from bulk_sender.ui.runs import Runs, fresh_state, in_thread


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_events_become_counts_rate_and_time_left():
    clock = Clock()
    runs = Runs(clock)
    runs.state = fresh_state("live", "clientes.csv")

    runs.apply(Planned(rows=50, messages=40, phones=40, done=True))
    runs.apply(Sending(total=40))
    clock.now += 5
    for row in range(8):
        runs.apply(RowOutcome(row, "51987654321", "sent", "", ""))
    runs.apply(RowOutcome(9, "51987654322", "failed", "api_400", "bad"))
    runs.apply(RowOutcome(10, "51987654323", "uncertain", "read_timeout", ""))
    runs.apply(Retrying(11, "api_503", "unavailable"))
    runs.apply(Paused(3.04, "429 from the API"))

    snapshot = runs.snapshot()
    assert snapshot["state"] == "sending"
    assert snapshot["planned"] == 50
    assert snapshot["counts"] == {"sent": 8, "failed": 1, "uncertain": 1, "pending": 0}
    assert snapshot["remaining"] == 30
    assert snapshot["rate"] == 2.0  # 10 outcomes in 5 s
    assert snapshot["eta_seconds"] == 15
    assert snapshot["retrying"] == 1
    assert snapshot["paused"] == {"seconds": 3.0, "reason": "429 from the API"}


def test_a_confirmation_is_answered_once_and_stop_answers_no():
    async def scenario() -> tuple[bool, bool, bool]:
        runs = Runs()
        runs.state = fresh_state("live", "clientes.csv")
        asked = asyncio.ensure_future(runs._ask(3, 2, "http://x (live)"))
        await asyncio.sleep(0)
        shown = runs.snapshot()["confirm"] == {
            "messages": 3,
            "phones": 2,
            "target": "http://x (live)",
        }
        first = runs.answer(True)
        return shown and first, await asked, runs.answer(True)

    assert asyncio.run(scenario()) == (True, True, False)


def test_a_wait_shows_until_when_and_notices_pile_up_for_the_result():
    runs = Runs(Clock())
    runs.state = fresh_state("live", "clientes.csv")

    runs.apply(Paused(3600.0, "waiting for the start time"))
    runs.apply(Waiting(datetime(2026, 12, 3, 9, 0), "the start time", 1799.6))
    runs.apply(Notice("the start time is past: sending now", warning=True))
    waiting = runs.snapshot()
    runs.apply(Sending(total=3))
    runs.apply(Notice("report written beside the locked one", warning=True))

    assert waiting["paused"] is None
    assert waiting["waiting"] == {"until": "2026-12-03 09:00", "reason": "the start time",
                                  "seconds": 1800}  # fmt: skip
    sending = runs.snapshot()
    assert sending["waiting"] is None
    assert [n["text"] for n in sending["notices"]] == [
        "the start time is past: sending now", "report written beside the locked one"
    ]  # fmt: skip


def test_a_run_in_its_thread_words_things_in_the_language_of_the_request_that_started_it():
    async def worded() -> tuple[str, str]:
        await asyncio.sleep(0)
        return active(), _("no such campaign")

    async def request(language: str) -> tuple[str, str]:
        with use_language(language):  # as the page's middleware does for each request
            return await in_thread(worded())

    async def both() -> list[tuple[str, str]]:
        return list(await asyncio.gather(request("pt_BR"), request("es")))

    assert asyncio.run(both()) == [
        ("pt_BR", translations("pt_BR").gettext("no such campaign")),
        ("es", translations("es").gettext("no such campaign")),
    ]
