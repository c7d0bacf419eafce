"""Send hours: a message goes only while its recipient's local time is inside a window.

`--send-hours 09:00-20:00` (a window may cross midnight, `21:00-02:00`) is read in each
customer's own time: the zones come from the number through libphonenumber's time-zone
data. A number with several zones (a Spanish mobile: Madrid and the Canaries) is sent only
while the window holds in all of them. A number whose zone libphonenumber does not know is
held to the window in this computer's time zone: most lists are of the sender's own country.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from phonenumbers import timezone as phone_zones

from ..errors import ConfigError
from ..language import N_, _, ngettext, shown_datetime
from ..lifecycle import Move, Status, apply
from ..records import Message, Outcome

LOCAL_ZONE = N_("this computer's time zone")
"""The zone of a phone whose own libphonenumber does not know (translated where shown)."""
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class SendHours:
    """A daily window of local time, `start` included, `end` excluded; may cross midnight."""

    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def contains(self, moment: time) -> bool:
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end  # crosses midnight


def parse_send_hours(text: str) -> SendHours:
    """`09:00-20:00` as a `SendHours`; a `ConfigError` naming the flag otherwise."""
    found = _HOURS.match(text)
    usage = _("--send-hours {text}: write it as HH:MM-HH:MM, e.g. 09:00-20:00").format(text=text)
    if found is None:
        raise ConfigError(usage)
    h1, m1, h2, m2 = (int(part) for part in found.groups())
    try:
        hours = SendHours(time(h1, m1), time(h2, m2))
    except ValueError as exc:  # "hour must be in 0..23": Python's words, not shown
        raise ConfigError(
            _(
                "--send-hours {text}: hours go from 00 to 23 and minutes from 00 to 59, "
                "e.g. 09:00-20:00"
            ).format(text=text)
        ) from exc
    if hours.start == hours.end:
        raise ConfigError(
            _("--send-hours {text}: the window is empty; e.g. 09:00-20:00").format(text=text)
        )
    return hours


@dataclass(frozen=True, slots=True)
class Closed:
    """Why a phone's window is closed now, and when it opens (None: never in all its zones)."""

    local: datetime
    zone: str
    opens: datetime | None

    @property
    def detail(self) -> str:
        """`06:12 in America/Mexico_City, opens 09:00` (the opening in that zone's time)."""
        now = shown_datetime(self.local, date=False, own_zone=True)
        zone = _(LOCAL_ZONE) if self.zone == LOCAL_ZONE else self.zone
        if self.opens is None:
            return _("{time} in {zone}; the window never holds in all its zones").format(
                time=now, zone=zone
            )
        opens = self.opens.astimezone(self.local.tzinfo)
        when = shown_datetime(opens, date=opens.date() != self.local.date(), own_zone=True)
        return _("{time} in {zone}, opens {when}").format(time=now, zone=zone, when=when)


class SendWindow:
    """The recipients' send hours: which phones may get a message at a given moment."""

    def __init__(self, hours: SendHours, *, local_zone: tzinfo | None = None) -> None:
        self.hours = hours
        self.local_zone = local_zone

    def zones(self, phone: str) -> list[tuple[str, tzinfo]]:
        """The phone's zones as (name, zone); this computer's zone when none is known."""
        found: list[tuple[str, tzinfo]] = [(name, ZoneInfo(name)) for name in _zone_names(phone)]
        if found:
            return found
        local = self.local_zone or datetime.now().astimezone().tzinfo
        assert local is not None
        return [(LOCAL_ZONE, local)]

    def closed(self, phone: str, now: datetime) -> Closed | None:
        """None when the window holds for `phone` at `now` (aware), else why not."""
        zones = self.zones(phone)
        for name, zone in zones:
            local = now.astimezone(zone)
            if not self.hours.contains(local.time()):
                return Closed(local, name, self.next_opening(zones, now))
        return None

    def next_opening(self, zones: list[tuple[str, tzinfo]], now: datetime) -> datetime | None:
        """The first moment from `now` when the window holds in every zone, if within 3 days."""
        starts = {now}
        for __, zone in zones:
            today = now.astimezone(zone).date()
            for days in range(-1, 4):
                start = datetime.combine(today + timedelta(days=days), self.hours.start, zone)
                if start > now:
                    starts.add(start)
        for moment in sorted(starts):
            if all(self.hours.contains(moment.astimezone(z).time()) for _, z in zones):
                return moment
        return None


@functools.lru_cache(maxsize=65536)
def _zone_names(phone: str) -> tuple[str, ...]:
    """libphonenumber's zones for a number (digits with country code), known ones only."""
    try:
        number = phonenumbers.parse(f"+{phone}")
    except phonenumbers.NumberParseException:
        return ()
    names = phone_zones.time_zones_for_number(number)
    known = []
    for name in names:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue  # "Etc/Unknown", or a zone this machine's tz database lacks
        known.append(name)
    return tuple(known)


class HeldBack:
    """At send time, holds back the messages whose recipients are outside their send hours.

    A held message is journaled `pending` with `outside_hours` and the next opening; a rerun
    (or the next pass of `--wait`) offers it again.
    """

    def __init__(
        self,
        window: SendWindow,
        record: Callable[[str, Outcome], None],
        now: Callable[[], datetime],
        *,
        limit: int | None = None,
    ) -> None:
        self.window, self.record, self.now = window, record, now
        self.left = limit
        self.held: set[str] = set()
        self.next_opening: datetime | None = None

    def admit(self, messages: Iterable[Message], *, only_held: bool = False) -> Iterator[Message]:
        """The messages whose window is open now; `only_held` offers only those held before."""
        self.next_opening = None
        for message in messages:
            if only_held and message.key not in self.held:
                continue
            if self.left is not None and self.left <= 0:
                return
            closed = self.window.closed(message.phone, self.now())
            if closed is None:
                self.held.discard(message.key)
                if self.left is not None:
                    self.left -= 1
                yield message
                continue
            self.held.add(message.key)
            self.record(
                message.key,
                Outcome(apply(Status.PENDING, Move.HELD), "outside_hours", closed.detail),
            )
            if closed.opens and (self.next_opening is None or closed.opens < self.next_opening):
                self.next_opening = closed.opens

    def notice(self, *, waiting: bool = False, wait_flag: bool = False) -> str:
        """What the run says about the messages it holds back (`waiting`: while it waits)."""
        n, hours = len(self.held), self.window.hours
        if self.next_opening is None:
            return ngettext(
                "{n} message outside the send hours ({hours} their time): no window opens for "
                "them in the next 3 days",
                "{n} messages outside the send hours ({hours} their time): no window opens for "
                "them in the next 3 days",
                n,
            ).format(n=n, hours=hours)
        when = shown_datetime(self.next_opening)
        if waiting:
            said = ngettext(
                "Waiting for {n} message outside the send hours ({hours} their time): next "
                "window {when} (this computer's time)",
                "Waiting for {n} messages outside the send hours ({hours} their time): next "
                "window {when} (this computer's time)",
                n,
            )
        elif wait_flag:
            said = ngettext(
                "{n} message outside the send hours ({hours} their time): the next window "
                "opens at {when} (this computer's time); run the same command again then",
                "{n} messages outside the send hours ({hours} their time): the next window "
                "opens at {when} (this computer's time); run the same command again then",
                n,
            )
        else:
            said = ngettext(
                "{n} message outside the send hours ({hours} their time): the next window "
                "opens at {when} (this computer's time); run the same command again then, or "
                "add --wait to stay and send them as windows open",
                "{n} messages outside the send hours ({hours} their time): the next window "
                "opens at {when} (this computer's time); run the same command again then, or "
                "add --wait to stay and send them as windows open",
                n,
            )
        return said.format(n=n, hours=hours, when=when)
