"""The report (docs/spec.md section 5): read back with openpyxl, LibreOffice and the loader."""

from __future__ import annotations

import codecs
import csv
import shutil
import subprocess
import zipfile
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bulk_sender import Outcome, ReportError, RowResult, Status
from bulk_sender.contacts.cells import csv_cell
from bulk_sender.contacts.load import open_contacts
from bulk_sender.report.layout import RESULT_COLUMNS, result_titles
from bulk_sender.report.workbook import check_writable, write_report
from bulk_sender.report.xlsx import MAX_WIDTH, STATUS_COLOURS
from bulk_sender.result_columns import recognise_header, title

from .conftest import ROOT, machine_names, run_cli

COLUMNS = ("Nombre", "Teléfono", "Documento", "Total", "Fecha", "Nota")
HOSTILE = ('=HYPERLINK("http://x","y")', "+51 1", "@SUM(1)", "-2+3", "\tcmd", "\rcmd")
LIMA = timezone(timedelta(hours=-5))
SENT_AT = datetime(2026, 5, 1, 12, 30, 15, tzinfo=LIMA)
SUMMARY = [
    ("status sent", 1),
    ("status failed", 1),
    ("reason api_400", 1),
    ("started", datetime(2026, 5, 1, 12, 0, 0)),
    ("duration (s)", 12.5),
    ("command to resume", "bulk-sender send clientes.csv -t pedido_enviado --live"),
]


def sent(row: int, values: tuple[object, ...], **ids: str) -> RowResult:
    outcome = Outcome(Status.SENT, attempts=1, http_status=200, sent_at=SENT_AT,
                      message_id=ids.get("message_id", f"msg-{row}"),
                      whatsapp_id=ids.get("whatsapp_id", f"wamid.{row}"))  # fmt: skip
    return RowResult(row, values, outcome, "51987654321", f"Hola {values[0]}")


def sample_results() -> list[RowResult]:
    """One row per status, with the cell types a spreadsheet gives."""
    values = ("Ana", "+51 987 654 321", 5511987654321.0, 1250.5, date(2026, 5, 2), "ok")
    return [
        sent(2, values),
        RowResult(3, ("Bea", "987654322", "", 10, datetime(2026, 5, 3), ""),
                  Outcome(Status.FAILED, "api_400", "bad phone", 1, 400), "51987654322", "Hola"),
        RowResult(4, ("Ciro", "987654323", "", 0, None, ""),
                  Outcome(Status.UNCERTAIN, "read_timeout", "no answer", 1), "51987654323", "Hi"),
        RowResult(5, ("Dora", "123", "", 0, None, ""),
                  Outcome(Status.INVALID, "invalid_phone", "3 digits, too short for PE")),
        RowResult(6, ("Eva", "987654322", "", 0, None, ""),
                  Outcome(Status.DUPLICATE, "duplicate", "same as row 3"), "51987654322", "Hola"),
        RowResult(7, ("Fil", "987654324", "", 0, None, "x" * 500),
                  Outcome(Status.PENDING), "51987654324", "Hola"),
        RowResult(8, ("Gil", "987654325", "", 0, None, ""),
                  Outcome(Status.READY), "51987654325", "Hola"),
    ]  # fmt: skip


def write(path: Path, results: list[RowResult], **options: int) -> Path:
    return write_report(path, COLUMNS, results, lambda: SUMMARY, **options)


def cells_by_header(sheet: Any) -> list[dict[str, Any]]:
    """The data rows' cells, by header name; result columns by machine name (defined names)."""
    rows = list(sheet.iter_rows())
    names = machine_names(sheet.parent)
    headers = [names.get(i, cell.value) for i, cell in enumerate(rows[0])]
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]


def test_results_sheet_keeps_the_columns_and_shows_statuses_in_colour(tmp_path):
    path = write(tmp_path / "report.xlsx", sample_results())

    sheet = openpyxl.load_workbook(path)["results"]
    header = next(sheet.iter_rows(max_row=1))
    assert [c.value for c in header] == [*COLUMNS, *result_titles()]
    assert result_titles()[:3] == ("Row", "Status", "Detail")  # English, for a person
    assert all(cell.font.bold for cell in header)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:R8"  # the input's 6 columns and the 12 result_* ones
    rows = cells_by_header(sheet)
    statuses = ["sent", "failed", "uncertain", "invalid", "duplicate", "pending", "ready"]
    assert [r["result_status"].value for r in rows] == statuses
    for row in rows:
        status = Status(row["result_status"].value)
        fill = row["result_status"].fill
        if status in STATUS_COLOURS:
            assert fill.fgColor.rgb == "FF" + STATUS_COLOURS[status].lstrip("#")
        else:
            assert fill.fill_type is None
    assert STATUS_COLOURS[Status.INVALID] == STATUS_COLOURS[Status.DUPLICATE]
    assert rows[1]["result_detail"].value == "api_400: bad phone"
    widths = {col: sheet.column_dimensions[col].width for col in "ABFJ"}
    assert widths["A"] >= 8
    assert widths["F"] <= MAX_WIDTH + 1  # the 500-character note is capped
    assert widths["J"] > len("51987654321")


def test_phones_and_ids_are_text_and_times_real_local_date_times(tmp_path):
    path = write(tmp_path / "report.xlsx", sample_results())

    first = cells_by_header(openpyxl.load_workbook(path)["results"])[0]
    for name in ("result_phone", "result_message_id", "result_whatsapp_id"):
        assert first[name].data_type == "s"
        assert first[name].number_format == "@"
    assert first["result_phone"].value == "51987654321"
    # 13 digits would show as 5.51199E+12 as a number: Excel shows every digit of text.
    assert first["Documento"].value == "5511987654321"
    assert first["Teléfono"].value == "+51 987 654 321"
    assert first["Total"].value == 1250.5
    assert first["Fecha"].value == datetime(2026, 5, 2)
    assert first["Fecha"].number_format == "yyyy-mm-dd"
    midnight = cells_by_header(openpyxl.load_workbook(path)["results"])[1]["Fecha"]
    assert midnight.value == datetime(2026, 5, 3)
    assert midnight.number_format == "yyyy-mm-dd"  # a date cell, as a sheet reads it back
    assert first["result_attempts"].value == 1
    assert first["result_http_status"].value == 200
    sent_at = first["result_sent_at"]
    assert sent_at.is_date
    assert sent_at.number_format == "yyyy-mm-dd hh:mm:ss"
    assert sent_at.value == SENT_AT.astimezone().replace(tzinfo=None)


def test_summary_sheet_shows_counts_in_colour_and_times_as_dates(tmp_path):
    path = write(tmp_path / "report.xlsx", sample_results())

    sheet = openpyxl.load_workbook(path)["summary"]
    rows = [row for row in sheet.iter_rows(values_only=True) if row[0] is not None]
    assert rows[0] == ("Item", "Value", "Key")
    assert [(key, value) for __, value, key in rows[1 : len(SUMMARY) + 1]] == SUMMARY
    items = [item for item, __, __ in rows[1 : len(SUMMARY) + 1]]
    assert items == ["sent", "failed", "Plazbot answered 400", "Started", "Duration (seconds)",
                     "Command to resume"]  # fmt: skip
    columns = rows[len(SUMMARY) + 1 :]
    assert columns == [(title(name), name, f"column {name}") for name in RESULT_COLUMNS]
    assert sheet["A2"].fill.fgColor.rgb == "FF" + STATUS_COLOURS[Status.SENT].lstrip("#")
    started = next(row[1] for row in sheet.iter_rows() if row[2].value == "started")
    assert started.number_format == "yyyy-mm-dd hh:mm:ss"
    assert sheet.column_dimensions["B"].width > len(SUMMARY[-1][1])


def test_summary_sheet_has_a_native_bar_chart_of_the_status_counts(tmp_path):
    path = write(tmp_path / "report.xlsx", sample_results())

    with zipfile.ZipFile(path) as book:
        names = book.namelist()
        chart = book.read("xl/charts/chart1.xml").decode()
        sheets = {n: book.read(n).decode() for n in names if n.startswith("xl/worksheets/sheet")}
    assert [n for n, xml in sheets.items() if "<drawing " in xml] == ["xl/worksheets/sheet2.xml"]
    assert '<c:barDir val="bar"/>' in chart
    # SUMMARY's two status counts sit in rows 2 and 3 of the summary sheet.
    assert "<c:f>summary!$A$2:$A$3</c:f>" in chart
    assert "<c:f>summary!$B$2:$B$3</c:f>" in chart
    assert STATUS_COLOURS[Status.SENT].lstrip("#") in chart


def test_hostile_text_from_input_or_api_never_becomes_a_formula(tmp_path):
    results = [
        sent(2 + i, (text, "987654321", text, 0, None, text), message_id=text, whatsapp_id=text)
        for i, text in enumerate(HOSTILE)
    ]
    path = write(tmp_path / "report.xlsx", results)

    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    assert "<f " not in xml
    rows = cells_by_header(openpyxl.load_workbook(path)["results"])
    for text, row in zip(HOSTILE, rows, strict=True):
        for name in ("Nombre", "Documento", "Nota", "result_message_id", "result_whatsapp_id"):
            assert row[name].data_type == "s"
            # openpyxl leaves Excel's escape of CR, _x000D_, as it is; Excel and calamine decode it.
            assert row[name].value == text.replace("\r", "_x000D_")
            assert row[name].quotePrefix  # an edit in Excel keeps it text
    contacts = list(open_contacts(path).contacts())
    assert [c.values[0] for c in contacts] == [text.strip() for text in HOSTILE]
    assert [c.previous and c.previous["result_message_id"] for c in contacts] == [
        text.strip() for text in HOSTILE
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+51 987", "'+51 987"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Ana", "Ana"),
        ("'=already", "'=already"),
        (-5, "-5"),
        (51987654321.0, "51987654321"),
        (12.5, "12.5"),
        (None, ""),
        (True, "TRUE"),
        (datetime(2026, 5, 1, 9, 5, 7), "2026-05-01 09:05:07"),
        (date(2026, 5, 1), "2026-05-01"),
    ],
)
def test_csv_cell_prefixes_only_text_a_spreadsheet_would_execute(value, expected):
    assert csv_cell(value) == expected


def test_csv_report_has_a_bom_a_summary_beside_it_and_reads_back_exactly(tmp_path):
    results = [sent(2 + i, (text, "+51 987 654 321", text, 0, None, "")) for i, text in
               enumerate(HOSTILE[:4])]  # fmt: skip
    path = write(tmp_path / "report.csv", results)

    raw = path.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    first = next(csv.reader(raw.decode("utf-8-sig").splitlines()[1:2]))
    assert first[:2] == ['\'=HYPERLINK("http://x","y")', "'+51 987 654 321"]
    summary = (tmp_path / "report-summary.csv").read_bytes()
    assert summary.startswith(codecs.BOM_UTF8)
    lines = list(csv.reader(summary.decode("utf-8-sig").splitlines()))
    assert lines[0] == ["Item", "Value", "Key"]
    assert ["Command to resume", SUMMARY[-1][1], "command to resume"] in lines
    assert ["Duration (seconds)", "12.5", "duration (s)"] in lines
    # Each result column's title beside its machine name, for scripts reading the CSV.
    header = next(csv.reader(raw.decode("utf-8-sig").splitlines()[:1]))
    named = {title: name for title, name, key in lines if key.startswith("column ")}
    assert [named.get(cell, cell) for cell in header] == [*COLUMNS, *RESULT_COLUMNS]
    table = open_contacts(path)
    assert table.columns == COLUMNS
    contacts = list(table.contacts())
    assert [c.values[0] for c in contacts] == list(HOSTILE[:4])
    assert {c.values[1] for c in contacts} == {"+51 987 654 321"}
    assert contacts[0].previous is not None
    assert contacts[0].previous["result_message_id"] == "msg-2"
    assert contacts[0].previous["result_sent_at"] == csv_cell(SENT_AT.astimezone())[:19]


def test_rows_past_the_sheet_limit_go_on_in_more_results_sheets_that_load_back(tmp_path):
    results = [sent(row, (f"n{row}", "987654321", "", 0, None, "")) for row in range(2, 12)]
    path = write(tmp_path / "report.xlsx", results, sheet_rows=4)  # a header and 3 rows

    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["results", "results 2", "results 3", "results 4", "summary"]
    assert [book[name].max_row for name in book.sheetnames[:4]] == [4, 4, 4, 2]
    book.close()
    contacts = list(open_contacts(path).contacts())
    assert [c.values[0] for c in contacts] == [f"n{row}" for row in range(2, 12)]
    assert [c.row for c in contacts] == list(range(2, 12))
    assert all(c.previous and c.previous["result_status"] == "sent" for c in contacts)


@pytest.mark.parametrize("name", ["folder.xlsx", "report.txt", "file/report.xlsx"])
def test_check_writable_refuses_before_sending(tmp_path, name):
    (tmp_path / "folder.xlsx").mkdir()
    (tmp_path / "file").write_text("not a folder")

    with pytest.raises(ReportError, match="report"):
        check_writable(tmp_path / name)


def test_two_runs_checking_one_report_at_once_are_no_error(tmp_path, monkeypatch):
    target = tmp_path / "reports" / "r.xlsx"
    opened = Path.open

    def open_as_the_other_run_removes_it(self: Path, *args: Any, **kwargs: Any) -> Any:
        handle = opened(self, *args, **kwargs)
        self.unlink()  # the other run's check ends between this one's steps
        return handle

    monkeypatch.setattr(Path, "open", open_as_the_other_run_removes_it)
    check_writable(target)  # the campaign's lock, taken next, says which run goes on

    assert not target.exists()


def test_check_writable_leaves_no_file_behind_and_keeps_an_existing_one(tmp_path):
    check_writable(tmp_path / "new.csv")
    (tmp_path / "old.xlsx").write_bytes(b"old")
    check_writable(tmp_path / "old.xlsx")

    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.xlsx"]
    assert (tmp_path / "old.xlsx").read_bytes() == b"old"


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_report_that_cannot_be_written_goes_beside_it_and_says_where(tmp_path, capsys, suffix):
    target = tmp_path / f"report{suffix}"
    target.mkdir()  # like a file Excel holds open on Windows: it cannot be replaced

    written = write(target, sample_results())

    assert written.parent == tmp_path
    assert written.name.startswith("report-") and written.suffix == suffix
    assert len(list(open_contacts(written).contacts())) == len(sample_results())
    message = capsys.readouterr().err
    assert f"cannot write {target}" in message
    assert str(written) in message
    assert not list(tmp_path.glob("*partial*"))
    if suffix == ".csv":
        assert (tmp_path / "report-summary.csv").is_file()


def test_a_run_gets_the_moved_reports_notice_to_show_and_nothing_is_printed(tmp_path, capfd):
    target = tmp_path / "report.xlsx"
    target.mkdir()  # held open, as above
    notices: list[str] = []

    written = write_report(target, COLUMNS, sample_results(), lambda: SUMMARY, notices=notices)

    assert written != target and len(notices) == 1
    assert notices[0].startswith(f"bulk-sender: cannot write {target} (")
    assert notices[0].endswith(f"); wrote {written}")
    assert capfd.readouterr() == ("", "")


def test_a_new_report_replaces_the_last_one_whole(tmp_path):
    path = tmp_path / "report.xlsx"
    write(path, sample_results())
    write(path, sample_results()[:2])

    assert len(list(open_contacts(path).contacts())) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]


def test_a_report_that_cannot_be_written_anywhere_is_one_error(tmp_path):
    (tmp_path / "file").write_text("not a folder")

    with pytest.raises(ReportError, match=r"cannot write the report.*run the same command again"):
        write(tmp_path / "file" / "report.xlsx", sample_results())


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_shows_literal_text_every_digit_and_local_times(tmp_path):
    results = [sent(2, ("Ana", text, 5511987654321.0, 0, None, text)) for text in HOSTILE[:4]]
    path = write(tmp_path / "report.xlsx", results)
    profile = (tmp_path / "lo-profile").as_uri()  # its own profile: parallel runs never collide

    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path / "out"),
         str(path)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip

    text = (tmp_path / "out" / "report.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert [r["Teléfono"] for r in rows] == list(HOSTILE[:4])
    assert [r["Nota"] for r in rows] == list(HOSTILE[:4])  # not "y", not 3
    assert {r["Documento"] for r in rows} == {"5511987654321"}
    local = SENT_AT.astimezone().replace(tzinfo=None)
    assert {r["Sent at"] for r in rows} == {local.strftime("%Y-%m-%d %H:%M:%S")}
    assert {r["Status"] for r in rows} == {"sent"}


@pytest.mark.parametrize("report", ["campaign.xlsx", "campaign.csv"])
def test_a_fed_back_report_never_sends_a_sent_row_again_even_without_the_journal(
    tmp_path, serve, report
):
    shutil.copy(ROOT / "sample_data" / "clientes.csv", tmp_path)
    server = serve()
    template = str(ROOT / "templates" / "pedido_enviado.txt")
    common = ["-t", template, "--country", "PE", "--live", "--yes", "--api-url", server.url,
              "--rate", "0", "--quiet"]  # fmt: skip
    env = {"PLAZBOT_WORKSPACE_ID": "sandbox"}
    first = run_cli("send", "clientes.csv", *common, "--report", report, cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    assert len(server.deliveries()) == 43
    (tmp_path / "campaign.journal.sqlite3").unlink()

    again = run_cli("send", report, *common, "--report", f"again{Path(report).suffix}",
                    cwd=tmp_path, env=env)  # fmt: skip

    assert again.returncode == 0, again.stderr
    assert len(server.deliveries()) == 43
    headers, rows = read_back(tmp_path / f"again{Path(report).suffix}")
    assert headers.count("result_status") == 1  # the old result columns were set aside
    assert headers.count(title("result_status")) == 0  # read by the machine names
    assert Counter(r["result_status"] for r in rows) == {"sent": 43, "invalid": 6, "duplicate": 1}
    _, before = read_back(tmp_path / report)
    assert [r["result_message_id"] for r in rows] == [r["result_message_id"] for r in before]
    assert [r["result_sent_at"] for r in rows] == [r["result_sent_at"] for r in before]
    assert all(r["result_sent_at"] for r in rows if r["result_status"] == "sent")
    ids = {str(r["result_message_id"]) for r in rows if r["result_status"] == "sent"}
    assert ids == {d["id"] for d in server.deliveries()}


def test_a_report_path_that_cannot_be_written_stops_before_sending(tmp_path, serve):
    shutil.copy(ROOT / "sample_data" / "clientes.csv", tmp_path)
    (tmp_path / "locked.xlsx").mkdir()
    server = serve()

    result = run_cli(
        "send", "clientes.csv", "-m", "Hola {{ nombre }}", "--country", "PE", "--live", "--yes",
        "--api-url", server.url, "--report", "locked.xlsx", cwd=tmp_path,
        env={"PLAZBOT_WORKSPACE_ID": "sandbox"},
    )  # fmt: skip

    assert result.returncode == 2
    assert "locked.xlsx: cannot write the report" in result.stderr
    assert server.deliveries() == []


def read_back(path: Path) -> tuple[list[str], list[dict[str, object]]]:
    """A report's header and rows, result columns by machine name: a CSV's from its titles
    (`recognise_header`, any language), a workbook's from its defined names."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            values: list[Any] = list(csv.reader(f))
        names = recognise_header(values[0])
    else:
        book = openpyxl.load_workbook(path, read_only=True)
        values = list(book.worksheets[0].iter_rows(values_only=True))
        names = machine_names(book)
        book.close()
    headers = [names.get(i, str(h)) for i, h in enumerate(values[0])]
    return headers, [dict(zip(headers, row, strict=True)) for row in values[1:]]


def test_result_columns_are_the_spec_s():
    assert RESULT_COLUMNS == (
        "result_row", "result_status", "result_detail", "result_phone", "result_message",
        "result_attempts", "result_http_status", "result_message_id", "result_whatsapp_id",
        "result_sent_at", "result_reply", "result_replied_at",
    )  # fmt: skip
