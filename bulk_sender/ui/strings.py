"""The messages the page's script shows, in the catalogs with the page's own.

`{name}` marks a value the script fills in. English is the source language.
"""

from __future__ import annotations

import gettext

from .. import lifecycle
from ..lifecycle import Status
from .i18n import N_

# A status's word is its name (`lifecycle.Status`), the catalog's message id; what it means
# comes from the lifecycle too (`MEANINGS`). Neither is extracted from this file: the catalog
# keeps them, and `tests/ui/test_i18n.py` checks each has its translation.
SCRIPT_STRINGS = {
    **{f"status_{status.value}": status.value for status in lifecycle.REPORTED},
    **{f"meaning_{status.value}": lifecycle.MEANINGS[status] for status in lifecycle.REPORTED},
    "looking_up": N_("Looking it up in Plazbot's records…"),
    "budget_unknown": N_(
        "Tell the page your WhatsApp tier, so no campaign starts more customers in 24 hours "
        "than WhatsApp allows."
    ),
    "budget_unlimited": N_("No daily limit for this number."),
    "budget_state": N_("{limit} customers in any 24 hours: {used} used, {left} left."),
    "budget_opens": N_("More room at {when}."),
    "budget_days": N_("This campaign needs {days} days: {plan}."),
    "budget_day_now": N_("{n} now"),
    "budget_day_later": N_("about {n} at {when}"),
    "nothing_to_look_up": N_("Nothing to look up."),
    "settle_confirmed": N_("{n} found in Plazbot's records: now sent."),
    "settle_not_found": N_("{n} never reached Plazbot: pending, the next send sends them once."),
    "settle_still_uncertain": N_("{n} still uncertain: Plazbot could not tell."),
    "replies_replied": N_("{n} replied."),
    "replies_asked_to_stop": N_("{n} asked to stop: on the opt-out list now."),
    "replies_blocked": N_("{n} blocked the business: on the opt-out list now."),
    "replies_no_reply": N_("{n} no reply yet."),
    "replies_lookup_failed": N_("{n} could not be read."),
    # Reason codes of docs/spec.md section 3, as `result_detail` starts (`invalid_phone: ...`).
    **{f"reason_{code}": words for code, words in lifecycle.REASONS.items()},
    "reason_api": lifecycle.API_REASON,
    "reading": N_("Reading {name}…"),
    "contacts_summary": N_("{name}{sheet}: {rows} rows."),
    "detected": N_("{name} (detected)"),
    "choose_phone_column": N_("Choose the phone column"),
    "left_out": N_("Left out, another person's number: {names}. Choose it above to use it."),
    "no_country_column": N_("none: the country above, for every number without a code"),
    "row": N_("Row"),
    "phone_sent": N_("Phone it goes to"),
    "problem": N_("Problem"),
    "remove_variable": N_("Remove variable {n}"),
    "no_consent_column": N_("(no consent column: send to every row)"),
    "variable_name": N_("Name of variable {n} (empty: number {n})"),
    "variable_value": N_("Value of variable {n}"),
    "need_contacts": N_("First choose the contacts file (step 1)."),
    "need_template": N_("Choose a template."),
    "need_message": N_("Write the message."),
    "need_wa_name": N_("Write the approved template's name."),
    "previewing": N_("Preparing the preview…"),
    "distinct": N_("{n} different texts"),
    "to_phone": N_("Row {row}, to {phone}"),
    "own_text": N_("your own text"),
    "send_what": N_("File {file}, message {what}."),
    "live_target": N_("Real messages go through {url}."),
    "no_credentials": N_(
        "To send real messages, put PLAZBOT_WORKSPACE_ID (and PLAZBOT_API_KEY) in a .env "
        "file in this folder and reload this page. The test server needs nothing."
    ),
    "confirm": N_("Send {messages} messages to {phones} phones through {target}?"),
    "planning": N_("Checking the rows… {rows} so far"),
    "stopping": N_("Stopping: the messages on their way finish first…"),
    "sending": N_("Sending {label}: {done} of {total}"),
    "rate": N_("Speed"),
    "time_left": N_("Time left"),
    "per_second": N_("{n} per second"),
    "hours": N_("{h} h {m} min"),
    "minutes": N_("{m} min {s} s"),
    "seconds": N_("{s} s"),
    "paused": N_("Paused for {seconds} s: {reason}"),
    "testing": N_("Sending the test…"),
    "test_line": N_("Row {row} to {phone}: {status}"),
    "waiting": N_("Waiting until {until} ({left} left): {reason}"),
    "result_summary": N_("Campaign {name}: {rows} rows: {counts}."),
    "stopped": N_("Stopped: {why}."),
    "interrupted": N_("with Stop or Ctrl-C; Resume sends what is pending"),
    "all_rows": N_("All"),
    "rows_shown": N_("Showing {shown} of {matched} rows; the report has them all."),
    "no_campaigns": N_("No campaigns in this folder yet."),
    "open": N_("Open"),
    "open_campaign": N_("Open campaign {name}"),
    "workspace_set": N_("Plazbot workspace: set"),
    "workspace_missing": N_("Plazbot workspace: not set (only the test server)"),
    "key_set": N_("API key: set"),
    "key_missing": N_("API key: not set"),
    "folder": N_("Working folder: {folder}"),
}


def page_statuses() -> dict[str, object]:
    """The statuses the page shows, in the lifecycle's order, with the report's colours."""
    return {
        "order": [status.value for status in lifecycle.REPORTED],
        "problems": [status.value for status in lifecycle.PROBLEMS],
        "while_sending": [status.value for status in lifecycle.WHILE_SENDING],
        "unsent": Status.PENDING.value,  # the count the rows not planned yet join
        "sent": Status.SENT.value,
        "settles": lifecycle.source_of_settling().value,
        "colours": {status.value: colour for status, colour in lifecycle.COLOURS.items()},
    }


def page_strings(translations: gettext.NullTranslations) -> dict[str, str]:
    """The script's messages in the page's language."""
    return {key: translations.gettext(message) for key, message in SCRIPT_STRINGS.items()}
