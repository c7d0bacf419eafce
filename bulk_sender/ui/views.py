"""The page's HTTP endpoints: the page itself, its files, and a small JSON API."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import BodyPartReader, web

from ..delivery.wire import DEFAULT_API_URL
from ..engine.campaign import Mode
from ..engine.options import environment, recorded_settings
from ..engine.run import run_engine
from ..engine.testsend import run_test_send
from ..errors import BulkSenderError, ConfigError, InputError
from ..language import _, active, ngettext, translations, use_language
from ..lifecycle import Status
from . import campaigns, i18n
from .budget import budget_state, save_tier
from .contacts import UPLOADS_DIR, inspect_contacts, save_upload
from .form import (
    PROTECTIONS,
    form_settings,
    form_test_settings,
    template_names,
    uploaded_file,
)
from .runs import Runs, in_thread, print_unexpected
from .strings import page_plurals, page_statuses, page_strings

# Named here, not guessed: Windows' registry may map .js to text/plain, which a browser told
# `nosniff` refuses to run.
STATIC = {"app.js": "text/javascript", "app.css": "text/css"}
KEEP_ALIVE_SECONDS = 15.0
UPDATES_PER_SECOND = 10


class Views:
    """The handlers and what they share: the run, the folders, the page templates."""

    def __init__(
        self, runs: Runs, *, reports_dir: Path, templates_dir: Path,
        default_language: str | None = None,
    ) -> None:  # fmt: skip
        self.runs = runs
        # The language `bulk-sender ui` was started in: a request that names none gets it.
        self.default_language = default_language or active()
        self.reports_dir, self.templates_dir = reports_dir, templates_dir
        self.closing = asyncio.Event()
        self._preview_lock = asyncio.Lock()  # dry runs of one campaign share a preview file
        self._previews_asked = 0
        self.pages = jinja2.Environment(
            loader=jinja2.PackageLoader("bulk_sender.ui", "templates"),
            autoescape=True, extensions=["jinja2.ext.i18n"],
        )  # fmt: skip
        # Each request is worded in its own language (`speak`): the template's `_()` is the
        # library's, in the active language. jinja2.ext.i18n adds this method at run time.
        self.pages.install_gettext_callables(  # type: ignore[attr-defined]
            gettext=_, ngettext=ngettext, newstyle=True
        )

    def language_of(self, request: web.Request) -> str:
        """The request's language: the page's switch, the browser's, the process's, English."""
        return i18n.page_language(
            request.cookies.get(i18n.COOKIE), request.headers.get("Accept-Language"),
            self.default_language,
        )  # fmt: skip

    @web.middleware
    async def speak(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """Word everything a request answers (its errors too) in the request's language; a run
        it starts keeps it (asyncio tasks inherit it, `in_thread` hands it on)."""
        language = self.language_of(request)
        request["language"] = language
        with use_language(language):
            response: web.StreamResponse = await handler(request)
            return response

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/", self.index)
        app.router.add_get("/static/{name}", self.static)
        app.router.add_get("/api/state", self.state)
        app.router.add_post("/api/upload", self.upload)
        app.router.add_post("/api/contacts", self.contacts)
        app.router.add_post("/api/preview", self.preview)
        app.router.add_post("/api/run", self.run)
        app.router.add_post("/api/test-send", self.test_send)
        app.router.add_post("/api/confirm", self.confirm)
        app.router.add_post("/api/stop", self.stop)
        app.router.add_get("/api/events", self.events)
        app.router.add_get("/api/campaigns", self.campaign_list)
        app.router.add_get("/api/campaigns/{name}/rows", self.rows)
        app.router.add_get("/api/campaigns/{name}/report", self.report)
        app.router.add_post("/api/campaigns/{name}/resume", self.resume)
        app.router.add_post("/api/campaigns/{name}/settle", self.settle)
        app.router.add_get("/api/budget", self.budget)
        app.router.add_post("/api/budget", self.set_budget)
        app.router.add_post("/api/campaigns/{name}/replies", self.replies)

    async def index(self, request: web.Request) -> web.Response:
        language = request["language"]
        html = self.pages.get_template("index.html").render(
            language=language, html_lang=i18n.html_tag(language), languages=i18n.NAMES,
            countries=i18n.country_names(language),
            cookie=i18n.COOKIE, strings=page_strings(translations(language)),
            plurals=page_plurals(language), statuses=page_statuses(),
        )  # fmt: skip
        return web.Response(
            text=html, content_type="text/html", headers={"Vary": "Accept-Language, Cookie"}
        )

    async def static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in STATIC:
            raise web.HTTPNotFound()
        body = resources.files(__package__).joinpath("static", name).read_bytes()
        return web.Response(body=body, content_type=STATIC[name], charset="utf-8")

    async def state(self, request: web.Request) -> web.Response:
        env = environment()
        templates = {
            name: (self.templates_dir / f"{name}.txt").read_text(encoding="utf-8-sig")
            for name in template_names(self.templates_dir)
        }
        return _json({
            "credentials": {"workspace": bool(env.get("PLAZBOT_WORKSPACE_ID")),
                            "api_key": bool(env.get("PLAZBOT_API_KEY")),
                            "api_url": env.get("PLAZBOT_API_URL") or DEFAULT_API_URL},
            "country": env.get("BULK_SENDER_COUNTRY", ""),
            "folder": os.getcwd(),
            "templates": templates,
            "protections": PROTECTIONS,
            "run": self.runs.snapshot(),
        })  # fmt: skip

    async def upload(self, request: web.Request) -> web.Response:
        reader = await request.multipart()
        part = await reader.next()
        if not isinstance(part, BodyPartReader) or not part.filename:
            raise InputError(_("choose a contacts file"))
        path = await save_upload(part.filename, _chunks(part), UPLOADS_DIR)
        form = {"file": path.as_posix(), "country": request.query.get("country", "")}
        return _json(await asyncio.to_thread(_inspect, form))

    async def contacts(self, request: web.Request) -> web.Response:
        form = await _form(request)
        return _json(await asyncio.to_thread(_inspect, form))

    async def preview(self, request: web.Request) -> web.Response:
        """A dry run through the engine: the first messages, the counts and the problem rows."""
        form = await _form(request)
        settings = form_settings(form, "preview", self.templates_dir, environment())
        self._previews_asked += 1
        asked = self._previews_asked
        async with self._preview_lock:
            if asked != self._previews_asked:  # typing goes on: only the latest text matters
                return _json({"superseded": True})
            result = await in_thread(run_engine(settings))
            problems = await asyncio.to_thread(
                campaigns.preview_rows, result.report_path, campaigns.PROBLEMS
            )
        ready = result.statuses.get(Status.READY, 0)
        budget = await asyncio.to_thread(budget_state, environment(), ready)
        return _json({
            "budget": budget,
            "preview": [{"row": r, "phone": f"+{p}", "text": t} for r, p, t in result.preview],
            "distinct": result.distinct_messages, "statuses": result.statuses,
            "reasons": result.reasons, "problems": problems, "report": result.report_path.name,
        })  # fmt: skip

    async def run(self, request: web.Request) -> web.Response:
        form = await _form(request)
        mode = str(form.get("mode"))
        if mode not in (Mode.SANDBOX.value, Mode.LIVE.value):
            raise ConfigError(_("{mode}: send to the test server or for real").format(mode=mode))
        settings = form_settings(form, mode, self.templates_dir, environment())
        self.runs.start(settings, uploaded_file(form.get("file")).name)
        return _json(self.runs.snapshot())

    async def test_send(self, request: web.Request) -> web.Response:
        """The first messages to the user's own phone (`--test-to`); the campaign is untouched."""
        form = await _form(request)
        mode = str(form.get("mode"))
        if mode not in (Mode.SANDBOX.value, Mode.LIVE.value):
            raise ConfigError(_("{mode}: test on the test server or for real").format(mode=mode))
        settings = form_test_settings(form, mode, self.templates_dir, environment())
        result = await asyncio.to_thread(run_test_send, settings)
        return _json({
            "phone": f"+{result.phone}", "target": result.target, "stopped": result.stop_detail,
            "sent": [{"row": message.row, "text": message.text, "status": outcome.status.value,
                      "detail": outcome.result_detail} for message, outcome in result.sent],
        })  # fmt: skip

    async def confirm(self, request: web.Request) -> web.Response:
        form = await _form(request)
        if not self.runs.answer(bool(form.get("yes"))):
            raise ConfigError(_("nothing is waiting for a confirmation"))
        return _json(self.runs.snapshot())

    async def stop(self, request: web.Request) -> web.Response:
        self.runs.stop()
        return _json(self.runs.snapshot())

    async def events(self, request: web.Request) -> web.StreamResponse:
        """Server-sent events: the run's snapshot at every change, at most 10 a second."""
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        # A browser that goes away (a reload, a closed tab, lost Wi-Fi) is normal: the stream
        # ends quietly, the run goes on.
        with contextlib.suppress(ConnectionResetError):
            await response.prepare(request)
            await self._stream(response)
        return response

    async def _stream(self, response: web.StreamResponse) -> None:
        seen = -1
        while not self.closing.is_set():
            if self.runs.version != seen:
                snapshot = self.runs.snapshot()
                seen = snapshot["version"]
                await response.write(f"data: {json.dumps(snapshot)}\n\n".encode())
            else:
                await response.write(b": still here\n\n")
            waiters = [asyncio.ensure_future(f) for f in (self.runs.changed(), self.closing.wait())]
            await asyncio.wait(waiters, timeout=KEEP_ALIVE_SECONDS,
                               return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
            for waiter in waiters:
                waiter.cancel()
            await asyncio.sleep(1 / UPDATES_PER_SECOND)

    async def campaign_list(self, request: web.Request) -> web.Response:
        return _json(await asyncio.to_thread(campaigns.list_campaigns, self.reports_dir))

    async def rows(self, request: web.Request) -> web.Response:
        name, status = self._campaign(request), request.query.get("status")
        described = await asyncio.to_thread(campaigns.describe, self.reports_dir, name)
        found = await asyncio.to_thread(
            campaigns.rows_of, self.reports_dir, name, [status] if status else []
        )
        return _json(described | found)

    async def report(self, request: web.Request) -> web.FileResponse:
        report = campaigns.report_of(self.reports_dir, self._campaign(request))
        if report is None:
            raise _not_found(_("no report for this campaign"))
        disposition = f'attachment; filename="{report.name}"'
        return web.FileResponse(report, headers={"Content-Disposition": disposition})

    async def resume(self, request: web.Request) -> web.Response:
        journal = campaigns.journal_of(self.reports_dir, self._campaign(request))
        settings = await asyncio.to_thread(recorded_settings, journal, environment())
        self.runs.start(settings, Path(str(settings.contacts)).name)
        return _json(self.runs.snapshot())

    async def budget(self, request: web.Request) -> web.Response:
        """The daily budget: used, left, when room opens (docs/spec.md section 10)."""
        return _json(await asyncio.to_thread(budget_state, environment()))

    async def set_budget(self, request: web.Request) -> web.Response:
        form = await _form(request)
        return _json(await asyncio.to_thread(save_tier, environment(), str(form.get("limit"))))

    async def settle(self, request: web.Request) -> web.Response:
        """`bulk-sender settle` for the campaign: its uncertain rows looked up in Plazbot."""
        journal = campaigns.journal_of(self.reports_dir, self._campaign(request))
        result = await asyncio.to_thread(campaigns.follow_up, journal, "settle")
        return _json({"counts": result.counts, "notices": list(result.notices)})

    async def replies(self, request: web.Request) -> web.Response:
        """`bulk-sender replies` for the campaign: who answered, who asked to stop."""
        journal = campaigns.journal_of(self.reports_dir, self._campaign(request))
        result = await asyncio.to_thread(campaigns.follow_up, journal, "replies")
        return _json({"counts": result.counts, "notices": list(result.notices)})

    def _campaign(self, request: web.Request) -> str:
        """The campaign the URL names; 404 if it has no journal in the reports folder."""
        name = campaigns.journal_name(request.match_info["name"])
        if not campaigns.journal_of(self.reports_dir, name).is_file():
            raise _not_found(_("no such campaign"))
        return name


def _inspect(form: dict[str, Any]) -> dict[str, Any]:
    return inspect_contacts(
        uploaded_file(form.get("file")), sheet=form.get("sheet") or None,
        phone_column=form.get("phone_column") or None, country=form.get("country") or None,
        country_column=form.get("country_column") or None,
    )  # fmt: skip


async def _chunks(part: BodyPartReader) -> AsyncIterator[bytes]:
    while chunk := await part.read_chunk():
        yield chunk


async def _form(request: web.Request) -> dict[str, Any]:
    try:
        form = await request.json()
    except json.JSONDecodeError as exc:
        raise ConfigError(_("the page sent no JSON")) from exc
    if not isinstance(form, dict):
        raise ConfigError(_("the page sent no form"))
    return form


def _not_found(why: str) -> web.HTTPNotFound:
    """A 404 with its one line, as the page reads an error."""
    return web.HTTPNotFound(text=json.dumps({"error": why}), content_type="application/json")


def _json(value: Any) -> web.Response:
    return web.json_response(value, dumps=lambda v: json.dumps(v, default=str))


@web.middleware
async def json_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """A usage problem becomes a 400 with its one line for the page to show; a bug, a 500."""
    try:
        response: web.StreamResponse = await handler(request)
    except BulkSenderError as exc:
        return web.json_response({"error": str(exc)}, status=400)
    except web.HTTPException:
        raise
    except ConnectionResetError:  # the browser went away mid-answer: nobody to tell
        return web.Response(status=499)
    except Exception as exc:  # the page says what went wrong; the terminal gets one line
        print_unexpected(exc, request.path)
        return web.json_response(
            {"error": _("unexpected error: {error}").format(error=exc)}, status=500
        )
    return response
