"""Journal: every message's fate in SQLite, so a rerun carries on where a run stopped.

One file per campaign, in WAL mode with `synchronous=NORMAL`: a commit survives the process
being killed. `messages` holds one row per identity (phone plus message) with its latest
outcome; `rows` holds the latest run's input rows in order, so a report can be rebuilt from
the journal alone (`bulk-sender report JOURNAL`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from .errors import JournalError
from .records import Outcome, RowResult, Status

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, ended_at TEXT, exit_code INTEGER
);
CREATE TABLE IF NOT EXISTS messages (
    key TEXT PRIMARY KEY,
    phone TEXT NOT NULL,
    message TEXT NOT NULL,
    request TEXT NOT NULL,
    row INTEGER NOT NULL,
    run INTEGER NOT NULL,
    status TEXT NOT NULL,
    code TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    http_status INTEGER,
    message_id TEXT,
    whatsapp_id TEXT,
    sent_at TEXT
);
CREATE INDEX IF NOT EXISTS messages_phone ON messages (phone, status);
CREATE TABLE IF NOT EXISTS rows (
    seq INTEGER PRIMARY KEY,
    row INTEGER NOT NULL,
    cells TEXT NOT NULL,
    key TEXT,
    phone TEXT NOT NULL DEFAULT '',
    status TEXT,
    code TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS rows_key ON rows (key);
"""
IN_FLIGHT = "in_flight"


@dataclass(frozen=True, slots=True)
class Known:
    """What the journal already knows of an identity."""

    status: str
    row: int
    run: int
    sent_at: str | None


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
        """Open or create a journal; `durable=False` for a dry run's throwaway copy."""
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None)
            if durable:  # WAL with synchronous=NORMAL: a commit survives the process dying
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
            else:
                self._db.execute("PRAGMA journal_mode=OFF")
                self._db.execute("PRAGMA synchronous=OFF")
            self._db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise JournalError(f"{self.path}: not a usable journal ({exc})") from exc
        self.run_id = 0
        self._history = True
        self._rows: list[tuple[Any, ...]] = []
        self._messages: list[tuple[Any, ...]] = []
        self._planned: dict[str, int] = {}

    def backup_to(self, path: Path) -> None:
        """Copy the whole journal to `path` (a dry run works on such a copy)."""
        with sqlite3.connect(path) as copy:
            self._db.backup(copy)
        copy.close()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- identity of the campaign -------------------------------------------------------

    def meta(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, value FROM meta").fetchall())

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
                    f"{self.path}: this journal was started with another {name} "
                    f"({_describe(name, known)}); it cannot decide what this run sends",
                    hint=f"to send this as a new campaign, add --campaign {campaign_hint}",
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

    def start_run(self) -> int:
        """Open a run; messages left in flight by a killed run become `uncertain`."""
        with self._db:
            self._db.execute(
                "UPDATE messages SET status = ?, code = 'interrupted', "
                "detail = 'the run stopped while this request was in flight' WHERE status = ?",
                (Status.UNCERTAIN.value, IN_FLIGHT),
            )
            cursor = self._db.execute(
                "INSERT INTO runs (started_at) VALUES (?)", (_now().isoformat(),)
            )
        self.run_id = int(cursor.lastrowid or 0)
        self._history = self._db.execute("SELECT 1 FROM messages LIMIT 1").fetchone() is not None
        return self.run_id

    def end_run(self, exit_code: int) -> None:
        with self._db:
            self._db.execute(
                "UPDATE runs SET ended_at = ?, exit_code = ? WHERE id = ?",
                (_now().isoformat(), exit_code, self.run_id),
            )

    # -- planning: one call per input row ------------------------------------------------

    def clear_rows(self) -> None:
        with self._db:
            self._db.execute("DELETE FROM rows")

    def known(self, key: str) -> Known | None:
        """An identity recorded by an earlier run (this run's are found by `first_row_with`)."""
        if not self._history:
            return None  # a new journal: skip a query per row
        found = self._db.execute(
            "SELECT status, row, run, sent_at FROM messages WHERE key = ?", (key,)
        ).fetchone()
        return Known(*found) if found else None

    def first_row_with(self, key: str) -> int | None:
        """The row of this run's plan that already holds this identity."""
        if key in self._planned:
            return self._planned[key]
        found = self._db.execute(
            "SELECT row FROM rows WHERE key = ? ORDER BY seq LIMIT 1", (key,)
        ).fetchone()
        return int(found[0]) if found else None

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

    def add_message(
        self, key: str, *, phone: str, message: str, request: str, row: int, outcome: Outcome
    ) -> None:
        """Record an identity new to the journal, `pending` or settled (a fed-back `sent`)."""
        self._messages.append(
            (key, phone, message, request, row, self.run_id, outcome.status.value, outcome.code,
             outcome.detail, outcome.attempts, outcome.http_status, outcome.message_id,
             outcome.whatsapp_id, _iso(outcome.sent_at))
        )  # fmt: skip

    def set_pending(self, key: str) -> None:
        """Queue a known identity again (`--retry-failed`, `--retry-uncertain`)."""
        self._db.execute(
            "UPDATE messages SET status = ?, code = '', detail = '', run = ? WHERE key = ?",
            (Status.PENDING.value, self.run_id, key),
        )

    def commit(self) -> None:
        """Write the buffered plan (one statement per table, far cheaper than one per row)."""
        self._db.executemany(
            "INSERT INTO messages (key, phone, message, request, row, run, status, code, detail, "
            "attempts, http_status, message_id, whatsapp_id, sent_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self._messages,
        )
        self._db.executemany(
            "INSERT INTO rows (row, cells, key, phone, status, code, detail) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            self._rows,
        )
        self._messages, self._rows, self._planned = [], [], {}
        if self._db.in_transaction:
            self._db.execute("COMMIT")

    def begin(self) -> None:
        if not self._db.in_transaction:
            self._db.execute("BEGIN")

    # -- sending --------------------------------------------------------------------------

    def pending(self, limit: int | None = None, *, batch: int = 500) -> Iterator[Pending]:
        """This run's messages still to send, in input order, read in batches."""
        last_seq, left = 0, limit
        while left is None or left > 0:
            size = batch if left is None else min(batch, left)
            found = self._db.execute(
                "SELECT r.seq, m.key, m.phone, m.message, m.request, r.row FROM rows r "
                "JOIN messages m ON m.key = r.key WHERE r.seq > ? AND r.status IS NULL "
                "AND m.status = ? ORDER BY r.seq LIMIT ?",
                (last_seq, Status.PENDING.value, size),
            ).fetchall()
            if not found:
                return
            for _seq, *fields in found:
                yield Pending(*fields)
            last_seq = found[-1][0]
            if left is not None:
                left -= len(found)

    def count_pending(self) -> tuple[int, int]:
        """How many messages are to be sent, and to how many phones."""
        found = self._db.execute(
            "SELECT COUNT(DISTINCT m.key), COUNT(DISTINCT m.phone) FROM rows r "
            "JOIN messages m ON m.key = r.key WHERE r.status IS NULL AND m.status = ?",
            (Status.PENDING.value,),
        ).fetchone()
        return int(found[0]), int(found[1])

    def mark_in_flight(self, key: str, attempts: int) -> None:
        """Committed before the request leaves: a kill now makes the row `uncertain`."""
        self._db.execute(
            "UPDATE messages SET status = ?, attempts = ?, run = ? WHERE key = ?",
            (IN_FLIGHT, attempts, self.run_id, key),
        )

    def record(self, key: str, outcome: Outcome) -> None:
        """The outcome of a message, committed at once."""
        self._db.execute(
            "UPDATE messages SET status = ?, code = ?, detail = ?, attempts = ?, http_status = ?, "
            "message_id = ?, whatsapp_id = ?, sent_at = ? WHERE key = ?",
            (outcome.status.value, outcome.code, outcome.detail, outcome.attempts,
             outcome.http_status, outcome.message_id, outcome.whatsapp_id,
             _iso(outcome.sent_at), key),
        )  # fmt: skip

    # -- reporting ------------------------------------------------------------------------

    def results(self, *, dry_run: bool = False) -> Iterator[RowResult]:
        """This run's rows in input order with their outcomes, for the report."""
        cursor = self._db.execute(
            "SELECT r.row, r.cells, r.phone, r.status, r.code, r.detail, m.message, m.status, "
            "m.code, m.detail, m.attempts, m.http_status, m.message_id, m.whatsapp_id, m.sent_at "
            "FROM rows r LEFT JOIN messages m ON m.key = r.key ORDER BY r.seq"
        )
        for found in cursor:
            yield _row_result(found, dry_run=dry_run)


def _row_result(found: Sequence[Any], *, dry_run: bool) -> RowResult:
    (row, cells, phone, own_status, own_code, own_detail, message, status, code, detail,
     attempts, http_status, message_id, whatsapp_id, sent_at) = found  # fmt: skip
    if own_status and own_status != Status.SENT.value:
        outcome = Outcome(Status(own_status), own_code, own_detail)
    elif status is None:
        outcome = Outcome(Status.INVALID, own_code, own_detail)
    else:
        if status == IN_FLIGHT:
            status, code, detail = Status.UNCERTAIN.value, "in_flight", "the run is still going"
        if status == Status.PENDING.value and dry_run:
            status, code, detail = Status.READY.value, "", ""
        if own_detail and not own_status:  # the row's note: which column gave its phone
            detail = f"{detail}; {own_detail}" if detail else own_detail
        outcome = Outcome(
            Status(status), code, detail, attempts or 0, http_status, message_id, whatsapp_id,
            datetime.fromisoformat(sent_at) if sent_at else None,
        )  # fmt: skip
    return RowResult(row, decode_cells(cells), outcome, phone, message or "")


def _describe(name: str, meta: dict[str, str]) -> str:
    return meta.get(f"{name}_label", meta[name])


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when else None


# Cells keep their type through the journal, so a rebuilt report shows dates as dates.
def encode_cells(cells: Sequence[Any]) -> str:
    if all(type(c) in _PLAIN for c in cells):  # CSV rows: text only, nothing to tag
        return json.dumps(cells, ensure_ascii=False)
    return json.dumps([_encode(c) for c in cells], ensure_ascii=False)


_PLAIN = frozenset((str, int, float, bool, type(None)))


def decode_cells(text: str) -> tuple[Any, ...]:
    cells = json.loads(text)
    if '{"' not in text:  # no tagged cell: inside a JSON string that would read {\"
        return tuple(cells)
    return tuple(_decode(c) for c in cells)


def _encode(cell: Any) -> Any:
    if isinstance(cell, datetime):
        return {"datetime": cell.isoformat()}
    if isinstance(cell, date):
        return {"date": cell.isoformat()}
    if isinstance(cell, time):
        return {"time": cell.isoformat()}
    if isinstance(cell, Decimal):
        return {"decimal": str(cell)}
    if cell is None or isinstance(cell, str | int | float | bool):
        return cell
    return str(cell)


def _decode(cell: Any) -> Any:
    if isinstance(cell, dict):
        ((kind, text),) = cell.items()
        return {
            "datetime": datetime.fromisoformat,
            "date": date.fromisoformat,
            "time": time.fromisoformat,
            "decimal": Decimal,
        }[kind](text)
    return cell
