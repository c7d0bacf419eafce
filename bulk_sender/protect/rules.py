"""Protecting the sender's number: the flags of docs/spec.md section 7, and the row rules they make.

A business number that messages people who asked to stop, or wakes customers at 6 a.m.,
collects blocks and reports; WhatsApp then lowers its quality rating and its sending limit,
or bans it. The row rules live here (`Gate`: opt-outs, then consent); the send hours are
`hours.py`, waiting for a start time `engine/waiting.py`, the test send `engine/testsend.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..records import Outcome
from .consent import ConsentColumn, consent_hint
from .hours import SendHours
from .optouts import OptOuts, find_optouts, read_optouts


@dataclass(frozen=True, slots=True)
class Protection:
    """`--optouts`, `--consent-column`, `--send-hours`, `--wait`, `--not-before`, `--test-to`,
    `--daily-limit`."""

    optouts: Path | None = None
    """The opt-out list named by the user; None reads `optouts.csv` when there is one."""
    consent_column: str | None = None
    send_hours: SendHours | None = None
    wait: bool = False
    """With `send_hours`: stay and send held messages as their windows open."""
    not_before: datetime | None = None
    """The first message leaves at this moment (aware), not before."""
    test_to: str | None = None
    """Send the first `test_count` distinct messages to this phone instead of the customers."""
    test_count: int = 1
    daily_limit: int | None = None
    """`--daily-limit N`: customers started in any 24 hours, for this run (`budget.py`)."""
    data_folder: Path | None = None
    """Where the daily budgets and their ledger live; None: the user's data folder."""


class Gate:
    """The sender's own rules for one row: the opt-out list first, then consent."""

    def __init__(
        self,
        optouts: OptOuts | None = None,
        consent: ConsentColumn | None = None,
        notices: Sequence[str] = (),
    ) -> None:
        self.optouts, self.consent = optouts, consent
        self.notices = tuple(notices)
        """Lines for the user: the list in use, its unreadable rows, a consent-like column."""

    def check(self, values: Sequence[Any], phone: str) -> Outcome | None:
        """None when the row may be sent, else its `excluded` outcome."""
        if self.optouts is not None and (outcome := self.optouts.check(phone)) is not None:
            return outcome
        if self.consent is not None:
            return self.consent.check(values)
        return None


def gate_for(protection: Protection, columns: Sequence[str], country: str | None) -> Gate:
    """The row rules of a run over a file with these columns; reads the opt-out list."""
    notices: list[str] = []
    optouts = None
    path = find_optouts(protection.optouts)
    if path is not None:
        optouts = read_optouts(path, country)
        notices += optouts.notices()
    consent = None
    if protection.consent_column is not None:
        consent = ConsentColumn(columns, protection.consent_column)
    elif (hint := consent_hint(columns)) is not None:
        notices.append(hint)
    return Gate(optouts, consent, notices)
