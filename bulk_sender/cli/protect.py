"""The command line of sender protection (docs/spec.md section 7): the flags of `send` that protect
the number, the test send's printout, and `bulk-sender optout add|remove|list`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from ..contacts.phones import country_flag
from ..engine.campaign import Settings
from ..engine.testsend import run_test_send
from ..engine.waiting import parse_not_before
from ..errors import ConfigError
from ..language import N_, _, ngettext
from ..lifecycle import Status
from ..protect.hours import parse_send_hours
from ..protect.optouts import (
    DEFAULT_PATH,
    ENV_VAR,
    add_phones,
    parse_phones,
    read_listing,
    remove_phones,
    shown,
)
from ..protect.rules import Protection

T = TypeVar("T")


def add_protection_flags(send: argparse.ArgumentParser) -> None:
    group = send.add_argument_group(_("protecting your number"))
    group.add_argument(
        "--optouts", type=Path, metavar=_("PATH"),
        help=_("opt-out list (default {path} when it exists, or {env_var})").format(
            path=DEFAULT_PATH, env_var=ENV_VAR
        ),
    )  # fmt: skip
    group.add_argument(
        "--consent-column",
        metavar=_("COLUMN"),
        help=_("send only to rows whose cell says yes"),
    )
    group.add_argument(
        "--send-hours",
        metavar="HH:MM-HH:MM",
        help=_("send only in this window, customer's time"),
    )
    group.add_argument(
        "--wait", action="store_true",
        help=_("stay and send as send-hour windows open and the daily budget frees room"),
    )  # fmt: skip
    group.add_argument(
        "--daily-limit", type=whole_number, metavar="N",
        help=_("start at most N different customers in any 24 hours (default: bulk-sender "
               "budget set)"),
    )  # fmt: skip
    group.add_argument(
        "--not-before",
        metavar=_("TIME"),
        help=_('first message at TIME, e.g. "2026-12-03 09:00"'),
    )
    group.add_argument(
        "--test-to",
        metavar=_("PHONE"),
        help=_("send the first messages to PHONE only, as a test"),
    )
    group.add_argument(
        "--test-count", type=whole_number, metavar="N", help=_("messages in the test (1)")
    )


def read_as(convert: Callable[[str], T], words: str) -> Callable[[str], T]:
    """A flag's type for argparse: `convert` it, or say in the user's language what to write
    (`words`, marked with `N_`, `{text}` the value typed)."""

    def read(text: str) -> T:
        try:
            return convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(_(words).format(text=text)) from None

    return read


whole_number = read_as(int, N_("{text}: write a whole number, e.g. 3"))


def protection_from(options: argparse.Namespace) -> Protection:
    """The protection flags, checked (`BULK_SENDER_OPTOUTS` comes from `with_environment`)."""
    if options.daily_limit is not None and options.daily_limit < 1:
        raise ConfigError(_("--daily-limit {n}: must be 1 or more").format(n=options.daily_limit))
    if options.test_count is not None and not options.test_to:
        raise ConfigError(_("--test-count goes with --test-to PHONE"))
    if options.test_count is not None and options.test_count < 1:
        raise ConfigError(_("--test-count {n}: must be 1 or more").format(n=options.test_count))
    return Protection(
        optouts=options.optouts,
        consent_column=options.consent_column,
        send_hours=parse_send_hours(options.send_hours) if options.send_hours else None,
        wait=options.wait,
        not_before=parse_not_before(options.not_before) if options.not_before else None,
        test_to=options.test_to,
        test_count=options.test_count or 1,
        daily_limit=options.daily_limit,
    )


def send_test(settings: Settings, confirm: Callable[[int, int], bool] | None) -> int:
    """`send --test-to PHONE`: send the test, say which rows' messages went."""
    result = run_test_send(settings, confirm=confirm)
    print(
        _("Test send to {phone} through {target}:").format(
            phone=shown(result.phone), target=result.target
        )
    )
    for message, outcome in result.sent:
        said = _(outcome.status.value)  # a status's word is its name (the catalog's id)
        if outcome.status is not Status.SENT and outcome.result_detail:
            said = _("{status} ({detail})").format(status=said, detail=outcome.result_detail)
        text = " ".join(message.text.split())
        text = text[:60] + ("..." if len(text) > 60 else "")
        print(_("  row {row}: {outcome}: {text}").format(row=message.row, outcome=said, text=text))
    if result.stop_detail:
        print(_("Stopped: {why}").format(why=result.stop_detail))
    print(
        _(
            "The campaign's journal and report were not touched: "
            "the same command without --test-to sends to every customer."
        )
    )
    return result.exit_code


def print_notices(notices: Sequence[str]) -> None:
    for notice in notices:
        print(notice)


# -- bulk-sender optout add|remove|list ---------------------------------------------------


Handler = Callable[[argparse.Namespace, Mapping[str, str]], int]


def add_optout_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    environment: Callable[[], Mapping[str, str]],
) -> None:
    """`bulk-sender optout add|remove|list`; `environment` gives BULK_SENDER_* settings."""

    def handler(action: Handler) -> Callable[[argparse.Namespace, Sequence[str]], int]:
        return lambda options, args: action(options, environment())

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--optouts", type=Path, metavar=_("PATH"),
        help=_("the list to keep (default {env_var}, else {path})").format(
            env_var=ENV_VAR, path=DEFAULT_PATH
        ),
    )  # fmt: skip
    common.add_argument("--country", metavar="CC", help=_("country of phones without a code"))
    optout = commands.add_parser("optout", help=_("keep the opt-out list (phones never messaged)"))
    actions = optout.add_subparsers(dest="action", required=True, metavar=_("ACTION"))
    add = actions.add_parser("add", parents=[common], help=_("put phones on the list"))
    add.add_argument("phones", nargs="*", metavar=_("PHONE"))
    add.add_argument("--file", type=Path, metavar=_("FILE"), help=_("add every phone in this file"))
    add.add_argument("--note", default="", metavar=_("TEXT"), help=_("why, e.g. 'replied BAJA'"))
    add.set_defaults(handler=handler(_optout_add))
    remove = actions.add_parser("remove", parents=[common], help=_("take phones off the list"))
    remove.add_argument("phones", nargs="+", metavar=_("PHONE"))
    remove.set_defaults(handler=handler(_optout_remove))
    listing = actions.add_parser("list", parents=[common], help=_("show the list"))
    listing.set_defaults(handler=handler(_optout_list))


def _list_path(options: argparse.Namespace, env: Mapping[str, str]) -> Path:
    return options.optouts or (Path(env[ENV_VAR]) if env.get(ENV_VAR) else DEFAULT_PATH)


def _country(options: argparse.Namespace, env: Mapping[str, str]) -> str | None:
    return country_flag(options.country or env.get("BULK_SENDER_COUNTRY") or None)


def _optout_add(options: argparse.Namespace, env: Mapping[str, str]) -> int:
    if not options.phones and not options.file:
        raise ConfigError(_("optout add: give phones, or --file FILE"))
    path, country = _list_path(options, env), _country(options, env)
    phones = parse_phones(options.phones, country)
    note = options.note
    if options.file:
        listing = read_listing(options.file, country)
        phones += [e.digits for e in listing.entries if e.digits]
        note = note or _("from {file}").format(file=options.file.name)
        if bad := listing.unreadable:
            rows = ", ".join(str(e.row) for e in bad[:10]) + ("..." if len(bad) > 10 else "")
            print(
                ngettext(
                    "{file}: row {rows} holds no valid phone and was not added",
                    "{file}: rows {rows} hold no valid phone and were not added",
                    len(bad),
                ).format(file=options.file, rows=rows)
            )
    added, already = add_phones(path, phones, country=country, note=note, now=datetime.now())
    for digits in added[:20]:
        print(_("Added {phone} to {path}").format(phone=shown(digits), path=path))
    if len(added) > 20:
        more = len(added) - 20
        print(ngettext("... and {n} more", "... and {n} more", more).format(n=more))
    if already:
        phones_shown = ", ".join(shown(d) for d in already[:5])
        print(
            ngettext(
                "{n} already on {path}: {phones}",
                "{n} already on {path}: {phones}",
                len(already),
            ).format(n=len(already), path=path, phones=phones_shown)
        )
    return 0


def _optout_remove(options: argparse.Namespace, env: Mapping[str, str]) -> int:
    path, country = _list_path(options, env), _country(options, env)
    if not path.exists():
        raise ConfigError(_("{path}: no such opt-out list").format(path=path))
    removed, missing = remove_phones(path, parse_phones(options.phones, country), country=country)
    for digits in removed:
        print(_("Removed {phone} from {path}").format(phone=shown(digits), path=path))
    for digits in missing:
        print(_("{phone} is not on {path}").format(phone=shown(digits), path=path))
    return 0


def _optout_list(options: argparse.Namespace, env: Mapping[str, str]) -> int:
    path, country = _list_path(options, env), _country(options, env)
    if not path.exists():
        print(
            _(
                "No opt-out list yet: {path} does not exist (bulk-sender optout add PHONE makes it)"
            ).format(path=path)
        )
        return 0
    listing = read_listing(path, country)
    lowered = [c.strip().lower() for c in listing.columns]
    extra = [lowered.index(n) for n in ("added_at", "note") if n in lowered]
    for entry in listing.entries:
        if entry.digits:
            cells = [str(entry.values[i]) for i in extra if str(entry.values[i]).strip()]
            print("  ".join([f"{shown(entry.digits):<20}", *cells]).rstrip())
    count = len({e.digits for e in listing.entries if e.digits})
    print(ngettext("{n} phone on {path}", "{n} phones on {path}", count).format(n=count, path=path))
    for entry in listing.unreadable:
        print(
            _("{path}: row {row} holds no valid phone: {problem}").format(
                path=path, row=entry.row, problem=entry.problem
            ),
            file=sys.stderr,
        )
    return 0
