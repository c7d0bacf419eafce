"""The page's JSON API over real HTTP: previews, errors, and resume across front ends."""

from __future__ import annotations

import collections
import shlex
import shutil
import subprocess
import sys

from bulk_sender import Protection
from bulk_sender.engine.waiting import parse_not_before, shown_time

from ..conftest import ROOT, clean_env, report_rows, report_summary, run_cli
from .conftest import Client, wait_until

SAMPLE = ROOT / "sample_data" / "clientes.csv"


def statuses(report):
    return collections.Counter(str(r["result_status"]) for r in report_rows(report))


def test_the_preview_is_the_dry_run_of_the_cli(ui, tmp_path):
    page = ui()
    client = Client(page)
    uploaded = client.upload(SAMPLE)
    form = {"file": uploaded["file"], "country": "PE", "phone_column": uploaded["phone_column"],
            "kind": "template", "template": "pedido_enviado"}  # fmt: skip

    preview = client.post("/api/preview", form).json()

    shutil.copytree(ROOT / "templates", tmp_path / "cli" / "templates")
    shutil.copy(SAMPLE, tmp_path / "cli")
    cli = run_cli("send", "clientes.csv", "-t", "pedido_enviado", "--country", "PE",
                  cwd=tmp_path / "cli")  # fmt: skip
    dry_run = report_rows(tmp_path / "cli" / "reports" / "clientes-pedido_enviado-preview.xlsx")
    assert cli.returncode == 0, cli.stderr
    assert preview["statuses"] == dict(collections.Counter(r["result_status"] for r in dry_run))
    assert [(p["row"], p["status"], p["detail"]) for p in preview["problems"]["rows"]] == [
        (r["result_row"], r["result_status"], r["result_detail"])
        for r in dry_run
        if r["result_status"] != "ready"
    ]
    assert preview["preview"][0]["text"] in cli.stdout.replace("\n    ", "\n")


def test_usage_problems_come_back_as_one_line_for_the_page(ui):
    client = Client(ui())
    uploaded = client.upload(SAMPLE)
    form = {"file": uploaded["file"], "country": "PE", "kind": "message"}

    bad_file = client.post("/api/upload", files={"file": ("notas.pdf", b"%PDF")})
    bad_template = client.post("/api/preview", form | {"message": "Hola {{ nombre_completo }}"})
    bad_country = client.post("/api/contacts", form | {"country": "Narnia"})

    assert bad_file.status_code == 400
    assert bad_file.json()["error"].startswith("notas.pdf: unsupported file type .pdf")
    assert bad_template.status_code == 400
    assert "nombre_completo" in bad_template.json()["error"]
    assert bad_country.status_code == 400
    assert "Narnia" in bad_country.json()["error"]
    assert client.post("/api/confirm", {"yes": True}).status_code == 400


def test_a_campaign_stopped_in_the_cli_is_resumed_from_the_page(ui, tmp_path):
    folder = tmp_path / "work"
    shutil.copytree(ROOT / "templates", folder / "templates")
    shutil.copy(SAMPLE, folder)
    cli = run_cli("send", "clientes.csv", "-t", "pedido_enviado", "--country", "PE",
                  "--sandbox", "--limit", "5", cwd=folder)  # fmt: skip
    assert cli.returncode == 1, cli.stderr
    client = Client(ui(folder=folder))
    [listed] = client.get("/api/campaigns").json()
    assert listed["resumable"]

    for _ in range(20):  # `--limit 5` is part of the command: each resume sends five more
        if statuses(folder / "reports" / f"{listed['name']}.xlsx")["pending"] == 0:
            break
        assert client.post(f"/api/campaigns/{listed['name']}/resume", {}).status_code == 200
        assert client.finished()["state"] == "finished"

    final = statuses(folder / "reports" / f"{listed['name']}.xlsx")
    assert final["sent"] == 43
    assert final["pending"] == 0
    assert not client.get("/api/campaigns").json()[0]["resumable"]


def test_a_campaign_stopped_on_the_page_is_resumed_by_the_cli(ui, serve):
    plazbot = serve("--latency-ms", "300")
    env = {"PLAZBOT_API_URL": plazbot.url, "PLAZBOT_WORKSPACE_ID": "sandbox"}
    page = ui(env=env)
    client = Client(page)
    form = {"file": client.upload(SAMPLE)["file"], "country": "PE", "kind": "template",
            "template": "pedido_enviado", "mode": "live", "rate": "4"}  # fmt: skip
    assert client.post("/api/run", form).status_code == 200
    wait_until(lambda: client.run()["state"] == "confirm", "the confirmation")
    client.post("/api/confirm", {"yes": True})
    wait_until(lambda: client.run()["counts"]["sent"] >= 2, "some messages sent")
    client.post("/api/stop", {})
    stopped = client.finished()
    assert stopped["result"]["exit_code"] == 130
    report = page.folder / "reports" / "clientes-pedido_enviado.xlsx"
    [command] = [r for r in client.get("/api/campaigns").json() if r["name"] == report.stem]
    assert command["resumable"]

    # As a user would: the command the report's summary says resumes it, typed in a terminal.
    command = shlex.split(str(report_summary(report)["command to resume"]))
    resumed = run_cli(*command[1:], cwd=page.folder, env=env)

    assert resumed.returncode == 0, resumed.stderr
    deliveries = plazbot.deliveries()
    assert statuses(report)["sent"] == len(deliveries) == 43
    assert len({d["reference"] for d in deliveries}) == 43


def test_the_preview_applies_the_number_s_protections_as_the_cli_does(ui, tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    contacts = tmp_path / "lista.csv"
    contacts.write_text(
        "Nombre,Celular,Acepta WhatsApp\nAna,987654321,sí\nBea,987654322,no\n"
        "Ciro,987654323,x\nDora,987654324,\n",
        encoding="utf-8",
    )
    assert run_cli("optout", "add", "987654323", "--country", "PE", cwd=folder).returncode == 0
    client = Client(ui(folder=folder))
    form = {"file": client.upload(contacts)["file"], "country": "PE", "kind": "message",
            "message": "Hola {{ nombre }}", "consent_column": "Acepta WhatsApp"}  # fmt: skip

    preview = client.post("/api/preview", form).json()

    cli = run_cli("send", form["file"], "-m", "Hola {{ nombre }}", "--country", "PE",
                  "--consent-column", "Acepta WhatsApp", cwd=folder)  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    dry_run = report_rows(folder / "reports" / "lista-message-preview.xlsx")
    assert preview["statuses"] == dict(collections.Counter(r["result_status"] for r in dry_run))
    assert preview["statuses"] == {"ready": 1, "excluded": 3}
    assert sorted(p["detail"].split(":")[0] for p in preview["problems"]["rows"]) == [
        "no_consent", "no_consent", "opted_out"
    ]  # fmt: skip


def test_a_later_start_is_in_the_confirmation_and_no_stops_before_any_send(ui, serve):
    plazbot = serve()
    client = Client(ui(env={"PLAZBOT_API_URL": plazbot.url, "PLAZBOT_WORKSPACE_ID": "sandbox"}))
    form = {"file": client.upload(SAMPLE)["file"], "country": "PE", "kind": "template",
            "template": "pedido_enviado", "mode": "live",
            "not_before": "2030-01-02T09:00"}  # fmt: skip

    assert client.post("/api/run", form).status_code == 200
    asked = wait_until(lambda: client.run()["confirm"], "the confirmation")
    client.post("/api/confirm", {"yes": False})

    later = Protection(not_before=parse_not_before("2030-01-02 09:00"))
    assert asked == {"messages": 43, "phones": 43,
                     "target": f"{plazbot.url} (live)",
                     # what the page words its own question with, in its language
                     "url": plazbot.url, "when": shown_time(later.not_before)}  # fmt: skip
    assert client.finished()["result"]["statuses"]["pending"] == 43
    assert plazbot.deliveries() == []


def test_the_page_cannot_send_a_campaign_the_cli_is_sending(ui, serve, tmp_path):
    plazbot = serve("--latency-ms", "300")
    env = {"PLAZBOT_API_URL": plazbot.url, "PLAZBOT_WORKSPACE_ID": "sandbox"}
    folder = tmp_path / "work"
    client = Client(ui(env=env, folder=folder))
    uploaded = client.upload(SAMPLE)["file"]
    cli = subprocess.Popen(
        [sys.executable, "-m", "bulk_sender", "send", uploaded, "-t", "pedido_enviado",
         "--country", "PE", "--live", "--rate", "4"],
        cwd=folder, env=clean_env() | env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until(plazbot.deliveries, "the CLI's first message")
        form = {"file": uploaded, "country": "PE", "kind": "template",
                "template": "pedido_enviado", "mode": "live"}  # fmt: skip
        assert client.post("/api/run", form).status_code == 200
        failed = client.finished()
    finally:
        cli.terminate()
        cli.wait(timeout=60)

    assert failed["state"] == "failed"
    assert "clientes-pedido_enviado.journal.sqlite3" in failed["error"]


def test_the_page_settles_a_campaign_and_reads_its_replies(ui, serve):
    plazbot = serve("--drop-rate", "0.4", "--reply-rate", "0.5", "--stop-rate", "0.25",
                    "--seed", "6")  # fmt: skip
    env = {"PLAZBOT_WORKSPACE_ID": "sandbox"}
    page = ui(env=env)
    shutil.copy(SAMPLE, page.folder)
    cli = run_cli("send", "clientes.csv", "-t", "pedido_enviado", "--country", "PE", "--live",
                  "--yes", "--api-url", plazbot.url, "--read-timeout", "2", "--rate", "0",
                  cwd=page.folder, env=env)  # fmt: skip
    assert cli.returncode == 1, cli.stderr
    report = page.folder / "reports" / "clientes-pedido_enviado.xlsx"
    uncertain = statuses(report)["uncertain"]
    assert uncertain > 0
    client = Client(page)
    [listed] = client.get("/api/campaigns").json()

    settled = client.post(f"/api/campaigns/{listed['name']}/settle", {})
    heard = client.post(f"/api/campaigns/{listed['name']}/replies", {})

    assert settled.status_code == heard.status_code == 200
    assert settled.json()["counts"] == {"confirmed": uncertain}  # each was a drop: all found
    assert statuses(report)["sent"] == 43
    counts = heard.json()["counts"]
    assert counts["asked_to_stop"] > 0 and sum(counts.values()) == len(plazbot_phones(report))
    assert (page.folder / "optouts.csv").is_file()
    rows = client.get(f"/api/campaigns/{listed['name']}/rows?status=uncertain").json()
    assert rows["matched"] == 0


def plazbot_phones(report):
    return {r["result_phone"] for r in report_rows(report) if r["result_status"] == "sent"}


def test_the_page_asks_for_the_tier_keeps_it_and_says_the_days_a_campaign_needs(ui, tmp_path):
    data = tmp_path / "data"
    client = Client(ui(env={"BULK_SENDER_DATA": str(data)}))

    unknown = client.get("/api/budget").json()
    saved = client.post("/api/budget", {"limit": "20"}).json()
    uploaded = client.upload(SAMPLE)
    form = {"file": uploaded["file"], "country": "PE", "kind": "template",
            "template": "pedido_enviado"}  # fmt: skip
    preview = client.post("/api/preview", form).json()
    refused = client.post("/api/budget", {"limit": "lots"})

    assert (unknown["whose"], unknown["set"], unknown["limit"]) == ("sandbox", False, None)
    assert (saved["limit"], saved["used"], saved["left"]) == (20, 0, 20)
    shown = run_cli("budget", "show", "--sandbox", cwd=tmp_path,
                    env={"BULK_SENDER_DATA": str(data)})  # fmt: skip
    assert "Daily budget of the sandbox: 20;" in shown.stdout  # the CLI's budget, the same
    ready = preview["statuses"]["ready"]
    assert 40 < ready <= 60  # the sample's 43: three days at 20 a day
    assert [n for _, n in preview["budget"]["days"]] == [20, 20, ready - 40]
    assert refused.status_code == 400
