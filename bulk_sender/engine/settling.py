"""Settling: what Plazbot's records prove about each `uncertain` row (docs/spec.md section 9).

A row is looked up by its reference (the identity hash it was sent with, as
`externalReferenceId` or `reference1`) or, when Plazbot's record has none, by its phone and
its text or template; either way within the time its request left (an earlier campaign may
have sent the very same message to the very same phone). Found: `sent`
(`confirmed_by_lookup`, with Plazbot's ids). Provably absent: the listing was read whole,
it holds no match, and the request left at least `min_age` ago (a request Plazbot still
works on would show by then): back to `pending` (`not_found_by_lookup`), so the next run
sends it once. Anything else leaves it `uncertain`,
with the reason the lookup could not tell.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from ..delivery.lookups import Conversation, Lookups, LookupUnavailable, PlazbotMessage
from ..journal.followup import FollowUp, Sent
from ..lifecycle import Status
from ..records import Outcome
from .campaign import Settings
from .followup import FollowUpResult, Progress, each, looked_up

MIN_AGE = timedelta(minutes=5)
"""How old a request must be before its absence from Plazbot's records proves anything."""
SKEW = timedelta(minutes=2)
"""Clocks differ: a match may be this much before or after the request's own times."""
CONFIRMED, NOT_FOUND, UNKNOWN = "confirmed", "not_found", "still_uncertain"


@dataclass
class Settler:
    """Settles one campaign's uncertain rows against Plazbot's records."""

    journal: FollowUp
    lookups: Lookups
    read_timeout: timedelta
    min_age: timedelta
    now: Callable[[], datetime]
    _conversations: list[Conversation] | None = None

    async def settle(self, row: Sent) -> str:
        """Look one row up and make the move its records prove; which one it was."""
        try:
            found = await (self._template(row) if row.template else self._text(row))
        except LookupUnavailable as exc:
            self.journal.still_uncertain(row.key, "lookup_failed", f"{exc}; settle again later")
            return UNKNOWN
        if found is not None:
            self.journal.confirm(row.key, found)
            return CONFIRMED
        if self.now() - row.tried_until < self.min_age:
            minutes = int(self.min_age.total_seconds() // 60)
            self.journal.still_uncertain(
                row.key, "too_recent",
                f"not in Plazbot's records yet, but its request left less than {minutes} "
                "minutes ago: settle again later",
            )  # fmt: skip
            return UNKNOWN
        self.journal.not_found(
            row.key, "not in Plazbot's records: Plazbot never got it; the next run sends it once"
        )
        return NOT_FOUND

    async def _text(self, row: Sent) -> Outcome | None:
        contact = await self.lookups.contact(row.phone)
        if contact is None:
            return None
        for message in await self.lookups.messages(contact.id):
            if not message.inbound and self._same(row, message):
                return _confirmed(message.id, message.whatsapp_id, message.created_at)
        return None

    def _same(self, row: Sent, message: PlazbotMessage) -> bool:
        """Its reference, else its text; and its time, as an earlier campaign may have sent
        this very message to this very phone."""
        if message.reference:
            same = message.reference == row.reference
        else:
            same = message.content.strip() == row.message.strip()
        return same and self._within(row, message.created_at)

    async def _template(self, row: Sent) -> Outcome | None:
        if self._conversations is None:  # one listing for every template row of the campaign
            self._conversations = await self.lookups.conversations()
        for found in self._conversations:
            if found.reference:
                same = found.reference == row.reference
            else:
                same = found.phone == row.phone and found.template == row.template
            if same and self._within(row, found.created_at):
                return _confirmed(found.id, None, found.created_at)
        return None

    def _within(self, row: Sent, when: datetime | None) -> bool:
        """Whether Plazbot's time for a message fits the time this row's request left."""
        if when is None:
            return False
        return row.tried_from - SKEW <= when <= row.tried_until + self.read_timeout + SKEW


def _confirmed(message_id: str, whatsapp_id: str | None, when: datetime | None) -> Outcome:
    shown = f" (created {when.astimezone():%Y-%m-%d %H:%M:%S})" if when else ""
    return Outcome(
        Status.SENT, "confirmed_by_lookup", f"found in Plazbot's records{shown}",
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
        settler = Settler(
            follow_up, lookups, timedelta(seconds=settings.send.read_timeout), min_age, now
        )
        rows = follow_up.uncertain()
        return await each(rows, settler.settle, settings.send.concurrency, progress)

    return await looked_up(journal, settings, work, transport)
