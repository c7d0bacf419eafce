"""Journal: every message's fate in SQLite, so a rerun carries on where a run stopped.

One file per campaign, in WAL mode with `synchronous=NORMAL`: a commit survives the process
being killed. `messages` holds one row per identity (phone plus message) with its latest
outcome; `rows` holds the latest complete plan's input rows in order, so a report can be
rebuilt from the journal alone (`bulk-sender report JOURNAL`). A new plan is written to
`rows_next` and swapped in whole, so a run killed while planning leaves the last one intact.

One process at a time writes a campaign's journal (`lock.py`); others read it without the
lock (`reading.py`). Every SQLite error leaves as a `JournalError` naming the file
(`file.py`). The file's `PRAGMA user_version` says which shape its tables have: a run
upgrades an older journal when it opens it, and a newer one is refused (`schema.py`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import lifecycle
from ..contacts.cells import encode_cells
from ..errors import JournalError
from ..language import N_, _, shown_datetime
from ..lifecycle import Move, Status
from ..records import Outcome, RowResult
from .file import connect, forget_holder, guarded, make_folder, take_campaign
from .results import RESULTS, row_result
from .schema import STAGING

# The moves the journal makes, as the lifecycle table has them: each SQL statement below
# changes a status only from where the table allows it.
_CLAIM = (lifecycle.target(Move.CLAIMED), *lifecycle.sources(Move.CLAIMED))
_INTERRUPTED = lifecycle.target(Move.INTERRUPTED)
_RETRIED = (lifecycle.target(Move.RETRY_FAILED), *sorted(lifecycle.RETRIED_BY))


@dataclass(frozen=True, slots=True)
class Known:
    """What the journal already knows of an identity."""

    status: str
    row: int
    run: int
    sent_at: str | None
    code: str = ""
    retry_at: str | None = None
    """When a message Meta limited may go again (docs/spec.md section 9)."""


@dataclass(frozen=True, slots=True)
class Pending:
    """A message to send, as the journal keeps it."""

    key: str
    phone: str
    message: str
    request: str
    row: int


class Journal:
    """The campaign's SQLite journal; one connection, used from one thread."""

    def __init__(self, path: str | Path, *, durable: bool = True) -> None:
        """Open or create a journal; `durable=False` for a dry run's throwaway copy.

        A durable journal is the campaign's own: opening it takes the campaign's lock, or
        raises `JournalError` naming the process that holds it.
        """
        self.path = Path(path)
        make_folder(self.path)
        self._lock = take_campaign(self.path) if durable else None
        try:
            self._db = connect(self.path, durable=durable)
        except BaseException:
            self._release()
            raise
        self.run_id = 0
        self._history = True
        self._rows: list[tuple[Any, ...]] = []
        self._messages: list[tuple[Any, ...]] = []
        self._planned: dict[str, int] = {}
        self._seen: set[int] = set()
        """The hashes of this plan's keys: most rows' key is new, found without a query."""
        self._requeued: list[str] = []
        self._rows_table = "rows"
        self.sending_elsewhere = False
        """A snapshot of a campaign another process is sending: its in-flight rows are."""

    def close(self) -> None:
        if self._lock is not None:  # the next run names no process that has gone
            forget_holder(self._db)
        self._db.close()
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- identity of the campaign -------------------------------------------------------

    @property
    def connection(self) -> sqlite3.Connection:
        """The journal's one connection, for the journal's own modules (`followup.py`)."""
        return self._db

    @guarded
    def meta(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, value FROM meta").fetchall())

    @guarded
    def check_or_set(self, fields: dict[str, str], *, campaign_hint: str) -> None:
        """Bind the journal to a template and target, or refuse one made for others.

        A journal whose messages never reached the API (a run stopped while planning, say)
        binds again freely: nothing it holds can be sent twice.
        """
        known = self.meta()
        for name in ("template", "target"):
            changed = name in known and name in fields and known[name] != fields[name]
            if changed and self._reached_api():
                raise JournalError(
                    _(_CHANGED[name]).format(file=self.path, was=_describe(name, known)),
                    hint=_("to send this as a new campaign, add --campaign {name}").format(
                        name=campaign_hint
                    ),
                )
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", fields.items()
            )

    def _reached_api(self) -> bool:
        found = self._db.execute(
            "SELECT 1 FROM messages WHERE status != ? LIMIT 1", (Status.PENDING.value,)
        ).fetchone()
        return found is not None

    @guarded
    def start_run(self) -> int:
        """Open a run; messages left in flight by a killed run become `uncertain`."""
        with self._db:
            if not self.sending_elsewhere:  # else those are another process's, still going
                self._db.execute(
                    "UPDATE messages SET status = ?, code = 'interrupted', detail = ? "
                    "WHERE status = ?",
                    (
                        _INTERRUPTED,
                        _("the run stopped while this request was in flight"),
                        *lifecycle.sources(Move.INTERRUPTED),
                    ),
                )
            cursor = self._db.execute(
                "INSERT INTO runs (started_at) VALUES (?)", (_now().isoformat(),)
            )
        self.run_id = int(cursor.lastrowid or 0)
        self._history = self._db.execute("SELECT 1 FROM messages LIMIT 1").fetchone() is not None
        return self.run_id

    @guarded
    def end_run(self, exit_code: int, stopped: str = "") -> None:
        """Close the run with its exit code and why it stopped early, if it did."""
        with self._db:
            self._db.execute(
                "UPDATE runs SET ended_at = ?, exit_code = ? WHERE id = ?",
                (_now().isoformat(), exit_code, self.run_id),
            )
            self._db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('stopped', ?)", (stopped,)
            )

    # -- planning: one call per input row ------------------------------------------------

    @guarded
    def start_plan(self) -> None:
        """Plan into `rows_next`; the last complete plan stays in `rows` until `finish_plan`."""
        self._db.executescript(STAGING)
        self._rows_table = "rows_next"
        self._seen = set()

    @guarded
    def finish_plan(self) -> None:
        """Swap the complete plan in, in one transaction, with the messages it queues again."""
        self.commit()
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM rows")
            self._db.execute("INSERT INTO rows SELECT * FROM rows_next")
            self._db.execute("DROP TABLE rows_next")
            self._db.executemany(
                REQUEUE, ((_RETRIED[0], self.run_id, key, *_RETRIED[1:]) for key in self._requeued)
            )
        self._rows_table, self._requeued = "rows", []

    @guarded
    def known(self, key: str) -> Known | None:
        """An identity recorded by an earlier run (this run's are found by `first_row_with`)."""
        if not self._history:
            return None  # a new journal: skip a query per row
        found = self._db.execute(
            "SELECT status, row, run, sent_at, code, retry_at FROM messages WHERE key = ?",
            (key,),
        ).fetchone()
        return Known(*found) if found else None

    @guarded
    def has_due_retries(self, now: datetime) -> bool:
        """Whether a message Meta limited (131049) may go again now: the plan must be whole
        before it is queued again, as for `--retry-failed` (`set_pending`)."""
        found = self._db.execute(
            "SELECT 1 FROM messages WHERE status = ? AND retry_at IS NOT NULL AND retry_at <= ? "
            "LIMIT 1",
            (Status.FAILED.value, now.astimezone(UTC).isoformat()),
        ).fetchone()
        return found is not None

    @guarded
    def first_row_with(self, key: str) -> int | None:
        """The row of this run's plan that already holds this identity."""
        if key in self._planned:
            return self._planned[key]
        if hash(key) not in self._seen:
            return None
        found = self._db.execute(
            f"SELECT row FROM {self._rows_table} WHERE key = ? ORDER BY seq LIMIT 1", (key,)
        ).fetchone()
        return int(found[0]) if found else None

    @guarded
    def earlier_delivery(self, phone: str) -> Known | None:
        """A message sent to this phone by an earlier run (the resend rule)."""
        if not self._history:
            return None
        found = self._db.execute(
            "SELECT status, row, run, sent_at FROM messages "
            "WHERE phone = ? AND status = ? AND run < ? ORDER BY sent_at LIMIT 1",
            (phone, Status.SENT.value, self.run_id),
        ).fetchone()
        return Known(*found) if found else None

    def add_row(
        self,
        row: int,
        cells: Sequence[Any],
        *,
        key: str | None = None,
        phone: str = "",
        outcome: Outcome | None = None,
        note: str = "",
    ) -> None:
        """Add one input row to this run's plan; `outcome` when it is settled without sending.

        `note` goes after the message's own detail in the report (`from Phone 2 - Value`).
        Planned rows and messages are buffered and written together at `commit()`.
        """
        status = outcome.status.value if outcome else None
        self._rows.append(
            (row, encode_cells(cells), key, phone, status,
             outcome.code if outcome else "", outcome.detail if outcome else note)
        )  # fmt: skip
        if key is not None:
            self._planned.setdefault(key, row)
            self._seen.add(hash(key))

    def add_message(
        self, key: str, *, phone: str, message: str, request: str, row: int, outcome: Outcome
    ) -> None:
        """Record an identity new to the journal, `pending` or settled (a fed-back `sent`)."""
        self._messages.append(
            (key, phone, message, request, row, self.run_id, outcome.status.value, outcome.code,
             outcome.detail, outcome.attempts, outcome.http_status, outcome.message_id,
             outcome.whatsapp_id, _iso(outcome.sent_at))
        )  # fmt: skip

    @guarded
    def set_pending(self, key: str) -> None:
        """Queue a known identity again (`--retry-failed`, `--retry-uncertain`).

        While planning, this waits for `finish_plan`: the last plan's report stays as it was.
        """
        if self._rows_table != "rows":
            self._requeued.append(key)
            return
        self._db.execute(REQUEUE, (_RETRIED[0], self.run_id, key, *_RETRIED[1:]))

    @guarded
    def commit(self, *, plan: bool = True) -> None:
        """Commit; with `plan`, the buffered plan first (one statement per table, far cheaper
        than one per row). The sender's writes leave it buffered (`writer.py`): the plan's
        rows, written in chunks, are cheaper than in as many commits as the sender makes."""
        if not plan or not (self._messages or self._rows):
            if self._db.in_transaction:
                self._db.execute("COMMIT")
            return
        self.begin()
        self._db.executemany(
            "INSERT INTO messages (key, phone, message, request, row, run, status, code, detail, "
            "attempts, http_status, message_id, whatsapp_id, sent_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self._messages,
        )
        self._db.executemany(
            f"INSERT INTO {self._rows_table} (row, cells, key, phone, status, code, detail) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            self._rows,
        )
        self._messages, self._rows, self._planned = [], [], {}
        if self._db.in_transaction:
            self._db.execute("COMMIT")

    @guarded
    def begin(self) -> None:
        if not self._db.in_transaction:
            self._db.execute("BEGIN")

    # -- sending --------------------------------------------------------------------------

    def pending(self, limit: int | None = None, *, batch: int = 500) -> Iterator[Pending]:
        """This run's messages still to send, in input order, read in batches."""
        last_seq, left = 0, limit
        while left is None or left > 0:
            size = batch if left is None else min(batch, left)
            found = self._fetch(
                "SELECT r.seq, m.key, m.phone, m.message, m.request, r.row FROM rows r "
                "JOIN messages m ON m.key = r.key WHERE r.seq > ? AND r.status IS NULL "
                "AND m.status = ? ORDER BY r.seq LIMIT ?",
                (last_seq, Status.PENDING.value, size),
            )
            if not found:
                return
            for _seq, *fields in found:
                yield Pending(*fields)
            last_seq = found[-1][0]
            if left is not None:
                left -= len(found)

    @guarded
    def count_pending(self) -> tuple[int, int]:
        """How many messages are to be sent, and to how many phones."""
        found = self._db.execute(
            "SELECT COUNT(DISTINCT m.key), COUNT(DISTINCT m.phone) FROM rows r "
            "JOIN messages m ON m.key = r.key WHERE r.status IS NULL AND m.status = ?",
            (Status.PENDING.value,),
        ).fetchone()
        return int(found[0]), int(found[1])

    @guarded
    def mark_in_flight(self, key: str, attempts: int) -> bool:
        """Claim a message before its request leaves; False if it is no longer `pending`.

        Committed at once: a kill now makes the row `uncertain`. The claim is conditional,
        so two writers (even without the campaign lock) can never both send one message.
        """
        return self.mark_many([(key, attempts)]) == [True]

    @guarded
    def mark_many(self, marks: Sequence[tuple[str, int]]) -> list[bool]:
        """`mark_in_flight` for a group of (key, attempts): which of them this run claimed."""
        execute, now = self._db.execute, _now().isoformat()
        return [
            execute(MARK, (_CLAIM[0], attempts, self.run_id, now, key, *_CLAIM[1:])).rowcount == 1
            for key, attempts in marks
        ]

    @guarded
    def record(self, key: str, outcome: Outcome) -> None:
        """The outcome of a message, committed at once."""
        self.record_many([(key, outcome)])

    @guarded
    def record_many(self, outcomes: Sequence[tuple[str, Outcome]]) -> None:
        """The outcomes of a group of messages, in one statement.

        A refusal WhatsApp asks to retry later (131049) gets its time here: the journal
        knows how often this customer was limited before, and each time waits longer.
        """
        self._db.executemany(
            RECORD,
            ((outcome.status.value, outcome.code, outcome.detail, outcome.attempts,
              outcome.http_status, outcome.message_id, outcome.whatsapp_id,
              _iso(outcome.sent_at), key) for key, outcome in outcomes),
        )  # fmt: skip
        for key, outcome in outcomes:
            rule = lifecycle.RULES_BY_REASON.get(outcome.code)
            if rule is not None and rule.resend is lifecycle.Resend.AFTER_BACKOFF:
                self._back_off(key, outcome)

    def _back_off(self, key: str, outcome: Outcome) -> None:
        (limited,) = self._db.execute(
            "SELECT limited FROM messages WHERE key = ?", (key,)
        ).fetchone()
        retry_at = _now() + lifecycle.backoff(limited + 1)
        later = _("{detail}; a later run tries again after {when}").format(
            detail=outcome.detail, when=shown_datetime(retry_at)
        )
        self._db.execute(
            "UPDATE messages SET limited = limited + 1, retry_at = ?, detail = ? WHERE key = ?",
            (retry_at.isoformat(), later, key),
        )

    # -- reporting ------------------------------------------------------------------------

    def results(self, *, dry_run: bool = False) -> Iterator[RowResult]:
        """This run's rows in input order with their outcomes, for the report."""
        last_seq = 0
        while found := self._fetch(RESULTS.format(table="rows"), (last_seq,)):  # in pages
            for _seq, *fields in found:
                yield row_result(fields, dry_run=dry_run)
            last_seq = found[-1][0]

    @guarded
    def _fetch(self, query: str, parameters: Sequence[Any]) -> list[Any]:
        return self._db.execute(query, parameters).fetchall()


MARK = (
    "UPDATE messages SET status = ?, attempts = ?, run = ?, tried_at = ? "
    "WHERE key = ? AND status = ?"
)
"""A claim: only while the message is still where `Move.CLAIMED` leaves from."""
REQUEUE = (
    "UPDATE messages SET status = ?, code = '', detail = '', run = ? "
    "WHERE key = ? AND status IN (?, ?)"
)
"""`--retry-failed`, `--retry-uncertain`: only a failed or uncertain message goes back."""
RECORD = (
    "UPDATE messages SET status = ?, code = ?, detail = ?, attempts = ?, http_status = ?, "
    "message_id = ?, whatsapp_id = ?, sent_at = ? WHERE key = ?"
)


_CHANGED = {
    "template": N_(
        "{file}: this journal was started with another template ({was}); it cannot decide "
        "what this run sends"
    ),
    "target": N_(
        "{file}: this journal was started with another target ({was}); it cannot decide "
        "what this run sends"
    ),
}


def _describe(name: str, meta: dict[str, str]) -> str:
    return meta.get(f"{name}_label", meta[name])


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when else None
