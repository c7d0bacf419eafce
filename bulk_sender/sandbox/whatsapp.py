"""What WhatsApp decides for each phone: refusals with Meta's error codes, replies, blocks.

Pure functions, so a test can predict what the server will do. A phone's fate is a hash of the
seed, the phone and what is drawn (`phone_draw`): the same on every try and in any request
order. Only the transient refusals (130429, 131056) are drawn per request, from the server's
seeded random, so that a retry can get through. Codes and their meaning: plazbot-lookups.md;
how a client must treat each: docs/spec.md section 9.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

REPLY_DELAY = timedelta(seconds=5)
"""A customer who replies does so this long after the server's first message to them."""

STOP_REPLIES = (
    "BAJA", "Baja por favor", "STOP", "stop", "No me escriban más", "no me escriban",
    "cancelar", "SAIR", "Sair da lista", "unsubscribe",
)  # fmt: skip
"""Replies asking to stop, in Spanish, Portuguese and English, in any case, accents or not."""

ORDINARY_REPLIES = ("Gracias!", "¿A qué hora llega?", "ok", "Obrigado", "Thanks")
"""Replies that ask for nothing to stop."""


@dataclass(frozen=True, slots=True)
class Refusal:
    """One of Meta's error codes as the server answers it: status, words, and a wait if any."""

    code: str
    status: int
    words: str
    retry_after: int | None = None
    """Seconds in `Retry-After`: set for the transient codes, which a retry may get past."""

    @property
    def message(self) -> str:
        return f"{self.words} (#{self.code})"


_REFUSALS = (
    # Per phone, checked in this order: the same answer on every try.
    Refusal("131026", 400, "Message undeliverable: the recipient is not a WhatsApp user."),
    Refusal("131050", 400, "Unable to deliver the message: this user has chosen to stop "
            "receiving marketing messages on WhatsApp from your business."),
    Refusal("130472", 400, "User's number is part of an experiment."),
    Refusal("131049", 400, "This message was not delivered to maintain healthy ecosystem "
            "engagement."),
    # Free text only (POST /api/message): an approved template gets through.
    Refusal("131047", 400, "Message failed to send because more than 24 hours have passed "
            "since the customer last replied to this number; use an approved template."),
    # Per request, drawn anew on each try. 131056 is a 429, not Meta's 400, because a client
    # must wait and retry it, never fail the row (docs/spec.md section 9); Retry-After 6 is
    # WhatsApp's pace of about one message every 6 s to the same user.
    Refusal("130429", 429, "Rate limit hit: Cloud API message throughput has been reached.",
            retry_after=1),
    Refusal("131056", 429, "(Business Account, Consumer Account) pair rate limit hit: too "
            "many messages sent to the same phone number in a short time.", retry_after=6),
)  # fmt: skip
REFUSALS = {refusal.code: refusal for refusal in _REFUSALS}
OVER_TIER = Refusal("131048", 400, "Spam rate limit hit: the business reached its limit of "
                    "different users messaged in 24 hours.")  # fmt: skip
"""A new customer past the server's `tier` (its daily limit; docs/spec.md section 10)."""
"""The WhatsApp error codes the server can answer, by code."""

TRANSIENT = ("130429", "131056")
"""The codes drawn per request; every other code is drawn per phone."""

# The two codes the server had before `whatsapp_errors` keep their draws, so that a seed
# refuses the same phones it always did.
_DRAW_NAMES = {"131026": "whatsapp", "131047": "window"}


def phone_draw(seed: int | None, what: str, phone: str) -> float:
    """A number in [0, 1) fixed by seed, phone and what is drawn, whatever the request order."""
    digest = hashlib.blake2b(f"{seed}:{what}:{phone}".encode(), digest_size=4)
    return int.from_bytes(digest.digest(), "big") / 2**32


def phone_refusal(
    seed: int | None, phone: str, shares: Mapping[str, float], *, free_text: bool
) -> Refusal | None:
    """The refusal this phone always gets, if any (131047 only for free text)."""
    for refusal in _REFUSALS:
        code = refusal.code
        if code in TRANSIENT or (code == "131047" and not free_text):
            continue
        if phone_draw(seed, _DRAW_NAMES.get(code, code), phone) < shares.get(code, 0.0):
            return refusal
    return None


def request_refusal(draw: float, shares: Mapping[str, float]) -> Refusal | None:
    """The transient refusal a request gets for `draw` in [0, 1), if any."""
    bound = 0.0
    for code in TRANSIENT:
        bound += shares.get(code, 0.0)
        if draw < bound:
            return REFUSALS[code]
    return None


def reply_for(seed: int | None, phone: str, reply_rate: float, stop_rate: float) -> str | None:
    """What this phone's customer answers to the first message, or None if they stay silent.

    Both rates are shares of all phones messaged (a stop request is a reply: stop_rate <=
    reply_rate); the text is drawn from `STOP_REPLIES` or `ORDINARY_REPLIES`.
    """
    draw = phone_draw(seed, "reply", phone)
    if draw >= reply_rate:
        return None
    texts = STOP_REPLIES if draw < stop_rate else ORDINARY_REPLIES
    return texts[int(phone_draw(seed, "reply-text", phone) * len(texts))]


def is_blocked(seed: int | None, phone: str, blocked_rate: float) -> bool:
    """Whether this phone's customer blocked the business (the contact's `blocked`)."""
    return phone_draw(seed, "blocked", phone) < blocked_rate
