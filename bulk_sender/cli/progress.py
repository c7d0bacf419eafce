"""Progress: sent, failed, uncertain and retrying counts, messages/s and ETA while sending.

On a terminal a tqdm bar redraws in place; elsewhere (CI, output redirected to a file) a
plain line every few seconds, since a redrawn bar turns into a wall of carriage returns.
"""

from __future__ import annotations

import collections
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from typing import TextIO

from tqdm import tqdm

from .. import lifecycle
from ..language import _, shown_number
from ..lifecycle import Status

SHOWN = tuple(s.value for s in lifecycle.WHILE_SENDING)


class Progress:
    """Counts outcomes as they come and shows them; a summary table when sending ends."""

    def __init__(
        self,
        total: int,
        *,
        quiet: bool = False,
        stream: TextIO | None = None,
        line_every: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.counts: collections.Counter[str] = collections.Counter()
        self.retrying_rows: set[int] = set()
        """Rows whose message waits to be tried again (after a 429, 503 or connect error)."""
        self._stream = stream or sys.stderr
        self._quiet = quiet
        self._terminal = self._stream.isatty()
        self._line_every, self._clock = line_every, clock
        self._started = self._last_line = clock()
        self._bar = tqdm(
            total=total, unit=_("msg"), file=self._stream, dynamic_ncols=True, smoothing=0.1,
            disable=quiet or not self._terminal, mininterval=0.5,
        )  # fmt: skip

    def update(self, row: int, status: str) -> None:
        """A row's message got its outcome for this run."""
        self.counts[status] += 1
        self.retrying_rows.discard(row)
        self._bar.update(1)
        self._show()

    def retrying(self, row: int) -> None:
        """A row's message will be tried again."""
        self.retrying_rows.add(row)
        self._show()

    def set_total(self, total: int) -> None:
        """The count to send became better known (planning streams into sending)."""
        self.total = self._bar.total = total
        self._bar.refresh()

    def status_line(self) -> str:
        """`sent 120/500, failed 0, uncertain 1, retrying 2 | 45.0 msg/s, ETA 0:00:08`."""
        done = sum(self.counts.values())
        elapsed = max(self._clock() - self._started, 1e-9)
        rate = done / elapsed
        eta = timedelta(seconds=round((self.total - done) / rate)) if rate else "?"
        return _(
            "sent {sent}/{total}, failed {failed}, uncertain {uncertain}, retrying {retrying} "
            "| {rate} msg/s, ETA {eta}"
        ).format(
            sent=self.counts[Status.SENT], total=self.total, failed=self.counts[Status.FAILED],
            uncertain=self.counts[Status.UNCERTAIN], retrying=len(self.retrying_rows),
            rate=shown_number(rate), eta=eta,
        )  # fmt: skip

    def _show(self) -> None:
        if self._quiet:
            return
        if self._terminal:
            # A status's word is its name, the catalog's message id (`bulk_sender/language.py`).
            shown = {_(name): self.counts[name] for name in SHOWN if name != Status.PENDING}
            shown[_("retrying")] = len(self.retrying_rows)
            self._bar.set_postfix(shown, refresh=False)  # a dict keeps this order
        elif self._clock() - self._last_line >= self._line_every:
            self._last_line = self._clock()
            print(self.status_line(), file=self._stream, flush=True)

    def summary(self) -> str:
        """The table printed when sending ends."""
        elapsed = self._clock() - self._started
        done = sum(self.counts.values())
        counts = collections.Counter(self.counts)
        counts[Status.PENDING] += self.total - done
        lines = [_("Sending summary:")]
        # A status's word is its name, the catalog's message id (`bulk_sender/language.py`).
        labels = {name: _(name) for name in SHOWN} | {"time": _("time")}
        width = max(10, *(len(label) + 1 for label in labels.values()))
        lines += [f"  {labels[name]:<{width}}{counts.get(name, 0):>8}" for name in SHOWN]
        rate = done / max(elapsed, 1e-9)
        took = _("{seconds} s, {rate} msg/s").format(
            seconds=f"{shown_number(elapsed):>8}", rate=shown_number(rate)
        )
        lines.append(f"  {labels['time']:<{width}}{took}")
        return "\n".join(lines)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.close()
        if not self._quiet:
            print(self.summary(), file=self._stream, flush=True)
