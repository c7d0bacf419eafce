"""The test send: the first distinct messages, text unchanged, to the sender's own phone."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bulk_sender import ConfigError, Mode, Protection, SendSettings, Settings, run_campaign
from bulk_sender.engine.testsend import run_test_send

from .conftest import report_rows

OWN_PHONE = "51999888777"
ROWS = [["Ana", "987111001", "Lima", "sí"], ["Luis", "987111002", "Cusco", "no"],
        ["Ana", "987111003", "Lima", "sí"], ["Rosa", "12", "Piura", "sí"],
        ["Eva", "987111004", "Tacna", "sí"], ["Pia", "987111005", "Ica", "sí"]]  # fmt: skip


def settings(tmp_path: Path, url: str, mode: Mode = Mode.LIVE, **protection: object) -> Settings:
    with (tmp_path / "contacts.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["Nombre", "Celular", "Ciudad", "Acepta"], *ROWS])
    return Settings(
        contacts=tmp_path / "contacts.csv", message="Hola {{ nombre }} de {{ ciudad }}",
        mode=mode, campaign="t", country="PE", reports_dir=tmp_path / "reports", api_url=url,
        workspace_id="sandbox", send=SendSettings(rate=0, pair_interval=0.01), quiet=True,
        protection=Protection(consent_column="Acepta", **protection),  # type: ignore[arg-type]
    )  # fmt: skip


def test_the_first_distinct_messages_go_to_the_test_phone_only(tmp_path, serve):
    server = serve()

    result = run_test_send(settings(tmp_path, server.url, test_to="999 888 777", test_count=2))

    assert result.exit_code == 0
    # Row 3 (Luis) gave no consent, row 4 repeats row 2's text, row 5's phone is invalid.
    assert [(m.row, o.status.value) for m, o in result.sent] == [(2, "sent"), (6, "sent")]
    deliveries = server.deliveries()
    assert [(d["phone"], d["content"]) for d in deliveries] == [
        (OWN_PHONE, "Hola Ana de Lima"), (OWN_PHONE, "Hola Eva de Tacna")]  # fmt: skip
    assert not (tmp_path / "reports").exists()  # neither journal nor report


def test_the_same_command_without_the_test_then_sends_every_customer(tmp_path, serve):
    server = serve()
    run_test_send(settings(tmp_path, server.url, test_to=OWN_PHONE, test_count=5))

    result = run_campaign(settings(tmp_path, server.url))

    assert result.exit_code == 0
    statuses = [r["result_status"] for r in report_rows(result.report_path)]
    assert statuses == ["sent", "excluded", "sent", "invalid", "sent", "sent"]
    to_customers = [d for d in server.deliveries() if d["phone"] != OWN_PHONE]
    assert len(to_customers) == 4


def test_a_test_through_the_sandbox_server(tmp_path):
    result = run_test_send(settings(tmp_path, "", Mode.SANDBOX, test_to=OWN_PHONE))

    assert result.target == "the sandbox server"
    assert [(m.row, m.phone, o.status.value) for m, o in result.sent] == [(2, OWN_PHONE, "sent")]
    assert result.sent[0][1].message_id


def test_a_test_needs_a_target_and_a_valid_phone(tmp_path):
    with pytest.raises(ConfigError, match="add --sandbox or --live"):
        run_test_send(settings(tmp_path, "", Mode.DRY_RUN, test_to=OWN_PHONE))
    with pytest.raises(ConfigError, match="--test-to 12345: invalid_phone"):
        run_test_send(settings(tmp_path, "", Mode.SANDBOX, test_to="12345"))
