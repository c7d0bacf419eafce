"""Plain immutable records passed between the pipeline stages."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


class Status(enum.StrEnum):
    """The outcome of one input row (SPEC section 3)."""

    READY = "ready"
    SENT = "sent"
    FAILED = "failed"
    UNCERTAIN = "uncertain"
    INVALID = "invalid"
    DUPLICATE = "duplicate"
    PENDING = "pending"


@dataclass(frozen=True, slots=True)
class Contact:
    """One data row of the contacts file, as read."""

    row: int
    """The row number the spreadsheet shows (title rows and blank lines count)."""
    values: tuple[Any, ...]
    """The cells, in the order of `Table.columns`."""
    previous: Mapping[str, Any] | None = None
    """The `result_*` cells when the file is a report fed back, else None."""


@dataclass(frozen=True, slots=True)
class WaTemplate:
    """An approved WhatsApp template call: the name and the rendered variables."""

    name: str
    body: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    media_url: str | None = None
    campaign_name: str | None = None

    def describe(self) -> str:
        """What the report shows as the message: `name(var1, var2)`."""
        parts = [f"{{{{{i}}}}}={v}" for i, v in enumerate(self.body, start=1)]
        parts += [f"header {{{{{i}}}}}={v}" for i, v in enumerate(self.header, start=1)]
        if self.media_url:
            parts.append(f"file={self.media_url}")
        return f"{self.name}({', '.join(parts)})"


@dataclass(frozen=True, slots=True)
class Message:
    """One message ready to send: who gets it, what it says, and its identity."""

    row: int
    phone: str
    """Digits with country code, no `+`: what the API takes."""
    text: str
    """The rendered message, or the template call for approved templates."""
    key: str
    """The identity hash: phone plus message (SPEC section 4)."""
    wa_template: WaTemplate | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one message, or why a row was not sent."""

    status: Status
    code: str = ""
    detail: str = ""
    attempts: int = 0
    http_status: int | None = None
    message_id: str | None = None
    whatsapp_id: str | None = None
    sent_at: datetime | None = None

    @property
    def result_detail(self) -> str:
        """`code: words`, the report's `result_detail` (SPEC section 3)."""
        if self.code and self.detail:
            return f"{self.code}: {self.detail}"
        return self.code or self.detail


@dataclass(frozen=True, slots=True)
class RowResult:
    """One report row: the input cells and what happened to them."""

    row: int
    values: tuple[Any, ...]
    outcome: Outcome
    phone: str = ""
    message: str = ""
