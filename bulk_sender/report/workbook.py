"""Report: one row per input row, what happened and why, made for Excel (docs/spec.md section 5).

`write_report` writes the file under a temporary name and moves it into place, or beside it
when Excel holds the old one open; the CSV form is here, the workbook is `xlsx.py`, and what
both hold is `layout.py`. `check_writable` fails a run before it sends if the report could not
be written at its end.

A CSV report's header row holds the result columns' titles in the active language
("Estado", "Status"); its sibling `<name>-summary.csv` has three columns, the item a person
reads, its value (numbers and dates as the locale writes them) and a stable key for scripts
(`status sent`, `reason invalid_phone`, `started`), and ends with one row per result
column, `column result_status` as its key and the column's machine name as its value, after
its title: a script maps the report's header to machine names from there, or reads the
titles in any language with `result_columns.recognise_header`.
"""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path

from xlsxwriter.exceptions import FileCreateError

from ..contacts.cells import csv_cell
from ..errors import ReportError
from ..language import _
from ..records import RowResult
from .layout import (
    EXCEL_MAX_ROWS,
    REPORT_SUFFIXES,
    Summary,
    result_cells,
    result_titles,
    summary_csv_path,
)
from .partial import remove_quietly
from .words import as_text, worded
from .xlsx import summary_headers, write_xlsx


def check_writable(path: Path) -> None:
    """Fail before sending if the report cannot be written (open in Excel, say)."""
    if path.suffix.lower() not in REPORT_SUFFIXES:
        raise ReportError(
            _("{path}: a report is .xlsx or .csv").format(path=path),
            hint=_("choose one with --report"),
        )
    targets = [path, summary_csv_path(path)] if path.suffix.lower() == ".csv" else [path]
    for target in targets:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            existed = target.exists()
            # Appending nothing changes no byte, yet fails on a file Excel holds open.
            with target.open("ab"):
                pass
            if not existed:  # another run checking the same report may have removed it
                target.unlink(missing_ok=True)
        except OSError as exc:
            raise ReportError(
                _("{path}: cannot write the report ({reason})").format(
                    path=target, reason=exc.strerror or exc
                ),
                hint=_("close it in Excel, or choose another with --report"),
            ) from exc


def write_report(
    path: Path,
    columns: Sequence[str],
    results: Iterable[RowResult],
    summary: Callable[[], Summary],
    *,
    sheet_rows: int = EXCEL_MAX_ROWS,
    notices: list[str] | None = None,
) -> Path:
    """Write the report, or beside `path` if that is held open. Returns where it went.

    Why it went elsewhere is added to `notices`, for the caller to show; without a list
    (`bulk-sender report`), it is printed on stderr.

    It is written under a temporary name, then moved into place: a run stopped while
    writing never leaves half a report where the last good one was. `sheet_rows` is the
    most rows a sheet holds, header included. `summary` is called once the rows are
    written, so it can count them as they stream by.
    """
    partial = path.with_name(f"{path.stem}.partial{path.suffix}")
    try:
        _write(partial, columns, results, summary, sheet_rows)
    except (OSError, FileCreateError) as exc:
        remove_quietly(partial, summary_csv_path(partial))  # never half a report left behind
        reason = exc.args[0] if isinstance(exc, FileCreateError) else exc  # it wraps an OSError
        raise ReportError(
            _("{path}: cannot write the report ({reason})").format(
                path=path, reason=getattr(reason, "strerror", None) or reason
            ),
            hint=_(
                "free some space or choose another --report, then run the same command again: "
                "nothing is sent twice"
            ),
        ) from exc
    if path.suffix.lower() == ".csv":
        _put_in_place(summary_csv_path(partial), summary_csv_path(path), notices)
    return _put_in_place(partial, path, notices)


def _put_in_place(written: Path, target: Path, notices: list[str] | None) -> Path:
    """Move a written file over `target`, or to a dated name beside it if Excel holds it."""
    try:
        os.replace(written, target)
        return target
    except OSError as exc:
        failure = exc.strerror or str(exc)
    fallback = target.with_name(f"{target.stem}-{datetime.now():%Y%m%d-%H%M%S}{target.suffix}")
    try:
        os.replace(written, fallback)
    except OSError:
        fallback = written  # complete all the same: say where it is
    # The caller prints the path it gets; this says why it is not the one asked for.
    notice = _("bulk-sender: cannot write {path} ({reason}); wrote {written}").format(
        path=target, reason=failure, written=fallback
    )
    if notices is None:
        print(notice, file=sys.stderr)
    else:
        notices.append(notice)
    return fallback


def _write(
    path: Path,
    columns: Sequence[str],
    results: Iterable[RowResult],
    summary: Callable[[], Summary],
    limit: int,
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        _write_csv(path, columns, results, summary)
    else:
        write_xlsx(path, columns, results, summary, limit)


def _write_csv(
    path: Path, columns: Sequence[str], results: Iterable[RowResult], summary: Callable[[], Summary]
) -> None:
    # Excel reads a CSV as UTF-8 only when it starts with a BOM.
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([csv_cell(c) for c in (*columns, *result_titles())])
        for result in results:
            writer.writerow([csv_cell(c) for c in (*result.values, *result_cells(result))])
    with summary_csv_path(path).open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(summary_headers())
        writer.writerows(
            [csv_cell(item), csv_cell(as_text(value)), key]
            for item, value, key in worded(summary())
        )
