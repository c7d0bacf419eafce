"""pandas in and out: a DataFrame as the contacts, the outcomes back as a DataFrame."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime

import pandas as pd

from bulk_sender import Mode, Settings, outcomes, run_campaign
from bulk_sender.contacts.frames import table_from_frame
from bulk_sender.messages.render import MessageTemplate

from .conftest import ROOT, report_rows


def customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Nombre": ["Ana Quispe", "Luis Rojas", "Rosa", None],
            "Celular": [987654321, 912345678, 987654321, 999888777],  # numpy int64
            "Total": [120.5, 80.0, float("nan"), 10.0],
            "Entrega": pd.to_datetime(["2026-12-03", "2026-12-04", None, "2026-12-05"]),
        }
    )


def test_a_frame_reads_as_a_sheet_would():
    table = table_from_frame(customers())

    contacts = list(table.contacts())

    assert table.columns == ("Nombre", "Celular", "Total", "Entrega")
    assert [c.row for c in contacts] == [2, 3, 4, 5]  # the header is row 1, as in a sheet
    assert contacts[0].values == ("Ana Quispe", 987654321, 120.5, datetime(2026, 12, 3))
    assert type(contacts[0].values[1]) is int  # not numpy.int64
    assert contacts[2].values[2:] == ("", "")  # NaN and NaT are blank cells
    assert contacts[3].values[0] == ""


def test_a_frame_is_sent_and_its_outcomes_come_back_as_a_frame(tmp_path):
    message = "Hola {{ nombre|first_name }}, tu pedido llega el {{ entrega|date('d/MM') }}"
    settings = Settings(
        contacts=customers(), message=message, country="PE", mode=Mode.SANDBOX,
        reports_dir=tmp_path, quiet=True,
    )  # fmt: skip

    result = run_campaign(settings)
    frame = outcomes(result)

    assert result.report_path == tmp_path / "dataframe-message-sandbox.xlsx"
    assert list(frame.columns[:4]) == ["Nombre", "Celular", "Total", "Entrega"]
    assert list(frame["result_row"]) == [2, 3, 4, 5]
    assert list(frame["result_status"]) == ["sent", "sent", "invalid", "invalid"]  # blank cells
    rendered = MessageTemplate(message, ("Nombre", "Entrega"), locale="es_PE").render(
        ("Ana Quispe", datetime(2026, 12, 3))
    )
    assert frame["result_message"][0] == rendered.text
    phones = [row["result_phone"] for row in report_rows(result.report_path)]
    assert [p if isinstance(p, str) else None for p in frame["result_phone"]] == phones


def test_pandas_is_not_imported_for_a_file():
    code = (
        "import sys; from pathlib import Path; "
        "from bulk_sender import Settings, run_campaign; "
        "import tempfile; folder = Path(tempfile.mkdtemp()); "
        f"run_campaign(Settings(contacts=Path(r'{ROOT / 'sample_data' / 'clientes.csv'}'), "
        "message='Hola {{ nombre }}', country='PE', reports_dir=folder, quiet=True)); "
        "print('pandas' in sys.modules)"
    )

    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert found.stdout.strip() == "False"
