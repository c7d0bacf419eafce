"""Ending: a run's report, its exit code and its result, once planning and sending are over.

A long live run's report was written by a process of its own while the run sent
(`report/writers.py`, `FollowingReport`); any other is written here, on the journal's thread,
from the journal. A dry run with no journal writes its report as it plans (`preview`). Exit
codes as docs/spec.md section 3 has them.
"""

from __future__ import annotations

import collections
import contextlib
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import lifecycle
from ..delivery.limits import StopReason
from ..errors import BulkSenderError, JournalError, JournalFailed, ReportError, ReportNotWritten
from ..journal.store import Journal
from ..language import _, ngettext
from ..protect.optouts import DEFAULT_PATH as DEFAULT_OPTOUTS
from ..protect.optouts import add_phones
from ..report.summary import Tally
from ..report.writers import Details, Report, WrittenAtFinish, start_report
from .campaign import Mode, RunResult
from .composing import composed_rows
from .events import Notice, Planned
from .plan import ResumeRules
from .planning import row_estimate
from .preview import MemoryPlan, planned_results

if TYPE_CHECKING:
    from .pipeline import Run


def finish(run: Run, journal: Journal, elapsed: float) -> RunResult:
    """On the journal's thread: finish the report, counting the rows; the exit code."""
    _remember_opt_outs(run)
    try:
        report_path, tally = _report(run, journal, elapsed)
    except BulkSenderError as exc:
        if run.failure is not None:
            raise JournalFailed(
                _("{failure} Sending stopped; no report ({problem})").format(
                    failure=run.failure, problem=exc
                )
            ) from exc
        if isinstance(exc, ReportError) and run.settings.mode is not Mode.DRY_RUN:
            with contextlib.suppress(JournalError):
                journal.end_run(1, run.stop_detail)
            raise ReportNotWritten(
                _("{problem}; every outcome of this run is kept in the journal {file}").format(
                    problem=exc.args[0], file=run.plan.journal_path
                ),
                hint=_(
                    "free some space, then run the same command again, or "
                    "bulk-sender report JOURNAL: nothing is sent twice"
                ),
            ) from exc
        raise
    exit_code = _exit_code(run, tally.statuses)
    if run.failure is not None:  # a full disk, a locked file: keep what is known
        with contextlib.suppress(JournalError):
            journal.end_run(1, run.stop_detail)
        raise JournalFailed(
            _("{failure} Sending stopped, every outcome journaled is kept; report: {file}").format(
                failure=run.failure, file=report_path
            )
        )
    journal.end_run(exit_code, run.stop_detail)
    return _result(run, exit_code, report_path, tally, elapsed)


def preview(run: Run) -> RunResult:
    """A dry run with no journal (`preview.py`), on a thread: rows go straight to the report."""
    settings, plan = run.settings, run.plan
    rules = ResumeRules(settings.retry_failed, settings.retry_uncertain, settings.allow_resend)
    memory = MemoryPlan()
    rows = planned_results(composed_rows(plan), rules, memory, plan.gate)
    report = start_report(plan.report_path, plan.table.columns, row_estimate(plan.table))
    with contextlib.closing(report):
        for result in rows:
            report.add(result)
        report_path, tally = _finished(run, report, lambda: _details(run, run.elapsed()))
    counted = sum(tally.statuses.values())
    run.emit_threadsafe(Planned(counted, memory.messages, len(memory.phones), True))
    run.budget_said(len(memory.phones))
    return _result(run, _exit_code(run, tally.statuses), report_path, tally, run.elapsed())


def _report(run: Run, journal: Journal, elapsed: float) -> tuple[Path, Tally]:
    """The report: finished by its own process when it has one, else written now.

    In a process of its own, the rows were written while they were sent. A run whose
    journal failed writes it here, from what the journal holds, as does a run whose
    report process went wrong.
    """

    def details() -> list[tuple[str, Any]]:
        return _details(run, elapsed)

    dry = run.settings.mode is Mode.DRY_RUN
    from_journal = WrittenAtFinish(
        run.plan.report_path, run.plan.table.columns, lambda: journal.results(dry_run=dry)
    )
    following, run.report = run.report, None
    if following is not None and run.failure is None:
        try:
            return _finished(run, following, details)
        except ReportError as exc:  # said, then written here all the same
            _warn(
                run,
                [
                    _("bulk-sender: {problem}; writing it from the journal instead").format(
                        problem=exc
                    )
                ],
            )
    elif following is not None:
        following.close()
    return _finished(run, from_journal, details)


def _remember_opt_outs(run: Run) -> None:
    """Customers WhatsApp says stopped marketing messages (131050) go on the opt-out list, so
    no later campaign messages them (docs/spec.md section 9)."""
    if not run.opted_out:
        return
    path = run.settings.protection.optouts or DEFAULT_OPTOUTS
    try:
        added, __ = add_phones(
            path, sorted(set(run.opted_out)), country=None, now=datetime.now(),
            note=_("WhatsApp 131050: the customer stopped marketing messages"),
        )  # fmt: skip
    except BulkSenderError as exc:
        _warn(
            run, [_("bulk-sender: {problem}; add them with bulk-sender optout add").format(
                problem=exc
            )],
        )  # fmt: skip
        return
    if added:
        said = ngettext(
            "{n} customer stopped marketing messages: added to {file}",
            "{n} customers stopped marketing messages: added to {file}",
            len(added),
        ).format(n=len(added), file=path)
        run.emit_threadsafe(Notice(said))


def _finished(run: Run, report: Report, details: Details) -> tuple[Path, Tally]:
    """Finish any report, show why it went beside its path if it did, and close it."""
    with contextlib.closing(report):
        written = report.finish(details)
    _warn(run, report.notices)
    return written


def _warn(run: Run, lines: list[str]) -> None:
    """On the journal's thread: lines the front end shows as warnings (a moved report)."""
    for line in lines:
        run.emit_threadsafe(Notice(line, warning=True))


def _result(run: Run, exit_code: int, report_path: Path, tally: Tally, elapsed: float) -> RunResult:
    dry = run.settings.mode is Mode.DRY_RUN
    plan = run.plan
    schedule = run.schedule.notices if run.schedule else ()
    notices = (*plan.gate.notices, *run.budget_notices, *schedule)
    return RunResult(
        exit_code, report_path, None if dry else plan.journal_path,
        dict(tally.statuses), dict(tally.reasons), tuple(tally.preview),
        tally.distinct_messages, run.stop_detail, elapsed, run.rate,
        plan.composer.columns_used(), notices,
    )  # fmt: skip


def _exit_code(run: Run, statuses: collections.Counter[str]) -> int:
    if run.interrupted or run.cancel.cancelled or run.stop is StopReason.INTERRUPTED:
        return 130
    if run.stop is StopReason.ABORTED:
        return 3
    counted = [status for status, n in statuses.items() if n]
    if run.settings.mode is not Mode.DRY_RUN and lifecycle.unfinished(counted):
        return 1
    return 1 if run.stop in (StopReason.NETWORK_DOWN, StopReason.QUALITY) else 0


def _details(run: Run, elapsed: float) -> list[tuple[str, Any]]:
    """The summary sheet's account of the run, after the counts."""
    settings, plan = run.settings, run.plan
    dry = settings.mode is Mode.DRY_RUN
    return [
        ("mode", settings.mode.value),
        ("started", run.started.replace(tzinfo=None)),
        ("ended", datetime.now().astimezone().replace(tzinfo=None)),
        ("duration (s)", round(elapsed, 2)),
        ("achieved messages/s", round(run.rate, 2)),
        ("input", str(plan.table.path)),
        ("sheet", plan.table.sheet or ""),
        *plan.composer.columns_used().summary_rows(),
        ("template", plan.template_label),
        ("campaign", plan.campaign),
        ("journal", "" if dry else str(plan.journal_path)),
        ("stopped because", run.stop_detail),
        ("command to resume", settings.command),
    ]
