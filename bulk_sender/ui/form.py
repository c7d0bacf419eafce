"""The page's campaign form, turned into the engine's typed settings.

The page builds a `Settings` as the CLI does from its flags, and finishes it with the same
helpers (`engine/options.py`): the environment's credentials, and the command line that
repeats the run. That command is what the run prints and its report keeps, so a campaign
started on the page can be resumed from a terminal; the page resumes one from its journal.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..delivery.wire import SendSettings
from ..engine.campaign import Mode, Settings
from ..engine.options import command_line, with_environment
from ..engine.waiting import parse_not_before
from ..errors import ConfigError, InputError
from ..language import _
from ..messages.compose import WaTemplateSpec
from ..protect.hours import parse_send_hours
from ..protect.rules import Protection
from .campaigns import journal_name
from .contacts import UPLOADS_DIR

KINDS = ("template", "message", "wa")
MODES = {"preview": Mode.DRY_RUN, "sandbox": Mode.SANDBOX, "live": Mode.LIVE}
PROTECTIONS = ("consent_column", "send_hours", "not_before", "wait", "optouts")
"""The sender-protection fields the page offers, as `send` has them."""


def template_names(templates_dir: Path) -> list[str]:
    """The templates the page offers: `templates/*.txt`, by name."""
    return sorted(p.stem for p in templates_dir.glob("*.txt") if p.is_file())


def uploaded_file(value: Any) -> Path:
    """A contacts file the page uploaded, and no other file of the laptop."""
    path = Path(str(value or ""))
    if not path.is_file() or not path.resolve().is_relative_to(UPLOADS_DIR.resolve()):
        raise InputError(_("{file}: choose the contacts file again").format(file=path))
    return path


def form_settings(
    form: Mapping[str, Any], mode: str, templates_dir: Path, env: Mapping[str, str]
) -> Settings:
    """The run this form asks for, as `bulk-sender send` would build it from its flags."""
    if mode not in MODES:
        raise ConfigError(_("{mode}: not a way to send").format(mode=mode))
    campaign = _text(form, "campaign")
    if campaign:  # its files go in reports/, where the Campaigns step finds them
        journal_name(campaign)
    rate = form.get("rate")
    send = (
        SendSettings(rate=_number(rate, _("Messages per second")))
        if rate not in (None, "")
        else SendSettings()
    )
    template, message, wa_template = _message(form, templates_dir)
    settings = Settings(
        contacts=uploaded_file(form.get("file")), template=template, message=message,
        wa_template=wa_template, mode=MODES[mode], campaign=campaign,
        sheet=_text(form, "sheet"), phone_column=_text(form, "phone_column"),
        country_column=_text(form, "country_column"), country=_text(form, "country"),
        send=send, protection=_protection(form),
    )  # fmt: skip
    settings = with_environment(settings, env)
    return dataclasses.replace(settings, command=command_line(settings))


def _text(form: Mapping[str, Any], key: str) -> str | None:
    return str(form.get(key) or "").strip() or None


def form_test_settings(
    form: Mapping[str, Any], mode: str, templates_dir: Path, env: Mapping[str, str]
) -> Settings:
    """The page's test to the user's own phone: the form's run, with `--test-to PHONE`."""
    phone = str(form.get("test_to") or "").strip()
    if not phone:
        raise ConfigError(_("write the phone the test goes to"))
    count = str(form.get("test_count") or "").strip()
    try:
        test_count = int(count) if count else 1
    except ValueError as exc:
        raise ConfigError(
            _("{count} test messages: not a whole number").format(count=count)
        ) from exc
    if test_count < 1:
        raise ConfigError(_("{count} test messages: must be 1 or more").format(count=test_count))
    settings = form_settings(form, mode, templates_dir, env)
    protection = dataclasses.replace(settings.protection, test_to=phone, test_count=test_count)
    return dataclasses.replace(settings, protection=protection)


def _protection(form: Mapping[str, Any]) -> Protection:
    """The protection fields; the folder's optouts.csv is read without one."""
    hours = str(form.get("send_hours") or "").strip()
    start = str(form.get("not_before") or "").strip().replace("T", " ")  # datetime-local
    if form.get("wait") and not hours:
        raise ConfigError(_("write the send hours to wait for them"))
    return Protection(
        consent_column=str(form.get("consent_column") or "").strip() or None,
        send_hours=parse_send_hours(hours) if hours else None,
        wait=bool(form.get("wait")),
        not_before=parse_not_before(start) if start else None,
    )


def _message(
    form: Mapping[str, Any], templates_dir: Path
) -> tuple[str | None, str | None, WaTemplateSpec | None]:
    """(template, message, approved template): the one the form chose."""
    kind = form.get("kind")
    if kind == "template":
        name = str(form.get("template") or "")
        if name not in template_names(templates_dir):
            raise ConfigError(
                _("{name}: no such template in {folder}").format(
                    name=repr(name), folder=templates_dir
                )
            )
        return name, None, None
    if kind == "message":
        text = str(form.get("message") or "")
        if not text.strip():
            raise ConfigError(_("write the message first"))
        return None, text, None
    if kind == "wa":
        return None, None, _wa_template(form.get("wa") or {})
    raise ConfigError(
        _("{kind}: choose a template, a message or an approved template").format(kind=repr(kind))
    )


def _wa_template(wa: Mapping[str, Any]) -> WaTemplateSpec:
    name = str(wa.get("name") or "").strip()
    if not name:
        raise ConfigError(_("give the approved template's name"))
    variables: dict[str, list[tuple[str, str]]] = {"body": [], "header": []}
    for key, pairs in variables.items():
        for number, variable in enumerate(wa.get(key) or [], start=1):
            # A variable is {"name", "value"}: Plazbot's name, or its number when unnamed.
            named = str(variable.get("name") or "").strip() if isinstance(variable, dict) else ""
            value = variable.get("value", "") if isinstance(variable, dict) else variable
            pairs.append((named or str(number), str(value)))
    extra = {key: str(wa.get(key) or "").strip() or None for key in ("campaign_name", "send_type")}
    return WaTemplateSpec(name, tuple(variables["body"]), tuple(variables["header"]), **extra)


def _number(value: Any, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            _("{name} {value}: not a number").format(name=name, value=repr(value))
        ) from exc
    if number < 0:
        raise ConfigError(
            _("{name} {value}: must be 0 or more").format(name=name, value=repr(value))
        )
    return number
