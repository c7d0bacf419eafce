"""Preview: a dry run with no journal yet, planned straight into its report.

A dry run never keeps a journal. When the campaign has none yet (the usual first look at a
list), nothing can be known about its rows, so they are planned in memory and each row goes
to the report as soon as it is decided: no SQLite at all. With a journal (a dry run after a
live run), the engine plans into a throwaway copy of it instead, to show what a rerun sends.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .. import lifecycle
from ..journal.store import Known
from ..lifecycle import Move, Status
from ..protect.rules import Gate
from ..records import Message, Outcome, RowResult
from ..seen import Seen, identity_key
from .composing import Composed
from .plan import ResumeRules, plan_row


class MemoryPlan:
    """The plan of a run with no history: which identity each row has, in this run only."""

    def __init__(self) -> None:
        self.first_rows = Seen()
        """Each identity's first row, compact for a million of them."""
        self.current: Message | None = None
        self.settled: Outcome | None = None
        """An identity's outcome known before sending (a fed-back report's `sent`)."""
        self.result: RowResult | None = None
        self.messages = 0
        self.phones = Seen()
        """The distinct phones messaged, as numbers."""

    def first_row_with(self, key: str) -> int | None:
        return self.first_rows.get(identity_key(key))

    def known(self, key: str) -> Known | None:
        return None

    def earlier_delivery(self, phone: str) -> Known | None:
        return None

    def set_pending(self, key: str) -> None:
        raise AssertionError("nothing is known, so nothing is queued again")

    def add_message(
        self, key: str, *, phone: str, message: str, request: str, row: int, outcome: Outcome
    ) -> None:
        self.settled = None if outcome.status is Status.PENDING else outcome

    def add_row(
        self,
        row: int,
        cells: Sequence[Any],
        *,
        key: str | None = None,
        phone: str = "",
        outcome: Outcome | None = None,
        note: str = "",
    ) -> None:
        text = self.current.text if key is not None and self.current else ""
        if key is not None:
            self.first_rows.setdefault(identity_key(key), row)
        if outcome is None or outcome.status is Status.SENT:
            outcome = self.settled or Outcome(lifecycle.first(Move.PREVIEWED), detail=note)
            if outcome.status is Status.READY:
                self.messages += 1
                self.phones.add(int(phone))
        self.result = RowResult(row, tuple(cells), outcome, phone, text)


def planned_results(
    rows: Iterable[Composed],
    rules: ResumeRules,
    plan: MemoryPlan,
    gate: Gate | None = None,
) -> Iterator[RowResult]:
    """Each row's result as soon as it is planned, in input order (`composing.composed_rows`
    gives the rows)."""
    for contact, composed in rows:
        plan.current = composed if isinstance(composed, Message) else None
        plan.settled = None
        plan_row(contact, composed, plan, rules, gate)
        assert plan.result is not None
        yield plan.result
