"""Campaign: what one run is, load -> phones -> render -> send -> journal -> report.

`Settings` is a run's every input, `prepare` checks them and compiles the template before any
row is read in full; `run.py` runs it to its report (`run_engine`, or `run_campaign` without
an event loop), which every front end drives.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from ..contacts.load import Table, open_contacts
from ..contacts.phone_columns import ColumnsUsed, phone_columns_for
from ..contacts.phones import country_flag
from ..delivery.wire import (
    CONVERSATION_PATH,
    DEFAULT_API_URL,
    SendSettings,
    Target,
    check_api_url,
)
from ..errors import ConfigError, InputError
from ..journal.reading import snapshot
from ..language import _
from ..messages.compose import Composer, WaTemplateSpec
from ..messages.render import MessageTemplate, default_locale, load_template_source
from ..protect.rules import Gate, Protection, gate_for
from ..report.workbook import check_writable
from ..report.writers import WrittenAtFinish
from ..sandbox.server import ServerSettings, running_server

if TYPE_CHECKING:
    from pandas import DataFrame

SANDBOX_WORKSPACE = "sandbox"


class Mode(enum.StrEnum):
    DRY_RUN = "dry-run"
    LIVE = "live"
    SANDBOX = "sandbox"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything one run needs; built by the CLI from flags and environment."""

    contacts: Path | DataFrame
    """A contacts file, or a pandas DataFrame (`frames.py`)."""
    template: str | None = None
    message: str | None = None
    wa_template: WaTemplateSpec | None = None
    mode: Mode = Mode.DRY_RUN
    campaign: str | None = None
    report: Path | None = None
    journal: Path | None = None
    sheet: str | None = None
    phone_column: str | None = None
    country_column: str | None = None
    """The column giving each row's country, or `none`; detected when None."""
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
    """Opt-outs, consent, send hours, a start time, a test send (docs/spec.md section 7)."""


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
    """The sender's own rules for each row: opt-outs and consent (docs/spec.md section 7)."""


def prepare(settings: Settings) -> Plan:
    """Open the file, find the phone column, compile the template: every usage error first."""
    if isinstance(settings.contacts, str | PurePath):
        table = open_contacts(settings.contacts, sheet=settings.sheet)
    else:  # a pandas DataFrame
        from ..contacts.frames import table_from_frame

        table = table_from_frame(settings.contacts)
    phone_columns = phone_columns_for(
        table, settings.phone_column, country_flag(settings.country), settings.country_column
    )
    locale = settings.locale or default_locale(country_flag(settings.country))
    template: MessageTemplate | None = None
    if settings.wa_template is not None:
        stem, source = settings.wa_template.name, settings.wa_template.describe()
        label = _("approved template {name}").format(name=settings.wa_template.name)
    elif settings.template is not None:
        source, stem = load_template_source(settings.template, settings.templates_dir)
        label = _("template {name}").format(name=settings.template)
    elif settings.message is not None:
        source, stem, label = settings.message, "message", _("inline message (-m)")
    else:
        raise ConfigError(_("say what to send: -t TEMPLATE, -m TEXT or --wa-template NAME"))
    if settings.wa_template is None:
        name = settings.template if settings.message is None else "-m"
        template = MessageTemplate(source, table.columns, name=name or stem, locale=locale)
    composer = Composer(
        table.columns, phone_columns, template=template, wa_template=settings.wa_template,
        country=settings.country, locale=locale, allow_landlines=settings.allow_landlines,
    )  # fmt: skip
    campaign = settings.campaign or f"{table.path.stem}-{stem}"
    if settings.mode is Mode.SANDBOX and not settings.campaign:
        campaign += "-sandbox"
    report = settings.report or settings.reports_dir / f"{campaign}.xlsx"
    journal = settings.journal or report.with_name(f"{report.stem}.journal.sqlite3")
    if settings.mode is Mode.DRY_RUN and not settings.report:
        report = settings.reports_dir / f"{campaign}-preview.xlsx"
    template_hash = hashlib.sha256(source.encode()).hexdigest()
    gate = gate_for(settings.protection, table.columns, country_flag(settings.country))
    return Plan(table, composer, campaign, report, journal, label, template_hash, gate)


def target_for(settings: Settings) -> tuple[str, str]:
    """The journal's `target`: sandbox, or the API URL plus a hash of the workspace id."""
    if settings.mode is Mode.SANDBOX:
        return "sandbox", _("the sandbox server")
    if settings.mode is Mode.LIVE:
        check_api_url(settings.api_url)
        if not settings.workspace_id:
            raise ConfigError(
                _("--live needs PLAZBOT_WORKSPACE_ID in the environment or in a .env file")
            )
        digest = hashlib.sha256(settings.workspace_id.encode()).hexdigest()[:16]
        return f"{settings.api_url.rstrip('/')}#{digest}", _("{url} (live)").format(
            url=settings.api_url
        )
    return "", ""


async def open_target(settings: Settings, stack: contextlib.AsyncExitStack) -> Target:
    """Where the run sends: the bundled server, started in `stack`, or the Plazbot API."""
    if settings.mode is Mode.SANDBOX:
        # It keeps no records to look up: nothing reads them once the run ends, and a long
        # rehearsal would hold about 1 KB a message.
        server = ServerSettings(port=0, workspace=SANDBOX_WORKSPACE, lookups=False)
        url = await stack.enter_async_context(running_server(server))
        return Target(url, SANDBOX_WORKSPACE, conversation_path=settings.conversation_path)
    assert settings.workspace_id
    return Target(
        settings.api_url, settings.workspace_id, settings.api_key,
        conversation_path=settings.conversation_path,
    )  # fmt: skip


def rebuild_report(journal_path: Path, output: Path | None = None) -> Path:
    """`bulk-sender report`: the report of a journal's latest run, from the journal alone."""
    if not journal_path.is_file():
        raise InputError(_("{file}: no such journal").format(file=journal_path))
    output = output or journal_path.with_name(
        journal_path.name.removesuffix(".sqlite3").removesuffix(".journal") + ".xlsx"
    )
    with snapshot(journal_path) as journal:  # works beside a run that is sending
        meta = journal.meta()
        if "columns" not in meta:
            raise InputError(
                _("{file}: not a bulk-sender journal (no columns recorded)").format(
                    file=journal_path
                )
            )
        columns = json.loads(meta["columns"])
        details = [(name, meta.get(name, "")) for name in ("campaign", "input", "sheet")]
        details += [("template", meta.get("template_label", "")), ("journal", str(journal_path))]
        check_writable(output)
        report = WrittenAtFinish(output, columns, journal.results)
        written, __ = report.finish(lambda: details)
    for notice in report.notices:  # the report went beside `output`: say why
        print(notice, file=sys.stderr)
    return written


__all__ = ["Mode", "RunResult", "Settings", "prepare", "rebuild_report"]
