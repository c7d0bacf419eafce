"""The journal on its own: what it keeps, and what a killed run leaves in it."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from time import monotonic, sleep

import pytest

from bulk_sender import JournalError, Outcome, Status
from bulk_sender.contacts.cells import decode_cells, encode_cells
from bulk_sender.journal.reading import Follower, snapshot
from bulk_sender.journal.store import Journal

from .conftest import report_rows, run_cli
from .test_resume import ENV, send_args, start_cli, wait_for_deliveries, write_contacts


def test_cells_keep_their_types_through_the_journal():
    cells = ("Ana", 51987654321, 12.5, Decimal("1.10"), date(2026, 11, 25),
             datetime(2026, 11, 25, 9, 30), time(16, 30), True, None, "=1+1")  # fmt: skip
    assert decode_cells(encode_cells(cells)) == cells


def test_a_journal_refuses_another_template_and_names_the_way_out(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as journal:
        journal.check_or_set({"template": "aaa", "target": "sandbox"}, campaign_hint="c-2")
        journal.check_or_set({"template": "aaa", "target": "sandbox"}, campaign_hint="c-2")
        journal.start_run()
        plan(journal, 2, "k2", "51900000002")
        journal.mark_in_flight("k2", 1)
        with pytest.raises(JournalError, match="another template") as caught:
            journal.check_or_set({"template": "bbb", "target": "sandbox"}, campaign_hint="c-2")
        assert "--campaign c-2" in str(caught.value)
        with pytest.raises(JournalError, match="another target"):
            journal.check_or_set({"template": "aaa", "target": "live"}, campaign_hint="c-2")


def plan(journal: Journal, row: int, key: str, phone: str) -> None:
    journal.add_message(key, phone=phone, message=f"m{row}", request="", row=row,
                        outcome=Outcome(Status.PENDING))  # fmt: skip
    journal.add_row(row, ("x",), key=key, phone=phone)
    journal.commit()


def test_a_journal_whose_messages_never_left_binds_to_a_corrected_template(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as journal:
        journal.check_or_set({"template": "typo", "target": "sandbox"}, campaign_hint="c-2")
        journal.start_run()
        plan(journal, 2, "k2", "51900000002")  # planned, never sent

        journal.check_or_set({"template": "fixed", "target": "sandbox"}, campaign_hint="c-2")

        assert journal.meta()["template"] == "fixed"


def test_the_plan_is_buffered_until_commit_yet_finds_its_own_rows(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as journal:
        journal.start_run()
        journal.add_row(2, ("x",), key="k", phone="51900000002")
        journal.add_row(3, ("y",), key="k", phone="51900000002")
        assert journal.first_row_with("k") == 2
        assert list(journal.results()) == []
        journal.commit()
        assert journal.first_row_with("k") == 2
        assert [r.row for r in journal.results()] == [2, 3]


def test_in_flight_rows_of_a_killed_run_become_uncertain(tmp_path):
    path = tmp_path / "j.sqlite3"
    with Journal(path) as journal:
        journal.start_run()
        plan(journal, 2, "k2", "51900000002")
        plan(journal, 3, "k3", "51900000003")
        journal.mark_in_flight("k2", 1)
    with Journal(path) as journal:
        journal.start_run()
        assert journal.known("k2").status == "uncertain"
        assert journal.known("k3").status == "pending"
        statuses = [r.outcome.status for r in journal.results()]
        assert statuses == [Status.UNCERTAIN, Status.PENDING]


def test_pending_comes_in_input_order_in_batches_and_honours_the_limit(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as journal:
        journal.start_run()
        for row in range(2, 30):
            plan(journal, row, f"k{row}", f"5190000{row:04d}")
        journal.record("k5", Outcome(Status.SENT, attempts=1))
        rows = [p.row for p in journal.pending(batch=4)]
        assert rows == [r for r in range(2, 30) if r != 5]
        assert [p.row for p in journal.pending(limit=6, batch=4)] == [2, 3, 4, 6, 7, 8]
        assert journal.count_pending() == (27, 27)


def test_earlier_delivery_finds_only_messages_sent_by_earlier_runs(tmp_path):
    path = tmp_path / "j.sqlite3"
    sent = Outcome(Status.SENT, attempts=1, sent_at=datetime(2026, 11, 25, tzinfo=UTC))
    with Journal(path) as journal:
        journal.start_run()
        plan(journal, 2, "k2", "51900000002")
        journal.record("k2", sent)
        assert journal.earlier_delivery("51900000002") is None  # same run
    with Journal(path) as journal:
        journal.start_run()
        earlier = journal.earlier_delivery("51900000002")
        assert earlier is not None and earlier.row == 2
        assert journal.earlier_delivery("51900000009") is None


def test_a_row_s_note_follows_its_message_s_detail_in_the_report(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as journal:
        journal.start_run()
        journal.add_message("k2", phone="51900000002", message="m2", request="", row=2,
                            outcome=Outcome(Status.PENDING))  # fmt: skip
        journal.add_row(2, ("x",), key="k2", phone="51900000002", note="from Phone 2 - Value")
        earlier = Outcome(Status.SENT, "", "sent in an earlier run (from the report fed back)")
        journal.add_message("k3", phone="51900000003", message="m3", request="", row=3,
                            outcome=earlier)  # fmt: skip
        journal.add_row(3, ("y",), key="k3", phone="51900000003", outcome=earlier)
        journal.commit()
        journal.record("k2", Outcome(Status.FAILED, "api_400", "bad phone"))

        details = [r.outcome.result_detail for r in journal.results()]

    assert details == [
        "api_400: bad phone; from Phone 2 - Value",
        "sent in an earlier run (from the report fed back)",  # said once, not twice
    ]


def test_a_message_is_claimed_only_while_it_is_pending(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as journal:
        journal.start_run()
        plan(journal, 2, "k2", "51900000002")

        assert journal.mark_in_flight("k2", 1)
        assert not journal.mark_in_flight("k2", 1)  # another writer holds it
        journal.record("k2", Outcome(Status.PENDING, "api_503", "retrying", 1))
        assert journal.mark_in_flight("k2", 2)  # between retries it is pending again
        journal.record("k2", Outcome(Status.SENT, attempts=2))
        assert not journal.mark_in_flight("k2", 3)
        assert [r.outcome.status for r in journal.results()] == [Status.SENT]


def test_a_group_of_marks_says_which_messages_this_run_claimed(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as journal:
        journal.start_run()
        for row in (2, 3, 4):
            plan(journal, row, f"k{row}", f"5190000000{row}")
        journal.record_many([("k3", Outcome(Status.SENT, attempts=1))])

        assert journal.mark_many([("k2", 1), ("k3", 1), ("k4", 2)]) == [True, False, True]
        statuses = [r.outcome.status for r in journal.results()]
        assert statuses == [Status.UNCERTAIN, Status.SENT, Status.UNCERTAIN]  # in flight: unsure


def test_a_journal_from_an_earlier_version_gets_the_phone_index_that_sending_leaves_alone(
    tmp_path,
):
    path = tmp_path / "j.sqlite3"
    with Journal(path) as journal:
        journal.start_run()
    with sqlite3.connect(path) as db:  # the index of earlier versions, on (phone, status)
        db.execute("DROP INDEX messages_by_phone")
        db.execute("CREATE INDEX messages_phone ON messages (phone, status)")
        db.execute("PRAGMA user_version = 0")  # journals of those versions had no version
    db.close()

    with Journal(path) as journal:
        journal.start_run()
    with sqlite3.connect(path) as db:
        indexes = {name for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages' "
            "AND sql IS NOT NULL")}  # fmt: skip
    db.close()

    assert indexes == {"messages_by_phone"}


def test_a_plan_left_unfinished_leaves_the_last_complete_one(tmp_path):
    path = tmp_path / "j.sqlite3"
    with Journal(path) as journal:
        journal.start_run()
        plan(journal, 2, "k2", "51900000002")
        journal.record("k2", Outcome(Status.FAILED, "api_400", "no", 1))
    with Journal(path) as journal:  # a second run, killed while planning
        journal.start_run()
        journal.start_plan()
        journal.add_row(7, ("new",), key="k2", phone="51900000002")
        journal.set_pending("k2")  # --retry-failed
        journal.commit()
        assert journal.first_row_with("k2") == 7
        assert [(r.row, r.outcome.status) for r in journal.results()] == [(2, Status.FAILED)]
    with Journal(path) as journal:
        assert [(r.row, r.outcome.status) for r in journal.results()] == [(2, Status.FAILED)]
        journal.start_run()
        journal.start_plan()
        journal.add_row(7, ("new",), key="k2", phone="51900000002")
        journal.set_pending("k2")
        journal.finish_plan()
        assert [(r.row, r.outcome.status) for r in journal.results()] == [(7, Status.PENDING)]


@pytest.mark.parametrize(
    "content",
    [b"Nombre;Celular\nAna;987654321\n", b"SQLite format 3\x00" + bytes(range(256)) * 20],
    ids=["a foreign file", "a damaged journal"],
)
def test_a_file_that_is_no_journal_is_refused_in_one_line_naming_it(tmp_path, content):
    path = tmp_path / "j.sqlite3"
    path.write_bytes(content)

    with pytest.raises(JournalError) as caught:
        Journal(path)
    with pytest.raises(JournalError) as copied:
        snapshot(path).__enter__()

    for error in (caught.value, copied.value):
        assert str(error).startswith(f"{path}: ") and "\n" not in str(error)
        assert isinstance(error.__cause__, sqlite3.DatabaseError)
    assert path.read_bytes() == content  # left as it was


def test_a_journal_that_cannot_have_its_folder_says_so(tmp_path):
    (tmp_path / "reports").write_text("a file where a folder should be")
    path = tmp_path / "reports" / "j.sqlite3"

    with pytest.raises(JournalError, match=f"^{re.escape(str(path))}: cannot create its folder"):
        Journal(path)


def test_a_full_disk_while_recording_is_a_journal_error_and_keeps_what_was_written(tmp_path):
    path = tmp_path / "j.sqlite3"
    with Journal(path) as journal:
        journal.start_run()
        plan(journal, 2, "k2", "51900000002")
        journal.record("k2", Outcome(Status.SENT, attempts=1))
        pages = journal._db.execute("PRAGMA page_count").fetchone()[0]
        journal._db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "disk full"
        with pytest.raises(JournalError) as caught:
            for row in range(3, 500):
                plan(journal, row, f"k{row}", f"5190000{row:04d}")
    assert str(caught.value).startswith(f"{path}: cannot read or write the journal (")
    assert isinstance(caught.value.__cause__, sqlite3.OperationalError)
    with snapshot(path) as copy:
        assert copy.known("k2").status == "sent"


def test_a_journal_failing_while_sending_stops_keeps_what_is_known_and_exits_1(tmp_path, serve):
    server = serve("--latency-ms", "50")
    write_contacts(tmp_path / "contacts.csv", 300)
    sending = start_cli(send_args(server.url, "--concurrency", "4"), tmp_path)
    wait_for_deliveries(server, 10)
    journal = tmp_path / "reports" / "contacts-message.journal.sqlite3"
    report = tmp_path / "reports" / "contacts-message.xlsx"
    # Another program takes the journal's write lock for longer than SQLite waits: every
    # write of the run fails with SQLite's "database is locked", as the issue saw it.
    blocker = sqlite3.connect(journal, isolation_level=None)
    try:
        blocker.execute("BEGIN EXCLUSIVE")
        deadline = monotonic() + 120
        while not report.exists() and sending.poll() is None:
            assert monotonic() < deadline, "the run neither stopped nor wrote its report"
            sleep(0.05)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    _, err = sending.communicate(timeout=120)

    assert sending.returncode == 1, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith(f"bulk-sender: error: {Path('reports/contacts-message.journal.sqlite3')}")
    assert "Sending stopped, every outcome journaled is kept; report: " in err
    rows = report_rows(report)
    delivered = Counter((d["phone"], d["content"]) for d in server.deliveries())
    assert len(rows) == 300 and max(delivered.values()) == 1
    sent = [r for r in rows if r["result_status"] == "sent"]
    assert sent and all(delivered[(r["result_phone"], r["result_message"])] for r in sent)
    for row in rows:  # a message that went out without its answer journaled is never pending
        if delivered[(row["result_phone"], row["result_message"])]:
            assert row["result_status"] in ("sent", "uncertain"), row

    rerun = run_cli(*send_args(server.url), cwd=tmp_path, env=ENV)

    assert rerun.returncode in (0, 1), rerun.stderr
    delivered = Counter((d["phone"], d["content"]) for d in server.deliveries())
    assert len(delivered) == 300 and max(delivered.values()) == 1


def test_a_follower_reads_rows_as_they_settle_in_order_then_the_rest(tmp_path):
    path = tmp_path / "j.sqlite3"
    sent = Outcome(Status.SENT, attempts=1, http_status=200, message_id="m")
    with Journal(path) as journal:
        journal.start_run()
        journal.start_plan()
        journal.add_row(2, ("x",), outcome=Outcome(Status.INVALID, "no_phone", "no phone"))
        for row in (3, 4, 5):
            plan(journal, row, f"k{row}", f"5190000000{row}")
        follower = Follower(path, "rows_next")  # another process's view, while it plans
        assert [r.row for r in follower.settled()] == [2]  # row 3 is still to be sent

        journal.mark_in_flight("k4", 1)
        journal.record("k4", sent)
        assert list(follower.settled()) == []  # row 4 is done, but row 3 comes first
        journal.mark_in_flight("k3", 1)
        journal.record("k3", sent)
        journal.mark_in_flight("k5", 1)
        assert [(r.row, r.outcome.status) for r in follower.settled()] == [
            (3, Status.SENT), (4, Status.SENT)
        ]  # fmt: skip

        journal.finish_plan()  # `rows_next` becomes `rows`: the follower carries on there
        rest = list(follower.rest())
        follower.close()

    assert [(r.row, r.outcome.status, r.outcome.code) for r in rest] == [
        (5, Status.UNCERTAIN, "in_flight")
    ]
