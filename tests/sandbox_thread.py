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
