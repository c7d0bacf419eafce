"""Plan: decide, row by row, what this run sends, before anything is sent.

Every input row goes into the journal's plan in input order. A row is sent unless it is
invalid, excluded by the sender's own rules (opted out, no consent), repeats an earlier row,
was sent before (by the journal, or by a report fed back), or goes to a phone an earlier
run of the campaign already messaged (the resend rule).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from .. import lifecycle
from ..journal.store import Journal, Known
from ..language import _, shown_datetime
from ..lifecycle import Move, Status
from ..messages.compose import encode_request
from ..protect.rules import Gate
from ..records import Contact, Message, Outcome

COMMIT_EVERY = 5000
FIRST_COMMIT = 16
"""Rows in the plan's first commit: the first messages leave without waiting for a chunk."""


class PlanStore(Protocol):
    """Where a plan goes: the journal, or a dry run's memory (`preview.py`)."""

    def first_row_with(self, key: str) -> int | None: ...
    def known(self, key: str) -> Known | None: ...
    def earlier_delivery(self, phone: str) -> Known | None: ...
    def set_pending(self, key: str) -> None: ...
    def add_row(
        self,
        row: int,
        cells: Sequence[Any],
        *,
        key: str | None = None,
        phone: str = "",
        outcome: Outcome | None = None,
        note: str = "",
    ) -> None: ...
    def add_message(
        self, key: str, *, phone: str, message: str, request: str, row: int, outcome: Outcome
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class ResumeRules:
    """The flags that let a rerun send again what it would otherwise hold back."""

    retry_failed: bool = False
    retry_uncertain: bool = False
    allow_resend: bool = False


def plan_rows(
    rows: Iterable[tuple[Contact, Message | Outcome]],
    journal: Journal,
    rules: ResumeRules,
    gate: Gate | None = None,
    *,
    to_send: Callable[[Message], None] = lambda message: None,
    on_commit: Callable[[int], None] = lambda rows: None,
    commit_every: int = COMMIT_EVERY,
) -> None:
    """Put every input row, composed, into the journal's plan for this run, deciding which
    to send (`composing.composed_rows` gives the rows).

    `to_send` gets each message this run sends, in input order; `on_commit(rows so far)` is
    called each time the plan so far is committed, so sending can start before it ends:
    after the first `FIRST_COMMIT` rows, then every `commit_every`.
    """
    journal.start_plan()  # the last plan stays until this one is complete
    journal.begin()
    count = 0
    for count, (contact, composed) in enumerate(rows, start=1):
        if plan_row(contact, composed, journal, rules, gate) and isinstance(composed, Message):
            to_send(composed)
        if count % commit_every == 0 or count == FIRST_COMMIT:
            journal.commit()
            on_commit(count)
            journal.begin()
    journal.finish_plan()
    on_commit(count)


def plan_row(
    contact: Contact,
    composed: Message | Outcome,
    plan: PlanStore,
    rules: ResumeRules,
    gate: Gate | None = None,
) -> bool:
    """Decide one row, composed already; True when this run sends its message."""
    if isinstance(composed, Outcome):
        plan.add_row(contact.row, contact.values, outcome=composed)
        return False
    if (excluded := _excluded(gate, plan, contact, composed)) is not None:
        # No key: an excluded row never makes a later, consenting row a duplicate.
        plan.add_row(contact.row, contact.values, phone=composed.phone, outcome=excluded)
        return False
    return _plan_message(plan, contact.values, contact.previous, composed, rules)


def _excluded(
    gate: Gate | None, plan: PlanStore, contact: Contact, message: Message
) -> Outcome | None:
    """The sender's own rules (docs/spec.md section 7); what an earlier run sent stays `sent`."""
    outcome = gate.check(contact.values, message.phone) if gate is not None else None
    if outcome is None:
        return None
    known = plan.known(message.key)
    return None if known is not None and known.status == Status.SENT.value else outcome


def _plan_message(
    journal: PlanStore, values: tuple[Any, ...], previous: Any, message: Message, rules: ResumeRules
) -> bool:
    """Send, hold as a duplicate, keep as sent, or queue again (docs/spec.md section 4).

    True when this run sends the message.
    """
    row, key, phone = message.row, message.key, message.phone
    first = journal.first_row_with(key)
    if first is not None:
        outcome = Outcome(
            lifecycle.first(Move.REPEATED), "duplicate", _("same as row {row}").format(row=first)
        )
        journal.add_row(row, values, key=key, phone=phone, outcome=outcome)
        return False
    known = journal.known(key)
    if known is None:
        sent_before = _sent_in_fed_back_report(previous, message)
        earlier = None if rules.allow_resend else journal.earlier_delivery(phone)
        if sent_before is not None:
            _add_message(journal, message, sent_before)
            journal.add_row(row, values, key=key, phone=phone, outcome=sent_before)
            return False
        if earlier is not None:
            said = (
                _(
                    "this phone got a message from row {row} at {when} in an earlier run "
                    "(--allow-resend sends it anyway)"
                ).format(row=earlier.row, when=_shown_iso(earlier.sent_at))
                if earlier.sent_at
                else _(
                    "this phone got a message from row {row} in an earlier run "
                    "(--allow-resend sends it anyway)"
                ).format(row=earlier.row)
            )
            outcome = Outcome(lifecycle.first(Move.REPEATED), "already_messaged", said)
            journal.add_row(row, values, key=key, phone=phone, outcome=outcome)
            return False
        _add_message(journal, message, Outcome(lifecycle.first(Move.PLANNED)))
        sends = True
    elif lifecycle.rerun_move(
        Status(known.status), retry_failed=rules.retry_failed,
        retry_uncertain=rules.retry_uncertain, code=known.code,
        retry_at=datetime.fromisoformat(known.retry_at) if known.retry_at else None,
    ):  # fmt: skip
        journal.set_pending(key)  # the journal makes the move: only from failed or uncertain
        sends = True
    else:
        sends = known.status in lifecycle.SENDABLE
    # a fallback column's phone
    note = _("from {column}").format(column=message.source) if message.source else ""
    journal.add_row(row, values, key=key, phone=phone, note=note)
    return sends


def _shown_iso(text: str) -> str:
    """A time the journal keeps (ISO 8601) as the active language shows it."""
    try:
        return shown_datetime(datetime.fromisoformat(text), seconds=True)
    except ValueError:
        return text[:19].replace("T", " ")


def _add_message(journal: PlanStore, message: Message, outcome: Outcome) -> None:
    journal.add_message(
        message.key, phone=message.phone, message=message.text,
        request=encode_request(message), row=message.row, outcome=outcome,
    )  # fmt: skip


def _sent_in_fed_back_report(previous: Any, message: Message) -> Outcome | None:
    """A fed-back report row already `sent` with the same phone and message stays sent."""
    if not previous or str(previous.get("result_status", "")).strip() != Status.SENT.value:
        return None
    if str(previous.get("result_phone", "")).strip() != message.phone:
        return None
    if str(previous.get("result_message", "")).strip() != message.text.strip():
        return None
    sent_at = previous.get("result_sent_at")
    if isinstance(sent_at, str) and sent_at:  # a CSV report holds ISO text, a sheet a date-time
        with contextlib.suppress(ValueError):
            sent_at = datetime.fromisoformat(sent_at)
    detail = _("sent in an earlier run (from the report fed back)")
    return Outcome(
        lifecycle.first(Move.SENT_BEFORE), "", detail,
        _int_or_zero(previous.get("result_attempts")),
        _int_or_none(previous.get("result_http_status")),
        str(previous.get("result_message_id") or "") or None,
        str(previous.get("result_whatsapp_id") or "") or None,
        sent_at.astimezone() if isinstance(sent_at, datetime) else None,
    )  # fmt: skip


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _int_or_zero(value: Any) -> int:
    return _int_or_none(value) or 0
