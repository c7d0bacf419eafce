"""A disk that fills up during a campaign: one line, an exit code that tells the truth, and a
rerun that writes the report without messaging anyone twice.

The disk is real: a small tmpfs mounted for the test (root on Linux, as CI runs), filled with a
file until little room is left. `/dev/full`, which fails every write with ENOSPC, serves the
in-process tests of the report's file.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import subprocess
import tempfile
import uuid
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from bulk_sender import Outcome, ReportError, RowResult, Status
from bulk_sender.report.partial import PartialFile
from bulk_sender.report.workbook import write_report

from .conftest import report_rows, run_cli
from .test_resume import ENV, send_args, write_contacts

ROWS = 3000


class SmallDisk:
    """A tmpfs of a few megabytes, and a file that fills it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.filler = path / "filler"

    def fill(self, leave: int) -> None:
        """Fill the disk until `leave` bytes are left."""
        free = shutil.disk_usage(self.path).free
        with self.filler.open("ab") as f:
            f.write(b"\0" * max(free - leave, 0))

    def free_space(self) -> None:
        self.filler.unlink()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small disk needs root on Linux (CI runs as root)")
    path = tmp_path / "disk"
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(path)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small disk here: {mounted.stderr.decode().strip()}")
    try:
        yield SmallDisk(path)
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def one_line(stderr: str) -> str:
    """What the user reads: exactly one line, with no traceback from any thread or process."""
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def sent_twice(server) -> list[str]:
    phones = Counter(d["phone"] for d in server.deliveries())
    return [phone for phone, n in phones.items() if n > 1]


def test_a_report_that_fills_the_disk_exits_1_and_the_rerun_writes_it(tmp_path, serve, small_disk):
    write_contacts(tmp_path / "contacts.csv", ROWS)
    server = serve()
    report = small_disk.path / "campaign.xlsx"
    args = send_args(server.url, "--report", str(report), "--journal", str(tmp_path / "j.sqlite3"))
    small_disk.fill(leave=64 * 1024)  # the check before sending passes; the report won't fit

    full = run_cli(*args, cwd=tmp_path, env=ENV)

    assert full.returncode == 1  # messages were sent: not 2, "nothing sent"
    line = one_line(full.stderr)
    assert line.startswith(f"bulk-sender: error: {report}: cannot write the report (")
    assert str(tmp_path / "j.sqlite3") in line and "run the same command again" in line
    assert len(server.deliveries()) == ROWS
    assert sorted(p.name for p in small_disk.path.iterdir()) == ["filler"]  # no partial report

    small_disk.free_space()
    again = run_cli(*args, cwd=tmp_path, env=ENV)

    assert again.returncode == 0, again.stderr
    assert len(server.deliveries()) == ROWS and not sent_twice(server)
    assert Counter(r["result_status"] for r in report_rows(report)) == {"sent": ROWS}


def test_a_journal_that_fills_the_disk_exits_1_and_the_rerun_sends_only_the_rest(
    tmp_path, serve, small_disk
):
    write_contacts(tmp_path / "contacts.csv", ROWS)
    server = serve()
    journal = small_disk.path / "campaign.journal.sqlite3"
    report = tmp_path / "campaign.xlsx"
    args = send_args(server.url, "--report", str(report), "--journal", str(journal))
    small_disk.fill(leave=256 * 1024)

    full = run_cli(*args, cwd=tmp_path, env=ENV)

    assert full.returncode == 1
    assert one_line(full.stderr).startswith(f"bulk-sender: error: {journal}: cannot read or write")
    assert len(server.deliveries()) < ROWS

    small_disk.free_space()
    again = run_cli(*args, cwd=tmp_path, env=ENV)

    assert "Traceback" not in again.stderr
    assert not sent_twice(server)
    rows = report_rows(report)
    assert len(rows) == ROWS  # every input row in the report
    # What reached the server is `sent`, or `uncertain` for the rows in flight when the
    # journal failed: never sent again without the user's say.
    statuses = Counter(r["result_status"] for r in rows)
    assert set(statuses) <= {"sent", "uncertain"}
    assert statuses["sent"] + statuses["uncertain"] == len(server.deliveries())


def test_a_dry_run_whose_report_fills_the_disk_exits_2_and_leaves_nothing(tmp_path, small_disk):
    write_contacts(tmp_path / "contacts.csv", ROWS)
    report = small_disk.path / "preview.xlsx"
    small_disk.fill(leave=64 * 1024)

    full = run_cli("send", "contacts.csv", "-m", "Hola {{ nombre }}", "--country", "PE",
                   "--report", str(report), cwd=tmp_path)  # fmt: skip

    assert full.returncode == 2  # nothing was sent
    assert "cannot write the report" in one_line(full.stderr)
    assert sorted(p.name for p in small_disk.path.iterdir()) == ["filler"]


def rows(count: int, fail_after: int | None = None) -> Iterator[RowResult]:
    for i in range(count):
        if i == fail_after:
            raise OSError(28, os.strerror(28))  # ENOSPC, as a full disk under the temp folder
        yield RowResult(i + 2, (f"Cliente {i}", str(912000000 + i)), Outcome(Status.READY))


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_failed_report_leaves_no_partial_file_and_no_temporary_one(tmp_path, suffix, monkeypatch):
    scratch = tmp_path / "tmp"  # this test's own temporary folder: others may share the system's
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    path = tmp_path / "out" / f"report{suffix}"

    with pytest.raises(ReportError) as caught:
        write_report(path, ("Nombre", "Celular"), rows(500, fail_after=300), list)
    gc.collect()  # a finalizer that fails again would fail this test (filterwarnings = error)

    assert str(caught.value).startswith(f"{path}: cannot write the report ({os.strerror(28)})")
    assert list(path.parent.iterdir()) == []
    assert list(scratch.iterdir()) == []  # XlsxWriter's row and XML files are gone too


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="/dev/full is Linux's full disk")
def test_a_zip_on_a_full_disk_fails_once_and_its_finalizer_stays_quiet():
    file = PartialFile(Path("/dev/full"))
    archive = zipfile.ZipFile(file, "w")  # as XlsxWriter opens its workbook
    with pytest.raises(OSError) as caught:
        archive.writestr("xl/worksheets/sheet1.xml", uuid.uuid4().bytes * 100_000)
    del archive
    gc.collect()  # ZipFile.__del__ writes its end record again: quietly, into nothing
    with contextlib.suppress(OSError):
        file.close()

    assert caught.value.errno == 28
    assert file.failed
