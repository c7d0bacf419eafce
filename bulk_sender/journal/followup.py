"""Follow-up: what `settle` and `replies` read from a campaign's journal and write back.

Both work on a campaign after its runs, under its lock (one process at a time, as a run):
`settle` takes each `uncertain` message with the time its request left, and makes the move
Plazbot's records prove (`lifecycle.py`: confirmed -> sent, not_found -> pending); `replies`
takes each `sent` message and keeps the customer's latest reply after it. Each write commits
at once, so a follow-up cut short keeps what it learnt and the next one carries on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from .. import lifecycle
from ..lifecycle import Move, Status
from ..records import Outcome
from .file import guarded
from .store import Journal


@dataclass(frozen=True, slots=True)
class Sent:
    """A message whose fate is to be looked up: `uncertain` ones for `settle`, `sent` ones
    for `replies`."""

    key: str
    phone: str
    message: str
    row: int
    tried_from: datetime
    """When its latest request may have left, at the earliest."""
    tried_until: datetime
    """... and at the latest (its run's end when the journal has no time of its own)."""
    message_id: str | None = None
    reference: str = ""
    """What it was sent with as `externalReferenceId` (or `reference1`): its key."""
    template: str | None = None
    """The approved template's name, for a template message."""


_CONFIRM = (lifecycle.target(Move.CONFIRMED), *lifecycle.sources(Move.CONFIRMED))
_NOT_FOUND = (lifecycle.target(Move.NOT_FOUND), *lifecycle.sources(Move.NOT_FOUND))
_SELECT = (
    "SELECT m.key, m.phone, m.message, m.row, m.tried_at, m.sent_at, r.started_at, "
    "r.ended_at, m.message_id, m.request FROM messages m LEFT JOIN runs r ON r.id = m.run "
    "WHERE m.status = ? ORDER BY m.row"
)


class FollowUp:
    """A campaign's journal, for looking up what its runs could not know."""

    def __init__(self, journal: Journal) -> None:
        self.journal, self.path = journal, journal.path
        self._db = journal.connection

    @guarded
    def uncertain(self) -> list[Sent]:
        """The messages that may or may not have reached Plazbot, in input order."""
        return [_sent(found) for found in self._db.execute(_SELECT, (Status.UNCERTAIN.value,))]

    @guarded
    def sent(self) -> list[Sent]:
        """The messages Plazbot accepted, in input order."""
        return [_sent(found) for found in self._db.execute(_SELECT, (Status.SENT.value,))]

    @guarded
    def confirm(self, key: str, outcome: Outcome) -> bool:
        """Plazbot's records hold it: `uncertain` -> `sent`, with their ids and time."""
        with self._db:
            done = self._db.execute(
                "UPDATE messages SET status = ?, code = ?, detail = ?, message_id = ?, "
                "whatsapp_id = ?, sent_at = ? WHERE key = ? AND status = ?",
                (_CONFIRM[0], outcome.code, outcome.detail, outcome.message_id,
                 outcome.whatsapp_id, _iso(outcome.sent_at), key, *_CONFIRM[1:]),
            )  # fmt: skip
        return done.rowcount == 1

    @guarded
    def not_found(self, key: str, detail: str) -> bool:
        """Plazbot's records prove it never got it: `uncertain` -> `pending`, sent once more."""
        with self._db:
            done = self._db.execute(
                "UPDATE messages SET status = ?, code = 'not_found_by_lookup', detail = ? "
                "WHERE key = ? AND status = ?",
                (_NOT_FOUND[0], detail, key, *_NOT_FOUND[1:]),
            )
        return done.rowcount == 1

    @guarded
    def still_uncertain(self, key: str, code: str, detail: str) -> None:
        """The lookup could not tell: the message stays `uncertain`, saying why."""
        with self._db:
            self._db.execute(
                "UPDATE messages SET code = ?, detail = ? WHERE key = ? AND status = ?",
                (code, detail, key, Status.UNCERTAIN.value),
            )

    @guarded
    def reply(self, key: str, text: str, when: datetime) -> None:
        """The customer's latest message after this one was sent."""
        with self._db:
            self._db.execute(
                "UPDATE messages SET reply = ?, replied_at = ? WHERE key = ?",
                (text, when.isoformat(), key),
            )


def _sent(found: tuple[object, ...]) -> Sent:
    key, phone, message, row, tried_at, sent_at, started, ended, message_id, request = found
    now = datetime.now(UTC)
    if tried_at:  # the time of its latest claim: its request left within its read timeout
        tried_from = tried_until = _time(tried_at) or now
    else:  # a journal of an older release: the run that sent it
        tried_from = _time(started) or _time(sent_at) or now
        tried_until = _time(ended) or now
    template = _template_name(str(request or ""))
    return Sent(
        str(key), str(phone), str(message), int(str(row)), tried_from, tried_until,
        str(message_id) if message_id else None, str(key), template,
    )  # fmt: skip


def _template_name(request: str) -> str | None:
    """The approved template's name in a journaled request (`compose.encode_request`)."""
    try:
        fields = json.loads(request) if request else None
    except ValueError:
        return None
    return str(fields["name"]) if isinstance(fields, dict) and fields.get("name") else None


def _time(text: object) -> datetime | None:
    if not text:
        return None
    when = datetime.fromisoformat(str(text))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when else None
