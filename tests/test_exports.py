"""Real CRM and shop exports: every row sends the customer's own mobile, with the right country.

The files under `tests/data/exports/` are shaped like each product's export (built by
`make_exports.py` there); beside each, `<file>.expected.json` says what every row must give.
One test runs them all through the real pipeline, as `bulk-sender send FILE -m TEXT` would.
"""

from __future__ import annotations

import json
from pathlib import Path

import phonenumbers
import pytest

from bulk_sender import run_campaign
from bulk_sender.cli.main import settings_from
from bulk_sender.cli.parser import build_parser

from .conftest import ROOT, report_rows, report_summary, run_cli

EXPORTS = ROOT / "tests" / "data" / "exports"
FILES = sorted(p.name for p in EXPORTS.iterdir() if not p.name.endswith((".json", ".py")))
MESSAGE = "Hola, te escribimos de la tienda"
_MOBILE = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def run_dry(path: Path, args: list[str], report: Path) -> tuple[list[str], list[dict[str, object]]]:
    """A dry run of the file as the CLI builds it: the run's column lines and report rows."""
    argv = ["send", str(path), "-m", MESSAGE, "--report", str(report), *args]
    settings = settings_from(build_parser().parse_args(argv), argv, {})
    result = run_campaign(settings)
    assert result.exit_code == 0
    return result.columns_used.lines(), report_rows(report)


def is_mobile(digits: str) -> bool:
    """What libphonenumber itself says of the digits, not what a test assumes."""
    number = phonenumbers.parse("+" + digits)
    return phonenumbers.number_type(number) in _MOBILE


@pytest.mark.parametrize("name", FILES)
def test_each_export_sends_every_customer_s_own_mobile(name, tmp_path):
    expected = json.loads((EXPORTS / f"{name}.expected.json").read_text(encoding="utf-8"))

    lines, rows = run_dry(EXPORTS / name, expected["args"], tmp_path / "report.xlsx")

    assert lines[0] == expected["phone_columns"]
    left_out = [f"Left out: {expected['left_out']}"] if expected["left_out"] else []
    assert lines[1:] == [*left_out, f"Country column: {expected['country_column']}"]
    assert len(rows) == len(expected["rows"])
    for row, wanted in zip(rows, expected["rows"], strict=True):
        status, value, *words = wanted.split(" ", 2)
        got = (row["result_status"], row["result_phone"], row["result_detail"])
        if status == "invalid":
            assert (got[0], got[1]) == ("invalid", None), (row["result_row"], got)
            assert str(got[2]).startswith(f"{value}: "), (row["result_row"], got)
        else:
            assert (got[0], got[1]) == (status, value), (row["result_row"], got)
            assert is_mobile(value)
        assert all(w in str(got[2] or "") for w in words), (row["result_row"], got)
        if status == "ready":  # a phone from the first column tried needs no note
            assert bool(got[2]) == bool(words), (row["result_row"], got)


def test_a_sandbox_run_says_which_columns_it_used_and_where_each_phone_came_from(tmp_path):
    result = run_cli(
        "send", str(EXPORTS / "google_contacts.csv"), "-m", "Hola {{ first_name }}",
        "--country", "PE", "--sandbox", "--quiet", cwd=tmp_path,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr  # an invalid row is not a failure
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        "Phone columns, in order: Phone 1 - Value (2 rows), Phone 2 - Value (2 rows)",
        "Country column: Address 1 - Country (1 of 5 rows named a country; "
        "the others use --country PE)",
    ]
    report = tmp_path / "reports" / "google_contacts-message-sandbox.xlsx"
    rows = report_rows(report)
    notes = [(r["result_status"], "from Phone 2 - Value" in str(r["result_detail"])) for r in rows]
    assert notes == [("sent", False), ("sent", True), ("sent", False), ("sent", True),
                     ("invalid", False)]  # fmt: skip
    summary = report_summary(report)
    assert summary["phone columns"] == "Phone 1 - Value (2 rows), Phone 2 - Value (2 rows)"
    assert summary["country column"] == lines[1].removeprefix("Country column: ")


def test_phone_columns_by_hand_and_an_unknown_one(tmp_path):
    hubspot = str(EXPORTS / "hubspot_contacts.csv")

    by_hand = run_cli(
        "send", hubspot, "-m", MESSAGE, "--country", "CO",
        "--phone-column", "Phone Number,Mobile Phone Number", cwd=tmp_path,
    )  # fmt: skip
    unknown = run_cli(
        "send",
        hubspot,
        "-m",
        MESSAGE,
        "--phone-column",
        "Mobile Phone Number,Celular",
        cwd=tmp_path,
    )

    assert by_hand.returncode == 0, by_hand.stderr
    assert by_hand.stdout.splitlines()[0] == (
        "Phone columns, in order: Phone Number (1 row), Mobile Phone Number (4 rows)"
    )
    assert unknown.returncode == 2
    assert unknown.stderr.splitlines() == [
        f"bulk-sender: error: {hubspot}: --phone-column Celular: no such column; columns: "
        "Record ID, First Name, Last Name, Email, Phone Number, Mobile Phone Number, "
        "Country/Region, City, State/Region, Lifecycle Stage, Contact owner, Create Date"
    ]
