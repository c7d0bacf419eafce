"""Planning: a new plan replaces the last one only once it is complete (docs/spec.md section 4)."""

from __future__ import annotations

import contextlib
import signal
import sqlite3
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from .conftest import report_rows, run_cli
from .test_resume import ENV, report_of, send_args, start_cli, write_contacts

JOURNAL = "reports/contacts-message.journal.sqlite3"


def staged_rows(journal: Path) -> int:
    """Rows the running plan has committed so far (0 while it has none, or no journal)."""
    with contextlib.suppress(sqlite3.Error):
        db = sqlite3.connect(f"{journal.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return int(db.execute("SELECT COUNT(*) FROM rows_next").fetchone()[0])
        finally:
            db.close()
    return 0


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX; Windows has kill() alone")
def test_a_run_killed_while_planning_leaves_the_last_report_rebuildable(tmp_path, serve):
    server = serve()
    write_contacts(tmp_path / "contacts.csv", 30)
    first = run_cli(*send_args(server.url), cwd=tmp_path, env=ENV)
    assert first.returncode == 0, first.stderr
    original = report_of(tmp_path)
    write_contacts(tmp_path / "contacts.csv", 120_000, seed=8)  # long to plan

    planning = start_cli(send_args(server.url), tmp_path)
    deadline = time.monotonic() + 120
    while staged_rows(tmp_path / JOURNAL) == 0 and planning.poll() is None:
        assert time.monotonic() < deadline, "planning never committed a batch"
        time.sleep(0.05)
    planning.send_signal(signal.SIGKILL)
    planning.communicate()
    assert planning.returncode == -signal.SIGKILL  # killed while planning, not finished
    # With --yes, sending starts while the list is planned (issue 14): whatever left is a
    # new customer's message, and nothing left twice.
    delivered = Counter((d["phone"], d["content"]) for d in server.deliveries())
    assert len(delivered) >= 30 and max(delivered.values()) == 1

    rebuilt = run_cli("report", JOURNAL, "--output", "rebuilt.xlsx", cwd=tmp_path)

    assert rebuilt.returncode == 0, rebuilt.stderr
    assert report_rows(tmp_path / "rebuilt.xlsx") == original
