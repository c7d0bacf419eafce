"""The page's form becomes the engine's typed settings, as the CLI builds them from its flags
(bulk_sender/ui/form.py); the command it records repeats the same run from a terminal."""

from __future__ import annotations

import dataclasses
import shlex

import pytest

from bulk_sender import ConfigError, InputError, Mode, Settings
from bulk_sender.cli.main import settings_from
from bulk_sender.cli.parser import build_parser
from bulk_sender.engine.options import environment
from bulk_sender.ui.form import PROTECTIONS, form_settings, form_test_settings

from ..conftest import ROOT, run_cli


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A working folder with an uploaded file and the project's templates, as the page has."""
    (tmp_path / "uploads").mkdir()
    (tmp_path / "uploads" / "clientes.csv").write_bytes(
        (ROOT / "sample_data" / "clientes.csv").read_bytes()
    )
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "pedido_enviado.txt").write_text("Hola {{ nombre }}", "utf-8")
    monkeypatch.chdir(tmp_path)
    for name in ("PLAZBOT_WORKSPACE_ID", "PLAZBOT_API_KEY", "PLAZBOT_API_URL"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


BASE = {"file": "uploads/clientes.csv", "country": "PE", "phone_column": "Teléfono"}


def page(form, mode, folder) -> Settings:
    return form_settings(form, mode, folder / "templates", environment())


def as_the_cli_builds_it(settings: Settings) -> Settings:
    """The settings the CLI builds from the command the page's run records."""
    words = shlex.split(settings.command)
    assert words[:2] == ["bulk-sender", "send"]
    return settings_from(build_parser().parse_args(words[1:]), words[1:], environment())


def same_run(one: Settings, other: Settings) -> bool:
    """Equal but for the command line's own spelling."""
    return dataclasses.replace(one, command="") == dataclasses.replace(other, command="")


def test_a_template_form_is_the_run_the_cli_s_send_command_makes(folder):
    form = BASE | {"kind": "template", "template": "pedido_enviado", "rate": "5"}

    settings = page(form, "sandbox", folder)

    assert settings.mode is Mode.SANDBOX
    assert settings.template == "pedido_enviado"
    assert (settings.phone_column, settings.country) == ("Teléfono", "PE")
    assert settings.send.rate == 5
    assert same_run(settings, as_the_cli_builds_it(settings))


def test_a_test_send_is_the_cli_s_test_to_and_needs_a_phone(folder):
    form = BASE | {"kind": "template", "template": "pedido_enviado"}
    test = form | {"test_to": " 987 654 321 ", "test_count": "2"}

    settings = form_test_settings(test, "sandbox", folder / "templates", environment())

    assert settings.protection.test_to == "987 654 321"
    assert settings.protection.test_count == 2
    assert settings.mode is Mode.SANDBOX
    with pytest.raises(ConfigError, match="the phone the test goes to"):
        form_test_settings(form, "sandbox", folder / "templates", environment())
    with pytest.raises(ConfigError, match="must be 1 or more"):
        form_test_settings(test | {"test_count": "0"}, "sandbox", folder / "templates", {})


def test_a_chosen_country_column_is_the_cli_s_flag(folder):
    form = BASE | {"kind": "template", "template": "pedido_enviado", "country_column": "none"}

    settings = page(form, "preview", folder)

    assert settings.country_column == "none"
    assert "--country-column=none" in shlex.split(settings.command)
    assert same_run(settings, as_the_cli_builds_it(settings))


def test_free_text_may_start_with_a_dash_and_span_lines(folder):
    form = BASE | {"kind": "message", "message": "-20% hoy\n*{{ nombre }}*"}

    settings = page(form, "preview", folder)

    assert settings.message == "-20% hoy\n*{{ nombre }}*"
    assert settings.mode is Mode.DRY_RUN
    assert as_the_cli_builds_it(settings).message == settings.message


def test_an_approved_template_numbers_its_variables(folder):
    wa = {"name": "pedido_v2", "body": [{"value": "Nombre"},
                                        {"name": "", "value": '{{ total|money("PEN") }}'}],
          "header": [{"value": "Pedido"}], "campaign_name": "Diciembre"}  # fmt: skip

    settings = page(BASE | {"kind": "wa", "wa": wa}, "live", folder)

    assert settings.mode is Mode.LIVE
    assert settings.wa_template is not None
    assert settings.wa_template.body == (("1", "Nombre"), ("2", '{{ total|money("PEN") }}'))
    assert settings.wa_template.header == (("1", "Pedido"),)
    assert settings.wa_template.campaign_name == "Diciembre"
    assert settings.wa_template.send_type is None
    assert same_run(settings, as_the_cli_builds_it(settings))


def test_an_approved_template_may_name_its_variables_and_send_type(folder):
    body = [{"name": "cliente", "value": "Nombre"}, {"name": "sede", "value": "Ciudad"}]
    wa = {"name": "cita", "body": body, "send_type": "campaign"}

    settings = page(BASE | {"kind": "wa", "wa": wa}, "live", folder)

    assert settings.wa_template is not None
    assert settings.wa_template.body == (("cliente", "Nombre"), ("sede", "Ciudad"))
    assert settings.wa_template.send_type == "campaign"
    assert same_run(settings, as_the_cli_builds_it(settings))


def test_credentials_come_from_the_environment_or_dotenv_only(folder, monkeypatch):
    (folder / ".env").write_text("PLAZBOT_WORKSPACE_ID=ws-from-file\n", "utf-8")
    form = BASE | {"kind": "template", "template": "pedido_enviado"}

    settings = page(form, "live", folder)

    assert settings.workspace_id == "ws-from-file"
    assert "ws-from-file" not in settings.command


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"file": "../secret.csv"}, InputError),
        ({"file": str(ROOT / "sample_data" / "clientes.csv")}, InputError),
        ({"kind": "template", "template": "../pedido_enviado"}, ConfigError),
        ({"kind": "message", "message": "  "}, ConfigError),
        ({"kind": "wa", "wa": {"name": ""}}, ConfigError),
        ({"kind": "nothing"}, ConfigError),
        ({"kind": "message", "message": "x", "rate": "fast"}, ConfigError),
        ({"kind": "message", "message": "x", "rate": "-1"}, ConfigError),
        ({"campaign": "../diciembre"}, InputError),
        ({"send_hours": "9 to 5"}, ConfigError),
        ({"wait": True}, ConfigError),
        ({"not_before": "mañana"}, ConfigError),
    ],
)
def test_a_form_the_page_should_not_send_is_refused(folder, change, error):
    with pytest.raises(error):
        page(BASE | {"kind": "template", "template": "pedido_enviado"} | change, "sandbox", folder)


def test_the_page_offers_the_protections_send_has(folder):
    shown = run_cli("send", "--help", cwd=folder).stdout

    assert [key for key in PROTECTIONS if f"--{key.replace('_', '-')}" in shown] == list(
        PROTECTIONS
    )


def test_protection_fields_are_the_cli_s_flags(folder):
    form = BASE | {"kind": "message", "message": "Hola", "consent_column": "Acepta",
                   "send_hours": "09:00-20:00", "wait": True, "not_before": "2026-12-03T09:00",
                   "optouts": "ignored: the folder's optouts.csv is read anyway"}  # fmt: skip

    settings = page(form, "live", folder)

    assert settings.protection.consent_column == "Acepta"
    assert str(settings.protection.send_hours) == "09:00-20:00"
    assert settings.protection.wait
    assert settings.protection.not_before is not None
    assert settings.protection.not_before.strftime("%Y-%m-%d %H:%M") == "2026-12-03 09:00"
    assert same_run(settings, as_the_cli_builds_it(settings))
