"""The Contacts step: the file as the loader reads it, phones as the composer normalises them."""

from __future__ import annotations

import asyncio
import json

import pytest

from bulk_sender import InputError, run_campaign
from bulk_sender.cli.main import settings_from
from bulk_sender.cli.parser import build_parser
from bulk_sender.contacts.load import read_all
from bulk_sender.contacts.phones import normalise_phone
from bulk_sender.ui.contacts import display, inspect_contacts, safe_name, save_upload, variables

from ..conftest import ROOT

SAMPLE = ROOT / "sample_data"


@pytest.mark.parametrize("name", ["clientes.csv", "clientes.xlsx"])
def test_the_sample_shows_its_phone_column_row_count_and_normalised_first_phones(name):
    info = inspect_contacts(SAMPLE / name, sheet=None, phone_column=None, country="PE")

    table, contacts = read_all(SAMPLE / name)
    assert info["columns"] == list(table.columns)
    assert info["rows"] == len(contacts)
    assert info["phone_column"] == info["detected_phone_column"] == "Teléfono"
    assert info["country"] == "PE"
    phone_at = table.columns.index("Teléfono")
    for shown, contact in zip(info["first"], contacts, strict=False):
        phone = normalise_phone(contact.values[phone_at], "PE")
        assert shown["row"] == contact.row
        assert shown["phone"] == (f"+{phone.digits}" if phone.ok else "")
        assert shown["problem"] == ("" if phone.ok else f"{phone.code}: {phone.detail}")
    assert len(info["first"]) == 10


EXPORTS = ROOT / "tests" / "data" / "exports"
EXPORT_FILES = sorted(p.name for p in EXPORTS.iterdir() if not p.name.endswith((".json", ".py")))


@pytest.mark.parametrize("name", EXPORT_FILES)
def test_every_export_shows_the_phone_columns_and_phones_a_run_uses(name, tmp_path):
    expected = json.loads((EXPORTS / f"{name}.expected.json").read_text(encoding="utf-8"))
    country = expected["args"][1] if expected["args"][:1] == ["--country"] else None

    info = inspect_contacts(EXPORTS / name, sheet=None, phone_column=None, country=country)

    argv = ["send", str(EXPORTS / name), "-m", "Hola", "--report", str(tmp_path / "r.xlsx"),
            *expected["args"]]  # fmt: skip
    dry_run = run_campaign(settings_from(build_parser().parse_args(argv), argv, {}))
    assert info["phone_column"].split(",") == [c for c, _ in dry_run.columns_used.phones]
    assert info["country_column"] == dry_run.columns_used.country
    assert info["left_out"] == [c.name for c in dry_run.columns_used.left_out]
    for shown, wanted in zip(info["first"], expected["rows"], strict=False):
        status, value, *_ = wanted.split(" ", 2)
        if status == "invalid":
            assert (shown["phone"], shown["problem"].split(":")[0]) == ("", value)
        else:  # ready, or duplicate: a phone either way
            assert (shown["phone"], shown["problem"]) == (f"+{value}", "")


def test_a_chosen_phone_column_and_sheet_are_used(tmp_path):
    info = inspect_contacts(SAMPLE / "clientes.xlsx", sheet="1", phone_column="Pedido", country="")

    assert info["phone_column"] == "Pedido"
    assert info["sheets"][0] == info["sheet"]
    assert all(row["problem"] and not row["phone"] for row in info["first"])


def test_a_country_column_of_someone_else_can_be_replaced_or_refused(tmp_path):
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("Nombre,País,País cliente,Celular\nAna,Chile,Perú,987654321\n",
                        encoding="utf-8")  # fmt: skip

    def inspect(chosen: str | None) -> dict[str, object]:
        return inspect_contacts(contacts, sheet=None, phone_column=None, country="PE",
                                country_column=chosen)  # fmt: skip

    detected, named, refused = inspect(None), inspect("País cliente"), inspect("none")

    assert detected["detected_country_column"] == detected["country_column"] == "País"
    assert detected["first"][0]["phone"] == "+56987654321"  # Chile's, as the column says
    assert named["country_column"] == "País cliente" and refused["country_column"] is None
    assert named["detected_country_column"] == refused["detected_country_column"] == "País"
    assert named["first"][0]["phone"] == refused["first"][0]["phone"] == "+51987654321"


def test_template_variables_of_the_columns_follow_the_template_rules():
    assert variables(["Nombre Cliente", "Teléfono", "Telefono", "1er pago"]) == {
        "Nombre Cliente": "nombre_cliente",
        "Teléfono": 'row["Teléfono"]',
        "Telefono": 'row["Telefono"]',
        "1er pago": "c_1er_pago",
    }


@pytest.mark.parametrize(
    ("given", "saved"),
    [
        ("clientes.csv", "clientes.csv"),
        ("C:\\Users\\ana\\Lista Diciembre.xlsx", "Lista Diciembre.xlsx"),
        ("../../etc/passwd.csv", "passwd.csv"),
        ("--live.csv", "live.csv"),
        ("ventas<1>.ods", "ventas_1_.ods"),
    ],
)
def test_uploaded_names_stay_in_the_uploads_folder(given, saved):
    assert safe_name(given) == saved


def test_an_unsupported_upload_is_one_clear_error(tmp_path):
    async def chunks():
        yield b"x"

    with pytest.raises(InputError, match=r"notas\.pdf: unsupported file type \.pdf"):
        asyncio.run(save_upload("notas.pdf", chunks(), tmp_path))
    assert not list(tmp_path.iterdir())


def test_an_upload_is_saved_whole(tmp_path):
    async def chunks():
        for part in (b"Nombre,Tel\n", b"Ana,987654321\n"):
            yield part

    path = asyncio.run(save_upload("lista.csv", chunks(), tmp_path / "uploads"))

    assert path.read_bytes() == b"Nombre,Tel\nAna,987654321\n"
    assert [p.name for p in path.parent.iterdir()] == ["lista.csv"]


def test_cells_show_as_people_read_them():
    from datetime import date, datetime
    from decimal import Decimal

    assert [display(v) for v in (None, 51987654321.0, 2.5, Decimal("3.00"), "x")] == [
        "", "51987654321", "2.5", "3", "x"
    ]  # fmt: skip
    assert display(datetime(2026, 12, 4)) == "2026-12-04"
    assert display(datetime(2026, 12, 4, 16, 30)) == "2026-12-04 16:30:00"
    assert display(date(2026, 12, 4)) == "2026-12-04"
