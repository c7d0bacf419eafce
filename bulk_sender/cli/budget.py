"""`bulk-sender budget set N|unlimited` and `bulk-sender budget show`: the daily recipient
budget of a workspace (docs/spec.md section 10), kept in the user's data folder."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from datetime import datetime

from ..errors import ConfigError
from ..language import _, ngettext
from ..protect.budget import (
    TIERS,
    WINDOW,
    data_folder,
    is_set,
    opened_ledger,
    read_tier,
    set_tier,
    workspace_key,
)

Environment = Callable[[], Mapping[str, str]]


def add_budget_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], environment: Environment
) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--sandbox", action="store_true",
        help=_("the bundled sandbox's budget, for rehearsals (default: PLAZBOT_WORKSPACE_ID's)"),
    )  # fmt: skip
    budget = commands.add_parser(
        "budget", help=_("the daily budget: different customers started in any 24 hours")
    )
    actions = budget.add_subparsers(dest="action", required=True, metavar=_("ACTION"))
    tiers = ", ".join(f"{tier:,}" for tier in TIERS)
    set_ = actions.add_parser(
        "set", parents=[common],
        help=_("WhatsApp's tier for the workspace ({tiers} or unlimited)").format(tiers=tiers),
    )  # fmt: skip
    set_.add_argument("limit", metavar=_("N|unlimited"))
    set_.set_defaults(handler=lambda options, args: _set(options, environment()))
    show = actions.add_parser("show", parents=[common], help=_("used and left in the last 24 h"))
    show.set_defaults(handler=lambda options, args: _show(options, environment()))


def _workspace(options: argparse.Namespace, env: Mapping[str, str]) -> tuple[str, bool]:
    """The workspace's key in the data folder, and whether it is the sandbox's."""
    if options.sandbox:
        return "sandbox", True
    workspace_id = env.get("PLAZBOT_WORKSPACE_ID")
    if not workspace_id:
        raise ConfigError(
            _("PLAZBOT_WORKSPACE_ID is not set: the budget belongs to a workspace"),
            hint=_("set it (environment or .env), or add --sandbox for rehearsals"),
        )
    return workspace_key(workspace_id), False


def _budget_line(sandbox: bool, state: str) -> str:
    if sandbox:
        return _("Daily budget of the sandbox: {state}").format(state=state)
    return _("Daily budget of this workspace: {state}").format(state=state)


def _set(options: argparse.Namespace, env: Mapping[str, str]) -> int:
    workspace, sandbox = _workspace(options, env)
    limit = _limit(options.limit)
    set_tier(data_folder(env), workspace, limit, datetime.now().astimezone())
    said = (
        _("unlimited")
        if limit is None
        else ngettext(
            "{n} different customer in any 24 hours",
            "{n} different customers in any 24 hours",
            limit,
        ).format(n=limit)
    )
    print(_budget_line(sandbox, said))
    return 0


def _show(options: argparse.Namespace, env: Mapping[str, str]) -> int:
    workspace, sandbox = _workspace(options, env)
    folder = data_folder(env)
    limit = read_tier(folder, workspace)
    if limit is None:
        state = (
            _("unlimited") if is_set(folder, workspace) else _("not set (bulk-sender budget set N)")
        )
        print(_budget_line(sandbox, state))
        return 0
    now = datetime.now().astimezone()
    with opened_ledger(folder) as ledger:
        used = ledger.started(workspace, now)
    left = max(0, limit - len(used))
    state = _("{limit}; in the last 24 h {used} used, {left} left").format(
        limit=limit, used=len(used), left=left
    )
    print(_budget_line(sandbox, state))
    if used:  # the oldest start frees its room 24 hours after it
        opens = min(used.values()) + WINDOW
        print(_("More room at {when}").format(when=f"{opens.astimezone():%Y-%m-%d %H:%M}"))
    return 0


UNLIMITED = ("unlimited", "ilimitado", "sin limite", "sin límite", "sem limite")
"""The words `budget set` takes for no limit, in any of the three languages."""


def _limit(text: str) -> int | None:
    if text.strip().lower() in (*UNLIMITED, _("unlimited").lower()):
        return None
    try:
        limit = int(text.replace(",", "").replace(".", "").replace("_", ""))
    except ValueError:
        raise ConfigError(
            _("{text}: write a number of customers, or unlimited").format(text=text)
        ) from None
    if limit < 1:
        raise ConfigError(_("{text}: the budget is 1 customer or more").format(text=text))
    return limit
