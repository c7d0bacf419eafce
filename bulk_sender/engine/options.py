"""Options: what every front end shares to build a run's settings, and the settings' record.

The CLI parses its flags and the page reads its form; both build a `Settings` and finish it
here. `environment()` is the process environment over a `.env` file, and `with_environment`
fills in what comes from there: credentials, the API's address and the default country, with
flag > environment > `.env` > default. `command_line` writes the `bulk-sender send ...` line
that repeats a run. A run prints it at its end and its report keeps it.

`record` and `from_record` keep a run's settings in its journal as JSON, without secrets. The
page resumes a campaign from there, whoever started it, and never reads a command line back.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shlex
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

from ..delivery.wire import DEFAULT_API_URL, SendSettings
from ..errors import ConfigError
from ..journal.reading import read_meta
from ..language import _
from ..messages.compose import SEND_TYPES, WaTemplateSpec
from ..protect.budget import data_folder
from ..protect.hours import parse_send_hours
from ..protect.optouts import ENV_VAR as OPTOUTS_VAR
from ..protect.rules import Protection
from .campaign import Mode, Settings

MODE_FLAGS = {Mode.LIVE: "--live", Mode.SANDBOX: "--sandbox", Mode.DRY_RUN: None}


def environment() -> dict[str, str]:
    """The process environment over a `.env` file in the working folder."""
    from_file = {k: v for k, v in dotenv_values(".env").items() if v is not None}
    return {**from_file, **os.environ}


def with_environment(
    settings: Settings, env: Mapping[str, str], *, api_url: str | None = None
) -> Settings:
    """The settings with what the environment gives: credentials, defaults, the API's URL.

    `api_url` is one the user named (`--api-url`, or the run a journal recorded); without it
    `PLAZBOT_API_URL`, else Plazbot's own.
    """
    protection = settings.protection
    if protection.optouts is None and env.get(OPTOUTS_VAR):
        protection = dataclasses.replace(protection, optouts=Path(env[OPTOUTS_VAR]))
    if protection.data_folder is None:
        protection = dataclasses.replace(protection, data_folder=data_folder(env))
    return dataclasses.replace(
        settings,
        country=settings.country or env.get("BULK_SENDER_COUNTRY") or None,
        api_url=api_url or env.get("PLAZBOT_API_URL") or DEFAULT_API_URL,
        workspace_id=env.get("PLAZBOT_WORKSPACE_ID") or None,
        api_key=env.get("PLAZBOT_API_KEY") or None,
        protection=protection,
    )


def command_line(settings: Settings) -> str:
    """`bulk-sender send CONTACTS ...`: the command that repeats (and so resumes) this run."""
    words = ["bulk-sender", "send", str(settings.contacts)]
    words += _message_words(settings)
    for flag, value in (("--sheet", settings.sheet), ("--phone-column", settings.phone_column),
                        ("--country-column", settings.country_column),
                        ("--country", settings.country), ("--locale", settings.locale),
                        ("--campaign", settings.campaign), ("--report", settings.report),
                        ("--journal", settings.journal)):  # fmt: skip
        if value:
            words.append(f"{flag}={value}")
    words += _protection_words(settings.protection)
    if settings.send.rate != SendSettings().rate:
        words.append(f"--rate={settings.send.rate:g}")
    if settings.send.max_refusal_rate != SendSettings().max_refusal_rate:
        words.append(f"--max-refusal-rate={settings.send.max_refusal_rate:g}")
    if (switch := MODE_FLAGS[settings.mode]) is not None:
        words.append(switch)
    return shlex.join(words)


def _message_words(settings: Settings) -> list[str]:
    if settings.template:
        return [f"--template={settings.template}"]
    if settings.message is not None:
        return [f"--message={settings.message}"]
    wa = settings.wa_template
    if wa is None:
        return []
    words = [f"--wa-template={wa.name}"]
    words += [f"--var={name}={value}" for name, value in wa.body]
    words += [f"--header-var={name}={value}" for name, value in wa.header]
    named = (("--media-url-column", wa.media_url_column), ("--campaign-name", wa.campaign_name),
             ("--send-type", wa.send_type))  # fmt: skip
    for flag, value in named:
        if value:
            words.append(f"{flag}={value}")
    return words


def _protection_words(protection: Protection) -> list[str]:
    words = []
    if protection.optouts is not None:
        words.append(f"--optouts={protection.optouts}")
    if protection.consent_column:
        words.append(f"--consent-column={protection.consent_column}")
    if protection.send_hours is not None:
        words.append(f"--send-hours={protection.send_hours}")
    if protection.wait:
        words.append("--wait")
    if protection.not_before is not None:
        words.append(f"--not-before={protection.not_before.isoformat()}")
    if protection.daily_limit is not None:
        words.append(f"--daily-limit={protection.daily_limit}")
    return words


def record(settings: Settings) -> str:
    """The run's settings as JSON for its journal: no credentials, no test send."""
    if not isinstance(settings.contacts, Path):
        return ""  # a DataFrame given in a notebook: nothing a page could resume from
    protection = settings.protection
    fields: dict[str, Any] = {
        "contacts": str(settings.contacts), "template": settings.template,
        "message": settings.message,
        "wa_template": dataclasses.asdict(settings.wa_template) if settings.wa_template else None,
        "mode": settings.mode.value, "campaign": settings.campaign,
        "report": _text(settings.report), "journal": _text(settings.journal),
        "sheet": settings.sheet, "phone_column": settings.phone_column,
        "country_column": settings.country_column, "country": settings.country,
        "locale": settings.locale, "allow_landlines": settings.allow_landlines,
        "send": dataclasses.asdict(settings.send), "limit": settings.limit,
        "retry_failed": settings.retry_failed, "retry_uncertain": settings.retry_uncertain,
        "allow_resend": settings.allow_resend, "api_url": settings.api_url,
        "conversation_path": settings.conversation_path, "command": settings.command,
        "protection": {
            "optouts": _text(protection.optouts), "consent_column": protection.consent_column,
            "send_hours": _text(protection.send_hours), "wait": protection.wait,
            "not_before": protection.not_before.isoformat() if protection.not_before else None,
            "daily_limit": protection.daily_limit,
        },
    }  # fmt: skip
    return json.dumps(fields, ensure_ascii=False, sort_keys=True)


def recorded_settings(journal: Path, env: Mapping[str, str]) -> Settings:
    """The settings of a campaign's last run, from its journal, to run it again (resume)."""
    text = read_meta(journal).get("settings")
    if not text:
        raise ConfigError(
            _("{file}: this campaign was last run by an older bulk-sender or from Python").format(
                file=journal
            ),
            hint=_("resume it once with the command its report records; then the page can"),
        )
    return from_record(text, env)


def from_record(text: str, env: Mapping[str, str]) -> Settings:
    """The settings a journal recorded, with today's credentials from the environment."""
    try:
        fields = json.loads(text)
        wa = fields.pop("wa_template")
        protection = fields.pop("protection")
        send = SendSettings(**fields.pop("send"))
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(_("the campaign's journal holds no settings this version reads")) from exc
    return with_environment(
        Settings(
            **fields | {
                "contacts": Path(fields["contacts"]), "mode": Mode(fields["mode"]),
                "report": _path(fields["report"]), "journal": _path(fields["journal"]),
            },
            send=send, wa_template=_wa(wa), protection=_protection(protection),
        ),
        env, api_url=fields["api_url"],  # the target the journal is bound to
    )  # fmt: skip


def _wa(fields: dict[str, Any] | None) -> WaTemplateSpec | None:
    if fields is None:
        return None
    pairs = {key: tuple(tuple(pair) for pair in fields[key]) for key in ("body", "header")}
    if fields.get("send_type") is not None and fields["send_type"] not in SEND_TYPES:
        raise ConfigError(
            _("--send-type {value}: not one this version knows").format(value=fields["send_type"])
        )
    return WaTemplateSpec(**fields | pairs)


def _protection(fields: dict[str, Any]) -> Protection:
    return Protection(
        optouts=_path(fields["optouts"]), consent_column=fields["consent_column"],
        send_hours=parse_send_hours(fields["send_hours"]) if fields["send_hours"] else None,
        wait=fields["wait"],
        not_before=datetime.fromisoformat(fields["not_before"]) if fields["not_before"] else None,
        daily_limit=fields.get("daily_limit"),
    )  # fmt: skip


def _text(value: object | None) -> str | None:
    return None if value is None else str(value)


def _path(text: str | None) -> Path | None:
    return None if text is None else Path(text)
