"""A run's words in the user's language: the errors, the rows' details after their codes, the
notices and stop reasons the engine, the protections, the journal and the sender word.

Each translated line is compared with the catalog's own words (never hard-coded Spanish), so a
better translation does not break a test; what is asserted is the project's decision: which
words, that they are translated whole, no English left, dates as Babel formats them.
"""

from __future__ import annotations

import asyncio
import errno
import json
import re
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import httpx
import pytest
from babel import dates

from bulk_sender import lifecycle
from bulk_sender.cli.console import countdown_line
from bulk_sender.delivery.classify import (
    HTTP_MEANINGS,
    Kind,
    Verdict,
    classify_error,
    classify_response,
    detail_words,
)
from bulk_sender.delivery.limits import EARLY_STOP_ATTEMPTS, RunGuard, StopReason
from bulk_sender.delivery.lookups import LookupUnavailable, _data
from bulk_sender.delivery.wire import DEFAULT_API_URL, check_api_url
from bulk_sender.engine.campaign import rebuild_report
from bulk_sender.engine.followup import find_journal
from bulk_sender.engine.plan import _shown_iso
from bulk_sender.engine.settling import _confirmed
from bulk_sender.engine.waiting import parse_not_before
from bulk_sender.errors import ConfigError, InputError, JournalError, system_problem
from bulk_sender.journal.file import journal_error, make_folder
from bulk_sender.journal.lock import busy_message
from bulk_sender.journal.reading import read_meta
from bulk_sender.journal.store import Journal
from bulk_sender.journal.writer import JournalWriter
from bulk_sender.language import _, shown_datetime, translations, use_language
from bulk_sender.protect.budget import LEDGER_FILE, Ledger, budget_line, read_tier
from bulk_sender.protect.consent import ConsentColumn
from bulk_sender.protect.hours import Closed, HeldBack, SendWindow, parse_send_hours
from bulk_sender.protect.optouts import OptOuts, find_optouts, parse_phones
from bulk_sender.protect.stopwords import load_stop_words
from bulk_sender.sandbox.settings import ServerSettings

from .conftest import report_rows, run_cli

LANGUAGES = ["es", "pt_BR"]
LIMA = ZoneInfo("America/Lima")


def words(language: str, message: str) -> str:
    """The catalog's translation of `message`, which must have one."""
    found = translations(language).gettext(message)
    assert found != message, f"no {language} translation for {message!r}"
    return found


def plural(language: str, singular: str, plural_: str, n: int) -> str:
    found = translations(language).ngettext(singular, plural_, n)
    assert found not in (singular, plural_), f"no {language} translation for {singular!r}"
    return found


def raised(call, language: str) -> str:
    """The one line an error says, worded in `language`."""
    with use_language(language):
        with pytest.raises((ConfigError, InputError, JournalError)) as caught:
            call()
        return str(caught.value)  # a hint is joined where the error is shown


def babel_datetime(when: datetime, language: str, *, seconds: bool = False) -> str:
    """A date and time as Babel formats it for the locale (the medium date, the time)."""
    local = when.astimezone()
    time = dates.format_time(
        local, "medium" if seconds else "short", tzinfo=local.tzinfo, locale=language
    )
    day = dates.format_date(local, "medium", locale=language)
    pattern = str(dates.get_datetime_format("medium", locale=language))
    return pattern.replace("{1}", day).replace("{0}", time)


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_options_errors_are_in_the_language(language):
    said = raised(lambda: parse_send_hours("9 a 8"), language)
    assert said == words(
        language, "--send-hours {text}: write it as HH:MM-HH:MM, e.g. 09:00-20:00"
    ).format(text="9 a 8")
    said = raised(lambda: parse_send_hours("25:00-26:00"), language)
    assert said == words(
        language,
        "--send-hours {text}: hours go from 00 to 23 and minutes from 00 to 59, e.g. 09:00-20:00",
    ).format(text="25:00-26:00")
    assert "hour must be" not in said  # Python's own words are not shown
    said = raised(lambda: parse_send_hours("09:00-09:00"), language)
    assert said == words(
        language, "--send-hours {text}: the window is empty; e.g. 09:00-20:00"
    ).format(text="09:00-09:00")
    said = raised(lambda: parse_not_before("mañana"), language)
    assert said.startswith(words(language, "--not-before {text}: write it as YYYY-MM-DD HH:MM "
                                 "(this computer's time), e.g. 2026-12-03 09:00, or ISO 8601 "
                                 "with an offset, e.g. 2026-12-03T09:00-05:00")[:30].format(
        text="mañana"))  # fmt: skip
    said = raised(lambda: check_api_url("ftp://x"), language)
    assert said == words(
        language,
        "API URL {url} (--api-url or PLAZBOT_API_URL) is not a web address: write it with "
        "http:// or https:// and a host, like {example}",
    ).format(url="'ftp://x'", example=DEFAULT_API_URL)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_journals_errors_name_the_file_in_the_language(tmp_path, language):
    missing = tmp_path / "nada.journal.sqlite3"
    expected = words(language, "{file}: no such journal").format(file=missing)
    assert raised(lambda: read_meta(missing), language) == expected
    assert raised(lambda: rebuild_report(missing), language) == expected

    said = raised(lambda: find_journal("nada", tmp_path), language)
    assert said == words(language, "{problem} (hint: {hint})").format(
        problem=words(language, "{name}: no such campaign or journal").format(name="nada"),
        hint=words(language, "give the campaign's name (a file {file}) or its journal").format(
            file=f"{tmp_path}/NAME.journal.sqlite3"
        ),
    )

    (tmp_path / "clientes.csv").write_text("x")  # a file where the folder should be
    said = raised(lambda: make_folder(tmp_path / "clientes.csv" / "j.sqlite3"), language)
    assert said == words(language, "{file}: cannot create its folder {folder} ({problem})").format(
        file=tmp_path / "clientes.csv" / "j.sqlite3", folder=tmp_path / "clientes.csv",
        problem=words(language, "a file of that name is in the way"),  # mkdir's EEXIST
    )  # fmt: skip


@pytest.mark.parametrize("language", LANGUAGES)
def test_sqlite_and_system_errors_become_our_own_words(tmp_path, language):
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = sqlite3.SQLITE_FULL
    with use_language(language):
        said = str(journal_error(tmp_path / "j.sqlite3", full))
    assert said == words(
        language,
        "{file}: cannot read or write the journal ({problem}): is the disk full, the folder "
        "read-only or gone, or another program using the file?",
    ).format(file=tmp_path / "j.sqlite3", problem=words(language, "the disk is full"))
    assert "database or disk is full" not in said

    for number, message in [
        (errno.ENOSPC, "the disk is full"),
        (errno.EACCES, "permission denied"),
        (errno.EROFS, "the disk or folder is read-only"),
        (errno.ENOENT, "no such file or folder"),
    ]:
        with use_language(language):
            assert system_problem(OSError(number, "English words")) == words(language, message)
    with use_language(language):
        unknown = system_problem(OSError(errno.EXDEV, "Invalid cross-device link"))
    assert unknown == words(language, "system error {number}").format(number="EXDEV")
    with use_language("en"):  # English keeps the system's own words when we have none
        assert system_problem(OSError(errno.EXDEV, "Invalid cross-device link")) == (
            "Invalid cross-device link"
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_protections_errors_are_in_the_language(tmp_path, language):
    missing = tmp_path / "bajas.csv"
    said = raised(lambda: find_optouts(missing), language)
    assert said == words(language, "{file}: no such opt-out list (--optouts or {variable})").format(
        file=missing, variable="BULK_SENDER_OPTOUTS"
    )
    said = raised(lambda: parse_phones(["hola"], "PE"), language)
    assert said.startswith(words(language, "{text}: not a phone number ({problem})").split("(")[0]
                           .format(text="hola"))  # fmt: skip
    said = raised(lambda: ConsentColumn(["nombre"], "acepta"), language)
    assert said == words(language, "--consent-column {column}: no such column; columns: {columns}"
                         ).format(column="acepta", columns="nombre")  # fmt: skip
    empty = tmp_path / "stop.txt"
    empty.write_text("# nada\n")
    said = raised(lambda: load_stop_words(empty), language)
    assert said == words(language, "{problem} (hint: {hint})").format(
        problem=words(language, "{file}: no stop words in it").format(file=empty),
        hint=words(language, "one word or phrase a line"),
    )
    (tmp_path / "budgets.json").write_text("{no es json")
    said = raised(lambda: read_tier(tmp_path, "w"), language)
    assert said == words(language, "{file}: cannot read the daily budgets ({problem})").format(
        file=tmp_path / "budgets.json", problem=words(language, "it is not valid JSON")
    )
    said = raised(lambda: Ledger(tmp_path / "budgets.json"), language)  # a file, not a folder
    assert said == words(language, "{file}: cannot open the daily ledger ({problem})").format(
        file=tmp_path / "budgets.json" / LEDGER_FILE,
        problem=words(language, "a file of that name is in the way"),
    )
    said = raised(lambda: ServerSettings(stop_rate=0.5, reply_rate=0.1), language)
    assert said == words(language, "stop_rate is part of reply_rate: it cannot be larger")


# -- rows' details -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_transport_failures_are_worded_in_the_language(language):
    cases = [
        (aiohttp.ConnectionTimeoutError(), "connect_timeout", "no connection within the timeout"),
        (aiohttp.SocketTimeoutError(), "read_timeout", "no answer within the read timeout"),
        (httpx.ConnectError("boom"), "connect_error", "cannot connect to Plazbot"),
    ]
    for exc, code, message in cases:
        with use_language(language):
            verdict = classify_error(exc)
        assert (verdict.code, verdict.detail) == (code, words(language, message))
    with use_language(language):
        lost = classify_error(aiohttp.ServerDisconnectedError())
    assert lost.code == "connection_lost"
    assert lost.detail == words(
        language,
        "the connection was lost after the request was sent ({error}): Plazbot may have got it",
    ).format(error="ServerDisconnectedError")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("status", [400, 404, 422, 500, 502, 504])
def test_plazbots_answers_are_our_sentence_then_its_own_words_in_quotes(language, status):
    body = json.dumps({"success": False, "message": "recipientPhone is required"}).encode()
    with use_language(language):
        verdict = classify_response(status, {}, body)
        said = detail_words(verdict)
    sentence = words(language, HTTP_MEANINGS[status]).format(status=status)
    assert said == words(language, '{sentence}: "{words}"').format(
        sentence=sentence, words="recipientPhone is required"
    )
    assert verdict.detail == "recipientPhone is required"  # the verdict keeps Plazbot's own


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_whatsapp_refusal_says_its_rule_in_the_language(language):
    body = json.dumps({"success": False, "message": "(#131047) Re-engagement message"}).encode()
    with use_language(language):
        said = detail_words(classify_response(400, {}, body))
    rule = lifecycle.ERROR_RULES["131047"]
    assert said == words(language, '{sentence}: "{words}"').format(
        sentence=words(language, rule.words), words="(#131047) Re-engagement message"
    )
    for rule in lifecycle.ERROR_RULES.values():  # every rule's words and hint translated
        words(language, rule.words)
        if rule.hint:
            words(language, rule.hint)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_guards_stop_reasons_are_in_the_language(language):
    guard = RunGuard()
    with use_language(language):
        guard.observe(Verdict(Kind.NOT_FOUND, "api_404", "Workspace not found.", 404))
    assert guard.reason is StopReason.ABORTED
    assert guard.detail == words(
        language,
        "api_404: the workspace was not found (check PLAZBOT_WORKSPACE_ID and --api-url)",
    )
    guard = RunGuard()
    with use_language(language):
        for __ in range(EARLY_STOP_ATTEMPTS):
            guard.observe(Verdict(Kind.RETRY, "connect_timeout", _("no connection within the "
                                                                   "timeout")))  # fmt: skip
    assert guard.detail == words(
        language, "{n} connection failures in a row, the last {code}: {words}"
    ).format(n=EARLY_STOP_ATTEMPTS, code="connect_timeout",
             words=words(language, "no connection within the timeout"))  # fmt: skip
    guard = RunGuard(max_refusal_rate=0.1)
    with use_language(language):
        for n in range(50):
            refused = Verdict(Kind.REFUSED, "meta_limited", "", 400, rule=lifecycle.ERROR_RULES[
                "131049"]) if n % 5 == 0 else Verdict(Kind.ACCEPTED, "", "", 200)  # fmt: skip
            guard.observe(refused)
    assert guard.detail == plural(
        language,
        "{n} of the last {total} messages was refused in ways that hurt the number ({counts}): "
        "sending paused before WhatsApp limits it; look at the report, then run the same "
        "command again to go on (--max-refusal-rate sets the threshold)",
        "{n} of the last {total} messages were refused in ways that hurt the number ({counts}): "
        "sending paused before WhatsApp limits it; look at the report, then run the same "
        "command again to go on (--max-refusal-rate sets the threshold)",
        10,
    ).format(n=10, total=50, counts="meta_limited 10")


@pytest.mark.parametrize("language", LANGUAGES)
def test_outside_hours_says_the_customers_time_and_when_it_opens_as_babel_writes_them(language):
    local = datetime(2026, 12, 2, 21, 0, tzinfo=LIMA)
    opens = datetime(2026, 12, 3, 9, 0, tzinfo=LIMA)
    with use_language(language):
        detail = Closed(local, "America/Lima", opens).detail
    when = dates.get_datetime_format("medium", locale=language)
    day = dates.format_date(opens, "medium", locale=language)
    at = dates.format_time(opens, "short", tzinfo=LIMA, locale=language)
    assert detail == words(language, "{time} in {zone}, opens {when}").format(
        time=dates.format_time(local, "short", tzinfo=LIMA, locale=language),
        zone="America/Lima",
        when=str(when).replace("{1}", day).replace("{0}", at),
    )
    assert day in detail and "2026-12-03" not in detail


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_held_and_budget_lines_count_and_date_in_the_language(language):
    now = datetime(2026, 12, 2, 7, 0, tzinfo=LIMA)
    held = HeldBack(SendWindow(parse_send_hours("09:00-20:00")), lambda key, o: None, lambda: now)
    held.held = {"a", "b"}
    held.next_opening = now + timedelta(hours=2)
    with use_language(language):
        said = held.notice(wait_flag=True)
    assert said == plural(
        language,
        "{n} message outside the send hours ({hours} their time): the next window opens at "
        "{when} (this computer's time); run the same command again then",
        "{n} messages outside the send hours ({hours} their time): the next window opens at "
        "{when} (this computer's time); run the same command again then",
        2,
    ).format(n=2, hours="09:00-20:00", when=babel_datetime(now + timedelta(hours=2), language))

    with use_language(language):
        line = budget_line(3412, 1180, 2000, now)
    head = plural(
        language,
        "{new} customer to start; {left} left in the last 24 h (tier {limit}, {used} used)",
        "{new} customers to start; {left} left in the last 24 h (tier {limit}, {used} used)",
        3412,
    ).format(new=3412, left=1180, limit=2000, used=820)
    parts = ", ".join([
        words(language, "{count} now").format(count=1180),
        words(language, "about {count} at {when}").format(
            count=2000, when=babel_datetime(now + timedelta(days=1), language)),
        words(language, "about {count} at {when}").format(
            count=232, when=babel_datetime(now + timedelta(days=2), language)),
    ])  # fmt: skip
    assert line == plural(
        language,
        "{head}; this campaign needs {days} day: {parts}",
        "{head}; this campaign needs {days} days: {parts}",
        3,
    ).format(head=head, days=3, parts=parts)


@pytest.mark.parametrize("language", LANGUAGES)
def test_exclusions_and_lookups_word_their_details(tmp_path, language):
    optouts = OptOuts(tmp_path / "bajas.csv", {"51987654321": "2026-11-30"})
    with use_language(language):
        opted = optouts.check("51987654321")
        consent = ConsentColumn(["acepta"], "acepta").check(["no"])
        found = _confirmed("m1", None, datetime(2026, 12, 1, 10, 4, 5, tzinfo=LIMA))
        earlier = _shown_iso("2026-12-01T10:04:05-05:00")
    assert opted is not None and opted.detail == words(
        language, "+{phone} is on {file} (added {when})"
    ).format(phone="51987654321", file=tmp_path / "bajas.csv", when="2026-11-30")
    assert consent is not None and consent.detail == words(
        language, "{column} says {value}, not a yes (--consent-column)"
    ).format(column="acepta", value="'no'")
    created = babel_datetime(datetime(2026, 12, 1, 10, 4, 5, tzinfo=LIMA), language, seconds=True)
    assert found.detail == words(language, "found in Plazbot's records (created {when})").format(
        when=created
    )
    assert earlier == created


@pytest.mark.parametrize("language", LANGUAGES)
def test_waits_and_the_lock_say_their_times_in_the_language(language):
    since = datetime.now().astimezone() - timedelta(days=2)
    with use_language(language):
        busy = busy_message(Path("j"), {"holder_pid": "7", "holder_since": since.isoformat()})
        line = countdown_line(_("First message at {when}").format(when=shown_datetime(since)), 90)
    assert busy == words(
        language,
        "{file}: another run of this campaign is in progress (since {when}, process {pid})",
    ).format(file="j", when=babel_datetime(since, language, seconds=True), pid="7")
    assert line == words(language, "{what} (in {left}); Ctrl-C stops").format(
        what=words(language, "First message at {when}").format(
            when=babel_datetime(since, language)),
        left="0:01:30",
    )  # fmt: skip


# -- threads -----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_journals_thread_words_in_the_runs_language(tmp_path, language):
    async def main() -> tuple[str, str]:
        async with JournalWriter(lambda: Journal(tmp_path / "j.sqlite3")) as writer:
            said = await writer.call(lambda journal: _("the journal failed"))
            detail = await writer.call(lambda journal: _("retrying"))
        return said, detail

    with use_language(language):
        said, detail = asyncio.run(main())
    assert said == words(language, "the journal failed")
    assert detail == words(language, "retrying")


# -- a real run --------------------------------------------------------------------------------


def _contacts(folder: Path, count: int) -> None:
    lines = ["nombre,telefono"] + [f"Cliente {n},519{10_000_000 + 7919 * n:08d}" for n in
                                   range(count)]  # fmt: skip
    (folder / "clientes.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_live_run_with_faults_words_its_failed_and_uncertain_rows_in_the_language(
    tmp_path, serve, language
):
    server = serve("--error-rate", "0.05", "--drop-rate", "0.05",
                   "--whatsapp-errors", "131047=0.05", "--seed", "3")  # fmt: skip
    _contacts(tmp_path, 120)

    result = run_cli(
        "send", "clientes.csv", "-m", "Hola {{ nombre }}", "--country", "PE", "--live", "--yes",
        "--api-url", server.url, "--report", "out.xlsx", "--rate", "0",
        cwd=tmp_path, env={"PLAZBOT_WORKSPACE_ID": "sandbox", "BULK_SENDER_LANG": language},
    )  # fmt: skip

    assert result.returncode == 1, result.stderr
    details = [str(row["result_detail"] or "") for row in report_rows(tmp_path / "out.xlsx")]
    by_code: dict[str, list[str]] = {}
    for detail in details:
        code, __, said = detail.partition(": ")
        by_code.setdefault(code, []).append(said)
    assert {"api_500", "connection_lost", "window_closed"} <= set(by_code)

    quoted = words(language, '{sentence}: "{words}"')
    server_error = words(language, HTTP_MEANINGS[500]).format(status=500)
    for said in by_code["api_500"]:
        assert said == quoted.format(sentence=server_error, words="Internal server error.")
    lost = words(
        language,
        "the connection was lost after the request was sent ({error}): Plazbot may have got it",
    )
    head, tail = lost.split("{error}")
    for said in by_code["connection_lost"]:
        assert said.startswith(head) and said.endswith(tail)
    closed = words(language, lifecycle.ERROR_RULES["131047"].words)
    for said in by_code["window_closed"]:
        assert said.startswith(quoted.split("{sentence}")[0] + closed)
    english = [
        "Plazbot answered",
        "the connection was lost",
        "more than 24 hours since",
        "may have got it",
    ]
    assert not [d for d in details if any(re.search(e, d) for e in english)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_why_a_lookup_could_not_tell_is_in_the_language(language):
    path = "/api/contact/search"
    with use_language(language), pytest.raises(LookupUnavailable) as status:
        _data(path, 500, b"")
    assert str(status.value) == words(language, "{path} answered {status}").format(
        path=path, status=500
    )
    with use_language(language), pytest.raises(LookupUnavailable) as not_json:
        _data(path, 200, b"<html>")
    assert str(not_json.value) == words(language, "{path} answered something that is not JSON"
                                        ).format(path=path)  # fmt: skip
    with use_language(language), pytest.raises(LookupUnavailable) as refused:
        _data(path, 200, b'{"success": false, "message": "Token expired"}')
    assert str(refused.value) == words(language, '{path} refused: "{words}"').format(
        path=path, words=str({"success": False, "message": "Token expired"})
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_real_process_says_a_journals_error_in_the_language(tmp_path, language):
    result = run_cli(
        "report", "nada.journal.sqlite3", cwd=tmp_path, env={"BULK_SENDER_LANG": language}
    )

    assert result.returncode == 2
    said = words(language, "{file}: no such journal").format(file="nada.journal.sqlite3")
    assert said in result.stderr and "no such journal" not in result.stderr
