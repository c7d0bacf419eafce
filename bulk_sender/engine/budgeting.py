"""Budgeting: what the daily budget learns from Plazbot beyond this computer's ledger
(docs/spec.md section 10).

Before a live run with a budget, Plazbot's listing of the workspace's conversations
(`GET /api/message/conversation`) gives the customers started in the last 24 hours by other
tools, colleagues or Plazbot's own screens; those this computer's ledger does not know use
the same budget. When the listing is not available the run says so in one line and counts its
own ledger only. A customer who wrote to the business in the last 24 hours has a conversation
open already and costs the budget nothing (`open_windows`); unknown means it counts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from datetime import datetime

import httpx

from ..delivery.limits import RateLimiter
from ..delivery.lookups import Lookups, LookupUnavailable
from ..delivery.sender import make_client
from ..delivery.wire import Target
from ..language import _
from ..protect.budget import WINDOW
from .campaign import Mode, Settings


async def started_elsewhere(
    settings: Settings, known: set[str], now: datetime, transport: httpx.AsyncBaseTransport | None
) -> tuple[dict[str, datetime], str]:
    """Phones Plazbot started a conversation with in the last 24 hours that `known` (this
    computer's ledger) lacks, with when, and a line for the user when the listing could not
    be read."""
    if settings.mode is not Mode.LIVE or not settings.workspace_id:
        return {}, ""
    target = Target(settings.api_url, settings.workspace_id, settings.api_key)
    try:
        async with make_client(target, settings.send, transport) as client:
            lookups = Lookups(client, RateLimiter(settings.send.rate), target.workspace_id)
            found = await lookups.conversations()
    except LookupUnavailable as exc:
        return {}, _(
            "Plazbot's list of conversations could not be read ({problem}): the daily budget "
            "counts only the customers this computer started"
        ).format(problem=exc)
    since, started = now - WINDOW, dict[str, datetime]()
    for conversation in found:
        when, phone = conversation.created_at, conversation.phone
        if phone and phone not in known and when is not None and since < when <= now:
            started[phone] = max(when, started.get(phone, when))
    return started, ""


OPEN_CHECKS = 500
"""Customers looked up at most before a run, for an open window (two reads each)."""


async def open_windows(
    settings: Settings,
    phones: list[str],
    now: datetime,
    transport: httpx.AsyncBaseTransport | None,
) -> tuple[dict[str, datetime], str]:
    """Which of `phones` (the first `OPEN_CHECKS`) wrote to the business in the last 24
    hours, per Plazbot's records, with when they last did; and a line for the user if
    Plazbot could not tell."""
    if settings.mode is not Mode.LIVE or not settings.workspace_id or not phones:
        return {}, ""
    target = Target(settings.api_url, settings.workspace_id, settings.api_key)
    found: dict[str, datetime] = {}
    since = now - WINDOW
    gate = asyncio.Semaphore(settings.send.concurrency)

    async def check(lookups: Lookups, phone: str) -> None:
        async with gate:
            contact = await lookups.contact(phone)
            messages = await lookups.messages(contact.id) if contact else []
        wrote = [m.created_at for m in messages if m.inbound and m.created_at]
        if wrote and max(wrote) > since:
            found[phone] = max(wrote)

    try:
        async with make_client(target, settings.send, transport) as client:
            lookups = Lookups(client, RateLimiter(settings.send.rate), target.workspace_id)
            await gathered(check(lookups, phone) for phone in phones[:OPEN_CHECKS])
    except LookupUnavailable as exc:
        return found, _(
            "Plazbot could not say which customers wrote in the last 24 hours ({problem}): "
            "they use the daily budget as new ones"
        ).format(problem=exc)
    return found, ""


async def gathered(calls: Iterable[Awaitable[None]]) -> None:
    """Await every call; the first error is raised once all have ended (no call is left
    running against a client or journal about to close)."""
    results = await asyncio.gather(*calls, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
