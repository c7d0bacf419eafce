"""Send: deliver messages to the Plazbot API with bounded concurrency, a rate limit and retries.

One shared client (`make_client`, over `wire.py`: aiohttp, or httpx over a given transport),
N workers fed from a bounded queue. Each message's request, where it goes and the settings
are `wire.py`'s; what each answer means is `classify.py`'s; how fast to go and when to stop
is `limits.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import random
import time
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import aiohttp
import httpx

from ..language import _, ngettext
from ..lifecycle import Move, Status, apply
from ..records import Message, Outcome
from .classify import (
    MAX_RETRY_AFTER,
    Kind,
    Verdict,
    classify_error,
    classify_response,
    detail_words,
)
from .limits import (
    DEFAULT_PAUSE,
    PairSpacing,
    RateLimiter,
    RunGuard,
    StopReason,
    backoff_delay,
)
from .wire import (
    AiohttpClient,
    ApiClient,
    HttpxClient,
    SendSettings,
    Target,
    Timeouts,
    build_request,
    encode_body,
)


class Recorder(Protocol):
    """Where the send stage writes each message's progress: the journal, in practice.

    `mark_in_flight` returns once the mark is durable, or gives an awaitable that resolves
    then (the journal's writer thread, `journal/writer.py`); False: not claimed, so not sent.
    """

    def mark_in_flight(self, key: str, attempts: int) -> bool | Awaitable[bool] | None: ...
    def record(self, key: str, outcome: Outcome) -> None: ...


def make_client(
    target: Target, settings: SendSettings, transport: httpx.AsyncBaseTransport | None = None
) -> ApiClient:
    """The one shared client: keep-alive pool sized to the concurrency, timeouts from flags.

    aiohttp itself by default (`wire.py` says why); httpx over `transport` when one is given.
    """
    headers = {"x-workspace-id": target.workspace_id}
    if target.api_key:
        headers["Authorization"] = f"Bearer {target.api_key}"
    timeouts = Timeouts(connect=settings.connect_timeout, read=settings.read_timeout)
    if transport is None:
        return AiohttpClient(target.api_url, headers, settings.concurrency, timeouts)
    return HttpxClient(target.api_url, headers, timeouts, transport)


@dataclass(eq=False)
class Sender:
    """Sends messages with N workers over one client, journaling every step."""

    client: ApiClient
    target: Target
    settings: SendSettings
    recorder: Recorder
    clock: Callable[[], float] = time.monotonic
    on_outcome: Callable[[Message, Outcome], None] = lambda message, outcome: None
    on_retry: Callable[[Message, Verdict], None] = lambda message, verdict: None
    on_pause: Callable[[float, str], None] = lambda seconds, reason: None
    guard: RunGuard = field(default_factory=RunGuard)
    rng: Callable[[], float] = random.random
    shared_pairs: Callable[[str, str], float] | None = None
    """(phone, key) -> seconds to wait because another run on this computer messaged the
    phone just now; 0 claims the phone's turn. WhatsApp's pair rate across campaigns."""

    def __post_init__(self) -> None:
        self.guard.max_refusal_rate = self.settings.max_refusal_rate
        self.limiter = RateLimiter(self.settings.rate, clock=self.clock)
        self.spacing = PairSpacing(self.settings.pair_interval, clock=self.clock)
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._journal_failed = False

    def interrupt(self) -> None:
        """Ctrl-C: dispatch nothing more; requests in flight finish and are journaled.

        Safe to call from a signal handler: it wakes workers waiting out a pause or backoff.
        """
        self.guard.stop(StopReason.INTERRUPTED, _("interrupted"))
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake.set)

    async def send_all(self, messages: Iterable[Message] | AsyncIterable[Message]) -> RunGuard:
        """Send every message (read lazily), returning why the run stopped, if it did."""
        self._loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Message | None] = asyncio.Queue(maxsize=2 * self.settings.concurrency)
        try:
            async with asyncio.TaskGroup() as tasks:
                for __ in range(self.settings.concurrency):
                    tasks.create_task(self._work(queue))
                await self._feed(messages, queue)
        except BaseExceptionGroup as group:
            if len(group.exceptions) == 1:  # a worker's error, as itself
                raise group.exceptions[0] from None
            raise
        return self.guard

    async def _feed(
        self,
        messages: Iterable[Message] | AsyncIterable[Message],
        queue: asyncio.Queue[Message | None],
    ) -> None:
        if isinstance(messages, AsyncIterable):  # planned while sending (engine.py)
            async for message in messages:
                if self.guard.stopped:
                    break
                await queue.put(message)
        else:
            for message in messages:
                if self.guard.stopped:
                    break
                await queue.put(message)
        for __ in range(self.settings.concurrency):
            await queue.put(None)

    async def _work(self, queue: asyncio.Queue[Message | None]) -> None:
        while (message := await queue.get()) is not None:
            if self.guard.stopped:
                continue  # left `pending` in the journal, for the next run
            outcome = await self.send_one(message)
            if outcome is not None and self._write(self.recorder.record, message.key, outcome):
                self.on_outcome(message, outcome)

    def _write(self, write: Callable[[str, Any], object], key: str, value: Any) -> bool:
        """A journal write; once one fails, dispatching stops and no worker writes again.

        The failure goes up from the first worker alone; a request in flight then stays
        `in_flight` in the journal, which the next run reads as `uncertain`: never sent twice.
        """
        if self._journal_failed:
            return False
        try:
            return write(key, value) is not False
        except Exception:
            self._failed()
            raise

    async def _claim(self, key: str, attempts: int) -> bool:
        """Mark in flight, durably, before the request leaves; False: not to be sent."""
        if self._journal_failed:
            return False
        try:
            claimed = self.recorder.mark_in_flight(key, attempts)
            if inspect.isawaitable(claimed):
                claimed = await claimed  # the writer thread's group commit that holds it
        except Exception:
            if self._journal_failed:  # a group's failure reaches all its workers: one reports
                return False
            self._failed()
            raise
        return claimed is not False

    def _failed(self) -> None:
        self._journal_failed = True
        self.guard.stop(StopReason.JOURNAL_FAILED, _("the journal failed"))
        self._wake.set()

    async def send_one(self, message: Message) -> Outcome | None:
        """Deliver one message with retries; None when the run stopped before it left."""
        path, fields = build_request(message, self.target)
        body = encode_body(fields)
        attempts = counted = 0  # requests sent; those that use up --max-attempts
        waited_429 = 0.0
        while True:
            slot = await self._wait_turn(message)
            if slot is None:
                return None if attempts == 0 else self._stopped(attempts)
            attempts += 1
            if not await self._claim(message.key, attempts):
                return None  # another writer has it (its outcome is that writer's), or failed
            self.spacing.sent(message.phone, message.key)
            verdict = await self._post(path, body)
            self._observe(verdict)
            if verdict.kind is Kind.RATE_LIMITED:
                self.limiter.slow_down(slot, verdict.retry_after)
                pause = DEFAULT_PAUSE if verdict.retry_after is None else verdict.retry_after
                waited_429 += pause
                self.on_pause(pause, f"{verdict.code}: {detail_words(verdict)}")
                if waited_429 >= MAX_RETRY_AFTER:
                    return self._outcome(
                        verdict, attempts, _("still rate limited after 10 minutes")
                    )
            elif verdict.kind is Kind.RETRY:
                counted += 1
                if counted >= self.settings.max_attempts:
                    return self._outcome(
                        verdict,
                        attempts,
                        ngettext(
                            "gave up after {n} attempt", "gave up after {n} attempts", attempts
                        ).format(n=attempts),
                    )
            else:
                return self._outcome(verdict, attempts)
            if not self._write(
                self.recorder.record, message.key, _pending(attempts, verdict.code, _("retrying"))
            ):
                return None
            self.on_retry(message, verdict)
            if verdict.kind is Kind.RETRY:
                await self._pause(self._backoff(counted, verdict.retry_after))

    async def _wait_turn(self, message: Message) -> float | None:
        """Wait for the phone's spacing and a rate slot; the slot, or None once stopped."""
        while not self.guard.stopped:
            spacing = self.spacing.wait(message.phone, message.key)
            if spacing > 0:
                await self._pause(spacing)
                continue
            slot = self.limiter.reserve()
            await self._pause(slot - self.clock())
            # A 429 or another message to this phone may have come while we waited.
            if self.limiter.paused() or self.spacing.wait(message.phone, message.key) > 0:
                continue
            if self.shared_pairs and (elsewhere := self.shared_pairs(message.phone, message.key)):
                await self._pause(elsewhere)  # another campaign messaged this customer just now
                continue
            return None if self.guard.stopped else slot
        return None

    async def _pause(self, seconds: float) -> None:
        """Sleep, but wake at once when the run stops."""
        if seconds <= 0 or self.guard.stopped:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._wake.wait()

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        delay = backoff_delay(
            attempt, base=self.settings.backoff_base, cap=self.settings.backoff_cap, rng=self.rng
        )
        return max(delay, min(retry_after or 0.0, self.settings.backoff_cap))

    def _observe(self, verdict: Verdict) -> None:
        self.guard.observe(verdict)
        if self.guard.stopped:
            self._wake.set()

    async def _post(self, path: str, body: bytes) -> Verdict:
        try:
            answer = await self.client.post(path, body)
        except (httpx.HTTPError, aiohttp.ClientError, OSError) as exc:
            return classify_error(exc)
        return classify_response(answer.status, answer.headers, answer.body)

    def _outcome(self, verdict: Verdict, attempts: int, why: str = "") -> Outcome:
        """The message's final outcome: the move its last attempt makes (`lifecycle.py`)."""
        if verdict.kind is Kind.NOT_FOUND:  # a 404 after successes refuses this one message
            move = Move.REFUSED if self.guard.successes else Move.NEVER_LEFT
        elif verdict.kind is Kind.REFUSED and verdict.rule is not None:
            move = verdict.rule.move or Move.REFUSED  # WhatsApp's code decides (lifecycle.py)
        else:
            move = _LAST_MOVE[verdict.kind]
        status = apply(Status.IN_FLIGHT, move)
        words = detail_words(verdict)
        detail = f"{why}: {words}" if why and words else why or words
        return Outcome(
            status, verdict.code, detail, attempts, verdict.http_status, verdict.message_id,
            verdict.whatsapp_id, datetime.now(UTC) if status is Status.SENT else None,
        )  # fmt: skip

    def _stopped(self, attempts: int) -> Outcome:
        """A message between retries when the run stopped: it never got through, so pending."""
        return _pending(attempts, self.guard.reason.value, self.guard.detail)


_LAST_MOVE = {
    Kind.ACCEPTED: Move.ACCEPTED,
    Kind.REFUSED: Move.REFUSED,
    Kind.UNANSWERED: Move.UNANSWERED,
    Kind.RETRY: Move.NEVER_LEFT,  # retries ran out; it never reached the API
    Kind.RATE_LIMITED: Move.NEVER_LEFT,
    Kind.UNAUTHORIZED: Move.NEVER_LEFT,  # the run aborts; the row was never processed
}
"""What the last attempt's meaning does to a message in flight."""


def _pending(attempts: int, code: str, detail: str) -> Outcome:
    """A message that never got through: back to pending."""
    return Outcome(apply(Status.IN_FLIGHT, Move.NEVER_LEFT), code, detail, attempts)


__all__ = ["Recorder", "Sender", "make_client"]
