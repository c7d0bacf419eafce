"""The schedule of a run: the start time, the send hours, and the waits, on an injected clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta

from bulk_sender import Event, Notice, Outcome, Paused, Protection, Waiting
from bulk_sender.delivery.limits import RunGuard
from bulk_sender.engine.schedule import Schedule
from bulk_sender.engine.waiting import shown_time
from bulk_sender.protect.hours import SendHours
from bulk_sender.records import Message

from .conftest import FakeTimer

NOW = datetime(2026, 12, 2, 13, 30, tzinfo=UTC)  # 08:30 in Lima, 07:30 in Mexico City
LIMA, MEXICO = "51987111001", "525512345678"


def schedule(
    timer: FakeTimer,
    recorded: list[tuple[str, Outcome]],
    events: list[Event] | None = None,
    **protection: object,
) -> Schedule:
    return Schedule(
        Protection(**protection),  # type: ignore[arg-type]
        lambda key, outcome: recorded.append((key, outcome)), timer, lambda: 0.0,
        emit=(events if events is not None else []).append,
    )  # fmt: skip


def test_without_a_start_time_or_send_hours_everything_goes_at_once():
    timer, recorded = FakeTimer(NOW), []
    plan = schedule(timer, recorded)
    batch = [Message(2, MEXICO, "Hola", "k")]

    assert asyncio.run(plan.start()) is True
    assert list(plan.admit(batch)) == batch
    assert timer.slept == [] and recorded == [] and plan.notices == []


def test_the_start_waits_until_the_time_and_a_stop_ends_it():
    timer, events = FakeTimer(NOW), []
    when = NOW + timedelta(minutes=90)
    plan = schedule(timer, [], events, not_before=when)

    assert asyncio.run(plan.start()) is True and timer.moment == when
    what = f"First message at {shown_time(when)}"
    assert events[0] == Paused(90 * 60, what)  # then the wait as it goes, once a step
    assert events[1:] == [Waiting(when, what, 60.0 * left) for left in range(90, 0, -1)]

    stopped = schedule(FakeTimer(NOW), [], not_before=NOW + timedelta(minutes=90))
    stopped.stop()
    assert asyncio.run(stopped.start()) is False
    assert stopped.stop_detail == "interrupted before the start time: nothing was sent"


def test_held_messages_are_sent_again_as_their_window_opens_with_wait():
    timer, recorded, sent, events = FakeTimer(NOW), [], [], []
    plan = schedule(timer, recorded, events, send_hours=SendHours(time(8), time(20)), wait=True)
    batch = [Message(2, LIMA, "Hola", "k1"), Message(3, MEXICO, "Hola", "k2")]
    sent += plan.admit(batch)

    async def send_again() -> RunGuard:
        sent.extend(plan.admit(batch, only_held=True))
        return RunGuard()

    asyncio.run(plan.send_held(RunGuard(), send_again))

    assert [m.key for m in sent] == ["k1", "k2"]
    assert [(k, o.code) for k, o in recorded] == [("k2", "outside_hours")]
    assert timer.moment == NOW + timedelta(minutes=30) and plan.notices == []
    notice, paused, *waiting = events
    assert isinstance(notice, Notice) and not notice.warning
    assert notice.text.startswith("Waiting for 1 message outside the send hours")
    opens = NOW + timedelta(minutes=30)
    assert paused == Paused(30 * 60, f"Next window at {shown_time(opens)}")
    assert [w.seconds_left for w in waiting] == [60.0 * left for left in range(30, 0, -1)]
    assert {w.until for w in waiting if isinstance(w, Waiting)} == {opens}


def test_without_wait_the_run_ends_saying_when_the_next_window_opens():
    timer, recorded = FakeTimer(NOW), []
    plan = schedule(timer, recorded, send_hours=SendHours(time(8), time(20)))
    list(plan.admit([Message(3, MEXICO, "Hola", "k2")]))

    asyncio.run(plan.send_held(RunGuard(), lambda: asyncio.sleep(0, RunGuard())))

    opens = (NOW + timedelta(minutes=30)).astimezone()
    assert plan.notices == [
        "1 message outside the send hours (08:00-20:00 their time): the next window opens at "
        f"{opens:%Y-%m-%d %H:%M} (this computer's time); run the same command again then, "
        "or add --wait to stay and send them as windows open"
    ]
    assert timer.slept == []
