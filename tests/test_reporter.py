"""The report written beside the run: by a child process or a thread, the same report."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime

import openpyxl
import pytest

from bulk_sender import Outcome, ReportError, RowResult, Status
from bulk_sender.journal.store import Journal
from bulk_sender.language import translations, use_language
from bulk_sender.report.process import PROCESS_ROWS
from bulk_sender.report.writers import (
    FollowingReport,
    ReportProcess,
    ReportThread,
    WrittenAtFinish,
    start_report,
)

from .conftest import ROOT, report_rows, report_summary

COLUMNS = ("Nombre", "Entrega")


def rows() -> list[RowResult]:
    return [
        RowResult(
            n, (f"Cliente {n}", datetime(2026, 12, 3, 9)), Outcome(Status.READY), "519", "Hola"
        )
        for n in range(2, 600)
    ]


def details() -> list[tuple[str, object]]:
    return [("campaign", "diciembre")]


def written_at_finish(path, columns):
    """The rows handed to it beforehand, as the journal's would be read at the end."""
    kept = []
    report = WrittenAtFinish(path, columns, lambda: kept)
    report.add = kept.append
    return report


@pytest.mark.parametrize("kind", [ReportProcess, ReportThread, written_at_finish])
def test_every_writer_makes_the_same_report_from_the_same_rows(tmp_path, kind):
    report = kind(tmp_path / f"{kind.__name__}.xlsx", COLUMNS)
    for result in rows():
        report.add(result)

    path, tally = report.finish(details)
    report.close()

    assert path == tmp_path / f"{kind.__name__}.xlsx"
    assert tally.statuses == {"ready": 598}
    written = report_rows(path)
    assert len(written) == 598 and written[0]["Entrega"] == datetime(2026, 12, 3, 9)
    assert written[-1]["result_row"] == 599


@pytest.mark.parametrize("kind", [ReportProcess, ReportThread, written_at_finish])
def test_every_writer_writes_in_the_caller_s_language(tmp_path, kind):
    """A thread and a child process word the report as the run does (its context's language)."""
    with use_language("pt_BR"):
        report = kind(tmp_path / "r.xlsx", COLUMNS)
        for result in rows()[:3]:
            report.add(result)
        path, __ = report.finish(details)
        report.close()

    pt = translations("pt_BR").gettext
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == [pt("results"), pt("summary")]
    book.close()
    assert {row["result_status"] for row in report_rows(path, as_written=True)} == {pt("ready")}
    assert report_summary(path)["campaign"] == "diciembre"


def test_a_report_that_cannot_be_written_is_one_error(tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the report's folder should be")
    report = ReportProcess(blocked / "r.xlsx", COLUMNS)
    report.add(rows()[0])

    with pytest.raises(ReportError, match="cannot write the report"):
        report.finish(details)
    report.close()


def test_a_live_runs_report_follows_its_journal_and_ends_with_every_outcome(tmp_path):
    journal_path = tmp_path / "c.journal.sqlite3"
    sent = Outcome(Status.SENT, attempts=1, http_status=200, message_id="m")
    with Journal(journal_path) as journal:
        journal.start_run()
        journal.start_plan()
        for n in range(2, 602):
            journal.add_row(n, (f"Cliente {n}", datetime(2026, 12, 3, 9)), key=f"k{n}",
                            phone=f"519{n:08d}")  # fmt: skip
            journal.add_message(f"k{n}", phone=f"519{n:08d}", message="Hola", request="",
                                row=n, outcome=Outcome(Status.PENDING))  # fmt: skip
        journal.commit()
        report = FollowingReport(tmp_path / "c.xlsx", COLUMNS, journal_path)
        report.follow("rows_next")  # the run sends while its plan is written
        for n in range(2, 602):
            if n != 300:  # left pending: the rows after it wait for the end of the run
                journal.mark_in_flight(f"k{n}", 1)
                journal.record(f"k{n}", sent)
        journal.finish_plan()

        path, tally = report.finish(details)
        report.close()

    assert path == tmp_path / "c.xlsx"
    assert tally.statuses == {"sent": 599, "pending": 1}
    written = report_rows(path)
    assert [row["result_row"] for row in written] == list(range(2, 602))
    assert {row["result_row"] for row in written if row["result_status"] != "sent"} == {300}
    assert written[0]["Entrega"] == datetime(2026, 12, 3, 9)


def test_long_lists_get_a_process_short_ones_a_thread(tmp_path):
    long = start_report(tmp_path / "a.xlsx", COLUMNS, PROCESS_ROWS)
    short = start_report(tmp_path / "b.xlsx", COLUMNS, PROCESS_ROWS - 1)

    assert isinstance(long, ReportProcess) and isinstance(short, ReportThread)
    for report in (long, short):
        report.finish(details)
        report.close()


def test_a_script_without_a_main_guard_runs_once(tmp_path):
    script = tmp_path / "script.py"
    script.write_text(
        "import bulk_sender.report.process as reporter\n"
        "from pathlib import Path\n"
        "from bulk_sender import Settings, run_campaign\n"
        "reporter.PROCESS_ROWS = 1  # the report in a child process even for this list\n"
        f"contacts = Path(r'{ROOT / 'sample_data' / 'clientes.csv'}')\n"
        "result = run_campaign(Settings(contacts=contacts, message='Hola {{ nombre }}',\n"
        "                               country='PE', reports_dir=Path('out'), quiet=True))\n"
        "print('ran', sum(result.statuses.values()))\n",
        encoding="utf-8",
    )

    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["ran 50"]


def test_the_report_process_zips_at_the_fastest_level_and_leaves_others_alone():
    # In a process of its own, as the report's: the change is that process's alone.
    script = (
        "import io\n"
        "from xlsxwriter import workbook\n"
        "from bulk_sender.report.process import zip_fast\n"
        "print(workbook.ZipFile(io.BytesIO(), 'w').compresslevel)\n"
        "zip_fast()\n"
        "print(workbook.ZipFile(io.BytesIO(), 'w').compresslevel)\n"
    )

    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )

    assert done.stdout.split() == ["None", "1"]
