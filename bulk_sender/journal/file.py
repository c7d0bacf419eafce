"""The journal's file: how it is opened, and how other processes see it.

SQLite's errors in the user's words (one line naming the file), the campaign's lock and who
holds it, a consistent copy taken while a run writes. WAL lets a read-only connection read the
last committed state while another process writes. Its tables and their versions are in
`schema.py`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from ..errors import JournalError, system_problem
from ..language import _
from .lock import RunLock, busy_message
from .schema import refuse_newer, upgrade

HOLDER_KEYS = ("holder_pid", "holder_since")
"""Meta keys naming the process that holds the campaign, for a second run's message."""


class HasPath(Protocol):
    path: Path


_J = TypeVar("_J", bound="HasPath")
_P = ParamSpec("_P")
_R = TypeVar("_R")


def guarded(method: Callable[Concatenate[_J, _P], _R]) -> Callable[Concatenate[_J, _P], _R]:
    """SQLite errors (disk full, folder gone, damaged file) leave as a `JournalError`."""

    @functools.wraps(method)
    def wrapper(self: _J, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise journal_error(self.path, exc) from exc

    return wrapper


def journal_error(path: Path, exc: sqlite3.Error) -> JournalError:
    """One line for the user, naming the file, from SQLite's or the system's words."""
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
        return JournalError(
            _("{file}: not a bulk-sender journal, or a damaged one").format(file=path)
        )
    return JournalError(
        _(
            "{file}: cannot read or write the journal ({problem}): is the disk full, the folder "
            "read-only or gone, or another program using the file?"
        ).format(file=path, problem=system_problem(exc))
    )


def make_folder(path: Path) -> None:
    """The journal's folder, made if missing; a file in its place is a one-line error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file where the folder should be, a read-only parent
        raise JournalError(
            _("{file}: cannot create its folder {folder} ({problem})").format(
                file=path, folder=path.parent, problem=system_problem(exc)
            )
        ) from exc


def take_campaign(path: Path) -> RunLock:
    """The campaign's lock, or a `JournalError` naming the process that holds it."""
    lock = RunLock(path)
    if not lock.acquire():
        raise JournalError(busy_message(path, read_holder(path)))
    return lock


def connect(path: Path, *, durable: bool) -> sqlite3.Connection:
    """The journal's one connection, its tables made or upgraded; a durable one records its
    holder. A journal of a newer bulk-sender is refused before anything is written to it."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        refuse_newer(db, path)
        if durable:  # WAL with synchronous=NORMAL: a commit survives the process dying
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
        else:
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
        upgrade(db, path)
        if durable:  # who holds the campaign, for the message a second run prints
            since = datetime.now().astimezone().isoformat(timespec="seconds")
            with db:
                db.executemany(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                    zip(HOLDER_KEYS, (str(os.getpid()), since), strict=True),
                )
    except sqlite3.Error as exc:
        db.close()
        raise journal_error(path, exc) from exc
    except BaseException:
        db.close()
        raise
    return db


def forget_holder(db: sqlite3.Connection) -> None:
    """At the end of a run: best effort, a lock that dies with its process is what counts."""
    with contextlib.suppress(sqlite3.Error):
        db.execute("DELETE FROM meta WHERE key IN (?, ?)", HOLDER_KEYS)


def copy_journal(path: Path, copy: Path) -> None:
    """Copy a journal with SQLite's backup, which reads one committed state.

    A journal of a newer bulk-sender is refused. An older one is copied as it is, and the
    copy, not the file, is upgraded when it is opened: reading a journal (a report, a dry
    run) works on any version this release knows, and never changes the file, which the
    release that wrote it may still be resuming, and which a reader holds no lock on.
    """
    try:
        with (
            contextlib.closing(read_only(path)) as source,
            contextlib.closing(sqlite3.connect(copy)) as target,
        ):
            refuse_newer(source, path)
            source.backup(target)
    except sqlite3.Error as exc:
        raise journal_error(path, exc) from exc


def is_held(path: Path) -> bool:
    """Whether a run holds this journal's campaign now (a dry run shows its rows in flight)."""
    if not path.exists():
        return False
    lock = RunLock(path)
    try:
        if not lock.acquire():
            return True
    except JournalError:  # a read-only folder: nobody can be sending from it
        return False
    lock.release()
    return False


def read_holder(path: Path, *, wait: float = 2.0) -> dict[str, str]:
    """Who holds a campaign (`holder_pid`, `holder_since`), from its journal's meta table.

    The holder writes them just after it takes the lock: wait a little for them to appear.
    """
    deadline = time.monotonic() + wait
    while True:
        with contextlib.suppress(sqlite3.Error), contextlib.closing(read_only(path)) as db:
            found = dict(db.execute("SELECT key, value FROM meta WHERE key LIKE 'holder_%'"))
            if found:
                return found
        if time.monotonic() > deadline:
            return {}
        time.sleep(0.05)


def read_only(path: Path) -> sqlite3.Connection:
    """A connection that reads the last committed state while the run's own one writes."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
