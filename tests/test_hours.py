"""Send hours in the customer's own time, on an injected clock (no sleeping)."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import phonenumbers
import pytest
from phonenumbers import timezone as phone_zones

from bulk_sender import ConfigError, Mode, Outcome, Protection, SendSettings, Settings, run_campaign
from bulk_sender.protect.hours import HeldBack, SendHours, SendWindow, parse_send_hours
from bulk_sender.records import Message

from .conftest import FakeTimer, report_rows

PERU, MEXICO, SPAIN = "51987111001", "525512345678", "34612345678"
NINE_TO_EIGHT = SendHours(time(9), time(20))


def zones_of(phone: str) -> tuple[str, ...]:
    """libphonenumber's own answer, so a change in its data does not break these tests."""
    return tuple(phone_zones.time_zones_for_number(phonenumbers.parse(f"+{phone}")))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [("09:00-20:00", time(9), time(20)), ("21:30-02:00", time(21, 30), time(2)),
     (" 9:05 - 18:45 ", time(9, 5), time(18, 45))],
)  # fmt: skip
def test_send_hours_are_read_as_hh_mm_hh_mm(text, start, end):
    assert parse_send_hours(text) == SendHours(start, end)


@pytest.mark.parametrize("text", ["9-20", "09:00", "25:00-26:00", "09:00-09:00", "09:60-10:00"])
def test_a_bad_window_is_a_one_line_usage_error(text):
    with pytest.raises(ConfigError, match=f"--send-hours {text}") as error:
        parse_send_hours(text)
    assert "\n" not in str(error.value)


def test_a_window_may_cross_midnight():
    night = SendHours(time(21), time(2))

    assert [night.contains(time(h)) for h in (20, 21, 23, 0, 1, 2, 3)] == [
        False, True, True, True, True, False, False]  # fmt: skip


def test_a_closed_window_says_the_local_time_the_zone_and_when_it_opens():
    (zone,) = zones_of(MEXICO)
    now = datetime(2026, 12, 2, 6, 12, tzinfo=ZoneInfo(zone)).astimezone(UTC)

    closed = SendWindow(NINE_TO_EIGHT).closed(MEXICO, now)

    assert closed is not None
    assert closed.detail == f"06:12 in {zone}, opens 09:00"
    assert closed.opens == datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo(zone))
    assert SendWindow(NINE_TO_EIGHT).closed(MEXICO, closed.opens) is None


def test_after_the_window_it_opens_the_next_day():
    (zone,) = zones_of(PERU)
    now = datetime(2026, 12, 2, 21, 0, tzinfo=ZoneInfo(zone))

    closed = SendWindow(NINE_TO_EIGHT).closed(PERU, now)

    assert closed is not None and closed.detail == f"21:00 in {zone}, opens 2026-12-03 09:00"


def test_a_number_with_several_zones_waits_until_the_window_holds_in_all():
    zones = zones_of(SPAIN)
    assert len(zones) > 1
    offsets = {z: datetime(2026, 12, 2, 12, tzinfo=UTC).astimezone(ZoneInfo(z)).utcoffset()
               for z in zones}  # fmt: skip
    latest = min(offsets, key=lambda z: offsets[z])  # the zone where 09:00 comes last
    first_nine = datetime(2026, 12, 2, 9, tzinfo=ZoneInfo(max(offsets, key=lambda z: offsets[z])))

    closed = SendWindow(NINE_TO_EIGHT).closed(SPAIN, first_nine)

    assert closed is not None and closed.zone == latest
    assert closed.opens == datetime(2026, 12, 2, 9, tzinfo=ZoneInfo(latest))


def test_a_number_without_a_known_zone_keeps_the_window_of_this_computer():
    unknown = "80012345678"  # an international freephone: no zone in libphonenumber's data
    lima = ZoneInfo("America/Lima")
    window = SendWindow(NINE_TO_EIGHT, local_zone=lima)

    closed = window.closed(unknown, datetime(2026, 12, 2, 7, 0, tzinfo=lima))

    assert closed is not None and closed.detail == "07:00 in this computer's time zone, opens 09:00"


def test_a_window_that_never_holds_in_all_zones_says_so():
    zones = zones_of("12125551234") + zones_of("13105551234")  # New York and Los Angeles
    window = SendWindow(SendHours(time(9), time(10)))

    assert len(set(zones)) == 2
    opening = window.next_opening([(z, ZoneInfo(z)) for z in zones], utc("2026-12-02 12:00"))
    assert opening is None


def test_held_back_messages_are_journaled_pending_and_the_next_opening_kept():
    recorded: list[tuple[str, Outcome]] = []
    (zone,) = zones_of(MEXICO)
    now = datetime(2026, 12, 2, 8, 30, tzinfo=ZoneInfo(zone))  # 09:30 in Lima
    held = HeldBack(SendWindow(NINE_TO_EIGHT), lambda k, o: recorded.append((k, o)), lambda: now,
                    limit=5)  # fmt: skip
    batch = [Message(2, PERU, "Hola", "k1"), Message(3, MEXICO, "Hola", "k2")]

    admitted = list(held.admit(batch))

    assert [m.key for m in admitted] == ["k1"]
    assert [(k, o.status.value, o.code) for k, o in recorded] == [
        ("k2", "pending", "outside_hours")]  # fmt: skip
    assert held.held == {"k2"} and held.left == 4
    assert held.next_opening == datetime(2026, 12, 2, 9, tzinfo=ZoneInfo(zone))
    assert list(held.admit(batch, only_held=True)) == []  # still closed: offered, held again


# -- a run over real HTTP, on an injected clock ---------------------------------------------


def write_contacts(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Nombre", "Celular"])
        writer.writerows([["Ana", f"+{PERU}"], ["Luis", f"+{MEXICO}"], ["Rosa", "+51987111002"]])


def settings(tmp_path: Path, url: str, *, wait: bool = False) -> Settings:
    return Settings(
        contacts=tmp_path / "contacts.csv", message="Hola {{ nombre }}", mode=Mode.LIVE,
        campaign="h", reports_dir=tmp_path / "reports", api_url=url, workspace_id="sandbox",
        send=SendSettings(rate=0), quiet=True,
        protection=Protection(send_hours=NINE_TO_EIGHT, wait=wait),
    )  # fmt: skip


def at_half_past_eight_in_mexico() -> FakeTimer:
    (zone,) = zones_of(MEXICO)
    return FakeTimer(datetime(2026, 12, 2, 8, 30, tzinfo=ZoneInfo(zone)).astimezone(UTC))


def test_rows_outside_their_hours_stay_pending_and_the_run_says_when_it_can_go_on(tmp_path, serve):
    server = serve()
    write_contacts(tmp_path / "contacts.csv")
    timer = at_half_past_eight_in_mexico()
    (zone,) = zones_of(MEXICO)

    result = run_campaign(settings(tmp_path, server.url), timer=timer)

    assert result.exit_code == 1
    rows = report_rows(result.report_path)
    assert [r["result_status"] for r in rows] == ["sent", "pending", "sent"]
    assert rows[1]["result_detail"] == f"outside_hours: 08:30 in {zone}, opens 09:00"
    assert sorted(d["phone"] for d in server.deliveries()) == [PERU, "51987111002"]
    opens = datetime(2026, 12, 2, 9, tzinfo=ZoneInfo(zone)).astimezone()
    assert any(f"next window opens at {opens:%Y-%m-%d %H:%M}" in n for n in result.notices)
    assert timer.slept == []

    timer.moment = opens  # a rerun once the window is open sends the rest, and no one twice
    again = run_campaign(settings(tmp_path, server.url), timer=timer)

    assert again.exit_code == 0
    assert sorted(d["phone"] for d in server.deliveries()) == [PERU, "51987111002", MEXICO]


def test_with_wait_the_run_stays_and_sends_each_row_as_its_window_opens(tmp_path, serve):
    server = serve()
    write_contacts(tmp_path / "contacts.csv")
    timer = at_half_past_eight_in_mexico()

    result = run_campaign(settings(tmp_path, server.url, wait=True), timer=timer)

    assert result.exit_code == 0
    assert [r["result_status"] for r in report_rows(result.report_path)] == ["sent"] * 3
    assert [d["phone"] for d in server.deliveries()][-1] == MEXICO
    assert sum(timer.slept) == 30 * 60  # from 08:30 to 09:00 in Mexico City
    assert result.notices == ()
