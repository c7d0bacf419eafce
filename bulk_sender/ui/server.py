"""`bulk-sender ui`: serve the page on 127.0.0.1, print its address, open the browser.

Ctrl-C stops it as it stops a `send`: a run in flight sends nothing new, its requests in
flight finish and are journaled, its report is written; a second Ctrl-C stops at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import webbrowser
from collections.abc import Callable
from pathlib import Path

from aiohttp import web

from ..engine.run import signals_cancel
from ..errors import ConfigError
from ..language import _
from .runs import Runs
from .security import Door, new_token
from .views import Views, json_errors

HOST = "127.0.0.1"
UPLOAD_LIMIT = 200 * 1024 * 1024
"""The largest contacts file the page takes (a million-row CSV is about 100 MB)."""
WAKE_SECONDS = 0.5


def make_app(door: Door, views: Views) -> web.Application:
    app = web.Application(
        middlewares=[door.middleware, views.speak, json_errors], client_max_size=UPLOAD_LIMIT
    )
    views.routes(app)
    return app


def serve_ui(port: int = 0, *, open_browser: bool = True) -> int:
    """Serve until Ctrl-C; 130 if that stopped a run, else 0."""
    return asyncio.run(_serve(port, open_browser))


async def _serve(port: int, open_browser: bool) -> int:
    door = Door(new_token())
    runs = Runs()
    views = Views(runs, reports_dir=Path("reports"), templates_dir=Path("templates"))
    runner = web.AppRunner(make_app(door, views), access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    site = web.TCPSite(runner, HOST, port)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        raise ConfigError(
            _("port {port}: cannot serve the page there ({why})").format(
                port=port, why=exc.strerror or exc
            ),
            hint=_("leave out --port to take a free one"),
        ) from exc
    door.port = runner.addresses[0][1]
    url = f"http://{HOST}:{door.port}/?token={door.token}"
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    with signals_cancel(lambda: _call_soon(loop, stop.set)):
        print(_("bulk-sender page: {url}").format(url=url), flush=True)  # the address ends it
        print(_("Open that address in your browser; Ctrl-C here stops the page."), flush=True)
        if open_browser:
            webbrowser.open(url)
        while not stop.is_set():
            # Waking now and then lets Windows deliver Ctrl-C to the handler.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), WAKE_SECONDS)
        if runs.active:
            print(_("bulk-sender: stopping; messages on their way finish first "
                    "(Ctrl-C again to stop now)"), file=sys.stderr, flush=True)  # fmt: skip
        interrupted = await runs.shutdown()
        views.closing.set()
        await runner.cleanup()
    return 130 if interrupted else 0


def _call_soon(loop: asyncio.AbstractEventLoop, callback: Callable[[], None]) -> None:
    """Signal handlers run between two bytecodes: they may only hand work to the loop."""
    loop.call_soon_threadsafe(callback)
