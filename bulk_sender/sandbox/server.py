"""A Plazbot-compatible server for rehearsals and tests (docs/spec.md section 6).

It validates requests as Plazbot does, answers with the documented envelope, and can inject
the faults a real API shows: 429 over a rate limit, 503, 500, connections dropped after the
message was accepted, and WhatsApp's refusals by Meta error code (`whatsapp.py`). It keeps
what it accepted (`records.py`) and serves Plazbot's read endpoints over it (`lookups.py`),
so that settling and replies (docs/spec.md section 9) can be tested over real HTTP.
`--log` appends one JSON line per delivered message.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import math
import random
import time
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from ..language import _
from . import lookups
from .bodies import (
    check_conversation,
    check_message,
    conversation_answer,
    message_answer,
    phone_of,
    send_type,
)
from .logs import Logs
from .records import Conversation, Records, new_id
from .settings import ServerSettings
from .whatsapp import (
    OVER_TIER,
    TRANSIENT,
    Refusal,
    is_blocked,
    phone_refusal,
    reply_for,
    request_refusal,
)

__all__ = ["PlazbotServer", "ServerSettings", "running_server", "serve_forever"]

Lookup = Callable[[Records, Mapping[str, str], str], lookups.Answer]


DAY = 24 * 3600.0
"""Seconds in WhatsApp's rolling window of different customers (the tier)."""


class PlazbotServer:
    """The request handlers and their state; `app()` gives the aiohttp application."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self._random = random.Random(settings.seed)
        # The read endpoints draw their 503s apart, so that reading never changes which
        # sends a seed faults.
        seed = None if settings.seed is None else f"{settings.seed}:lookups"
        self._lookup_random = random.Random(seed)
        self._window: collections.deque[float] = collections.deque()
        self.logs = Logs(settings.log, settings.access_log)
        self._shares = settings.refusal_shares()
        self._transient = any(self._shares.get(code) for code in TRANSIENT)
        self.records = Records(keep=settings.lookups)
        self._started: dict[str, float] = {}
        """Each customer's first accepted message, for the tier (time.time())."""
        self.counts: collections.Counter[int | str] = collections.Counter()

    def app(self) -> web.Application:
        app = web.Application(client_max_size=1 << 20)
        app.router.add_post("/api/message", self.send_message)
        app.router.add_post("/api/conversation", self.send_conversation)
        app.router.add_post("/api/message/conversation", self.send_conversation)
        app.router.add_get("/api/contact/searchByCellphone", self.search_contact)
        app.router.add_get("/api/message", self.list_messages)
        app.router.add_get("/api/message/conversation", self.list_conversations)
        app.on_startup.append(self._open_log)
        app.on_cleanup.append(self._close_log)
        return app

    async def _open_log(self, app: web.Application) -> None:
        self.logs.open()

    async def _close_log(self, app: web.Application) -> None:
        self.logs.close()

    async def send_message(self, request: web.Request) -> web.StreamResponse:
        return await self._handle(request, check_message, "Message sent successfully.")

    async def send_conversation(self, request: web.Request) -> web.StreamResponse:
        return await self._handle(request, check_conversation, "Conversation sent successfully.")

    async def search_contact(self, request: web.Request) -> web.StreamResponse:
        return await self._lookup(request, lookups.search_by_cellphone)

    async def list_messages(self, request: web.Request) -> web.StreamResponse:
        return await self._lookup(request, lookups.contact_messages)

    async def list_conversations(self, request: web.Request) -> web.StreamResponse:
        return await self._lookup(request, lookups.conversations)

    async def _handle(self, request: web.Request, check: Any, success: str) -> web.StreamResponse:
        body, response = await self._answer(request, check, success)
        self.logs.access(request.path, body, None if response is None else response.status)
        if response is not None:
            return response
        # Accepted and delivered, then the connection dies unanswered: the client cannot
        # tell whether the message went out.
        assert request.transport is not None
        request.transport.abort()
        raise asyncio.CancelledError

    def _refuse_caller(self, request: web.Request) -> web.Response | None:
        """401 without the workspace header or the right key, 404 for another workspace."""
        workspace = request.headers.get("x-workspace-id")
        if not workspace:
            return self._error(401, "Header x-workspace-id is missing.")
        if self.settings.api_key and (
            request.headers.get("Authorization") != f"Bearer {self.settings.api_key}"
        ):
            return self._error(401, "Invalid API key.")
        if workspace != self.settings.workspace:
            return self._error(404, "Workspace not found.")
        return None

    async def _answer(
        self, request: web.Request, check: Any, success: str
    ) -> tuple[Any, web.Response | None]:
        """The body as read and the answer to send; None for a dropped connection."""
        refused = self._refuse_caller(request)
        if refused:
            return None, refused
        try:
            raw = await request.text()
            body = json.loads(raw)
        except ValueError:  # UnicodeDecodeError included
            return None, self._error(400, "The body is not valid JSON.")
        problem = check(body) if isinstance(body, dict) else "The body must be a JSON object."
        if not problem and body.get("workspaceId") != self.settings.workspace:
            problem = "workspaceId does not match the x-workspace-id header."
        if problem:
            return body, self._error(400, problem)
        if self.settings.latency_ms:
            await asyncio.sleep(self.settings.latency_ms / 1000)
        fault = self._fault() or self._refusal(request.path, body)
        if fault:
            return body, fault
        answer = self._accept(request.path, body, raw, success)
        dropped = self._random.random() < self.settings.drop_rate
        self.logs.delivery(request.path, body, answer, dropped=dropped)
        if dropped:
            self.counts["dropped"] += 1
            return body, None
        return body, self._json(200, answer)

    def _accept(self, path: str, body: dict[str, Any], raw: str, success: str) -> dict[str, Any]:
        """Keep the message (and a template's conversation); its 200 answer."""
        phone, seed, settings = phone_of(body), self.settings.seed, self.settings
        template = path.endswith("conversation")
        created = datetime.now(UTC)
        self._started.setdefault(phone, time.time())  # the tier counts this customer
        contact, message = self.records.accept(
            phone, body["template"] if template else body["content"],
            "" if template else body.get("externalReferenceId", ""),
            created=created, blocked=is_blocked(seed, phone, settings.blocked_rate),
            reply=reply_for(seed, phone, settings.reply_rate, settings.stop_rate),
        )  # fmt: skip
        if not template:
            return message_answer(
                body, success, contact_id=contact.id, message_id=message.id,
                whatsapp_id=message.whatsapp_id,
            )  # fmt: skip
        conversation_id = new_id()
        answer = conversation_answer(
            body, success, contact_id=contact.id, conversation_id=conversation_id
        )
        self.records.add_conversation(Conversation(
            conversation_id, contact.id, body["template"], body.get("campaignName"),
            send_type(body.get("sendType")) or "3", raw, json.dumps(answer, ensure_ascii=False),
            created,
        ))  # fmt: skip
        return answer

    def _refusal(self, path: str, body: dict[str, Any]) -> web.Response | None:
        """WhatsApp's refusal, if any: per request (may pass on a retry), then per phone."""
        refusal = request_refusal(self._random.random(), self._shares) if self._transient else None
        free_text = path == "/api/message"
        refusal = refusal or phone_refusal(
            self.settings.seed, phone_of(body), self._shares, free_text=free_text
        )
        refusal = refusal or self._over_tier(phone_of(body))
        if refusal is None:
            return None
        wait = {"Retry-After": str(refusal.retry_after)} if refusal.retry_after else None
        return self._error(refusal.status, refusal.message, wait, error_code=refusal.code)

    def _over_tier(self, phone: str) -> Refusal | None:
        """A new customer past the daily limit of different customers in 24 hours."""
        if not self.settings.tier or phone in self._started:
            return None
        now = time.time()
        self._started = {p: at for p, at in self._started.items() if at > now - DAY}
        return OVER_TIER if len(self._started) >= self.settings.tier else None

    async def _lookup(self, request: web.Request, read: Lookup) -> web.Response:
        """A read endpoint: the caller's checks, then its answer or a 429 or 503 fault."""
        response = self._refuse_caller(request)
        if response is None and not self.records.keep:
            response = self._error(404, "Not found.")  # as a Plazbot without this endpoint
        if response is None:
            status, answer = read(self.records, request.query, self.settings.workspace)
            if status != 400 and self.settings.latency_ms:
                await asyncio.sleep(self.settings.latency_ms / 1000)
            fault = None if status == 400 else self._lookup_fault()
            response = fault or self._json(status, answer)
        self.logs.access(request.path, {}, response.status)
        return response

    def _over_rate_limit(self) -> web.Response | None:
        """429 with `Retry-After` over `rate_limit` requests in a sliding second."""
        if not self.settings.rate_limit:
            return None
        now = time.monotonic()
        while self._window and self._window[0] <= now - 1.0:
            self._window.popleft()
        if len(self._window) >= self.settings.rate_limit:
            wait = max(1, math.ceil(self._window[0] + 1.0 - now))
            return self._error(429, "Too many requests.", {"Retry-After": str(wait)})
        self._window.append(now)
        return None

    def _fault(self) -> web.Response | None:
        """A send's faults: 429 over the rate limit, then 503 and 500 drawn from the seed."""
        limited = self._over_rate_limit()
        if limited:
            return limited
        draw = self._random.random()
        if draw < self.settings.unavailable_rate:
            return self._error(503, "Service unavailable.")
        if draw < self.settings.unavailable_rate + self.settings.error_rate:
            return self._error(500, "Internal server error.")
        return None

    def _lookup_fault(self) -> web.Response | None:
        """A read's faults: the same rate limit and 503s; 500s and drops are for sends."""
        limited = self._over_rate_limit()
        if limited:
            return limited
        if self._lookup_random.random() < self.settings.unavailable_rate:
            return self._error(503, "Service unavailable.")
        return None

    def _error(
        self,
        status: int,
        message: str,
        headers: dict[str, str] | None = None,
        *,
        error_code: str | None = None,
    ) -> web.Response:
        body: dict[str, Any] = {"success": False, "message": message, "code": status}
        if error_code:
            body["errorCode"] = error_code
        return self._json(status, body, headers)

    def _json(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> web.Response:
        self.counts[status] += 1
        return web.Response(
            status=status, text=json.dumps(body, ensure_ascii=False),
            content_type="application/json", headers=headers,
        )  # fmt: skip


@contextlib.asynccontextmanager
async def running_server(settings: ServerSettings) -> AsyncIterator[str]:
    """Run the server in this event loop; yields its base URL (port 0 picks a free one)."""
    server = PlazbotServer(settings)
    runner = web.AppRunner(server.app(), access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port, reuse_address=True)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://{settings.host}:{port}"
    finally:
        await runner.cleanup()


async def serve_forever(settings: ServerSettings) -> None:
    """`bulk-sender serve`: print the URL, then serve until interrupted."""
    async with running_server(settings) as url:
        # The address ends the line: whoever starts the server reads it there (tests do).
        print(_("Plazbot-compatible server on {url}").format(url=url), flush=True)
        await asyncio.Event().wait()
