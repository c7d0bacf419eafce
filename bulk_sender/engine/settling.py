"""Settling: what Plazbot's records prove about each `uncertain` row (docs/spec.md section 9).

A row is looked up by its reference (the identity hash it was sent with, as
`externalReferenceId` or `reference1`) or, when Plazbot's record has none, by its phone and
its text (spaces aside) or template. Found, made no earlier than its request left (less 2
minutes of clock skew; however late, as a slow Plazbot is why rows are uncertain): `sent`
(`confirmed_by_lookup`, with Plazbot's ids). Provably absent: the listing was read whole and
holds no such message at all, a customer unknown to Plazbot counts only once the contact
search has found a customer the campaign surely reached, and the request left at least
`min_age` ago: back to `pending` (`not_found_by_lookup`), so the next run sends it once.
Anything else (the same message, but only from before this attempt: an earlier campaign's)
leaves it `uncertain`, with the reason the lookup could not tell. When in doubt it never
sends again: a wrong "found" costs a report line, a wrong "absent" a second message.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from ..delivery.lookups import Conversation, Lookups, LookupUnavailable
from ..journal.followup import FollowUp, Sent
from ..language import _, ngettext, shown_datetime
from ..lifecycle import Status
from ..records import Outcome
from .campaign import Settings
from .followup import FollowUpResult, Progress, each, looked_up

MIN_AGE = timedelta(minutes=5)
"""How old a request must be before its absence from Plazbot's records proves anything."""
SKEW = timedelta(minutes=2)
"""Clocks differ: Plazbot's record may be this much older than the request's own time."""
CONFIRMED, NOT_FOUND, UNKNOWN = "confirmed", "not_found", "still_uncertain"


@dataclass
class Settler:
    """Settles one campaign's uncertain rows against Plazbot's records."""

    journal: FollowUp
    lookups: Lookups
    min_age: timedelta
    now: Callable[[], datetime]
    sent_phone: str | None = None
    """A phone this campaign surely reached (a `sent` row), to check the contact search."""
    _conversations: list[Conversation] | None = None
    _search_found: bool | None = None
    _listing: asyncio.Lock = field(default_factory=asyncio.Lock)
    _calibrating: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def settle(self, row: Sent) -> str:
        """Look one row up and make the move its records prove; which one it was."""
        try:
            found = await (self._template(row) if row.template else self._text(row))
        except LookupUnavailable as exc:
            self.journal.still_uncertain(
                row.key, "lookup_failed", _("{problem}; settle again later").format(problem=exc)
            )
            return UNKNOWN
        if isinstance(found, Outcome):
            self.journal.confirm(row.key, found)
            return CONFIRMED
        if found:  # a reason it cannot tell
            self.journal.still_uncertain(row.key, "lookup_failed", found)
            return UNKNOWN
        if self.now() - row.tried_until < self.min_age:
            minutes = int(self.min_age.total_seconds() // 60)
            self.journal.still_uncertain(
                row.key, "too_recent",
                ngettext(
                    "not in Plazbot's records yet, but its request left less than {n} minute "
                    "ago: settle again later",
                    "not in Plazbot's records yet, but its request left less than {n} minutes "
                    "ago: settle again later",
                    minutes,
                ).format(n=minutes),
            )  # fmt: skip
            return UNKNOWN
        self.journal.not_found(
            row.key,
            _("not in Plazbot's records: Plazbot never got it; the next run sends it once"),
        )
        return NOT_FOUND

    async def _text(self, row: Sent) -> Outcome | str | None:
        """Plazbot's record of the row (an `Outcome`), a reason it cannot tell, or None: absent."""
        contact = await self.lookups.contact(row.phone)
        if contact is None:
            if not await self._search_works():
                return _("Plazbot's contact search does not find this campaign's own customers")
            return None
        messages = [m for m in await self.lookups.messages(contact.id) if not m.inbound]
        return self._match(
            row, [(m.reference, _words(m.content) == _words(row.message), m.created_at,
                   (m.id, m.whatsapp_id)) for m in messages],
        )  # fmt: skip

    async def _template(self, row: Sent) -> Outcome | str | None:
        async with self._listing:  # one listing for every template row of the campaign
            if self._conversations is None:
                self._conversations = await self.lookups.conversations()
        return self._match(
            row, [(c.reference, c.phone == row.phone and c.template == row.template,
                   c.created_at, (c.id, None)) for c in self._conversations],
        )  # fmt: skip

    def _match(
        self,
        row: Sent,
        records: list[tuple[str, bool, datetime | None, tuple[str, str | None]]],
    ) -> Outcome | str | None:
        """The record that is this row's: its reference (else its text or template), made
        no earlier than its request left. The same message made earlier (an earlier campaign
        may have sent it) leaves it undecided: never proof that this one was not sent."""
        same = [(when, ids) for reference, alike, when, ids in records
                if (reference == row.reference if reference else alike)]  # fmt: skip
        since = row.tried_from - SKEW
        ours = [(when, ids) for when, ids in same if when is None or when >= since]
        if ours:
            when, (message_id, whatsapp_id) = min(ours, key=lambda o: o[0] or since)
            return _confirmed(message_id, whatsapp_id, when)
        if same:
            return _(
                "Plazbot holds the same message to this customer from before this row's "
                "attempt only; --retry-uncertain sends it again"
            )
        return None

    async def _search_works(self) -> bool:
        """Whether Plazbot's contact search finds a customer this campaign surely reached:
        until it does, a contact it cannot find proves nothing."""
        async with self._calibrating:
            if self._search_found is None:
                self._search_found = bool(
                    self.sent_phone and await self.lookups.contact(self.sent_phone)
                )
        return self._search_found


def _words(text: str) -> str:
    """Text as compared with Plazbot's copy: spaces and line breaks may differ."""
    return " ".join(text.split())


def _confirmed(message_id: str, whatsapp_id: str | None, when: datetime | None) -> Outcome:
    found = (
        _("found in Plazbot's records (created {when})").format(
            when=shown_datetime(when, seconds=True)
        )
        if when
        else _("found in Plazbot's records")
    )
    return Outcome(
        Status.SENT, "confirmed_by_lookup", found,
        message_id=message_id or None, whatsapp_id=whatsapp_id, sent_at=when,
    )  # fmt: skip


async def settle(
    journal: Path,
    settings: Settings,
    *,
    now: Callable[[], datetime],
    min_age: timedelta = MIN_AGE,
    transport: httpx.AsyncBaseTransport | None = None,
    progress: Progress | None = None,
) -> FollowUpResult:
    """`bulk-sender settle`: every uncertain row of the campaign, looked up; sends nothing."""

    async def work(follow_up: FollowUp, lookups: Lookups) -> Counter[str]:
        sent = follow_up.sent()
        settler = Settler(
            follow_up, lookups, min_age, now,
            sent_phone=sent[0].phone if sent else None,
        )  # fmt: skip
        rows = follow_up.uncertain()
        return await each(rows, settler.settle, settings.send.concurrency, progress)

    return await looked_up(journal, settings, work, transport)
