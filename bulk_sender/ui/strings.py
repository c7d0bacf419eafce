"""The messages the page's script shows, in the catalogs with the page's own.

`{name}` marks a value the script fills in. English is the source language. A message with a
count is an `ngettext` message: the script gets all its plural forms and the CLDR categories
they stand for, and picks one with the browser's `Intl.PluralRules`.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from typing import Any

from .. import lifecycle
from ..language import N_, ngettext, translations, use_language
from ..lifecycle import Status
from .i18n import html_tag, plural_categories

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
    "budget_opens": N_("More room at {when}."),
    "budget_day_now": N_("{n} now"),
    "budget_day_later": N_("about {n} at {when}"),
    "nothing_to_look_up": N_("Nothing to look up."),
    # Reason codes of docs/spec.md section 3, as `result_detail` starts (`invalid_phone: ...`).
    **{f"reason_{code}": words for code, words in lifecycle.REASONS.items()},
    "reason_api": lifecycle.API_REASON,
    "reading": N_("Reading {name}…"),
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
    "to_phone": N_("Row {row}, to {phone}"),
    "own_text": N_("your own text"),
    "send_what": N_("File {file}, message {what}."),
    "live_target": N_("Real messages go through {url}."),
    "no_credentials": N_(
        "To send real messages, put PLAZBOT_WORKSPACE_ID (and PLAZBOT_API_KEY) in a .env "
        "file in this folder and reload this page. The test server needs nothing."
    ),
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
    "stopped": N_("Stopped: {why}."),
    "interrupted": N_("with Stop or Ctrl-C; Resume sends what is pending"),
    "all_rows": N_("All"),
    "no_campaigns": N_("No campaigns in this folder yet."),
    "open": N_("Open"),
    "open_campaign": N_("Open campaign {name}"),
    "workspace_set": N_("Plazbot workspace: set"),
    "workspace_missing": N_("Plazbot workspace: not set (only the test server)"),
    "key_set": N_("API key: set"),
    "key_missing": N_("API key: not set"),
    "folder": N_("Working folder: {folder}"),
}


def _status_count(status: Status) -> Callable[[int], str]:
    """`{n} sent`: the count of a status, the catalog's message the CLI's summary uses too
    (its ids are the lifecycle's names, `tools/catalog.py` lists them)."""
    return lambda n: ngettext(*lifecycle.COUNT_IDS[status], n)


PLURAL_STRINGS: dict[str, Callable[[int], str]] = {
    **{f"count_{status.value}": _status_count(status) for status in lifecycle.REPORTED},
    "contacts_summary": lambda n: ngettext(
        "{name}{sheet}: {n} row.", "{name}{sheet}: {n} rows.", n
    ),
    "distinct": lambda n: ngettext("{n} different text", "{n} different texts", n),
    "result_summary": lambda n: ngettext(
        "Campaign {name}: {n} row: {counts}.", "Campaign {name}: {n} rows: {counts}.", n
    ),
    "rows_shown": lambda n: ngettext(
        "Showing {shown} of {n} row; the report has them all.",
        "Showing {shown} of {n} rows; the report has them all.", n,
    ),
    "confirm": lambda n: ngettext(
        "Send {n} message to {phones} through {url} (live)?",
        "Send {n} messages to {phones} through {url} (live)?", n,
    ),
    "confirm_at": lambda n: ngettext(
        "Send {n} message to {phones} through {url} (live), the first at {when}?",
        "Send {n} messages to {phones} through {url} (live), the first at {when}?", n,
    ),
    "phones": lambda n: ngettext("{n} phone", "{n} phones", n),
    "budget_state": lambda n: ngettext(
        "{n} customer in any 24 hours: {used}, {left}.",
        "{n} customers in any 24 hours: {used}, {left}.", n,
    ),
    "budget_used": lambda n: ngettext("{n} used", "{n} used", n),
    "budget_left": lambda n: ngettext("{n} left", "{n} left", n),
    "budget_days": lambda n: ngettext(
        "This campaign needs {n} day: {plan}.", "This campaign needs {n} days: {plan}.", n
    ),
    "settle_confirmed": lambda n: ngettext(
        "{n} row found in Plazbot's records: now sent.",
        "{n} rows found in Plazbot's records: now sent.", n,
    ),
    "settle_not_found": lambda n: ngettext(
        "{n} row never reached Plazbot: pending, the next send sends it once.",
        "{n} rows never reached Plazbot: pending, the next send sends them once.", n,
    ),
    "settle_still_uncertain": lambda n: ngettext(
        "{n} row still uncertain: Plazbot could not tell.",
        "{n} rows still uncertain: Plazbot could not tell.", n,
    ),
    "replies_replied": lambda n: ngettext("{n} customer replied.", "{n} customers replied.", n),
    "replies_asked_to_stop": lambda n: ngettext(
        "{n} customer asked to stop: on the opt-out list now.",
        "{n} customers asked to stop: on the opt-out list now.", n,
    ),
    "replies_blocked": lambda n: ngettext(
        "{n} customer blocked the business: on the opt-out list now.",
        "{n} customers blocked the business: on the opt-out list now.", n,
    ),
    "replies_no_reply": lambda n: ngettext(
        "{n} customer has not replied yet.", "{n} customers have not replied yet.", n
    ),
    "replies_lookup_failed": lambda n: ngettext(
        "{n} conversation could not be read.", "{n} conversations could not be read.", n
    ),
}  # fmt: skip
"""The script's messages with a count `{n}`: each, for a count, its form in the active
language (`{n}` and the other values left for the script to fill in)."""


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


def page_plurals(language_code: str) -> dict[str, Any]:
    """The plural messages in the page's language: every form of each, in the catalog's order,
    and the CLDR category each form stands for, for the script's `Intl.PluralRules`."""
    categories = plural_categories(language_code)
    samples = plural_samples(translations(language_code), len(categories))
    with use_language(language_code):
        forms = {key: [message(n) for n in samples] for key, message in PLURAL_STRINGS.items()}
    return {"language": html_tag(language_code), "categories": categories, "forms": forms}


def plural_samples(words: gettext.NullTranslations, count: int) -> list[int]:
    """A number for each of the catalog's `count` plural forms, in their order: its plural
    formula's own choice (English, the source, has none: 1 and the rest)."""
    choose: Callable[[int], int] = getattr(words, "plural", lambda n: int(n != 1))
    found: dict[int, int] = {}
    for n in (*range(200), 1_000_000):
        found.setdefault(choose(n), n)
    return [found[form] for form in range(count)]
