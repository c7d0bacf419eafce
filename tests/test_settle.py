"""Settling uncertain rows and hearing replies, against the fault server, as a user would.

Two real processes: `bulk-sender serve` with its faults, and the CLI run by the test. The
server's log is the proof: one line per message it accepted, so a customer messaged twice
shows as a phone logged twice.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections import Counter
from pathlib import Path

from bulk_sender.lifecycle import ERROR_RULES
from bulk_sender.sandbox.whatsapp import is_blocked, reply_for

from .conftest import report_rows, run_cli

ENV = {"PLAZBOT_WORKSPACE_ID": "sandbox"}
REPORT = Path("reports") / "clientes-message.xlsx"


def write_contacts(folder: Path, count: int) -> list[str]:
    """`count` customers with Peruvian mobiles; their numbers as the report shows them."""
    phones = [f"9{10_000_000 + n}" for n in range(count)]
    with (folder / "clientes.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["Nombre", "Celular"])
        writer.writerows([f"Cliente {n}", phone] for n, phone in enumerate(phones))
    return [f"51{phone}" for phone in phones]


def send(folder: Path, url: str, *flags: str):
    return run_cli(
        "send", "clientes.csv", "-m", "Hola {{ nombre }}, tu pedido está listo", "--country",
        "PE", "--live", "--yes", "--api-url", url, "--rate", "0", "--read-timeout", "2",
        "--quiet", *flags, cwd=folder, env=ENV,
    )  # fmt: skip


def statuses(folder: Path) -> Counter[str]:
    return Counter(str(r["result_status"]) for r in report_rows(folder / REPORT))


def delivered(server) -> Counter[str]:
    return Counter(json.loads(line)["phone"] for line in server.log.read_text().splitlines())


def test_settle_then_rerun_messages_every_customer_exactly_once(tmp_path, serve):
    server = serve("--drop-rate", "0.3", "--error-rate", "0.25", "--seed", "11")
    phones = write_contacts(tmp_path, 400)

    first = send(tmp_path, server.url)
    assert first.returncode == 1, first.stderr
    assert "bulk-sender settle" in first.stdout  # the run says what to do next
    uncertain = [r for r in report_rows(tmp_path / REPORT) if r["result_status"] == "uncertain"]
    assert len(uncertain) >= 100
    dropped = {r["result_phone"] for r in uncertain if "connection_lost" in r["result_detail"]}

    settled = run_cli("settle", "clientes-message", "--min-age", "0", cwd=tmp_path, env=ENV)

    assert settled.returncode == 1, settled.stderr  # rows went back to pending: rerun them
    after = {r["result_phone"]: r for r in report_rows(tmp_path / REPORT)}
    assert statuses(tmp_path)["uncertain"] == 0
    for phone in {r["result_phone"] for r in uncertain}:
        row = after[phone]
        if phone in dropped:  # Plazbot took it, then the connection died: it has it
            assert row["result_status"] == "sent", row
            assert str(row["result_detail"]).startswith("confirmed_by_lookup")
            assert row["result_message_id"]
        else:  # a 500: Plazbot never kept it
            assert row["result_status"] == "pending", row
            assert str(row["result_detail"]).startswith("not_found_by_lookup")
    assert f"{len(dropped)} found in Plazbot's records" in settled.stdout

    for _ in range(6):  # rerun and settle until every customer has their message
        send(tmp_path, server.url)
        run_cli("settle", "clientes-message", "--min-age", "0", cwd=tmp_path, env=ENV)
        if statuses(tmp_path) == {"sent": 400}:
            break

    assert statuses(tmp_path) == {"sent": 400}
    assert delivered(server) == dict.fromkeys(phones, 1)  # each exactly once


def test_a_lookup_that_cannot_tell_leaves_the_row_uncertain_with_why(tmp_path, serve):
    server = serve("--error-rate", "0.3", "--seed", "5")
    write_contacts(tmp_path, 60)
    send(tmp_path, server.url)
    before = statuses(tmp_path)["uncertain"]
    assert before > 0

    too_soon = run_cli("settle", "clientes-message", "--min-age", "3600", cwd=tmp_path, env=ENV)
    server.process.terminate()
    server.process.wait()
    unreachable = run_cli("settle", "clientes-message", cwd=tmp_path, env=ENV)

    assert too_soon.returncode == unreachable.returncode == 1
    assert "still uncertain" in too_soon.stdout and "still uncertain" in unreachable.stdout
    rows = [r for r in report_rows(tmp_path / REPORT) if r["result_status"] == "uncertain"]
    assert len(rows) == before
    assert all(str(r["result_detail"]).startswith("lookup_failed") for r in rows)
    assert not unreachable.stderr  # no traceback: each row says why


def test_settle_refuses_another_workspace_in_one_line(tmp_path, serve):
    server = serve("--error-rate", "0.5", "--seed", "2")
    write_contacts(tmp_path, 10)
    send(tmp_path, server.url)

    other = run_cli("settle", "clientes-message", cwd=tmp_path,
                    env={"PLAZBOT_WORKSPACE_ID": "another"})  # fmt: skip
    missing = run_cli("settle", "no-such-campaign", cwd=tmp_path, env=ENV)

    assert other.returncode == missing.returncode == 2
    assert other.stderr.count("\n") == missing.stderr.count("\n") == 1
    assert "not the workspace this campaign sent with" in other.stderr
    assert "no-such-campaign: no such campaign or journal" in missing.stderr


def test_replies_put_who_asked_to_stop_on_the_opt_out_list_and_the_next_campaign_skips_them(
    tmp_path, serve
):
    flags = ("--reply-rate", "0.5", "--stop-rate", "0.2", "--blocked-rate", "0.05", "--seed", "8")
    server = serve(*flags)
    phones = write_contacts(tmp_path, 120)
    assert send(tmp_path, server.url).returncode == 0
    replies = {phone: reply_for(8, phone, 0.5, 0.2) for phone in phones}
    blocked = {phone for phone in phones if is_blocked(8, phone, 0.05)}

    heard = run_cli("replies", "clientes-message", cwd=tmp_path, env=ENV)

    assert heard.returncode == 0, heard.stderr
    rows = {r["result_phone"]: r for r in report_rows(tmp_path / REPORT)}
    for phone, reply in replies.items():
        assert rows[phone]["result_reply"] == reply
        assert (rows[phone]["result_replied_at"] is None) == (reply is None)
    with (tmp_path / "optouts.csv").open(encoding="utf-8-sig") as f:
        opted_out = {row["phone"].lstrip("'+"): row["note"] for row in csv.DictReader(f)}
    stopping = {p for p, reply in replies.items() if reply and _asks_to_stop(reply)}
    assert set(opted_out) == stopping | blocked and stopping and blocked
    for phone in stopping - blocked:
        assert replies[phone] in opted_out[phone]  # the reply is the reason

    following = send(tmp_path, server.url, "--campaign", "next")

    assert following.returncode == 0, following.stderr
    again = report_rows(tmp_path / "reports" / "next.xlsx")
    excluded = {r["result_phone"] for r in again if r["result_status"] == "excluded"}
    assert excluded == set(opted_out)
    assert all(delivered(server)[phone] == 1 for phone in opted_out)  # never a second one


def _asks_to_stop(reply: str) -> bool:
    from bulk_sender.protect.stopwords import load_stop_words

    return load_stop_words().asks_to_stop(reply) is not None


def test_each_whatsapp_error_code_lands_in_its_documented_state(tmp_path, serve):
    codes = "131049=0.1,130472=0.1,131050=0.1,131026=0.1,130429=0.05"
    server = serve("--whatsapp-errors", codes, "--seed", "3")
    write_contacts(tmp_path, 150)

    first = send(tmp_path, server.url, "--max-refusal-rate", "1")  # every code, not the brake
    again = send(tmp_path, server.url, "--retry-failed", "--max-refusal-rate", "1")

    assert first.returncode == again.returncode == 1
    rows = report_rows(tmp_path / REPORT)
    found = Counter((r["result_status"], str(r["result_detail"]).split(":")[0]) for r in rows)
    for code, status in [("131049", "failed"), ("130472", "failed"), ("131050", "excluded"),
                         ("131026", "invalid")]:  # fmt: skip
        assert found[status, ERROR_RULES[code].reason] > 0, (code, found)
    assert not [key for key in found if key[1] == "throughput_limit"]  # slowed down, then sent
    limited = [r for r in rows if str(r["result_detail"]).startswith("meta_limited")]
    assert all("a later run tries again after" in str(r["result_detail"]) for r in limited)
    # --retry-failed sent nothing again: not a limited customer before its time, never one
    # in Meta's experiment, never one who opted out.
    assert max(delivered(server).values()) == 1
    with (tmp_path / "optouts.csv").open(encoding="utf-8-sig") as f:
        opted_out = {row["phone"].lstrip("'+") for row in csv.DictReader(f)}
    assert opted_out == {r["result_phone"] for r in rows if r["result_status"] == "excluded"}


def test_a_burst_of_refusals_that_hurt_the_number_pauses_the_run_in_one_line(tmp_path, serve):
    server = serve("--whatsapp-errors", "131049=0.3,131050=0.2", "--seed", "4")
    write_contacts(tmp_path, 300)

    paused = send(tmp_path, server.url)

    assert paused.returncode == 1, paused.stderr
    assert "sending paused before WhatsApp limits it" in paused.stdout
    rows = Counter(str(r["result_status"]) for r in report_rows(tmp_path / REPORT))
    assert rows["pending"] > 0  # the rest wait for the user's look, then the same command
    assert sum(delivered(server).values()) == rows["sent"]  # what was let go is known
    assert rows["pending"] > 300 - 100  # it stopped within the window, not at the list's end


def test_a_limited_customer_is_sent_by_itself_once_the_back_off_is_over(tmp_path, serve):
    limiting = serve("--whatsapp-errors", "131049=0.3", "--seed", "5")
    write_contacts(tmp_path, 40)
    first = send(tmp_path, limiting.url, "--max-refusal-rate", "1")
    limited = {r["result_phone"] for r in report_rows(tmp_path / REPORT)
               if str(r["result_detail"]).startswith("meta_limited")}  # fmt: skip
    assert first.returncode == 1 and limited
    journal = tmp_path / "reports" / "clientes-message.journal.sqlite3"
    with sqlite3.connect(journal) as db:  # a day later, as far as the journal can tell
        db.execute("UPDATE messages SET retry_at = '2000-01-01T00:00:00+00:00' "
                   "WHERE code = 'meta_limited'")  # fmt: skip
    db.close()
    limiting.process.terminate()
    limiting.process.wait()
    port = limiting.url.rsplit(":", 1)[1]
    welcoming = serve("--port", port)  # the same address; Meta no longer limits them

    later = send(tmp_path, welcoming.url)  # no flag: its back-off is over, it goes by itself

    assert later.returncode == 0, later.stderr
    rows = {r["result_phone"]: r["result_status"] for r in report_rows(tmp_path / REPORT)}
    assert {rows[phone] for phone in limited} == {"sent"}
    assert set(delivered(welcoming)) == limited  # only they, each once
    assert max(delivered(welcoming).values()) == 1
