"""Filters: names, amounts, numbers, dates and times as a customer reads them, per locale.

The tests check what the project decides: how a cell is read (`1.234,50` is 1234.5), which
currency, locale and pattern apply, the half-up rounding. How CLDR writes the result changes
with each Babel release, so the expected text comes from Babel itself (`tests/cldr.py`).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from babel import Locale
from babel.dates import parse_pattern

from bulk_sender.messages.filters import (
    ValueNotUnderstood,
    check_pattern,
    filters_for,
    money,
    plain,
    to_date,
    to_decimal,
    to_time,
)

from . import cldr


def apply(locale: str, name: str, value: object, *args: object) -> str:
    """A filter as a template calls it, bound to `locale`."""
    return filters_for(Locale.parse(locale))[name](value, *args)


@pytest.mark.parametrize("locale", ["es_PE", "pt_BR"])
@pytest.mark.parametrize(
    ("name", "first", "title"),
    [
        ("JOSÉ DE LA CRUZ", "José", "José de la Cruz"),
        ("maría josé quispe", "María", "María José Quispe"),
        ("  ANA MARÍA pérez ", "Ana", "Ana María Pérez"),
        ("DA SILVA E SOUZA", "Da", "Da Silva e Souza"),
        ("jean-pierre o'brien", "Jean-Pierre", "Jean-Pierre O'Brien"),
        ("Ronald McDonald DEL RÍO", "Ronald", "Ronald McDonald del Río"),
        ("ÑAHUI", "Ñahui", "Ñahui"),
    ],
)
def test_names_typed_in_capitals_read_naturally_in_any_locale(locale, name, first, title):
    assert apply(locale, "first_name", name) == first
    assert apply(locale, "title", name) == title


@pytest.mark.parametrize(
    ("locale", "value", "currency", "amount"),
    [
        ("es_PE", 1234.5, "PEN", "1234.50"),
        ("es_PE", "1.234,50", "PEN", "1234.50"),  # read with Peru's "," as grouping
        ("es_PE", "S/ 1,234.50", "pen", "1234.50"),
        ("es_PE", "-12", "PEN", "-12"),
        ("es_CO", 1234.5, "COP", "1234.50"),
        ("es_CO", "1.234,50", "COP", "1234.50"),
        ("es_MX", "1,234.50", "MXN", "1234.50"),
        ("es_CL", 1234.5, "CLP", "1234.5"),
        ("pt_BR", 1234.5, "BRL", "1234.50"),
        ("pt_BR", "R$ 1.234,50", "BRL", "1234.50"),
        ("es", 1234.5, "EUR", "1234.50"),
    ],
)
def test_money_reads_the_amount_and_leaves_its_writing_to_cldr(locale, value, currency, amount):
    # The project decides the amount, the currency and the rounding; the writing is CLDR's.
    assert apply(locale, "money", value, currency) == cldr_money(amount, currency, locale)


def test_money_rounds_half_up_as_a_cashier_does():
    assert apply("es_PE", "money", Decimal("2.665"), "PEN") == cldr_money("2.67", "PEN", "es_PE")
    assert apply("es_PE", "money", Decimal("2.665"), "PEN") != cldr_money("2.66", "PEN", "es_PE")


def cldr_money(amount: str, currency: str, locale: str) -> str:
    return cldr.money(amount, currency.upper(), locale)


@pytest.mark.parametrize(("locale", "currency"), [("es_PE", "PEN"), ("pt_BR", "BRL")])
def test_money_without_a_currency_takes_the_locale_country_s(locale, currency):
    assert apply(locale, "money", 350) == cldr_money("350", currency, locale)


def test_money_needs_a_currency_when_the_locale_has_no_country():
    with pytest.raises(ValueError, match='say the currency: money\\("PEN"\\)'):
        money(10, locale=Locale.parse("es"))


def test_money_refuses_an_unknown_currency_from_a_cell():
    with pytest.raises(ValueNotUnderstood, match="'soles' is not a currency code"):
        apply("es_PE", "money", 10, "soles")


@pytest.mark.parametrize(
    ("locale", "value", "pattern", "amount"),
    [
        ("es_PE", 1234.5, None, "1234.5"),
        ("es_PE", "1.234,5", "#,##0.00", "1234.5"),  # read with its "," as the decimal mark
        ("es_CO", 1234.5, None, "1234.5"),
        ("es_CO", "1,234.5", "#,##0.00", "1234.5"),
        ("pt_BR", 10450.0, None, "10450"),
        ("es_PE", "2.665", "#,##0.00", "2.67"),  # rounded half up
    ],
)
def test_number_reads_the_amount_and_writes_it_the_locale_s_way(locale, value, pattern, amount):
    expected = cldr.number(amount, pattern, locale)
    assert apply(locale, "number", value, *([pattern] if pattern else [])) == expected


@pytest.mark.parametrize(
    ("text", "decimal_symbol", "expected"),
    [
        ("1.234,50", ".", "1234.50"),
        ("1,234.50", ",", "1234.50"),
        ("1.234.567", ".", "1234567"),
        ("1 234,5", ".", "1234.5"),
        ("12,5", ".", "12.5"),
        ("S/. 99.90", ".", "99.90"),
        ("1.234", ".", "1.234"),  # in Peru "." marks decimals
        ("1.234", ",", "1234"),  # in Colombia it groups thousands
        ("1,234", ",", "1.234"),
    ],
)
def test_text_that_looks_like_a_number_is_read(text, decimal_symbol, expected):
    assert to_decimal(text, decimal_symbol) == Decimal(expected)


@pytest.mark.parametrize("text", ["n/a", "12abc34", "pendiente", "1.2.3,4,5", "--5", True])
def test_text_that_is_not_a_number_is_refused(text):
    with pytest.raises(ValueNotUnderstood, match="is not a number"):
        to_decimal(text)


@pytest.mark.parametrize(
    ("locale", "pattern"),
    [
        ("es_PE", "d 'de' MMMM"),
        ("pt_BR", "d 'de' MMMM"),
        ("es_PE", "EEEE d 'de' MMMM"),
        ("pt_BR", "EEEE, d 'de' MMMM"),
        ("es_PE", "long"),
        ("es_CO", "medium"),
        ("pt_BR", "full"),
    ],
)
def test_date_applies_the_pattern_in_the_locale(locale, pattern):
    day = date(2026, 11, 25)
    assert apply(locale, "date", day, pattern) == cldr.day(day, pattern, locale)


@pytest.mark.parametrize(
    "value",
    [date(2026, 11, 25), datetime(2026, 11, 25), "25/11/2026", "25-11-2026", "25/11/26",
     "2026-11-25", "2026-11-25 00:00:00", "2026-11-25T00:00:00"],
)  # fmt: skip
def test_dates_from_cells_and_text_give_the_same_words(value):
    expected = cldr.day(date(2026, 11, 25), "long", "es_PE")  # the default pattern
    assert apply("es_PE", "date", value) == expected


def test_a_datetime_pattern_keeps_the_hour_of_the_cell():
    # format_datetime would treat the naive time as UTC and move it to the local zone.
    assert apply("es_PE", "date", datetime(2026, 11, 25, 16, 30), "d/MM HH:mm") == "25/11 16:30"


@pytest.mark.parametrize("text", ["mañana", "31/02/2026", "11/25/2026x", "2026"])
def test_text_that_is_not_a_date_is_refused(text):
    with pytest.raises(ValueNotUnderstood, match="is not a date"):
        to_date(text)


@pytest.mark.parametrize(
    ("locale", "value", "clock"),
    [
        ("es_PE", time(16, 30), time(16, 30)),
        ("es_PE", "16:30", time(16, 30)),
        ("es_MX", "4:30 pm", time(16, 30)),
        ("pt_BR", "4:30 p. m.", time(16, 30)),
        ("pt_BR", datetime(2026, 11, 25, 9, 5), time(9, 5)),
        ("es", "9h30", time(9, 30)),
        ("es_PE", "12:15 am", time(0, 15)),
    ],
)
def test_time_reads_the_cell_and_writes_the_locale_s_short_clock(locale, value, clock):
    assert apply(locale, "time", value) == cldr.clock(clock, "short", locale)


def test_time_takes_a_pattern():
    assert apply("es_PE", "time", "4:30 pm", "HH:mm") == "16:30"
    assert apply("pt_BR", "time", time(9, 5), "H'h'mm") == "9h05"


@pytest.mark.parametrize("text", ["25:00", "tarde", "16:75", "13:00 pm x"])
def test_text_that_is_not_a_time_is_refused(text):
    with pytest.raises(ValueNotUnderstood, match="is not a time of day"):
        to_time(text)


@pytest.mark.parametrize(
    ("locale", "value", "expected"),
    [  # the project's own writing: no ".0" on whole numbers, text as it is
        ("es_PE", 10450.0, "10450"),
        ("es_PE", 2214.36, "2214.36"),
        ("es_PE", "PED-10450", "PED-10450"),
    ],
)
def test_numbers_and_text_printed_without_a_filter_never_show_python_s_forms(
    locale, value, expected
):
    assert plain(value, Locale.parse(locale)) == expected


@pytest.mark.parametrize("locale", ["es_PE", "pt_BR"])
def test_dates_and_times_printed_without_a_filter_are_long_dates_and_short_times(locale):
    day, evening = date(2026, 11, 25), datetime(2026, 11, 25, 16, 30)
    shown = Locale.parse(locale)

    assert plain(day, shown) == cldr.day(day, "long", locale)
    assert plain(datetime(2026, 11, 25), shown) == cldr.day(day, "long", locale)  # no "0:00"
    assert plain(evening, shown) == cldr.day_and_clock(evening, locale)
    assert plain(time(9, 5), shown) == cldr.clock(time(9, 5), "short", locale)


def babel_refusal(pattern: str) -> str:
    """What Babel says of a pattern it cannot apply, as a regular expression."""
    try:
        parse_pattern(pattern)
    except ValueError as exc:
        return re.escape(str(exc))
    raise AssertionError(f"Babel accepts {pattern}")


@pytest.mark.parametrize(
    ("name", "pattern", "reason"),
    [
        ("date", "dd/mm/yyyy", "mm means minutes"),
        ("date", "dd/MM/YYYY", "week-based year"),
        ("date", "DD/MM/yyyy", "day of the year"),
        ("date", "d de MMMM", "quote words"),
        ("date", "d 'de MMMM", "quote is not closed"),
        ("date", "d MMMM zzzz", "no time zone"),
        ("date", "QQQQQQ", "QQQQQQ has too many or too few letters"),  # Babel's, in our words
        ("time", "d/MM HH:mm", "use the date filter"),
    ],
)
def test_patterns_that_would_print_nonsense_are_refused(name, pattern, reason):
    with pytest.raises(ValueError, match=reason) as caught:
        check_pattern(name, pattern)
    if pattern == "QQQQQQ":  # Babel's own English is not passed on: it would stay English
        assert not re.search(babel_refusal(pattern), str(caught.value))


@pytest.mark.parametrize(
    ("name", "pattern"),
    [("date", "d 'de' MMMM"), ("date", "dd/MM/yyyy HH:mm"), ("date", "long"), ("time", "HH:mm"),
     ("time", "h:mm a"), ("date", "EEEE d 'de' MMMM 'de' y")],
)  # fmt: skip
def test_sound_patterns_pass(name, pattern):
    check_pattern(name, pattern)  # raises if refused
