"""Wire: what goes to the Plazbot API, where, and one POST of its JSON bytes at the least CPU.

Where messages go (`Target`, its base URL checked by `check_api_url`), how hard to push
(`SendSettings`, the flags of `bulk-sender send`), and each message's request (`build_request`:
its path and JSON body, docs/spec.md section 6).

The POST itself is by default aiohttp directly: one `ClientSession`, a keep-alive pool sized
to the concurrency, each URL parsed once and each body encoded once per message. httpx's
request and response models cost more CPU per message than the request itself (a cProfile
of 20,000 messages: about 60% of the event loop's time in `httpx._client`, `_urlparse` and
`_models`), which held the sender to 0.6 of a bare aiohttp loop. Given an
`httpx.AsyncBaseTransport` (a test's mock, a caller's own), requests go through
`httpx.AsyncClient` over it instead.

Either way failures are the libraries' own exceptions, for `classify.classify_error` to read
(the aiohttp error itself, or under httpx the one in `__cause__`, docs/spec.md section 3).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiohttp
import httpx
from yarl import URL

from ..errors import ConfigError
from ..language import _
from ..records import Message

DEFAULT_API_URL = "https://api.plazbot.com"
MESSAGE_PATH = "/api/message"
CONVERSATION_PATH = "/api/conversation"


@dataclass(frozen=True, slots=True)
class SendSettings:
    """How hard to push: the flags of `bulk-sender send`, with their defaults."""

    concurrency: int = 16
    rate: float = 20.0
    """Messages per second over any one-second window; 0 for no limit."""
    max_attempts: int = 5
    """Attempts per message on connect errors and 503 (429s do not count)."""
    connect_timeout: float = 10.0
    """Seconds to open a connection; also the longest wait for a free one from the pool."""
    read_timeout: float = 30.0
    pair_interval: float = 6.0
    """Seconds between two messages to the same phone (WhatsApp's pair rate limit)."""
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    max_refusal_rate: float = 0.3
    """Pause the run when more than this share of the last answers were refusals that hurt
    the number (`limits.QUALITY_WINDOW`); 1 never pauses (docs/spec.md section 10)."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where messages go. The workspace id and key are secrets: never printed."""

    api_url: str
    workspace_id: str = field(repr=False)
    api_key: str | None = field(default=None, repr=False)
    message_path: str = MESSAGE_PATH
    conversation_path: str = CONVERSATION_PATH


def check_api_url(url: str) -> str:
    """The API's base URL if it has an `http`/`https` scheme and a host; else a `ConfigError`."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        parsed = None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
        raise ConfigError(
            _(
                "API URL {url} (--api-url or PLAZBOT_API_URL) is not a web address: write it "
                "with http:// or https:// and a host, like {example}"
            ).format(url=repr(url), example=DEFAULT_API_URL)
        )
    return url


def build_request(message: Message, target: Target) -> tuple[str, dict[str, Any]]:
    """The path and JSON body for one message (Plazbot's send-message and conversation pages)."""
    if message.wa_template is None:
        return target.message_path, {
            "content": message.text,
            "recipientPhone": message.phone,
            "workspaceId": target.workspace_id,
            "externalReferenceId": message.key,
        }
    wa = message.wa_template
    body: dict[str, Any] = {
        "workspaceId": target.workspace_id,
        "template": wa.name,
        "destination": message.phone,
        "reference1": message.key,
    }
    if wa.body:
        body["variablesBody"] = _variables(wa.body_variables())
    if wa.header:
        body["variablesHeader"] = _variables(wa.header_variables())
    if wa.media_url:
        body["file"] = {"fileUrl": wa.media_url, "fileName": wa.media_url.rsplit("/", 1)[-1]}
    if wa.campaign_name:
        body["campaignName"] = wa.campaign_name
    if wa.send_type:
        body["sendType"] = wa.send_type
    return target.conversation_path, body


def _variables(pairs: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"variable": name, "value": value} for name, value in pairs]


JSON_HEADERS = {"Content-Type": "application/json"}


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP answer, read whole."""

    status: int
    headers: Mapping[str, str]
    body: bytes


class ApiClient(Protocol):
    """What the sender posts through: `async with` it, then `post` from many workers."""

    async def __aenter__(self) -> ApiClient: ...
    async def __aexit__(self, *exc: object) -> None: ...
    async def post(self, path: str, body: bytes) -> Answer: ...
    async def get(self, path: str, params: Mapping[str, str]) -> Answer: ...


def encode_body(fields: dict[str, Any]) -> bytes:
    """A request's JSON, encoded once and reused by its retries."""
    return _ENCODER.encode(fields).encode()


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
"""One encoder for every request: `json.dumps` with options builds a new one on each call."""


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds: to open a connection (and to wait for one from the pool), and to read."""

    connect: float
    read: float


class AiohttpClient:
    """aiohttp without a layer above it: the sender's default client."""

    def __init__(
        self, api_url: str, headers: dict[str, str], connections: int, timeouts: Timeouts
    ) -> None:
        self._base = api_url.rstrip("/")
        self._headers = {**headers, **JSON_HEADERS}
        self._connections, self._timeouts = connections, timeouts
        self._urls: dict[str, URL] = {}
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> AiohttpClient:
        # The pool timeout is the connect timeout: with one connection per worker nobody
        # waits for the pool, and a request that cannot get a connection never left.
        timeout = aiohttp.ClientTimeout(
            total=None, connect=self._timeouts.connect, sock_connect=self._timeouts.connect,
            sock_read=self._timeouts.read,
        )  # fmt: skip
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self._connections),
            headers=self._headers, timeout=timeout, auto_decompress=True,
        )  # fmt: skip
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()

    async def post(self, path: str, body: bytes) -> Answer:
        url = self._urls.get(path)
        if url is None:
            url = self._urls[path] = URL(self._base + path)
        assert self._session is not None, "use the client as `async with`"
        async with self._session.post(url, data=body, allow_redirects=False) as response:
            return Answer(response.status, response.headers, await response.read())

    async def get(self, path: str, params: Mapping[str, str]) -> Answer:
        """A read endpoint (`lookups.py`)."""
        assert self._session is not None, "use the client as `async with`"
        url = URL(self._base + path)
        async with self._session.get(url, params=dict(params), allow_redirects=False) as response:
            return Answer(response.status, response.headers, await response.read())


class HttpxClient:
    """httpx over a given transport (tests, mocks)."""

    def __init__(
        self,
        api_url: str,
        headers: dict[str, str],
        timeouts: Timeouts,
        transport: httpx.AsyncBaseTransport,
    ) -> None:
        timeout = httpx.Timeout(
            connect=timeouts.connect, read=timeouts.read, write=timeouts.read,
            pool=timeouts.connect,
        )  # fmt: skip
        self._client = httpx.AsyncClient(
            base_url=api_url, headers={**headers, **JSON_HEADERS}, timeout=timeout,
            transport=transport,
        )  # fmt: skip

    async def __aenter__(self) -> HttpxClient:
        await self._client.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.__aexit__()

    async def post(self, path: str, body: bytes) -> Answer:
        response = await self._client.post(path, content=body)
        return Answer(response.status_code, response.headers, response.content)

    async def get(self, path: str, params: Mapping[str, str]) -> Answer:
        response = await self._client.get(path, params=dict(params))
        return Answer(response.status_code, response.headers, response.content)
