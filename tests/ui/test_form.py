"""The page's form becomes the command line a terminal user would type (bulk_sender/ui/form.py)."""

from __future__ import annotations

import shlex

import pytest

from bulk_sender import ConfigError, InputError, Mode
from bulk_sender.ui import form as form_module
from bulk_sender.ui.form import (
    PROTECTIONS,
    send_arguments,
    send_test_arguments,
    supported_protections,
)
from bulk_sender.ui.runs import settings_for

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


def test_a_template_form_is_the_cli_s_send_command(folder):
    form = BASE | {"kind": "template", "template": "pedido_enviado", "rate": "5"}

    arguments = send_arguments(form, "sandbox", folder / "templates")
    settings = settings_for(arguments)

    assert arguments == [
        "send", "uploads/clientes.csv", "--template=pedido_enviado", "--phone-column=Teléfono",
        "--country=PE", "--rate=5", "--sandbox",
    ]  # fmt: skip
    assert settings.mode is Mode.SANDBOX
    assert settings.template == "pedido_enviado"
    assert settings.send.rate == 5
    assert shlex.split(settings.command)[1:] == arguments


def test_a_test_send_is_the_cli_s_test_to_and_needs_a_phone(folder):
    form = BASE | {"kind": "template", "template": "pedido_enviado"}

    settings = settings_for(
        send_test_arguments(form | {"test_to": " 987 654 321 ", "test_count": "2"}, "sandbox",
                            folder / "templates")
    )  # fmt: skip

    assert settings.protection.test_to == "987 654 321"
    assert settings.protection.test_count == 2
    assert settings.mode is Mode.SANDBOX
    with pytest.raises(ConfigError, match="the phone the test goes to"):
        send_test_arguments(form, "sandbox", folder / "templates")


def test_a_chosen_country_column_is_the_cli_s_flag(folder):
    form = BASE | {"kind": "template", "template": "pedido_enviado", "country_column": "none"}

    arguments = send_arguments(form, "preview", folder / "templates")

    assert "--country-column=none" in arguments
    assert settings_for(arguments).country_column == "none"


def test_free_text_may_start_with_a_dash_and_span_lines(folder):
    form = BASE | {"kind": "message", "message": "-20% hoy\n*{{ nombre }}*"}

    settings = settings_for(send_arguments(form, "preview", folder / "templates"))

    assert settings.message == "-20% hoy\n*{{ nombre }}*"
    assert settings.mode is Mode.DRY_RUN
    assert settings_for(shlex.split(settings.command)[1:]).message == settings.message


def test_an_approved_template_numbers_its_variables(folder):
    wa = {"name": "pedido_v2", "body": [{"value": "Nombre"},
                                        {"name": "", "value": '{{ total|money("PEN") }}'}],
          "header": [{"value": "Pedido"}], "campaign_name": "Diciembre"}  # fmt: skip

    settings = settings_for(send_arguments(BASE | {"kind": "wa", "wa": wa}, "live", folder))

    assert settings.mode is Mode.LIVE
    assert settings.wa_template is not None
    assert settings.wa_template.body == (("1", "Nombre"), ("2", '{{ total|money("PEN") }}'))
    assert settings.wa_template.header == (("1", "Pedido"),)
    assert settings.wa_template.campaign_name == "Diciembre"
    assert settings.wa_template.send_type is None


def test_an_approved_template_may_name_its_variables_and_send_type(folder):
    body = [{"name": "cliente", "value": "Nombre"}, {"name": "sede", "value": "Ciudad"}]
    wa = {"name": "cita", "body": body, "send_type": "campaign"}

    settings = settings_for(send_arguments(BASE | {"kind": "wa", "wa": wa}, "live", folder))

    assert settings.wa_template is not None
    assert settings.wa_template.body == (("cliente", "Nombre"), ("sede", "Ciudad"))
    assert settings.wa_template.send_type == "campaign"


def test_credentials_come_from_the_environment_or_dotenv_only(folder, monkeypatch):
    (folder / ".env").write_text("PLAZBOT_WORKSPACE_ID=ws-from-file\n", "utf-8")
    form = BASE | {"kind": "template", "template": "pedido_enviado"}

    settings = settings_for(send_arguments(form, "live", folder / "templates"))

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
        ({"campaign": "../diciembre"}, InputError),
    ],
)
def test_a_form_the_page_should_not_send_is_refused(folder, change, error):
    with pytest.raises(error):
        send_arguments(BASE | {"kind": "template", "template": "pedido_enviado"} | change,
                       "sandbox", folder / "templates")  # fmt: skip


def test_a_bad_value_is_the_parser_s_one_line(folder):
    with pytest.raises(ConfigError, match=r"^argument --rate: -1: must be 0 or more$"):
        settings_for(["send", "uploads/clientes.csv", "-m", "x", "--rate=-1"])


def test_the_page_offers_the_protections_send_has(folder):
    shown = run_cli("send", "--help", cwd=folder).stdout

    assert list(supported_protections()) == [k for k, f in PROTECTIONS.items() if f in shown]


def test_protection_fields_become_their_flags(folder, monkeypatch):
    monkeypatch.setattr(form_module, "supported_protections", lambda: tuple(PROTECTIONS))
    form = BASE | {"kind": "message", "message": "Hola", "consent_column": "Acepta",
                   "send_hours": "09:00-20:00", "wait": True, "not_before": "2026-12-03T09:00",
                   "optouts": "ignored: the folder's optouts.csv is read anyway"}  # fmt: skip

    arguments = send_arguments(form, "live", folder / "templates")

    assert arguments[-5:] == ["--consent-column=Acepta", "--send-hours=09:00-20:00",
                              "--not-before=2026-12-03 09:00", "--wait", "--live"]  # fmt: skip
