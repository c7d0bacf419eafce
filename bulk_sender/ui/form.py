"""The page's campaign form, turned into the arguments of `bulk-sender send`.

The page builds no settings of its own: the form becomes the command line a terminal user
would type, parsed by the CLI's own parser. That command is what the report records as the
one that resumes the run, so the CLI can resume a campaign the page started.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..cli.main import build_parser
from ..errors import ConfigError, InputError
from .campaigns import journal_name
from .contacts import UPLOADS_DIR

KINDS = ("template", "message", "wa")
MODES = {"preview": None, "sandbox": "--sandbox", "live": "--live"}
PROTECTIONS = {
    "consent_column": "--consent-column", "send_hours": "--send-hours",
    "not_before": "--not-before", "wait": "--wait", "optouts": "--optouts",
}  # fmt: skip
"""The sender-protection fields of the page and the flags of `send` they become."""


@functools.cache
def supported_protections() -> tuple[str, ...]:
    """The protections this version's `send` knows: the page offers those, and only those."""
    parser = build_parser()
    return tuple(
        key
        for key, flag in PROTECTIONS.items()
        if _parses(parser, [flag]) or _parses(parser, [f"{flag}=x"])  # a switch, or a value
    )


def _parses(parser: argparse.ArgumentParser, flags: list[str]) -> bool:
    with contextlib.redirect_stderr(io.StringIO()), contextlib.suppress(SystemExit):
        _, unknown = parser.parse_known_args(["send", "contacts.csv", *flags])
        return not unknown
    return False


def template_names(templates_dir: Path) -> list[str]:
    """The templates the page offers: `templates/*.txt`, by name."""
    return sorted(p.stem for p in templates_dir.glob("*.txt") if p.is_file())


def uploaded_file(value: Any) -> Path:
    """A contacts file the page uploaded, and no other file of the laptop."""
    path = Path(str(value or ""))
    if not path.is_file() or not path.resolve().is_relative_to(UPLOADS_DIR.resolve()):
        raise InputError(f"{path}: choose the contacts file again")
    return path


def send_arguments(form: Mapping[str, Any], mode: str, templates_dir: Path) -> list[str]:
    """`send CONTACTS ...` for this form; free text goes as `--flag=value` (it may start with -)."""
    if mode not in MODES:
        raise ConfigError(f"{mode}: not a way to send")
    arguments = ["send", uploaded_file(form.get("file")).as_posix()]
    arguments += _message_arguments(form, templates_dir)
    for flag, key in (("--sheet", "sheet"), ("--phone-column", "phone_column"),
                      ("--country-column", "country_column"), ("--country", "country"),
                      ("--campaign", "campaign")):  # fmt: skip
        value = str(form.get(key) or "").strip()
        if value:
            arguments.append(f"{flag}={value}")
    if form.get("campaign"):  # its files go in reports/, where the Campaigns step finds them
        journal_name(str(form["campaign"]).strip())
    arguments += _protection_arguments(form)
    rate = form.get("rate")
    if rate not in (None, ""):
        arguments.append(f"--rate={_number(rate, 'rate')}")
    switch = MODES[mode]
    return [*arguments, switch] if switch else arguments


def send_test_arguments(form: Mapping[str, Any], mode: str, templates_dir: Path) -> list[str]:
    """`send ... --test-to PHONE [--test-count N]`: the page's test to the user's own phone."""
    phone = str(form.get("test_to") or "").strip()
    if not phone:
        raise ConfigError("write the phone the test goes to")
    arguments = [*send_arguments(form, mode, templates_dir), f"--test-to={phone}"]
    count = str(form.get("test_count") or "").strip()
    if count:
        arguments.append(f"--test-count={count}")
    return arguments


def _protection_arguments(form: Mapping[str, Any]) -> list[str]:
    arguments = []
    for key in supported_protections():
        value = form.get(key)
        if key == "optouts" or not value:  # optouts.csv of the folder is read without a flag
            continue
        if key == "wait":
            arguments.append(PROTECTIONS[key])
        else:
            text = str(value).strip()
            if key == "not_before":  # a datetime-local field: 2026-12-03T09:00
                text = text.replace("T", " ")
            arguments.append(f"{PROTECTIONS[key]}={text}")
    return arguments


def _message_arguments(form: Mapping[str, Any], templates_dir: Path) -> list[str]:
    kind = form.get("kind")
    if kind == "template":
        name = str(form.get("template") or "")
        if name not in template_names(templates_dir):
            raise ConfigError(f"{name!r}: no such template in {templates_dir}")
        return [f"--template={name}"]
    if kind == "message":
        text = str(form.get("message") or "")
        if not text.strip():
            raise ConfigError("write the message first")
        return [f"--message={text}"]
    if kind == "wa":
        return _wa_arguments(form.get("wa") or {})
    raise ConfigError(f"{kind!r}: choose a template, a message or an approved template")


def _wa_arguments(wa: Mapping[str, Any]) -> list[str]:
    name = str(wa.get("name") or "").strip()
    if not name:
        raise ConfigError("give the approved template's name")
    arguments = [f"--wa-template={name}"]
    for flag, key in (("--var", "body"), ("--header-var", "header")):
        for number, variable in enumerate(wa.get(key) or [], start=1):
            # A variable is {"name", "value"}: Plazbot's name, or its number when unnamed.
            named = str(variable.get("name") or "").strip() if isinstance(variable, dict) else ""
            value = variable.get("value", "") if isinstance(variable, dict) else variable
            arguments.append(f"{flag}={named or number}={value}")
    for flag, key in (("--campaign-name", "campaign_name"), ("--send-type", "send_type")):
        value = str(wa.get(key) or "").strip()
        if value:
            arguments.append(f"{flag}={value}")
    return arguments


def _number(value: Any, name: str) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{name} {value!r}: not a number") from exc
    if number < 0:
        raise ConfigError(f"{name} {value!r}: must be 0 or more")
    return f"{number:g}"
