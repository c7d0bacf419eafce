"""The journal's versions: a new one, one of the release before versioning, a newer one."""

from __future__ import annotations

import contextlib
import functools
import shutil
import sqlite3
from pathlib import Path

import pytest

from bulk_sender.errors import JournalError
from bulk_sender.journal import file as journal_file
from bulk_sender.journal.reading import Follower
from bulk_sender.journal.schema import FOLLOW_UP_COLUMNS, MIGRATIONS, SCHEMA_VERSION, upgrade
from bulk_sender.journal.store import Journal
from bulk_sender.lifecycle import Status

from .conftest import ROOT, report_rows, run_cli

UNVERSIONED = ROOT / "tests" / "data" / "journal-schema0.journal.sqlite3"
"""A journal written by the release before versioning (how: `tests/data/README.md`)."""
VERSION_1 = ROOT / "tests" / "data" / "journal-schema1.journal.sqlite3"
"""A journal of schema version 1, before the columns for settling and replies."""
SEND = ["send", "sample_data/clientes.xlsx", "-t", "pedido_enviado", "--country", "PE"]
"""The command that wrote it, run from the project's folder, with `--sandbox`."""


def kept_journal(tmp_path: Path, *, version: int | None = None) -> Path:
    """A copy of the kept journal, as `report.journal.sqlite3` beside `report.xlsx`."""
    path = tmp_path / "report.journal.sqlite3"
    shutil.copyfile(UNVERSIONED, path)
    if version is not None:
        with contextlib.closing(sqlite3.connect(path)) as db:
            db.execute(f"PRAGMA user_version = {version}")
    return path


def user_version(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])


def contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in the columns the kept journal has (later versions add some)."""
    with (
        contextlib.closing(sqlite3.connect(path)) as db,
        contextlib.closing(sqlite3.connect(f"{UNVERSIONED.as_uri()}?mode=ro", uri=True)) as kept,
    ):
        found = {}
        for table in ("meta", "runs", "messages", "rows"):
            columns = ", ".join(c[1] for c in kept.execute(f"PRAGMA table_info({table})"))
            found[table] = sorted(db.execute(f"SELECT {columns} FROM {table}"))
        return found


def columns_of(path: Path, table: str) -> list[str]:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return [c[1] for c in db.execute(f"PRAGMA table_info({table})")]


def test_a_journal_of_version_1_gains_the_follow_up_columns_losing_nothing(tmp_path):
    path = tmp_path / "report.journal.sqlite3"
    shutil.copyfile(VERSION_1, path)
    assert user_version(path) == 1
    before = contents(path)

    with Journal(path) as journal:
        statuses = [r.outcome.status for r in journal.results()]

    assert user_version(path) == SCHEMA_VERSION
    assert contents(path) == before
    assert statuses.count(Status.SENT) == 43 and len(statuses) == 50
    added = [name for name, _ in FOLLOW_UP_COLUMNS]
    assert columns_of(path, "messages")[-len(added) :] == added
    with Journal(tmp_path / "new.sqlite3"):
        pass
    assert columns_of(path, "messages") == columns_of(tmp_path / "new.sqlite3", "messages")


def test_a_new_journal_is_created_at_the_current_version(tmp_path):
    path = tmp_path / "j.sqlite3"
    with Journal(path) as journal:
        journal.start_run()

    assert user_version(path) == SCHEMA_VERSION >= 1
    assert contents(path)["runs"]


def test_the_kept_journal_is_of_the_release_before_versioning():
    assert user_version(UNVERSIONED) == 0
    assert not Path(f"{UNVERSIONED}-wal").exists()  # checkpointed: the file holds it all
    held = contents(UNVERSIONED)
    assert len(held["rows"]) == 50 and len(held["messages"]) == 43


def test_a_journal_of_the_release_before_versioning_is_upgraded_in_place_losing_nothing(
    tmp_path,
):
    path = kept_journal(tmp_path)
    before = contents(path)

    with Journal(path) as journal:
        statuses = [r.outcome.status for r in journal.results()]

    assert user_version(path) == SCHEMA_VERSION
    assert contents(path) == before
    assert statuses.count(Status.SENT) == 43 and len(statuses) == 50


def test_a_rerun_on_a_journal_of_the_release_before_versioning_sends_nothing_again(tmp_path):
    path = kept_journal(tmp_path)
    sent = contents(path)["messages"]
    report = tmp_path / "report.xlsx"

    rerun = run_cli(*SEND, "--sandbox", "--report", str(report), cwd=ROOT)

    assert rerun.returncode == 0, rerun.stderr
    assert "Rows: 50 (43 sent, 6 invalid, 1 duplicate)" in rerun.stdout
    assert " sent             0\n" in rerun.stderr  # the summary: nothing sent by this run
    assert user_version(path) == SCHEMA_VERSION
    after = contents(path)
    assert after["messages"] == sent  # same message ids and times: none went out again
    assert len(after["runs"]) == 2
    with contextlib.closing(sqlite3.connect(path)) as db:
        journaled = {message_id for (message_id,) in db.execute("SELECT message_id FROM messages")}
    ids = {r["result_message_id"] for r in report_rows(report) if r["result_status"] == "sent"}
    assert ids == journaled and len(ids) == 43


def test_reading_a_journal_of_the_release_before_versioning_leaves_the_file_as_it_was(
    tmp_path,
):
    path = kept_journal(tmp_path)
    before = path.read_bytes()

    rebuilt = run_cli("report", str(path), cwd=tmp_path)
    dry_run = run_cli(*SEND, "--report", str(tmp_path / "report.xlsx"), cwd=ROOT)

    assert rebuilt.returncode == 0, rebuilt.stderr
    assert len(report_rows(tmp_path / "report.xlsx")) == 50
    assert dry_run.returncode == 0, dry_run.stderr
    assert "Rows: 50 (43 sent, 6 invalid, 1 duplicate)" in dry_run.stdout
    assert path.read_bytes() == before  # not upgraded: a reader upgrades its own copy only


@pytest.mark.parametrize(
    "command",
    [
        [*SEND, "--sandbox", "--report", "report.xlsx"],
        [*SEND, "--report", "report.xlsx"],  # a dry run
        ["report", "report.journal.sqlite3"],
    ],
    ids=["send", "dry run", "report"],
)
def test_a_journal_of_a_newer_bulk_sender_is_refused_in_one_line(tmp_path, command):
    shutil.copytree(ROOT / "sample_data", tmp_path / "sample_data")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    path = kept_journal(tmp_path, version=SCHEMA_VERSION + 1)
    before = path.read_bytes()

    refused = run_cli(*command, cwd=tmp_path)

    assert refused.returncode == 2
    assert refused.stderr == (
        "bulk-sender: error: report.journal.sqlite3: this journal was written by a newer "
        f"bulk-sender (schema {SCHEMA_VERSION + 1}; this one knows up to {SCHEMA_VERSION}) "
        "(hint: upgrade bulk-sender: pip install -U bulk-sender)\n"
    )
    assert path.read_bytes() == before
    assert not (tmp_path / "report.xlsx").exists()


def test_a_report_s_process_refuses_a_journal_of_a_newer_bulk_sender(tmp_path):
    path = kept_journal(tmp_path, version=SCHEMA_VERSION + 1)

    with pytest.raises(JournalError, match="written by a newer bulk-sender"):
        Follower(path, "rows")


def test_a_migration_that_fails_leaves_the_journal_as_it_was(tmp_path, monkeypatch):
    path = kept_journal(tmp_path)
    before = path.read_bytes()

    def _v2_adds_a_column(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE messages ADD COLUMN extra TEXT")

    def _v3_fails(db: sqlite3.Connection) -> None:
        raise sqlite3.OperationalError("a migration that fails")

    migrations = (*MIGRATIONS, _v2_adds_a_column, _v3_fails)
    monkeypatch.setattr(journal_file, "upgrade", functools.partial(upgrade, migrations=migrations))

    with pytest.raises(JournalError) as caught:
        Journal(path)

    assert str(caught.value).startswith(f"{path}: cannot read or write the journal (a migration")
    assert path.read_bytes() == before  # neither version 1 nor the new column
    monkeypatch.undo()
    with Journal(path) as journal:  # the lock was let go; the real migrations still apply
        assert len(list(journal.results())) == 50
    assert user_version(path) == SCHEMA_VERSION


def test_an_upgrade_runs_only_the_migrations_a_journal_lacks_in_order(tmp_path):
    path = kept_journal(tmp_path, version=1)
    ran: list[str] = []
    migrations = [functools.partial(lambda name, db: ran.append(name), n) for n in "abc"]

    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
        upgrade(db, path, migrations)

    assert ran == ["b", "c"]
    assert user_version(path) == 3
