"""Lookups: Plazbot's read endpoints, for `settle` and `replies` (docs/spec.md section 9).

`GET /api/contact/searchByCellphone` finds a customer's contact by number, `GET /api/message`
lists a contact's messages (both ways, paged), `GET /api/message/conversation` the workspace's
template conversations (paged, in no promised order). Paths and field names have drifted
between Plazbot's two documentation sites, so the paths are settings and every answer is
read leniently: an unexpected shape, a 404 for an endpoint, a 401 or a timeout is
`LookupUnavailable`, never "the message was not sent". A 429 or a 503 waits and asks again,
through the sender's own rate limiter.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp
import httpx

from ..language import _
from .classify import parse_retry_after
from .limits import RateLimiter
from .wire import ApiClient

CONTACT_PATH = "/api/contact/searchByCellphone"
MESSAGES_PATH = "/api/message"
CONVERSATIONS_PATH = "/api/message/conversation"
ATTEMPTS = 5
"""Tries of one read through 429s, 503s and lost connections before it is unavailable."""
MAX_PAGES = 10_000
"""Pages of one listing at most: a token that never ends is a broken listing, not a long one."""


INBOUND = ("inbound", "in", "received", "incoming")
"""How a message's `direction` (or `type`) may say the customer wrote it."""


class LookupUnavailable(Exception):
    """Plazbot could not tell (no such endpoint for this account, refused, timed out)."""


@dataclass(frozen=True, slots=True)
class Contact:
    id: str
    blocked: bool = False


@dataclass(frozen=True, slots=True)
class PlazbotMessage:
    """One message of a contact's conversation, either way."""

    id: str
    inbound: bool
    content: str
    created_at: datetime | None
    reference: str = ""
    whatsapp_id: str | None = None


@dataclass(frozen=True, slots=True)
class Conversation:
    """One template conversation the workspace started."""

    id: str
    phone: str
    template: str
    reference: str
    created_at: datetime | None


class Lookups:
    """Plazbot's read endpoints over the sender's client and rate limiter."""

    def __init__(
        self,
        client: ApiClient,
        limiter: RateLimiter,
        workspace_id: str,
        *,
        clock: Any = None,
    ) -> None:
        self.client, self.limiter, self.workspace_id = client, limiter, workspace_id
        self.clock = clock or asyncio.get_running_loop().time

    async def contact(self, phone: str) -> Contact | None:
        """The workspace's contact for this number; None when Plazbot has none."""
        data = await self._read(
            CONTACT_PATH, {"cellphone": phone, "workspaceId": self.workspace_id}
        )
        found = data.get("data") if isinstance(data, dict) else None
        if not isinstance(data, dict) or (found is not None and not isinstance(found, list)):
            raise LookupUnavailable(_("the contact search answered in an unexpected shape"))
        contact_id = data.get("contactId") or next(
            (c.get("id") for c in found or [] if isinstance(c, dict) and c.get("id")), None
        )
        if not contact_id:
            return None
        blocked = any(isinstance(c, dict) and c.get("blocked") is True for c in found or [])
        return Contact(str(contact_id), blocked)

    async def messages(self, contact_id: str) -> list[PlazbotMessage]:
        """Every message of a contact's conversation, both ways, all pages."""
        records = await self._pages(MESSAGES_PATH, {"contactId": contact_id})
        return [_message(r) for r in records]

    async def conversations(self) -> list[Conversation]:
        """Every template conversation of the workspace, all pages, in Plazbot's order."""
        records = await self._pages(CONVERSATIONS_PATH, {"workspaceId": self.workspace_id})
        return [_conversation(r) for r in records]

    async def _pages(self, path: str, params: Mapping[str, str]) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        token: str | None = None
        for __ in range(MAX_PAGES):
            data = await self._read(
                path, {**params, **({"continuationToken": token} if token else {})}
            )
            page = data.get("data") if isinstance(data, dict) else None
            if not isinstance(page, list):
                raise LookupUnavailable(
                    _("{path} answered in an unexpected shape").format(path=path)
                )
            records += [r for r in page if isinstance(r, dict)]
            token = data.get("newContinuationToken") or data.get("continuationToken")
            if not token:
                return records
        raise LookupUnavailable(_("{path} kept giving pages").format(path=path))

    async def _read(self, path: str, params: Mapping[str, str]) -> Any:
        """The `data` of one read; waits through 429 and 503, else `LookupUnavailable`."""
        reason = ""
        for __ in range(ATTEMPTS):
            slot = self.limiter.reserve()
            await asyncio.sleep(max(0.0, slot - self.clock()))
            try:
                answer = await self.client.get(path, params)
            except (httpx.HTTPError, aiohttp.ClientError, OSError, TimeoutError):
                reason = _("no answer from {path}").format(path=path)
                continue
            if answer.status in (429, 503):
                self.limiter.slow_down(slot, parse_retry_after(answer.headers) or 1.0)
                reason = _("{path} answered {status}").format(path=path, status=answer.status)
                continue
            return _data(path, answer.status, answer.body)
        raise LookupUnavailable(reason)


def _data(path: str, status: int, body: bytes) -> Any:
    if status == 404 and path == MESSAGES_PATH:
        return {"data": []}  # Plazbot's answer for a contact without messages
    if status != 200:
        raise LookupUnavailable(_("{path} answered {status}").format(path=path, status=status))
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise LookupUnavailable(
            _("{path} answered something that is not JSON").format(path=path)
        ) from exc
    if not isinstance(payload, dict) or payload.get("success") is False:
        raise LookupUnavailable(
            _('{path} refused: "{words}"').format(path=path, words=str(payload)[:200])
        )
    return payload.get("data")


def _message(record: dict[str, Any]) -> PlazbotMessage:
    direction = str(record.get("direction") or record.get("type") or "").lower()
    inbound = (
        direction in ("inbound", "in", "received", "incoming") or record.get("fromMe") is False
    )
    return PlazbotMessage(
        str(record.get("id") or ""), inbound, str(record.get("content") or ""),
        _time(record.get("createdAt") or record.get("creationDate")),
        str(record.get("externalReferenceId") or ""),
        str(record.get("messageWhatsappId") or "") or None,
    )  # fmt: skip


def _conversation(record: dict[str, Any]) -> Conversation:
    try:
        request = json.loads(record.get("requestBody") or "{}")
    except ValueError:
        request = {}
    request = request if isinstance(request, dict) else {}
    return Conversation(
        str(record.get("id") or ""),
        "".join(ch for ch in str(request.get("destination") or "") if ch.isdigit()),
        str(record.get("templateCode") or request.get("template") or ""),
        str(request.get("reference1") or ""),
        _time(record.get("creationDate") or record.get("createdAt")),
    )


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)
