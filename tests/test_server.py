"""`bulk-sender serve` over real HTTP: Plazbot's checks, its answers, and injected faults."""

from __future__ import annotations

import json

import pytest
import requests

from .conftest import start_server

WS = {"x-workspace-id": "sandbox"}
MESSAGE = {"content": "Hola Ana", "recipientPhone": "51987654321", "workspaceId": "sandbox"}
TEMPLATE = {"template": "pedido", "destination": "51987654321", "workspaceId": "sandbox"}


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One server for the checks that deliver nothing, to keep the suite quick."""
    server = start_server(tmp_path_factory.mktemp("shared"))
    yield server
    server.process.terminate()
    server.process.wait(timeout=10)
    assert server.process.stdout is not None
    server.process.stdout.close()


def post(server, body, headers=WS, path="/api/message"):
    return requests.post(server.url + path, json=body, headers=headers, timeout=5)


def access(server, tmp_path):
    lines = (tmp_path / "access.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.mark.parametrize(
    ("body", "headers", "path", "status", "words"),
    [
        (MESSAGE, {}, "/api/message", 401, "x-workspace-id is missing"),
        (MESSAGE, {"x-workspace-id": "other"}, "/api/message", 404, "Workspace not found"),
        ({**MESSAGE, "content": ""}, WS, "/api/message", 400, "content is required"),
        ({**MESSAGE, "content": 5}, WS, "/api/message", 400, "content is required"),
        ({"content": "x", "workspaceId": "sandbox"}, WS, "/api/message", 400, "recipientPhone"),
        ({**MESSAGE, "recipientPhone": "+51 987"}, WS, "/api/message", 400, "8 to 15 digits"),
        ({**MESSAGE, "externalReferenceId": 7}, WS, "/api/message", 400, "must be a string"),
        ({**MESSAGE, "workspaceId": "other"}, WS, "/api/message", 400, "does not match"),
        ([MESSAGE], WS, "/api/message", 400, "JSON object"),
        ({**TEMPLATE, "destination": "5198x"}, WS, "/api/conversation", 400, "destination"),
        ({**TEMPLATE, "variablesBody": [{"variable": 1}]}, WS, "/api/conversation", 400, "list"),
        ({**TEMPLATE, "sendType": "4"}, WS, "/api/conversation", 400, "sendType must be"),
        ({**TEMPLATE, "sendType": True}, WS, "/api/conversation", 400, "sendType must be"),
        ({**TEMPLATE, "sendType": "API"}, WS, "/api/conversation", 400, "sendType must be"),
    ],
)
def test_requests_are_checked_as_plazbot_does(shared, body, headers, path, status, words):
    answer = post(shared, body, headers, path)

    assert answer.status_code == status
    assert answer.json()["success"] is False
    assert words in answer.json()["message"]
    assert shared.deliveries() == []


def test_a_body_that_is_not_json_is_a_400(shared):
    answer = requests.post(shared.url + "/api/message", data=b"{nope", headers=WS, timeout=5)

    assert answer.status_code == 400
    assert shared.deliveries() == []


def test_a_good_message_gets_the_documented_answer_and_is_logged(serve):
    server = serve()

    answer = post(server, {**MESSAGE, "externalReferenceId": "ref1"}).json()

    assert answer["success"] is True
    sent = answer["data"]["message"]
    assert sent["recipientPhone"] == "51987654321"
    assert sent["messageWhatsappId"].startswith("wamid.")
    (delivery,) = server.deliveries()
    assert (delivery["reference"], delivery["id"], delivery["dropped"]) == (
        "ref1",
        sent["id"],
        False,
    )


def test_a_template_goes_to_the_conversation_endpoint(serve):
    server = serve()

    answer = post(server, {**TEMPLATE, "reference1": "r"}, path="/api/conversation").json()

    assert answer["success"] is True
    assert answer["data"]["contactId"]
    assert server.deliveries()[0]["template"] == "pedido"


@pytest.mark.parametrize(("send_type", "echoed"), [("1", "1"), (2, "2"), (None, "3")])
def test_a_template_answer_has_the_conversation_id_and_echoes_the_details(serve, send_type, echoed):
    server = serve()
    variables = [{"variable": "customerName", "value": "Juan"}]
    body = {**TEMPLATE, "variablesBody": variables, "sendType": send_type}

    answer = post(server, body, path="/api/conversation").json()

    data = answer["data"]
    assert answer["success"] is True and data["contactId"] and data["conversationId"]
    assert data["details"]["sendType"] == echoed  # Plazbot's default, when none, is API
    assert data["details"]["variablesBody"] == variables
    (delivery,) = server.deliveries()
    assert (delivery["id"], delivery["contactId"]) == (data["conversationId"], data["contactId"])
    assert delivery["sendType"] == send_type


def test_over_the_rate_limit_it_answers_429_with_retry_after_in_whole_seconds(serve, tmp_path):
    server = serve("--rate-limit", "5", "--access-log", str(tmp_path / "access.jsonl"))

    answers = [post(server, MESSAGE) for _ in range(8)]

    assert [a.status_code for a in answers] == [200] * 5 + [429] * 3
    assert all(int(a.headers["Retry-After"]) >= 1 for a in answers[5:])
    assert len(server.deliveries()) == 5  # a 429 is never a delivery
    assert [x["status"] for x in access(server, tmp_path)] == [200] * 5 + [429] * 3


@pytest.mark.parametrize(("flag", "status"), [("--unavailable-rate", 503), ("--error-rate", 500)])
def test_injected_503s_and_500s_are_not_deliveries(serve, tmp_path, flag, status):
    server = serve(flag, "1", "--access-log", str(tmp_path / "access.jsonl"))

    answers = [post(server, MESSAGE).status_code for _ in range(3)]

    assert answers == [status] * 3
    assert server.deliveries() == []
    assert [x["status"] for x in access(server, tmp_path)] == [status] * 3


def test_a_dropped_connection_is_a_delivery_without_an_answer(serve, tmp_path):
    server = serve("--drop-rate", "1", "--access-log", str(tmp_path / "access.jsonl"))

    with pytest.raises(requests.ConnectionError):
        post(server, {**MESSAGE, "externalReferenceId": "ref1"})

    (delivery,) = server.deliveries()
    assert (delivery["reference"], delivery["dropped"]) == ("ref1", True)
    assert access(server, tmp_path)[0]["dropped"] is True


def test_faults_follow_the_seed_and_their_rates(serve):
    flags = ("--seed", "7", "--unavailable-rate", "0.2", "--error-rate", "0.1")
    first, second = serve(*flags), serve(*flags)

    a = [post(first, MESSAGE).status_code for _ in range(150)]
    b = [post(second, MESSAGE).status_code for _ in range(150)]

    assert a == b
    assert 10 <= a.count(503) <= 50
    assert 3 <= a.count(500) <= 30
    assert a.count(200) + a.count(503) + a.count(500) == 150


def test_serve_keeps_what_it_accepted_for_the_read_endpoints(serve):
    server = serve()
    sent = post(server, {**MESSAGE, "externalReferenceId": "ref1"}).json()["data"]

    search = "/api/contact/searchByCellphone?cellphone=51987654321"
    found = requests.get(server.url + search, headers=WS, timeout=5).json()["data"]
    chat = requests.get(
        server.url + "/api/message", params={"contactId": found["contactId"]}, headers=WS,
        timeout=5,
    ).json()["data"]  # fmt: skip

    assert found["contactId"] == sent["contactId"]
    assert [(m["id"], m["externalReferenceId"]) for m in chat["data"]] == [
        (sent["message"]["id"], "ref1")
    ]
    assert chat["newContinuationToken"] is None
