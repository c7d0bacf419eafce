"""Progress off a terminal: plain lines now and then, a summary table at the end."""

from __future__ import annotations

import io

from babel.numbers import format_decimal

from bulk_sender import Status
from bulk_sender.cli.progress import Progress
from bulk_sender.language import babel_locale, translations, use_language


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_off_a_terminal_it_prints_a_plain_line_now_and_then():
    out, clock = io.StringIO(), Clock()
    with Progress(100, stream=out, line_every=10, clock=clock) as progress:
        progress.retrying(1)
        for n in range(1, 41):
            clock.now += 0.5
            status = Status.UNCERTAIN if n == 7 else Status.SENT
            progress.update(n + 1, status.value)

    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()  # no redrawn bar in a log file
    assert lines[0] == "sent 19/100, failed 0, uncertain 1, retrying 1 | 2.0 msg/s, ETA 0:00:40"
    assert lines[1].startswith("sent 39/100")
    assert lines[2:5] == ["Sending summary:", "  sent            39", "  failed           0"]
    assert "  pending         60" in lines


def test_a_message_that_gets_its_outcome_is_no_longer_retrying():
    progress = Progress(2, quiet=True, stream=io.StringIO())
    progress.retrying(1)

    progress.update(1, Status.SENT.value)

    assert progress.retrying_rows == set()
    assert "retrying 0" in progress.status_line()


def test_quiet_prints_nothing():
    out = io.StringIO()
    with Progress(3, quiet=True, stream=out, line_every=0) as progress:
        progress.update(1, Status.SENT.value)

    assert out.getvalue() == ""


def test_the_line_and_the_summary_read_in_the_user_s_language():
    words = translations("pt_BR")
    out, clock = io.StringIO(), Clock()
    with use_language("pt_BR"), Progress(4, stream=out, line_every=1, clock=clock) as progress:
        clock.now += 2
        progress.update(1, Status.SENT.value)

    lines = out.getvalue().splitlines()
    # The figure as Babel writes it for the locale (`0,5`), not as the test would guess it.
    rate = format_decimal(0.5, "#,##0.0", locale=babel_locale("pt_BR"))
    line = words.gettext(
        "sent {sent}/{total}, failed {failed}, uncertain {uncertain}, retrying {retrying} "
        "| {rate} msg/s, ETA {eta}"
    )
    assert lines[0] == line.format(sent=1, total=4, failed=0, uncertain=0, retrying=0,
                                   rate=rate, eta="0:00:06")  # fmt: skip
    assert lines[1] == words.gettext("Sending summary:")
    for name in ("sent", "failed", "uncertain", "pending", "time"):
        assert any(row.startswith(f"  {words.gettext(name)} ") for row in lines[2:]), name
    assert "Sending summary:" not in lines and not lines[0].startswith("sent")
