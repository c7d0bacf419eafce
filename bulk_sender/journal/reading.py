"""Reading a campaign's journal from outside the run that writes it.

Three ways, none of which takes the campaign's lock: `Follower` follows a run's rows as they
settle (the report's process, `report/process.py`), `snapshot` gives a private copy to plan
or report from (a dry run, `bulk-sender report`), and `read_meta` reads the campaign's
details alone. The journal a run writes is `Journal`, in `store.py`.
"""

from __future__ import annotations

import contextlib
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import JournalError
from ..language import _
from ..records import RowResult
from .file import copy_journal, guarded, is_held, journal_error, read_only
from .results import RESULTS, is_settled, row_result
from .schema import refuse_newer
from .store import Journal


class Follower:
    """A campaign's journal read by another process while its run writes it.

    The report's process (`report/process.py`) reads this way while the run sends: WAL gives it
    the last committed state without holding the run back. `settled()` gives the rows
    whose outcome this run can no longer change, in input order, up to the first row still
    to be sent; `rest()` gives every row after those, once the run is over.
    """

    def __init__(self, path: Path, table: str) -> None:
        """`table`: `rows_next` while the run's plan is written, `rows` once it is whole."""
        self.path, self._table, self._after = path, table, 0
        try:
            self._db = read_only(path)
            # Read-only, so never upgraded: the run beside it has brought the file up to
            # date as it opened it; a newer one is refused, its rows may mean other things.
            refuse_newer(self._db, path)
        except sqlite3.Error as exc:
            raise journal_error(path, exc) from exc
        except JournalError:
            self._db.close()
            raise

    def close(self) -> None:
        self._db.close()

    def settled(self) -> Iterator[RowResult]:
        while page := self._page():
            for seq, *fields in page:
                if not is_settled(fields):
                    return
                self._after = seq
                yield row_result(fields, dry_run=False)

    def rest(self) -> Iterator[RowResult]:
        while page := self._page():
            for _seq, *fields in page:
                yield row_result(fields, dry_run=False)
            self._after = page[-1][0]

    @guarded
    def _page(self) -> list[Any]:
        try:
            return self._db.execute(RESULTS.format(table=self._table), (self._after,)).fetchall()
        except sqlite3.OperationalError as exc:
            if self._table == "rows" or "no such table" not in str(exc):
                raise
            self._table = "rows"  # the plan is whole: `rows_next` became `rows`, seq for seq
            return self._page()


@contextlib.contextmanager
def snapshot(path: Path) -> Iterator[Journal]:
    """A private copy of a journal, consistent even while a run writes to it.

    A dry run and `bulk-sender report` read this, never the campaign's own journal: SQLite's
    backup reads one committed state (WAL lets it while a run writes), and the lock stays free.
    No journal yet gives an empty one.
    """
    with tempfile.TemporaryDirectory(prefix="bulk-sender-") as folder:
        copy = Path(folder) / "snapshot.sqlite3"
        if path.exists():
            copy_journal(path, copy)
        with Journal(copy, durable=False) as journal:
            journal.sending_elsewhere = is_held(path)
            yield journal


def read_meta(path: Path) -> dict[str, str]:
    """A journal's campaign details, read without copying it or taking its lock."""
    if not path.is_file():
        raise JournalError(_("{file}: no such journal").format(file=path))
    try:
        db = read_only(path)
        try:
            refuse_newer(db, path)
            return dict(db.execute("SELECT key, value FROM meta").fetchall())
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise journal_error(path, exc) from exc
