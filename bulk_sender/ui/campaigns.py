"""The Result and Campaigns steps: campaigns of the working folder, read from their files.

Everything here reads what every run writes: the report and its summary (the counts, the
rows) and the journal (the settings a campaign resumes with), so a campaign started in a
terminal shows and resumes here, and the other way round.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import lifecycle
from ..contacts.load import open_contacts
from ..errors import InputError, JournalError
from ..journal.reading import read_meta
from ..lifecycle import Status
from ..report.workbook import summary_csv_path
from .contacts import display

JOURNAL_SUFFIX = ".journal.sqlite3"
PROBLEMS = tuple(s.value for s in lifecycle.PROBLEMS)
MAX_ROWS = 1000


def journal_name(name: str) -> str:
    """A campaign name from the page, checked to name a file of the reports folder only."""
    if not name or name != Path(name).name or name.startswith("."):
        raise InputError(f"{name!r}: not a campaign name")
    return name


def report_of(reports_dir: Path, name: str) -> Path | None:
    """The campaign's report: `reports/<campaign>.xlsx` (or `.csv`), as the CLI names it."""
    for suffix in (".xlsx", ".csv"):
        path = reports_dir / f"{journal_name(name)}{suffix}"
        if path.is_file():
            return path
    return None


def read_summary(report: Path) -> dict[str, Any]:
    """The report's summary sheet (or `-summary.csv`) as item -> value."""
    if report.suffix.lower() == ".csv":
        table = open_contacts(summary_csv_path(report))
    else:
        table = open_contacts(report, sheet="summary")
    return {str(c.values[0]): c.values[1] for c in table.contacts() if len(c.values) > 1}


def describe(reports_dir: Path, name: str) -> dict[str, Any]:
    """One campaign for the page: counts per status, last run, mode and how to resume."""
    journal = reports_dir / f"{journal_name(name)}{JOURNAL_SUFFIX}"
    report = report_of(reports_dir, name)
    summary = read_summary(report) if report else {}
    counts = {
        item.removeprefix("status "): int(value)
        for item, value in summary.items()
        if item.startswith("status ") and isinstance(value, int | float) and value
    }
    ended = summary.get("ended")
    if not isinstance(ended, datetime) and journal.is_file():
        ended = datetime.fromtimestamp(journal.stat().st_mtime)
    return {
        "name": name,
        "counts": counts,
        "row_count": sum(counts.values()),
        "last_run": ended.isoformat(sep=" ", timespec="seconds") if ended else "",
        "mode": str(summary.get("mode") or ""),
        "template": str(summary.get("template") or ""),
        "input": str(summary.get("input") or ""),
        "stopped": str(summary.get("stopped because") or ""),
        "report": report.name if report else "",
        "resumable": bool(counts.get(Status.PENDING)) and _resumable(journal),
    }


def list_campaigns(reports_dir: Path) -> list[dict[str, Any]]:
    """The campaigns of the working folder, latest first."""
    journals = sorted(
        reports_dir.glob(f"*{JOURNAL_SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True
    )
    return [describe(reports_dir, p.name.removesuffix(JOURNAL_SUFFIX)) for p in journals]


def report_rows(report: Path, statuses: Collection[str] = ()) -> dict[str, Any]:
    """The report's rows with their status and reason, all or some statuses, at most MAX_ROWS."""
    table = open_contacts(report)
    rows: list[dict[str, Any]] = []
    matched = 0
    for contact in table.contacts():
        result = contact.previous or {}
        if statuses and str(result.get("result_status")) not in statuses:
            continue
        matched += 1
        if len(rows) < MAX_ROWS:
            rows.append({
                "row": _row_number(result.get("result_row"), contact.row),
                "status": str(result.get("result_status") or ""),
                "detail": display(result.get("result_detail")),
                "phone": display(result.get("result_phone")),
                "message": display(result.get("result_message")),
            })  # fmt: skip
    return {"rows": rows, "matched": matched, "shown": len(rows)}


def _row_number(cell: Any, fallback: int) -> int:
    """The row number the report shows (a sheet gives 7.0, a CSV "7")."""
    try:
        return int(float(cell))
    except (TypeError, ValueError):
        return fallback


def journal_of(report: Path) -> Path:
    """The journal beside a campaign's report, where its settings are kept."""
    return report.with_name(f"{report.stem}{JOURNAL_SUFFIX}")


def _resumable(journal: Path) -> bool:
    """Whether the journal keeps the settings of its last run (the page resumes from them)."""
    try:
        return bool(read_meta(journal).get("settings"))
    except JournalError:
        return False
