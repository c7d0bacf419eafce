"""Test send: the campaign's first messages, text unchanged, to the sender's own phone.

`--test-to PHONE [--test-count N]` renders the campaign as usual and sends its first N
distinct messages to PHONE instead of their customers, through the chosen target, so the
sender reads on a real phone exactly what customers will read. It keeps its outcomes in
memory: the campaign's journal and report are never touched, and the same command without
`--test-to` then sends every customer as if no test had been made.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx

from ..contacts.phones import country_flag, normalise_phone
from ..delivery.limits import RunGuard, StopReason
from ..delivery.sender import Sender, make_client
from ..errors import ConfigError
from ..language import _
from ..lifecycle import Status
from ..messages.compose import identity
from ..records import Message, Outcome
from .campaign import Mode, Plan, Settings, open_target, prepare, target_for
from .composing import composed_rows


@dataclass(frozen=True, slots=True)
class TestSendResult:
    """What a test send did: where it went, each row's message and outcome, its exit code."""

    __test__ = False  # for pytest: a result, not a test class, whatever its name says

    phone: str
    target: str
    sent: tuple[tuple[Message, Outcome], ...]
    exit_code: int
    stop_detail: str = ""


class _Throwaway:
    """Keeps a test send's outcomes in memory: the campaign's journal is never opened."""

    def __init__(self) -> None:
        self.outcomes: dict[str, Outcome] = {}

    def mark_in_flight(self, key: str, attempts: int) -> bool:
        """Nothing to protect: a test message is not part of the campaign, so always claimed."""
        return True

    def record(self, key: str, outcome: Outcome) -> None:
        self.outcomes[key] = outcome


def first_messages(plan: Plan, phone: str, count: int) -> Iterator[Message]:
    """The first `count` distinct messages the campaign would send, addressed to `phone`."""
    seen: set[str] = set()
    for contact, composed in composed_rows(plan):
        if len(seen) >= count:
            return
        if isinstance(composed, Outcome) or composed.text in seen:
            continue
        if plan.gate.check(contact.values, composed.phone) is not None:
            continue  # an opted-out or non-consenting row's text is not what customers get
        seen.add(composed.text)
        key = identity(phone, composed.text)
        yield Message(composed.row, phone, composed.text, key, composed.wa_template)


def run_test_send(
    settings: Settings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    confirm: Callable[[int, int], bool] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> TestSendResult:
    """Send the test messages of `settings.protection` and say what happened to each."""
    protection = settings.protection
    if settings.mode is Mode.DRY_RUN:
        raise ConfigError(_("--test-to sends a test: add --sandbox or --live"))
    assert protection.test_to is not None
    phone = normalise_phone(protection.test_to, country_flag(settings.country))
    if not phone.ok:
        raise ConfigError(
            _("--test-to {phone}: {problem}").format(
                phone=protection.test_to, problem=f"{phone.code}: {phone.detail}"
            )
        )
    __, label = target_for(settings)
    plan = prepare(settings)
    messages = list(first_messages(plan, phone.digits, protection.test_count))
    if not messages:
        detail = _("no row of the file has a message to send (all invalid or excluded)")
        return TestSendResult(phone.digits, label, (), 1, detail)
    if confirm is not None and not confirm(len(messages), 1):
        return TestSendResult(phone.digits, label, (), 1, _("not confirmed: nothing was sent"))
    sent, guard = asyncio.run(_send(settings, messages, transport, clock))
    codes = {StopReason.ABORTED: 3, StopReason.INTERRUPTED: 130}
    all_sent = len(sent) == len(messages) and all(o.status is Status.SENT for __, o in sent)
    exit_code = codes.get(guard.reason, 0 if all_sent else 1)
    return TestSendResult(phone.digits, label, tuple(sent), exit_code, guard.detail)


async def _send(
    settings: Settings,
    messages: list[Message],
    transport: httpx.AsyncBaseTransport | None,
    clock: Callable[[], float],
) -> tuple[list[tuple[Message, Outcome]], RunGuard]:
    sent: list[tuple[Message, Outcome]] = []
    async with contextlib.AsyncExitStack() as stack:
        target = await open_target(settings, stack)
        client = await stack.enter_async_context(make_client(target, settings.send, transport))
        sender = Sender(
            client, target, settings.send, _Throwaway(), clock=clock,
            on_outcome=lambda message, outcome: sent.append((message, outcome)),
        )  # fmt: skip
        guard = await sender.send_all(messages)
    order = {m.key: i for i, m in enumerate(messages)}
    return sorted(sent, key=lambda pair: order[pair[0].key]), guard
