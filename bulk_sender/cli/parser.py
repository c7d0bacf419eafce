"""The command line's words: every command, its flags, and how each flag's value is checked.

`build_parser` declares the commands and their flags, each command bound to its handler
(`main.py` holds them, and `settings_from`, which turns `send`'s flags into `Settings`). The
protection flags and `optout` are declared in `protect.py`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn, cast

from .. import __version__
from ..delivery.wire import CONVERSATION_PATH, DEFAULT_API_URL, SendSettings
from ..engine.options import environment
from ..language import N_, _
from ..messages.compose import SEND_TYPES
from ..sandbox.server import ServerSettings
from .budget import add_budget_command
from .followup import add_follow_up_commands
from .protect import add_optout_command, add_protection_flags, read_as, whole_number

Command = Callable[[argparse.Namespace, Sequence[str]], int]
"""A command's handler: its parsed flags and the words they came from, to an exit code."""


def build_parser(handlers: Mapping[str, Command] | None = None) -> argparse.ArgumentParser:
    """Every command's flags; `handlers` runs each command, by its name (`main.py`'s).

    Without them the parser only reads flags, as `settings_from` wants them (tests do).
    """
    run = handlers or {}
    parser = Parser(
        prog="bulk-sender",
        description=_(
            "Send personalised WhatsApp messages through Plazbot to customers in a sheet."
        ),
        epilog=_(
            "Documentation of bulk-sender {version}: in the project folder run "
            'pip install ".[docs]" then mkdocs serve, and open http://127.0.0.1:8000/ '
            "(English: http://127.0.0.1:8000/en/); or read docs/index.es.md."
        ).format(version=__version__),
    )
    parser.add_argument(
        "--version", action="version", version=f"bulk-sender {__version__}",
        help=_("show program's version number and exit"),
    )  # fmt: skip
    # Typed as argparse's: the commands' modules add plain parsers' commands to it.
    commands: argparse._SubParsersAction[argparse.ArgumentParser] = cast(
        "argparse._SubParsersAction[argparse.ArgumentParser]",
        parser.add_subparsers(
            dest="command", required=True, title=_("commands"), metavar=_("COMMAND")
        ),
    )

    send = commands.add_parser("send", help=_("send (or preview) a campaign"))
    _add_send(send)
    send.set_defaults(handler=run.get("send"))
    serve = commands.add_parser("serve", help=_("run the Plazbot-compatible server"))
    _add_serve(serve)
    serve.set_defaults(handler=run.get("serve"))
    report = commands.add_parser("report", help=_("rebuild a report from a journal alone"))
    report.add_argument("journal", type=Path, metavar=_("JOURNAL"))
    report.add_argument(
        "--output", type=Path, metavar=_("PATH"), help=_("report path (.xlsx or .csv)")
    )
    report.set_defaults(handler=run.get("report"))
    add_optout_command(commands, environment)
    add_follow_up_commands(commands, environment)
    add_budget_command(commands, environment)
    ui = commands.add_parser("ui", help=_("open the web page (a local server on 127.0.0.1)"))
    ui.add_argument(
        "--port", type=_non_negative_int, default=0, metavar="N", help=_("default: a free port")
    )
    ui.add_argument("--no-browser", action="store_true", help=_("only print the page's address"))
    ui.set_defaults(handler=run.get("ui"))
    return parser


LANG_FLAG = "--lang"
LANG_CHOICES = ("es", "pt", "en")


class Parser(argparse.ArgumentParser):
    """argparse's parser, with `--lang` on every command and an error of one line.

    Every command's parser is one (`add_subparsers` makes its parsers of the parent's class);
    the shared flags' parents (`add_help=False`) do not get `--lang`, their children do.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.add_help:
            # SUPPRESS: a command's parser leaves the top level's choice as it is. `main()`
            # reads the flag before parsing (the help is worded in that language).
            self.add_argument(
                LANG_FLAG, choices=LANG_CHOICES, default=argparse.SUPPRESS,
                help=_("the language bulk-sender speaks: es, pt or en "
                       "(default BULK_SENDER_LANG, else the system's)"),
            )  # fmt: skip

    def error(self, message: str) -> NoReturn:
        """A bad flag or argument: one line, exit 2 (argparse's is the usage, then the line)."""
        line = _("{prog}: error: {problem} (see {prog} --help)").format(
            prog=self.prog, problem=message
        )
        self.exit(2, line + "\n")


def _add_send(send: argparse.ArgumentParser) -> None:
    """`send`'s flags, in the order its help lists them."""
    send.add_argument(
        "contacts",
        type=Path,
        metavar=_("CONTACTS"),
        help=_("the customers' file: .csv .tsv .txt .xlsx .xlsm .xls .ods"),
    )
    _add_message_flags(send)
    _add_destination_flags(send)
    _add_contacts_flags(send)
    _add_pace_flags(send)
    _add_run_flags(send)
    add_protection_flags(send)


def _add_message_flags(send: argparse.ArgumentParser) -> None:
    """What each row is sent: a template, a message, or an approved template and its call."""
    what = send.add_mutually_exclusive_group()
    what.add_argument(
        "-t", "--template", metavar=_("TEMPLATE"),
        help=_("template file, or a name under templates/"),
    )  # fmt: skip
    what.add_argument(
        "-m", "--message", metavar=_("TEXT"), help=_("the message text (a template itself)")
    )
    what.add_argument("--wa-template", metavar=_("NAME"), help=_("an approved WhatsApp template"))
    send.add_argument(
        "--var",
        action="append",
        default=[],
        metavar=_("VAR=VALUE"),
        help=_("body variable VAR (1, 2, 3... or a name): a column name or a template expression"),
    )
    send.add_argument(
        "--header-var",
        action="append",
        default=[],
        metavar=_("VAR=VALUE"),
        help=_("header variable VAR (1, 2, 3... or a name) of the approved template"),
    )
    send.add_argument(
        "--media-url-column",
        metavar=_("COLUMN"),
        help=_("column with the URL of the template's media header"),
    )
    send.add_argument("--campaign-name", metavar=_("TEXT"), help=_("Plazbot's campaignName"))
    send.add_argument(
        "--send-type",
        choices=tuple(SEND_TYPES),
        help=_("Plazbot's sendType for approved templates (default: none sent, Plazbot decides)"),
    )
    send.add_argument(
        "--conversation-path",
        default=CONVERSATION_PATH,
        metavar=_("PATH"),
        help=_("API path for approved templates (default {path})").format(path=CONVERSATION_PATH),
    )


def _add_destination_flags(send: argparse.ArgumentParser) -> None:
    """Where the messages go, and the campaign's name, report and journal."""
    mode = send.add_mutually_exclusive_group()
    mode.add_argument("--live", action="store_true", help=_("send through the Plazbot API"))
    mode.add_argument("--sandbox", action="store_true", help=_("send to the bundled server"))
    send.add_argument(
        "--campaign",
        metavar=_("NAME"),
        help=_("names the report and journal; a new name sends the list again"),
    )
    send.add_argument(
        "--report",
        type=Path,
        metavar=_("PATH"),
        help=_("report file, .xlsx or .csv (default reports/CAMPAIGN.xlsx)"),
    )
    send.add_argument(
        "--journal",
        type=Path,
        metavar=_("PATH"),
        help=_("journal file (default beside the report)"),
    )


def _add_contacts_flags(send: argparse.ArgumentParser) -> None:
    """How the contacts file is read: its sheet, phone and country columns, locale."""
    send.add_argument(
        "--sheet",
        metavar=_("NAME|N"),
        help=_("sheet to read, by name or number from 1 (default first visible)"),
    )
    send.add_argument(
        "--phone-column",
        metavar="A,B,...",
        help=_("the phone column, or several tried in order row by row (default: detected)"),
    )
    send.add_argument(
        "--country-column",
        metavar=_("NAME|none"),
        help=_("the column giving each row's country, or none (default: detected)"),
    )
    send.add_argument(
        "--country",
        metavar="CC",
        help=_("country of phones without a code, e.g. PE (or BULK_SENDER_COUNTRY)"),
    )
    send.add_argument(
        "--locale",
        metavar=_("LOCALE"),
        help=_("formatting of money and dates, e.g. es_PE (default from --country)"),
    )
    send.add_argument(
        "--allow-landlines", action="store_true", help=_("keep numbers that are not mobiles")
    )


def _add_pace_flags(send: argparse.ArgumentParser) -> None:
    """The sender's pace: concurrency, rate, attempts and timeouts (`SendSettings`)."""
    defaults = SendSettings()
    send.add_argument(
        "--concurrency",
        type=_positive_int,
        default=defaults.concurrency,
        metavar="N",
        help=_("requests in flight at once (default {default})").format(
            default=defaults.concurrency
        ),
    )
    send.add_argument(
        "--rate",
        type=_non_negative_float,
        default=defaults.rate,
        metavar=_("MSGS_PER_S"),
        help=_("messages per second, 0 = no limit (default {default})").format(
            default=defaults.rate
        ),
    )
    send.add_argument(
        "--max-attempts",
        type=_positive_int,
        default=defaults.max_attempts,
        metavar="N",
        help=_("tries for retriable failures (default {default})").format(
            default=defaults.max_attempts
        ),
    )
    send.add_argument(
        "--max-refusal-rate",
        type=_probability,
        default=defaults.max_refusal_rate,
        metavar="P",
        help=_(
            "pause when more than this share of the last 50 answers hurt the number "
            "(131049, 131050, 131026, 4xx); 1 = never (default {default})"
        ).format(default=defaults.max_refusal_rate),
    )
    send.add_argument(
        "--connect-timeout",
        type=_positive_float,
        metavar="S",
        default=defaults.connect_timeout,
        help=_("seconds (default {default})").format(default=defaults.connect_timeout),
    )
    send.add_argument(
        "--read-timeout",
        type=_positive_float,
        metavar="S",
        default=defaults.read_timeout,
        help=_("seconds (default {default})").format(default=defaults.read_timeout),
    )


def _add_run_flags(send: argparse.ArgumentParser) -> None:
    """This run: how much it sends, what it sends again, the API, the question, the display."""
    send.add_argument(
        "--limit",
        type=_non_negative_int,
        metavar="N",
        help=_("send at most N messages this run"),
    )
    send.add_argument(
        "--retry-failed", action="store_true", help=_("send again rows the API refused")
    )
    send.add_argument(
        "--retry-uncertain",
        action="store_true",
        help=_("send again rows that may have been sent"),
    )
    send.add_argument(
        "--allow-resend",
        action="store_true",
        help=_("send to phones an earlier run of this campaign already messaged"),
    )
    send.add_argument(
        "--api-url",
        metavar="URL",
        help=_("default PLAZBOT_API_URL, else {url}").format(url=DEFAULT_API_URL),
    )
    send.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    send.add_argument("--quiet", action="store_true", help=_("no progress display"))


def _add_serve(serve: argparse.ArgumentParser) -> None:
    """`serve`'s flags: where it listens, what it accepts, its faults, its logs."""
    defaults = ServerSettings()
    serve.add_argument(
        "--host",
        default=defaults.host,
        metavar=_("HOST"),
        help=_("the address it listens on (default {default})").format(default=defaults.host),
    )
    serve.add_argument(
        "--port",
        type=_non_negative_int,
        default=defaults.port,
        metavar="N",
        help=_("the port it listens on, 0 = a free one (default {default})").format(
            default=defaults.port
        ),
    )
    serve.add_argument(
        "--workspace",
        default=defaults.workspace,
        metavar="ID",
        help=_("the workspace id it accepts (default {default})").format(
            default=defaults.workspace
        ),
    )
    serve.add_argument(
        "--api-key",
        metavar="API_KEY",
        help=_("require Authorization: Bearer API_KEY (else 401)"),
    )
    serve.add_argument(
        "--tier", type=_non_negative_int, default=0, metavar="N",
        help=_("WhatsApp's daily limit: refuse (131048) a new customer past N different ones "
               "in 24 hours; 0 = no limit"),
    )  # fmt: skip
    _add_fault_flags(serve)
    serve.add_argument("--log", type=Path, metavar=_("PATH"), help=_("one JSON line per delivery"))
    serve.add_argument("--access-log", type=Path, metavar=_("PATH"), help=_("one line per request"))


def _add_fault_flags(serve: argparse.ArgumentParser) -> None:
    """The server's faults: latency, 429s, errors, drops and closed windows, and their seed."""
    serve.add_argument(
        "--latency-ms",
        type=_non_negative_float,
        default=0.0,
        metavar="N",
        help=_("wait this long before answering, in milliseconds"),
    )
    serve.add_argument(
        "--rate-limit",
        type=_non_negative_float,
        default=0.0,
        metavar=_("MSGS_PER_S"),
        help=_("answer 429 over this many requests in any second"),
    )
    for flag, share in _FAULT_SHARES:
        serve.add_argument(flag, type=_probability, default=0.0, metavar="P", help=_(share))
    serve.add_argument(
        "--whatsapp-errors", type=_code_shares, default=(), metavar=_("CODE=P,..."),
        help=_("WhatsApp's error codes and the share of phones (or, for 130429 and 131056, of "
               "requests) that get each, e.g. 131049=0.05,131050=0.02"),
    )  # fmt: skip
    serve.add_argument(
        "--seed", type=whole_number, metavar="N", help=_("makes the faults repeatable")
    )


_FAULT_SHARES = (
    ("--unavailable-rate", N_("share of requests answered 503")),
    ("--error-rate", N_("share of requests answered 500")),
    ("--drop-rate", N_("share of messages accepted, then left unanswered")),
    ("--closed-window-rate", N_("share of phones whose 24-hour window is closed (400, #131047)")),
    ("--not-on-whatsapp-rate", N_("share of phones without WhatsApp (400, #131026)")),
    ("--reply-rate", N_("share of customers who reply to their first message")),
    ("--stop-rate", N_("share of customers whose reply asks to stop (part of --reply-rate)")),
    ("--blocked-rate", N_("share of customers who blocked the business")),
)
"""The faults `serve` draws at random, each a share of requests, messages or phones."""


def _code_shares(text: str) -> tuple[tuple[str, float], ...]:
    """`131049=0.05,131050=0.02` as ((code, share), ...)."""
    pairs = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        code, equals, share = part.partition("=")
        if not equals:
            raise argparse.ArgumentTypeError(
                _("{part}: write CODE=SHARE, e.g. 131049=0.05").format(part=part)
            )
        pairs.append((code.strip(), _probability(share)))
    return tuple(pairs)


_number = read_as(float, N_("{text}: write a number, e.g. 2.5"))


def _positive_int(text: str) -> int:
    value = whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(_("{text}: must be 1 or more").format(text=text))
    return value


def _non_negative_int(text: str) -> int:
    value = whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(_("{text}: must be 0 or more").format(text=text))
    return value


def _positive_float(text: str) -> float:
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(_("{text}: must be more than 0").format(text=text))
    return value


def _non_negative_float(text: str) -> float:
    value = _number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(_("{text}: must be 0 or more").format(text=text))
    return value


def _probability(text: str) -> float:
    value = _number(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(_("{text}: must be between 0 and 1").format(text=text))
    return value
