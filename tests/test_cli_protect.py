"""End to end: protecting the number from the command line, as a user would, over real HTTP."""

from __future__ import annotations

import csv
import queue
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bulk_sender import Protection, Settings
from bulk_sender.cli.console import question

from .conftest import clean_env, report_rows, run_cli

ENV = {"PLAZBOT_WORKSPACE_ID": "sandbox"}
ROWS = [["Ana", "987111001", "Sí"], ["Luis", "987111002", "no"], ["Rosa", "987111003", ""],
        ["Eva", "987111004", "X"]]  # fmt: skip


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    with (tmp_path / "clientes.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["Nombre", "Celular", "Acepta WhatsApp"], *ROWS])
    return tmp_path


def send(url: str, *extra: str) -> list[str]:
    return ["send", "clientes.csv", "-m", "Hola {{ nombre }}", "--country", "PE", "--live",
            "--yes", "--api-url", url, "--rate", "0", "--quiet", *extra]  # fmt: skip


def statuses(workdir: Path, name: str = "clientes-message") -> list[str]:
    return [str(r["result_status"]) for r in report_rows(workdir / "reports" / f"{name}.xlsx")]


def test_optout_add_list_remove_and_every_send_obeys_the_list(workdir, serve):
    server = serve()
    added = run_cli("optout", "add", "987111002", "+51 987 111 003", "--country", "PE",
                    "--note", "respondió BAJA", cwd=workdir)  # fmt: skip
    bad = run_cli("optout", "add", "98711", "--country", "PE", cwd=workdir)
    listed = run_cli("optout", "list", cwd=workdir)

    assert added.returncode == 0, added.stderr
    assert "Added +51 987 111 002 to optouts.csv" in added.stdout
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert bad.stderr.startswith("bulk-sender: error: 98711: not a phone number")
    assert "respondió BAJA" in listed.stdout and "2 phones on optouts.csv" in listed.stdout

    dry = run_cli("send", "clientes.csv", "-m", "Hola {{ nombre }}", "--country", "PE",
                  cwd=workdir)  # fmt: skip
    live = run_cli(*send(server.url), cwd=workdir, env=ENV)

    assert "Opt-out list: optouts.csv, 2 phones" in dry.stdout
    assert statuses(workdir, "clientes-message-preview") == ["ready", "excluded", "excluded",
                                                             "ready"]  # fmt: skip
    assert live.returncode == 0, live.stderr
    assert statuses(workdir) == ["sent", "excluded", "excluded", "sent"]
    assert sorted(d["phone"] for d in server.deliveries()) == ["51987111001", "51987111004"]

    removed = run_cli("optout", "remove", "987111003", "--country", "PE", cwd=workdir)
    again = run_cli(*send(server.url), cwd=workdir, env=ENV)

    assert "Removed +51 987 111 003 from optouts.csv" in removed.stdout
    assert again.returncode == 0 and statuses(workdir) == ["sent", "excluded", "sent", "sent"]


def test_a_list_of_baja_replies_from_another_file_named_by_the_environment(workdir):
    book = openpyxl.Workbook()
    book.active.append(["Contacto", "WhatsApp", "Mensaje"])
    book.active.append(["Ana", "+51 987 111 001", "BAJA"])
    book.save(workdir / "bajas.xlsx")

    added = run_cli("optout", "add", "--file", "bajas.xlsx", "--optouts", "lista.csv",
                    cwd=workdir)  # fmt: skip
    dry = run_cli("send", "clientes.csv", "-m", "Hola", "--country", "PE", cwd=workdir,
                  env={"BULK_SENDER_OPTOUTS": "lista.csv"})  # fmt: skip

    assert added.returncode == 0 and "Added +51 987 111 001 to lista.csv" in added.stdout
    assert "Opt-out list: lista.csv, 1 phone" in dry.stdout
    assert statuses(workdir, "clientes-message-preview")[0] == "excluded"


def test_consent_column_and_the_dry_runs_hint(workdir, serve):
    server = serve()
    hint = run_cli("send", "clientes.csv", "-m", "Hola", "--country", "PE", cwd=workdir)
    live = run_cli(*send(server.url, "--consent-column", "Acepta WhatsApp"), cwd=workdir, env=ENV)

    hints = [line for line in hint.stdout.splitlines() if "--consent-column" in line]
    assert hints == ["Column 'Acepta WhatsApp' looks like consent: add --consent-column "
                     '"Acepta WhatsApp" to send only to the customers who said yes']  # fmt: skip
    assert live.returncode == 0, live.stderr
    rows = report_rows(workdir / "reports" / "clientes-message.xlsx")
    assert [r["result_status"] for r in rows] == ["sent", "excluded", "excluded", "sent"]
    assert str(rows[2]["result_detail"]).startswith("no_consent: Acepta WhatsApp is empty")
    assert "looks like consent" not in live.stdout


def lima_window(start_in: timedelta, length: timedelta) -> str:
    start = datetime.now(ZoneInfo("America/Lima")) + start_in
    return f"{start:%H:%M}-{start + length:%H:%M}"


def test_send_hours_hold_rows_outside_the_window_and_exit_1(workdir, serve):
    server = serve()
    closed = run_cli(*send(server.url, "--send-hours", lima_window(timedelta(hours=2),
                                                                  timedelta(hours=1))),
                     cwd=workdir, env=ENV)  # fmt: skip

    assert closed.returncode == 1, closed.stderr
    assert statuses(workdir) == ["pending"] * 4
    assert "outside_hours 4" in closed.stdout and "the next window opens at" in closed.stdout
    assert server.deliveries() == []

    open_now = lima_window(-timedelta(hours=1), timedelta(hours=2))
    opened = run_cli(*send(server.url, "--send-hours", open_now), cwd=workdir, env=ENV)

    assert opened.returncode == 0, opened.stderr
    assert statuses(workdir) == ["sent"] * 4 and len(server.deliveries()) == 4


def test_a_start_time_in_the_past_sends_now_and_says_so(workdir, serve):
    server = serve()
    past = f"{datetime.now() - timedelta(minutes=10):%Y-%m-%d %H:%M}"

    result = run_cli(*send(server.url, "--not-before", past), cwd=workdir, env=ENV)

    assert result.returncode == 0, result.stderr
    assert f"--not-before {past}:00 has passed: sending now" in result.stderr
    assert len(server.deliveries()) == 4


def test_ctrl_c_before_the_start_time_leaves_everything_pending(workdir, serve):
    server = serve()
    later = f"{datetime.now() + timedelta(hours=2):%Y-%m-%d %H:%M}"
    args = [a for a in send(server.url, "--not-before", later) if a != "--quiet"]
    with subprocess.Popen(
        [sys.executable, "-m", "bulk_sender", *args], cwd=workdir, env={**clean_env(), **ENV},
        text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    ) as process:  # fmt: skip
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(x) for x in process.stderr], daemon=True).start()
        assert "First message at" in lines.get(timeout=60)  # the countdown: it is waiting now
        process.send_signal(signal.SIGINT)
        out = process.stdout.read()
        process.wait(timeout=60)

    assert process.returncode == 130
    assert "interrupted before the start time: nothing was sent" in out
    assert statuses(workdir) == ["pending"] * 4 and server.deliveries() == []


def test_a_test_send_goes_to_the_test_phone_and_leaves_the_campaign_untouched(workdir, serve):
    server = serve()
    test = run_cli(*send(server.url, "--test-to", "999888777"), cwd=workdir, env=ENV)

    assert test.returncode == 0, test.stderr
    assert "Test send to +51 999 888 777" in test.stdout
    assert "row 2: sent: Hola Ana" in test.stdout
    assert [d["phone"] for d in server.deliveries()] == ["51999888777"]
    assert not (workdir / "reports").exists()

    real = run_cli(*send(server.url), cwd=workdir, env=ENV)

    assert real.returncode == 0 and statuses(workdir) == ["sent"] * 4
    assert len(server.deliveries()) == 5


def test_the_confirmation_names_the_start_time_or_the_test_phone():
    start = datetime(2026, 12, 3, 9, 0).astimezone()

    def asked(protection: Protection) -> str:
        settings = Settings(contacts=Path("c.csv"), message="Hola", api_url="https://api.example",
                            protection=protection)  # fmt: skip
        return question(settings, 2, 2)

    assert asked(Protection(not_before=start)) == (
        "Send 2 messages to 2 phones through https://api.example, the first at "
        "2026-12-03 09:00:00? [y/N] "
    )
    assert asked(Protection(test_to="999888777")) == (
        "Send 2 messages to 2 phones through https://api.example, as a test to 999888777 "
        "only? [y/N] "
    )
    assert asked(Protection()) == "Send 2 messages to 2 phones through https://api.example? [y/N] "
