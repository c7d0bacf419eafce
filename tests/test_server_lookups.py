"""The bundled server's read endpoints over real HTTP (plazbot-lookups.md).

What `settle` and `replies` (docs/spec.md section 9) will read: the server keeps what it
accepted, dropped connections included, and nothing it refused.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
import requests

from .sandbox_thread import SEARCH, WS, servers

PHONE = "51987654321"
MESSAGE = {"content": "Hola Ana", "recipientPhone": PHONE, "workspaceId": "sandbox"}
TEMPLATE = {"template": "pedido", "destination": PHONE, "workspaceId": "sandbox"}
CONVERSATIONS = "/api/message/conversation"
ISO_MS_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|\+00:00)$")


sandbox = pytest.fixture(name="sandbox")(servers)


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_a_contact_s_45_messages_come_oldest_first_20_a_page(sandbox):
    server = sandbox()
    sent = [
        server.post({**MESSAGE, "content": f"n{n}", "externalReferenceId": f"ref{n}"}).json()
        for n in range(45)
    ]

    found = server.contact(PHONE)
    pages = server.every_page("/api/message", contactId=found["contactId"])

    assert [len(page) for page in pages] == [20, 20, 5]
    listed = [message for page in pages for message in page]
    assert [m["id"] for m in listed] == [s["data"]["message"]["id"] for s in sent]
    assert {s["data"]["contactId"] for s in sent} == {found["contactId"]}  # one contact a phone
    assert re.fullmatch(r"[0-9a-f]{24}", found["contactId"])
    first = listed[0]
    assert first["contactId"] == found["contactId"]
    assert (first["content"], first["direction"], first["externalReferenceId"]) == (
        "n0", "outbound", "ref0",
    )  # fmt: skip
    assert first["messageWhatsappId"] == sent[0]["data"]["message"]["messageWhatsappId"]
    assert all(ISO_MS_UTC.match(m["createdAt"]) for m in listed)
    dates = [moment(m["createdAt"]) for m in listed]
    assert dates == sorted(dates)
    (entry,) = found["data"]
    assert (entry["id"], entry["lastMessage"], entry["platformId"]) == (
        found["contactId"], "n44", 2,
    )  # fmt: skip
    assert (entry["name"], entry["lastname"], entry["blocked"], entry["isRead"]) == (
        "", "", False, True,
    )  # fmt: skip
    assert ISO_MS_UTC.match(entry["lastMessageDate"]) and entry["internalWhatsappNumber"]


def test_45_templates_are_listed_20_a_page_with_what_was_sent_and_answered(sandbox):
    server = sandbox()
    bodies = [
        {**TEMPLATE, "destination": f"519{n:08d}", "campaignName": "c", "reference1": f"r{n}"}
        for n in range(45)
    ]
    answers = [server.post(body, "/api/conversation").json() for body in bodies]

    pages = server.every_page(CONVERSATIONS, workspaceId="sandbox")

    assert [len(page) for page in pages] == [20, 20, 5]
    listed = [record for page in pages for record in page]
    assert [r["id"] for r in listed] == [a["data"]["conversationId"] for a in answers]
    record, body, answer = listed[7], bodies[7], answers[7]
    assert record["contactId"] == answer["data"]["contactId"]
    assert (record["workspaceId"], record["templateCode"], record["campaignName"]) == (
        "sandbox", "pedido", "c",
    )  # fmt: skip
    assert json.loads(record["requestBody"]) == body
    assert json.loads(record["responseBody"]) == answer
    assert record["responseStatus"] == "200"
    assert ISO_MS_UTC.match(record["creationDate"])
    # The template is in the contact's chat too; its reference is in requestBody only.
    (message,) = server.chat(body["destination"])
    assert (message["content"], message["externalReferenceId"]) == ("pedido", "")


@pytest.mark.parametrize(
    "token",
    [
        "not base64!",
        "eyJub3QiOiAianNvbiJ9",  # {"not": "json"}: base64 of JSON, but none of ours
        "e30=",  # {}
        "bm9wZQ==",  # "nope"
    ],
)
def test_a_continuation_token_it_did_not_give_is_a_400(sandbox, token):
    server = sandbox()
    server.post(MESSAGE)
    contact_id = server.contact(PHONE)["contactId"]

    for path, params in (("/api/message", {"contactId": contact_id}),
                         (CONVERSATIONS, {"workspaceId": "sandbox"})):  # fmt: skip
        answer = server.get(path, **params, continuationToken=token)
        assert answer.status_code == 400
        assert answer.json()["success"] is False


def test_a_token_of_one_listing_is_refused_by_another(sandbox):
    server = sandbox()
    for n in range(21):
        server.post({**MESSAGE, "recipientPhone": PHONE if n % 2 else "51900000001"})
        server.post({**TEMPLATE, "destination": f"519{n:08d}"}, "/api/conversation")
    token = server.read(CONVERSATIONS, workspaceId="sandbox")["newContinuationToken"]

    answer = server.get("/api/message", contactId=server.contact(PHONE)["contactId"],
                        continuationToken=token)  # fmt: skip

    assert token and answer.status_code == 400


def test_a_message_dropped_after_it_was_accepted_is_found_by_the_lookups(sandbox):
    server = sandbox(drop_rate=1.0)

    with pytest.raises(requests.ConnectionError):
        server.post({**MESSAGE, "externalReferenceId": "ref-dropped"})
    with pytest.raises(requests.ConnectionError):
        server.post({**TEMPLATE, "reference1": "ref-t"}, "/api/conversation")

    (text, template) = server.chat(PHONE)
    assert (text["externalReferenceId"], template["content"]) == ("ref-dropped", "pedido")
    (record,) = server.read(CONVERSATIONS, workspaceId="sandbox")["data"]
    assert json.loads(record["requestBody"])["reference1"] == "ref-t"


def test_a_send_answered_500_is_not_in_the_lookups(sandbox, tmp_path):
    server = sandbox(error_rate=1.0, log=tmp_path / "log.jsonl")

    assert server.post(MESSAGE).status_code == 500
    assert server.post(TEMPLATE, "/api/conversation").status_code == 500

    assert server.contact(PHONE) == {"contactId": None, "data": []}
    assert server.read(CONVERSATIONS, workspaceId="sandbox")["data"] == []
    assert not (tmp_path / "log.jsonl").read_text()


def test_a_number_never_messaged_is_found_as_no_contact(sandbox):
    server = sandbox()
    server.post(MESSAGE)

    assert server.contact("51900000009") == {"contactId": None, "data": []}
    assert server.read(SEARCH, phone=PHONE)["contactId"]  # `phone=` is taken as `cellphone=`


def test_an_unknown_contact_has_no_messages_404(sandbox):
    server = sandbox()
    server.post(MESSAGE)

    answer = server.get("/api/message", contactId="0" * 24)

    assert answer.status_code == 404
    assert answer.json() == {"success": False, "code": 404, "message": "Contact not found."}


@pytest.mark.parametrize(
    ("path", "params", "words"),
    [
        (SEARCH, {}, "cellphone"),
        (SEARCH, {"cellphone": "+51 987 654 321"}, "digits"),
        ("/api/message", {}, "contactId is required"),
        (CONVERSATIONS, {}, "workspaceId is required"),
        (CONVERSATIONS, {"workspaceId": "other"}, "does not match"),
    ],
)
def test_a_lookup_missing_what_it_needs_is_a_400(sandbox, path, params, words):
    answer = sandbox().get(path, **params)

    assert answer.status_code == 400
    assert words in answer.json()["message"]


LOOKUPS = [
    (SEARCH, {"cellphone": PHONE}),
    ("/api/message", {"contactId": "0" * 24}),
    (CONVERSATIONS, {"workspaceId": "sandbox"}),
]


@pytest.mark.parametrize(("path", "params"), LOOKUPS)
def test_lookups_check_the_caller_as_sends_do(sandbox, path, params):
    server = sandbox(api_key="k")
    key = {"Authorization": "Bearer k"}

    asked = {
        "no workspace": server.get(path, key, **params),
        "no key": server.get(path, WS, **params),
        "wrong key": server.get(path, {**WS, "Authorization": "Bearer x"}, **params),
        "other workspace": server.get(path, {"x-workspace-id": "other", **key}, **params),
    }

    statuses = {what: answer.status_code for what, answer in asked.items()}
    assert statuses == {"no workspace": 401, "no key": 401, "wrong key": 401,
                        "other workspace": 404}  # fmt: skip
    assert all(answer.json()["success"] is False for answer in asked.values())
    assert server.get(path, {**WS, **key}, **params).status_code in (200, 404)


@pytest.mark.parametrize(("path", "params"), LOOKUPS)
def test_lookups_share_the_rate_limit_and_the_503s_but_not_the_500s_or_drops(sandbox, path, params):
    limited = sandbox(rate_limit=3)
    failing = sandbox(unavailable_rate=1.0)
    sturdy = sandbox(error_rate=1.0, drop_rate=1.0)

    sends = [limited.post(MESSAGE).status_code for _ in range(2)]
    reads = [limited.get(path, **params) for _ in range(2)]

    assert sends == [200, 200]
    assert reads[0].status_code in (200, 404)  # 404: contact "000..."
    assert reads[1].status_code == 429  # the sends counted in the same second
    assert int(reads[1].headers["Retry-After"]) >= 1
    assert failing.get(path, **params).status_code == 503
    assert sturdy.get(path, **params).status_code in (200, 404)  # 404: contact "000..."


@pytest.mark.parametrize(("path", "params"), LOOKUPS)
def test_without_lookups_the_read_endpoints_answer_404(sandbox, path, params):
    server = sandbox(lookups=False)
    first, second = server.post(MESSAGE).json(), server.post(MESSAGE).json()

    assert server.get(path, **params).status_code == 404
    assert first["data"]["contactId"] != second["data"]["contactId"]  # nothing kept
