"""End to end: the CLI as a subprocess, sending over real HTTP to `bulk-sender serve`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bulk_sender.cli.main import PIPE_CLOSED

from .conftest import ROOT, clean_env, report_rows, run_cli

TEMPLATE = str(ROOT / "templates" / "pedido_enviado.txt")
LIVE = {"PLAZBOT_WORKSPACE_ID": "sandbox"}


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "sample_data" / "clientes.csv", tmp_path)
    shutil.copy(ROOT / "sample_data" / "clientes.xlsx", tmp_path)
    return tmp_path


def test_live_run_sends_each_valid_row_once_and_resumes_without_resending(workdir, serve):
    server = serve("--latency-ms", "20")
    env = {"PLAZBOT_WORKSPACE_ID": "sandbox"}
    args = ["send", "clientes.csv", "-t", TEMPLATE, "--country", "PE", "--live", "--yes",
            "--api-url", server.url, "--rate", "0", "--quiet"]  # fmt: skip

    first = run_cli(*args, cwd=workdir, env=env)

    assert first.returncode == 0, first.stderr
    rows = report_rows(workdir / "reports" / "clientes-pedido_enviado.xlsx")
    assert len(rows) == 50
    statuses = Counter(row["result_status"] for row in rows)
    assert statuses == {"sent": 43, "invalid": 6, "duplicate": 1}
    deliveries = server.deliveries()
    assert len(deliveries) == 43
    assert len({(d["phone"], d["content"]) for d in deliveries}) == 43
    sent = [row for row in rows if row["result_status"] == "sent"]
    assert {row["result_message_id"] for row in sent} == {d["id"] for d in deliveries}
    assert all(row["result_detail"] for row in rows if row["result_status"] != "sent")
    assert "To resume: bulk-sender send clientes.csv" in first.stdout
    assert "sandbox" not in first.stdout + first.stderr  # the workspace id is never printed

    second = run_cli(*args, cwd=workdir, env=env)

    assert second.returncode == 0, second.stderr
    assert len(server.deliveries()) == 43
    again = report_rows(workdir / "reports" / "clientes-pedido_enviado.xlsx")
    assert [r["result_message_id"] for r in again] == [r["result_message_id"] for r in rows]


def test_dry_run_renders_and_reports_ready_without_a_journal(workdir):
    result = run_cli("send", "clientes.xlsx", "-t", TEMPLATE, "--country", "PE", cwd=workdir)

    assert result.returncode == 0, result.stderr
    assert "Preview of the first 3 messages" in result.stdout
    assert "Hola María" in result.stdout
    rows = report_rows(workdir / "reports" / "clientes-pedido_enviado-preview.xlsx")
    assert Counter(r["result_status"] for r in rows) == {"ready": 43, "invalid": 6, "duplicate": 1}
    assert not list((workdir / "reports").glob("*.sqlite3"))


def test_sandbox_run_sends_to_the_bundled_server(workdir):
    result = run_cli(
        "send", "clientes.xlsx", "-t", TEMPLATE, "--country", "PE", "--sandbox", "--rate", "0",
        cwd=workdir,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    rows = report_rows(workdir / "reports" / "clientes-pedido_enviado-sandbox.xlsx")
    assert Counter(r["result_status"] for r in rows)["sent"] == 43
    assert (workdir / "reports" / "clientes-pedido_enviado-sandbox.journal.sqlite3").exists()


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["send", "nope.csv", "-m", "hola"], {}, "nope.csv: no such file"),
        (["send", "clientes.csv", "-m", "Hola {{ nombre"], {}, "line 1"),
        (["send", "clientes.csv", "-m", "Hola {{ nombres }}"], {}, "did you mean 'nombre'"),
        (["send", "clientes.csv", "-m", "hola", "--live", "--yes"], {}, "PLAZBOT_WORKSPACE_ID"),
        (["send", "sin_telefono.csv", "-m", "hola"], {}, "no phone column found in row 1"),
        (["send", "clientes.csv", "-m", "hola", "--live", "--yes", "--api-url", "api.plazbot.com"],
         LIVE, "API URL 'api.plazbot.com' (--api-url or PLAZBOT_API_URL) is not a web address"),
        (["send", "clientes.csv", "-m", "hola", "--live", "--yes"],
         LIVE | {"PLAZBOT_API_URL": "ftp://api.plazbot.com"}, "API URL 'ftp://api.plazbot.com'"),
        (["send", "clientes.csv", "-m", "hola", "--sandbox", "--journal", "clientes.csv"], {},
         "clientes.csv: not a bulk-sender journal"),
        (["send", "clientes.csv", "-m", "hola", "--sandbox", "--journal", "clientes.csv/j.sqlite3"],
         {}, "j.sqlite3: cannot create its folder clientes.csv"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_with_exit_2(workdir, args, env, expected):
    (workdir / "sin_telefono.csv").write_text("Nombre,Ciudad\nAna,Lima\n", encoding="utf-8")

    result = run_cli(*args, cwd=workdir, env=env)

    assert result.returncode == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_output_piped_into_a_reader_that_left_ends_quietly(workdir):
    """`bulk-sender send ... | head -3`: the reader is gone before the preview is printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bulk_sender", "send", "clientes.csv", "-t", TEMPLATE,
         "--country", "PE"],
        cwd=workdir, env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    process.stdout.close()  # as `head` does once it has its lines

    _, stderr = process.communicate(timeout=120)

    assert process.returncode == PIPE_CLOSED
    assert stderr == b""  # no traceback, no "Exception ignored" at exit
    assert (workdir / "reports" / "clientes-pedido_enviado-preview.xlsx").is_file()


def test_the_country_column_can_be_named_or_refused(tmp_path):
    # "País" is the seller's country here, not the customer's: the phones are Peruvian.
    (tmp_path / "contacts.csv").write_text(
        "Nombre,País,País cliente,Celular\nAna,Chile,Perú,987654321\nBea,Chile,,912345678\n",
        encoding="utf-8",
    )
    report = tmp_path / "reports" / "contacts-message-preview.xlsx"

    def run(*extra: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
        done = run_cli("send", "contacts.csv", "-m", "Hola {{ nombre }}", "--country", "PE",
                       *extra, cwd=tmp_path)  # fmt: skip
        phones = [str(r["result_phone"]) for r in report_rows(report)] if report.exists() else []
        return done, phones

    detected, detected_phones = run()
    named, named_phones = run("--country-column", "País cliente")
    refused, refused_phones = run("--country-column", "none")
    report.unlink()
    wrong, _ = run("--country-column", "Pays")

    assert "Country column: País (2 of 2 rows named a country)" in detected.stdout
    assert detected_phones[0] == "56987654321"  # a Chilean phone: somebody else's
    assert "Country column: País cliente (1 of 2 rows named a country" in named.stdout
    assert "Country column: none (numbers without a country code use --country PE)" in (
        refused.stdout
    )
    assert named_phones == refused_phones == ["51987654321", "51912345678"]
    assert wrong.returncode == 2 and "--country-column Pays: no such column" in wrong.stderr
    assert "Traceback" not in wrong.stderr and not report.exists()
