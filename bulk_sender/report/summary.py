"""Summary: count the rows as the report streams by, for the summary sheet and the CLI."""

from __future__ import annotations

import collections
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .. import lifecycle
from ..lifecycle import Move
from ..records import RowResult
from ..seen import Seen, text_key

PREVIEWED = lifecycle.first(Move.PREVIEWED)

PREVIEW_COUNT = 3


class Tally:
    """Rows per status and per reason; for a dry run, the first messages and distinct texts."""

    def __init__(self) -> None:
        self.statuses: collections.Counter[str] = collections.Counter()
        self.reasons: collections.Counter[str] = collections.Counter()
        self.preview: list[tuple[int, str, str]] = []
        self._texts = Seen()  # hashes, so a million messages cost little memory

    def watch(self, results: Iterable[RowResult]) -> Iterator[RowResult]:
        """Pass the rows through, counting each: one pass serves the report and the counts."""
        for result in results:
            self.add(result)
            yield result

    def add(self, result: RowResult) -> None:
        outcome = result.outcome
        self.statuses[outcome.status.value] += 1
        if outcome.code:
            self.reasons[outcome.code] += 1
        if result.message and outcome.status is lifecycle.first(
            Move.PREVIEWED
        ):  # a dry run's preview
            if len(self.preview) < PREVIEW_COUNT:
                self.preview.append((result.row, result.phone, result.message))
            self._texts.add(text_key(result.message))

    @property
    def distinct_messages(self) -> int:
        return len(self._texts)

    def rows(self, details: Sequence[tuple[str, Any]] = ()) -> list[tuple[str, Any]]:
        """The summary sheet: counts per status, per reason, then the run's details."""
        counts = [(f"status {s.value}", self.statuses[s.value]) for s in lifecycle.REPORTED]
        reasons = [(f"reason {code}", n) for code, n in sorted(self.reasons.items())]
        return [*counts, *reasons, ("rows", sum(self.statuses.values())), *details]
