"""Engine: one campaign run as an async call that reports events (docs/spec.md section 8).

Every front end drives the same `run_engine`: the CLI maps its events to tqdm and printed
lines, the web page to server-sent events, a notebook to whatever it likes. The engine
prints nothing, asks nothing (the caller's `confirm` does) and installs no signal handler;
it stops through a `CancelToken`, exactly as Ctrl-C does: requests in flight finish and are
journaled, the rest stay `pending`, the report is written, the exit code is 130.
`run_campaign` is the one place that turns Ctrl-C into that cancel for callers without a
loop, in the main thread only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager
from types import FrameType
from typing import Any

import httpx

from ..errors import JournalError
from ..journal.reading import snapshot
from ..journal.store import Journal
from ..journal.writer import JournalWriter
from ..language import active, use_language
from ..report.workbook import check_writable
from . import ending
from .campaign import Mode, Plan, RunResult, Settings, prepare, target_for
from .events import (
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
from .options import record
from .pipeline import Confirm, Run
from .waiting import Timer


async def run_engine(
    settings: Settings,
    *,
    on_event: Callable[[Event], None] | None = None,
    cancel: CancelToken | None = None,
    confirm: Confirm | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Callable[[], float] = time.monotonic,
    timer: Timer | None = None,
) -> RunResult:
    """Run one campaign from start to report; raises `BulkSenderError` for usage problems.

    `timer` is the wall clock for `--not-before` and `--send-hours` (tests pass a fake one).
    `on_event` is called on the event loop's thread. Usable inside any running loop, and
    from any thread through `asyncio.run`.
    """
    with use_language(active()):  # the run's words in one language, looked up once
        plan = prepare(settings)
        target_id, target_label = target_for(settings)
        check_writable(plan.report_path)
        emit = on_event or _ignore
        run = Run(settings, plan, None, transport, clock, emit, cancel or CancelToken(), timer)
        if settings.mode is Mode.DRY_RUN and not plan.journal_path.exists():
            result = await asyncio.to_thread(ending.preview, run)
        else:
            result = await _run_with_journal(run, target_id, target_label, confirm)
        if result.preview:
            emit(PreviewReady(result.preview, result.distinct_messages))
        emit(Finished(result))
        return result


async def _run_with_journal(
    run: Run, target_id: str, target_label: str, confirm: Confirm | None
) -> RunResult:
    settings, plan = run.settings, run.plan
    async with JournalWriter(_journal_opener(settings, plan)) as writer:
        await writer.call(lambda journal: _bind(journal, settings, plan, target_id, target_label))
        run.writer = writer
        try:
            await run.plan_and_send(confirm, target_label)
        except KeyboardInterrupt:  # a second Ctrl-C in a console: stop at once, still report
            run.interrupted = True
        except JournalError as exc:  # the report says what is known, then the error
            run.failure = exc
            raise
        finally:
            elapsed = run.clock() - run.start_clock
            result = await writer.call(lambda journal: ending.finish(run, journal, elapsed))
    return result


async def iter_events(settings: Settings, **options: Any) -> AsyncIterator[Event]:
    """The same run as an async iterator of its events; the last one is `Finished`.

    Leaving the loop early cancels the run (as Ctrl-C would) and waits for its report.
    """
    queue: asyncio.Queue[Event | None] = asyncio.Queue()
    forward = options.pop("on_event", None) or _ignore
    token: CancelToken = options.pop("cancel", None) or CancelToken()

    def on_event(event: Event) -> None:
        forward(event)
        queue.put_nowait(event)

    async def run() -> RunResult:
        try:
            return await run_engine(settings, on_event=on_event, cancel=token, **options)
        finally:
            queue.put_nowait(None)

    task = asyncio.ensure_future(run())
    try:
        while (event := await queue.get()) is not None:
            yield event
        task.result()  # raises the run's error, if it failed
    finally:
        if not task.done():
            token.cancel()
            with contextlib.suppress(Exception):
                await task


def run_campaign(
    settings: Settings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    confirm: Callable[[int, int], bool] | None = None,
    clock: Callable[[], float] = time.monotonic,
    timer: Timer | None = None,
) -> RunResult:
    """Run one campaign from start to report; raises `BulkSenderError` for usage problems.

    `run_engine` for callers without an event loop; `confirm(messages, phones)` is asked
    before anything is sent. `timer` is the wall clock for `--not-before` and `--send-hours`
    (tests pass a fake one).
    """
    ask: Confirm | None = None
    if confirm is not None:
        sync_confirm = confirm

        async def ask(messages: int, phones: int, target: str) -> bool:
            return sync_confirm(messages, phones)

    token = CancelToken()
    # Without a loop of its own to give the caller, Ctrl-C is this call's to handle: as the
    # cancel token, as in the CLI (a notebook's interrupt button stops the run cleanly).
    with signals_cancel(token.cancel):
        return asyncio.run(
            run_engine(settings, transport=transport, confirm=ask, clock=clock, timer=timer,
                       cancel=token)
        )  # fmt: skip


@contextlib.contextmanager
def signals_cancel(on_stop: Callable[[], None]) -> Iterator[None]:
    """Ctrl-C and SIGTERM call `on_stop` (cancel), a second Ctrl-C stops at once.

    Only from the main thread, where Python delivers signals; elsewhere nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [signal.SIGINT] + ([signal.SIGTERM] if hasattr(signal, "SIGTERM") else [])
    previous = {sig: signal.getsignal(sig) for sig in wanted}

    def handler(signum: int, frame: FrameType | None) -> None:
        on_stop()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    for sig in wanted:
        signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _ignore(event: Event) -> None:
    pass


def _bind(
    journal: Journal, settings: Settings, plan: Plan, target_id: str, target_label: str
) -> None:
    """Tie the journal to this campaign's template and target, or refuse it; open a run."""
    fields = {
        "template": plan.template_hash,
        "template_label": plan.template_label,
        "campaign": plan.campaign,
        "columns": json.dumps(plan.table.columns),
        "input": str(plan.table.path),
        "sheet": plan.table.sheet or "",
        "settings": record(settings),  # what the page resumes the campaign from
    }
    if target_id:
        fields |= {"target": target_id, "target_label": target_label}
    journal.check_or_set(fields, campaign_hint=f"{plan.campaign}-2")
    journal.start_run()


def _journal_opener(
    settings: Settings, plan: Plan
) -> Callable[[], AbstractContextManager[Journal]]:
    """How to open the campaign's journal; a dry run reads a private snapshot, never the file."""
    if settings.mode is not Mode.DRY_RUN:
        return lambda: Journal(plan.journal_path)
    return lambda: snapshot(plan.journal_path)


__all__ = [
    "AwaitingConfirmation",
    "CancelToken",
    "Event",
    "Finished",
    "Notice",
    "Paused",
    "Planned",
    "PreviewReady",
    "Retrying",
    "RowOutcome",
    "Sending",
    "Waiting",
    "iter_events",
    "run_campaign",
    "run_engine",
]
