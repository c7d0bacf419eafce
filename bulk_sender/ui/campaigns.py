"""The Result and Campaigns steps: campaigns of the working folder, as their journals say.

What the page shows about a campaign (its counts, last run, rows and whether it can be
resumed) comes from its journal through the library (`journal/overview.py`), so a campaign
started in a terminal shows and resumes here, and the other way round. A dry run keeps no
journal: the preview's problem rows are read from the report it wrote (`preview_rows`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import lifecycle
from ..contacts.load import open_contacts
from ..engine.followup import FollowUpResult, campaign_target
from ..engine.hearing import hear_replies
from ..engine.options import environment
from ..engine.settling import settle
from ..errors import InputError
from ..journal.overview import JOURNAL_SUFFIX, Campaign, campaign_rows, read_campaign
from ..journal.overview import list_campaigns as journals_of
from ..language import _
from ..lifecycle import Status
from ..protect.optouts import DEFAULT_PATH as DEFAULT_OPTOUTS
from ..protect.optouts import ENV_VAR as OPTOUTS_ENV
from ..protect.stopwords import load_stop_words
from .contacts import display

PROBLEMS = tuple(s.value for s in lifecycle.PROBLEMS)
MAX_ROWS = 1000


def journal_name(name: str) -> str:
    """A campaign name from the page, checked to name a file of the reports folder only."""
    if not name or name != Path(name).name or name.startswith("."):
        raise InputError(_("{name}: not a campaign name").format(name=repr(name)))
    return name


def report_of(reports_dir: Path, name: str) -> Path | None:
    """The campaign's report: `reports/<campaign>.xlsx` (or `.csv`), as the CLI names it."""
    for suffix in (".xlsx", ".csv"):
        path = reports_dir / f"{journal_name(name)}{suffix}"
        if path.is_file():
            return path
    return None


def journal_of(reports_dir: Path, name: str) -> Path:
    """The campaign's journal, `reports/<campaign>.journal.sqlite3`, as the CLI names it."""
    return reports_dir / f"{journal_name(name)}{JOURNAL_SUFFIX}"


def describe(reports_dir: Path, name: str) -> dict[str, Any]:
    """One campaign for the page: counts per status, last run, mode and how to resume."""
    return _described(read_campaign(journal_of(reports_dir, name)), reports_dir)


def list_campaigns(reports_dir: Path) -> list[dict[str, Any]]:
    """The campaigns of the working folder, latest first."""
    return [_described(campaign, reports_dir) for campaign in journals_of(reports_dir)]


def _described(campaign: Campaign, reports_dir: Path) -> dict[str, Any]:
    report = report_of(reports_dir, campaign.name)
    last_run = campaign.last_run
    return {
        "name": campaign.name,
        "counts": campaign.counts,
        "row_count": campaign.rows,
        "last_run": last_run.isoformat(sep=" ", timespec="seconds") if last_run else "",
        "mode": campaign.mode,
        "template": campaign.template,
        "input": campaign.input,
        "stopped": campaign.stopped,
        "report": report.name if report else "",
        "running": campaign.running,
        "resumable": bool(campaign.counts.get(Status.PENDING)) and campaign.resumable,
    }


def rows_of(reports_dir: Path, name: str, statuses: Collection[str] = ()) -> dict[str, Any]:
    """A campaign's rows from its journal, all or some statuses, at most MAX_ROWS."""
    return _page(
        {"row": result.row, "status": result.outcome.status.value,
         "detail": result.outcome.result_detail, "phone": result.phone,
         "message": result.message}
        for result in campaign_rows(journal_of(reports_dir, name), statuses)
    )  # fmt: skip


def preview_rows(report: Path, statuses: Collection[str] = ()) -> dict[str, Any]:
    """A dry run's rows from the report it wrote (it keeps no journal), all or some statuses."""
    rows = (
        {"row": _row_number(result.get("result_row"), contact.row),
         "status": str(result.get("result_status") or ""),
         "detail": display(result.get("result_detail")),
         "phone": display(result.get("result_phone")),
         "message": display(result.get("result_message"))}
        for contact in open_contacts(report).contacts()
        if (result := contact.previous or {})
    )  # fmt: skip
    return _page(row for row in rows if not statuses or row["status"] in statuses)


def _page(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """At most MAX_ROWS of the rows, and how many there are."""
    shown: list[dict[str, Any]] = []
    matched = 0
    for row in rows:
        matched += 1
        if len(shown) < MAX_ROWS:
            shown.append(row)
    return {"rows": shown, "matched": matched, "shown": len(shown)}


def _row_number(cell: Any, fallback: int) -> int:
    """The row number the report shows (a sheet gives 7.0, a CSV "7")."""
    try:
        return int(float(cell))
    except (TypeError, ValueError):
        return fallback


def follow_up(journal: Path, action: str) -> FollowUpResult:
    """`settle` or `replies` for a campaign, as the CLI runs them, with today's credentials."""
    env = environment()
    settings = campaign_target(journal, env, None)
    if action == "settle":
        work = settle(journal, settings, now=lambda: datetime.now(UTC))
    else:
        optouts = Path(env[OPTOUTS_ENV]) if env.get(OPTOUTS_ENV) else DEFAULT_OPTOUTS
        work = hear_replies(journal, settings, load_stop_words(), optouts)
    return asyncio.run(work)
