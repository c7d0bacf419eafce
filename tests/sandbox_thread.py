"""The bundled server in a thread of the test's process, for settings `serve` has no flags for.

Tests that need a setting the CLI does not offer yet (replies, blocks, WhatsApp error codes)
start it here; `requests` then talks to it over real loopback HTTP.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from typing import Any

import requests

from bulk_sender.sandbox.server import ServerSettings, running_server

WS = {"x-workspace-id": "sandbox"}
SEARCH = "/api/contact/searchByCellphone"


class Sandbox:
    """The server running in its own thread and event loop, until `close()`."""

    def __init__(self, settings: ServerSettings) -> None:
        self._settings = settings
        self._loop = asyncio.new_event_loop()
        self._started = threading.Event()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._loop.run_until_complete, args=(self._run(),))
        self._thread.start()
        assert self._started.wait(timeout=10), "the server did not start"

    async def _run(self) -> None:
        self._stop = asyncio.Event()
        async with running_server(self._settings) as url:
            self.url = url
            self._started.set()
            await self._stop.wait()

    def close(self) -> None:
        assert self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=10)
        self._loop.close()

    def post(self, body: dict[str, Any], path: str = "/api/message") -> requests.Response:
        return requests.post(self.url + path, json=body, headers=WS, timeout=5)

    def get(
        self, path: str, headers: dict[str, str] = WS, **params: str | None
    ) -> requests.Response:
        return requests.get(self.url + path, params=params, headers=headers, timeout=5)

    def read(self, path: str, **params: str | None) -> dict[str, Any]:
        """A read endpoint's `data`, checking it answered 200 in the usual envelope."""
        answer = self.get(path, **params)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert (body["success"], body["code"]) == (True, 200)
        return dict(body["data"])

    def contact(self, phone: str) -> dict[str, Any]:
        return self.read(SEARCH, cellphone=phone)

    def every_page(self, path: str, **params: str | None) -> list[list[dict[str, Any]]]:
        """Each page of a listing, following `newContinuationToken` to the end."""
        pages, token = [], None
        while True:
            data = self.read(path, **params, continuationToken=token)
            pages.append(data["data"])
            token = data["newContinuationToken"]
            if token is None:
                return pages

    def chat(self, phone: str) -> list[dict[str, Any]]:
        """The messages of this phone's contact, both ways, every page."""
        contact_id = self.contact(phone)["contactId"]
        return [m for page in self.every_page("/api/message", contactId=contact_id) for m in page]


def servers() -> Iterator[Callable[..., Sandbox]]:
    """A fixture's body: `sandbox(seed=3)` starts a server; all are stopped after the test."""
    started: list[Sandbox] = []

    def factory(**settings: Any) -> Sandbox:
        server = Sandbox(ServerSettings(port=0, **settings))
        started.append(server)
        return server

    yield factory
    for server in started:
        server.close()
