"""Report: one row per input row, what happened and why, made for Excel (SPEC section 5).

XLSX is written with XlsxWriter in constant-memory mode (rows stream to disk), with
`strings_to_formulas` off so no cell from the input or the API ever executes.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from .errors import ReportError
from .records import RowResult, Status

RESULT_COLUMNS = (
    "result_row", "result_status", "result_detail", "result_phone", "result_message",
    "result_attempts", "result_http_status", "result_message_id", "result_whatsapp_id",
    "result_sent_at",
)  # fmt: skip
EXCEL_MAX_ROWS = 1_048_576
STATUS_COLOURS = {
    Status.SENT: "#C6EFCE",
    Status.FAILED: "#FFC7CE",
    Status.UNCERTAIN: "#FFEB9C",
    Status.INVALID: "#D9D9D9",
    Status.DUPLICATE: "#D9D9D9",
}
MAX_WIDTH = 60
# OWASP CSV injection: a spreadsheet executes cells starting with these.
RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")


def result_cells(result: RowResult) -> tuple[Any, ...]:
    """The `result_*` cells of one row."""
    outcome = result.outcome
    sent_at = outcome.sent_at.astimezone().replace(tzinfo=None) if outcome.sent_at else None
    return (
        result.row, outcome.status.value, outcome.result_detail, result.phone, result.message,
        outcome.attempts or None, outcome.http_status, outcome.message_id, outcome.whatsapp_id,
        sent_at,
    )  # fmt: skip


def check_writable(path: Path) -> None:
    """Fail before sending if the report cannot be written (open in Excel, say)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        existed = path.exists()
        with path.open("ab"):
            pass
        if not existed:
            path.unlink()
    except OSError as exc:
        raise ReportError(
            f"{path}: cannot write the report ({exc.strerror or exc})",
            hint="close it in Excel, or choose another with --report",
        ) from exc


def write_report(
    path: Path,
    columns: Sequence[str],
    results: Callable[[], Iterable[RowResult]],
    summary: Sequence[tuple[str, Any]],
) -> Path:
    """Write the report; if `path` is locked, write beside it. Returns where it went.

    `results` is called once per attempt, so a second attempt starts from the first row.
    """
    try:
        _write(path, columns, results(), summary)
        return path
    except OSError:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        fallback = path.with_name(f"{path.stem}-{stamp}{path.suffix}")
        _write(fallback, columns, results(), summary)
        return fallback


def _write(
    path: Path,
    columns: Sequence[str],
    results: Iterable[RowResult],
    summary: Sequence[tuple[str, Any]],
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        _write_csv(path, columns, results, summary)
    else:
        _write_xlsx(path, columns, results, summary)


def _write_csv(
    path: Path,
    columns: Sequence[str],
    results: Iterable[RowResult],
    summary: Sequence[tuple[str, Any]],
) -> None:
    # Excel reads UTF-8 only with a BOM.
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([csv_cell(c) for c in (*columns, *RESULT_COLUMNS)])
        for result in results:
            writer.writerow([csv_cell(c) for c in (*result.values, *result_cells(result))])
    summary_path = path.with_name(f"{path.stem}-summary.csv")
    with summary_path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["item", "value"])
        writer.writerows([csv_cell(k), csv_cell(v)] for k, v in summary)


def csv_cell(value: Any) -> str:
    """A cell as CSV text, with `'` before anything a spreadsheet would execute."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        text = value.isoformat(sep=" ", timespec="seconds")
    else:
        text = str(value)
    return f"'{text}" if text.startswith(RISKY_STARTS) else text


class _Sheet:
    """A `results` sheet being written, with its column widths."""

    def __init__(
        self, book: Any, name: str, headers: Sequence[str], formats: dict[str, Any]
    ) -> None:
        self.sheet = book.add_worksheet(name)
        self.widths = [min(MAX_WIDTH, max(8, len(h) + 2)) for h in headers]
        self.rows = 0
        for col, header in enumerate(headers):
            self.sheet.write_string(0, col, header, formats["header"])
        self.sheet.freeze_panes(1, 0)

    def finish(self, headers: Sequence[str]) -> None:
        for col, width in enumerate(self.widths):
            self.sheet.set_column(col, col, width)
        self.sheet.autofilter(0, 0, max(self.rows, 1), len(headers) - 1)


def _write_xlsx(
    path: Path,
    columns: Sequence[str],
    results: Iterable[RowResult],
    summary: Sequence[tuple[str, Any]],
) -> None:
    options = {
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
        "remove_timezone": True,
    }
    headers = (*columns, *RESULT_COLUMNS)
    status_col = len(columns) + 1
    with xlsxwriter.Workbook(str(path), options) as book:
        formats = {
            "header": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
            "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
            "date": book.add_format({"num_format": "yyyy-mm-dd"}),
            "time": book.add_format({"num_format": "hh:mm:ss"}),
            "text": book.add_format({"num_format": "@"}),
        }
        status_formats = {
            status: book.add_format({"bg_color": colour})
            for status, colour in STATUS_COLOURS.items()
        }
        sheets = [_Sheet(book, "results", headers, formats)]
        for result in results:
            if sheets[-1].rows + 1 >= EXCEL_MAX_ROWS:
                sheets[-1].finish(headers)
                sheets.append(_Sheet(book, f"results {len(sheets) + 1}", headers, formats))
            current = sheets[-1]
            current.rows += 1
            cells = (*result.values, *result_cells(result))
            for col, value in enumerate(cells):
                fmt = status_formats.get(result.outcome.status) if col == status_col else None
                width = _write_cell(current.sheet, current.rows, col, value, fmt, formats,
                                    as_text=col > status_col)  # fmt: skip
                if width > current.widths[col]:
                    current.widths[col] = min(MAX_WIDTH, width)
        sheets[-1].finish(headers)
        _write_summary(book.add_worksheet("summary"), summary, formats)


def _write_cell(
    sheet: Any, row: int, col: int, value: Any, fmt: Any, formats: dict[str, Any], *, as_text: bool
) -> int:
    """Write one cell as its type; every string is literal text. Returns its display width."""
    if value is None or value == "":
        if fmt is not None:
            sheet.write_blank(row, col, None, fmt)
        return 0
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value, fmt)
        return 5
    if isinstance(value, int | float | Decimal) and not as_text:
        sheet.write_number(row, col, float(value), fmt)
        return len(str(value)) + 2
    if isinstance(value, datetime):
        sheet.write_datetime(row, col, value.replace(tzinfo=None), formats["datetime"])
        return 20
    if isinstance(value, date):
        sheet.write_datetime(row, col, datetime.combine(value, time()), formats["date"])
        return 12
    if isinstance(value, time):
        sheet.write_datetime(row, col, value, formats["time"])
        return 10
    text = str(value)
    sheet.write_string(
        row, col, text, fmt if fmt is not None else formats["text"] if as_text else None
    )
    return max((len(line) for line in text.splitlines()), default=0) + 2


def _write_summary(sheet: Any, summary: Sequence[tuple[str, Any]], formats: dict[str, Any]) -> None:
    sheet.write_string(0, 0, "item", formats["header"])
    sheet.write_string(0, 1, "value", formats["header"])
    for row, (label, value) in enumerate(summary, start=1):
        sheet.write_string(row, 0, str(label))
        _write_cell(sheet, row, 1, value, None, formats, as_text=False)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 80)


def read_report(path: Path) -> tuple[list[str], list[list[Any]]]:
    """Read a report's `results` sheet back (for tests and users' scripts)."""
    from .load import open_contacts

    table = open_contacts(path)
    headers = [*table.columns, *table.result_columns]
    rows = [[*contact.values, *(contact.previous or {}).values()] for contact in table.contacts()]
    return headers, rows
