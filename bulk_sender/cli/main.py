"""The `bulk-sender` command: parse flags, build settings, call the library, print the outcome."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shlex
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from .. import __version__
from ..delivery.sender import CONVERSATION_PATH, DEFAULT_API_URL, SendSettings
from ..engine.campaign import Mode, RunResult, Settings, rebuild_report
from ..engine.options import environment, when_and_to, with_environment
from ..errors import BulkSenderError, ConfigError
from ..lifecycle import Status
from ..messages.compose import SEND_TYPES, WaTemplateSpec
from ..sandbox.server import ServerSettings, serve_forever
from .console import YES, print_preview, run_in_console
from .protect import (
    add_optout_command,
    add_protection_flags,
    print_notices,
    protection_from,
    send_test,
)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    options = parser.parse_args(args)
    try:
        code: int = options.handler(options, args)
        sys.stdout.flush()  # here, so that a reader gone is seen here
    except BulkSenderError as exc:
        print(f"bulk-sender: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("bulk-sender: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return reader_gone()
    return code


PIPE_CLOSED = 141
"""128 + SIGPIPE: the code a shell shows for a command whose reader left (`... | head`)."""


def reader_gone() -> int:
    """Stdout's reader left early: no traceback, and none when Python flushes at exit.

    The Python docs' recipe (signal module, "Note on SIGPIPE"): stdout goes to the null
    device; `os.dup2` works on Windows too.
    """
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return PIPE_CLOSED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bulk-sender",
        description="Send personalised WhatsApp messages through Plazbot to customers in a sheet.",
    )
    parser.add_argument("--version", action="version", version=f"bulk-sender {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    _add_send(commands.add_parser("send", help="send (or preview) a campaign"))
    _add_serve(commands.add_parser("serve", help="run the Plazbot-compatible server"))
    report = commands.add_parser("report", help="rebuild a report from a journal alone")
    report.add_argument("journal", type=Path, metavar="JOURNAL")
    report.add_argument("--output", type=Path, help="report path (.xlsx or .csv)")
    report.set_defaults(handler=_report)
    add_optout_command(commands, environment)
    ui = commands.add_parser("ui", help="open the web page (a local server on 127.0.0.1)")
    ui.add_argument("--port", type=_non_negative_int, default=0, help="default: a free port")
    ui.add_argument("--no-browser", action="store_true", help="only print the page's address")
    ui.set_defaults(handler=_ui)
    return parser


def _add_send(send: argparse.ArgumentParser) -> None:
    send.add_argument("contacts", type=Path, metavar="CONTACTS",
                      help=".csv .tsv .txt .xlsx .xlsm .xls .ods")  # fmt: skip
    what = send.add_mutually_exclusive_group()
    what.add_argument("-t", "--template", help="template file, or a name under templates/")
    what.add_argument("-m", "--message", help="the message text (a template itself)")
    what.add_argument("--wa-template", metavar="NAME", help="an approved WhatsApp template")
    send.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="VAR=VALUE",
        help="body variable VAR (1, 2, 3... or a name): a column name or a template expression",
    )
    send.add_argument(
        "--header-var",
        action="append",
        default=[],
        metavar="VAR=VALUE",
        help="header variable VAR (1, 2, 3... or a name) of the approved template",
    )
    send.add_argument(
        "--media-url-column",
        metavar="COLUMN",
        help="column with the URL of the template's media header",
    )
    send.add_argument("--campaign-name", metavar="TEXT", help="Plazbot's campaignName")
    send.add_argument(
        "--send-type",
        choices=tuple(SEND_TYPES),
        help="Plazbot's sendType for approved templates (default: none sent, Plazbot decides)",
    )
    send.add_argument(
        "--conversation-path",
        default=CONVERSATION_PATH,
        metavar="PATH",
        help=f"API path for approved templates (default {CONVERSATION_PATH})",
    )
    mode = send.add_mutually_exclusive_group()
    mode.add_argument("--live", action="store_true", help="send through the Plazbot API")
    mode.add_argument("--sandbox", action="store_true", help="send to the bundled server")
    send.add_argument(
        "--campaign",
        metavar="NAME",
        help="names the report and journal; a new name sends the list again",
    )
    send.add_argument(
        "--report",
        type=Path,
        metavar="PATH",
        help="report file, .xlsx or .csv (default reports/<campaign>.xlsx)",
    )
    send.add_argument(
        "--journal", type=Path, metavar="PATH", help="journal file (default beside the report)"
    )
    send.add_argument(
        "--sheet",
        metavar="NAME|N",
        help="sheet to read, by name or number from 1 (default first visible)",
    )
    send.add_argument(
        "--phone-column",
        metavar="A,B,...",
        help="the phone column, or several tried in order row by row (default: detected)",
    )
    send.add_argument(
        "--country-column",
        metavar="NAME|none",
        help="the column giving each row's country, or none (default: detected)",
    )
    send.add_argument(
        "--country",
        metavar="CC",
        help="country of phones without a code, e.g. PE (or BULK_SENDER_COUNTRY)",
    )
    send.add_argument("--locale", help="formatting of money and dates (default from --country)")
    send.add_argument(
        "--allow-landlines", action="store_true", help="keep numbers that are not mobiles"
    )
    defaults = SendSettings()
    send.add_argument(
        "--concurrency",
        type=_positive_int,
        default=defaults.concurrency,
        metavar="N",
        help="requests in flight at once (default %(default)s)",
    )
    send.add_argument(
        "--rate",
        type=_non_negative_float,
        default=defaults.rate,
        metavar="MSGS_PER_S",
        help="messages per second, 0 = no limit (default %(default)s)",
    )
    send.add_argument(
        "--max-attempts",
        type=_positive_int,
        default=defaults.max_attempts,
        metavar="N",
        help="tries for retriable failures (default %(default)s)",
    )
    send.add_argument(
        "--connect-timeout",
        type=_positive_float,
        metavar="S",
        default=defaults.connect_timeout,
        help="seconds (default %(default)s)",
    )
    send.add_argument(
        "--read-timeout",
        type=_positive_float,
        metavar="S",
        default=defaults.read_timeout,
        help="seconds (default %(default)s)",
    )
    send.add_argument(
        "--limit", type=_non_negative_int, metavar="N", help="send at most N messages this run"
    )
    send.add_argument("--retry-failed", action="store_true", help="send again rows the API refused")
    send.add_argument(
        "--retry-uncertain", action="store_true", help="send again rows that may have been sent"
    )
    send.add_argument(
        "--allow-resend",
        action="store_true",
        help="send to phones an earlier run of this campaign already messaged",
    )
    send.add_argument(
        "--api-url", metavar="URL", help=f"default PLAZBOT_API_URL, else {DEFAULT_API_URL}"
    )
    send.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    send.add_argument("--quiet", action="store_true", help="no progress display")
    add_protection_flags(send)
    send.set_defaults(handler=_send)


def _add_serve(serve: argparse.ArgumentParser) -> None:
    defaults = ServerSettings()
    serve.add_argument("--host", default=defaults.host)
    serve.add_argument("--port", type=_non_negative_int, default=defaults.port)
    serve.add_argument(
        "--workspace",
        default=defaults.workspace,
        help="the workspace id it accepts (default %(default)s)",
    )
    serve.add_argument("--api-key", help="require Authorization: Bearer API_KEY (else 401)")
    serve.add_argument(
        "--latency-ms",
        type=_non_negative_float,
        default=0.0,
        metavar="N",
        help="wait this long before answering",
    )
    serve.add_argument(
        "--rate-limit",
        type=_non_negative_float,
        default=0.0,
        metavar="MSGS_PER_S",
        help="answer 429 over this many requests in any second",
    )
    serve.add_argument(
        "--unavailable-rate",
        type=_probability,
        default=0.0,
        metavar="P",
        help="share of requests answered 503",
    )
    serve.add_argument(
        "--error-rate",
        type=_probability,
        default=0.0,
        metavar="P",
        help="share of requests answered 500",
    )
    serve.add_argument(
        "--drop-rate",
        type=_probability,
        default=0.0,
        metavar="P",
        help="share of messages accepted, then left unanswered",
    )
    serve.add_argument(
        "--closed-window-rate",
        type=_probability,
        default=0.0,
        metavar="P",
        help="share of phones whose 24-hour window is closed (400, #131047)",
    )
    serve.add_argument(
        "--not-on-whatsapp-rate",
        type=_probability,
        default=0.0,
        metavar="P",
        help="share of phones without WhatsApp (400, #131026)",
    )
    serve.add_argument("--seed", type=int, help="makes the faults repeatable")
    serve.add_argument("--log", type=Path, metavar="PATH", help="one JSON line per delivery")
    serve.add_argument("--access-log", type=Path, metavar="PATH", help="one per request")
    serve.set_defaults(handler=_serve)


def settings_from(
    options: argparse.Namespace, args: Sequence[str], env: Mapping[str, str]
) -> Settings:
    """One `Settings` from the flags; flag > environment > `.env` > default."""
    if options.live:
        mode = Mode.LIVE
    elif options.sandbox:
        mode = Mode.SANDBOX
    else:
        mode = Mode.DRY_RUN
    wa = None
    if options.wa_template:
        wa = WaTemplateSpec(
            options.wa_template, _pairs(options.var, "--var"),
            _pairs(options.header_var, "--header-var"), options.media_url_column,
            options.campaign_name, options.send_type,
        )  # fmt: skip
    elif options.var or options.header_var or options.send_type:
        raise ConfigError("--var, --header-var and --send-type go with --wa-template")
    send = SendSettings(
        concurrency=options.concurrency, rate=options.rate, max_attempts=options.max_attempts,
        connect_timeout=options.connect_timeout, read_timeout=options.read_timeout,
    )  # fmt: skip
    settings = Settings(
        contacts=options.contacts, template=options.template, message=options.message,
        wa_template=wa, mode=mode, campaign=options.campaign, report=options.report,
        journal=options.journal, sheet=options.sheet, phone_column=options.phone_column,
        country_column=options.country_column,
        country=options.country,
        locale=options.locale, allow_landlines=options.allow_landlines, send=send,
        limit=options.limit, retry_failed=options.retry_failed,
        retry_uncertain=options.retry_uncertain, allow_resend=options.allow_resend,
        conversation_path=options.conversation_path,
        command=shlex.join(["bulk-sender", *args]), quiet=options.quiet,
        protection=protection_from(options),
    )  # fmt: skip
    return with_environment(settings, env, api_url=options.api_url)


def _send(options: argparse.Namespace, args: Sequence[str]) -> int:
    settings = settings_from(options, args, environment())
    ask = settings.mode is Mode.LIVE and not options.yes and sys.stdin.isatty()
    if settings.protection.test_to:
        return send_test(settings, _ask(settings) if ask else None)
    result = run_in_console(settings, ask=ask)
    _print_result(settings, result)
    return result.exit_code


def _ask(settings: Settings) -> Callable[[int, int], bool]:
    """The question before a test send (a campaign's is the console's)."""

    def confirm(messages: int, phones: int) -> bool:
        url = settings.api_url + when_and_to(settings.protection)
        answer = input(f"Send {messages} messages to {phones} phones through {url}? [y/N] ")
        return answer.strip().lower() in YES

    return confirm


def _print_result(settings: Settings, result: RunResult) -> None:
    out = sys.stdout
    for line in result.columns_used.lines():  # which columns gave the phones, first of all
        print(_printable(line, out), file=out)
    _print_preview(result, out)
    statuses = ", ".join(
        f"{n} {s}" for s, n in sorted(result.statuses.items(), key=lambda x: -x[1])
    )
    print(f"Rows: {sum(result.statuses.values())} ({statuses})", file=out)
    if result.reasons:
        reasons = ", ".join(f"{code} {n}" for code, n in sorted(result.reasons.items()))
        print(f"Reasons: {reasons}", file=out)
    if result.sent_per_second:
        print(f"Sent at {result.sent_per_second:.1f} messages/s", file=out)
    if result.stop_detail:
        print(f"Stopped: {result.stop_detail}", file=out)
    print_notices(result.notices)
    print(f"Report: {result.report_path}", file=out)
    if result.journal_path:
        print(f"Journal: {result.journal_path}", file=out)
    if settings.mode is Mode.DRY_RUN:
        print("Dry run: nothing was sent. Add --sandbox to rehearse or --live to send.", file=out)
    print(f"To resume: {settings.command}", file=out)


def _print_preview(result: RunResult, out: TextIO) -> None:
    to_send = sum(result.statuses.get(s, 0) for s in (Status.READY, Status.PENDING))
    print_preview(result.preview, result.distinct_messages, to_send, out)


def _printable(text: str, out: TextIO) -> str:
    """A console in a legacy code page cannot show every emoji or accent: a "?" beats a crash."""
    encoding = getattr(out, "encoding", None) or "utf-8"
    return text.encode(encoding, "replace").decode(encoding)


def _serve(options: argparse.Namespace, args: Sequence[str]) -> int:
    settings = ServerSettings(
        host=options.host, port=options.port, workspace=options.workspace,
        api_key=options.api_key,
        latency_ms=options.latency_ms, rate_limit=options.rate_limit,
        unavailable_rate=options.unavailable_rate, error_rate=options.error_rate,
        drop_rate=options.drop_rate, closed_window_rate=options.closed_window_rate,
        not_on_whatsapp_rate=options.not_on_whatsapp_rate, seed=options.seed, log=options.log,
        access_log=options.access_log,
    )  # fmt: skip
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_forever(settings))
    return 0


def _report(options: argparse.Namespace, args: Sequence[str]) -> int:
    path = rebuild_report(options.journal, options.output)
    print(f"Report: {path}")
    return 0


def _ui(options: argparse.Namespace, args: Sequence[str]) -> int:
    from ..ui.server import serve_ui  # the page's modules load only for this command

    return serve_ui(options.port, open_browser=not options.no_browser)


def _pairs(values: Sequence[str], flag: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for value in values:
        number, sep, expression = value.partition("=")
        if not sep or not number.strip():
            raise ConfigError(
                f"{flag} {value}: write it as VAR=VALUE, e.g. {flag} 1=Nombre or {flag} name=Nombre"
            )
        pairs.append((number.strip(), expression))
    return tuple(pairs)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text}: must be 1 or more")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text}: must be 0 or more")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text}: must be more than 0")
    return value


def _non_negative_float(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text}: must be 0 or more")
    return value


def _probability(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text}: must be between 0 and 1")
    return value


if __name__ == "__main__":
    sys.exit(main())
