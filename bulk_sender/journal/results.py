"""The plan's rows read back with their outcomes: the query behind the report, and its rows.

One query (`RESULTS`) pages through a plan's rows in input order, each with its message's
latest outcome; `row_result` turns one of its rows into the report's `RowResult`, and
`is_settled` says whether a run can still change it. The run's own `Journal` (`store.py`)
and a reader in another process (`reading.py`) share them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from .. import lifecycle
from ..contacts.cells import decode_cells
from ..language import _
from ..lifecycle import Move, Status
from ..records import Outcome, RowResult

RESULTS = (
    "SELECT r.seq, r.row, r.cells, r.phone, r.status, r.code, r.detail, m.message, "
    "m.status, m.code, m.detail, m.attempts, m.http_status, m.message_id, "
    "m.whatsapp_id, m.sent_at, m.reply, m.replied_at "
    "FROM {table} r LEFT JOIN messages m ON m.key = r.key "
    "WHERE r.seq > ? ORDER BY r.seq LIMIT 1000"
)
"""A page of the plan's rows with their messages' outcomes, after a `seq`."""


def is_settled(fields: Sequence[Any]) -> bool:
    """Whether a row's outcome is final for this run (the `row_result` fields)."""
    own_status, status = fields[3], fields[7]
    return bool(own_status and own_status != Status.SENT) or status not in lifecycle.UNSETTLED


def row_result(found: Sequence[Any], *, dry_run: bool) -> RowResult:
    """One row of `RESULTS`, after its `seq`, as the report's row."""
    (row, cells, phone, own_status, own_code, own_detail, message, status, code, detail,
     attempts, http_status, message_id, whatsapp_id, sent_at,
     reply, replied_at) = found  # fmt: skip
    if own_status and own_status != Status.SENT:
        outcome = Outcome(Status(own_status), own_code, own_detail)
    elif status is None:  # planned without a message: it could not be composed
        outcome = Outcome(lifecycle.first(Move.REJECTED), own_code, own_detail)
    else:
        if (shown := lifecycle.REPORTED_AS.get((status, dry_run))) is not None:
            status, code, detail = shown  # in flight, or a dry run's pending: its own words
            detail = _(detail) if detail else detail
        if own_detail and not own_status:  # the row's note: which column gave its phone
            detail = f"{detail}; {own_detail}" if detail else own_detail
        outcome = Outcome(
            Status(status), code, detail, attempts or 0, http_status, message_id, whatsapp_id,
            _time(sent_at), reply, _time(replied_at),
        )  # fmt: skip
    return RowResult(row, decode_cells(cells), outcome, phone, message or "")


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
