"""The start time (`--not-before`) and the waits, on an injected clock (no sleeping)."""

from __future__ import annotations

import asyncio
import csv
import io
import signal
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta, timezone
from pathlib import Path

import pytest

from bulk_sender import (
    ConfigError,
    Mode,
    Protection,
    SendSettings,
    Settings,
    run_campaign,
    run_engine,
)
from bulk_sender.cli.console import Console, countdown_line
from bulk_sender.engine.run import Event, Notice, Paused, Sending, Waiting
from bulk_sender.engine.waiting import (
    Countdown,
    Waiter,
    parse_not_before,
    shown_time,
)
from bulk_sender.protect.hours import SendHours

from .conftest import FakeTimer, report_rows

NOW = datetime(2026, 12, 2, 13, 0, tzinfo=UTC)


def test_a_time_without_an_offset_is_this_computers_time():
    assert parse_not_before("2026-12-03 09:00") == datetime(2026, 12, 3, 9, 0).astimezone()
    assert parse_not_before("2026-12-03 09:00:30") == datetime(2026, 12, 3, 9, 0, 30).astimezone()


def test_an_iso_time_with_an_offset_keeps_it():
    lima = timezone(timedelta(hours=-5))
    assert parse_not_before("2026-12-03T09:00-05:00") == datetime(2026, 12, 3, 9, tzinfo=lima)


@pytest.mark.parametrize("text", ["mañana 9am", "09:00", "2026-13-03 09:00"])
def test_anything_else_is_a_one_line_usage_error_with_an_example(text):
    with pytest.raises(ConfigError, match=r"e\.g\. 2026-12-03 09:00") as error:
        parse_not_before(text)
    assert "\n" not in str(error.value)


def test_the_waiter_counts_down_to_the_moment_without_sleeping():
    timer, lines = FakeTimer(NOW), []
    waiter = Waiter(timer, lambda what, left: lines.append((what, left)), step=60)

    reached = asyncio.run(waiter.until(NOW + timedelta(minutes=2, seconds=30), "First message"))

    assert reached and timer.moment == NOW + timedelta(minutes=2, seconds=30)
    assert timer.slept == [60, 60, 30]
    assert lines == [("First message", 150.0), ("First message", 90.0), ("First message", 30.0)]


def test_a_stopped_waiter_returns_at_once():
    waiter = Waiter(FakeTimer(NOW))
    waiter.stop()

    assert asyncio.run(waiter.until(NOW + timedelta(hours=1), "x")) is False


def test_the_console_says_how_long_is_left_and_how_to_stop():
    assert countdown_line("First message", 150.4) == "First message (in 0:02:30); Ctrl-C stops"


def test_in_a_log_the_countdown_prints_its_first_line_then_one_each_ten_updates():
    stream = io.StringIO()
    countdown = Countdown(stream)

    for left in range(12, 0, -1):
        countdown(f"First message at 09:00 (in 0:{left:02d}:00); Ctrl-C stops")

    assert stream.getvalue().splitlines() == [
        "First message at 09:00 (in 0:12:00); Ctrl-C stops",
        "First message at 09:00 (in 0:02:00); Ctrl-C stops",
    ]
    assert countdown.step == 60


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_countdown_redraws_one_line_in_place():
    stream = Terminal()
    countdown = Countdown(stream)

    countdown("First message at 09:00 (in 0:10:00); Ctrl-C stops")
    countdown("Next window at 09:00 (in 9:59); Ctrl-C stops")
    countdown.done()

    first, second = stream.getvalue().split("\r")[1:]
    assert second.rstrip("\n") == "Next window at 09:00 (in 9:59); Ctrl-C stops".ljust(len(first))
    assert "\033" not in stream.getvalue()  # no ANSI codes: Windows' old console prints them
    assert countdown.step == 1


# -- a run with a start time, over real HTTP, on an injected clock ----------------------------


def settings(tmp_path: Path, url: str, when: datetime, **extra: object) -> Settings:
    with (tmp_path / "contacts.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(
            [["Nombre", "Celular"], ["Ana", "987111001"], ["Luis", "987111002"]]
        )
    return Settings(
        contacts=tmp_path / "contacts.csv", message="Hola {{ nombre }}", mode=Mode.LIVE,
        campaign="s", country="PE", reports_dir=tmp_path / "reports", api_url=url,
        workspace_id="sandbox", send=SendSettings(rate=0),
        protection=Protection(not_before=when), **extra,  # type: ignore[arg-type]
    )  # fmt: skip


def test_the_first_message_leaves_at_the_start_time(tmp_path, serve):
    server = serve()
    timer = FakeTimer(NOW)
    when = NOW + timedelta(hours=3, minutes=15)

    result = run_campaign(settings(tmp_path, server.url, when, quiet=True), timer=timer)

    assert result.exit_code == 0
    assert len(server.deliveries()) == 2
    assert timer.moment == when and sum(timer.slept) == 3 * 3600 + 15 * 60


def test_a_start_time_already_past_sends_now_and_says_so(tmp_path, serve, capfd):
    server = serve()
    timer, events = FakeTimer(NOW), list[Event]()
    when = NOW - timedelta(minutes=5)

    result = asyncio.run(
        run_engine(settings(tmp_path, server.url, when), on_event=events.append, timer=timer)
    )

    assert result.exit_code == 0 and len(server.deliveries()) == 2
    assert timer.slept == []
    past = Notice(f"--not-before {shown_time(when)} has passed: sending now", warning=True)
    assert past in events
    assert capfd.readouterr() == ("", "")  # the engine prints nothing: the console does


def test_the_engine_reports_the_wait_for_the_start_time_and_prints_nothing(tmp_path, serve, capfd):
    server = serve()
    timer, events = FakeTimer(NOW), list[Event]()
    when = NOW + timedelta(minutes=3)

    asyncio.run(run_engine(settings(tmp_path, server.url, when), on_event=events.append,
                           timer=timer))  # fmt: skip

    what = f"First message at {shown_time(when)}"
    waits = [e for e in events if isinstance(e, (Paused, Waiting))]
    assert waits == [Paused(180, what), *(Waiting(when, what, s) for s in (180.0, 120.0, 60.0))]
    assert events.index(waits[-1]) < next(i for i, e in enumerate(events) if isinstance(e, Sending))
    assert len(server.deliveries()) == 2
    assert capfd.readouterr() == ("", "")


def test_the_engine_reports_the_wait_for_the_send_window_and_prints_nothing(tmp_path, serve, capfd):
    server = serve()
    timer, events = FakeTimer(NOW), list[Event]()  # 08:00 in Lima; the window opens at 09:00
    hours = Protection(send_hours=SendHours(time(9), time(20)), wait=True)
    run = replace(settings(tmp_path, server.url, NOW), protection=hours)

    result = asyncio.run(run_engine(run, on_event=events.append, timer=timer))

    assert result.exit_code == 0 and len(server.deliveries()) == 2
    notice = next(e for e in events if isinstance(e, Notice))
    assert (
        notice.text.startswith("Waiting for 2 messages outside the send hours")
        and not notice.warning
    )
    opens = NOW + timedelta(hours=1)
    assert Paused(3600, f"Next window at {shown_time(opens)}") in events
    assert sum(isinstance(e, Waiting) and e.until == opens for e in events) == 60
    assert capfd.readouterr() == ("", "")


def test_the_console_shows_the_engines_wait_and_notices_as_the_cli_did(tmp_path, capsys):
    console = Console(settings(tmp_path, "http://127.0.0.1:9", NOW))
    when = NOW + timedelta(minutes=12)
    what = f"First message at {shown_time(when)}"

    for left in range(12, 0, -1):
        console.on_event(Waiting(when, what, 60.0 * left))
    console.on_event(Notice("--not-before ... has passed: sending now", warning=True))

    assert capsys.readouterr().err.splitlines() == [
        f"{what} (in 0:12:00); Ctrl-C stops",
        f"{what} (in 0:02:00); Ctrl-C stops",
        "--not-before ... has passed: sending now",
    ]


def test_a_quiet_console_shows_warnings_only(tmp_path, capsys):
    console = Console(replace(settings(tmp_path, "http://127.0.0.1:9", NOW), quiet=True))

    console.on_event(Waiting(NOW, "First message at 09:00", 60.0))
    console.on_event(Notice("1 message outside the send hours"))
    console.on_event(Notice("bulk-sender: cannot write report.xlsx", warning=True))

    assert capsys.readouterr() == ("", "bulk-sender: cannot write report.xlsx\n")


class CtrlCWhileWaiting(FakeTimer):
    """The user presses Ctrl-C during the first minute of the wait."""

    async def sleep(self, seconds: float, stop: asyncio.Event) -> None:
        signal.raise_signal(signal.SIGINT)
        await super().sleep(seconds, stop)


def test_ctrl_c_while_waiting_leaves_every_row_pending_with_exit_130(tmp_path, serve):
    server = serve()
    when = NOW + timedelta(hours=1)

    result = run_campaign(
        settings(tmp_path, server.url, when, quiet=True), timer=CtrlCWhileWaiting(NOW)
    )

    assert result.exit_code == 130
    assert [r["result_status"] for r in report_rows(result.report_path)] == ["pending"] * 2
    assert "before the start time" in result.stop_detail
    assert server.deliveries() == []
