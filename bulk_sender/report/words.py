"""Words: the summary sheet in the active language, and numbers and dates as its locale writes them.

The summary is handed over as (key, value) pairs with stable English keys (`status sent`,
`reason invalid_phone`, `started`: `summary.Tally.rows` and the engine's details); a report
shows each as an item a person reads ("enviado", "teléfono inválido", "Inicio"), its value,
and the key beside them for scripts. Numbers and dates shown as text (a CSV summary) are
Babel's for the locale; a workbook keeps real numbers and date-times, dates in the locale's
order (`excel_date_format`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from babel import Locale, dates, numbers

from .. import lifecycle
from ..language import N_, _, active, babel_locale, language_of, shown_datetime
from ..result_columns import RESULT_COLUMNS, title

DETAILS = {
    "rows": N_("Rows"),
    "mode": N_("Mode"),
    "started": N_("Started"),
    "ended": N_("Ended"),
    "duration (s)": N_("Duration (seconds)"),
    "achieved messages/s": N_("Achieved rate (messages per second)"),
    "input": N_("Input file"),
    "sheet": N_("Sheet"),
    "phone columns": N_("Phone columns"),
    "left out": N_("Phone columns left out"),
    "country column": N_("Country column"),
    "template": N_("Template"),
    "campaign": N_("Campaign"),
    "journal": N_("Journal"),
    "stopped because": N_("Stopped because"),
    "command to resume": N_("Command to resume"),
}
"""The run's details the summary shows, by key (`engine/ending.py`), in words."""
MODES = {"dry-run": N_("dry-run"), "live": N_("live"), "sandbox": N_("sandbox")}
COLUMN_KEY = "column "
"""The summary's last rows: each result column's title as the report shows it, its machine
name, and `column <machine name>`, for scripts (a CSV's header holds only the titles)."""


def group_of(key: str) -> str:
    """`status`, `reason`, `column` or `run`: the summary shows a blank row between groups."""
    kind = key.partition(" ")[0]
    return kind if kind in ("status", "reason", "column") else "run"


def worded(summary: Iterable[tuple[str, Any]]) -> Iterator[tuple[str, Any, str]]:
    """(item, value, key) for each (key, value) of the summary, then the columns' names."""
    for key, value in summary:
        key = str(key)
        yield item_words(key), _value_words(key, value), key
    for name in RESULT_COLUMNS:
        yield title(name), name, COLUMN_KEY + name


def item_words(key: str) -> str:
    """The words a person reads for a summary key: a status's, a reason's, a detail's."""
    kind, __, name = key.partition(" ")
    if kind == "status" and name:
        return _(name)
    if kind == "reason" and name:
        return lifecycle.reason_words(name)
    return _(DETAILS[key]) if key in DETAILS else key


def _value_words(key: str, value: Any) -> Any:
    if key == "mode" and value in MODES:
        return _(MODES[value])
    return value


def locale() -> Locale:
    return _locale(babel_locale())


@functools.cache
def _locale(name: str) -> Locale:
    return Locale.parse(name)


def as_text(value: Any) -> Any:
    """A number or a date as the active language's locale writes it; anything else as is."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Decimal):
        return numbers.format_decimal(value, locale=locale())
    if isinstance(value, datetime):
        return shown_datetime(value, seconds=True, own_zone=True)
    if isinstance(value, date):
        english = value.isoformat()
        return english if active() == "en" else dates.format_date(value, "medium", locale())
    if isinstance(value, time):
        english = value.strftime("%H:%M:%S")
        return english if active() == "en" else dates.format_time(value, "medium", locale=locale())
    return value


def excel_date_format(kind: type) -> str:
    """An Excel number format for a datetime, date or time cell, in the locale's order
    (`8/12/2026, 9:05:03` in Spanish, `08/12/2026 09:05:03` in Portuguese), the year in full;
    ISO 8601 in English (`ISO_FORMATS`)."""
    return _excel_formats(babel_locale())[kind]


ISO_FORMATS = {datetime: "yyyy-mm-dd hh:mm:ss", date: "yyyy-mm-dd", time: "hh:mm:ss"}
"""English's: it is the language of those whose own is none of the others, so its dates are
read the same everywhere (`5/1/2026` is January 5th in Lima, May 1st in New York)."""


@functools.cache
def _excel_formats(name: str) -> dict[type, str]:
    """By the Babel locale's name (`es_PE`): English's, whatever its region, are ISO 8601."""
    if language_of(name) == "en":
        return ISO_FORMATS
    where = _locale(name)
    day = dates.get_date_format("short", where).pattern
    hour = dates.get_time_format("medium", where).pattern
    both = str(dates.get_datetime_format("short", where)).replace("{1}", day).replace("{0}", hour)
    return {datetime: _excel(both), date: _excel(day), time: _excel(hour)}


_TOKEN = re.compile(r"'[^']*'|([A-Za-z])\1*|.")
_EXCEL = {"M": "m", "MM": "mm", "d": "d", "dd": "dd", "H": "h", "HH": "hh", "h": "h",
          "hh": "hh", "m": "mm", "mm": "mm", "s": "ss", "ss": "ss", "a": "AM/PM"}  # fmt: skip


def _excel(pattern: str) -> str:
    """A CLDR date or time pattern as Excel's number format (`d/M/yy` -> `d/m/yyyy`)."""
    out: list[str] = []
    for match in _TOKEN.finditer(pattern):
        token = match.group(0)
        if token.startswith("'"):
            out.append(f'"{token[1:-1]}"' if len(token) > 2 else "'")
        elif token[0] == "y":
            out.append("yyyy")
        elif token[0].isalpha():
            out.append(_EXCEL.get(token, ""))
        elif token in "/:-. \u202f\xa0":
            out.append(" " if token.isspace() else token)
        else:
            out.append(f'"{token}"')  # Excel shows only some marks as they are
    return "".join(out).strip()
