"""Loading: every way customers export a list gives the same rows, phones and statuses.

Run `python -m tests.test_load` to rebuild the committed `.xls` and `.ods` fixtures
(see tests/data/README.md): they need LibreOffice, which the test run does not.
"""

from __future__ import annotations

import csv
import inspect
import shutil
import subprocess
import sys
import tracemalloc
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from bulk_sender import InputError
from bulk_sender.contacts.load import Table, open_contacts, read_all
from bulk_sender.contacts.phone_columns import find_phone_column
from bulk_sender.messages.compose import Composer
from bulk_sender.messages.render import MessageTemplate
from bulk_sender.records import Message

from .conftest import run_cli

DATA = Path(__file__).parent / "data"
TITLE = "Clientes — campaña mayo 2026"
# A blank column between Ciudad and Nota, and two columns both named Nota.
HEADER = ["Nombre", "Teléfono", "Ciudad", "", "Nota", "Nota"]
ROWS: list[list[Any] | None] = [
    ["María José Quispe", "987 654 321", "Arequipa", "", "Llamar\ndespués de las 5", ""],
    ["JOSÉ LUIS ÑAHUI", "+51 983 526 008", "Iquitos", "", "cliente VIP", ""],
    ["Ana Lucía Fernández", "0051910340220", "Cusco", "", "", "pagó 1.250,50; saldo 0,00"],
    ["Carlos Peña", 51975805171, "Piura", "", "", ""],  # a number in the spreadsheets
    None,  # a blank row
    ["Rosa Huamán", "98765", "Lima", "", "", ""],
    ["Jorge Chávez", "(01) 4123456", "Lima", "", "", ""],
    ["Lucía Pérez", "5.19877E+10", "Trujillo", "", "", ""],
    ["Óscar Villanueva", "912 345 678", "Cusco", "", "", ""],
]
# The title is row 1, a blank row 2, the header row 3: rows as the spreadsheet shows them.
EXPECTED = [
    (4, "51987654321"),
    (5, "51983526008"),
    (6, "51910340220"),
    (7, "51975805171"),
    (9, "invalid_phone: 5 digits, too short for Peru"),
    (10, "landline: (01) 4123456 is a landline; WhatsApp needs a mobile "
         "(--allow-landlines keeps it)"),
    (11, "digits_lost: 5.19877E+10 is in scientific notation: Excel lost the last digits"),
    (12, "51912345678"),
]  # fmt: skip
COLUMNS = ("Nombre", "Teléfono", "Ciudad", "Nota", "Nota_2")


def text_rows() -> list[list[str]]:
    """The family's rows as a text export has them: title, blank, header, data."""
    rows = [[TITLE], [], HEADER]
    rows += [[str(c) for c in r] if r else [] for r in ROWS]
    return rows


def write_text(path: Path, *, encoding: str, delimiter: str) -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter, lineterminator="\r\n").writerows(text_rows())
    return path


def write_xlsx(path: Path) -> Path:
    """The family as an Excel user has it: a hidden helper sheet first, data from column B."""
    book = xlsxwriter.Workbook(path)
    helper = book.add_worksheet("Listas")
    helper.write_row(0, 0, ["Celular", "Nombre"])
    helper.write_row(1, 0, ["999999999", "no es esta hoja"])
    sheet = book.add_worksheet("Clientes")
    book.add_worksheet("Otra").write_row(0, 0, ["Nombre", "Celular"])
    sheet.activate()
    helper.hide()
    sheet.write_string(0, 1, TITLE)
    sheet.write_row(2, 1, HEADER)
    for offset, row in enumerate(ROWS, start=3):
        for col, value in enumerate(row or [], start=1):
            if isinstance(value, int):
                sheet.write_number(offset, col, value)
            elif value:
                sheet.write_string(offset, col, value)
    book.close()
    return path


def outcomes(table: Table) -> list[tuple[int, str]]:
    """Each row's number and the digits it would go to, or its reason code and detail."""
    phone_column = find_phone_column(table.columns)
    assert phone_column is not None
    template = MessageTemplate("Hola {{ nombre }}", table.columns)
    composer = Composer(table.columns, phone_column, template=template, country="PE")
    result = []
    for contact in table.contacts():
        composed = composer.compose(contact)
        if isinstance(composed, Message):
            result.append((contact.row, composed.phone))
        else:
            assert composed.status == "invalid"
            result.append((contact.row, composed.result_detail))
    return result


def as_text(table: Table) -> list[tuple[int, tuple[str, ...]]]:
    return [(c.row, tuple(str(v) for v in c.values)) for c in table.contacts()]


VARIANTS = {
    "utf8-comma.csv": ("utf-8", ","),
    "utf8-bom-semicolon.csv": ("utf-8-sig", ";"),
    "cp1252-semicolon.csv": ("cp1252", ";"),
    "unicode-text.txt": ("utf-16", "\t"),  # Excel's "Unicode text"
    "utf8-tab.tsv": ("utf-8", "\t"),
    "utf8-pipe.csv": ("utf-8", "|"),
}


@pytest.fixture
def family(tmp_path: Path) -> dict[str, Path]:
    files = {
        name: write_text(tmp_path / name, encoding=encoding, delimiter=delimiter)
        for name, (encoding, delimiter) in VARIANTS.items()
    }
    files["built.xlsx"] = write_xlsx(tmp_path / "built.xlsx")
    files["libreoffice.xls"] = DATA / "clientes.xls"
    files["libreoffice.ods"] = DATA / "clientes.ods"
    return files


def test_every_variant_gives_the_same_rows_phones_and_statuses(family):
    reference = as_text(open_contacts(family["utf8-comma.csv"]))
    assert reference[0] == (4, ("María José Quispe", "987 654 321", "Arequipa",
                                "Llamar\ndespués de las 5", ""))  # fmt: skip
    for name, path in family.items():
        table = open_contacts(path)
        assert table.columns == COLUMNS, name
        assert table.header_row == 3, name
        assert as_text(table) == reference, name
        assert outcomes(table) == EXPECTED, name


def test_text_exports_are_sniffed_for_encoding_and_delimiter(family):
    found = {name: (open_contacts(family[name]).encoding, open_contacts(family[name]).delimiter)
             for name in VARIANTS}  # fmt: skip
    assert found == {
        "utf8-comma.csv": ("utf-8", ","),
        "utf8-bom-semicolon.csv": ("utf-8-sig", ";"),
        # "1.250,50" has a comma in every data row; the semicolons still make the table.
        "cp1252-semicolon.csv": ("cp1252", ";"),
        "unicode-text.txt": ("utf-16", "\t"),
        "utf8-tab.tsv": ("utf-8", "\t"),
        "utf8-pipe.csv": ("utf-8", "|"),
    }


def test_the_first_visible_sheet_is_read_unless_another_is_asked_for(family):
    for path in (family["built.xlsx"], DATA / "clientes.xls", DATA / "clientes.ods"):
        assert open_contacts(path).sheet == "Clientes"
        assert open_contacts(path, sheet="Otra").columns == ("Nombre", "Celular")
        assert open_contacts(path, sheet=3).sheet == "Otra"
        assert open_contacts(path, sheet="1").sheet == "Listas"  # hidden, but asked for


def test_unknown_sheets_are_refused_naming_the_file_and_the_sheets(family):
    path = family["built.xlsx"]
    with pytest.raises(InputError, match=r"built\.xlsx: no sheet named 'Ventas'; sheets: "
                                         r"Listas, Clientes, Otra"):  # fmt: skip
        open_contacts(path, sheet="Ventas")
    with pytest.raises(InputError, match=r"built\.xlsx: no sheet number 4; it has 3"):
        open_contacts(path, sheet=4)


def test_spreadsheet_cells_keep_their_types(tmp_path):
    path = tmp_path / "tipos.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    # Data starts at row 4, column C: the rows above are empty, not missing.
    sheet.write_row(3, 2, ["Celular", "Código", "Documento", "Total", "Cantidad", "Entrega",
                           "Cita", "Saludo", "Activo"])  # fmt: skip
    sheet.write_number(4, 2, 51987654321.0)
    sheet.write_string(4, 3, "00123")
    sheet.write_string(4, 4, "12345678901234567890")
    sheet.write_number(4, 5, 2214.36)
    sheet.write_number(4, 6, 3)
    sheet.write_datetime(4, 7, datetime(2026, 12, 4), day)
    sheet.write_datetime(4, 8, datetime(2026, 12, 7, 16, 30), book.add_format({"num_format": 22}))
    sheet.write_formula(4, 9, '="Hola "&"Ana"', None, "Hola Ana")
    sheet.write_boolean(4, 10, True)
    book.close()

    table, contacts = read_all(path)

    assert table.header_row == 4
    [contact] = contacts
    assert contact.row == 5
    assert contact.values == (51987654321, "00123", "12345678901234567890", 2214.36, 3,
                              date(2026, 12, 4), datetime(2026, 12, 7, 16, 30), "Hola Ana",
                              True)  # fmt: skip


def test_csv_text_stays_text(tmp_path):
    path = tmp_path / "texto.csv"
    path.write_text('Celular,Código,Total\n00051987654321,00123,"2.214,36"\n', encoding="utf-8")
    _, [contact] = read_all(path)
    assert contact.values == ("00051987654321", "00123", "2.214,36")


def test_a_fed_back_report_sets_its_result_columns_aside(tmp_path):
    path = tmp_path / "reporte.csv"
    rows = [
        ["Nombre", "Celular", "result_row", "result_status", "result_phone"],
        ['\'=HYPERLINK("x")', "'+51 987 654 321", "2", "sent", "51987654321"],
        ["'-Ana", "912345678", "3", "invalid", ""],
    ]
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)

    table, contacts = read_all(path)

    assert table.columns == ("Nombre", "Celular")
    assert table.result_columns == ("result_row", "result_status", "result_phone")
    assert find_phone_column(table.columns) == "Celular"
    # Exactly the "'" the report added is removed: the cells are what the user typed.
    assert contacts[0].values == ('=HYPERLINK("x")', "+51 987 654 321")
    assert contacts[1].values == ("-Ana", "912345678")
    assert contacts[0].previous == {
        "result_row": "2", "result_status": "sent", "result_phone": "51987654321",
    }  # fmt: skip


def test_csv_rows_stream_without_holding_the_file(tmp_path):
    path = tmp_path / "grande.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Nombre", "Celular", "Ciudad", "Pedido"])
        writer.writerows([f"Cliente {n}", f"9{n:08d}", "Lima", f"PED-{n}"] for n in range(60_000))
    table = open_contacts(path)
    contacts = table.contacts()
    assert inspect.isgenerator(contacts)

    tracemalloc.start()
    try:
        count = sum(1 for _ in contacts)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert count == 60_000
    assert peak < 4_000_000  # holding the rows would take well over 20 MB


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("falta.csv", None, r"falta\.csv: no such file"),
        ("roto.xlsx", b"not a zip file", r"roto\.xlsx: cannot read this spreadsheet"),
        ("roto.xls", b"<html><table></table></html>", r"roto\.xls: cannot read this spreadsheet"),
        ("vacio.csv", b"\r\n\r\n", r"vacio\.csv: the file has no rows"),
        ("lista.pdf", b"%PDF-1.4", r"lista\.pdf: unsupported file type \.pdf"),
    ],
)
def test_unusable_files_are_one_line_errors_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError, match=message) as caught:
        open_contacts(path)
    assert "\n" not in str(caught.value)


def test_undecodable_text_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "cortado.txt"
    # Declared UTF-16 by its BOM, then cut in the middle of a character.
    path.write_bytes("Nombre\tCelular\r\nAna\t987654321\r\n".encode("utf-16") + b"\x00")
    with pytest.raises(InputError, match=r"cortado\.txt: cannot read as utf-16 text"):
        read_all(path)


def test_no_phone_column_exits_2_listing_the_columns(tmp_path):
    path = tmp_path / "sin_telefono.csv"
    path.write_text("Nombre;Ciudad;Pedido\nAna;Lima;PED-1\nLuis;Cusco;PED-2\n", encoding="utf-8")

    result = run_cli("send", str(path), "-m", "Hola {{ nombre }}", "--country", "PE",
                     cwd=tmp_path)  # fmt: skip

    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "sin_telefono.csv: no phone column found in row 1; columns: Nombre, Ciudad, Pedido" in (
        result.stderr
    )


def rebuild_fixtures() -> None:
    """Write tests/data/clientes.xlsx and convert it with LibreOffice to .xls and .ods."""
    source = write_xlsx(DATA / "clientes.xlsx")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        sys.exit("LibreOffice (soffice) is needed to write .xls and .ods")
    for suffix in ("xls", "ods"):
        subprocess.run(
            [soffice, "--headless", "--convert-to", suffix, "--outdir", str(DATA), str(source)],
            check=True,
        )
    source.unlink()


if __name__ == "__main__":
    rebuild_fixtures()
