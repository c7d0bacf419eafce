"""One run per campaign: the lock beside the journal, and two real `send` processes on one campaign.

The processes send to `bulk-sender serve` over loopback; its delivery log is the witness that
no message went out twice.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bulk_sender import JournalError
from bulk_sender.journal.lock import RunLock, busy_message
from bulk_sender.journal.reading import snapshot
from bulk_sender.journal.store import Journal

from .conftest import clean_env, report_rows, run_cli
from .test_resume import ENV, send_args, start_cli, wait_for_deliveries, write_contacts

JOURNAL = "reports/contacts-message.journal.sqlite3"
BUSY = re.compile(
    rf"bulk-sender: error: {re.escape(JOURNAL)}: another run of this campaign is in progress "
    r"\(since \d\d:\d\d:\d\d, process (\d+)\)"
)


def test_the_message_names_the_journal_the_time_and_the_process():
    since = datetime.now().astimezone().replace(hour=10, minute=14, second=3, microsecond=0)
    holder = {"holder_pid": "4242", "holder_since": since.isoformat()}

    assert busy_message(Path("reports/x.journal.sqlite3"), holder) == (
        "reports/x.journal.sqlite3: another run of this campaign is in progress "
        "(since 10:14:03, process 4242)"
    )


def test_a_run_held_since_another_day_says_the_day():
    since = (datetime.now().astimezone() - timedelta(days=2)).replace(microsecond=0)
    holder = {"holder_pid": "7", "holder_since": since.isoformat()}

    assert f"(since {since:%Y-%m-%d %H:%M:%S}, process 7)" in busy_message(Path("j"), holder)


def test_a_holder_not_yet_known_still_gives_one_line():
    assert busy_message(Path("j"), {}) == "j: another run of this campaign is in progress"


def test_one_journal_opens_once_at_a_time_and_frees_itself_when_closed(tmp_path):
    path = tmp_path / "j.sqlite3"
    with Journal(path):
        with pytest.raises(JournalError, match=r"in progress \(since .*, process \d+\)"):
            Journal(path)
        with snapshot(path) as copy:  # readers are welcome, and see it is being sent
            assert copy.sending_elsewhere and copy.meta()["holder_pid"].isdigit()
    with snapshot(path) as copy:
        assert not copy.sending_elsewhere and "holder_pid" not in copy.meta()
    with Journal(path) as again:
        again.start_run()


HOLD = """
import sys, time
from bulk_sender.journal.store import Journal
journal = Journal(sys.argv[1])
print("holding", flush=True)
time.sleep(600)
"""


def test_a_killed_run_never_leaves_a_stale_lock(tmp_path):
    path = tmp_path / "j.sqlite3"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True,
        env=clean_env(),
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        with pytest.raises(JournalError, match=f"process {holder.pid}\\)"):
            Journal(path)
    finally:
        holder.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no cleanup runs
        holder.communicate()

    assert RunLock(path).acquire()  # the operating system let go with the process
    with Journal(path) as journal:
        journal.start_run()


def test_a_second_send_while_the_first_is_sending_exits_2_with_one_line(tmp_path, serve):
    server = serve("--latency-ms", "100")
    write_contacts(tmp_path / "contacts.csv", 300)
    first = start_cli(send_args(server.url, "--concurrency", "4"), tmp_path)
    try:
        wait_for_deliveries(server, 10)
        second = run_cli(*send_args(server.url), cwd=tmp_path, env=ENV)
        preview = run_cli(*send_args(server.url)[:6], cwd=tmp_path, env=ENV)  # a dry run
        rebuilt = run_cli("report", JOURNAL, "--output", "now.xlsx", cwd=tmp_path)
    finally:
        _, err = first.communicate(timeout=300)

    assert second.returncode == 2 and second.stdout == ""
    assert len(second.stderr.splitlines()) == 1, second.stderr
    match = BUSY.fullmatch(second.stderr.strip())
    assert match and int(match[1]) == first.pid, second.stderr
    assert preview.returncode == 0, preview.stderr  # the dry run read a snapshot
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert len(report_rows(tmp_path / "now.xlsx")) == 300
    assert first.returncode == 0, err
    assert_each_row_delivered_once(server, 300)


def test_two_sends_started_together_one_sends_and_the_other_exits_2(tmp_path, serve):
    server = serve("--latency-ms", "100")
    write_contacts(tmp_path / "contacts.csv", 300)
    args = send_args(server.url, "--concurrency", "4")
    runs = [start_cli(args, tmp_path), start_cli(args, tmp_path)]
    results = [(run, *run.communicate(timeout=300)) for run in runs]

    codes = sorted(run.returncode for run, _, _ in results)
    assert codes == [0, 2], results
    winner = next(run for run, _, _ in results if run.returncode == 0)
    _, out, err = next(r for r in results if r[0].returncode == 2)
    assert out == "" and len(err.splitlines()) == 1, err
    match = BUSY.fullmatch(err.strip())
    assert match and int(match[1]) == winner.pid, err
    assert_each_row_delivered_once(server, 300)


def assert_each_row_delivered_once(server, rows: int) -> None:
    delivered = Counter((d["phone"], d["content"]) for d in server.deliveries())
    assert len(delivered) == rows and max(delivered.values()) == 1


def test_the_lock_is_free_again_after_a_run(tmp_path, serve):
    server = serve()
    write_contacts(tmp_path / "contacts.csv", 5)
    for _ in range(2):
        done = run_cli(*send_args(server.url), cwd=tmp_path, env=ENV)
        assert done.returncode == 0, done.stderr
    assert len(server.deliveries()) == 5
    assert RunLock(tmp_path / JOURNAL).acquire()
