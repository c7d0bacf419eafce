"""Plazbot's read endpoints over the records (plazbot-lookups.md; docs/spec.md section 9).

Pure functions of the records and the query string, each giving an HTTP status and the JSON
body in the usual envelope; the server checks the caller and injects faults before them.
Listings come 20 a page; `newContinuationToken` is opaque (URL-safe base64 of the listing and
the offset) and null on the last page. Template conversations are listed oldest first: Plazbot
does not say its order, so a client must not rely on newest first.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from .bodies import check_phone
from .records import Contact, Conversation, Message, Records, iso

PAGE = 20
INTERNAL_NUMBER = "51999000000"
"""The business's own WhatsApp number in the sandbox (`internalWhatsappNumber`)."""

Answer = tuple[int, dict[str, Any]]
_T = TypeVar("_T")


def search_by_cellphone(records: Records, query: Mapping[str, str], workspace: str) -> Answer:
    """`GET /api/contact/searchByCellphone?cellphone=DIGITS` (or `phone=`)."""
    phone = query.get("cellphone") or query.get("phone") or ""
    problem = check_phone(phone, "cellphone")
    if problem:
        return _fail(400, problem)
    contact = records.by_phone(phone)
    if contact is None:  # never messaged: found nothing, which is no error
        return _ok({"contactId": None, "data": []})
    return _ok({"contactId": contact.id, "data": [_contact_json(contact)]})


def contact_messages(records: Records, query: Mapping[str, str], workspace: str) -> Answer:
    """`GET /api/message?contactId=ID[&continuationToken=T]`: the chat, oldest first."""
    contact_id = query.get("contactId", "")
    if not contact_id:
        return _fail(400, "contactId is required.")
    contact = records.by_id(contact_id)
    if contact is None:
        return _fail(404, "Contact not found.")
    return _listing(contact.chat(), query, f"message:{contact.id}", _message_json)


def conversations(records: Records, query: Mapping[str, str], workspace: str) -> Answer:
    """`GET /api/message/conversation?workspaceId=W[&continuationToken=T]`: templates sent."""
    if not query.get("workspaceId"):
        return _fail(400, "workspaceId is required.")
    if query["workspaceId"] != workspace:
        return _fail(400, "workspaceId does not match the x-workspace-id header.")
    every = records.conversations
    return _listing(every, query, "conversation", lambda c: _conversation_json(c, workspace))


def _listing(
    items: Sequence[_T],
    query: Mapping[str, str],
    listing: str,
    to_json: Callable[[_T], dict[str, Any]],
) -> Answer:
    """One page of `items` from the query's `continuationToken`; 400 for a token not ours."""
    token = query.get("continuationToken")
    start = 0 if not token else _offset(token, listing)
    if start is None or start > len(items):
        return _fail(400, "continuationToken is not valid.")
    end = start + PAGE
    following = _token(listing, end) if end < len(items) else None
    page = [to_json(item) for item in items[start:end]]
    return _ok({"data": page, "newContinuationToken": following})


def _token(listing: str, offset: int) -> str:
    text = json.dumps({"listing": listing, "offset": offset})
    return base64.urlsafe_b64encode(text.encode()).decode()


def _offset(token: str, listing: str) -> int | None:
    """The offset a token holds, or None when it is not one of this listing's tokens."""
    try:
        held = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (binascii.Error, ValueError):  # a bad base64 or JSON (UnicodeDecodeError included)
        return None
    if not isinstance(held, dict) or held.get("listing") != listing:
        return None
    offset = held.get("offset")
    return offset if type(offset) is int and offset >= 0 else None


def _contact_json(contact: Contact) -> dict[str, Any]:
    last = contact.chat()[-1]
    return {
        "id": contact.id,
        "name": "",
        "lastname": "",
        "cellphone": contact.phone,
        "lastMessage": last.content,
        "lastMessageDate": iso(last.created),
        "isRead": not last.inbound,  # a customer's message waits to be read
        "platformId": 2,  # WhatsApp
        "internalWhatsappNumber": INTERNAL_NUMBER,
        "blocked": contact.blocked,
    }


def _message_json(message: Message) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": message.id,
        "contactId": message.contact_id,
        "content": message.content,
        "direction": "inbound" if message.inbound else "outbound",
        "createdAt": iso(message.created),
        "messageWhatsappId": message.whatsapp_id,
    }
    if not message.inbound:
        found["externalReferenceId"] = message.reference
    return found


def _conversation_json(conversation: Conversation, workspace: str) -> dict[str, Any]:
    """A record with plazbot-lookups.md's fields; those the sandbox cannot know are null."""
    return {
        "id": conversation.id,
        "contactId": conversation.contact_id,
        "workspaceId": workspace,
        "internalWhatsappNumber": INTERNAL_NUMBER,
        "platformSenderId": None,
        "platformSenderName": None,
        "platformSenderPhone": INTERNAL_NUMBER,
        "templateCode": conversation.template,
        "templateType": None,
        "type": conversation.send_type,
        "campaignName": conversation.campaign,
        "agentSenderId": None,
        "requestBody": conversation.request_body,
        "responseBody": conversation.response_body,
        "responseStatus": "200",
        "creationDate": iso(conversation.created),
    }


def _ok(data: dict[str, Any]) -> Answer:
    return 200, {"success": True, "code": 200, "message": "OK", "data": data}


def _fail(status: int, message: str) -> Answer:
    return status, {"success": False, "code": status, "message": message}
