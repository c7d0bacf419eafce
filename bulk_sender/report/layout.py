"""Layout: what a report holds, whatever its format (docs/spec.md section 5).

The `result_*` columns after the input's own, under titles in the active language
(`result_columns.py` names them and reads them back in any language), the sheets' names,
where a CSV report's summary goes, and one row's result cells, its status in words. The
writers are `workbook.py` (CSV, and where the file goes) and `xlsx.py` (the workbook);
`contacts/load.py` reads them back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ..language import _
from ..records import RowResult
from ..result_columns import RESULT_COLUMNS, results_sheet_name, summary_sheet_name, title

# Stored as text with Excel's "@" format, so every digit shows and an edit keeps it text.
TEXT_COLUMNS = frozenset(
    ("result_detail", "result_phone", "result_message", "result_message_id", "result_whatsapp_id",
     "result_reply")
)  # fmt: skip
EXCEL_MAX_ROWS = 1_048_576
REPORT_SUFFIXES = (".xlsx", ".csv")

Summary = Sequence[tuple[str, Any]]
"""The summary sheet's rows: (item, value)."""


def result_titles() -> tuple[str, ...]:
    """The result columns' titles in the active language, in order ("Estado", "Status")."""
    return tuple(title(name) for name in RESULT_COLUMNS)


def summary_csv_path(path: Path) -> Path:
    """Where a `.csv` report's summary goes: `<name>-summary.csv` beside it."""
    return path.with_name(f"{path.stem}-summary.csv")


def result_cells(result: RowResult) -> tuple[Any, ...]:
    """The `result_*` cells of one row; times are local, as Excel has no time zones."""
    outcome = result.outcome
    return (
        result.row, _(outcome.status.value), outcome.result_detail, result.phone, result.message,
        outcome.attempts or None, outcome.http_status, outcome.message_id, outcome.whatsapp_id,
        _local(outcome.sent_at), outcome.reply, _local(outcome.replied_at),
    )  # fmt: skip


def _local(when: datetime | None) -> datetime | None:
    return _to_millisecond(when.astimezone()) if when else None


def _to_millisecond(when: datetime) -> datetime:
    """Local, naive, to the nearest millisecond: a sheet's date-time is a fraction of a day,
    read back to the millisecond, so a report fed back keeps its times exactly."""
    when = when.replace(tzinfo=None) + timedelta(microseconds=500)
    return when.replace(microsecond=when.microsecond // 1000 * 1000)


__all__ = ["RESULT_COLUMNS", "result_titles", "results_sheet_name", "summary_sheet_name"]
