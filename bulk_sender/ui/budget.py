"""The page's daily budget: used, left and when room opens; the tier, asked for when unknown.

The same budget the CLI keeps (`protect/budget.py`, docs/spec.md section 10): the workspace's
when `PLAZBOT_WORKSPACE_ID` is set, else the sandbox's, for rehearsals.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..errors import ConfigError
from ..language import _, shown_datetime
from ..protect.budget import (
    WINDOW,
    data_folder,
    days_needed,
    is_set,
    opened_ledger,
    read_tier,
    set_tier,
    workspace_key,
)


def _workspace(env: Mapping[str, str]) -> tuple[str, str]:
    workspace_id = env.get("PLAZBOT_WORKSPACE_ID")
    return (workspace_key(workspace_id), "live") if workspace_id else ("sandbox", "sandbox")


def budget_state(env: Mapping[str, str], new_customers: int = 0) -> dict[str, Any]:
    """The budget as the page shows it; with `new_customers`, the days a campaign needs."""
    folder, (workspace, whose) = data_folder(env), _workspace(env)
    limit = read_tier(folder, workspace)
    state: dict[str, Any] = {"whose": whose, "set": is_set(folder, workspace), "limit": limit}
    if limit is None:
        return state
    now = datetime.now().astimezone()
    with opened_ledger(folder) as ledger:
        used = ledger.started(workspace, now)
    left = max(0, limit - len(used))
    opens = min(used.values()) + WINDOW if used else None
    plan = days_needed(new_customers, left, limit, now)
    return state | {
        "used": len(used), "left": left,
        "opens": shown_datetime(opens) if opens else "",
        "days": [[shown_datetime(when), n] for when, n in plan],
    }  # fmt: skip


def save_tier(env: Mapping[str, str], text: str) -> dict[str, Any]:
    """Keep the tier the page was told: a number of customers, or `unlimited`."""
    if text == "unlimited":
        limit = None
    elif text.isdigit() and int(text) > 0:
        limit = int(text)
    else:
        raise ConfigError(_("{tier}: choose your WhatsApp tier").format(tier=repr(text)))
    set_tier(data_folder(env), _workspace(env)[0], limit, datetime.now().astimezone())
    return budget_state(env)
