"""Every answer and transport error the sender can meet, and what it means for the row."""

from __future__ import annotations

import asyncio
import email.utils
import json
import socket

import aiohttp
import httpx
import pytest
from aiohttp.client_reqrep import ConnectionKey
from httpx_aiohttp.transport import map_aiohttp_exceptions

from bulk_sender.delivery.classify import (
    PAIR_RATE_PAUSE,
    Kind,
    classify_error,
    classify_response,
    parse_retry_after,
)
from bulk_sender.lifecycle import ERROR_RULES


def body(**fields: object) -> bytes:
    return json.dumps(fields).encode()


def through_transport(cause: Exception) -> httpx.HTTPError:
    """What httpx-aiohttp's own exception map turns an aiohttp error into."""
    try:
        with map_aiohttp_exceptions():
            raise cause
    except httpx.HTTPError as mapped:
        return mapped
    raise AssertionError("not mapped")


def connection_key(host: str = "127.0.0.1") -> ConnectionKey:
    return ConnectionKey(*[host, 1, False, True] + [None] * (len(ConnectionKey._fields) - 4))


def refused() -> aiohttp.ClientConnectorError:
    return aiohttp.ClientConnectorError(connection_key(), ConnectionRefusedError(111, "no"))


def unresolved() -> aiohttp.ClientConnectorDNSError:
    return aiohttp.ClientConnectorDNSError(
        connection_key("api.plazbot.invalid"), socket.gaierror(socket.EAI_NONAME, "unknown")
    )


def test_200_with_success_is_sent_with_the_ids():
    answer = body(success=True, data={"message": {"id": "m1", "messageWhatsappId": "wamid.1"}})

    verdict = classify_response(200, {}, answer)

    assert (verdict.kind, verdict.message_id, verdict.whatsapp_id) == (
        Kind.ACCEPTED,
        "m1",
        "wamid.1",
    )


def test_200_from_the_conversation_endpoint_keeps_the_contact_id():
    verdict = classify_response(200, {}, body(success=True, data={"contactId": "c9"}))

    assert (verdict.kind, verdict.message_id, verdict.whatsapp_id) == (Kind.ACCEPTED, "c9", None)


def test_200_with_a_conversation_id_keeps_it_and_the_contact_id_goes_in_the_detail():
    answer = body(success=True, data={"contactId": "c9", "conversationId": "v7", "details": {}})

    verdict = classify_response(200, {}, answer)

    assert (verdict.kind, verdict.message_id, verdict.detail) == (
        Kind.ACCEPTED,
        "v7",
        "contactId: c9",
    )


def test_200_with_success_false_fails_with_the_apis_words():
    verdict = classify_response(200, {}, body(success=False, message="Plantilla no aprobada"))

    assert (verdict.kind, verdict.code, verdict.detail) == (
        Kind.REFUSED, "api_refused", "Plantilla no aprobada",
    )  # fmt: skip


def test_200_that_cannot_be_read_is_uncertain_not_failed():
    verdict = classify_response(200, {}, b"<html>proxy</html>")

    assert (verdict.kind, verdict.code) == (Kind.UNANSWERED, "api_unreadable")


@pytest.mark.parametrize(
    ("status", "words", "kind", "code"),
    [
        (400, "recipientPhone is required", Kind.REFUSED, "api_400"),
        (400, "(#131047) Re-engagement message", Kind.REFUSED, "window_closed"),
        (422, "131026: recipient not on WhatsApp", Kind.REFUSED, "not_on_whatsapp"),
        (301, "Moved", Kind.REFUSED, "api_301"),
        (401, "Unauthorized", Kind.UNAUTHORIZED, "api_401"),
        (403, "Forbidden", Kind.UNAUTHORIZED, "api_403"),
        (404, "Workspace not found.", Kind.NOT_FOUND, "api_404"),
        (429, "Too many requests.", Kind.RATE_LIMITED, "api_429"),
        (503, "Service unavailable.", Kind.RETRY, "api_503"),
        (500, "Internal server error.", Kind.UNANSWERED, "api_500"),
        (502, "Bad gateway", Kind.UNANSWERED, "api_502"),
        (504, "Gateway timeout", Kind.UNANSWERED, "api_504"),
    ],
)
def test_each_status_gets_its_kind_and_the_apis_words(status, words, kind, code):
    verdict = classify_response(status, {}, body(success=False, message=words))

    assert (verdict.kind, verdict.code, verdict.detail, verdict.http_status) == (
        kind, code, words, status,
    )  # fmt: skip


def test_429_carries_its_retry_after():
    headers = httpx.Headers({"Retry-After": "3"})

    assert classify_response(429, headers, b"").retry_after == 3.0


@pytest.mark.parametrize(
    ("cause", "kind", "code"),
    [
        # The request was written, then the connection died: the transport calls these
        # ConnectTimeout, but the message may be out. Never retried.
        (aiohttp.ServerDisconnectedError(), Kind.UNANSWERED, "connection_lost"),
        (
            aiohttp.ClientOSError(104, "Connection reset by peer"),
            Kind.UNANSWERED,
            "connection_lost",
        ),
        (aiohttp.ClientPayloadError("cut short"), Kind.UNANSWERED, "connection_lost"),
        (aiohttp.SocketTimeoutError("read"), Kind.UNANSWERED, "read_timeout"),
        # The request never left: retried.
        (aiohttp.ConnectionTimeoutError("connect"), Kind.RETRY, "connect_timeout"),
        (refused(), Kind.RETRY, "connect_error"),
        (unresolved(), Kind.RETRY, "connect_error"),  # a DNS failure: nothing was sent
    ],
)
def test_aiohttp_errors_are_judged_by_their_cause_not_the_httpx_name(cause, kind, code):
    mapped = through_transport(cause)

    verdict = classify_error(mapped)

    assert (verdict.kind, verdict.code) == (kind, code)
    assert mapped.__cause__ is cause


def test_the_transport_really_calls_a_lost_connection_a_connect_timeout():
    assert isinstance(through_transport(aiohttp.ServerDisconnectedError()), httpx.ConnectTimeout)


def error_of_a_real_request(url: str) -> Exception:
    """What the real transport raises posting to `url`."""
    from httpx_aiohttp import AiohttpTransport

    async def post() -> Exception:
        async with httpx.AsyncClient(base_url=url, transport=AiohttpTransport()) as client:
            try:
                await client.post("/api/message", json={})
            except httpx.HTTPError as exc:
                return exc
        raise AssertionError(f"{url} answered")

    return asyncio.run(post())


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("url", [f"http://127.0.0.1:{closed_port()}", "api.plazbot.com"])
def test_a_target_that_refuses_or_is_no_address_leaves_the_row_to_retry(url):
    # A refused connection, or an --api-url without scheme: the request never left.
    verdict = classify_error(error_of_a_real_request(url))

    assert (verdict.kind, verdict.code) == (Kind.RETRY, "connect_error")


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (httpx.ConnectError("refused"), Kind.RETRY),
        (httpx.ConnectTimeout("slow"), Kind.RETRY),
        (httpx.PoolTimeout("busy"), Kind.RETRY),
        (httpx.ReadTimeout("slow"), Kind.UNANSWERED),
        (httpx.RemoteProtocolError("closed"), Kind.UNANSWERED),
        (httpx.WriteError("half written"), Kind.UNANSWERED),
        (OSError("who knows"), Kind.UNANSWERED),
    ],
)
def test_httpx_errors_without_an_aiohttp_cause(exc, kind):
    assert classify_error(exc).kind is kind


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("3", 3.0), ("1.5", 1.5), ("-2", 0.0), ("99999", 600.0), ("soon", None), ("nan", None)],
)
def test_retry_after_in_seconds(value, seconds):
    assert parse_retry_after({"retry-after": value}) == seconds


def test_retry_after_as_an_http_date():
    now = 1_700_000_000.0
    later = email.utils.formatdate(now + 10, usegmt=True)
    earlier = email.utils.formatdate(now - 10, usegmt=True)

    assert parse_retry_after(httpx.Headers({"Retry-After": later}), now=now) == 10.0
    assert parse_retry_after(httpx.Headers({"Retry-After": earlier}), now=now) == 0.0


def test_no_retry_after():
    assert parse_retry_after(httpx.Headers({})) is None
    assert parse_retry_after(None) is None


@pytest.mark.parametrize("code", sorted(ERROR_RULES))
@pytest.mark.parametrize(
    "answer",
    [
        lambda code: body(success=False, code=400, errorCode=code, message="refused"),
        lambda code: body(success=False, code=code, message="refused"),
        lambda code: body(success=False, message=f"WhatsApp refused it (#{code})"),
    ],
    ids=["errorCode", "code", "words"],
)
def test_whatsapp_s_error_codes_are_found_wherever_plazbot_puts_them(code, answer):
    rule = ERROR_RULES[code]

    verdict = classify_response(400, {}, answer(code))

    assert verdict.rule is rule and verdict.code == rule.reason
    expected = Kind.RATE_LIMITED if rule.move is None else Kind.REFUSED
    assert verdict.kind is expected


def test_a_pair_rate_refusal_waits_for_the_pair_rate_without_a_retry_after():
    verdict = classify_response(400, {}, body(success=False, errorCode="131056"))

    assert verdict.kind is Kind.RATE_LIMITED and verdict.retry_after == PAIR_RATE_PAUSE
    again = classify_response(429, {"Retry-After": "2"}, body(success=False, errorCode="130429"))
    assert again.retry_after == 2.0


def test_a_200_saying_success_false_with_a_code_follows_the_code_s_rule():
    verdict = classify_response(200, {}, body(success=False, errorCode="131050"))

    assert (verdict.kind, verdict.code) == (Kind.REFUSED, "opted_out")


def test_an_unknown_code_and_a_phone_in_the_words_keep_today_s_classes():
    verdict = classify_response(
        400, {}, body(success=False, errorCode="100", message="bad number 51999999999")
    )

    assert (verdict.kind, verdict.code, verdict.rule) == (Kind.REFUSED, "api_400", None)


@pytest.mark.parametrize(
    ("status", "words", "kind"),
    [
        (429, "1000 requests per 24 hours", Kind.RATE_LIMITED),
        (500, "upstream failed (#131049)", Kind.UNANSWERED),
        (503, "maintenance for 24 hours", Kind.RETRY),
    ],
)
def test_only_a_4xx_refusal_follows_whatsapp_s_rules(status, words, kind):
    verdict = classify_response(status, {}, body(success=False, message=words))

    assert (verdict.kind, verdict.rule) == (kind, None)


def test_a_code_without_a_rule_is_not_guessed_from_its_words():
    tier = body(success=False, errorCode="131999", message="limit of users in 24 hours")

    verdict = classify_response(400, {}, tier)

    assert (verdict.kind, verdict.code, verdict.rule) == (Kind.REFUSED, "api_400", None)
