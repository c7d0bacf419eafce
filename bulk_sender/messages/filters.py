"""Filters: cells shown the way a customer expects, in the campaign's locale, through Babel.

Numbers and dates from XLSX cells arrive typed; text that looks like one (`1.234,50`,
`25/11/2026`) is read by the filter. A cell a filter cannot read raises `ValueNotUnderstood`,
which makes that row `invalid` (`bad_value`), never a crash.
"""

from __future__ import annotations

import contextlib
import decimal
import functools
import math
import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.dates import (
    format_date,
    format_time,
    get_datetime_format,
    parse_pattern,
    tokenize_pattern,
)
from babel.numbers import format_currency, format_decimal, get_territory_currencies, is_currency

from ..language import _

NAMED_FORMATS = ("short", "medium", "long", "full")
# Lower-cased inside a name, as Spanish and Portuguese write them: "José de la Cruz".
PARTICLES = frozenset({"de", "del", "la", "las", "los", "y", "da", "das", "do", "dos", "e"})
# An amount as people type it: sign, a currency mark of up to 4 characters ("S/.", "R$",
# "PEN"), digits with `.` `,` `'` or spaces between them, maybe the mark after.
_MARK = r"(?:[^\d\s.,+\-]{1,4}\.?)"
_AMOUNT = re.compile(
    rf"(?P<s1>[-+]?)\s*{_MARK}?\s*(?P<s2>[-+]?)\s*(?P<digits>\d[\d.,'\s]*?)\s*{_MARK}?",
)
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%Y-%m-%d", "%Y/%m/%d")
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
                     "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M")  # fmt: skip
_CLOCK = re.compile(
    r"(?P<h>\d{1,2})[:h.](?P<m>\d{2})(?::(?P<s>\d{2}))?\s*(?:(?P<ampm>[ap])\.?\s*m\.?)?",
    re.IGNORECASE,
)


class ValueNotUnderstood(ValueError):
    """A cell that a filter cannot read as the number, date or time it needs."""


def first_name(value: Any) -> str:
    """The first word of a name, made readable: `ANA MARÍA pérez` -> `Ana`."""
    words = str(value).split()
    return title_case(words[0]) if words else ""


def title_case(value: Any) -> str:
    """Names typed in capitals, made readable: `JOSÉ DE LA CRUZ` -> `José de la Cruz`."""
    words = str(value).split()
    return " ".join(_name_word(word, first=i == 0) for i, word in enumerate(words))


def _name_word(word: str, *, first: bool) -> str:
    if not first and word.lower() in PARTICLES:
        return word.lower()
    if word != word.upper() and word != word.lower():
        return word  # typed with care already: "McDonald", "DiCaprio"
    # Capitalise after hyphens and apostrophes too: "Jean-Pierre", "O'Brien".
    return re.sub(r"(^|[-'\u2019])(\w)", lambda m: m.group(1) + m.group(2).upper(), word.lower())


def to_decimal(value: Any, decimal_symbol: str = ".") -> Decimal:
    """A number from a cell; `decimal_symbol` settles `1.234` (thousands, or a decimal?)."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueNotUnderstood(_not_a_number(repr(value)))
        return Decimal(str(value))
    text = str(value).strip()
    match = _AMOUNT.fullmatch(text)
    if not match or (match["s1"] and match["s2"]):
        raise ValueNotUnderstood(_not_a_number(repr(text)))
    digits = re.sub(r"[\s']", "", match["digits"])
    mark = _decimal_mark(digits, decimal_symbol)
    thousands = "," if mark == "." else "."
    digits = digits.replace(thousands, "").replace(mark, ".")
    try:
        number = Decimal(digits)
    except decimal.InvalidOperation as exc:
        raise ValueNotUnderstood(_not_a_number(repr(text))) from exc
    return -number if "-" in (match["s1"] + match["s2"]) else number


def _not_a_number(shown: str) -> str:
    return _("{value} is not a number").format(value=shown)


def _decimal_mark(digits: str, decimal_symbol: str) -> str:
    """Which of `.` and `,` marks the decimals in `digits`."""
    if "," in digits and "." in digits:
        return "," if digits.rfind(",") > digits.rfind(".") else "."
    sep = "," if "," in digits else "." if "." in digits else ""
    other = "." if sep == "," else ","
    if not sep:
        return "."
    if digits.count(sep) > 1:
        return other  # "1.234.567": the separators group thousands
    if len(digits) - digits.index(sep) - 1 != 3:
        return sep  # "12,5", "1234,50": only a decimal mark has 1, 2 or 4+ digits after it
    return sep if sep == decimal_symbol else other  # "1.234": the locale decides


def money(value: Any, currency: str | None = None, *, locale: Locale) -> str:
    """`1234.5|money("PEN")` -> `S/ 1,234.50` in es_PE; the currency defaults to the locale's."""
    code = str(currency).strip().upper() if currency is not None else local_currency(locale)
    if not _is_currency(code):
        raise ValueNotUnderstood(
            _("{value} is not a currency code (PEN, MXN, COP...)").format(value=repr(currency))
        )
    amount = to_decimal(value, locale.number_symbols["latn"]["decimal"])
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_UP  # 2.665 soles is S/ 2.67, as a cashier rounds
        return _readable(format_currency(amount, code, locale=locale))


@functools.cache
def _is_currency(code: str) -> bool:
    return bool(is_currency(code))


def local_currency(locale: Locale) -> str:
    """The currency of the locale's country: PEN for es_PE; an error for plain `es`."""
    currencies = get_territory_currencies(locale.territory) if locale.territory else []
    if not currencies:
        raise ValueError(
            _('locale {locale} has no country, so say the currency: money("PEN")').format(
                locale=locale
            )
        )
    return str(currencies[0])


def number(value: Any, pattern: str | None = None, *, locale: Locale) -> str:
    """`1234.5|number` -> `1,234.5` in es_PE, `1.234,5` in es_CO; a Babel pattern optional."""
    amount = to_decimal(value, locale.number_symbols["latn"]["decimal"])
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_UP
        return _readable(format_decimal(amount, pattern, locale=locale))


def to_date(value: Any) -> date | datetime:
    """A date from a cell: dates as they are; day-first or ISO text parsed."""
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if len(text) == 10 and text[4] == "-":  # ISO dates, the most common text: no strptime
        with contextlib.suppress(ValueError):
            return date.fromisoformat(text)
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    for pattern in _DATETIME_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise ValueNotUnderstood(
        _("{value} is not a date (write it as 25/11/2026 or 2026-11-25)").format(value=repr(text))
    )


# Lists repeat dates (one delivery day, many customers) and Babel formats slowly: cache them.
@functools.lru_cache(maxsize=4096)
def format_day(value: Any, pattern: str = "long", *, locale: Locale) -> str:
    """A date in the locale's words: `d 'de' MMMM` -> `25 de noviembre`."""
    when = to_date(value)
    if pattern in NAMED_FORMATS:
        return _readable(format_date(when, pattern, locale=locale))
    if not isinstance(when, datetime):
        when = datetime.combine(when, time())
    # The pattern applied as is: format_datetime would move naive times to a time zone.
    return _readable(parse_pattern(pattern).apply(when, locale))


def to_time(value: Any) -> time:
    """A time of day from a cell: times as they are; `16:30`, `4:30 pm`, `9h30` parsed."""
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    text = str(value).strip()
    match = _CLOCK.fullmatch(text)
    if match:
        hour, ampm = int(match["h"]), (match["ampm"] or "").lower()
        if ampm and 1 <= hour <= 12:
            hour = hour % 12 + (12 if ampm == "p" else 0)
        with contextlib.suppress(ValueError):
            if not ampm or hour < 24:
                return time(hour, int(match["m"]), int(match["s"] or 0))
    raise ValueNotUnderstood(
        _("{value} is not a time of day (write it as 16:30)").format(value=repr(text))
    )


@functools.lru_cache(maxsize=4096)
def format_clock(value: Any, pattern: str = "short", *, locale: Locale) -> str:
    """A time of day the locale's way: `4:30 p. m.` in es_PE, `16:30` in pt_BR."""
    clock = to_time(value)
    if pattern in NAMED_FORMATS:
        return _readable(format_time(clock, pattern, locale=locale))
    return _readable(
        parse_pattern(pattern).apply(datetime.combine(date(2000, 1, 1), clock), locale)
    )


def plain(value: Any, locale: Locale) -> str:
    """A value printed without a filter: no `.0` on whole numbers, dates in words."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # XLSX stores every number as a float: order 10450, not 10450.0
    if isinstance(value, datetime):
        day = format_date(value, "long", locale=locale)
        if value.time() == time():
            return _readable(day)
        clock = format_time(value.time(), "short", locale=locale)
        joined = str(get_datetime_format("medium", locale=locale))  # "{1}, {0}" in Spanish
        return _readable(joined.replace("{1}", day).replace("{0}", clock))
    if isinstance(value, date):
        return _readable(format_date(value, "long", locale=locale))
    if isinstance(value, time):
        return _readable(format_time(value, "short", locale=locale))
    return str(value)


def check_pattern(filter_name: str, pattern: str) -> None:
    """Refuse a date or time pattern that would print something the user did not mean."""
    if pattern in NAMED_FORMATS:
        return
    if pattern.replace("''", "").count("'") % 2:
        raise ValueError(_("a quote is not closed; quote words like this: d 'de' MMMM"))
    try:
        parse_pattern(pattern)  # checks the length of each field
    except ValueError as exc:
        raise ValueError(_pattern_problem(exc)) from exc
    fields = {token for kind, token in tokenize_pattern(pattern) if isinstance(token, tuple)}
    letters = {char for char, __ in fields}
    if {("e", 1), ("e", 2), ("c", 1), ("c", 2)} & fields:
        raise ValueError(_("letters in a pattern are fields: quote words, like d 'de' MMMM"))
    if letters & set("zZvVOxX"):
        raise ValueError(_("cells have no time zone, so a pattern cannot show one"))
    if filter_name == "time" and letters & set("GyYuUrQqMLwWdDFg"):
        raise ValueError(_("the time filter shows a time of day; use the date filter for days"))
    if filter_name == "date" and "Y" in letters:
        raise ValueError(_("YYYY is the week-based year, wrong late in December; write yyyy"))
    if filter_name == "date" and "D" in letters:
        raise ValueError(_("D is the day of the year; write d for the day of the month"))
    if filter_name == "date" and "m" in letters and not letters & set("hHkK"):
        raise ValueError(_("mm means minutes; write MM for the month"))


def _pattern_problem(exc: ValueError) -> str:
    """Babel's reason a pattern is wrong, in our words (its own are English)."""
    field = re.fullmatch(r"Invalid length for field: '(.*)'", str(exc))
    if field:
        return _("{field} has too many or too few letters for a pattern field").format(
            field=field[1]
        )
    return _('the pattern cannot be read ("{detail}")').format(detail=exc)


def _readable(text: str) -> str:
    # CLDR puts narrow no-break spaces in times ("4:30 p. m."); older phones lack the glyph.
    return str(text).replace("\u202f", "\u00a0")


def filters_for(locale: Locale) -> dict[str, Callable[..., str]]:
    """The filters a template can use, bound to the campaign's locale."""
    return {
        "first_name": first_name,
        "title": title_case,
        "money": lambda value, currency=None: money(value, currency, locale=locale),
        "number": lambda value, pattern=None: number(value, pattern, locale=locale),
        "date": lambda value, pattern="long": format_day(value, pattern, locale=locale),
        "time": lambda value, pattern="short": format_clock(value, pattern, locale=locale),
    }
