"""The settings every front end shares (bulk_sender/engine/options.py): the command line that
repeats a run, and the record a journal keeps of it."""

from __future__ import annotations

import dataclasses
import shlex
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bulk_sender import ConfigError, Mode, Protection, SendSettings, Settings
from bulk_sender.cli.main import settings_from
from bulk_sender.cli.parser import build_parser
from bulk_sender.engine.options import (
    command_line,
    from_record,
    record,
    recorded_settings,
    with_environment,
)
from bulk_sender.journal.store import Journal
from bulk_sender.messages.compose import WaTemplateSpec
from bulk_sender.protect.hours import parse_send_hours

ENV = {"PLAZBOT_WORKSPACE_ID": "ws-secret", "PLAZBOT_API_KEY": "key-secret"}
EVERYTHING = Settings(
    contacts=Path("clientes -- diciembre.xlsx"),
    wa_template=WaTemplateSpec(
        "pedido_v2", (("1", "Nombre"), ("2", '{{ total|money("PEN") }}')), (("1", "Pedido"),),
        "Foto", "Diciembre", "campaign",
    ),
    mode=Mode.LIVE, campaign="dic", report=Path("out/dic.xlsx"), journal=Path("out/dic.j"),
    sheet="Hoja 2", phone_column="Celular,Teléfono", country_column="none", country="PE",
    locale="es_PE", send=SendSettings(rate=7.5),
    protection=Protection(
        optouts=Path("bajas.csv"), consent_column="Acepta",
        send_hours=parse_send_hours("09:00-20:00"),
        wait=True, not_before=datetime(2026, 12, 3, 9, 0, tzinfo=timezone(timedelta(hours=-5))),
    ),
)  # fmt: skip


def test_a_run_s_command_line_is_the_same_run_for_the_cli():
    settings = with_environment(EVERYTHING, ENV)
    line = command_line(settings)

    words = shlex.split(line)
    again = settings_from(build_parser().parse_args(words[1:]), words[1:], ENV)

    assert dataclasses.replace(again, command="") == settings
    assert "secret" not in line


def test_the_journal_s_record_gives_the_same_run_back_with_today_s_credentials():
    settings = dataclasses.replace(with_environment(EVERYTHING, ENV), command="bulk-sender send x")

    text = record(settings)

    assert "secret" not in text
    assert from_record(text, ENV) == settings
    assert from_record(text, {}).workspace_id is None  # credentials never come from the file


def test_a_test_send_is_never_recorded():
    test = dataclasses.replace(EVERYTHING, protection=Protection(test_to="999888777"))
    assert from_record(record(test), {}).protection.test_to is None


def test_a_journal_without_a_record_says_how_to_resume(tmp_path):
    path = tmp_path / "old.journal.sqlite3"
    with Journal(path) as journal:
        journal.check_or_set({"campaign": "old"}, campaign_hint="old-2")

    with pytest.raises(ConfigError, match="older bulk-sender or from Python"):
        recorded_settings(path, {})
    db = sqlite3.connect(path)
    with db:
        db.execute("INSERT INTO meta VALUES ('settings', '{\"contacts\": 1}')")
    db.close()
    with pytest.raises(ConfigError, match="no settings this version reads"):
        recorded_settings(path, {})
