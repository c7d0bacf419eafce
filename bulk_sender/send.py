"""Send: deliver messages to the Plazbot API with bounded concurrency, a rate limit and retries.

One shared `httpx.AsyncClient` (over aiohttp's transport, which scales where httpx's own
pool does not: encode/httpx#3215), N workers fed from a bounded queue. Every HTTP error is
turned here into a `Verdict`; nothing above this module knows the HTTP library.
"""

from __future__ import annotations

import asyncio
import collections
import email.utils
import enum
import json
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import aiohttp
import httpx

from .records import Message, Outcome, Status

DEFAULT_API_URL = "https://api.plazbot.com"
MESSAGE_PATH = "/api/message"
CONVERSATION_PATH = "/api/conversation"
EARLY_STOP_ATTEMPTS = 20
MAX_429_WAIT = 600.0  # 429 waits per row are capped at 10 minutes (SPEC section 3)
# Meta's error codes and words for a closed 24-hour window and a phone not on WhatsApp.
_WINDOW_CLOSED = ("131047", "24 hour", "24-hour", "24 horas", "re-engagement")
_NOT_ON_WHATSAPP = ("131026", "not on whatsapp", "no tiene whatsapp", "not a whatsapp")


@dataclass(frozen=True, slots=True)
class SendSettings:
    """How hard to push: the flags of `bulk-sender send`, with their defaults."""

    concurrency: int = 16
    rate: float = 20.0
    """Messages per second over any one-second window; 0 for no limit."""
    max_attempts: int = 5
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    pair_interval: float = 6.0
    """Seconds between two messages to the same phone (WhatsApp's pair rate limit)."""
    backoff_base: float = 0.5
    backoff_cap: float = 30.0


@dataclass(frozen=True, slots=True)
class Target:
    """Where messages go. The workspace id and key are secrets: never printed."""

    api_url: str
    workspace_id: str
    api_key: str | None = field(default=None, repr=False)
    message_path: str = MESSAGE_PATH
    conversation_path: str = CONVERSATION_PATH

    def __repr__(self) -> str:
        return f"Target(api_url={self.api_url!r})"


class Kind(enum.Enum):
    SENT = "sent"
    FAILED = "failed"
    UNCERTAIN = "uncertain"
    RETRY = "retry"
    RATE_LIMITED = "rate_limited"
    UNAUTHORIZED = "unauthorized"
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What one HTTP attempt means for its message."""

    kind: Kind
    code: str
    detail: str = ""
    http_status: int | None = None
    retry_after: float | None = None
    message_id: str | None = None
    whatsapp_id: str | None = None


def classify_response(status: int, headers: Any, body: bytes) -> Verdict:
    """Turn an HTTP answer into a verdict (SPEC section 3)."""
    payload = _json(body)
    words = _api_words(payload, body)
    if status == 200:
        if isinstance(payload, dict) and payload.get("success") is True:
            data = _dict(payload.get("data"))
            message = _dict(data.get("message"))
            return Verdict(
                Kind.SENT, "", "", status,
                message_id=_str_or_none(message.get("id") or data.get("contactId")),
                whatsapp_id=_str_or_none(message.get("messageWhatsappId")),
            )  # fmt: skip
        return Verdict(Kind.FAILED, "api_refused", words or "success is not true", status)
    if status == 429:
        return Verdict(Kind.RATE_LIMITED, "api_429", words, status, parse_retry_after(headers))
    if status in (401, 403):
        return Verdict(Kind.UNAUTHORIZED, f"api_{status}", words, status)
    if status == 404:
        return Verdict(Kind.NOT_FOUND, "api_404", words, status)
    if status == 503:
        return Verdict(Kind.RETRY, "api_503", words, status)
    if 400 <= status < 500:
        lowered = words.lower()
        if any(mark in lowered for mark in _WINDOW_CLOSED):
            return Verdict(Kind.FAILED, "window_closed", words, status)
        if any(mark in lowered for mark in _NOT_ON_WHATSAPP):
            return Verdict(Kind.FAILED, "not_on_whatsapp", words, status)
        return Verdict(Kind.FAILED, f"api_{status}", words, status)
    return Verdict(Kind.UNCERTAIN, f"api_{status}", words, status)


def classify_error(exc: BaseException) -> Verdict:
    """Did the request leave? Retry only when it certainly did not.

    httpx over aiohttp reports a connection lost after the request was written as
    `httpx.ConnectTimeout`, so look at the aiohttp exception underneath first.
    """
    cause = exc.__cause__ if isinstance(exc.__cause__, aiohttp.ClientError) else exc
    if isinstance(cause, aiohttp.ConnectionTimeoutError):
        return Verdict(Kind.RETRY, "connect_timeout", "no connection within the timeout")
    if isinstance(cause, aiohttp.ClientConnectorError):
        return Verdict(Kind.RETRY, "connect_error", f"cannot connect: {cause.os_error}")
    if isinstance(cause, aiohttp.SocketTimeoutError | httpx.ReadTimeout):
        return Verdict(Kind.UNCERTAIN, "read_timeout", "no answer within the read timeout")
    if isinstance(cause, aiohttp.ClientError):
        return Verdict(Kind.UNCERTAIN, "connection_lost", f"{type(cause).__name__}: {cause}")
    if isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return Verdict(Kind.RETRY, "connect_error", f"cannot connect: {cause}")
    return Verdict(Kind.UNCERTAIN, "connection_lost", f"{type(cause).__name__}: {cause}")


def parse_retry_after(headers: Any, *, now: float | None = None) -> float | None:
    """`Retry-After` in seconds or as an HTTP date, as seconds from now."""
    value = headers.get("retry-after") if headers is not None else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def backoff_delay(
    attempt: int, *, base: float, cap: float, rng: Callable[[], float] = random.random
) -> float:
    """Exponential backoff with full jitter (AWS architecture blog), before attempt+1."""
    return float(rng() * min(cap, base * 2 ** (attempt - 1)))


class RateLimiter:
    """At most `rate` requests in any one-second window; pauses and slows down on 429.

    Requests are spaced `1/rate` apart. A 429 pauses everyone for its `Retry-After` and
    lowers the rate below what was achieved; the rate then climbs back slowly.
    """

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.target = rate if rate > 0 else None
        self.current = self.target
        self._clock = clock
        self._next = 0.0
        self.paused_until = 0.0
        self._recent: collections.deque[float] = collections.deque()
        self._ceiling: float | None = None
        self._last_raise = 0.0

    def reserve(self) -> float:
        """Take the next slot; returns how long to wait for it."""
        now = self._clock()
        self._climb(now)
        slot = max(now, self._next, self.paused_until)
        if self.current:
            self._next = slot + 1.0 / self.current
        self._recent.append(slot)
        while self._recent and self._recent[0] < now - 1.0:
            self._recent.popleft()
        return slot - now

    def slow_down(self, retry_after: float | None) -> None:
        """A 429: pause the whole run and lower the rate below what the API accepted."""
        now = self._clock()
        achieved = sum(1 for t in self._recent if t >= now - 1.0)
        base = (
            min(x for x in (self.current, float(achieved) or None) if x)
            if (self.current or achieved)
            else 1.0
        )
        self._ceiling = max(1.0, base * 0.9)
        self.current = max(1.0, base * 0.8)
        self.paused_until = max(self.paused_until, now + (retry_after if retry_after else 1.0))
        self._next = max(self._next, self.paused_until)
        self._last_raise = self.paused_until

    def _climb(self, now: float) -> None:
        """Additive increase: quickly back to 90% of where 429s began, then slowly."""
        if self.current is None or self._ceiling is None or now - self._last_raise < 1.0:
            return
        limit = self.target or float("inf")
        step = self._ceiling * (0.05 if self.current < self._ceiling else 0.01)
        self.current = min(limit, self.current + step)
        if self.current > self._ceiling * 1.1:
            self._ceiling = self.current
        self._last_raise = now


class Recorder(Protocol):
    """Where the send stage writes each message's progress: the journal, in practice."""

    def mark_in_flight(self, key: str, attempts: int) -> None: ...
    def record(self, key: str, outcome: Outcome) -> None: ...


class StopReason(enum.Enum):
    NONE = "none"
    INTERRUPTED = "interrupted"
    ABORTED = "aborted"
    NETWORK_DOWN = "network_down"


class RunGuard:
    """Stops a run early when every request would fail anyway (SPEC section 3)."""

    def __init__(self) -> None:
        self.successes = 0
        self.attempts = 0
        self.first_failures: list[str] = []
        self.connect_failures_in_a_row = 0
        self.reason = StopReason.NONE
        self.detail = ""

    def stop(self, reason: StopReason, detail: str) -> None:
        if self.reason is StopReason.NONE:
            self.reason, self.detail = reason, detail

    @property
    def stopped(self) -> bool:
        return self.reason is not StopReason.NONE

    def observe(self, verdict: Verdict) -> None:
        self.attempts += 1
        if verdict.kind is Kind.SENT:
            self.successes += 1
            self.connect_failures_in_a_row = 0
            return
        if verdict.kind is Kind.UNAUTHORIZED:
            self.stop(StopReason.ABORTED, f"{verdict.code}: {verdict.detail or 'unauthorized'}")
        elif verdict.kind is Kind.NOT_FOUND and not self.successes:
            self.stop(
                StopReason.ABORTED, f"api_404: the workspace was not found ({verdict.detail})"
            )
        if verdict.code in ("connect_error", "connect_timeout"):
            self.connect_failures_in_a_row += 1
            if self.connect_failures_in_a_row >= EARLY_STOP_ATTEMPTS and not self.successes:
                self.stop(StopReason.NETWORK_DOWN, f"{verdict.code}: {verdict.detail}")
        else:
            self.connect_failures_in_a_row = 0
        if self.attempts <= EARLY_STOP_ATTEMPTS:
            failed_4xx = verdict.kind is Kind.FAILED and (verdict.http_status or 0) // 100 == 4
            self.first_failures.append(f"{verdict.code}: {verdict.detail}" if failed_4xx else "")
            if (
                len(self.first_failures) == EARLY_STOP_ATTEMPTS
                and self.first_failures[0]
                and len(set(self.first_failures)) == 1
            ):
                self.stop(
                    StopReason.ABORTED,
                    f"the first {EARLY_STOP_ATTEMPTS} messages all "
                    f"failed with {self.first_failures[0]}",
                )


def build_request(message: Message, target: Target) -> tuple[str, dict[str, Any]]:
    """The path and JSON body for one message (Plazbot's send-message and conversation pages)."""
    if message.wa_template is None:
        return target.message_path, {
            "content": message.text,
            "recipientPhone": message.phone,
            "workspaceId": target.workspace_id,
            "externalReferenceId": message.key,
        }
    wa = message.wa_template
    body: dict[str, Any] = {
        "workspaceId": target.workspace_id,
        "template": wa.name,
        "destination": message.phone,
        "reference1": message.key,
    }
    if wa.body:
        body["variablesBody"] = [{"variable": str(i), "value": v} for i, v in enumerate(wa.body, 1)]
    if wa.header:
        body["variablesHeader"] = [
            {"variable": str(i), "value": v} for i, v in enumerate(wa.header, 1)
        ]
    if wa.media_url:
        body["file"] = {"fileUrl": wa.media_url, "fileName": wa.media_url.rsplit("/", 1)[-1]}
    if wa.campaign_name:
        body["campaignName"] = wa.campaign_name
    return target.conversation_path, body


def make_client(
    target: Target, settings: SendSettings, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """The one shared client: pool sized to the concurrency, timeouts from the settings."""
    limits = httpx.Limits(
        max_connections=settings.concurrency, max_keepalive_connections=settings.concurrency
    )
    if transport is None:
        from httpx_aiohttp import AiohttpTransport

        transport = AiohttpTransport(limits=limits)
    headers = {"x-workspace-id": target.workspace_id}
    if target.api_key:
        headers["Authorization"] = f"Bearer {target.api_key}"
    timeout = httpx.Timeout(
        connect=settings.connect_timeout,
        read=settings.read_timeout,
        write=settings.read_timeout,
        pool=settings.connect_timeout,
    )
    return httpx.AsyncClient(
        base_url=target.api_url, headers=headers, timeout=timeout, limits=limits,
        transport=transport,
    )  # fmt: skip


@dataclass
class Sender:
    """Sends messages with N workers over one client, journaling every step."""

    client: httpx.AsyncClient
    target: Target
    settings: SendSettings
    recorder: Recorder
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Any] = asyncio.sleep
    on_outcome: Callable[[Outcome], None] = lambda outcome: None
    on_retry: Callable[[Verdict], None] = lambda verdict: None
    guard: RunGuard = field(default_factory=RunGuard)
    rng: Callable[[], float] = random.random

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.settings.rate, clock=self.clock)
        self._last_to_phone: dict[str, float] = {}
        self._phone_order: collections.deque[tuple[float, str]] = collections.deque()

    def interrupt(self) -> None:
        """Ctrl-C: take no new message; requests in flight finish and are journaled."""
        self.guard.stop(StopReason.INTERRUPTED, "interrupted")

    async def send_all(self, messages: Iterable[Message]) -> RunGuard:
        """Send every message (fed lazily), returning why the run stopped, if it did."""
        queue: asyncio.Queue[Message | None] = asyncio.Queue(maxsize=2 * self.settings.concurrency)
        workers = [asyncio.create_task(self._work(queue)) for _ in range(self.settings.concurrency)]
        try:
            for message in messages:
                if self.guard.stopped:
                    break
                await queue.put(message)
        finally:
            for _ in workers:
                await queue.put(None)
            await asyncio.gather(*workers)
        return self.guard

    async def _work(self, queue: asyncio.Queue[Message | None]) -> None:
        while (message := await queue.get()) is not None:
            if not self.guard.stopped:
                outcome = await self.send_one(message)
                if outcome is not None:
                    self.recorder.record(message.key, outcome)
                    self.on_outcome(outcome)

    async def send_one(self, message: Message) -> Outcome | None:
        """Deliver one message with retries; None when the run stopped before it left."""
        attempts, waited_429 = 0, 0.0
        path, body = build_request(message, self.target)
        while True:
            await self._space_pair(message.phone)
            wait = self.limiter.reserve()
            if wait > 0:
                await self.sleep(wait)
            if self.guard.stopped:
                return None if attempts == 0 else self._pending(attempts, "interrupted", "")
            attempts += 1
            self.recorder.mark_in_flight(message.key, attempts)
            verdict = await self._post(path, body)
            self.guard.observe(verdict)
            if verdict.kind is Kind.RATE_LIMITED:
                attempts -= 1  # 429 waits do not use up --max-attempts
                pause = verdict.retry_after or 1.0
                waited_429 += pause
                self.limiter.slow_down(pause)
                self.recorder.record(message.key, self._pending(attempts, verdict.code, ""))
                if waited_429 > MAX_429_WAIT:
                    return self._pending(attempts, "api_429", "rate limited for 10 minutes")
                self.on_retry(verdict)
                continue
            if verdict.kind is Kind.RETRY and attempts < self.settings.max_attempts:
                self.recorder.record(message.key, self._pending(attempts, verdict.code, ""))
                self.on_retry(verdict)
                await self.sleep(backoff_delay(
                    attempts, base=self.settings.backoff_base, cap=self.settings.backoff_cap,
                    rng=self.rng,
                ))  # fmt: skip
                continue
            return self._outcome(verdict, attempts)

    def _outcome(self, verdict: Verdict, attempts: int) -> Outcome:
        status = {
            Kind.SENT: Status.SENT,
            Kind.FAILED: Status.FAILED,
            Kind.UNCERTAIN: Status.UNCERTAIN,
            Kind.RETRY: Status.PENDING,
            Kind.UNAUTHORIZED: Status.PENDING,
            Kind.NOT_FOUND: Status.FAILED if self.guard.successes else Status.PENDING,
        }[verdict.kind]
        detail = verdict.detail
        if verdict.kind is Kind.RETRY:
            detail = f"gave up after {attempts} attempts: {detail}".rstrip(": ")
        return Outcome(
            status, verdict.code, detail, attempts, verdict.http_status, verdict.message_id,
            verdict.whatsapp_id, datetime.now(UTC) if status is Status.SENT else None,
        )  # fmt: skip

    @staticmethod
    def _pending(attempts: int, code: str, detail: str) -> Outcome:
        return Outcome(Status.PENDING, code, detail, attempts)

    async def _post(self, path: str, body: dict[str, Any]) -> Verdict:
        try:
            response = await self.client.post(path, json=body)
            content = await response.aread()
        except (TimeoutError, httpx.HTTPError, aiohttp.ClientError, OSError) as exc:
            return classify_error(exc)
        return classify_response(response.status_code, response.headers, content)

    async def _space_pair(self, phone: str) -> None:
        """WhatsApp allows about one message per 6 s to the same phone."""
        now = self.clock()
        while self._phone_order and self._phone_order[0][0] < now - self.settings.pair_interval:
            _, old = self._phone_order.popleft()
            if self._last_to_phone.get(old, now) < now - self.settings.pair_interval:
                del self._last_to_phone[old]
        last = self._last_to_phone.get(phone)
        if last is not None and now - last < self.settings.pair_interval:
            await self.sleep(self.settings.pair_interval - (now - last))
            now = self.clock()
        self._last_to_phone[phone] = now
        self._phone_order.append((now, phone))


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None


def _api_words(payload: Any, body: bytes) -> str:
    """The API's own message, for `result_detail`."""
    if isinstance(payload, dict):
        parts = [str(payload[k]) for k in ("message", "error", "errorCode") if payload.get(k)]
        if parts:
            return " ".join(parts)[:300]
    return body.decode("utf-8", "replace").strip()[:300]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str_or_none(value: Any) -> str | None:
    return None if value in (None, "") else str(value)
