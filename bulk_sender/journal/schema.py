"""The journal's tables and their versions, kept in the file's `PRAGMA user_version`.

A brand-new journal is created in the current shape (`TABLES`) and stamped `SCHEMA_VERSION`.
A journal of an earlier version is brought up to date by the run that opens it for writing
(`upgrade`): the migrations it lacks run in order, in one transaction with the new version
number, so a migration that fails leaves the file as it was. A journal of a later version,
written by a newer bulk-sender, is refused in one line (`refuse_newer`), by writers and
readers alike: this release cannot know what its tables mean.

Journals written before versioning have user_version 0 and all four tables; they are version
0, and migration 1 stamps them. A file at version 0 without those tables is a new journal.

To add version N + 1: write a small function named for what it does (`_v2_add_...`) that
takes a version-N journal to version N + 1 with plain `db.execute` statements (never
`executescript`, which commits by itself and would split the transaction); append it to
`MIGRATIONS`; change `TABLES` so new journals are created in the new shape directly; keep a
journal of version N under `tests/data/` and test its upgrade.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import JournalError
from ..language import _

Migration = Callable[[sqlite3.Connection], None]

ROW_COLUMNS = """
    seq INTEGER PRIMARY KEY,
    row INTEGER NOT NULL,
    cells TEXT NOT NULL,
    key TEXT,
    phone TEXT NOT NULL DEFAULT '',
    status TEXT,
    code TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
"""
TABLES = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, ended_at TEXT, exit_code INTEGER
)""",
    """CREATE TABLE IF NOT EXISTS messages (
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
    sent_at TEXT,
    tried_at TEXT,
    retry_at TEXT,
    limited INTEGER NOT NULL DEFAULT 0,
    reply TEXT,
    replied_at TEXT
)""",
    # By phone alone, for the resend rule: a status change (two per message) leaves it as it is.
    "CREATE INDEX IF NOT EXISTS messages_by_phone ON messages (phone)",
    f"CREATE TABLE IF NOT EXISTS rows ({ROW_COLUMNS})",
    "CREATE INDEX IF NOT EXISTS rows_key ON rows (key)",
)
"""The current shape, in which a new journal is created."""
STAGING = f"""
DROP TABLE IF EXISTS rows_next;
CREATE TABLE rows_next ({ROW_COLUMNS});
CREATE INDEX rows_next_key ON rows_next (key);
"""
"""The table a new plan is written to before it replaces `rows` (`Journal.start_plan`)."""
JOURNAL_TABLES = frozenset(("meta", "runs", "messages", "rows"))


def _v1_stamp_unversioned(db: sqlite3.Connection) -> None:
    """Version 1 is the shape written before versioning. The earliest of those journals
    indexed messages on (phone, status), an index every status change rewrote."""
    db.execute("DROP INDEX IF EXISTS messages_phone")
    db.execute("CREATE INDEX IF NOT EXISTS messages_by_phone ON messages (phone)")


FOLLOW_UP_COLUMNS = (
    ("tried_at", "TEXT"),
    ("retry_at", "TEXT"),
    ("limited", "INTEGER NOT NULL DEFAULT 0"),
    ("reply", "TEXT"),
    ("replied_at", "TEXT"),
)
"""What version 2 adds to `messages`: when its latest request left (`settle` looks around
that time), when a refused one may go again and how often Meta limited it (131049), and the
customer's latest reply after it was sent (`replies`)."""


def _v2_add_follow_up_columns(db: sqlite3.Connection) -> None:
    """Version 2: the columns of `FOLLOW_UP_COLUMNS`, empty for the messages already there
    (`settle` then looks around the time of the run that sent them)."""
    has = {column[1] for column in db.execute("PRAGMA table_info(messages)")}
    for name, kind in FOLLOW_UP_COLUMNS:
        if name not in has:  # a journal stamped older than its shape loses nothing either
            db.execute(f"ALTER TABLE messages ADD COLUMN {name} {kind}")


MIGRATIONS: tuple[Migration, ...] = (_v1_stamp_unversioned, _v2_add_follow_up_columns)
"""`MIGRATIONS[n]` takes a journal of version n to version n + 1."""
SCHEMA_VERSION = len(MIGRATIONS)


def version_of(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def refuse_newer(db: sqlite3.Connection, path: Path, known: int = SCHEMA_VERSION) -> int:
    """The journal's version, or a `JournalError` if a newer bulk-sender wrote it."""
    version = version_of(db)
    if version > known:
        raise JournalError(
            _(
                "{file}: this journal was written by a newer bulk-sender "
                "(schema {version}; this one knows up to {known})"
            ).format(file=path, version=version, known=known),
            hint=_("upgrade bulk-sender: pip install -U bulk-sender"),
        )
    return version


def upgrade(
    db: sqlite3.Connection, path: Path, migrations: Sequence[Migration] = MIGRATIONS
) -> None:
    """Create a new journal, or bring an older one to the current version, in one transaction.

    For a journal opened for writing, under the campaign's lock: no other run upgrades it at
    the same time. IMMEDIATE takes SQLite's write lock at once, so a reader beside the run
    sees the file as it was or as it is after, never half upgraded.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        _apply(db, path, migrations)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _apply(db: sqlite3.Connection, path: Path, migrations: Sequence[Migration]) -> None:
    version = refuse_newer(db, path, len(migrations))
    if version == len(migrations):
        return
    if version == 0 and not _holds_journal_tables(db):
        _create(db)
    else:
        for migration in migrations[version:]:
            migration(db)
    db.execute(f"PRAGMA user_version = {len(migrations)}")


def _holds_journal_tables(db: sqlite3.Connection) -> bool:
    found = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return JOURNAL_TABLES.issubset(found)


def _create(db: sqlite3.Connection) -> None:
    """The current tables. `IF NOT EXISTS`: a file whose first opening was cut short, before
    any run, holds part of them, and nothing to lose."""
    for statement in TABLES:
        db.execute(statement)
