"""The `bulk-sender` command: build settings, call the library, print the outcome.

The commands and their flags are declared in `parser.py`; here are `main`, the commands'
handlers, `settings_from` (`send`'s flags as the engine's `Settings`) and what they print.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shlex
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TextIO

from .. import lifecycle
from ..delivery.wire import SendSettings
from ..engine.campaign import Mode, RunResult, Settings, rebuild_report
from ..engine.options import environment, with_environment
from ..errors import BulkSenderError, ConfigError
from ..language import ENV_VAR as LANG_ENV_VAR
from ..language import _, choose_language, ngettext, set_language, shown_number
from ..lifecycle import Status
from ..messages.compose import WaTemplateSpec
from ..sandbox.server import ServerSettings, serve_forever
from .argparse_words import speak_our_language
from .console import confirmed, print_preview, question, run_in_console
from .parser import LANG_CHOICES, LANG_FLAG, Command, build_parser
from .protect import print_notices, protection_from, send_test


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    # The language first: the help and argparse's own errors are worded in it.
    use(choose_language(lang_flag(args), environment()))
    speak_our_language()
    parser = build_parser(COMMANDS)
    options = parser.parse_args(args)
    if flag := getattr(options, "lang", None):  # typed short (`--lan pt`), argparse's reading
        use(choose_language(flag, {}))
    try:
        code: int = options.handler(options, args)
        sys.stdout.flush()  # here, so that a reader gone is seen here
    except BulkSenderError as exc:
        print(error_line(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(_("bulk-sender: interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        return reader_gone()
    return code


def use(language: str) -> None:
    """Word everything in `language` from now on. When the environment would say another
    (`--lang`, a `.env`), it is put there too: a thread started without this context, or a
    child process, finds it there."""
    set_language(language)
    if choose_language(None, os.environ) != language:
        os.environ[LANG_ENV_VAR] = language


def lang_flag(args: Sequence[str]) -> str | None:
    """`--lang X` or `--lang=X` wherever it is typed, before argparse reads the rest (the last
    one wins, as argparse's); None when absent or not one of `LANG_CHOICES` (argparse then
    says so, in the language of the environment)."""
    found = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == LANG_FLAG and i + 1 < len(args):
            found = args[i + 1]
        elif arg.startswith(LANG_FLAG + "="):
            found = arg.partition("=")[2]
    return found if found in LANG_CHOICES else None


def error_line(exc: BulkSenderError) -> str:
    """A problem that stops the command, as one line; its words are the library's own."""
    return _("{prog}: error: {problem}").format(prog="bulk-sender", problem=exc)


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
        raise ConfigError(_("--var, --header-var and --send-type go with --wa-template"))
    send = SendSettings(
        concurrency=options.concurrency, rate=options.rate, max_attempts=options.max_attempts,
        connect_timeout=options.connect_timeout, read_timeout=options.read_timeout,
        max_refusal_rate=options.max_refusal_rate,
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
        return confirmed(input(question(settings, messages, phones)))

    return confirm


def _print_result(settings: Settings, result: RunResult) -> None:
    """The run's account in the user's language (`language.py`); codes and paths as they are."""
    out = sys.stdout
    for line in result.columns_used.lines():  # which columns gave the phones, first of all
        print(_printable(line, out), file=out)
    _print_preview(result, out)
    statuses = ", ".join(
        lifecycle.status_count(Status(s), n)
        for s, n in sorted(result.statuses.items(), key=lambda x: -x[1])
    )
    rows = sum(result.statuses.values())
    print(_("Rows: {rows} ({statuses})").format(rows=rows, statuses=statuses), file=out)
    if result.reasons:
        reasons = ", ".join(reason_count(code, n) for code, n in sorted(result.reasons.items()))
        print(_printable(_("Reasons: {reasons}").format(reasons=reasons), out), file=out)
    for line in _hints(result, live=settings.mode is Mode.LIVE):
        print(_printable(_("Hint: {hint}").format(hint=line), out), file=out)
    if result.sent_per_second:
        rate = shown_number(result.sent_per_second)
        print(_("Sent at {rate} messages/s").format(rate=rate), file=out)
    if result.stop_detail:
        print(_("Stopped: {why}").format(why=result.stop_detail), file=out)
    print_notices(result.notices)
    print(_("Report: {path}").format(path=result.report_path), file=out)
    if result.journal_path:
        print(_("Journal: {path}").format(path=result.journal_path), file=out)
    if settings.mode is Mode.DRY_RUN:
        print(_("Dry run: nothing was sent. Add --sandbox to rehearse or --live to send."),
              file=out)  # fmt: skip
    print(_("To resume: {command}").format(command=settings.command), file=out)


def reason_count(code: str, n: int) -> str:
    """`invalid_phone 2 (teléfono inválido)`: a reason's stable code first, as the report's
    detail has it and scripts read it (docs/spec.md section 11), how many rows, then its
    words in the user's language."""
    words = lifecycle.reason_words(code)
    if words == code:
        return f"{code} {n}"  # a code without words of its own: nothing to translate
    return _("{code} {n} ({words})").format(words=words, code=code, n=n)


def _hints(result: RunResult, *, live: bool) -> list[str]:
    """What the user can do next about the rows a run left: WhatsApp's refusals, and a live
    run's uncertain rows (the sandbox's records end with its run)."""
    hints = [
        _("{reason}: {hint}").format(reason=reason_count(reason, count), hint=_(rule.hint))
        for reason, count in sorted(result.reasons.items())
        if (rule := lifecycle.RULES_BY_REASON.get(reason)) is not None and rule.hint
    ]
    uncertain = result.statuses.get(Status.UNCERTAIN, 0)
    if uncertain and live and result.journal_path is not None:
        hints.append(
            ngettext(
                "{n} uncertain: bulk-sender settle {journal} looks it up in Plazbot's records, "
                "so the next run sends it only if Plazbot never got it",
                "{n} uncertain: bulk-sender settle {journal} looks them up in Plazbot's "
                "records, so the next run sends only those it never got",
                uncertain,
            ).format(n=uncertain, journal=result.journal_path)
        )
    return hints


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
        not_on_whatsapp_rate=options.not_on_whatsapp_rate,
        whatsapp_errors=options.whatsapp_errors, reply_rate=options.reply_rate,
        stop_rate=options.stop_rate, blocked_rate=options.blocked_rate, tier=options.tier,
        seed=options.seed, log=options.log, access_log=options.access_log,
    )  # fmt: skip
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_forever(settings))
    return 0


def _report(options: argparse.Namespace, args: Sequence[str]) -> int:
    path = rebuild_report(options.journal, options.output)
    print(_("Report: {path}").format(path=path))
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
                _(
                    "{flag} {value}: write it as VAR=VALUE, "
                    "e.g. {flag} 1=Nombre or {flag} name=Nombre"
                ).format(flag=flag, value=value)
            )
        pairs.append((number.strip(), expression))
    return tuple(pairs)


COMMANDS: dict[str, Command] = {"send": _send, "serve": _serve, "report": _report, "ui": _ui}
"""Each command's handler, by its name in the parser (`optout`'s are in `protect.py`)."""


if __name__ == "__main__":
    sys.exit(main())
