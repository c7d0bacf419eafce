"""What the bundled server's WhatsApp decides per phone, over real HTTP (docs/spec.md 9).

Replies, blocked contacts and Meta's error codes, as the pure draw functions predict them.
Their settings have no `serve` flags yet, so the server runs in a thread of the test process.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from bulk_sender.errors import ConfigError
from bulk_sender.sandbox.server import ServerSettings
from bulk_sender.sandbox.whatsapp import (
    ORDINARY_REPLIES,
    STOP_REPLIES,
    is_blocked,
    phone_draw,
    reply_for,
)

from .sandbox_thread import servers

PHONE = "51987654321"
MESSAGE = {"content": "Hola Ana", "recipientPhone": PHONE, "workspaceId": "sandbox"}
TEMPLATE = {"template": "pedido", "destination": PHONE, "workspaceId": "sandbox"}
PHONES = [f"5198{n:07d}" for n in range(40)]
PER_PHONE = ["131026", "131050", "130472", "131049", "131047"]

sandbox = pytest.fixture(name="sandbox")(servers)


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


REPLIES = {"seed": 11, "reply_rate": 0.5, "stop_rate": 0.2, "blocked_rate": 0.3}


def test_replies_and_blocks_are_the_ones_the_draw_functions_predict(sandbox):
    server = sandbox(**REPLIES)
    expected = {p: reply_for(11, p, 0.5, 0.2) for p in PHONES}
    # The seed gives every case, or the test would prove little.
    assert {None} < set(expected.values())
    assert set(expected.values()) & set(STOP_REPLIES)
    assert set(expected.values()) & set(ORDINARY_REPLIES)
    assert 0 < sum(is_blocked(11, p, 0.3) for p in PHONES) < len(PHONES)

    for phone in reversed(PHONES):  # the order of sends changes nothing
        server.post({**MESSAGE, "recipientPhone": phone})
        server.post({**MESSAGE, "recipientPhone": phone, "content": "again"})

    for phone in PHONES:
        (entry,) = server.contact(phone)["data"]
        assert entry["blocked"] is is_blocked(11, phone, 0.3)
        chat = server.chat(phone)
        replies = [m for m in chat if m["direction"] == "inbound"]
        if expected[phone] is None:
            assert replies == []
            continue
        (reply,) = replies  # one reply, to the first message only
        assert reply["content"] == expected[phone]
        assert "externalReferenceId" not in reply
        first = chat[0]
        assert moment(reply["createdAt"]) - moment(first["createdAt"]) == timedelta(seconds=5)
        last = chat[-1]  # the reply, unless "again" took more than 5 s to send
        assert (entry["lastMessage"], entry["lastMessageDate"]) == (
            last["content"], last["createdAt"],
        )  # fmt: skip
        assert entry["isRead"] is (last["direction"] == "outbound")


def test_replies_follow_their_rates_and_stop_requests_are_part_of_them():
    phones = [f"5491{n:07d}" for n in range(4000)]

    replies = [reply_for(3, phone, 0.3, 0.1) for phone in phones]

    answered = [r for r in replies if r is not None]
    assert 0.27 < len(answered) / len(phones) < 0.33
    assert 0.08 < sum(r in STOP_REPLIES for r in answered) / len(phones) < 0.12
    assert 0.27 < sum(is_blocked(3, phone, 0.3) for phone in phones) / len(phones) < 0.33
    assert replies == [reply_for(3, phone, 0.3, 0.1) for phone in phones]  # pure
    assert 0.0 <= phone_draw(3, "reply", phones[0]) < 1.0


@pytest.mark.parametrize("code", PER_PHONE)
def test_a_per_phone_code_refuses_the_phone_on_every_try_and_is_not_kept(sandbox, tmp_path, code):
    server = sandbox(whatsapp_errors=((code, 1.0),), log=tmp_path / "log.jsonl")

    answers = [server.post({**MESSAGE, "externalReferenceId": "r"}) for _ in range(3)]

    for answer in answers:
        assert answer.status_code == 400
        body = answer.json()
        assert (body["success"], body["code"], body["errorCode"]) == (False, 400, code)
        assert body["message"].endswith(f"(#{code})")
    assert not (tmp_path / "log.jsonl").read_text()
    assert server.contact(PHONE) == {"contactId": None, "data": []}  # nothing kept


def test_131047_refuses_free_text_only_an_approved_template_gets_through(sandbox):
    server = sandbox(whatsapp_errors=(("131047", 1.0),))

    assert server.post(MESSAGE).json()["errorCode"] == "131047"
    assert server.post(TEMPLATE, "/api/conversation").status_code == 200


def test_a_share_of_phones_gets_a_code_and_the_same_phones_every_time(sandbox):
    settings = {"seed": 5, "whatsapp_errors": (("131049", 0.3), ("131050", 0.2))}
    first, second = sandbox(**settings), sandbox(**settings)

    a = [first.post({**MESSAGE, "recipientPhone": p}).json().get("errorCode") for p in PHONES]
    b = [second.post({**MESSAGE, "recipientPhone": p}).json().get("errorCode")
         for p in reversed(PHONES)]  # fmt: skip

    assert a == b[::-1]
    assert {None, "131049", "131050"} == set(a)


def test_the_older_rates_refuse_the_same_phones_as_their_codes(sandbox):
    older = sandbox(seed=4, not_on_whatsapp_rate=0.3, closed_window_rate=0.3)
    newer = sandbox(seed=4, whatsapp_errors=(("131026", 0.3), ("131047", 0.3)))

    codes = [
        [server.post({**MESSAGE, "recipientPhone": p}).json().get("errorCode") for p in PHONES]
        for server in (older, newer)
    ]

    assert codes[0] == codes[1]
    assert {None, "131026", "131047"} == set(codes[0])


@pytest.mark.parametrize(("code", "wait"), [("130429", "1"), ("131056", "6")])
def test_a_transient_code_is_a_429_with_retry_after(sandbox, tmp_path, code, wait):
    server = sandbox(whatsapp_errors=((code, 1.0),), log=tmp_path / "log.jsonl")

    answer = server.post(MESSAGE)

    assert (answer.status_code, answer.headers["Retry-After"]) == (429, wait)
    body = answer.json()
    assert (body["success"], body["code"], body["errorCode"]) == (False, 429, code)
    assert body["message"].endswith(f"(#{code})")
    assert not (tmp_path / "log.jsonl").read_text()
    assert server.contact(PHONE) == {"contactId": None, "data": []}


def test_a_transient_code_is_drawn_per_request_so_a_retry_gets_through(sandbox, tmp_path):
    log = tmp_path / "log.jsonl"
    server = sandbox(seed=2, whatsapp_errors=(("130429", 0.4), ("131056", 0.3)), log=log)

    answers = [server.post(MESSAGE) for _ in range(40)]

    codes = [a.json().get("errorCode") for a in answers]
    assert {None, "130429", "131056"} == set(codes)
    accepted = [a.json()["data"]["message"]["id"] for a in answers if a.status_code == 200]
    assert [json.loads(line)["id"] for line in log.read_text().splitlines()] == accepted
    assert [m["id"] for m in server.chat(PHONE)] == accepted


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"whatsapp_errors": (("999999", 0.1),)}, "not a code it knows"),
        ({"whatsapp_errors": (("131049", 0.1), ("131049", 0.2))}, "given twice"),
        ({"whatsapp_errors": (("131049", 1.5),)}, "between 0 and 1"),
        ({"whatsapp_errors": (("130429", 0.6), ("131056", 0.6))}, "more than 1"),
        ({"reply_rate": 0.1, "stop_rate": 0.2}, "cannot be larger"),
        ({"blocked_rate": -0.1}, "between 0 and 1"),
    ],
)
def test_settings_that_cannot_be_are_refused(settings, words):
    with pytest.raises(ConfigError, match=words):
        ServerSettings(**settings)
