"""Rate limit, 429 pauses and climb back, pair spacing, backoff, early stops: on a fake clock."""

from __future__ import annotations

import collections
import heapq
import math
import random

import pytest

from bulk_sender.delivery.classify import Kind, Verdict
from bulk_sender.delivery.limits import (
    EARLY_STOP_ATTEMPTS,
    QUALITY_WINDOW,
    PairSpacing,
    RateLimiter,
    RunGuard,
    StopReason,
    backoff_delay,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def most_in_one_second(times: list[float]) -> int:
    times = sorted(times)
    most, start = 0, 0
    for end, t in enumerate(times):
        while times[start] < t - 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def run_workers(limiter, clock, workers, until, on_dispatch=lambda slot: None):
    """Workers that each take a slot, sleep until it, send, and take the next one."""
    sent = []
    wakes = [(clock.now, i, None) for i in range(workers)]  # (wake time, worker, its slot)
    while wakes:
        clock.now, worker, slot = heapq.heappop(wakes)
        if clock.now >= until:
            continue
        if slot is None or limiter.paused():  # no slot yet, or a 429 came while it slept
            slot = limiter.reserve()
            heapq.heappush(wakes, (max(clock.now, slot), worker, slot))
            continue
        sent.append(slot)
        on_dispatch(slot)
        heapq.heappush(wakes, (clock.now, worker, None))
    return sent


@pytest.mark.parametrize("rate", [1, 20, 50, 80, 1000])
def test_no_one_second_window_holds_more_than_rate_plus_one(rate):
    clock = Clock()
    limiter = RateLimiter(rate, clock=clock)

    sent = run_workers(limiter, clock, workers=16, until=clock.now + 10)

    assert most_in_one_second(sent) <= rate + 1
    assert len(sent) >= 10 * rate  # and it does not go slower than asked


def test_no_rate_means_no_waiting():
    clock = Clock()
    limiter = RateLimiter(0, clock=clock)

    assert [limiter.reserve() for _ in range(100)] == [clock.now] * 100


def test_a_429_pauses_everyone_for_its_retry_after():
    clock = Clock()
    limiter = RateLimiter(100, clock=clock)
    slot = limiter.reserve()

    limiter.slow_down(slot, retry_after=3)

    assert limiter.paused()
    assert limiter.reserve() >= clock.now + 3
    clock.now += 3.01
    assert not limiter.paused()


def test_a_429_sets_the_rate_just_under_what_the_api_accepted_then_climbs_back():
    clock = Clock()
    limiter = RateLimiter(200, clock=clock)
    slots = [limiter.reserve() for _ in range(101)]  # 200/s: 100 accepted in half a second
    clock.now = slots[-1]

    limiter.slow_down(slots[-1], retry_after=1)

    resumed = limiter.paused_until
    assert limiter.ceiling == 100
    assert limiter.rate(resumed) == pytest.approx(95)
    assert limiter.rate(resumed + 15) == pytest.approx(96.25)  # slowly at first
    assert limiter.rate(resumed + 30) == pytest.approx(100)
    assert limiter.rate(resumed + 60) == pytest.approx(115)  # faster when no 429 comes
    assert limiter.rate(resumed + 3600) == 200  # never above --rate


def test_429s_for_requests_already_in_flight_do_not_cut_the_rate_again():
    clock = Clock()
    limiter = RateLimiter(200, clock=clock)
    slots = [limiter.reserve() for _ in range(110)]
    clock.now = slots[-1] + 0.01  # the answers come after the requests
    limiter.slow_down(slots[100], retry_after=1)

    for slot in slots[101:]:
        limiter.slow_down(slot, retry_after=1)

    assert limiter.ceiling == 100
    assert limiter.rate(limiter.paused_until) == pytest.approx(95)


def test_a_429_without_a_configured_rate_starts_limiting():
    clock = Clock()
    limiter = RateLimiter(0, clock=clock)
    slots = []
    for _ in range(41):
        slots.append(limiter.reserve())
        clock.now += 0.01

    limiter.slow_down(slots[-1], retry_after=None)

    assert limiter.paused_until == clock.now + 1.0
    assert limiter.rate(limiter.paused_until) == pytest.approx(38)


def test_against_a_sliding_window_api_it_settles_just_under_the_limit():
    """--rate 200 against an API that takes 100 in any second: few 429s, close to 100/s."""
    clock = Clock()
    limiter = RateLimiter(200, clock=clock)
    accepted: collections.deque[float] = collections.deque()
    counts = collections.Counter[str]()

    def api(slot: float) -> None:
        while accepted and accepted[0] <= slot - 1.0:
            accepted.popleft()
        if len(accepted) >= 100:
            counts["429"] += 1
            limiter.slow_down(slot, retry_after=max(1, math.ceil(accepted[0] + 1 - slot)))
        else:
            accepted.append(slot)
            counts["200"] += 1

    start = clock.now
    run_workers(limiter, clock, workers=16, until=start + 120, on_dispatch=api)

    assert counts["200"] >= 0.92 * 100 * 120
    assert counts["429"] <= 8


def test_pair_spacing_keeps_one_phone_six_seconds_apart():
    clock = Clock()
    spacing = PairSpacing(6.0, clock=clock)
    assert spacing.wait("51987654321", "a") == 0
    spacing.sent("51987654321", "a")
    clock.now += 2

    assert spacing.wait("51987654321", "b") == pytest.approx(4)
    assert spacing.wait("51987654321", "a") == 0  # a retry of the same message
    assert spacing.wait("51912345678", "c") == 0  # another phone
    clock.now += 4
    assert spacing.wait("51987654321", "b") == 0


def test_pair_spacing_forgets_phones_it_no_longer_needs():
    clock = Clock()
    spacing = PairSpacing(6.0, clock=clock)
    for n in range(1000):
        spacing.sent(f"519{n:08d}", str(n))
        clock.now += 0.1

    assert len(spacing._last) <= 61


def test_backoff_grows_exponentially_up_to_the_cap():
    bounds = [backoff_delay(n, base=0.5, cap=30, rng=lambda: 1.0) for n in range(1, 9)]

    assert bounds == [0.5, 1, 2, 4, 8, 16, 30, 30]


def test_backoff_has_full_jitter_between_zero_and_the_bound():
    rng = random.Random(7)
    delays = [backoff_delay(4, base=0.5, cap=30, rng=rng.random) for _ in range(1000)]

    assert backoff_delay(4, base=0.5, cap=30, rng=lambda: 0.0) == 0
    assert all(0 <= d <= 4 for d in delays)
    assert min(delays) < 0.1 and max(delays) > 3.9


def verdict(kind: Kind, code: str, detail: str = "", status: int | None = None) -> Verdict:
    return Verdict(kind, code, detail, status)


SENT = verdict(Kind.ACCEPTED, "", status=200)


def test_a_401_aborts_at_once():
    guard = RunGuard()
    guard.observe(SENT)

    guard.observe(verdict(Kind.UNAUTHORIZED, "api_401", "Unauthorized", 401))

    assert guard.reason is StopReason.ABORTED
    assert "api_401" in guard.detail


def test_a_404_aborts_only_before_any_success():
    before, after = RunGuard(), RunGuard()
    after.observe(SENT)
    not_found = verdict(Kind.NOT_FOUND, "api_404", "Workspace not found.", 404)

    before.observe(not_found)
    after.observe(not_found)

    assert before.reason is StopReason.ABORTED
    assert not after.stopped


def test_the_first_20_answers_failing_alike_abort_the_run():
    guard = RunGuard()
    for n in range(EARLY_STOP_ATTEMPTS):
        guard.observe(verdict(Kind.REFUSED, "window_closed", f"131047 for {n}", 400))
        if n == 5:  # retries in between are not answers
            guard.observe(verdict(Kind.RATE_LIMITED, "api_429", status=429))
            guard.observe(verdict(Kind.RETRY, "api_503", status=503))
        assert guard.stopped is (n == EARLY_STOP_ATTEMPTS - 1)

    assert guard.reason is StopReason.ABORTED
    assert "window_closed" in guard.detail


@pytest.mark.parametrize(
    "odd_one",
    [SENT, verdict(Kind.REFUSED, "api_400", "content is required", 400)],
)
def test_one_different_answer_among_the_first_20_lets_the_run_go_on(odd_one):
    guard = RunGuard()
    guard.observe(odd_one)
    for _ in range(3 * EARLY_STOP_ATTEMPTS):
        guard.observe(verdict(Kind.REFUSED, "window_closed", "131047", 400))

    assert not guard.stopped


def test_20_connection_failures_in_a_row_mean_the_network_is_down():
    guard = RunGuard()
    refused = verdict(Kind.RETRY, "connect_error", "refused")
    for _ in range(EARLY_STOP_ATTEMPTS - 1):
        guard.observe(refused)
    guard.observe(SENT)
    for _ in range(EARLY_STOP_ATTEMPTS - 1):
        guard.observe(refused)
    assert not guard.stopped

    guard.observe(verdict(Kind.RETRY, "connect_timeout", "slow"))

    assert guard.reason is StopReason.NETWORK_DOWN


def test_the_first_stop_reason_wins():
    guard = RunGuard()
    guard.stop(StopReason.INTERRUPTED, "interrupted")

    guard.observe(verdict(Kind.UNAUTHORIZED, "api_401", "Unauthorized", 401))

    assert guard.reason is StopReason.INTERRUPTED


def test_the_quality_brake_pauses_past_its_share_of_harmful_refusals_in_the_last_answers():
    limited = verdict(Kind.REFUSED, "meta_limited", "(#131049)", 400)
    guard = RunGuard(max_refusal_rate=0.2)
    for n in range(QUALITY_WINDOW):  # one in five: at the threshold, not past it
        guard.observe(limited if n % 5 == 0 else SENT)
    assert not guard.stopped

    guard.observe(limited)  # the window moves on: the oldest answer, a refusal, leaves it
    assert not guard.stopped
    guard.observe(limited)

    assert guard.reason is StopReason.QUALITY
    assert "meta_limited 11" in guard.detail and "of the last 50" in guard.detail


def test_answers_that_do_not_hurt_the_number_never_pull_the_brake():
    guard = RunGuard(max_refusal_rate=0.1)
    for _ in range(3 * QUALITY_WINDOW):
        guard.observe(verdict(Kind.UNANSWERED, "api_500", "", 500))
        guard.observe(verdict(Kind.RATE_LIMITED, "api_429", "", 429))
        guard.observe(SENT)

    assert not guard.stopped
