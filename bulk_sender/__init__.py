"""bulk-sender: personalised WhatsApp messages through Plazbot, from a spreadsheet.

This is the library's public face: the settings of a run, the calls that run it, the events
it reports, its result and outcomes, and the errors it raises. Everything else (the stage
subpackages, the engine's modules) is private by convention and may change in any release.

    from bulk_sender import Mode, Settings, run_campaign

    result = run_campaign(Settings(contacts=Path("clientes.xlsx"), template="pedido_enviado",
                                   country="PE", mode=Mode.SANDBOX))

Each name is imported on first use (PEP 562): the package's child processes import one stage
(`python -m bulk_sender.report.process`) and must not pay for the engine on every start.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_WHERE = {
    # a run's settings and result
    "Settings": "engine.campaign", "Mode": "engine.campaign", "RunResult": "engine.campaign",
    "SendSettings": "delivery.wire", "Protection": "protect.rules",
    # running it
    "run_campaign": "engine.run", "run_engine": "engine.run", "iter_events": "engine.run",
    "rebuild_report": "engine.campaign", "CancelToken": "engine.events", "Timer": "engine.waiting",
    # what it reports
    "Event": "engine.events", "Planned": "engine.events", "PreviewReady": "engine.events",
    "AwaitingConfirmation": "engine.events", "Sending": "engine.events",
    "RowOutcome": "engine.events", "Retrying": "engine.events", "Paused": "engine.events",
    "Waiting": "engine.events", "Notice": "engine.events", "Finished": "engine.events",
    # a row's outcome
    "Status": "lifecycle", "Outcome": "records", "RowResult": "records",
    "outcomes": "report.frames",
    # a campaign as its journal knows it
    "Campaign": "journal.overview", "read_campaign": "journal.overview",
    "campaign_rows": "journal.overview",
    # what it raises
    "BulkSenderError": "errors", "InputError": "errors", "TemplateError": "errors",
    "ConfigError": "errors", "JournalError": "errors", "ReportError": "errors",
    "AbortedByApi": "errors",
}  # fmt: skip

__all__ = [
    "AbortedByApi",
    "AwaitingConfirmation",
    "BulkSenderError",
    "Campaign",
    "CancelToken",
    "ConfigError",
    "Event",
    "Finished",
    "InputError",
    "JournalError",
    "Mode",
    "Notice",
    "Outcome",
    "Paused",
    "Planned",
    "PreviewReady",
    "Protection",
    "ReportError",
    "Retrying",
    "RowOutcome",
    "RowResult",
    "RunResult",
    "SendSettings",
    "Sending",
    "Settings",
    "Status",
    "TemplateError",
    "Timer",
    "Waiting",
    "campaign_rows",
    "iter_events",
    "outcomes",
    "read_campaign",
    "rebuild_report",
    "run_campaign",
    "run_engine",
]
"""Exactly the names of `_WHERE` (a test holds them equal)."""

if TYPE_CHECKING:
    from .delivery.wire import SendSettings
    from .engine.campaign import Mode, RunResult, Settings, rebuild_report
    from .engine.events import (
        AwaitingConfirmation,
        CancelToken,
        Event,
        Finished,
        Notice,
        Paused,
        Planned,
        PreviewReady,
        Retrying,
        RowOutcome,
        Sending,
        Waiting,
    )
    from .engine.run import iter_events, run_campaign, run_engine
    from .engine.waiting import Timer
    from .errors import (
        AbortedByApi,
        BulkSenderError,
        ConfigError,
        InputError,
        JournalError,
        ReportError,
        TemplateError,
    )
    from .journal.overview import Campaign, campaign_rows, read_campaign
    from .lifecycle import Status
    from .protect.rules import Protection
    from .records import Outcome, RowResult
    from .report.frames import outcomes


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'bulk_sender' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value  # once found, an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
