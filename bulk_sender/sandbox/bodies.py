"""What a send request must hold, and what Plazbot answers when it takes one (docs/spec.md 6).

Pure functions over the parsed JSON body: the checks give the 400's words or None, the answers
give the documented 200 body. No HTTP, no state.
"""

from __future__ import annotations

from typing import Any

_DIGITS = set("0123456789")


def check_message(body: dict[str, Any]) -> str | None:
    """`POST /api/message` (plazbot-send-message.md): what is wrong with the body, or None."""
    for name in ("content", "recipientPhone", "workspaceId"):
        if not isinstance(body.get(name), str) or not body[name].strip():
            return f"{name} is required and must be a non-empty string."
    for name in ("externalReferenceId", "contactId", "agentSendedId"):
        if name in body and not isinstance(body[name], str):
            return f"{name} must be a string."
    return check_phone(body["recipientPhone"], "recipientPhone")


def check_conversation(body: dict[str, Any]) -> str | None:
    """`POST /api/conversation` (plazbot-conversation.md): what is wrong with the body, or None."""
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
    if body.get("sendType") is not None and send_type(body["sendType"]) is None:
        return 'sendType must be "1" (campaign), "2" (individual) or "3" (API).'
    return check_phone(body["destination"], "destination")


def send_type(value: Any) -> str | None:
    """`sendType` as the page documents it, a string, or the number it names; else None."""
    if isinstance(value, bool):  # JSON true is no send type, though Python counts it an int
        return None
    text = str(value).strip() if isinstance(value, str | int) else ""
    return text if text in ("1", "2", "3") else None


def check_phone(phone: str, name: str) -> str | None:
    """Digits with country code, as Plazbot wants them; the 400's words otherwise."""
    if not set(phone) <= _DIGITS or not 8 <= len(phone) <= 15:
        return f"{name} must be 8 to 15 digits with country code, no symbols."
    return None


def phone_of(body: dict[str, Any]) -> str:
    """The recipient of either kind of send."""
    return str(body.get("recipientPhone") or body.get("destination"))


def message_answer(
    body: dict[str, Any], message: str, *, contact_id: str, message_id: str, whatsapp_id: str
) -> dict[str, Any]:
    """The 200 of `POST /api/message`, as plazbot-send-message.md shows it."""
    sent = {
        "id": message_id,
        "messageWhatsappId": whatsapp_id,
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


def conversation_answer(
    body: dict[str, Any], message: str, *, contact_id: str, conversation_id: str
) -> dict[str, Any]:
    """The 200 of `POST /api/conversation`, with the request echoed as `details`."""
    return {"success": True, "message": message, "code": 200,
            "data": {"contactId": contact_id, "conversationId": conversation_id,
                     "details": _conversation_details(body)}}  # fmt: skip


def _conversation_details(body: dict[str, Any]) -> dict[str, Any]:
    """The request echoed back, as Plazbot's Send Conversation example shows it."""
    return {
        "template": body["template"],
        "destination": body["destination"],
        "sendType": send_type(body.get("sendType")) or "3",  # the page's default: API
        "campaignName": body.get("campaignName"),
        "variablesBody": body.get("variablesBody", []),
        "variablesHeader": body.get("variablesHeader", []),
        "reference1": body.get("reference1"),
    }
