"""Console: the terminal front end over the engine (Ctrl-C and SIGTERM, the question, tqdm).

The engine reports events and stops through a cancel token; this module turns Ctrl-C into
that cancel, the events into the progress bar, the countdown of a wait and printed lines,
and asks before sending.
"""

from __future__ import annotations

import asyncio
import contextlib
import gettext
import sys
from collections.abc import Callable
from typing import TextIO

from ..engine.campaign import RunResult, Settings
from ..engine.options import when_and_to
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
from ..engine.waiting import Countdown, Timer, countdown_line
from .progress import Progress

YES = ("y", "yes", "s", "si", "sí")


def run_in_console(
    settings: Settings, *, ask: bool, words: gettext.NullTranslations | None = None
) -> RunResult:
    """Run a campaign with a progress bar; `ask` puts the question before sending."""
    token = CancelToken()
    console = Console(settings, words=words)
    confirm = console.confirm if ask else None
    timer = Timer(step=console.countdown.step)  # each second on a terminal, a minute in a log
    with signals_cancel(_stopping(token)), contextlib.closing(console):
        return asyncio.run(run_engine(settings, on_event=console.on_event, cancel=token,
                                      confirm=confirm, timer=timer))  # fmt: skip


class Console:
    """Shows a run's events: the preview before the question, then progress while sending."""

    def __init__(
        self,
        settings: Settings,
        *,
        out: TextIO | None = None,
        words: gettext.NullTranslations | None = None,
    ) -> None:
        self.settings, self.words = settings, words
        self.out = out or sys.stdout
        self.progress: Progress | None = None
        self.preview: PreviewReady | None = None
        self.countdown = Countdown(quiet=settings.quiet)

    def on_event(self, event: Event) -> None:
        if isinstance(event, Waiting):
            self.countdown(countdown_line(event.reason, event.seconds_left))
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
                self.progress = Progress(event.total, quiet=self.settings.quiet, words=self.words)
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
        url = self.settings.api_url + when_and_to(self.settings.protection)
        answer = input(f"Send {messages} messages to {phones} phones through {url}? [y/N] ")
        return answer.strip().lower() in YES

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
    texts = "the same text for all" if distinct == 1 else f"{distinct} different texts"
    print(f"Preview of the first {len(preview)} messages ({to_send} to send, {texts}):", file=out)
    # A console in a legacy code page cannot show every emoji: a "?" beats a crash.
    encoding = getattr(out, "encoding", None) or "utf-8"
    for row, phone, text in preview:
        print(f"\nrow {row}, to +{phone}", file=out)
        for line in text.splitlines():
            print(("    " + line).rstrip().encode(encoding, "replace").decode(encoding), file=out)
    if distinct == 1 and to_send > 1:
        print("\nEvery customer gets the same text: does the template use the columns?", file=out)
    print(file=out)


def _stopping(token: CancelToken) -> Callable[[], None]:
    def stop() -> None:
        print(
            "\nbulk-sender: stopping; requests in flight finish first (Ctrl-C again to stop now)",
            file=sys.stderr,
        )
        token.cancel()

    return stop
