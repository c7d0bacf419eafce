"""Console: the terminal front end over the engine (Ctrl-C and SIGTERM, the question, tqdm).

The engine reports events and stops through a cancel token; this module turns Ctrl-C into
that cancel, the events into the progress bar, the countdown of a wait and printed lines,
and asks before sending.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import TextIO

from ..engine.campaign import RunResult, Settings
from ..engine.run import (
    CancelToken,
    Event,
    Finished,
    Notice,
    PreviewReady,
    Retrying,
    RowOutcome,
    Sending,
    Waiting,
    run_engine,
    signals_cancel,
)
from ..engine.waiting import Countdown, Timer, shown_time
from ..language import _, ngettext
from .progress import Progress

YES = ("y", "yes", "s", "si", "sí", "sim")
"""Answers that mean yes, in any of the three languages (a Brazilian may type "s" or "sim")."""


def confirmed(answer: str) -> bool:
    """The user said yes: `y`, `s`, `sí`, `sim`..., in any case; anything else is no."""
    return answer.strip().lower() in YES


def question(settings: Settings, messages: int, phones: int) -> str:
    """The question before sending: how many, to how many phones, through which API."""
    url, protection = settings.api_url, settings.protection
    said = {
        "messages": ngettext("{n} message", "{n} messages", messages).format(n=messages),
        "phones": ngettext("{n} phone", "{n} phones", phones).format(n=phones),
        "url": url,
    }
    if protection.test_to:
        return _("Send {messages} to {phones} through {url}, as a test to {phone} only? "
                 "[y/N] ").format(phone=protection.test_to, **said)  # fmt: skip
    if protection.not_before:
        return _("Send {messages} to {phones} through {url}, the first at {when}? [y/N] ").format(
            when=shown_time(protection.not_before), **said
        )
    return _("Send {messages} to {phones} through {url}? [y/N] ").format(**said)


def countdown_line(what: str, left: float) -> str:
    """`First message at 2026-12-03 09:00:00 (in 2:59:30); Ctrl-C stops`: `what` is the
    engine's, worded in the active language."""
    return _("{what} (in {left}); Ctrl-C stops").format(
        what=what, left=timedelta(seconds=round(left))
    )


def run_in_console(settings: Settings, *, ask: bool) -> RunResult:
    """Run a campaign with a progress bar; `ask` puts the question before sending."""
    token = CancelToken()
    console = Console(settings)
    confirm = console.confirm if ask else None
    timer = Timer(step=console.countdown.step)  # each second on a terminal, a minute in a log
    with signals_cancel(_stopping(token)), contextlib.closing(console):
        return asyncio.run(run_engine(settings, on_event=console.on_event, cancel=token,
                                      confirm=confirm, timer=timer))  # fmt: skip


class Console:
    """Shows a run's events: the preview before the question, then progress while sending."""

    def __init__(self, settings: Settings, *, out: TextIO | None = None) -> None:
        self.settings = settings
        self.out = out or sys.stdout
        self.progress: Progress | None = None
        self.preview: PreviewReady | None = None
        self.countdown = Countdown(quiet=settings.quiet)

    def on_event(self, event: Event) -> None:
        if isinstance(event, Waiting):
            self.countdown(countdown_line(event.reason, event.seconds_left), what=event.reason)
            return
        self.countdown.done()  # the wait is over: what follows starts on a line of its own
        if isinstance(event, Notice):
            self.countdown.say(event.text, warning=event.warning)
        elif isinstance(event, RowOutcome) and self.progress:
            self.progress.update(event.row, event.status)
        elif isinstance(event, Retrying) and self.progress:
            self.progress.retrying(event.row)
        elif isinstance(event, Sending):
            if self.progress is None:
                self.progress = Progress(event.total, quiet=self.settings.quiet)
            else:
                self.progress.set_total(event.total)
        elif isinstance(event, PreviewReady):
            self.preview = event
        elif isinstance(event, Finished):
            self.close()

    async def confirm(self, messages: int, phones: int, target: str) -> bool:
        """The question, in the console (nothing else runs while the user reads it)."""
        if self.preview is not None:
            print_preview(self.preview.preview, self.preview.distinct_messages, messages, self.out)
        return confirmed(input(question(self.settings, messages, phones)))

    def close(self) -> None:
        """End the progress display, printing its summary table."""
        if self.progress is not None:
            self.progress.__exit__()
            self.progress = None


def print_preview(
    preview: tuple[tuple[int, str, str], ...], distinct: int, to_send: int, out: TextIO
) -> None:
    """The first messages as customers will read them, and how many different texts there are."""
    if not preview:
        return
    shown = len(preview)
    if distinct == 1:
        head = ngettext(
            "Preview of the first {shown} message ({to_send} to send, the same text for all):",
            "Preview of the first {shown} messages ({to_send} to send, the same text for all):",
            shown,
        )
    else:
        head = ngettext(
            "Preview of the first {shown} message ({to_send} to send, {distinct} different texts):",
            "Preview of the first {shown} messages ({to_send} to send, {distinct} different "
            "texts):",
            shown,
        )
    # A console in a legacy code page cannot show every emoji or accent: a "?" beats a crash.
    encoding = getattr(out, "encoding", None) or "utf-8"

    def say(line: str) -> None:
        print(line.encode(encoding, "replace").decode(encoding), file=out)

    say(head.format(shown=shown, to_send=to_send, distinct=distinct))
    for row, phone, text in preview:
        say("\n" + _("row {row}, to +{phone}").format(row=row, phone=phone))
        for line in text.splitlines():
            say(("    " + line).rstrip())
    if distinct == 1 and to_send > 1:
        say("\n" + _("Every customer gets the same text: does the template use the columns?"))
    print(file=out)


def _stopping(token: CancelToken) -> Callable[[], None]:
    def stop() -> None:
        print(
            "\n"
            + _(
                "bulk-sender: stopping; requests in flight finish first (Ctrl-C again to stop now)"
            ),
            file=sys.stderr,
        )
        token.cancel()

    return stop
