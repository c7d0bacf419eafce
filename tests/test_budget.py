"""The daily recipient budget: customers started in any 24 hours, shared by every campaign."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bulk_sender import Mode, Protection, SendSettings, Settings, run_campaign
from bulk_sender.protect.budget import (
    WINDOW,
    DailyBudget,
    Ledger,
    budget_line,
    days_needed,
    read_tier,
    set_tier,
)
from bulk_sender.records import Message

from .conftest import FakeTimer, clean_env, report_rows, run_cli

NOW = datetime(2026, 12, 7, 10, 14, tzinfo=UTC)


def write_contacts(folder: Path, count: int) -> Path:
    path = folder / "clientes.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["Nombre", "Celular"])
        writer.writerows([f"Cliente {n}", f"9{10_000_000 + n}"] for n in range(count))
    return path


def message(n: int) -> Message:
    return Message(n + 2, f"51{910_000_000 + n}", "Hola", f"k{n}")


def test_the_budget_lets_new_customers_go_while_there_is_room_and_holds_the_rest(tmp_path):
    held: list[tuple[str, str]] = []
    ledger = Ledger(tmp_path)
    budget = DailyBudget(3, ledger, "w", "c", lambda key, o: held.append((key, o.code)),
                         lambda: NOW)  # fmt: skip

    let_go = [m.key for m in budget.admit([message(n) for n in range(5)])]
    opening = budget.next_opening
    again = [m.key for m in budget.admit([message(0)])]  # already started: costs nothing

    assert let_go == ["k0", "k1", "k2"] and again == ["k0"]
    assert held == [("k3", "daily_limit"), ("k4", "daily_limit")]
    assert opening == NOW + WINDOW
    assert budget.left() == 0
    ledger.close()


def test_room_opens_as_the_rolling_24_hours_move_on(tmp_path):
    ledger = Ledger(tmp_path)
    assert ledger.take("w", "519", NOW - WINDOW + timedelta(minutes=1), 10, "old")
    assert ledger.take("w", "518", NOW - WINDOW - timedelta(minutes=1), 10, "older")  # gone by NOW

    assert set(ledger.started("w", NOW)) == {"519"}
    assert ledger.started("w", NOW + timedelta(minutes=2)) == {}
    assert ledger.started("another", NOW) == {}
    ledger.close()


def test_the_preview_says_how_many_days_a_campaign_needs():
    assert days_needed(3412, 1180, 2000, NOW) == [
        (NOW, 1180), (NOW + WINDOW, 2000), (NOW + 2 * WINDOW, 232),
    ]  # fmt: skip
    line = budget_line(3412, 1180, 2000, NOW)
    assert line.startswith(
        "3412 customers to start; 1180 left in the last 24 h (tier 2000, 820 used)"
    )
    assert "needs 3 days: 1180 now, about 2000 at" in line


def test_a_tier_is_kept_per_workspace(tmp_path):
    set_tier(tmp_path, "w1", 250, NOW)
    set_tier(tmp_path, "w2", None, NOW)

    assert (read_tier(tmp_path, "w1"), read_tier(tmp_path, "w2")) == (250, None)
    assert read_tier(tmp_path, "w3") is None


def test_with_wait_a_long_list_goes_out_over_days_within_the_budget(tmp_path):
    timer = FakeTimer(NOW)
    settings = Settings(
        contacts=write_contacts(tmp_path, 700), message="Hola {{ nombre }}", country="PE",
        mode=Mode.SANDBOX, report=tmp_path / "r.xlsx", send=SendSettings(rate=0),
        protection=Protection(daily_limit=250, wait=True, data_folder=tmp_path / "data"),
    )  # fmt: skip

    result = run_campaign(settings, timer=timer)

    assert result.exit_code == 0, result
    assert result.statuses == {"sent": 700}
    assert timedelta(days=2) <= timer.moment - NOW < timedelta(days=3)  # three days of sending
    sent_at = sorted(r["result_sent_at"] for r in report_rows(tmp_path / "r.xlsx"))
    assert len(sent_at) == 700
    ledger = Ledger(tmp_path / "data")
    for day in range(3):  # never more than 250 customers in any 24 hours
        assert len(ledger.started("sandbox", NOW + day * WINDOW + timedelta(minutes=1))) <= 250
    ledger.close()


def test_two_campaigns_share_one_budget(tmp_path):
    write_contacts(tmp_path, 30)
    env = {"BULK_SENDER_DATA": str(tmp_path / "data")}
    assert run_cli("budget", "set", "20", "--sandbox", cwd=tmp_path, env=env).returncode == 0
    send = ["send", "clientes.csv", "-m", "Hola {{ nombre }}", "--country", "PE", "--sandbox",
            "--quiet", "--rate", "0"]  # fmt: skip

    first = run_cli(*send, cwd=tmp_path, env=env)
    second = run_cli(*send, "--campaign", "second", cwd=tmp_path, env=env)
    shown = run_cli("budget", "show", "--sandbox", cwd=tmp_path, env=env)

    assert first.returncode == second.returncode == 1
    one = Counter(
        str(r["result_status"])
        for r in report_rows(tmp_path / "reports" / "clientes-message-sandbox.xlsx")
    )
    two = report_rows(tmp_path / "reports" / "second.xlsx")
    assert one == {"sent": 20, "pending": 10}
    sent_by_first = {
        r["result_phone"]
        for r in report_rows(tmp_path / "reports" / "clientes-message-sandbox.xlsx")
        if r["result_status"] == "sent"
    }
    # The second campaign may message only customers the budget already counts.
    assert {r["result_phone"] for r in two if r["result_status"] == "sent"} <= sent_by_first
    assert all(str(r["result_detail"]).startswith("daily_limit") for r in two
               if r["result_status"] == "pending")  # fmt: skip
    assert "in the last 24 h 20 used, 0 left" in shown.stdout
    assert "room opens at" in first.stdout


def test_conversations_plazbot_started_for_others_use_the_same_budget(tmp_path, serve):
    server = serve()
    write_contacts(tmp_path, 30)
    env = {"PLAZBOT_WORKSPACE_ID": "sandbox", "BULK_SENDER_DATA": str(tmp_path / "data")}
    elsewhere = dict(env, BULK_SENDER_DATA=str(tmp_path / "another-computer"))
    live = ["--country", "PE", "--live", "--yes", "--api-url", server.url, "--rate", "0",
            "--quiet"]  # fmt: skip
    # Another computer (or Plazbot's own screens) starts 6 customers with an approved template.
    with (tmp_path / "others.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(
            [["Nombre", "Celular"]] + [[f"O {n}", f"98{n:07d}"] for n in range(6)]
        )
    other = run_cli("send", "others.csv", "--wa-template", "aviso", "--var", "1=Nombre", *live,
                    cwd=tmp_path, env=elsewhere)  # fmt: skip
    assert other.returncode == 0, other.stderr
    assert run_cli("budget", "set", "10", cwd=tmp_path, env=env).returncode == 0

    ours = run_cli("send", "clientes.csv", "-m", "Hola {{ nombre }}", *live, cwd=tmp_path, env=env)

    assert ours.returncode == 1, ours.stderr
    rows = Counter(
        str(r["result_status"]) for r in report_rows(tmp_path / "reports" / "clientes-message.xlsx")
    )
    assert rows == {"sent": 4, "pending": 26}  # 10, less the 6 the listing shows


def test_within_its_budget_a_campaign_never_meets_the_tier_s_refusal(tmp_path, serve):
    server = serve("--tier", "20")
    write_contacts(tmp_path, 30)
    env = {"PLAZBOT_WORKSPACE_ID": "sandbox", "BULK_SENDER_DATA": str(tmp_path / "data")}

    def live(url: str) -> list[str]:
        return ["send", "clientes.csv", "-m", "Hola {{ nombre }}", "--country", "PE", "--live",
                "--yes", "--api-url", url, "--rate", "0", "--quiet"]  # fmt: skip

    elsewhere = dict(env, BULK_SENDER_DATA=str(tmp_path / "nowhere"))
    unbudgeted = run_cli(*live(server.url), "--campaign", "blind", "--max-refusal-rate", "1",
                         cwd=tmp_path, env=elsewhere)  # fmt: skip
    blind = Counter(
        str(r["result_status"]) for r in report_rows(tmp_path / "reports" / "blind.xlsx")
    )
    assert unbudgeted.returncode == 1 and blind == {"sent": 20, "pending": 10}  # the tier bites
    assert "bulk-sender budget set N" in unbudgeted.stdout  # the hint: pending, not lost

    access = tmp_path / "access.jsonl"
    server = serve("--tier", "20", "--access-log", str(access))  # a new day, a fresh server
    assert run_cli("budget", "set", "20", cwd=tmp_path, env=env).returncode == 0
    ours = run_cli(*live(server.url), cwd=tmp_path, env=env)

    assert ours.returncode == 1, ours.stderr
    rows = Counter(
        str(r["result_status"]) for r in report_rows(tmp_path / "reports" / "clientes-message.xlsx")
    )
    assert rows == {"sent": 20, "pending": 10}
    sends = [json.loads(line) for line in access.read_text().splitlines()]
    answers = Counter(s["status"] for s in sends if s["path"] == "/api/message")
    assert answers == {200: 20}  # not a single refusal


def test_two_campaigns_started_together_never_message_a_customer_twice_within_seconds(
    tmp_path, serve
):
    server = serve()
    write_contacts(tmp_path, 8)
    env = {"PLAZBOT_WORKSPACE_ID": "sandbox", "BULK_SENDER_DATA": str(tmp_path / "data")}
    assert run_cli("budget", "set", "250", cwd=tmp_path, env=env).returncode == 0
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "bulk_sender", "send", "clientes.csv", "-m", text,
             "--country", "PE", "--live", "--yes", "--api-url", server.url, "--rate", "0",
             "--quiet", "--campaign", name],
            cwd=tmp_path, env=clean_env() | env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )
        for name, text in (("pedido", "Hola {{ nombre }}, tu pedido"),
                           ("encuesta", "Hola {{ nombre }}, una encuesta"))
    ]  # fmt: skip
    for run in runs:
        _out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err

    times: dict[str, list[datetime]] = {}
    for line in server.log.read_text().splitlines():
        delivery = json.loads(line)
        times.setdefault(delivery["phone"], []).append(datetime.fromisoformat(delivery["time"]))
    assert len(times) == 8 and all(len(t) == 2 for t in times.values())
    # WhatsApp's pair rate: about one message every 6 s to one customer, across campaigns.
    assert min(abs(b - a) for a, b in times.values()) >= timedelta(seconds=5.5)


def test_customers_who_wrote_in_the_last_24_hours_cost_the_budget_nothing(tmp_path, serve):
    server = serve("--reply-rate", "1")
    env = {"PLAZBOT_WORKSPACE_ID": "sandbox", "BULK_SENDER_DATA": str(tmp_path / "data")}
    live = ["-m", "Hola {{ nombre }}", "--country", "PE", "--live", "--yes", "--api-url",
            server.url, "--rate", "0", "--quiet"]  # fmt: skip
    # Ten customers got a message from another tool and wrote back: their window is open.
    write_contacts(tmp_path, 10)
    other = run_cli("send", "clientes.csv", *live, "--campaign", "other", cwd=tmp_path,
                    env=dict(env, BULK_SENDER_DATA=str(tmp_path / "another-computer")))  # fmt: skip
    assert other.returncode == 0, other.stderr
    write_contacts(tmp_path, 20)  # the same ten, and ten new ones
    assert run_cli("budget", "set", "2", cwd=tmp_path, env=env).returncode == 0

    ours = run_cli("send", "clientes.csv", *live, cwd=tmp_path, env=env)

    assert ours.returncode == 1, ours.stderr
    rows = report_rows(tmp_path / "reports" / "clientes-message.xlsx")
    sent = [r for r in rows if r["result_status"] == "sent"]
    assert len(sent) == 12  # the ten who wrote, and the two the budget allows
    assert Counter(str(r["result_status"]) for r in rows)["pending"] == 8


def test_customers_a_run_took_but_never_reached_are_given_back(tmp_path):
    write_contacts(tmp_path, 15)
    env = {"PLAZBOT_WORKSPACE_ID": "sandbox", "BULK_SENDER_DATA": str(tmp_path / "data")}
    assert run_cli("budget", "set", "10", cwd=tmp_path, env=env).returncode == 0

    down = run_cli("send", "clientes.csv", "-m", "Hola {{ nombre }}", "--country", "PE",
                   "--live", "--yes", "--api-url", "http://127.0.0.1:9", "--quiet",
                   "--connect-timeout", "1", cwd=tmp_path, env=env)  # fmt: skip
    shown = run_cli("budget", "show", cwd=tmp_path, env=env)

    assert down.returncode == 1, down.stderr
    rows = report_rows(tmp_path / "reports" / "clientes-message.xlsx")
    assert {str(r["result_status"]) for r in rows} == {"pending"}  # the network was down
    assert "in the last 24 h 0 used, 10 left" in shown.stdout  # nobody was messaged
