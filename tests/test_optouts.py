"""The opt-out list: read from any contacts format, kept as a plain CSV, obeyed by every send."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from bulk_sender import (
    ConfigError,
    InputError,
    Mode,
    Protection,
    SendSettings,
    Settings,
    Status,
    run_campaign,
)
from bulk_sender.protect.optouts import (
    HEADER,
    add_phones,
    find_optouts,
    parse_phones,
    read_listing,
    read_optouts,
    remove_phones,
    write_atomically,
)
from bulk_sender.report.xlsx import STATUS_COLOURS

from .conftest import machine_names, report_rows

NOW = datetime(2026, 12, 2, 10, 30)
CONTACTS = [("Ana", "987 111 001"), ("Luis", "+51 987 111 002"), ("Rosa", "987111003"),
            ("Eva", "51987111004")]  # fmt: skip


def write_contacts(path: Path, rows=CONTACTS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Nombre", "Celular"])
        writer.writerows(rows)
    return path


def test_a_plazbot_export_of_baja_replies_is_read_as_it_is(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Contacto", "Teléfono", "Mensaje", "Fecha"])
    sheet.append(["Ana", 51987111001, "BAJA", "2026-11-30"])
    sheet.append(["Luis", "987 111 002", "baja por favor", "2026-11-30"])
    sheet.append(["Rosa", "hola", "BAJA", "2026-11-30"])
    book.save(tmp_path / "bajas.xlsx")

    optouts = read_optouts(tmp_path / "bajas.xlsx", "PE")

    assert set(optouts.added) == {"51987111001", "51987111002"}
    assert optouts.unreadable == (4,)
    assert "rows 4 hold no valid phone" in optouts.notices()[1]


def test_numbers_without_a_country_code_need_the_country(tmp_path):
    (tmp_path / "o.csv").write_text("phone\n987111001\n", encoding="utf-8")

    assert set(read_optouts(tmp_path / "o.csv", "PE").added) == {"51987111001"}
    assert read_optouts(tmp_path / "o.csv", None).unreadable == (2,)


def test_the_default_list_is_optouts_csv_when_it_exists(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert find_optouts(None) is None
    Path("optouts.csv").write_text("phone\n", encoding="utf-8")
    assert find_optouts(None) == Path("optouts.csv")
    with pytest.raises(InputError, match=r"other\.csv: no such opt-out list"):
        find_optouts(Path("other.csv"))


def test_add_writes_a_csv_excel_opens_and_the_loader_reads_back(tmp_path):
    path = tmp_path / "optouts.csv"

    added, already = add_phones(
        path, ["51987111001", "5511987654321"], country="PE", note="respondió BAJA", now=NOW
    )
    again, twice = add_phones(path, ["51987111001"], country="PE", note="", now=NOW)

    assert (added, already, again, twice) == (["51987111001", "5511987654321"], [], [],
                                              ["51987111001"])  # fmt: skip
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only after a BOM
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(HEADER)
    # A leading "+" would make Excel read a formula or a number: quoted, as in CSV reports.
    assert lines[1] == "'+51987111001,2026-12-02 10:30:00,respondió BAJA"
    assert set(read_optouts(path, None).added) == {"51987111001", "5511987654321"}
    assert [p.name for p in tmp_path.iterdir()] == ["optouts.csv"]  # no temporary file left


def test_add_keeps_the_rows_and_columns_of_a_list_made_elsewhere(tmp_path):
    path = tmp_path / "optouts.csv"
    path.write_text("Nombre;Celular\nAna;987111001\n", encoding="utf-8")

    add_phones(path, ["51987111002"], country="PE", note="x", now=NOW)

    listing = read_listing(path, "PE")
    assert listing.columns == ("Nombre", "Celular", "added_at", "note")
    assert [e.digits for e in listing.entries] == ["51987111001", "51987111002"]


def test_remove_takes_phones_off_and_says_which_were_not_on(tmp_path):
    path = tmp_path / "optouts.csv"
    add_phones(path, ["51987111001", "51987111002"], country="PE", note="", now=NOW)

    removed, missing = remove_phones(path, ["51987111001", "51987111009"], country="PE")

    assert (removed, missing) == (["51987111001"], ["51987111009"])
    assert [e.digits for e in read_listing(path, "PE").entries] == ["51987111002"]


def test_an_invalid_phone_is_refused_in_one_line():
    with pytest.raises(ConfigError) as error:
        parse_phones(["987111001", "12345"], "PE")

    assert str(error.value).startswith("12345: not a phone number (invalid_phone")
    assert "\n" not in str(error.value)


def test_a_phone_typed_with_spaces_and_no_quotes_is_one_phone():
    assert parse_phones(["952", "880", "483", "987111001"], "PE") == ["51952880483", "51987111001"]


def test_only_a_csv_list_is_kept_by_the_command(tmp_path):
    with pytest.raises(ConfigError, match=r"keep a \.csv list"):
        add_phones(tmp_path / "bajas.xlsx", ["51987111001"], country="PE", note="", now=NOW)


def test_a_list_that_cannot_be_replaced_is_one_line_and_left_as_it_was(tmp_path):
    path = tmp_path / "optouts.csv"
    (path / "inside").mkdir(parents=True)  # stands for a file another program holds

    with pytest.raises(InputError, match="cannot write the opt-out list") as error:
        write_atomically(path, HEADER, [["+51987111001", "", ""]])

    assert "\n" not in str(error.value)
    assert [p.name for p in tmp_path.iterdir()] == ["optouts.csv"]  # no temporary file left
    assert [p.name for p in path.iterdir()] == ["inside"]


# -- every send obeys the list, over real HTTP --------------------------------------------


def settings(tmp_path: Path, url: str, mode: Mode, **extra: object) -> Settings:
    return Settings(
        contacts=tmp_path / "contacts.csv", message="Hola {{ nombre }}", mode=mode,
        campaign="c", country="PE", reports_dir=tmp_path / "reports", api_url=url,
        workspace_id="sandbox", send=SendSettings(rate=0), quiet=True,
        protection=Protection(optouts=tmp_path / "optouts.csv"), **extra,  # type: ignore[arg-type]
    )  # fmt: skip


@pytest.mark.parametrize("mode", [Mode.DRY_RUN, Mode.SANDBOX, Mode.LIVE])
def test_no_mode_sends_to_a_phone_on_the_list(tmp_path, serve, mode):
    server = serve()
    write_contacts(tmp_path / "contacts.csv")
    add_phones(tmp_path / "optouts.csv", ["51987111002"], country="PE", note="", now=NOW)

    result = run_campaign(settings(tmp_path, server.url, mode))

    assert result.exit_code == 0
    rows = report_rows(result.report_path)
    luis = rows[1]
    assert luis["result_status"] == "excluded"
    assert luis["result_detail"].startswith("opted_out: +51987111002 is on ")
    assert result.reasons["opted_out"] == 1
    book = openpyxl.load_workbook(result.report_path)
    sheet = book["results"]
    status = 1 + next(i for i, name in machine_names(book).items() if name == "result_status")
    assert sheet.cell(3, status).fill.fgColor.rgb == "FF" + STATUS_COLOURS[Status.INVALID][1:]
    assert "51987111002" not in {d["phone"] for d in server.deliveries()}
    if mode is Mode.LIVE:
        assert sorted(d["phone"] for d in server.deliveries()) == [
            "51987111001", "51987111003", "51987111004"]  # fmt: skip


def test_a_row_left_pending_by_an_earlier_run_is_never_sent_once_on_the_list(tmp_path, serve):
    server = serve()
    write_contacts(tmp_path / "contacts.csv")
    write_atomically(tmp_path / "optouts.csv", HEADER, [])  # an empty list to begin with
    first = run_campaign(settings(tmp_path, server.url, Mode.LIVE, limit=1))
    assert first.statuses == {"sent": 1, "pending": 3}

    add_phones(tmp_path / "optouts.csv", ["51987111002"], country="PE", note="", now=NOW)
    add_phones(tmp_path / "optouts.csv", ["51987111001"], country="PE", note="", now=NOW)
    second = run_campaign(settings(tmp_path, server.url, Mode.LIVE))

    assert second.exit_code == 0
    statuses = [r["result_status"] for r in report_rows(second.report_path)]
    assert statuses == ["sent", "excluded", "sent", "sent"]  # Ana was sent before she opted out
    assert Counter(d["phone"] for d in server.deliveries()) == {
        "51987111001": 1, "51987111003": 1, "51987111004": 1}  # fmt: skip
