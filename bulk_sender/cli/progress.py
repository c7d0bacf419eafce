"""Progress: sent, failed, uncertain and retrying counts, messages/s and ETA while sending.

On a terminal a tqdm bar redraws in place; elsewhere (CI, output redirected to a file) a
plain line every few seconds, since a redrawn bar turns into a wall of carriage returns.
"""

from __future__ import annotations

import collections
import gettext
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from typing import TextIO

from tqdm import tqdm

from .. import lifecycle
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
        words: gettext.NullTranslations | None = None,
    ) -> None:
        self.words = words or gettext.NullTranslations()
        """The user's language (`bulk_sender/language.py`), for the summary table."""
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
            total=total, unit="msg", file=self._stream, dynamic_ncols=True, smoothing=0.1,
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
        return (
            f"sent {self.counts[Status.SENT]}/{self.total}, failed {self.counts[Status.FAILED]}, "
            f"uncertain {self.counts[Status.UNCERTAIN]}, retrying {len(self.retrying_rows)} "
            f"| {rate:.1f} msg/s, ETA {eta}"
        )

    def _show(self) -> None:
        if self._quiet:
            return
        if self._terminal:
            shown = {name: self.counts[name] for name in SHOWN if name != Status.PENDING}
            shown["retrying"] = len(self.retrying_rows)
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
        _ = self.words.gettext
        lines = [_("Sending summary:")]
        # A status's word is its name, the catalog's message id (`bulk_sender/language.py`).
        lines += [f"  {_(name):<10}{counts.get(name, 0):>8}" for name in SHOWN]
        rate = done / max(elapsed, 1e-9)
        lines.append(f"  {_('time'):<10}{elapsed:>8.1f} s, {rate:.1f} msg/s")
        return "\n".join(lines)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.close()
        if not self._quiet:
            print(self.summary(), file=self._stream, flush=True)
