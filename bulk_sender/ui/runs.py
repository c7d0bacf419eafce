"""The Send step: runs live in the server process, driven through the engine, one at a time.

A run does not belong to a page: closing the tab leaves it going and a page opened later
shows it. Each engine call runs in its own thread with its own event loop, so a long plan
never stalls the page; its events come back to the server's loop, which keeps a snapshot
and wakes the pages listening (server-sent events).
"""

from __future__ import annotations

import asyncio
import contextvars
import sys
import threading
import time
import traceback
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from .. import lifecycle
from ..engine.campaign import Mode, RunResult, Settings
from ..engine.run import (
    AwaitingConfirmation,
    CancelToken,
    Event,
    Finished,
    Notice,
    Paused,
    Planned,
    Retrying,
    RowOutcome,
    Sending,
    Waiting,
    run_engine,
)
from ..engine.waiting import shown_time
from ..errors import BulkSenderError, ConfigError
from ..language import _, shown_datetime

T = TypeVar("T")
DONE_STATUSES = tuple(s.value for s in lifecycle.WHILE_SENDING)


def fresh_state(mode: str, label: str) -> dict[str, Any]:
    """A run's snapshot before its first event."""
    return {
        "state": "planning", "mode": mode, "label": label,
        "planned": 0, "total": 0, "counts": dict.fromkeys(DONE_STATUSES, 0),
        "retrying": 0, "paused": None, "waiting": None, "notices": [], "confirm": None,
        "result": None, "error": "",
    }  # fmt: skip


def in_thread(coroutine: Coroutine[Any, Any, T]) -> asyncio.Future[T]:
    """Run a coroutine on a new event loop in a daemon thread (a second Ctrl-C ends it), in
    a copy of the caller's context: a thread inherits no ContextVar, and the run words its
    events, errors and report in the language of the request that started it."""
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()
    future: asyncio.Future[T] = loop.create_future()

    def settle(outcome: Callable[[], None]) -> None:
        if not future.done():
            outcome()

    def work() -> None:
        try:
            result = context.run(asyncio.run, coroutine)
        except BaseException as exc:  # handed to the awaiting side, which decides
            loop.call_soon_threadsafe(settle, lambda error=exc: future.set_exception(error))
        else:
            loop.call_soon_threadsafe(settle, lambda: future.set_result(result))

    threading.Thread(target=work, name="bulk-sender-run", daemon=True).start()
    return future


class Runs:
    """The server's current (or last) run and the pages waiting for news of it."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.task: asyncio.Task[None] | None = None
        self.token: CancelToken | None = None
        self.version = 0
        self.state: dict[str, Any] = {"state": "idle"}
        self._changed = asyncio.Event()
        self._answer: asyncio.Future[bool] | None = None
        self._sending_since: float | None = None
        self.interrupted = False

    @property
    def active(self) -> bool:
        return self.task is not None and not self.task.done()

    def start(self, settings: Settings, label: str) -> None:
        """Start a run; refused while another is going (the engine also locks its journal)."""
        if self.active:
            raise ConfigError(_("a campaign is already running: stop it or wait for its end"))
        self.token = CancelToken()
        self._sending_since = None
        self.state = fresh_state(settings.mode.value, label)
        self._notify()
        self.task = asyncio.create_task(self._run(settings))

    async def _run(self, settings: Settings) -> None:
        loop = asyncio.get_running_loop()
        live = settings.mode is Mode.LIVE

        # The page words its question itself, whole, from these (`confirm` of page_plurals).
        start = settings.protection.not_before
        words = {"url": settings.api_url, "when": shown_time(start) if start else ""}

        async def confirm(messages: int, phones: int, target: str) -> bool:
            asking = self._ask(messages, phones, target, words)
            asked = asyncio.run_coroutine_threadsafe(asking, loop)
            return await asyncio.wrap_future(asked)

        def on_event(event: Event) -> None:
            loop.call_soon_threadsafe(self.apply, event)

        try:
            result = await in_thread(
                run_engine(settings, on_event=on_event, cancel=self.token,
                           confirm=confirm if live else None)
            )  # fmt: skip
            self._finish(result)
        except BulkSenderError as exc:
            self.state |= {"state": "failed", "error": str(exc)}
        except Exception as exc:  # the page must hear of it; the terminal gets one line
            print_unexpected(exc, "a run")
            error = _("unexpected error: {error}").format(error=exc)
            self.state |= {"state": "failed", "error": error}
        finally:
            self.state["confirm"] = None
            self._notify()

    async def _ask(
        self, messages: int, phones: int, target: str, words: dict[str, str] | None = None
    ) -> bool:
        """The live run's confirmation, answered by a page (Stop or Ctrl-C answers no)."""
        if self.token is not None and self.token.cancelled:
            return False
        self._answer = asyncio.get_running_loop().create_future()
        self.state |= {
            "state": "confirm",
            "confirm": {
                "messages": messages,
                "phones": phones,
                "target": target,
                **(words or {}),
            },
        }
        self._notify()
        try:
            return await self._answer
        finally:
            self._answer = None
            self.state["confirm"] = None
            self._notify()

    def answer(self, yes: bool) -> bool:
        """A page's answer to the confirmation; False when nothing was asked."""
        if self._answer is None or self._answer.done():
            return False
        self._answer.set_result(yes)
        return True

    def stop(self) -> None:
        """Stop button or Ctrl-C: nothing new is sent; requests in flight finish, journaled."""
        if not self.active or self.token is None:
            return
        self.token.cancel()
        self.answer(False)
        self.state["state"] = "stopping"
        self._notify()

    async def shutdown(self) -> bool:
        """Stop the run in flight, if any, and wait for its report; True if one was stopped."""
        if not self.active or self.task is None:
            return False
        self.stop()
        await self.task
        return True

    def apply(self, event: Event) -> None:
        """An engine event, folded into the snapshot the pages see."""
        state = self.state
        if isinstance(event, Planned):
            state["planned"] = event.rows
        elif isinstance(event, Sending):
            self._sending_since = self.clock()
            state["waiting"] = None
            state["total"] = event.total
            if state["state"] != "stopping":
                state["state"] = "sending"
        elif isinstance(event, RowOutcome):
            if event.status in state["counts"]:
                state["counts"][event.status] += 1
            state["paused"] = state["waiting"] = None
        elif isinstance(event, Retrying):
            state["retrying"] += 1
        elif isinstance(event, Paused):
            state["paused"] = {"seconds": round(event.seconds, 1), "reason": event.reason}
        elif isinstance(event, Waiting):  # a start time or send window: when, and how long
            state["paused"] = None
            state["waiting"] = {"until": shown_datetime(event.until), "reason": event.reason,
                                "seconds": round(event.seconds_left)}  # fmt: skip
        elif isinstance(event, Notice):
            state["notices"] = [*state["notices"], {"text": event.text, "warning": event.warning}]
        elif isinstance(event, AwaitingConfirmation | Finished):
            return  # the confirmation and the result come through their own paths
        self._notify()

    def _finish(self, result: RunResult) -> None:
        self.interrupted = self.interrupted or result.exit_code == 130
        self.state |= {"state": "finished", "paused": None, "waiting": None, "result": {
            "exit_code": result.exit_code, "campaign": result.report_path.stem,
            "report": result.report_path.name, "statuses": result.statuses,
            "reasons": result.reasons, "stopped": result.stop_detail,
            "elapsed": round(result.elapsed, 1), "rate": round(result.sent_per_second, 1),
        }}  # fmt: skip

    def snapshot(self) -> dict[str, Any]:
        """The run as the page shows it, with its rate and time left worked out now."""
        state = dict(self.state)
        counts = state.get("counts") or {}
        done = sum(counts.values())
        state["remaining"] = max(int(state.get("total") or 0) - done, 0)
        state["rate"] = state["eta_seconds"] = None
        if self._sending_since is not None and done:
            elapsed = self.clock() - self._sending_since
            if elapsed > 0:
                state["rate"] = round(done / elapsed, 1)
                state["eta_seconds"] = round(state["remaining"] / (done / elapsed))
        state["active"] = self.active
        state["version"] = self.version
        return state

    def _notify(self) -> None:
        self.version += 1
        self._changed.set()
        self._changed = asyncio.Event()

    def changed(self) -> Awaitable[bool]:
        """Resolves at the next change of the snapshot."""
        return self._changed.wait()


def print_unexpected(exc: BaseException, where: str) -> None:
    """A bug, in one line on the terminal: what, where in the code, and on which request."""
    frames = traceback.extract_tb(exc.__traceback__)
    place = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    print(f"bulk-sender page: unexpected error in {where}{place}: {exc!r}", file=sys.stderr)
