"""`bulk-sender settle` and `bulk-sender replies`: a campaign looked up in Plazbot's records.

Thin over the engine (`engine/settling.py`, `engine/hearing.py`): find the campaign's
journal, take its settings and today's credentials, show progress, print the counts.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..engine.followup import FollowUpResult, campaign_target, find_journal
from ..engine.hearing import ASKED_TO_STOP, BLOCKED, NO_REPLY, REPLIED, hear_replies
from ..engine.hearing import UNKNOWN as REPLY_UNKNOWN
from ..engine.settling import CONFIRMED, MIN_AGE, NOT_FOUND, UNKNOWN, settle
from ..language import N_, _, ngettext
from ..protect.optouts import DEFAULT_PATH, ENV_VAR
from ..protect.stopwords import load_stop_words
from .protect import read_as

Environment = Callable[[], Mapping[str, str]]


def add_follow_up_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], environment: Environment
) -> None:
    """`settle` and `replies`; `environment` gives the credentials (and BULK_SENDER_*)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "campaign", metavar=_("CAMPAIGN|JOURNAL"),
        help=_("the campaign's name (its journal in reports/) or its journal"),
    )  # fmt: skip
    common.add_argument("--api-url", metavar="URL", help=_("default: the one the campaign used"))
    common.add_argument("--quiet", action="store_true", help=_("no progress line"))
    settle_ = commands.add_parser(
        "settle", parents=[common],
        help=_("look the uncertain rows up in Plazbot's records (sends nothing)"),
    )  # fmt: skip
    settle_.add_argument(
        "--min-age", type=_seconds, default=MIN_AGE.total_seconds(), metavar=_("SECONDS"),
        help=_("how long ago a request must have left before its absence from Plazbot's "
               "records sends it again (default {default})").format(
            default=f"{MIN_AGE.total_seconds():.0f}"
        ),
    )  # fmt: skip
    settle_.set_defaults(handler=lambda options, args: _settle(options, environment()))
    replies = commands.add_parser(
        "replies", parents=[common],
        help=_("read what customers answered; who asked to stop goes on the opt-out list"),
    )  # fmt: skip
    replies.add_argument("--stop-words", type=Path, metavar=_("PATH"),
                         help=_("replies that ask to stop (default: stop-words.txt, "
                                "else the bundled list)"))  # fmt: skip
    replies.add_argument(
        "--optouts", type=Path, metavar=_("PATH"),
        help=_("the opt-out list (default {env_var}, else {path})").format(
            env_var=ENV_VAR, path=DEFAULT_PATH
        ),
    )  # fmt: skip
    replies.set_defaults(handler=lambda options, args: _replies(options, environment()))


def _settle(options: argparse.Namespace, env: Mapping[str, str]) -> int:
    journal = find_journal(options.campaign)
    settings = campaign_target(journal, env, options.api_url)
    settling = settle(
        journal, settings, now=lambda: datetime.now(UTC),
        min_age=timedelta(seconds=max(0.0, options.min_age)),
        progress=_progress(options.quiet, _looked_up),
    )  # fmt: skip
    result = asyncio.run(settling)
    counts = result.counts
    _print_counts(
        result,
        [
            (CONFIRMED, lambda n: ngettext(
                "{n} found in Plazbot's records: now sent",
                "{n} found in Plazbot's records: now sent", n)),
            (NOT_FOUND, lambda n: ngettext(
                "{n} never reached Plazbot: back to pending, the next run sends it once",
                "{n} never reached Plazbot: back to pending, the next run sends them once", n)),
            (UNKNOWN, lambda n: ngettext(
                "{n} still uncertain: Plazbot could not tell (see the report's detail)",
                "{n} still uncertain: Plazbot could not tell (see the report's detail)", n)),
        ],
    )  # fmt: skip
    if counts.get(NOT_FOUND):
        print(_("To send them: {command}").format(command=settings.command))
    return 1 if counts.get(NOT_FOUND) or counts.get(UNKNOWN) else 0


def _replies(options: argparse.Namespace, env: Mapping[str, str]) -> int:
    journal = find_journal(options.campaign)
    settings = campaign_target(journal, env, options.api_url)
    optouts = options.optouts or (Path(env[ENV_VAR]) if env.get(ENV_VAR) else DEFAULT_PATH)
    hearing = hear_replies(
        journal, settings, load_stop_words(options.stop_words), optouts,
        progress=_progress(options.quiet, _phones_read),
    )  # fmt: skip
    result = asyncio.run(hearing)
    _print_counts(
        result,
        [
            (REPLIED, lambda n: ngettext("{n} replied", "{n} replied", n)),
            (ASKED_TO_STOP, lambda n: ngettext(
                "{n} asked to stop: on the opt-out list now",
                "{n} asked to stop: on the opt-out list now", n)),
            (BLOCKED, lambda n: ngettext(
                "{n} blocked the business: on the opt-out list now",
                "{n} blocked the business: on the opt-out list now", n)),
            (NO_REPLY, lambda n: ngettext("{n} no reply yet", "{n} no reply yet", n)),
            (REPLY_UNKNOWN, lambda n: ngettext(
                "{n} could not be read (see --api-url and the credentials)",
                "{n} could not be read (see --api-url and the credentials)", n)),
        ],
    )  # fmt: skip
    return 1 if result.counts.get(REPLY_UNKNOWN) else 0


def _print_counts(
    result: FollowUpResult, lines: Sequence[tuple[str, Callable[[int], str]]]
) -> None:
    """Each outcome's count, `     3 replied`, worded by the count (the catalog's plurals)."""
    if not sum(result.counts.values()):
        print(_("Nothing to look up."))
    for code, words in lines:
        if n := result.counts.get(code):
            print(words(n).format(n=f"{n:>6}"))
    for notice in result.notices:
        print(notice)
    if result.report is not None:
        print(_("Report: {path}").format(path=result.report))


def _looked_up(total: int) -> str:
    return ngettext("{done}/{total} looked up", "{done}/{total} looked up", total)


def _phones_read(total: int) -> str:
    return ngettext("{done}/{total} phone read", "{done}/{total} phones read", total)


def _progress(quiet: bool, what: Callable[[int], str]) -> Callable[[int, int], None] | None:
    """A line on the terminal that counts up; nothing when quiet or not a terminal."""
    if quiet or not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done == total else ""
        line = what(total).format(done=done, total=total)
        print(f"\r{line}", end=end, file=sys.stderr, flush=True)

    return show


_seconds = read_as(float, N_("{text}: write a number of seconds, e.g. 600"))
