"""Filters: names, amounts, numbers, dates and times as a customer reads them, per locale.

The exact strings are what Babel 2.18 (CLDR 47) produces: `\xa0` is a no-break space, which
keeps `S/` with its amount and `p. m.` with its hour when WhatsApp wraps a line.
"""

from __future__ import annotations

import decimal
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from babel import Locale
from babel.numbers import format_currency

from bulk_sender.filters import (
    ValueNotUnderstood,
    check_pattern,
    filters_for,
    money,
    plain,
    to_date,
    to_decimal,
    to_time,
)


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
    """How Babel's CLDR data writes an amount, rounded half up, with the no-break space kept."""
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_UP
        text = format_currency(Decimal(amount), currency.upper(), locale=locale)
    return text.replace("\u202f", "\xa0")


@pytest.mark.parametrize(
    ("locale", "expected"), [("es_PE", "S/\xa0350.00"), ("pt_BR", "R$\xa0350,00")]
)
def test_money_without_a_currency_takes_the_locale_country_s(locale, expected):
    assert apply(locale, "money", 350) == expected


def test_money_needs_a_currency_when_the_locale_has_no_country():
    with pytest.raises(ValueError, match='say the currency: money\\("PEN"\\)'):
        money(10, locale=Locale.parse("es"))


def test_money_refuses_an_unknown_currency_from_a_cell():
    with pytest.raises(ValueNotUnderstood, match="'soles' is not a currency code"):
        apply("es_PE", "money", 10, "soles")


@pytest.mark.parametrize(
    ("locale", "value", "pattern", "expected"),
    [
        ("es_PE", 1234.5, None, "1,234.5"),
        ("es_PE", "1.234,5", "#,##0.00", "1,234.50"),
        ("es_CO", 1234.5, None, "1.234,5"),
        ("es_CO", "1,234.5", "#,##0.00", "1.234,50"),
        ("pt_BR", 10450.0, None, "10.450"),
    ],
)
def test_number_uses_the_locale_separators(locale, value, pattern, expected):
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
    ("locale", "pattern", "expected"),
    [
        ("es_PE", "d 'de' MMMM", "25 de noviembre"),
        ("pt_BR", "d 'de' MMMM", "25 de novembro"),
        ("es_PE", "EEEE d 'de' MMMM", "miércoles 25 de noviembre"),
        ("pt_BR", "EEEE, d 'de' MMMM", "quarta-feira, 25 de novembro"),
        ("es_PE", "long", "25 de noviembre de 2026"),
        ("es_CO", "medium", "25/11/2026"),
        ("pt_BR", "full", "quarta-feira, 25 de novembro de 2026"),
    ],
)
def test_date_uses_the_locale_month_and_day_names(locale, pattern, expected):
    assert apply(locale, "date", date(2026, 11, 25), pattern) == expected


@pytest.mark.parametrize(
    "value",
    [date(2026, 11, 25), datetime(2026, 11, 25), "25/11/2026", "25-11-2026", "25/11/26",
     "2026-11-25", "2026-11-25 00:00:00", "2026-11-25T00:00:00"],
)  # fmt: skip
def test_dates_from_cells_and_text_give_the_same_words(value):
    assert apply("es_PE", "date", value) == "25 de noviembre de 2026"


def test_a_datetime_pattern_keeps_the_hour_of_the_cell():
    # format_datetime would treat the naive time as UTC and move it to the local zone.
    assert apply("es_PE", "date", datetime(2026, 11, 25, 16, 30), "d/MM HH:mm") == "25/11 16:30"


@pytest.mark.parametrize("text", ["mañana", "31/02/2026", "11/25/2026x", "2026"])
def test_text_that_is_not_a_date_is_refused(text):
    with pytest.raises(ValueNotUnderstood, match="is not a date"):
        to_date(text)


@pytest.mark.parametrize(
    ("locale", "value", "expected"),
    [
        ("es_PE", time(16, 30), "4:30\xa0p.\xa0m."),
        ("es_PE", "16:30", "4:30\xa0p.\xa0m."),
        ("es_MX", "4:30 pm", "4:30\xa0p.m."),
        ("pt_BR", "4:30 p. m.", "16:30"),
        ("pt_BR", datetime(2026, 11, 25, 9, 5), "09:05"),
        ("es", "9h30", "9:30"),
    ],
)
def test_time_uses_the_locale_clock(locale, value, expected):
    assert apply(locale, "time", value) == expected


def test_time_takes_a_pattern():
    assert apply("es_PE", "time", "4:30 pm", "HH:mm") == "16:30"
    assert apply("pt_BR", "time", time(9, 5), "H'h'mm") == "9h05"


@pytest.mark.parametrize("text", ["25:00", "tarde", "16:75", "13:00 pm x"])
def test_text_that_is_not_a_time_is_refused(text):
    with pytest.raises(ValueNotUnderstood, match="is not a time of day"):
        to_time(text)


@pytest.mark.parametrize(
    ("locale", "value", "expected"),
    [
        ("es_PE", 10450.0, "10450"),
        ("es_PE", 2214.36, "2214.36"),
        ("es_PE", date(2026, 11, 25), "25 de noviembre de 2026"),
        ("pt_BR", date(2026, 11, 25), "25 de novembro de 2026"),
        ("es_PE", datetime(2026, 11, 25), "25 de noviembre de 2026"),
        ("es_PE", datetime(2026, 11, 25, 16, 30), "25 de noviembre de 2026, 4:30\xa0p.\xa0m."),
        ("pt_BR", datetime(2026, 11, 25, 16, 30), "25 de novembro de 2026 16:30"),
        ("pt_BR", time(9, 5), "09:05"),
        ("es_PE", "PED-10450", "PED-10450"),
    ],
)
def test_cells_printed_without_a_filter_never_show_python_s_forms(locale, value, expected):
    assert plain(value, Locale.parse(locale)) == expected


@pytest.mark.parametrize(
    ("name", "pattern", "reason"),
    [
        ("date", "dd/mm/yyyy", "mm means minutes"),
        ("date", "dd/MM/YYYY", "week-based year"),
        ("date", "DD/MM/yyyy", "day of the year"),
        ("date", "d de MMMM", "quote words"),
        ("date", "d 'de MMMM", "quote is not closed"),
        ("date", "d MMMM zzzz", "no time zone"),
        ("date", "QQQQQQ", "Invalid length"),
        ("time", "d/MM HH:mm", "use the date filter"),
    ],
)
def test_patterns_that_would_print_nonsense_are_refused(name, pattern, reason):
    with pytest.raises(ValueError, match=reason):
        check_pattern(name, pattern)


@pytest.mark.parametrize(
    ("name", "pattern"),
    [("date", "d 'de' MMMM"), ("date", "dd/MM/yyyy HH:mm"), ("date", "long"), ("time", "HH:mm"),
     ("time", "h:mm a"), ("date", "EEEE d 'de' MMMM 'de' y")],
)  # fmt: skip
def test_sound_patterns_pass(name, pattern):
    check_pattern(name, pattern)  # raises if refused
