"""`bulk-sender budget set N|unlimited` and `bulk-sender budget show`: the daily recipient
budget of a workspace (docs/spec.md section 10), kept in the user's data folder."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from datetime import datetime

from ..errors import ConfigError
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
        help="the bundled sandbox's budget, for rehearsals (default: PLAZBOT_WORKSPACE_ID's)",
    )  # fmt: skip
    budget = commands.add_parser(
        "budget", help="the daily budget: different customers started in any 24 hours"
    )
    actions = budget.add_subparsers(dest="action", required=True)
    tiers = ", ".join(f"{tier:,}" for tier in TIERS)
    set_ = actions.add_parser(
        "set", parents=[common], help=f"WhatsApp's tier for the workspace ({tiers} or unlimited)"
    )
    set_.add_argument("limit", metavar="N|unlimited")
    set_.set_defaults(handler=lambda options, args: _set(options, environment()))
    show = actions.add_parser("show", parents=[common], help="used and left in the last 24 h")
    show.set_defaults(handler=lambda options, args: _show(options, environment()))


def _workspace(options: argparse.Namespace, env: Mapping[str, str]) -> tuple[str, str]:
    """The workspace's key in the data folder, and how to name it to the user."""
    if options.sandbox:
        return "sandbox", "the sandbox"
    workspace_id = env.get("PLAZBOT_WORKSPACE_ID")
    if not workspace_id:
        raise ConfigError(
            "PLAZBOT_WORKSPACE_ID is not set: the budget belongs to a workspace",
            hint="set it (environment or .env), or add --sandbox for rehearsals",
        )
    return workspace_key(workspace_id), "this workspace"


def _set(options: argparse.Namespace, env: Mapping[str, str]) -> int:
    workspace, named = _workspace(options, env)
    limit = _limit(options.limit)
    set_tier(data_folder(env), workspace, limit, datetime.now().astimezone())
    said = "unlimited" if limit is None else f"{limit} different customers in any 24 hours"
    print(f"Daily budget of {named}: {said}")
    return 0


def _show(options: argparse.Namespace, env: Mapping[str, str]) -> int:
    workspace, named = _workspace(options, env)
    folder = data_folder(env)
    limit = read_tier(folder, workspace)
    if limit is None:
        state = "unlimited" if is_set(folder, workspace) else "not set (bulk-sender budget set N)"
        print(f"Daily budget of {named}: {state}")
        return 0
    now = datetime.now().astimezone()
    with opened_ledger(folder) as ledger:
        used = ledger.started(workspace, now)
    left = max(0, limit - len(used))
    print(f"Daily budget of {named}: {limit}; in the last 24 h {len(used)} used, {left} left")
    if used:  # the oldest start frees its room 24 hours after it
        opens = min(used.values()) + WINDOW
        print(f"More room at {opens.astimezone():%Y-%m-%d %H:%M}")
    return 0


def _limit(text: str) -> int | None:
    if text.strip().lower() in ("unlimited", "ilimitado", "sin limite", "sin límite"):
        return None
    try:
        limit = int(text.replace(",", "").replace(".", "").replace("_", ""))
    except ValueError:
        raise ConfigError(f"{text}: write a number of customers, or unlimited") from None
    if limit < 1:
        raise ConfigError(f"{text}: the budget is 1 customer or more")
    return limit
