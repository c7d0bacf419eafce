"""One run per campaign: an operating-system lock beside the journal, dropped with its process.

`filelock` locks `<journal>.lock` the way each system does (`fcntl.flock` on Linux and macOS,
`msvcrt.locking` on Windows). The operating system releases such a lock when the process ends,
however it ends (kill -9, power loss, a closed laptop lid), so a run that died never blocks the
next one; the empty `.lock` file may stay behind and means nothing by itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import filelock

from ..errors import JournalError, system_problem
from ..language import _, shown_datetime


def lock_path(journal: Path) -> Path:
    """Where the campaign's lock lives: `reports/x.journal.sqlite3.lock`."""
    return journal.with_name(journal.name + ".lock")


class RunLock:
    """The lock that makes one process the only one sending a campaign."""

    def __init__(self, journal: Path) -> None:
        self.path = lock_path(journal)
        # thread_local=False: the engine may close the journal from another thread.
        self._lock = filelock.FileLock(self.path, timeout=0, thread_local=False)

    def acquire(self) -> bool:
        """Take the lock at once, or say another process holds it; never waits."""
        try:
            self._lock.acquire(blocking=False)
        except filelock.Timeout:
            return False
        except OSError as exc:  # a read-only or vanished folder: name the file, no traceback
            raise JournalError(
                _("{file}: cannot lock the campaign ({problem})").format(
                    file=self.path, problem=system_problem(exc)
                )
            ) from exc
        return True

    def release(self) -> None:
        self._lock.release()


def busy_message(journal: Path, holder: Mapping[str, str]) -> str:
    """The one line a second run prints: which journal, since when, which process."""
    pid, since = holder.get("holder_pid"), holder.get("holder_since")
    if not pid or not since:
        return _("{file}: another run of this campaign is in progress").format(file=journal)
    started = datetime.fromisoformat(since).astimezone()
    today = datetime.now().astimezone().date()
    when = (
        shown_datetime(started, seconds=True, date=False)
        if started.date() == today
        else shown_datetime(started, seconds=True)
    )
    return _(
        "{file}: another run of this campaign is in progress (since {when}, process {pid})"
    ).format(file=journal, when=when, pid=pid)
