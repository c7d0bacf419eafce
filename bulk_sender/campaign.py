"""Campaign: the whole pipeline for one run, load -> phones -> render -> send -> journal -> report.

`run_campaign(settings)` is what `bulk-sender send` calls; it can be imported and used alone.
A run first plans every row into the journal (so the report can list every row, in order),
then sends what is pending, then writes the report from the journal.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import enum
import hashlib
import json
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

import httpx

from .compose import Composer, WaTemplateSpec, decode_request
from .errors import BulkSenderError, ConfigError, InputError, JournalError, JournalFailed
from .journal import Journal, snapshot
from .load import Table, open_contacts
from .phone_columns import ColumnsUsed, phone_columns_for
from .phones import country_flag
from .plan import ResumeRules, plan_rows
from .progress import Progress
from .protect import Gate, Protection, gate_for
from .records import Message, Status
from .render import MessageTemplate, default_locale, load_template_source
from .report import check_writable, write_report
from .schedule import Schedule
from .send import (
    CONVERSATION_PATH,
    DEFAULT_API_URL,
    Sender,
    SendSettings,
    StopReason,
    Target,
    check_api_url,
    make_client,
)
from .server import ServerSettings, running_server
from .summary import Tally
from .waiting import Timer

SANDBOX_WORKSPACE = "sandbox"


class Mode(enum.StrEnum):
    DRY_RUN = "dry-run"
    LIVE = "live"
    SANDBOX = "sandbox"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything one run needs; built by the CLI from flags and environment."""

    contacts: Path
    template: str | None = None
    message: str | None = None
    wa_template: WaTemplateSpec | None = None
    mode: Mode = Mode.DRY_RUN
    campaign: str | None = None
    report: Path | None = None
    journal: Path | None = None
    sheet: str | None = None
    phone_column: str | None = None
    country: str | None = None
    locale: str | None = None
    allow_landlines: bool = False
    send: SendSettings = field(default_factory=SendSettings)
    limit: int | None = None
    retry_failed: bool = False
    retry_uncertain: bool = False
    allow_resend: bool = False
    api_url: str = DEFAULT_API_URL
    workspace_id: str | None = field(default=None, repr=False)
    api_key: str | None = field(default=None, repr=False)
    conversation_path: str = CONVERSATION_PATH
    reports_dir: Path = Path("reports")
    templates_dir: Path = Path("templates")
    command: str = ""
    """The command line that resumes this run, printed at its end and in the summary."""
    quiet: bool = False
    protection: Protection = field(default_factory=Protection)
    """Opt-outs, consent, send hours, a start time, a test send (SPEC section 7)."""


@dataclass(frozen=True, slots=True)
class RunResult:
    """What a run did: counts, where its files are, and its exit code."""

    exit_code: int
    report_path: Path
    journal_path: Path | None
    statuses: dict[str, int]
    reasons: dict[str, int]
    preview: tuple[tuple[int, str, str], ...] = ()
    distinct_messages: int = 0
    stop_detail: str = ""
    elapsed: float = 0.0
    sent_per_second: float = 0.0
    columns_used: ColumnsUsed = field(default_factory=ColumnsUsed)
    """The phone and country columns read, with how many rows each gave."""
    notices: tuple[str, ...] = ()
    """Lines for the user: the opt-out list in use, a consent-like column, held messages."""


@dataclass(frozen=True, slots=True)
class Plan:
    """The run's inputs, checked and compiled before any row is read in full."""

    table: Table
    composer: Composer
    campaign: str
    report_path: Path
    journal_path: Path
    template_label: str
    template_hash: str
    gate: Gate = field(default_factory=Gate)
    """The sender's own rules for each row: opt-outs and consent (SPEC section 7)."""


def prepare(settings: Settings) -> Plan:
    """Open the file, find the phone column, compile the template: every usage error first."""
    table = open_contacts(settings.contacts, sheet=settings.sheet)
    phone_columns = phone_columns_for(table, settings.phone_column, country_flag(settings.country))
    locale = settings.locale or default_locale(country_flag(settings.country))
    template: MessageTemplate | None = None
    if settings.wa_template is not None:
        stem, source = settings.wa_template.name, settings.wa_template.describe()
        label = f"approved template {settings.wa_template.name}"
    elif settings.template is not None:
        source, stem = load_template_source(settings.template, settings.templates_dir)
        label = f"template {settings.template}"
    elif settings.message is not None:
        source, stem, label = settings.message, "message", "inline message (-m)"
    else:
        raise ConfigError("say what to send: -t TEMPLATE, -m TEXT or --wa-template NAME")
    if settings.wa_template is None:
        name = settings.template if settings.message is None else "-m"
        template = MessageTemplate(source, table.columns, name=name or stem, locale=locale)
    composer = Composer(
        table.columns, phone_columns, template=template, wa_template=settings.wa_template,
        country=settings.country, locale=locale, allow_landlines=settings.allow_landlines,
    )  # fmt: skip
    campaign = settings.campaign or f"{settings.contacts.stem}-{stem}"
    if settings.mode is Mode.SANDBOX and not settings.campaign:
        campaign += "-sandbox"
    report = settings.report or settings.reports_dir / f"{campaign}.xlsx"
    journal = settings.journal or report.with_name(f"{report.stem}.journal.sqlite3")
    if settings.mode is Mode.DRY_RUN and not settings.report:
        report = settings.reports_dir / f"{campaign}-preview.xlsx"
    template_hash = hashlib.sha256(source.encode()).hexdigest()
    gate = gate_for(settings.protection, table.columns, country_flag(settings.country))
    return Plan(table, composer, campaign, report, journal, label, template_hash, gate)


def _rules(settings: Settings) -> ResumeRules:
    return ResumeRules(settings.retry_failed, settings.retry_uncertain, settings.allow_resend)


def target_for(settings: Settings) -> tuple[str, str]:
    """The journal's `target`: sandbox, or the API URL plus a hash of the workspace id."""
    if settings.mode is Mode.SANDBOX:
        return "sandbox", "the sandbox server"
    if settings.mode is Mode.LIVE:
        check_api_url(settings.api_url)
        if not settings.workspace_id:
            raise ConfigError(
                "--live needs PLAZBOT_WORKSPACE_ID in the environment or in a .env file"
            )
        digest = hashlib.sha256(settings.workspace_id.encode()).hexdigest()[:16]
        return f"{settings.api_url.rstrip('/')}#{digest}", f"{settings.api_url} (live)"
    return "", ""


def run_campaign(
    settings: Settings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    confirm: Callable[[int, int], bool] | None = None,
    clock: Callable[[], float] = time.monotonic,
    timer: Timer | None = None,
) -> RunResult:
    """Run one campaign from start to report; raises `BulkSenderError` for usage problems.

    `timer` is the wall clock for `--not-before` and `--send-hours` (tests pass a fake one).
    """
    plan = prepare(settings)
    target_id, target_label = target_for(settings)
    check_writable(plan.report_path)
    with _journal_for(settings, plan) as journal:
        fields = {"template": plan.template_hash, "template_label": plan.template_label,
                  "campaign": plan.campaign, "columns": json.dumps(plan.table.columns),
                  "input": str(settings.contacts), "sheet": plan.table.sheet or ""}  # fmt: skip
        if target_id:
            fields |= {"target": target_id, "target_label": target_label}
        journal.check_or_set(fields, campaign_hint=f"{plan.campaign}-2")
        journal.start_run()
        started, start_clock = datetime.now().astimezone(), clock()
        runner = _Runner(settings, plan, journal, transport, clock, timer or Timer())
        # A first Ctrl-C lets planning end and requests in flight finish; a second stops at once.
        # Either way the report is written from what the journal knows (STYLE 9).
        try:
            with _signals(runner.interrupt):
                plan_rows(
                    plan.table.contacts(), plan.composer, journal, _rules(settings), plan.gate
                )
                if settings.mode is not Mode.DRY_RUN and not runner.interrupted:
                    asyncio.run(runner.send(confirm))
        except KeyboardInterrupt:
            runner.interrupted = True
        finally:
            result = runner.finish(started, clock() - start_clock)
        return result


async def open_target(settings: Settings, stack: contextlib.AsyncExitStack) -> Target:
    """Where the run sends: the bundled server, started in `stack`, or the Plazbot API."""
    if settings.mode is Mode.SANDBOX:
        url = await stack.enter_async_context(
            running_server(ServerSettings(port=0, workspace=SANDBOX_WORKSPACE))
        )
        return Target(url, SANDBOX_WORKSPACE, conversation_path=settings.conversation_path)
    assert settings.workspace_id
    return Target(
        settings.api_url, settings.workspace_id, settings.api_key,
        conversation_path=settings.conversation_path,
    )  # fmt: skip


@contextlib.contextmanager
def _journal_for(settings: Settings, plan: Plan) -> Iterator[Journal]:
    """The campaign's journal; a dry run works on a throwaway copy and never creates one."""
    if settings.mode is not Mode.DRY_RUN:
        with Journal(plan.journal_path) as journal:
            yield journal
        return
    with snapshot(plan.journal_path) as journal:
        yield journal


class _Runner:
    """The sending part of a run, and the report at its end."""

    def __init__(
        self,
        settings: Settings,
        plan: Plan,
        journal: Journal,
        transport: httpx.AsyncBaseTransport | None,
        clock: Callable[[], float],
        timer: Timer,
    ) -> None:
        self.settings, self.plan, self.journal = settings, plan, journal
        self.transport, self.clock, self.timer = transport, clock, timer
        self.stop = StopReason.NONE
        self.stop_detail = ""
        self.send_seconds = 0.0
        self.sent_now = 0
        self.sender: Sender | None = None
        self.interrupted = False
        # Sender protection (SPEC section 7): the start time, the send hours, their waits.
        self.schedule = Schedule(
            settings.protection, journal.record, timer, clock, quiet=settings.quiet,
            limit=settings.limit,
        )  # fmt: skip
        self.failure: JournalError | None = None

    async def send(self, confirm: Callable[[int, int], bool] | None) -> None:
        messages, phones = self.journal.count_pending()
        if self.settings.limit is not None:
            messages = min(messages, self.settings.limit)
        if messages == 0:
            return
        if confirm is not None and not confirm(messages, phones):
            self.stop_detail = "not confirmed: nothing was sent"
            return
        if not await self.schedule.start():
            self.stop_detail = self.schedule.stop_detail
            return
        async with contextlib.AsyncExitStack() as stack:
            target = await self._target(stack)
            client = await stack.enter_async_context(
                make_client(target, self.settings.send, self.transport)
            )
            progress = stack.enter_context(Progress(messages, quiet=self.settings.quiet))
            self.sender = Sender(
                client, target, self.settings.send, self.journal, clock=self.clock,
                on_outcome=progress.update, on_retry=progress.retrying,
            )  # fmt: skip
            if self.interrupted:
                self.sender.interrupt()
            started = self.clock()
            sender = self.sender
            try:
                guard = await sender.send_all(self._messages())
                guard = await self.schedule.send_held(
                    guard, lambda: sender.send_all(self._messages(only_held=True))
                )
            except JournalError as exc:  # a full disk, a vanished folder: stop, keep what is known
                self.failure = exc
                raise
            self.send_seconds = self.clock() - started - self.schedule.waited
            self.sent_now = progress.counts[Status.SENT.value]
            self.stop, self.stop_detail = guard.reason, guard.detail

    def interrupt(self) -> None:
        """Ctrl-C or SIGTERM: send nothing new."""
        self.interrupted = True
        self.schedule.stop()
        if self.sender is not None:
            self.sender.interrupt()

    async def _target(self, stack: contextlib.AsyncExitStack) -> Target:
        return await open_target(self.settings, stack)

    def _messages(self, *, only_held: bool = False) -> Iterator[Message]:
        limit = None if self.schedule.held else self.settings.limit  # then the schedule limits
        messages = (
            decode_request(pending.row, pending.phone, pending.message, pending.key,
                           pending.request)
            for pending in self.journal.pending(limit)
        )  # fmt: skip
        return self.schedule.admit(messages, only_held=only_held)

    def finish(self, started: datetime, elapsed: float) -> RunResult:
        """Write the report, counting the rows as it goes; the exit code follows SPEC 3."""
        dry = self.settings.mode is Mode.DRY_RUN
        tally = Tally()
        try:
            report_path = write_report(
                self.plan.report_path, self.plan.table.columns,
                tally.watch(self.journal.results(dry_run=dry)),
                lambda: tally.rows(self._details(started, elapsed)),
            )  # fmt: skip
        except BulkSenderError as exc:
            if self.failure is None:
                raise
            raise JournalFailed(f"{self.failure} Sending stopped; no report ({exc})") from exc
        exit_code = self._exit_code(tally.statuses)
        if self.failure is not None:
            with contextlib.suppress(JournalError):
                self.journal.end_run(1)
            raise JournalFailed(
                f"{self.failure} Sending stopped, every outcome journaled is kept; "
                f"report: {report_path}"
            )
        self.journal.end_run(exit_code)
        return RunResult(
            exit_code, report_path, None if dry else self.plan.journal_path,
            dict(tally.statuses), dict(tally.reasons), tuple(tally.preview),
            tally.distinct_messages, self.stop_detail, elapsed, self.rate,
            self.plan.composer.columns_used(), (*self.plan.gate.notices, *self.schedule.notices),
        )  # fmt: skip

    @property
    def rate(self) -> float:
        """Messages this run got accepted, per second of sending."""
        return self.sent_now / self.send_seconds if self.send_seconds else 0.0

    def _exit_code(self, statuses: collections.Counter[str]) -> int:
        if self.interrupted or self.stop is StopReason.INTERRUPTED:
            return 130
        if self.stop is StopReason.ABORTED:
            return 3
        unfinished = (Status.FAILED, Status.UNCERTAIN, Status.PENDING)
        if self.settings.mode is not Mode.DRY_RUN and any(statuses[s.value] for s in unfinished):
            return 1
        return 1 if self.stop is StopReason.NETWORK_DOWN else 0

    def _details(self, started: datetime, elapsed: float) -> list[tuple[str, Any]]:
        """The summary sheet's account of the run, after the counts."""
        settings = self.settings
        dry = settings.mode is Mode.DRY_RUN
        return [
            ("mode", settings.mode.value),
            ("started", started.replace(tzinfo=None)),
            ("ended", datetime.now().astimezone().replace(tzinfo=None)),
            ("duration (s)", round(elapsed, 2)),
            ("achieved messages/s", round(self.rate, 2)),
            ("input", str(settings.contacts)),
            ("sheet", self.plan.table.sheet or ""),
            *self.plan.composer.columns_used().summary_rows(),
            ("template", self.plan.template_label),
            ("campaign", self.plan.campaign),
            ("journal", "" if dry else str(self.plan.journal_path)),
            ("stopped because", self.stop_detail),
            ("command to resume", settings.command),
        ]


def rebuild_report(journal_path: Path, output: Path | None = None) -> Path:
    """`bulk-sender report`: the report of a journal's latest run, from the journal alone."""
    if not journal_path.is_file():
        raise InputError(f"{journal_path}: no such journal")
    output = output or journal_path.with_name(
        journal_path.name.removesuffix(".sqlite3").removesuffix(".journal") + ".xlsx"
    )
    with snapshot(journal_path) as journal:  # works beside a run that is sending
        meta = journal.meta()
        if "columns" not in meta:
            raise InputError(f"{journal_path}: not a bulk-sender journal (no columns recorded)")
        columns = json.loads(meta["columns"])
        details = [(name, meta.get(name, "")) for name in ("campaign", "input", "sheet")]
        details += [("template", meta.get("template_label", "")), ("journal", str(journal_path))]
        check_writable(output)
        tally = Tally()
        return write_report(
            output, columns, tally.watch(journal.results()), lambda: tally.rows(details)
        )


@contextlib.contextmanager
def _signals(on_stop: Callable[[], None]) -> Iterator[None]:
    """Ctrl-C and SIGTERM stop dispatching; a second Ctrl-C stops at once."""
    wanted = [signal.SIGINT] + ([signal.SIGTERM] if hasattr(signal, "SIGTERM") else [])
    previous = {sig: signal.getsignal(sig) for sig in wanted}

    def handler(signum: int, frame: FrameType | None) -> None:
        print(
            "\nbulk-sender: stopping; requests in flight finish first (Ctrl-C again to stop now)",
            file=sys.stderr,
        )
        on_stop()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    for sig in wanted:
        signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


__all__ = ["Mode", "RunResult", "Settings", "prepare", "rebuild_report", "run_campaign"]
