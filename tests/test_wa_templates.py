"""Approved WhatsApp templates through `/api/conversation`, end to end over real HTTP."""

from __future__ import annotations

import json
import random
import signal
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter

from . import cldr
from .conftest import report_rows, run_cli
from .test_resume import ENV, send_args, start_cli, wait_for_deliveries, write_contacts

NAMED = ("--wa-template", "pedido", "--var", "customerName=nombre", "--var", "orderId=pedido")


def write_xlsx(path: Path, count: int) -> None:
    numbers = random.Random(11).sample(range(900_000_000, 999_999_999), count)
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("Clientes")
        dates = book.add_format({"num_format": "dd/mm/yyyy"})
        sheet.write_row(0, 0, ["Nombre", "Celular", "Total", "Vence", "Imagen"])
        for r, number in enumerate(numbers, start=1):
            sheet.write_string(r, 0, f"CLIENTE {r}")
            sheet.write_number(r, 1, number)  # phones stored as numbers
            sheet.write_number(r, 2, 100 + r / 4)
            sheet.write_datetime(r, 3, datetime(2026, 12, 1 + r % 28), dates)
            sheet.write_string(r, 4, f"https://cdn.example.pe/pedidos/{r}.jpg")


def template_args(url: str, *extra: str) -> list[str]:
    return [
        "send", "clientes.xlsx", "--wa-template", "recordatorio_pago",
        "--var", "1=Nombre", "--var", "2={{ total|money('PEN') }}",
        "--var", "3={{ vence|date(\"d 'de' MMMM\") }}", "--header-var", "1={{ nombre|title }}",
        "--media-url-column", "Imagen", "--campaign-name", "Cobranza diciembre",
        "--country", "PE", "--live", "--yes", "--api-url", url, "--rate", "0", "--quiet",
        *extra,
    ]  # fmt: skip


def test_template_campaign_sends_variables_and_resumes_after_a_kill(tmp_path, serve):
    server = serve("--latency-ms", "50")
    write_xlsx(tmp_path / "clientes.xlsx", 400)

    process = start_cli(template_args(server.url), tmp_path)
    wait_for_deliveries(server, 60)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    final = run_cli(*template_args(server.url), cwd=tmp_path, env=ENV)

    assert final.returncode in (0, 1), final.stderr
    deliveries = server.deliveries()
    assert {d["path"] for d in deliveries} == {"/api/conversation"}
    assert max(Counter(d["phone"] for d in deliveries).values()) == 1
    first = next(d for d in deliveries if d["variablesBody"][0]["value"] == "CLIENTE 1")
    assert [v["value"] for v in first["variablesBody"]] == [  # row 1: 100 + 1/4, 2 December
        "CLIENTE 1", cldr.money("100.25", "PEN", "es_PE"),
        cldr.day(date(2026, 12, 2), "d 'de' MMMM", "es_PE"),
    ]  # fmt: skip
    assert first["variablesHeader"] == [{"variable": "1", "value": "Cliente 1"}]
    assert first["template"] == "recordatorio_pago"
    assert all("sendType" not in d for d in deliveries)  # no --send-type: Plazbot's default
    rows = report_rows(tmp_path / "reports" / "clientes-recordatorio_pago.xlsx")
    statuses = Counter(r["result_status"] for r in rows)
    assert statuses["sent"] + statuses["uncertain"] == 400 and statuses["uncertain"] <= 16
    shown = next(r for r in rows if r["Nombre"] == "CLIENTE 1")["result_message"]
    assert str(shown).startswith("recordatorio_pago({{1}}=CLIENTE 1, {{2}}=S/")
    ids = {r["result_message_id"] for r in rows if r["result_status"] == "sent"}
    assert ids <= {d["id"] for d in deliveries}  # Plazbot's conversationId


def test_conversation_path_is_configurable_and_dry_run_shows_the_call(tmp_path, serve):
    server = serve()
    write_xlsx(tmp_path / "clientes.xlsx", 3)

    dry = run_cli(*[a for a in template_args("x") if a not in ("--live", "--yes")], cwd=tmp_path)
    sent = run_cli(
        *template_args(server.url, "--conversation-path", "/api/message/conversation"),
        cwd=tmp_path, env=ENV,
    )  # fmt: skip

    assert dry.returncode == 0, dry.stderr
    assert "recordatorio_pago({{1}}=CLIENTE 1" in dry.stdout
    assert sent.returncode == 0, sent.stderr
    assert {d["path"] for d in server.deliveries()} == {"/api/message/conversation"}


def test_closed_window_fails_text_for_good_and_an_approved_template_reaches_them(tmp_path, serve):
    access = tmp_path / "access.jsonl"
    server = serve("--closed-window-rate", "0.3", "--not-on-whatsapp-rate", "0.05",
                   "--seed", "4", "--access-log", str(access))  # fmt: skip
    write_contacts(tmp_path / "contacts.csv", 200)

    # A third of the phones refused: the quality brake would pause the run; this test wants
    # every refusal's state, so it is off.
    text = run_cli(*send_args(server.url, "--max-refusal-rate", "1"), cwd=tmp_path, env=ENV)

    assert text.returncode == 1, text.stderr
    rows = report_rows(tmp_path / "reports" / "contacts-message.xlsx")
    codes = Counter(
        (r["result_status"], str(r["result_detail"]).split(":")[0])
        for r in rows if r["result_status"] in ("failed", "invalid")
    )  # fmt: skip
    window_closed, no_whatsapp = ("failed", "window_closed"), ("invalid", "not_on_whatsapp")
    assert {window_closed, no_whatsapp} <= set(codes)
    assert 30 <= codes[window_closed] <= 90 and 0 < codes[no_whatsapp] <= 25
    assert "window_closed" in text.stdout and "--wa-template" in text.stdout
    requests = Counter(json.loads(line)["phone"] for line in access.read_text().splitlines())
    assert max(requests.values()) == 1  # never retried

    template = run_cli(
        "send", "contacts.csv", "--wa-template", "aviso_pedido", "--var", "1=Nombre",
        "--country", "PE", "--live", "--yes", "--api-url", server.url, "--rate", "0", "--quiet",
        "--max-refusal-rate", "1", cwd=tmp_path, env=ENV,
    )  # fmt: skip

    assert template.returncode == 0, template.stderr  # the phones without WhatsApp: invalid
    again = report_rows(tmp_path / "reports" / "contacts-aviso_pedido.xlsx")
    by_phone = {r["result_phone"]: r["result_status"] for r in again}
    for row in rows:
        if str(row["result_detail"]).startswith("window_closed"):
            assert by_phone[row["result_phone"]] == "sent"
        if str(row["result_detail"]).startswith("not_on_whatsapp"):
            assert by_phone[row["result_phone"]] == "invalid"


def test_a_window_closed_for_everyone_stops_the_run_after_20_messages(tmp_path, serve):
    server = serve("--closed-window-rate", "1")
    write_contacts(tmp_path / "contacts.csv", 300)

    result = run_cli(*send_args(server.url, "--concurrency", "4"), cwd=tmp_path, env=ENV)

    assert result.returncode == 3, result.stdout + result.stderr
    assert "window_closed" in result.stdout + result.stderr
    rows = report_rows(tmp_path / "reports" / "contacts-message.xlsx")
    statuses = Counter(r["result_status"] for r in rows)
    assert statuses["failed"] <= 24 and statuses["pending"] >= 276


def named_args(url: str, *extra: str) -> list[str]:
    return [
        "send", "contacts.csv", *NAMED, "--country", "PE", "--live", "--yes", "--api-url", url,
        "--rate", "0", "--quiet", *extra,
    ]  # fmt: skip


def test_named_variables_go_under_their_names_with_the_send_type_and_the_ids_are_reported(
    tmp_path, serve
):
    server = serve()
    contacts = write_contacts(tmp_path / "contacts.csv", 5)

    result = run_cli(*named_args(server.url, "--header-var", "1=nombre", "--send-type",
                                 "individual"), cwd=tmp_path, env=ENV)  # fmt: skip

    assert result.returncode == 0, result.stderr
    deliveries = {d["phone"]: d for d in server.deliveries()}
    first = deliveries[f"51{contacts[0][1]}"]
    assert first["variablesBody"] == [
        {"variable": "customerName", "value": "Cliente 0000"},
        {"variable": "orderId", "value": "PED-00000"},
    ]
    assert first["variablesHeader"] == [{"variable": "1", "value": "Cliente 0000"}]
    assert {d["sendType"] for d in deliveries.values()} == {"2"}  # a string, as documented
    rows = report_rows(tmp_path / "reports" / "contacts-pedido.xlsx")
    assert rows[0]["result_message"] == (
        "pedido({{customerName}}=Cliente 0000, {{orderId}}=PED-00000, header {{1}}=Cliente 0000)"
    )
    for row in rows:
        delivery = deliveries[row["result_phone"]]
        assert row["result_status"] == "sent"
        assert row["result_message_id"] == delivery["id"]  # Plazbot's conversationId
        assert row["result_detail"] == f"contactId: {delivery['contactId']}"


def test_a_campaign_resumed_with_a_renamed_variable_is_refused_and_resumes_as_it_was(
    tmp_path, serve
):
    server = serve()
    write_contacts(tmp_path / "contacts.csv", 6)
    first = run_cli(*named_args(server.url, "--limit", "2"), cwd=tmp_path, env=ENV)
    renamed = [a.replace("customerName=", "clientName=") for a in named_args(server.url)]

    refused = run_cli(*renamed, cwd=tmp_path, env=ENV)
    resumed = run_cli(*named_args(server.url), cwd=tmp_path, env=ENV)

    assert first.returncode == 1, first.stderr  # 4 rows left pending by --limit
    assert refused.returncode == 2
    assert len(refused.stderr.strip().splitlines()) == 1 and "Traceback" not in refused.stderr
    assert "another template" in refused.stderr and "--campaign" in refused.stderr
    assert resumed.returncode == 0, resumed.stderr
    phones = Counter(d["phone"] for d in server.deliveries())
    assert len(phones) == 6 and max(phones.values()) == 1


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (("--wa-template", "p", "--var", "1=nombre", "--var", "orderId=pedido"),
         "--var: use numbers (1, 2, 3...) or names, not both (1, orderId)"),
        (("--wa-template", "p", "--header-var", "name=nombre", "--header-var", "name=pedido"),
         "--header-var: the variable name is given twice"),
        (("--wa-template", "p", "--var", "1=nombre", "--var", "3=pedido"),
         "--var: number the variables 1, 2, 3... (given 1, 3)"),
        (("--wa-template", "p", "--var", "order-id=pedido"),
         "--var order-id=...: a variable is a number or a name of letters, digits and _"),
        (("-m", "Hola", "--send-type", "api"),
         "--var, --header-var and --send-type go with --wa-template"),
    ],
)  # fmt: skip
def test_bad_template_variables_are_refused_in_one_line_before_anything_is_sent(
    tmp_path, flags, words
):
    write_contacts(tmp_path / "contacts.csv", 3)

    result = run_cli("send", "contacts.csv", *flags, "--country", "PE", "--sandbox",
                     cwd=tmp_path)  # fmt: skip

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"bulk-sender: error: {words}"]
    assert not (tmp_path / "reports").exists() or not list((tmp_path / "reports").iterdir())


def test_an_unknown_send_type_is_a_usage_error(tmp_path):
    write_contacts(tmp_path / "contacts.csv", 1)

    result = run_cli("send", "contacts.csv", *NAMED, "--send-type", "bulk", cwd=tmp_path)

    assert result.returncode == 2
    assert "--send-type" in result.stderr and "Traceback" not in result.stderr


def test_named_and_numbered_template_campaigns_run_in_the_sandbox(tmp_path):
    write_contacts(tmp_path / "contacts.csv", 4)
    numbered = ("--wa-template", "pedido_v1", "--var", "1=nombre", "--var", "2=pedido")

    runs = [
        run_cli("send", "contacts.csv", *flags, "--country", "PE", "--sandbox", cwd=tmp_path)
        for flags in (NAMED, (*numbered, "--send-type", "campaign"))
    ]

    assert [r.returncode for r in runs] == [0, 0], [r.stderr for r in runs]
    for name in ("pedido", "pedido_v1"):
        rows = report_rows(tmp_path / "reports" / f"contacts-{name}-sandbox.xlsx")
        assert {r["result_status"] for r in rows} == {"sent"}
        assert all(r["result_message_id"] and r["result_detail"] for r in rows)
