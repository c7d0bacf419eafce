"""Plain immutable records passed between the pipeline stages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .lifecycle import Status


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
    body_names: tuple[str, ...] = ()
    """The body variables' names (Plazbot's named variables); empty for `1`, `2`, `3`..."""
    header_names: tuple[str, ...] = ()
    send_type: str | None = None
    """Plazbot's `sendType` ("1" campaign, "2" individual, "3" API); None sends none."""

    def body_variables(self) -> tuple[tuple[str, str], ...]:
        """(name, value) pairs in sending order; numbered ones are named `1`, `2`, `3`..."""
        return _named(self.body_names, self.body)

    def header_variables(self) -> tuple[tuple[str, str], ...]:
        return _named(self.header_names, self.header)

    def describe(self) -> str:
        """What the report shows as the message: `name({{1}}=Ana, {{orderId}}=P-1)`.

        Also the text of the row's identity: a numbered call reads as it always has, so
        journals of earlier versions resume without sending anything again.
        """
        parts = [f"{{{{{n}}}}}={v}" for n, v in self.body_variables()]
        parts += [f"header {{{{{n}}}}}={v}" for n, v in self.header_variables()]
        if self.media_url:
            parts.append(f"file={self.media_url}")
        return f"{self.name}({', '.join(parts)})"


def _named(names: tuple[str, ...], values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    names = names or tuple(str(i) for i in range(1, len(values) + 1))
    return tuple(zip(names, values, strict=True))


@dataclass(frozen=True, slots=True)
class Message:
    """One message ready to send: who gets it, what it says, and its identity."""

    row: int
    phone: str
    """Digits with country code, no `+`: what the API takes."""
    text: str
    """The rendered message, or the template call for approved templates."""
    key: str
    """The identity hash: phone plus message (docs/spec.md section 4)."""
    wa_template: WaTemplate | None = None
    source: str = ""
    """The phone column this row's phone came from, when not the first one tried."""


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
    reply: str | None = None
    """The customer's latest message after this one was sent (`bulk-sender replies`)."""
    replied_at: datetime | None = None

    @property
    def result_detail(self) -> str:
        """`code: words`, the report's `result_detail` (docs/spec.md section 3)."""
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
