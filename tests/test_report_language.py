"""The report in the user's language, and read back in any (docs/spec.md sections 5 and 11).

Words are compared with the catalogs' own (`translations(lang).gettext`), so a better
translation breaks no test; what is asserted is the project's decisions: which cells are
worded, that they are translated, that the machine names stay for scripts, and that a report
in one language resumes a campaign run in another.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from bulk_sender import lifecycle
from bulk_sender.contacts.load import open_contacts
from bulk_sender.language import (
    LANGUAGES,
    babel_locale,
    shown_datetime,
    translations,
    use_language,
)
from bulk_sender.lifecycle import REPORTED, Status
from bulk_sender.report.layout import RESULT_COLUMNS
from bulk_sender.report.words import DETAILS, as_text, excel_date_format
from bulk_sender.result_columns import TITLES, recognise_header, status_of

from .conftest import ROOT, machine_names, report_rows, report_summary, run_cli
from .test_report import COLUMNS, SENT_AT, SUMMARY, sample_results, write

OTHERS = ("es", "pt_BR")


def words(language: str) -> Any:
    return translations(language).gettext


def reason(language: str, code: str) -> str:
    if code.startswith("api_"):
        return words(language)(lifecycle.API_REASON).format(status=code[4:])
    return str(words(language)(lifecycle.REASONS[code]))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_workbook_speaks_the_language_and_keeps_machine_names(tmp_path, language):
    gettext = words(language)
    with use_language(language):
        path = write(tmp_path / "report.xlsx", sample_results())

    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [gettext("results"), gettext("summary")]
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    titles = [gettext(TITLES[name]) for name in RESULT_COLUMNS]
    assert header == [*COLUMNS, *titles]
    # A defined name per result column, its machine name, over that column's cells.
    assert machine_names(book) == {len(COLUMNS) + i: n for i, n in enumerate(RESULT_COLUMNS)}
    status = book.defined_names["result_status"]
    assert list(status.destinations) == [(sheet.title, "$H$2:$H$8")]
    statuses = [result.outcome.status for result in sample_results()]
    assert [row[7].value for row in sheet.iter_rows(min_row=2)] == [gettext(s) for s in statuses]
    with use_language(language):
        assert sheet["P2"].number_format == excel_date_format(datetime)  # result_sent_at
    summary = book.worksheets[1]
    rows = [row for row in summary.iter_rows(min_row=2, values_only=True) if row[0] is not None]
    by_key = {key: (item, value) for item, value, key in rows}
    assert [(key, by_key[key][1]) for key, __ in SUMMARY] == SUMMARY
    assert by_key["status sent"][0] == gettext("sent")
    assert by_key["reason api_400"][0] == reason(language, "api_400")
    assert by_key["started"][0] == gettext(DETAILS["started"])
    assert isinstance(by_key["started"][1], datetime)  # a real date-time, shown the locale's way
    assert by_key["column result_phone"] == (gettext("Phone used"), "result_phone")
    if language != "en":  # nothing left in English where the catalog has the words
        english = {*RESULT_COLUMNS, *TITLES.values(), "results", "summary", "sent", "failed"}
        shown = {*book.sheetnames, *titles, *(item for item, __ in by_key.values())}
        assert not (shown & english) - {gettext(word) for word in english}


def test_spanish_titles_are_the_ones_a_person_uses():
    gettext = words("es")
    assert [gettext(TITLES[n]) for n in ("result_status", "result_phone", "result_sent_at")] == [
        "Estado", "Teléfono usado", "Enviado el",
    ]  # fmt: skip
    assert gettext("sent") == "enviado"


@pytest.mark.parametrize("language", OTHERS)
def test_a_csv_report_speaks_the_language_and_its_summary_names_the_columns(tmp_path, language):
    with use_language(language):
        path = write(tmp_path / "report.csv", sample_results())

    with path.open(encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f))
    gettext = words(language)
    assert header[len(COLUMNS) :] == [gettext(TITLES[name]) for name in RESULT_COLUMNS]
    assert rows[0][len(COLUMNS) + 1] == gettext("sent")
    with (tmp_path / "report-summary.csv").open(encoding="utf-8-sig", newline="") as f:
        summary = list(csv.reader(f))
    by_key = {key: (item, value) for item, value, key in summary[1:]}
    # Numbers and dates as the locale writes them, the stable key beside them.
    assert by_key["duration (s)"] == (
        gettext("Duration (seconds)"),
        format_decimal(12.5, locale=language),
    )
    started = datetime(2026, 5, 1, 12, 0, 0)
    assert by_key["started"][1] == format_datetime(started, "medium", locale=language)
    assert by_key["reason api_400"][0] == reason(language, "api_400")
    named = {item: value for item, value, key in summary[1:] if key.startswith("column ")}
    assert [named.get(cell, cell) for cell in header] == [*COLUMNS, *RESULT_COLUMNS]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_s_titles_and_status_words_are_recognised(language):
    gettext = words(language)
    titles = [gettext(TITLES[name]) for name in RESULT_COLUMNS]
    found = recognise_header(["Nombre", "Teléfono", *titles])
    assert found == {2 + i: name for i, name in enumerate(RESULT_COLUMNS)}
    for status in REPORTED:
        assert status_of(gettext(status.value)) is status
        assert status_of(f" {gettext(status.value).upper()} ") is status
        assert status_of(status.value) is status  # the machine names, from older reports


def test_machine_names_and_mixed_case_titles_are_recognised_and_a_contacts_state_is_not():
    assert recognise_header(["Nombre", "result_status", "result_phone"]) == {
        1: "result_status", 2: "result_phone",
    }  # fmt: skip
    # A contacts file's own "Estado" (a state) and "Mensaje" are the user's columns.
    assert recognise_header(["Nombre", "Estado", "Mensaje", "Teléfono"]) == {}
    # A report of a file that had its own "Mensaje": the report's is the last one.
    header = ["Mensaje", *(words("es")(TITLES[name]) for name in RESULT_COLUMNS)]
    assert recognise_header(header)[5] == "result_message"
    assert 0 not in recognise_header(header)


@pytest.mark.parametrize(("written", "read"), [("es", "pt_BR"), ("pt_BR", "en"), ("en", "es")])
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_report_loads_back_in_another_language(tmp_path, written, read, suffix):
    with use_language(written):
        path = write(tmp_path / f"report{suffix}", sample_results())

    with use_language(read):
        table = open_contacts(path)
        contacts = list(table.contacts())
    assert table.columns == COLUMNS  # the result columns set aside, whatever their titles
    assert table.result_columns == RESULT_COLUMNS
    statuses = [contact.previous and contact.previous["result_status"] for contact in contacts]
    assert statuses == [result.outcome.status.value for result in sample_results()]
    assert contacts[0].previous is not None
    assert contacts[0].previous["result_phone"] == "51987654321"


def test_a_long_spanish_report_goes_on_in_sheets_that_load_back(tmp_path):
    with use_language("es"):
        path = write(tmp_path / "report.xlsx", sample_results(), sheet_rows=4)

    base = words("es")("results")
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == [base, f"{base} 2", f"{base} 3", words("es")("summary")]
    book.close()
    contacts = list(open_contacts(path).contacts())
    assert [c.row for c in contacts] == [r.row for r in sample_results()]


def test_no_status_word_means_two_statuses_in_any_two_languages():
    meanings: dict[str, set[Status]] = {}
    for language in LANGUAGES:
        for status in REPORTED:
            meanings.setdefault(words(language)(status.value).casefold(), set()).add(status)
    assert {word: s for word, s in meanings.items() if len(s) > 1} == {}


def send(report_in: str, report_out: str, url: str, cwd: Path, language: str, *more: str) -> Any:
    template = str(ROOT / "templates" / "pedido_enviado.txt")
    return run_cli(
        "send", report_in, "-t", template, "--country", "PE", "--live", "--yes",
        "--api-url", url, "--rate", "0", "--quiet", "--report", report_out, *more,
        cwd=cwd, env={"PLAZBOT_WORKSPACE_ID": "sandbox", "BULK_SENDER_LANG": language},
    )  # fmt: skip


def test_a_portuguese_colleague_resumes_a_spanish_campaign_from_its_report(tmp_path, serve):
    shutil.copy(ROOT / "sample_data" / "clientes.xlsx", tmp_path)
    server = serve()

    first = send("clientes.xlsx", "lima.xlsx", server.url, tmp_path, "es", "--limit", "10")

    assert first.returncode == 1, first.stderr  # stopped part way: rows left pending
    assert len(server.deliveries()) == 10
    es, pt = words("es"), words("pt_BR")
    book = openpyxl.load_workbook(tmp_path / "lima.xlsx", read_only=True)
    assert book.sheetnames == [es("results"), es("summary")]
    header = next(book.worksheets[0].iter_rows(max_row=1, values_only=True))
    book.close()
    assert es("Status") in header and "result_status" not in header
    lima = report_rows(tmp_path / "lima.xlsx", as_written=True)
    assert Counter(row["result_status"] for row in lima)[es("sent")] == 10
    (tmp_path / "lima.journal.sqlite3").unlink()  # only the report knows what was sent

    second = send("lima.xlsx", "sao-paulo.xlsx", server.url, tmp_path, "pt_BR")

    assert second.returncode == 0, second.stderr
    phones = Counter(d["phone"] for d in server.deliveries())
    assert len(server.deliveries()) == 43 and max(phones.values()) == 1  # none sent twice
    book = openpyxl.load_workbook(tmp_path / "sao-paulo.xlsx", read_only=True)
    assert book.sheetnames == [pt("results"), pt("summary")]
    header = next(book.worksheets[0].iter_rows(max_row=1, values_only=True))
    book.close()
    assert list(header).count(pt("Status")) == 1  # the Spanish result columns set aside
    assert es("Status") not in header or es("Status") == pt("Status")
    rows = report_rows(tmp_path / "sao-paulo.xlsx", as_written=True)
    counts = Counter(row["result_status"] for row in rows)
    assert counts[pt("sent")] == 43 and counts[pt("invalid")] == 6
    kept = {row["result_message_id"] for row in lima if row["result_status"] == es("sent")}
    assert kept <= {row["result_message_id"] for row in rows}  # the first run's, kept
    ids = {str(row["result_message_id"]) for row in rows if row["result_status"] == pt("sent")}
    assert ids == {str(d["id"]) for d in server.deliveries()}
    summary = report_summary(tmp_path / "sao-paulo.xlsx")
    assert summary["status sent"] == 43

    third = send("sao-paulo.xlsx", "london.csv", server.url, tmp_path, "en")

    assert third.returncode == 0, third.stderr
    assert len(server.deliveries()) == 43  # a Portuguese report, read by an English run
    with (tmp_path / "london.csv").open(encoding="utf-8-sig", newline="") as f:
        english = list(csv.DictReader(f))
    assert Counter(row["Status"] for row in english) == {"sent": 43, "invalid": 6, "duplicate": 1}


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_shows_a_spanish_report_in_spanish(tmp_path):
    with use_language("es"):
        path = write(tmp_path / "reporte.xlsx", sample_results()[:2])
    profile = (tmp_path / "lo-profile").as_uri()  # its own profile: parallel runs never collide

    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path / "out"),
         str(path)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip

    text = (tmp_path / "out" / "reporte.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    es = words("es")
    assert [r[es("Status")] for r in rows] == [es("sent"), es("failed")]
    assert rows[0][es("Phone used")] == "51987654321"
    local = SENT_AT.astimezone()  # day first, as Lima writes it: 1/5/2026, not 5/1/2026
    shown = f"{local.day}/{local.month}/{local.year}, {local.hour}:{local:%M:%S}"
    assert rows[0][es("Sent at")] == shown


def test_a_csv_summary_writes_english_dates_as_iso_and_others_as_their_locale():
    moment, day = datetime(2026, 12, 3, 9, 5, 3).astimezone(), date(2026, 12, 3)
    with use_language("en"):
        assert as_text(moment) == "2026-12-03 09:05:03"
        assert as_text(day) == "2026-12-03"
    with use_language("es"):
        assert as_text(moment) == shown_datetime(moment, seconds=True)
        assert as_text(day) == format_date(day, "medium", locale=babel_locale("es"))
