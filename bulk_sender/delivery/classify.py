"""Classify: what one HTTP attempt means for its message (docs/spec.md section 3).

Every answer and every transport error becomes a `Verdict` here, so nothing above the send
stage knows the HTTP library. The one question that matters for a failed request: did it
leave? Retry only when it certainly did not, or a message may reach a customer twice.
"""

from __future__ import annotations

import email.utils
import enum
import errno
import json
import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from typing import Any

import aiohttp
import httpx

from ..language import N_, _
from ..lifecycle import API_REASON, ERROR_RULES, ErrorRule

# Words for a closed 24-hour window and a phone not on WhatsApp, when no code comes with them.
_WORDS_FOR = {
    "131047": ("24 hour", "24-hour", "24 horas", "re-engagement"),
    "131026": ("not on whatsapp", "no tiene whatsapp", "not a whatsapp"),
}
_CODE = re.compile(r"(?<!\d)(1[34]\d{4})(?!\d)")
"""A WhatsApp error code in an API's words: six digits, 13xxxx or 14xxxx (`(#131049)`)."""
PAIR_RATE_PAUSE = 6.0
"""Seconds to wait after 131056: WhatsApp's pair rate is about one message per 6 s."""
MAX_RETRY_AFTER = 600.0
"""Longest `Retry-After` honoured, in seconds: 429 waits are capped at 10 minutes per row."""


class Kind(enum.Enum):
    """What one attempt meant, and so what to do next; `sender.py` maps the last one to a
    move of the row's lifecycle (`bulk_sender/lifecycle.py`)."""

    ACCEPTED = "accepted"
    REFUSED = "refused"
    UNANSWERED = "unanswered"
    """It may have reached the API: no answer, a 5xx, a connection lost after sending."""
    RETRY = "retry"
    """It certainly never reached the API (connect error, 503): try again after a backoff."""
    RATE_LIMITED = "rate_limited"
    UNAUTHORIZED = "unauthorized"
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What one HTTP attempt means for its message."""

    kind: Kind
    code: str
    detail: str = ""
    http_status: int | None = None
    retry_after: float | None = None
    message_id: str | None = None
    whatsapp_id: str | None = None
    rule: ErrorRule | None = None
    """WhatsApp's error code in the answer, when it is one the lifecycle has a rule for."""


def classify_response(status: int, headers: Mapping[str, str], body: bytes) -> Verdict:
    """Turn an HTTP answer into a verdict."""
    payload = _json(body)
    words = _api_words(payload, body)
    refused = 400 <= status < 500
    if refused and (rule := whatsapp_rule(payload, words, guess=status != 429)) is not None:
        return _by_rule(rule, status, headers, words)  # WhatsApp's refusals come as 4xx
    if status == 200:
        return _classify_200(payload, words)
    if status == 429:
        return Verdict(Kind.RATE_LIMITED, "api_429", words, status, parse_retry_after(headers))
    if status in (401, 403):
        return Verdict(Kind.UNAUTHORIZED, f"api_{status}", words, status)
    if status == 404:
        return Verdict(Kind.NOT_FOUND, "api_404", words, status)
    if status == 503:
        return Verdict(Kind.RETRY, "api_503", words, status, parse_retry_after(headers))
    if 300 <= status < 500:
        return Verdict(Kind.REFUSED, f"api_{status}", words, status)
    # 500, 502, 504 and the rest: the API may have sent the message before it failed.
    return Verdict(Kind.UNANSWERED, f"api_{status}", words, status)


def whatsapp_rule(payload: Any, words: str, *, guess: bool = True) -> ErrorRule | None:
    """The rule for WhatsApp's error code in an answer: its `errorCode`, its `code`, or its
    words (`(#131049)`); with `guess`, and no code at all, the words Plazbot uses for a closed
    window or no WhatsApp."""
    fields = payload if isinstance(payload, dict) else {}
    codes = [str(c).strip() for c in (fields.get("errorCode"), fields.get("code")) if c]
    codes += _CODE.findall(words)
    for code in codes:
        if code in ERROR_RULES:
            return ERROR_RULES[code]
    if not guess or any(_CODE.fullmatch(code) for code in codes):
        return None  # a 429, or a WhatsApp code with no rule: not guessed from its words
    lowered = words.lower()
    for code, marks in _WORDS_FOR.items():
        if any(mark in lowered for mark in marks):
            return ERROR_RULES[code]
    return None


def _by_rule(rule: ErrorRule, status: int, headers: Mapping[str, str], words: str) -> Verdict:
    """A refusal with a WhatsApp code: final as its rule says, or slow down and try again."""
    if rule.move is None:  # throughput or pair rate: never a failure
        wait = parse_retry_after(headers)
        if wait is None and rule.code == "131056":
            wait = PAIR_RATE_PAUSE
        return Verdict(Kind.RATE_LIMITED, rule.reason, words, status, wait, rule=rule)
    return Verdict(Kind.REFUSED, rule.reason, words, status, rule=rule)


def _classify_200(payload: Any, words: str) -> Verdict:
    """A 200 is `sent` only with `success: true`; `success: false` is the API refusing it.

    The ids: a text message's `id` and `messageWhatsappId`; a template's `conversationId`
    (older answers gave only the `contactId`). The `contactId`, which finds the customer in
    Plazbot later, has no column of its own: it goes in the detail.
    """
    success = payload.get("success") if isinstance(payload, dict) else None
    if success is True:
        data = _dict(payload.get("data"))
        message = _dict(data.get("message"))
        contact = _str_or_none(data.get("contactId"))
        return Verdict(
            Kind.ACCEPTED, "", f"contactId: {contact}" if contact else "", 200,
            message_id=_str_or_none(
                message.get("id") or data.get("conversationId") or data.get("contactId")
            ),
            whatsapp_id=_str_or_none(message.get("messageWhatsappId")),
        )  # fmt: skip
    if success is False:
        if (rule := whatsapp_rule(payload, words)) is not None:
            return _by_rule(rule, 200, {}, words)
        return Verdict(Kind.REFUSED, "api_refused", words or "success: false", 200)
    # A 200 we cannot read (a proxy's page, a cut body) says nothing about the message.
    return Verdict(Kind.UNANSWERED, "api_unreadable", words[:300], 200)


def classify_error(exc: BaseException) -> Verdict:
    """A request that got no answer: retry it only if it certainly never left.

    httpx over aiohttp reports a connection lost after the request was written as
    `httpx.ConnectTimeout` (its exception map sends every `ClientConnectionError` there),
    so the aiohttp exception underneath, in `__cause__`, decides.
    """
    cause = exc.__cause__ if isinstance(exc.__cause__, aiohttp.ClientError) else exc
    if isinstance(cause, aiohttp.ConnectionTimeoutError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return Verdict(Kind.RETRY, "connect_timeout", _("no connection within the timeout"))
    if isinstance(cause, aiohttp.ClientConnectorDNSError):  # the name did not resolve
        return Verdict(
            Kind.RETRY, "connect_error",
            _("cannot find {host}: the name does not resolve (no internet, or a wrong "
              "address)").format(host=cause.host),
        )  # fmt: skip
    if isinstance(cause, aiohttp.ClientConnectorError):  # refused, unreachable
        return Verdict(
            Kind.RETRY, "connect_error",
            _("cannot connect to {host}:{port}: {problem}").format(
                host=cause.host, port=cause.port, problem=_connect_problem(cause.os_error)
            ),
        )  # fmt: skip
    if isinstance(cause, aiohttp.InvalidURL | httpx.UnsupportedProtocol):
        # No scheme or host: nothing was sent. The CLI refuses such an --api-url up front.
        return Verdict(Kind.RETRY, "connect_error", _("not a usable web address"))
    if isinstance(cause, httpx.ConnectError):
        return Verdict(Kind.RETRY, "connect_error", _("cannot connect to Plazbot"))
    if isinstance(cause, aiohttp.SocketTimeoutError | httpx.ReadTimeout):
        return Verdict(Kind.UNANSWERED, "read_timeout", _("no answer within the read timeout"))
    # Disconnected, reset, cut payload, write errors: the request may have been processed.
    return Verdict(
        Kind.UNANSWERED, "connection_lost",
        _("the connection was lost after the request was sent ({error}): Plazbot may have "
          "got it").format(error=type(cause).__name__),
    )  # fmt: skip


_CONNECT_PROBLEMS = {
    errno.ECONNREFUSED: N_("the connection was refused (nothing answers at that address)"),
    errno.ENETUNREACH: N_("the network is unreachable"),
    errno.EHOSTUNREACH: N_("the host is unreachable"),
    errno.ETIMEDOUT: N_("the connection timed out"),
    errno.ECONNRESET: N_("the connection was reset"),
}
"""The system's connection errors in our own words: its own are English."""


def _connect_problem(error: OSError | None) -> str:
    number = getattr(error, "errno", None)
    if number in _CONNECT_PROBLEMS:
        return _(_CONNECT_PROBLEMS[number])
    return _("the connection failed")


HTTP_MEANINGS = {
    400: N_("Plazbot answered {status}: the request is wrong"),
    401: N_("Plazbot answered {status}: the API key was refused"),
    403: N_("Plazbot answered {status}: access denied"),
    404: N_("Plazbot answered {status}: not found"),
    408: N_("Plazbot answered {status}: the request took too long"),
    409: N_("Plazbot answered {status}: a conflict with what it holds"),
    413: N_("Plazbot answered {status}: the message is too large"),
    422: N_("Plazbot answered {status}: it cannot process the message"),
    429: N_("Plazbot answered {status}: too many requests"),
    500: N_("Plazbot answered {status}: an error of its own"),
    502: N_("Plazbot answered {status}: a gateway error"),
    503: N_("Plazbot answered {status}: unavailable for now"),
    504: N_("Plazbot answered {status}: a gateway timeout"),
}
"""Plazbot's HTTP answers in our own words, whole sentences (HTTP's reason words are English)."""


def detail_words(verdict: Verdict) -> str:
    """What an attempt's verdict says to a person, in the active language: our sentence, then
    Plazbot's own words (third-party, kept as they are) in quotes. A transport error's detail
    is ours already; an accepted one's is the contact id."""
    if verdict.http_status is None or verdict.kind is Kind.ACCEPTED:
        return verdict.detail
    status = verdict.http_status
    if verdict.rule is not None:
        sentence = _(verdict.rule.words)
    elif verdict.code == "api_refused":
        sentence = _("Plazbot refused the message (success: false)")
    elif verdict.code == "api_unreadable":
        sentence = _(
            "Plazbot answered 200 in a way that cannot be read: the message may have been sent"
        )
    else:
        sentence = _(HTTP_MEANINGS.get(status, API_REASON)).format(status=status)
    words = verdict.detail
    if not words or words == "success: false":
        return sentence
    return _('{sentence}: "{words}"').format(sentence=sentence, words=words)


def parse_retry_after(
    headers: Mapping[str, str] | None, *, now: float | None = None
) -> float | None:
    """`Retry-After` in seconds or as an HTTP date, as seconds from now (capped at 10 min)."""
    headers = headers or {}
    value = headers.get("retry-after") or headers.get("Retry-After")
    if not value:
        return None
    seconds: float | None
    try:
        seconds = float(value)
    except ValueError:
        seconds = _seconds_until(value, time.time() if now is None else now)
    if seconds is None or math.isnan(seconds):
        return None
    return min(MAX_RETRY_AFTER, max(0.0, seconds))


def _seconds_until(http_date: str, now: float) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(http_date)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp() - now


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None


def _api_words(payload: Any, body: bytes) -> str:
    """The API's own message, for `result_detail`."""
    if isinstance(payload, dict):
        parts = [str(payload[k]) for k in ("message", "error", "errorCode") if payload.get(k)]
        if parts:
            return " ".join(parts)[:300]
    return body.decode("utf-8", "replace").strip()[:300]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str_or_none(value: Any) -> str | None:
    return None if value in (None, "") else str(value)
