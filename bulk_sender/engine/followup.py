"""Follow-up: `settle` and `replies`, a campaign's rows looked up in Plazbot's own records.

As docs/spec.md section 9 has it. Both open the campaign's journal under its lock (never
beside a run of it), read Plazbot through the campaign's own target and credentials, with its
concurrency and rate limit, and never send anything. Each answer is journaled as it comes,
so a follow-up cut short keeps what it learnt; the report is rebuilt from the journal at the
end. What a lookup proves is decided in `settling.py` (one row) and `hearing.py` (one phone).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import httpx

from ..delivery.limits import RateLimiter
from ..delivery.lookups import Lookups
from ..delivery.sender import make_client
from ..delivery.wire import Target
from ..errors import ConfigError, InputError
from ..journal.followup import FollowUp
from ..journal.reading import read_meta
from ..journal.store import Journal
from ..language import _
from .budgeting import gathered
from .campaign import Mode, Settings, rebuild_report, target_for
from .options import recorded_settings

JOURNAL_SUFFIX = ".journal.sqlite3"
Progress = Callable[[int, int], None]
"""(done, total): called as rows (or phones) are looked up."""
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class FollowUpResult:
    """What a follow-up found, counted per outcome, and the report rebuilt after it."""

    counts: dict[str, int]
    journal: Path
    report: Path | None = None
    notices: tuple[str, ...] = field(default=())


def find_journal(name: str, reports: Path = Path("reports")) -> Path:
    """A journal named by path, or a campaign's by its name (`reports/<name>.journal.sqlite3`)."""
    given = Path(name)
    if given.is_file():
        return given
    beside = reports / f"{given.name.removesuffix(JOURNAL_SUFFIX)}{JOURNAL_SUFFIX}"
    if given.name == name and beside.is_file():
        return beside
    raise InputError(
        _("{name}: no such campaign or journal").format(name=name),
        hint=_("give the campaign's name (a file {file}) or its journal").format(
            file=f"{reports}/NAME{JOURNAL_SUFFIX}"
        ),
    )


def campaign_target(journal: Path, env: Mapping[str, str], api_url: str | None) -> Settings:
    """The settings the campaign last sent with, today's credentials, checked to be its target."""
    settings = recorded_settings(journal, env)
    if settings.mode is not Mode.LIVE:
        raise ConfigError(
            _(
                "{file}: this campaign was sent to the bundled sandbox, whose records ended "
                "with its run: there is nothing to look up"
            ).format(file=journal),
        )
    if api_url:
        settings = dataclasses.replace(settings, api_url=api_url)
    target, __ = target_for(settings)
    recorded = read_meta(journal).get("target", target)
    if _workspace(target) != _workspace(recorded):  # the URL may move; the workspace may not
        raise ConfigError(
            _(
                "{file}: PLAZBOT_WORKSPACE_ID is not the workspace this campaign sent with; "
                "another workspace's records cannot tell what became of its messages"
            ).format(file=journal),
        )
    return settings


def _workspace(target: str) -> str:
    """The hash of the workspace id in a journal's target (`campaign.target_for`)."""
    return target.rpartition("#")[2]


async def looked_up(
    journal_path: Path,
    settings: Settings,
    work: Callable[[FollowUp, Lookups], Awaitable[Counter[str]]],
    transport: httpx.AsyncBaseTransport | None,
) -> FollowUpResult:
    """Open the journal under its lock and a client to Plazbot; run `work`; rebuild the report."""
    assert settings.workspace_id
    target = Target(settings.api_url, settings.workspace_id, settings.api_key)
    with Journal(journal_path) as journal:
        async with make_client(target, settings.send, transport) as client:
            lookups = Lookups(client, RateLimiter(settings.send.rate), settings.workspace_id)
            counts = await work(FollowUp(journal), lookups)
    report = rebuild_report(journal_path, _report_path(journal_path, settings))
    return FollowUpResult(dict(counts), journal_path, report)


async def each(
    items: Iterable[_T],
    check: Callable[[_T], Awaitable[str]],
    concurrency: int,
    progress: Progress | None,
) -> Counter[str]:
    """`check` every item, `concurrency` at a time, counting what each returns."""
    items = list(items)
    counts: Counter[str] = Counter()
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(item: _T) -> None:
        async with gate:
            counts[await check(item)] += 1
        if progress is not None:
            progress(sum(counts.values()), len(items))

    await gathered(one(item) for item in items)
    return counts


def _report_path(journal: Path, settings: Settings) -> Path:
    """The campaign's report, where its runs wrote it."""
    if settings.report is not None:
        return settings.report
    stem = journal.name.removesuffix(JOURNAL_SUFFIX)
    csv = journal.with_name(f"{stem}.csv")
    return csv if csv.is_file() else journal.with_name(f"{stem}.xlsx")
