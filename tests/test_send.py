"""The Sender over real loopback HTTP against the bundled server, journaling into memory."""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
from datetime import datetime
from pathlib import Path

import httpx
from aiohttp import web

from bulk_sender import Outcome, SendSettings, Status
from bulk_sender.delivery.classify import Verdict
from bulk_sender.delivery.limits import StopReason
from bulk_sender.delivery.sender import Sender, make_client
from bulk_sender.delivery.wire import Target, build_request
from bulk_sender.journal.store import Journal
from bulk_sender.records import Message, WaTemplate
from bulk_sender.sandbox.server import ServerSettings, running_server


class MemoryJournal:
    """A Recorder that keeps everything in memory."""

    def __init__(self) -> None:
        self.in_flight: list[tuple[str, int]] = []
        self.outcomes: dict[str, Outcome] = {}

    def mark_in_flight(self, key: str, attempts: int) -> bool:
        self.in_flight.append((key, attempts))
        self.outcomes.pop(key, None)
        return True

    def record(self, key: str, outcome: Outcome) -> None:
        self.outcomes[key] = outcome


def messages(count: int, phone: str | None = None) -> list[Message]:
    return [Message(n, phone or f"519{n:08d}", f"Hola {n}", f"key{n}") for n in range(1, count + 1)]


def send(
    batch: list[Message],
    settings: SendSettings,
    server: ServerSettings | None = None,
    url: str | None = None,
    **options: object,
) -> tuple[MemoryJournal, Sender]:
    journal = MemoryJournal()

    async def run() -> Sender:
        async with running_server(server or ServerSettings(port=0)) as own_url:
            target = Target(url or own_url, "sandbox")
            async with make_client(target, settings) as client:
                sender = Sender(client, target, settings, journal, **options)  # type: ignore[arg-type]
                await sender.send_all(batch)
                return sender

    return journal, asyncio.run(run())


def statuses(journal: MemoryJournal) -> dict[str, Status]:
    return {key: outcome.status for key, outcome in journal.outcomes.items()}


def test_every_message_is_sent_once_with_its_ids(tmp_path: Path):
    server = ServerSettings(port=0, log=tmp_path / "log.jsonl")

    journal, sender = send(messages(40), SendSettings(concurrency=4, rate=0), server)

    assert set(statuses(journal).values()) == {Status.SENT}
    assert len(journal.outcomes) == 40
    lines = [json.loads(x) for x in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert sorted(line["reference"] for line in lines) == sorted(f"key{n}" for n in range(1, 41))
    assert {o.message_id for o in journal.outcomes.values()} == {line["id"] for line in lines}
    assert all(o.attempts == 1 and o.sent_at for o in journal.outcomes.values())
    assert not sender.guard.stopped


def test_messages_are_read_lazily_through_a_bounded_queue():
    pulled = 0
    at_first_outcome: list[int] = []

    def feed():
        nonlocal pulled
        for message in messages(60):
            pulled += 1
            yield message

    send(
        feed(),  # type: ignore[arg-type]
        SendSettings(concurrency=2, rate=0),
        ServerSettings(port=0, latency_ms=20),
        on_outcome=lambda message, outcome: at_first_outcome.append(pulled),
    )

    assert pulled == 60
    assert at_first_outcome[0] <= 3 * 2 + 1  # the queue (2 x concurrency) plus one per worker


def test_a_400_fails_the_row_with_the_apis_words():
    bad = Message(1, "51-987", "Hola", "bad")

    journal, _ = send([bad], SendSettings(rate=0))

    outcome = journal.outcomes["bad"]
    assert (outcome.status, outcome.code, outcome.http_status) == (Status.FAILED, "api_400", 400)
    assert "recipientPhone must be 8 to 15 digits" in outcome.detail


def test_503s_are_retried_until_max_attempts_then_the_row_stays_pending():
    settings = SendSettings(rate=0, max_attempts=3, backoff_base=0.01)
    retries: list[Verdict] = []

    journal, _ = send(
        messages(2), settings, ServerSettings(port=0, unavailable_rate=1.0),
        on_retry=lambda message, verdict: retries.append(verdict),
    )  # fmt: skip

    for outcome in journal.outcomes.values():
        assert (outcome.status, outcome.code, outcome.attempts) == (Status.PENDING, "api_503", 3)
        assert outcome.detail.startswith("gave up after 3 attempts")
    assert [v.code for v in retries] == ["api_503"] * 4  # two retries per message


def test_429_waits_do_not_use_up_max_attempts(tmp_path: Path):
    server = ServerSettings(port=0, rate_limit=10, access_log=tmp_path / "access.jsonl")
    settings = SendSettings(concurrency=8, rate=0, max_attempts=1)

    journal, sender = send(messages(25), settings, server)

    assert set(statuses(journal).values()) == {Status.SENT}
    answers = [
        json.loads(x)["status"] for x in (tmp_path / "access.jsonl").read_text().split("\n")[:-1]
    ]
    assert answers.count(429) >= 1
    assert answers.count(200) == 25
    assert sender.limiter.ceiling is not None  # it learnt the API's limit


def test_connection_refused_20_times_in_a_row_stops_the_run_as_network_down():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings = SendSettings(concurrency=2, rate=0, max_attempts=5, backoff_base=0.001)

    journal, sender = send(messages(30), settings, url=f"http://127.0.0.1:{closed_port}")

    assert sender.guard.reason is StopReason.NETWORK_DOWN
    assert 20 <= len(journal.in_flight) <= 21  # the other worker may have one on its way
    assert set(statuses(journal).values()) == {Status.PENDING}
    assert len(journal.outcomes) <= 6  # the rest were never touched


def test_a_wrong_workspace_aborts_after_at_most_one_request_per_worker():
    journal, sender = send(
        messages(50), SendSettings(concurrency=4, rate=0), ServerSettings(port=0, workspace="x")
    )

    assert sender.guard.reason is StopReason.ABORTED
    assert "api_404" in sender.guard.detail
    assert len(journal.in_flight) <= 4
    assert set(statuses(journal).values()) == {Status.PENDING}


def test_messages_to_one_phone_are_spaced_apart(tmp_path: Path):
    server = ServerSettings(port=0, access_log=tmp_path / "access.jsonl")
    settings = SendSettings(concurrency=4, rate=0, pair_interval=0.3)

    journal, _ = send(messages(3, phone="51987654321") + messages(1), settings, server)

    assert set(statuses(journal).values()) == {Status.SENT}
    lines = [json.loads(x) for x in (tmp_path / "access.jsonl").read_text().splitlines()]
    times = [datetime.fromisoformat(x["time"]) for x in lines if x["phone"] == "51987654321"]
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    assert len(gaps) == 2
    assert all(gap >= 0.29 for gap in gaps)


def test_interrupt_lets_requests_in_flight_finish_and_leaves_the_rest_pending():
    sender_box: list[Sender] = []

    def first_outcome(message: Message, outcome: Outcome) -> None:
        sender_box[0].interrupt()

    async def run() -> MemoryJournal:
        journal = MemoryJournal()
        async with running_server(ServerSettings(port=0, latency_ms=100)) as url:
            target = Target(url, "sandbox")
            settings = SendSettings(concurrency=4, rate=0)
            async with make_client(target, settings) as client:
                sender = Sender(client, target, settings, journal, on_outcome=first_outcome)
                sender_box.append(sender)
                await sender.send_all(messages(40))
        return journal

    journal = asyncio.run(run())

    started = {key for key, _ in journal.in_flight}
    assert 1 <= len(started) <= 4
    assert {journal.outcomes[key].status for key in started} == {Status.SENT}  # all finished
    assert sender_box[0].guard.reason is StopReason.INTERRUPTED


def test_interrupt_wakes_a_worker_waiting_out_a_long_backoff():
    settings = SendSettings(concurrency=1, rate=0, backoff_base=60, backoff_cap=60)

    async def run() -> tuple[MemoryJournal, float]:
        journal = MemoryJournal()
        async with running_server(ServerSettings(port=0, unavailable_rate=1.0)) as url:
            target = Target(url, "sandbox")
            async with make_client(target, settings) as client:
                sender = Sender(
                    client, target, settings, journal, rng=lambda: 1.0,
                    on_retry=lambda message, verdict: sender.interrupt(),
                )  # fmt: skip
                loop = asyncio.get_running_loop()
                started = loop.time()
                await sender.send_all(messages(3))
                return journal, loop.time() - started

    journal, took = asyncio.run(run())

    assert took < 30  # it did not sit out the 60 s backoff
    outcome = journal.outcomes["key1"]
    assert (outcome.status, outcome.code, outcome.attempts) == (Status.PENDING, "interrupted", 1)
    assert set(journal.outcomes) == {"key1"}


def test_the_client_sends_the_workspace_and_bearer_key_over_kept_alive_connections():
    seen: list[tuple[str | None, str | None, object]] = []

    async def handler(request: web.Request) -> web.Response:
        peer = request.transport.get_extra_info("peername") if request.transport else None
        seen.append(
            (request.headers.get("x-workspace-id"), request.headers.get("authorization"), peer)
        )
        return web.json_response({"success": True, "data": {"contactId": "c"}})

    async def run(key: str | None) -> None:
        app = web.Application()
        app.router.add_post("/api/message", handler)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        settings = SendSettings(concurrency=3, rate=0)
        target = Target(url, "ws-secret", key)
        try:
            async with make_client(target, settings) as client:
                await Sender(client, target, settings, MemoryJournal()).send_all(messages(30))
        finally:
            await runner.cleanup()

    asyncio.run(run("key-secret"))
    with_key, seen[:] = list(seen), []
    asyncio.run(run(None))

    assert {(ws, auth) for ws, auth, _ in with_key} == {("ws-secret", "Bearer key-secret")}
    assert {(ws, auth) for ws, auth, _ in seen} == {("ws-secret", None)}
    assert len({peer for _, _, peer in with_key}) <= 3  # the pool: one connection per worker


def test_secrets_stay_out_of_reprs():
    target = Target("http://127.0.0.1:1", "ws-secret", "key-secret")

    assert "secret" not in repr(target)


def test_build_request_for_a_text_message_and_an_approved_template():
    target = Target("http://127.0.0.1:1", "ws")
    text = Message(2, "51987654321", "Hola Ana", "k1")
    wa = Message(
        3,
        "51987654321",
        "t()",
        "k2",
        WaTemplate("pedido", ("Ana",), ("Lima",), "https://x/a.pdf", "Julio"),
    )

    assert build_request(text, target) == ("/api/message", {
        "content": "Hola Ana", "recipientPhone": "51987654321", "workspaceId": "ws",
        "externalReferenceId": "k1",
    })  # fmt: skip
    path, body = build_request(wa, target)
    assert path == "/api/conversation"
    assert body == {
        "workspaceId": "ws", "template": "pedido", "destination": "51987654321",
        "reference1": "k2", "variablesBody": [{"variable": "1", "value": "Ana"}],
        "variablesHeader": [{"variable": "1", "value": "Lima"}],
        "file": {"fileUrl": "https://x/a.pdf", "fileName": "a.pdf"}, "campaignName": "Julio",
    }  # fmt: skip


def test_build_request_sends_named_variables_in_their_order_and_the_send_type():
    wa = WaTemplate("pedido", ("Juan", "P-1"), ("Lima",), body_names=("customerName", "orderId"),
                    header_names=("city",), send_type="3")  # fmt: skip

    _, body = build_request(Message(3, "51987654321", "t()", "k", wa), Target("http://x", "ws"))

    assert body["variablesBody"] == [
        {"variable": "customerName", "value": "Juan"}, {"variable": "orderId", "value": "P-1"},
    ]  # fmt: skip
    assert body["variablesHeader"] == [{"variable": "city", "value": "Lima"}]
    assert body["sendType"] == "3"


def test_a_row_rate_limited_for_10_minutes_stays_pending_without_waiting_them_out():
    requests: list[httpx.Request] = []

    def too_many(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(429, headers={"Retry-After": "600"}, json={"success": False})

    async def run() -> MemoryJournal:
        journal, settings = MemoryJournal(), SendSettings(concurrency=1, rate=0)
        target = Target("http://api.test", "sandbox")
        async with make_client(target, settings, httpx.MockTransport(too_many)) as client:
            await Sender(client, target, settings, journal).send_all(messages(1))
        return journal

    journal = asyncio.run(asyncio.wait_for(run(), timeout=10))  # a regression fails, not hangs

    outcome = journal.outcomes["key1"]
    assert outcome.status is Status.PENDING and outcome.code == "api_429"
    assert outcome.detail.startswith("still rate limited after 10 minutes")
    assert len(requests) == 1


def test_two_senders_on_one_journal_never_both_send_a_message(tmp_path: Path):
    # Belt and braces under the campaign lock: a message goes only to the sender that claims it.
    batch = messages(30)
    server = ServerSettings(port=0, log=tmp_path / "log.jsonl")
    settings = SendSettings(concurrency=4, rate=0)
    with Journal(tmp_path / "j.sqlite3") as journal:
        journal.start_run()
        for m in batch:
            journal.add_message(m.key, phone=m.phone, message=m.text, request="", row=m.row,
                                outcome=Outcome(Status.PENDING))  # fmt: skip
        journal.commit()

        async def run() -> None:
            async with running_server(server) as url:
                target = Target(url, "sandbox")
                async with (
                    make_client(target, settings) as one,
                    make_client(target, settings) as two,
                ):
                    await asyncio.gather(
                        Sender(one, target, settings, journal).send_all(batch),
                        Sender(two, target, settings, journal).send_all(batch),
                    )

        asyncio.run(run())

    lines = [json.loads(x) for x in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert sorted(line["reference"] for line in lines) == sorted(m.key for m in batch)
