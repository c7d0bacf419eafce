"""Budget: how many different customers the business may start conversations with in any
rolling 24 hours (docs/spec.md section 10).

WhatsApp's tiers: 250 for a new business, then 2,000, 10,000, 100,000, then unlimited, shared
by every number and every campaign of the business. The user states the tier once per
workspace (`bulk-sender budget set 2000`, kept in the user's data folder, never in the
project's) or for one run (`--daily-limit N`). A ledger beside it, shared by every campaign
on this computer, keeps each customer a run let go and when; a customer already started in
the last 24 hours costs nothing more. A message over the budget is held `pending`,
`daily_limit`, with when room opens; with `--wait` the run waits for it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import platformdirs

from ..errors import ConfigError, system_problem
from ..language import _, ngettext, shown_datetime
from ..lifecycle import Move, Status, apply
from ..records import Message, Outcome

DATA_ENV = "BULK_SENDER_DATA"
"""Names another data folder (tests, or another user's folder on the same computer)."""
WINDOW = timedelta(hours=24)
TIERS = (250, 2_000, 10_000, 100_000)
BUDGETS_FILE = "budgets.json"
LEDGER_FILE = "ledger.sqlite3"


def data_folder(env: Mapping[str, str]) -> Path:
    """The user's data folder for bulk-sender (`BULK_SENDER_DATA` names another)."""
    if env.get(DATA_ENV):
        return Path(env[DATA_ENV])
    return Path(platformdirs.user_data_dir("bulk-sender", appauthor=False))


def workspace_key(workspace_id: str) -> str:
    """The workspace as the data folder knows it: a hash, never the id itself."""
    return hashlib.sha256(workspace_id.encode()).hexdigest()[:16]


def read_tier(folder: Path, workspace: str) -> int | None:
    """The daily limit set for a workspace; None when unlimited or never set."""
    found = _budgets(folder).get(workspace) or {}
    limit = found.get("limit")
    return limit if isinstance(limit, int) else None


def is_set(folder: Path, workspace: str) -> bool:
    return workspace in _budgets(folder)


def set_tier(folder: Path, workspace: str, limit: int | None, now: datetime) -> None:
    """Keep a workspace's daily limit (None: unlimited), written atomically."""
    budgets = _budgets(folder)
    budgets[workspace] = {"limit": limit, "set_at": now.isoformat(timespec="seconds")}
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=folder, delete=False, suffix=".tmp") as f:
        json.dump(budgets, f, indent=2)
    os.replace(f.name, folder / BUDGETS_FILE)


def _budgets(folder: Path) -> dict[str, dict[str, object]]:
    try:
        found = json.loads((folder / BUDGETS_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        path = folder / BUDGETS_FILE
        problem = system_problem(exc) if isinstance(exc, OSError) else _("it is not valid JSON")
        raise ConfigError(
            _("{file}: cannot read the daily budgets ({problem})").format(
                file=path, problem=problem
            )
        ) from exc
    return found if isinstance(found, dict) else {}


class Ledger:
    """The customers started by every campaign on this computer, per workspace, with when."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LEDGER_FILE
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=5)
            self._db.execute("PRAGMA journal_mode=WAL")
            # A commit per customer let go, on the event loop: no fsync each (WAL keeps it
            # safe from a killed process; a power cut may lose the last few, as it would
            # lose them from the journal).
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS started (workspace TEXT NOT NULL, phone TEXT NOT "
                "NULL, at TEXT NOT NULL, campaign TEXT NOT NULL DEFAULT '')"
            )
            self._db.execute("CREATE INDEX IF NOT EXISTS started_at ON started (workspace, at)")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS recent (workspace TEXT NOT NULL, phone TEXT NOT NULL, "
                "at REAL NOT NULL, key TEXT NOT NULL, PRIMARY KEY (workspace, phone))"
            )
        except (sqlite3.Error, OSError) as exc:
            raise ConfigError(
                _("{file}: cannot open the daily ledger ({problem})").format(
                    file=self.path, problem=system_problem(exc)
                )
            ) from exc

    def close(self) -> None:
        self._db.close()

    def started(self, workspace: str, now: datetime) -> dict[str, datetime]:
        """Each customer started in the 24 hours before `now`, with the latest time."""
        since = _utc(now - WINDOW)  # kept in UTC, so text compares as time
        found = self._db.execute(
            "SELECT phone, max(at) FROM started WHERE workspace = ? AND at > ? AND at <= ? "
            "GROUP BY phone",
            (workspace, since, _utc(now)),
        )
        return {phone: datetime.fromisoformat(at) for phone, at in found}

    def claim_pair(self, workspace: str, phone: str, key: str, interval: float) -> float:
        """Seconds to wait before messaging `phone` because a run on this computer (another
        campaign's, say) did so less than `interval` ago; 0 claims its turn now.

        WhatsApp's pair rate, across processes: one transaction per message, on the wall
        clock every process shares.
        """
        now = time.time()
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                found = self._db.execute(
                    "SELECT at, key FROM recent WHERE workspace = ? AND phone = ?",
                    (workspace, phone),
                ).fetchone()
                if found and found[1] != key and 0 <= now - found[0] < interval:
                    return float(interval - (now - found[0]))
                self._db.execute(
                    "INSERT OR REPLACE INTO recent (workspace, phone, at, key) VALUES (?, ?, ?, ?)",
                    (workspace, phone, now, key),
                )
        except sqlite3.Error:
            return 0.0  # the run's own spacing still holds; a locked ledger must not stop it
        return 0.0

    def release(self, workspace: str, started: Mapping[str, datetime]) -> None:
        """Give back customers a run took but never messaged (it stopped first)."""
        try:
            with self._db:
                self._db.executemany(
                    "DELETE FROM started WHERE workspace = ? AND phone = ? AND at = ?",
                    [(workspace, phone, _utc(at)) for phone, at in started.items()],
                )
        except sqlite3.Error:
            pass  # they stay counted: the safe side of a ledger that cannot be written

    def take(self, workspace: str, phone: str, now: datetime, room: int, campaign: str) -> bool:
        """Start `phone` now if it is started already or `room` customers are not all taken;
        in one transaction, so two campaigns at once never start more than `room` between
        them. False: no room."""
        since, until = _utc(now - WINDOW), _utc(now)
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                window = "workspace = ? AND at > ? AND at <= ?"
                known = self._db.execute(
                    f"SELECT 1 FROM started WHERE {window} AND phone = ? LIMIT 1",
                    (workspace, since, until, phone),
                ).fetchone()
                if known:
                    return True
                (taken,) = self._db.execute(
                    f"SELECT count(DISTINCT phone) FROM started WHERE {window}",
                    (workspace, since, until),
                ).fetchone()
                if taken >= room:
                    return False
                self._db.execute(
                    "INSERT INTO started (workspace, phone, at, campaign) VALUES (?, ?, ?, ?)",
                    (workspace, phone, until, campaign),
                )
        except sqlite3.Error as exc:
            raise ConfigError(
                _("{file}: cannot write the daily ledger ({problem})").format(
                    file=self.path, problem=system_problem(exc)
                )
            ) from exc
        return True


def _utc(when: datetime) -> str:
    return when.astimezone(UTC).isoformat()


@dataclass
class DailyBudget:
    """At send time, lets go the messages the budget has room for; holds the others.

    A held message is journaled `pending`, `daily_limit`, with when room opens; a rerun (or
    the next pass of `--wait`) offers it again.
    """

    limit: int
    ledger: Ledger
    workspace: str
    campaign: str
    record: Callable[[str, Outcome], None]
    now: Callable[[], datetime]
    held: set[str] = field(default_factory=set)
    next_opening: datetime | None = None
    elsewhere: dict[str, datetime] = field(default_factory=dict)
    """Customers Plazbot's listing shows started by others (`engine/budgeting.py`), with when."""
    open_window: dict[str, datetime] = field(default_factory=dict)
    """Customers who wrote to the business, with when: while that is less than 24 hours ago
    their conversation is open, and they cost nothing."""
    taken: dict[str, datetime] = field(default_factory=dict)
    """Customers this run started in the ledger, with when (to give back the unmessaged)."""

    def give_back(self, reached: Iterable[str]) -> None:
        """At the end of a run: the customers it took but whose message never reached
        Plazbot (a Ctrl-C, the network down) use no budget."""
        unreached = {p: at for p, at in self.taken.items() if p not in set(reached)}
        if unreached:
            self.ledger.release(self.workspace, unreached)

    def _others(self, now: datetime) -> dict[str, datetime]:
        return {p: at for p, at in self.elsewhere.items() if now - WINDOW < at <= now}

    def used(self) -> dict[str, datetime]:
        """Every customer started in the last 24 hours, here or elsewhere, with when."""
        now = self.now()
        return self._others(now) | self.ledger.started(self.workspace, now)

    def left(self) -> int:
        return max(0, self.limit - len(self.used()))

    def admit(self, messages: Iterable[Message]) -> Iterator[Message]:
        """The messages to customers already started, and to new ones while there is room."""
        self.next_opening = None
        started: dict[str, datetime] | None = None  # read once a pass, at its first hold
        for message in messages:
            now, phone = self.now(), message.phone
            others = self._others(now)
            wrote = self.open_window.get(phone)
            free = phone in others or (wrote is not None and wrote + WINDOW > now)
            room = self.limit - len(others)
            known = phone in self.taken
            if free or known or self.ledger.take(self.workspace, phone, now, room, self.campaign):
                if not (free or known):
                    self.taken[phone] = now
                self.held.discard(message.key)
                yield message
                continue
            started = self.used() if started is None else started
            self._hold(message, started)

    def _hold(self, message: Message, started: dict[str, datetime]) -> None:
        opens = min(started.values()) + WINDOW
        self.held.add(message.key)
        self.next_opening = opens if self.next_opening is None else min(opens, self.next_opening)
        detail = ngettext(
            "the daily budget of {limit} customer is spent; room opens at {when}",
            "the daily budget of {limit} customers is spent; room opens at {when}",
            self.limit,
        ).format(limit=self.limit, when=shown_datetime(opens))
        self.record(message.key, Outcome(apply(Status.PENDING, Move.HELD), "daily_limit", detail))

    def notice(self, *, waiting: bool = False, wait_flag: bool = False) -> str:
        n, limit = len(self.held), self.limit
        if self.next_opening is None:
            said = ngettext(
                "{n} message over the daily budget ({limit})",
                "{n} messages over the daily budget ({limit})",
                n,
            )
        elif waiting:
            said = ngettext(
                "Waiting for room in the daily budget for {n} message over the daily budget "
                "({limit}): next at {when} (this computer's time)",
                "Waiting for room in the daily budget for {n} messages over the daily budget "
                "({limit}): next at {when} (this computer's time)",
                n,
            )
        elif wait_flag:
            said = ngettext(
                "{n} message over the daily budget ({limit}): room opens at {when} (this "
                "computer's time); run the same command again then",
                "{n} messages over the daily budget ({limit}): room opens at {when} (this "
                "computer's time); run the same command again then",
                n,
            )
        else:
            said = ngettext(
                "{n} message over the daily budget ({limit}): room opens at {when} (this "
                "computer's time); run the same command again then, or add --wait to stay "
                "and send them as room opens",
                "{n} messages over the daily budget ({limit}): room opens at {when} (this "
                "computer's time); run the same command again then, or add --wait to stay "
                "and send them as room opens",
                n,
            )
        when = shown_datetime(self.next_opening) if self.next_opening else ""
        return said.format(n=n, limit=limit, when=when)


def days_needed(new: int, left: int, limit: int, now: datetime) -> list[tuple[datetime, int]]:
    """How a campaign of `new` customers spreads over days: (when, how many) from now."""
    plan, when = [], now
    first = min(new, left)
    if first:
        plan.append((when, first))
    rest = new - first
    while rest > 0:
        when += WINDOW
        plan.append((when, min(rest, limit)))
        rest -= limit
    return plan


def budget_line(new: int, left: int, limit: int, now: datetime) -> str:
    """The preview's line: "3412 to send; 1180 left in the last 24 h (tier 2000, 820 used);
    this campaign needs 3 days: 1180 now, about 2000 at 2026-12-08 10:14, 232 at ..."."""
    used = limit - left
    head = ngettext(
        "{new} customer to start; {left} left in the last 24 h (tier {limit}, {used} used)",
        "{new} customers to start; {left} left in the last 24 h (tier {limit}, {used} used)",
        new,
    ).format(new=new, left=left, limit=limit, used=used)
    plan = days_needed(new, left, limit, now)
    if len(plan) <= 1:
        return head
    parts = [
        _("{count} now").format(count=count)
        if when == now
        else _("about {count} at {when}").format(count=count, when=shown_datetime(when))
        for when, count in plan
    ]
    return ngettext(
        "{head}; this campaign needs {days} day: {parts}",
        "{head}; this campaign needs {days} days: {parts}",
        len(plan),
    ).format(head=head, days=len(plan), parts=", ".join(parts))


@contextlib.contextmanager
def opened_ledger(folder: Path) -> Iterator[Ledger]:
    ledger = Ledger(folder)
    try:
        yield ledger
    finally:
        ledger.close()
