"""Limits: how fast to send, how long to back off, and when a run should give up.

Pure policy with an injected clock, so every rule is tested without a network:
`RateLimiter` (the global rate, 429 pauses and the climb back), `PairSpacing` (6 s between
messages to one phone), `backoff_delay` (full jitter) and `RunGuard` (early stops).
"""

from __future__ import annotations

import collections
import enum
import random
import re
import time
from collections.abc import Callable

from ..language import _, ngettext
from .classify import Kind, Verdict, detail_words

EARLY_STOP_ATTEMPTS = 20
MIN_RATE = 1.0
SETTLE = 0.95
"""After a 429, send at 95% of what the API accepted in the second before it."""
PROBE_SECONDS = 30.0
"""Then climb back along a curve: flat at first, at the old level after 30 s, faster after."""
DEFAULT_PAUSE = 1.0
"""How long a 429 without `Retry-After` pauses the run."""


class RateLimiter:
    """At most `rate` requests in any one-second window; pauses and slows down on 429.

    Requests get slots `1/rate` apart, so no window holds more than rate + 1 and nothing
    bursts after a pause. A 429 pauses everyone for its `Retry-After` and sets the rate just
    under what the API accepted; requests already in flight then count as the same 429.
    """

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.target = rate if rate > 0 else None
        self.ceiling: float | None = None
        """What the API accepted per second when it last answered 429."""
        self.paused_until = float("-inf")
        self._clock = clock
        self._next = float("-inf")
        self._last_cut = float("-inf")
        self._slots: collections.deque[float] = collections.deque()

    def rate(self, now: float | None = None) -> float | None:
        """Messages per second allowed now; None for no limit."""
        if self.ceiling is None:
            return self.target
        now = self._clock() if now is None else now
        since = max(0.0, now - self.paused_until) / PROBE_SECONDS
        climbed = self.ceiling * (SETTLE + (1 - SETTLE) * since * since)
        return min(climbed, self.target) if self.target else climbed

    def reserve(self) -> float:
        """Take the next slot; returns its time on the limiter's clock (wait until then)."""
        now = self._clock()
        slot = max(now, self._next, self.paused_until)
        rate = self.rate(slot)
        if rate:
            self._next = slot + 1.0 / rate
        self._slots.append(slot)
        while self._slots[0] < now - 2.0:
            self._slots.popleft()
        return slot

    def paused(self) -> bool:
        """Whether a 429 pause is running (a slot taken before it must be taken again)."""
        return self.paused_until > self._clock()

    def slow_down(self, slot: float, retry_after: float | None) -> None:
        """A 429 for the request sent in `slot`: pause everyone, then send just under the limit."""
        now = self._clock()
        pause = DEFAULT_PAUSE if retry_after is None else retry_after
        self.paused_until = max(self.paused_until, now + pause)
        self._next = max(self._next, self.paused_until)
        if slot < self._last_cut:
            return  # sent before the last cut: the same 429 episode, already counted
        # What the API took in the second before this request (slots can tie: no --rate).
        accepted = sum(1 for other in self._slots if slot - 1.0 <= other <= slot) - 1
        self.ceiling = max(MIN_RATE, float(accepted))
        self._last_cut = now


class PairSpacing:
    """WhatsApp's pair rate limit: messages to one phone at least `interval` seconds apart."""

    def __init__(self, interval: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self._clock = clock
        self._last: dict[str, tuple[float, str]] = {}

    def wait(self, phone: str, key: str) -> float:
        """Seconds until message `key` may go to `phone` (its own retries need not wait)."""
        last = self._last.get(phone)
        if last is None or last[1] == key:
            return 0.0
        return max(0.0, last[0] + self.interval - self._clock())

    def sent(self, phone: str, key: str) -> None:
        """Message `key` left for `phone` now."""
        now = self._clock()
        self._last.pop(phone, None)
        self._last[phone] = (now, key)
        # Oldest first, as entries are re-inserted on every send: forget the expired ones.
        while self._last:
            oldest = next(iter(self._last))
            if self._last[oldest][0] > now - self.interval:
                break
            del self._last[oldest]


def backoff_delay(
    attempt: int, *, base: float, cap: float, rng: Callable[[], float] = random.random
) -> float:
    """Seconds to wait after failed attempt number `attempt` (1, 2...): full jitter.

    A random time between 0 and min(cap, base * 2 ** (attempt - 1)), so clients that failed
    together do not retry together (AWS Architecture Blog, "Exponential Backoff And Jitter").
    """
    return float(rng() * min(cap, base * 2 ** (attempt - 1)))


class StopReason(enum.Enum):
    NONE = "none"
    INTERRUPTED = "interrupted"
    ABORTED = "aborted"
    NETWORK_DOWN = "network_down"
    JOURNAL_FAILED = "journal_failed"
    QUALITY = "quality"
    """Too many of the last answers were refusals that hurt the number: paused to look."""


QUALITY_WINDOW = 50
"""The last final answers the quality brake looks at; it waits for this many."""


class RunGuard:
    """Stops a run early when every request would fail anyway (docs/spec.md section 3)."""

    def __init__(self, max_refusal_rate: float = 1.0) -> None:
        self.max_refusal_rate = max_refusal_rate
        self.recent: collections.deque[str] = collections.deque(maxlen=QUALITY_WINDOW)
        """The last final answers: the reason of a refusal that hurts the number, else ''."""
        self.successes = 0
        self.connect_failures_in_a_row = 0
        self.first_answers: list[str] = []
        """The first 20 final answers: `code: words` of a 4xx failure, else ''."""
        self.reason = StopReason.NONE
        self.detail = ""

    @property
    def stopped(self) -> bool:
        return self.reason is not StopReason.NONE

    def stop(self, reason: StopReason, detail: str) -> None:
        """Stop the run; the first reason given wins."""
        if self.reason is StopReason.NONE:
            self.reason, self.detail = reason, detail

    def observe(self, verdict: Verdict) -> None:
        """Take one attempt's verdict into account."""
        if verdict.kind is Kind.ACCEPTED:
            self.successes += 1
        elif verdict.kind is Kind.UNAUTHORIZED:
            words = detail_words(verdict) or _("the API refused the credentials")
            self.stop(
                StopReason.ABORTED,
                _("{code}: {words} (check PLAZBOT_API_KEY)").format(code=verdict.code, words=words),
            )
        elif verdict.kind is Kind.NOT_FOUND and not self.successes:
            self.stop(
                StopReason.ABORTED,
                _(
                    "api_404: the workspace was not found (check PLAZBOT_WORKSPACE_ID and "
                    "--api-url)"
                ),
            )
        self._count_connect_failures(verdict)
        if verdict.kind not in (Kind.RETRY, Kind.RATE_LIMITED):
            self._count_first_answers(verdict)
            self._watch_quality(verdict)

    def _watch_quality(self, verdict: Verdict) -> None:
        """The quality brake: WhatsApp lowers a number's quality, then its limits, for the
        refusals its customers and Meta give it (131049, 131050, 131026, any 4xx)."""
        is_4xx = 400 <= (verdict.http_status or 0) < 500
        hurts = verdict.kind is Kind.REFUSED and (is_4xx or verdict.rule is not None)
        self.recent.append(verdict.code if hurts else "")
        if len(self.recent) < QUALITY_WINDOW:
            return
        refused = [code for code in self.recent if code]
        if len(refused) > self.max_refusal_rate * len(self.recent):
            counts = ", ".join(f"{code} {n}" for code, n in collections.Counter(refused).items())
            self.stop(
                StopReason.QUALITY,
                ngettext(
                    "{n} of the last {total} messages was refused in ways that hurt the number "
                    "({counts}): sending paused before WhatsApp limits it; look at the report, "
                    "then run the same command again to go on (--max-refusal-rate sets the "
                    "threshold)",
                    "{n} of the last {total} messages were refused in ways that hurt the number "
                    "({counts}): sending paused before WhatsApp limits it; look at the report, "
                    "then run the same command again to go on (--max-refusal-rate sets the "
                    "threshold)",
                    len(refused),
                ).format(n=len(refused), total=len(self.recent), counts=counts),
            )

    def _count_connect_failures(self, verdict: Verdict) -> None:
        if verdict.code not in ("connect_error", "connect_timeout"):
            self.connect_failures_in_a_row = 0
            return
        self.connect_failures_in_a_row += 1
        if self.connect_failures_in_a_row >= EARLY_STOP_ATTEMPTS:
            self.stop(
                StopReason.NETWORK_DOWN,
                _("{n} connection failures in a row, the last {code}: {words}").format(
                    n=EARLY_STOP_ATTEMPTS, code=verdict.code, words=detail_words(verdict)
                ),
            )

    def _count_first_answers(self, verdict: Verdict) -> None:
        if len(self.first_answers) >= EARLY_STOP_ATTEMPTS:
            return
        is_4xx = verdict.kind is Kind.REFUSED and 400 <= (verdict.http_status or 0) < 500
        # Digits vary from row to row (phones, ids) in otherwise identical API messages.
        reason = re.sub(r"\d+", "#", f"{verdict.code}: {verdict.detail}") if is_4xx else ""
        self.first_answers.append(reason)
        first = self.first_answers[0]
        full = len(self.first_answers) == EARLY_STOP_ATTEMPTS
        if full and first and all(answer == first for answer in self.first_answers):
            self.stop(
                StopReason.ABORTED,
                _("the first {n} messages all failed with {code}: {words}").format(
                    n=EARLY_STOP_ATTEMPTS, code=verdict.code, words=detail_words(verdict)
                ),
            )
