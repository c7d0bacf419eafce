"""What the server accepted, kept in memory for the read endpoints (plazbot-lookups.md).

Every accepted send is kept, answered or dropped after it was accepted, and nothing refused:
the same messages as `--log` (docs/spec.md section 6). Per phone a contact with a stable id,
made by its first message; its messages both ways, the customer's reply included; and for
each template, the conversation record Plazbot lists.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from .whatsapp import REPLY_DELAY


def new_id() -> str:
    """A fresh id in Plazbot's style: 24 hex characters."""
    return uuid.uuid4().hex[:24]


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and `Z`, as Plazbot writes its dates."""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class Message:
    """One message of a contact's chat, either way."""

    id: str
    whatsapp_id: str
    contact_id: str
    content: str
    inbound: bool
    created: datetime
    reference: str = ""
    """The `externalReferenceId` it was sent with (free text; empty for templates)."""


@dataclass(slots=True)
class Contact:
    """A phone the server messaged, and its chat in the order things were kept."""

    id: str
    phone: str
    blocked: bool
    messages: list[Message] = field(default_factory=list)

    def chat(self) -> list[Message]:
        """Its messages oldest first (a reply may be dated after a later send)."""
        return sorted(self.messages, key=lambda message: message.created)


@dataclass(frozen=True, slots=True)
class Conversation:
    """A template sent (`POST /api/conversation`), as `GET /api/message/conversation` lists it."""

    id: str
    contact_id: str
    template: str
    campaign: str | None
    send_type: str
    request_body: str
    response_body: str
    created: datetime


class Records:
    """The contacts by phone and by id, and the template conversations in the order sent."""

    def __init__(self, *, keep: bool = True) -> None:
        self.keep = keep
        """False keeps nothing: every send gets fresh ids and the lookups have nothing."""
        self._by_phone: dict[str, Contact] = {}
        self._by_id: dict[str, Contact] = {}
        self.conversations: list[Conversation] = []

    def by_phone(self, phone: str) -> Contact | None:
        return self._by_phone.get(phone)

    def by_id(self, contact_id: str) -> Contact | None:
        return self._by_id.get(contact_id)

    def accept(
        self, phone: str, content: str, reference: str, *,
        created: datetime, blocked: bool, reply: str | None,
    ) -> tuple[Contact, Message]:  # fmt: skip
        """Keep an outbound message; a new contact gets `blocked` and, 5 s later, `reply`."""
        contact = self._by_phone.get(phone)
        if contact is None:
            contact = Contact(new_id(), phone, blocked)
            if self.keep:
                self._by_phone[phone] = self._by_id[contact.id] = contact
            if reply is not None:
                self._add(contact, reply, "", inbound=True, created=created + REPLY_DELAY)
        message = self._add(contact, content, reference, inbound=False, created=created)
        return contact, message

    def add_conversation(self, conversation: Conversation) -> None:
        if self.keep:
            self.conversations.append(conversation)

    def _add(
        self, contact: Contact, content: str, reference: str, *, inbound: bool, created: datetime
    ) -> Message:
        whatsapp_id = f"wamid.{uuid.uuid4().hex}"
        message = Message(new_id(), whatsapp_id, contact.id, content, inbound, created, reference)
        if self.keep:
            contact.messages.append(message)
        return message
