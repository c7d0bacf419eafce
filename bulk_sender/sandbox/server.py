"""A Plazbot-compatible server for rehearsals and tests (docs/spec.md section 6).

It validates requests as Plazbot does, answers with the documented envelope, and can inject
the faults a real API shows: 429 over a rate limit, 503, 500, and connections dropped after
the message was accepted. `--log` appends one JSON line per delivered message.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import hashlib
import json
import math
import random
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from aiohttp import web

_DIGITS = set("0123456789")


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """The flags of `bulk-sender serve`."""

    host: str = "127.0.0.1"
    port: int = 8080
    workspace: str = "sandbox"
    api_key: str | None = field(default=None, repr=False)
    """When set, requests need `Authorization: Bearer <api_key>` (401 otherwise)."""
    latency_ms: float = 0.0
    rate_limit: float = 0.0
    unavailable_rate: float = 0.0
    error_rate: float = 0.0
    drop_rate: float = 0.0
    closed_window_rate: float = 0.0
    """Share of phones outside WhatsApp's 24-hour window: free text to them gets 400 (131047)."""
    not_on_whatsapp_rate: float = 0.0
    """Share of phones without WhatsApp: anything to them gets 400 (131026)."""
    seed: int | None = None
    log: Path | None = None
    """Appends one JSON line per delivered message: every 200 and every drop."""
    access_log: Path | None = None
    """Appends one JSON line per request, whatever the answer (429s included)."""


class PlazbotServer:
    """The request handlers and their state; `app()` gives the aiohttp application."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self._random = random.Random(settings.seed)
        self._window: collections.deque[float] = collections.deque()
        self._log: IO[str] | None = None
        self._access: IO[str] | None = None
        self.counts: collections.Counter[int | str] = collections.Counter()

    def app(self) -> web.Application:
        app = web.Application(client_max_size=1 << 20)
        app.router.add_post("/api/message", self.send_message)
        app.router.add_post("/api/conversation", self.send_conversation)
        app.router.add_post("/api/message/conversation", self.send_conversation)
        app.on_startup.append(self._open_log)
        app.on_cleanup.append(self._close_log)
        return app

    async def _open_log(self, app: web.Application) -> None:
        self._log = _open_append(self.settings.log)
        self._access = _open_append(self.settings.access_log)

    async def _close_log(self, app: web.Application) -> None:
        for log in (self._log, self._access):
            if log:
                log.close()

    async def send_message(self, request: web.Request) -> web.StreamResponse:
        return await self._handle(request, _check_message, "Message sent successfully.")

    async def send_conversation(self, request: web.Request) -> web.StreamResponse:
        return await self._handle(request, _check_conversation, "Conversation sent successfully.")

    async def _handle(self, request: web.Request, check: Any, success: str) -> web.StreamResponse:
        body, response = await self._answer(request, check, success)
        self._write_access(request.path, body, response)
        if response is not None:
            return response
        # Accepted and delivered, then the connection dies unanswered: the client cannot
        # tell whether the message went out.
        assert request.transport is not None
        request.transport.abort()
        raise asyncio.CancelledError

    async def _answer(
        self, request: web.Request, check: Any, success: str
    ) -> tuple[Any, web.Response | None]:
        """The body as read and the answer to send; None for a dropped connection."""
        workspace = request.headers.get("x-workspace-id")
        if not workspace:
            return None, self._error(401, "Header x-workspace-id is missing.")
        if self.settings.api_key and (
            request.headers.get("Authorization") != f"Bearer {self.settings.api_key}"
        ):
            return None, self._error(401, "Invalid API key.")
        if workspace != self.settings.workspace:
            return None, self._error(404, "Workspace not found.")
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            return None, self._error(400, "The body is not valid JSON.")
        problem = check(body) if isinstance(body, dict) else "The body must be a JSON object."
        if not problem and body.get("workspaceId") != workspace:
            problem = "workspaceId does not match the x-workspace-id header."
        if problem:
            return body, self._error(400, problem)
        if self.settings.latency_ms:
            await asyncio.sleep(self.settings.latency_ms / 1000)
        fault = self._fault() or self._refusal(request.path, body)
        if fault:
            return body, fault
        answer = _success(body, success, request.path)
        dropped = self._random.random() < self.settings.drop_rate
        self._deliver(request.path, body, answer, dropped=dropped)
        if dropped:
            self.counts["dropped"] += 1
            return body, None
        return body, self._json(200, answer)

    def _refusal(self, path: str, body: dict[str, Any]) -> web.Response | None:
        """WhatsApp's refusals for a phone, the same on every try (drawn from phone and seed)."""
        phone = str(body.get("recipientPhone") or body.get("destination"))
        if self._phone_draw(phone, "whatsapp") < self.settings.not_on_whatsapp_rate:
            message = "Message undeliverable: the recipient is not a WhatsApp user. (#131026)"
            return self._error(400, message, error_code="131026")
        free_text = path == "/api/message"
        if free_text and self._phone_draw(phone, "window") < self.settings.closed_window_rate:
            message = (
                "Message failed to send because more than 24 hours have passed since the "
                "customer last replied to this number; use an approved template. (#131047)"
            )
            return self._error(400, message, error_code="131047")
        return None

    def _phone_draw(self, phone: str, what: str) -> float:
        digest = hashlib.blake2b(f"{self.settings.seed}:{what}:{phone}".encode(), digest_size=4)
        return int.from_bytes(digest.digest(), "big") / 2**32

    def _fault(self) -> web.Response | None:
        """429 over the rate limit, then 503 and 500 drawn at random from the seed."""
        if self.settings.rate_limit:
            now = time.monotonic()
            while self._window and self._window[0] <= now - 1.0:
                self._window.popleft()
            if len(self._window) >= self.settings.rate_limit:
                wait = max(1, math.ceil(self._window[0] + 1.0 - now))
                return self._error(429, "Too many requests.", {"Retry-After": str(wait)})
            self._window.append(now)
        draw = self._random.random()
        if draw < self.settings.unavailable_rate:
            return self._error(503, "Service unavailable.")
        if draw < self.settings.unavailable_rate + self.settings.error_rate:
            return self._error(500, "Internal server error.")
        return None

    def _write_access(self, path: str, body: Any, response: web.Response | None) -> None:
        """`--access-log`: one line per request, whatever the answer (tests count 429s)."""
        if self._access is None:
            return
        body = body if isinstance(body, dict) else {}
        line = {
            "time": datetime.now(UTC).isoformat(),
            "path": path,
            "status": None if response is None else response.status,
            "dropped": response is None,
            "phone": body.get("recipientPhone") or body.get("destination"),
            "reference": body.get("externalReferenceId") or body.get("reference1"),
        }
        self._access.write(json.dumps(line, ensure_ascii=False) + "\n")
        self._access.flush()

    def _deliver(
        self, path: str, body: dict[str, Any], answer: dict[str, Any], *, dropped: bool
    ) -> None:
        if self._log is None:
            return
        data = answer["data"]
        line = {
            "time": datetime.now(UTC).isoformat(),
            "path": path,
            "phone": body.get("recipientPhone") or body.get("destination"),
            "content": body.get("content"),
            "template": body.get("template"),
            "variablesBody": body.get("variablesBody"),
            "variablesHeader": body.get("variablesHeader"),
            "reference": body.get("externalReferenceId") or body.get("reference1"),
            "id": (data.get("message") or {}).get("id") or data.get("conversationId"),
            "contactId": data.get("contactId"),
            "dropped": dropped,
        }
        if "sendType" in body:  # as it came: tests tell "2" from 2 and from no field at all
            line["sendType"] = body["sendType"]
        self._log.write(json.dumps(line, ensure_ascii=False) + "\n")
        self._log.flush()

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


def _open_append(path: Path | None) -> IO[str] | None:
    if path is None:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("a", encoding="utf-8")


def _check_message(body: dict[str, Any]) -> str | None:
    for name in ("content", "recipientPhone", "workspaceId"):
        if not isinstance(body.get(name), str) or not body[name].strip():
            return f"{name} is required and must be a non-empty string."
    for name in ("externalReferenceId", "contactId", "agentSendedId"):
        if name in body and not isinstance(body[name], str):
            return f"{name} must be a string."
    return _check_phone(body["recipientPhone"], "recipientPhone")


def _check_conversation(body: dict[str, Any]) -> str | None:
    for name in ("template", "destination", "workspaceId"):
        if not isinstance(body.get(name), str) or not body[name].strip():
            return f"{name} is required and must be a non-empty string."
    for name in ("variablesBody", "variablesHeader"):
        variables = body.get(name, [])
        if not isinstance(variables, list) or not all(
            isinstance(v, dict) and isinstance(v.get("variable"), str)
            and isinstance(v.get("value"), str) for v in variables
        ):  # fmt: skip
            return f"{name} must be a list of {{variable, value}} strings."
    file = body.get("file")
    if file is not None and not (isinstance(file, dict) and isinstance(file.get("fileUrl"), str)):
        return "file must be an object with fileUrl."
    for name in ("reference1", "reference2", "reference3", "campaignName"):
        if name in body and not isinstance(body[name], str):
            return f"{name} must be a string."
    if body.get("sendType") is not None and _send_type(body["sendType"]) is None:
        return 'sendType must be "1" (campaign), "2" (individual) or "3" (API).'
    return _check_phone(body["destination"], "destination")


def _send_type(value: Any) -> str | None:
    """`sendType` as the page documents it, a string, or the number it names; else None."""
    if isinstance(value, bool):  # JSON true is no send type, though Python counts it an int
        return None
    text = str(value).strip() if isinstance(value, str | int) else ""
    return text if text in ("1", "2", "3") else None


def _check_phone(phone: str, name: str) -> str | None:
    if not set(phone) <= _DIGITS or not 8 <= len(phone) <= 15:
        return f"{name} must be 8 to 15 digits with country code, no symbols."
    return None


def _success(body: dict[str, Any], message: str, path: str) -> dict[str, Any]:
    contact_id = uuid.uuid4().hex[:24]
    if path.endswith("conversation"):
        return {"success": True, "message": message, "code": 200,
                "data": {"contactId": contact_id, "conversationId": uuid.uuid4().hex[:24],
                         "details": _conversation_details(body)}}  # fmt: skip
    sent = {
        "id": uuid.uuid4().hex[:24],
        "messageWhatsappId": f"wamid.{uuid.uuid4().hex}",
        "contactId": contact_id,
        "content": body["content"],
        "workspaceId": body["workspaceId"],
        "recipientPhone": body["recipientPhone"],
        "externalReferenceId": body.get("externalReferenceId", ""),
        "platformId": "whatsapp",
        "answerAgentId": "",
        "answerType": "api",
    }
    return {"success": True, "message": message, "code": 200,
            "data": {"contactId": contact_id, "message": sent}}  # fmt: skip


def _conversation_details(body: dict[str, Any]) -> dict[str, Any]:
    """The request echoed back, as Plazbot's Send Conversation example shows it."""
    return {
        "template": body["template"],
        "destination": body["destination"],
        "sendType": _send_type(body.get("sendType")) or "3",  # the page's default: API
        "campaignName": body.get("campaignName"),
        "variablesBody": body.get("variablesBody", []),
        "variablesHeader": body.get("variablesHeader", []),
        "reference1": body.get("reference1"),
    }


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
        print(f"Plazbot-compatible server on {url}", flush=True)
        await asyncio.Event().wait()
