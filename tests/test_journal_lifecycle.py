"""Random runs over the real journal: crashes, claims, answers and reruns, checked against the
lifecycle's model after every step (hypothesis's state machines).

What must hold whatever happens: nothing is claimed again after its request may have
reached the customer, unless the user said `--retry-uncertain` or `settle` proved it
absent; the journal's status of each message is the one the lifecycle table gives; the
report shows one status per row.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from bulk_sender import lifecycle
from bulk_sender.engine.plan import ResumeRules, plan_row
from bulk_sender.journal.file import read_only
from bulk_sender.journal.followup import FollowUp
from bulk_sender.journal.store import Journal
from bulk_sender.lifecycle import Move, Status, apply
from bulk_sender.messages.compose import identity
from bulk_sender.records import Contact, Message, Outcome

PHONES = ("51912000001", "51912000002", "51912000003", "51912000004")
MESSAGES = tuple(
    Message(row, phone, f"Hola {row}", identity(phone, f"Hola {row}"))
    for row, phone in enumerate(PHONES, start=2)
)
ANSWERS = (Move.ACCEPTED, Move.REFUSED, Move.UNANSWERED, Move.NEVER_LEFT)


class JournalRuns(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="bulk-sender-test-"))
        self.path = self.folder / "c.journal.sqlite3"
        self.journal: Journal | None = None
        self.model: dict[str, Status] = {}
        self.reached: set[str] = set()
        """Keys whose message may have been delivered: accepted, or unanswered."""
        self.allowed: set[str] = set()
        """Keys the user allowed to send again (`--retry-uncertain`) since then."""
        self.rerun(retry_failed=False, retry_uncertain=False)

    def teardown(self) -> None:
        if self.journal is not None:
            self.journal.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    @rule(retry_failed=st.booleans(), retry_uncertain=st.booleans())
    def rerun(self, retry_failed: bool, retry_uncertain: bool) -> None:
        """The same command again, after a crash: whatever was in flight stays unanswered."""
        if self.journal is not None:
            self.journal.close()
        for key, status in self.model.items():
            if status is Status.IN_FLIGHT:
                self.model[key] = apply(status, Move.INTERRUPTED)
        self.journal = Journal(self.path)
        self.journal.start_run()
        self.journal.start_plan()
        rules = ResumeRules(retry_failed, retry_uncertain)
        for message in MESSAGES:
            plan_row(Contact(message.row, (message.phone,)), message, self.journal, rules)
            self._plan(message.key, rules)
        self.journal.finish_plan()

    def _plan(self, key: str, rules: ResumeRules) -> None:
        status = self.model.get(key)
        if status is None:
            self.model[key] = lifecycle.first(Move.PLANNED)
        elif move := lifecycle.rerun_move(
            status, retry_failed=rules.retry_failed, retry_uncertain=rules.retry_uncertain
        ):
            self.model[key] = apply(status, move)
            if move is Move.RETRY_UNCERTAIN:
                self.allowed.add(key)

    @rule(index=st.integers(0, len(MESSAGES) - 1))
    def claim(self, index: int) -> None:
        assert self.journal is not None
        key = MESSAGES[index].key
        claimed = self.journal.mark_in_flight(key, 1)
        assert claimed == (self.model[key] in lifecycle.SENDABLE)
        if claimed:
            # Nothing is sent twice: a request that may have got through is sent again
            # only with the user's say.
            assert key not in self.reached or key in self.allowed
            self.allowed.discard(key)
            self.reached.add(key)  # its request is on its way from now
            self.model[key] = apply(self.model[key], Move.CLAIMED)

    @precondition(lambda self: any(s is Status.IN_FLIGHT for s in self.model.values()))
    @rule(data=st.data(), answer=st.sampled_from(ANSWERS))
    def answer(self, data: st.DataObject, answer: Move) -> None:
        assert self.journal is not None
        flying = [k for k, s in self.model.items() if s is Status.IN_FLIGHT]
        key = data.draw(st.sampled_from(flying))
        status = apply(Status.IN_FLIGHT, answer)
        self.journal.record(key, Outcome(status, "" if status is Status.SENT else answer.value))
        self.journal.commit()
        if answer in (Move.NEVER_LEFT, Move.REFUSED):
            self.reached.discard(key)  # it never left, or the API refused it: not delivered
        self.model[key] = status

    @precondition(lambda self: any(s is Status.UNCERTAIN for s in self.model.values()))
    @rule(data=st.data(), found=st.booleans())
    def settle(self, data: st.DataObject, found: bool) -> None:
        """`bulk-sender settle`: Plazbot's records hold the message, or prove it never came."""
        assert self.journal is not None
        uncertain = [k for k, s in self.model.items() if s is Status.UNCERTAIN]
        key = data.draw(st.sampled_from(uncertain))
        follow_up = FollowUp(self.journal)
        if found:
            assert follow_up.confirm(key, Outcome(Status.SENT, "confirmed_by_lookup"))
            self.model[key] = apply(Status.UNCERTAIN, Move.CONFIRMED)
        else:
            assert follow_up.not_found(key, "not in Plazbot's records")
            self.model[key] = apply(Status.UNCERTAIN, Move.NOT_FOUND)
            self.reached.discard(key)  # proved never delivered: the next run sends it once
        assert not follow_up.confirm(key, Outcome(Status.SENT))  # only from uncertain

    @invariant()
    def the_journal_holds_the_model_s_statuses(self) -> None:
        db = read_only(self.path)
        try:
            found = dict(db.execute("SELECT key, status FROM messages").fetchall())
        finally:
            db.close()
        assert found == {key: status.value for key, status in self.model.items()}

    @invariant()
    def the_report_shows_one_status_per_row(self) -> None:
        assert self.journal is not None
        rows = list(self.journal.results())
        assert [r.row for r in rows] == [m.row for m in MESSAGES]
        assert all(r.outcome.status in lifecycle.REPORTED for r in rows)


JournalRuns.TestCase.settings = hypothesis_settings(max_examples=40, stateful_step_count=25,
                                                     deadline=None)  # fmt: skip
TestJournalRuns = JournalRuns.TestCase
