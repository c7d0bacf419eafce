"""What Babel's CLDR data writes: the expected text wherever the writing is CLDR's, not ours.

CLDR changes between Babel releases (Colombian pesos lost their cents, spaces in times became
narrow), so tests never hard-code it. The project decides the value, the locale, the currency,
the pattern and the rounding; these helpers ask Babel for the words. The one change the
project makes to Babel's text is its own: narrow no-break spaces become no-break spaces.
"""

from __future__ import annotations

import decimal
from datetime import date, datetime, time
from decimal import Decimal

from babel.dates import format_date, format_time, get_datetime_format
from babel.numbers import format_currency, format_decimal


def readable(text: str) -> str:
    """The project's one change to Babel's text: older phones lack the narrow space."""
    return str(text).replace("\u202f", "\xa0")


def money(amount: str, currency: str, locale: str) -> str:
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_UP
        return readable(format_currency(Decimal(amount), currency, locale=locale))


def number(amount: str, pattern: str | None, locale: str) -> str:
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_UP
        return readable(format_decimal(Decimal(amount), pattern, locale=locale))


def day(when: date, pattern: str, locale: str) -> str:
    return readable(format_date(when, pattern, locale=locale))


def clock(when: time, pattern: str, locale: str) -> str:
    return readable(format_time(when, pattern, locale=locale))


def day_and_clock(when: datetime, locale: str) -> str:
    """A long date and a short time, joined the locale's way ("{1}, {0}" in Spanish)."""
    joined = str(get_datetime_format("medium", locale=locale))
    text = joined.replace("{1}", format_date(when, "long", locale=locale))
    return readable(text.replace("{0}", format_time(when.time(), "short", locale=locale)))
