"""Hearing back: what customers answered a campaign (`bulk-sender replies`, docs/spec.md
section 9).

For each phone the campaign sent to, its contact in Plazbot and its conversation: the
latest message the customer wrote after the send goes to the report's reply columns. A reply
that asks to stop (`protect/stopwords.py`), or a contact that blocked the business, puts the
phone on the opt-out list with the reply as its note, so no later campaign messages them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx

from ..delivery.lookups import Lookups, LookupUnavailable
from ..journal.followup import FollowUp, Sent
from ..language import _, ngettext
from ..protect.optouts import add_phones
from ..protect.stopwords import StopWords
from .campaign import Settings
from .followup import FollowUpResult, Progress, each, looked_up

REPLIED, ASKED_TO_STOP, BLOCKED, NO_REPLY, UNKNOWN = (
    "replied", "asked_to_stop", "blocked", "no_reply", "lookup_failed",
)  # fmt: skip


@dataclass
class Listener:
    """Reads each phone's conversation; collects who asked to stop."""

    journal: FollowUp
    lookups: Lookups
    stop_words: StopWords
    opt_outs: dict[str, str] = field(default_factory=dict)
    """Phone -> the note the opt-out list gets: the reply, or that the customer blocked us."""

    async def hear(self, rows: list[Sent]) -> str:
        """One phone's rows (the campaign may have sent it more than one message)."""
        phone, since = rows[0].phone, min(row.tried_from for row in rows)
        try:
            contact = await self.lookups.contact(phone)
            messages = await self.lookups.messages(contact.id) if contact else []
        except LookupUnavailable:
            return UNKNOWN
        replies = [m for m in messages if m.inbound and m.created_at and m.created_at > since]
        latest = max(replies, key=lambda m: m.created_at or since, default=None)
        if latest is not None and latest.created_at is not None:
            for row in rows:
                self.journal.reply(row.key, latest.content, latest.created_at)
        if contact is not None and contact.blocked:
            self.opt_outs[phone] = _("blocked the business on WhatsApp")
            return BLOCKED
        if latest is None:
            return NO_REPLY
        if (phrase := self.stop_words.asks_to_stop(latest.content)) is not None:
            self.opt_outs[phone] = _("replied {reply} (asks to stop: {phrase})").format(
                reply=repr(latest.content), phrase=phrase
            )
            return ASKED_TO_STOP
        return REPLIED


async def hear_replies(
    journal: Path,
    settings: Settings,
    stop_words: StopWords,
    optouts: Path,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    progress: Progress | None = None,
) -> FollowUpResult:
    """`bulk-sender replies`: the campaign's sent rows' replies; who asked to stop opts out."""
    listener: Listener | None = None

    async def work(follow_up: FollowUp, lookups: Lookups) -> Counter[str]:
        nonlocal listener
        listener = Listener(follow_up, lookups, stop_words)
        by_phone: dict[str, list[Sent]] = defaultdict(list)
        for row in follow_up.sent():
            by_phone[row.phone].append(row)
        return await each(by_phone.values(), listener.hear, settings.send.concurrency, progress)

    result = await looked_up(journal, settings, work, transport)
    assert listener is not None
    notices = _opt_out(optouts, listener.opt_outs)
    return FollowUpResult(result.counts, result.journal, result.report, notices)


def _opt_out(path: Path, notes: dict[str, str]) -> tuple[str, ...]:
    """Put the phones on the opt-out list, each with its own note."""
    added = []
    for phone, note in sorted(notes.items()):
        new, __ = add_phones(path, [phone], country=None, note=note, now=datetime.now())
        added += new
    if not added:
        return ()
    said = ngettext(
        "{n} customer added to the opt-out list {file}",
        "{n} customers added to the opt-out list {file}",
        len(added),
    ).format(n=len(added), file=path)
    return (said,)
