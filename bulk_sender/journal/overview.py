"""Overview: what a campaign's journal says about it, for the page and for scripts.

Read without copying the file or taking its lock, so it works beside a run that is
sending (WAL gives the last committed state): the rows per status as the report shows them,
the last run, what the campaign sends and whether it can be resumed. The page's campaign
list and its rows come from here, never from a report's cells; a campaign started in a
terminal shows on the page, and the other way round.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .. import lifecycle
from ..errors import JournalError
from ..language import _
from ..records import RowResult
from .file import is_held, journal_error, read_only
from .reading import Follower
from .schema import refuse_newer

JOURNAL_SUFFIX = ".journal.sqlite3"

COUNTS = (
    "SELECT r.status, m.status, count(*) FROM rows r "
    "LEFT JOIN messages m ON m.key = r.key GROUP BY r.status, m.status"
)
LAST_RUN = "SELECT started_at, ended_at, exit_code FROM runs ORDER BY id DESC LIMIT 1"


@dataclass(frozen=True, slots=True)
class Campaign:
    """A campaign as its journal knows it."""

    name: str
    journal: Path
    counts: dict[str, int]
    """Rows per status (the report's statuses), for the latest complete plan."""
    input: str = ""
    template: str = ""
    mode: str = ""
    """`live`, `sandbox` or `dry_run`, as its last run was; empty for an older journal."""
    last_run: datetime | None = None
    """When its last run ended (or began, while it goes on), in local time."""
    exit_code: int | None = None
    stopped: str = ""
    """Why its last run stopped early, if it did."""
    resumable: bool = False
    """Whether it keeps the settings of its last run, so a front end can run it again."""
    running: bool = False
    """Whether a run holds it now."""

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def read_campaign(journal: Path) -> Campaign:
    """A campaign's overview from its journal; `JournalError` if it is not one."""
    if not journal.is_file():
        raise JournalError(_("{file}: no such journal").format(file=journal))
    try:
        db = read_only(journal)
        try:
            refuse_newer(db, journal)
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
            counts = _counts(db.execute(COUNTS).fetchall())
            last = db.execute(LAST_RUN).fetchone()
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise journal_error(journal, exc) from exc
    started, ended, exit_code = last or (None, None, None)
    return Campaign(
        name=journal.name.removesuffix(JOURNAL_SUFFIX), journal=journal, counts=counts,
        input=meta.get("input", ""), template=meta.get("template_label", ""),
        mode=_mode(meta.get("settings", "")), last_run=_local(ended or started),
        exit_code=exit_code, stopped=meta.get("stopped", ""),
        resumable=bool(meta.get("settings")), running=is_held(journal),
    )  # fmt: skip


def campaign_rows(journal: Path, statuses: Collection[str] = ()) -> Iterator[RowResult]:
    """A campaign's rows in input order with their outcomes, all or those in `statuses`."""
    follower = Follower(journal, "rows")
    try:
        for row in follower.rest():
            if not statuses or row.outcome.status in statuses:
                yield row
    finally:
        follower.close()


def list_campaigns(folder: Path) -> list[Campaign]:
    """The campaigns whose journals are in `folder`, the latest run first."""
    found = [read_campaign(path) for path in folder.glob(f"*{JOURNAL_SUFFIX}")]
    return sorted(found, key=lambda c: c.last_run or datetime.min, reverse=True)


def _counts(groups: list[tuple[str | None, str | None, int]]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for own, message, rows in groups:
        counts[lifecycle.row_status(own, message, dry_run=False).value] += rows
    return dict(counts)


def _mode(settings: str) -> str:
    try:
        return str(json.loads(settings).get("mode", ""))
    except (ValueError, AttributeError):
        return ""


def _local(when: str | None) -> datetime | None:
    """A time the journal keeps (UTC), as the user's clock shows it."""
    return datetime.fromisoformat(when).astimezone().replace(tzinfo=None) if when else None
