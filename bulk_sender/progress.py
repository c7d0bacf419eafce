"""Progress: a tqdm bar with sent, failed, uncertain and retrying counts."""

from __future__ import annotations

import collections
import sys
from typing import Any

from tqdm import tqdm

from .records import Outcome


class Progress:
    """Counts outcomes as they come; draws a bar on a terminal, a line now and then elsewhere."""

    def __init__(self, total: int, *, quiet: bool = False) -> None:
        self.counts: collections.Counter[str] = collections.Counter()
        self._bar = tqdm(
            total=total, unit="msg", disable=quiet, file=sys.stderr, dynamic_ncols=True,
            mininterval=0.5 if sys.stderr.isatty() else 5.0, smoothing=0.1,
        )  # fmt: skip

    def update(self, outcome: Outcome) -> None:
        self.counts[outcome.status.value] += 1
        self._bar.update(1)
        self._show()

    def retrying(self, verdict: Any) -> None:
        self.counts["retrying"] += 1
        self._show()

    def _show(self) -> None:
        self._bar.set_postfix(
            {name: self.counts[name] for name in ("sent", "failed", "uncertain", "retrying")},
            refresh=False,
        )

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.close()
