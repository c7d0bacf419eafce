"""The row lifecycle: its table of moves, and random sequences of moves that never send twice."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from bulk_sender import lifecycle
from bulk_sender.lifecycle import NEW, IllegalMove, Move, Status, apply


@pytest.mark.parametrize("status", [NEW, *Status])
@pytest.mark.parametrize("move", list(Move))
def test_a_move_the_table_does_not_hold_is_refused(status, move):
    if (status, move) in lifecycle.TABLE:
        assert apply(status, move) is lifecycle.TABLE[status, move]
    else:
        with pytest.raises(IllegalMove):
            apply(status, move)


def test_only_a_pending_message_is_claimed_and_a_sent_one_never_leaves_sent():
    assert lifecycle.sources(Move.CLAIMED) == {Status.PENDING} == lifecycle.SENDABLE
    assert not [move for (status, move) in lifecycle.TABLE if status is Status.SENT]


def test_failed_and_uncertain_go_back_only_with_the_user_s_say():
    for status, move in lifecycle.RETRIED_BY.items():
        assert lifecycle.rerun_move(status, retry_failed=False, retry_uncertain=False) is None
        assert apply(status, move) is Status.PENDING
    assert lifecycle.rerun_move(Status.UNCERTAIN, retry_failed=True, retry_uncertain=False) is None
    assert lifecycle.rerun_move(Status.FAILED, retry_failed=False, retry_uncertain=True) is None


def test_whatsapp_s_codes_decide_whether_a_later_run_sends_a_failure_again():
    now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    rerun = functools.partial(
        lifecycle.rerun_move, Status.FAILED, retry_failed=True, retry_uncertain=True, now=now
    )

    assert rerun(code="api_400") is Move.RETRY_FAILED
    assert rerun(code="window_closed") is Move.RETRY_FAILED  # a template may get through
    assert rerun(code="meta_experiment") is None  # never, whatever the flags
    assert rerun(code="meta_limited", retry_at=now + timedelta(hours=1)) is None
    assert rerun(code="meta_limited", retry_at=now) is Move.RETRY_DUE
    due = lifecycle.rerun_move(
        Status.FAILED, retry_failed=False, retry_uncertain=False, code="meta_limited",
        retry_at=now - timedelta(seconds=1), now=now,
    )  # fmt: skip
    assert due is Move.RETRY_DUE  # by itself, once its back-off is over


def test_a_limited_customer_waits_longer_each_time():
    waits = [lifecycle.backoff(n) for n in range(1, 7)]

    assert waits[0] == lifecycle.BACKOFF_FIRST
    assert waits == sorted(waits) and waits[-1] == lifecycle.BACKOFF_MOST


def test_every_error_rule_ends_in_a_status_a_report_shows_or_retries():
    for error in lifecycle.ERROR_RULES.values():
        if error.move is None:
            assert error.resend is lifecycle.Resend.SAME_RUN
        else:
            assert apply(Status.IN_FLIGHT, error.move) in lifecycle.REPORTED


def test_every_status_but_in_flight_is_reported_and_every_final_one_is_done_or_unfinished():
    assert set(lifecycle.REPORTED) == set(Status) - {Status.IN_FLIGHT}
    for status in lifecycle.REPORTED:
        if status is not Status.READY:
            assert (status in lifecycle.DONE) != (status in lifecycle.UNFINISHED)
    assert lifecycle.as_reported(Status.IN_FLIGHT, dry_run=False) is Status.UNCERTAIN
    assert lifecycle.as_reported(Status.PENDING, dry_run=True) is Status.READY


class Rows(RuleBasedStateMachine):
    """Random moves on a few rows, the legal ones applied, the illegal ones refused.

    The model keeps, per row, how often it was claimed (a request sent) and whether the user
    allowed a resend since the last claim that may have reached the customer.
    """

    def __init__(self) -> None:
        super().__init__()
        self.status: list[Status | None] = [NEW] * 4
        self.claims = [0] * 4
        self.may_have_reached = [False] * 4
        self.allowed_again = [False] * 4

    @rule(row=st.integers(0, 3), move=st.sampled_from(list(Move)))
    def move(self, row: int, move: Move) -> None:
        before = self.status[row]
        try:
            after = apply(before, move)
        except IllegalMove:
            assert (before, move) not in lifecycle.TABLE
            return
        if move is Move.CLAIMED:
            # Nothing is sent twice: a claim after a request that may have got through
            # needs the user's say (--retry-uncertain) in between.
            assert not self.may_have_reached[row] or self.allowed_again[row]
            self.claims[row] += 1
            self.allowed_again[row] = False
        if move in (Move.ACCEPTED, Move.UNANSWERED, Move.INTERRUPTED, Move.SENT_BEFORE):
            self.may_have_reached[row] = True
        if move is Move.RETRY_UNCERTAIN:
            self.allowed_again[row] = True
        if move is Move.NOT_FOUND:  # `settle` proved Plazbot never got it: it may go once
            self.may_have_reached[row] = False
        self.status[row] = after

    @invariant()
    def each_row_has_one_status_a_report_can_show(self) -> None:
        for status in self.status:
            if status is not NEW:
                assert lifecycle.as_reported(status, dry_run=False) in lifecycle.REPORTED

    @invariant()
    def a_sent_row_stays_sent(self) -> None:
        for row, status in enumerate(self.status):
            if status is Status.SENT:
                assert self.may_have_reached[row]


TestRows = Rows.TestCase
