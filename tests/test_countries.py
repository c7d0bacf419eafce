"""Countries: the country column exports name, and the code each country cell means."""

from __future__ import annotations

import pytest
from babel import Locale

from bulk_sender.contacts.countries import country_code, find_country_column

LATAM = ["AR", "BO", "BR", "CL", "CO", "CR", "DO", "EC", "GT", "HN", "MX", "NI", "PA", "PE",
         "PY", "SV", "US", "UY", "VE", "ES"]  # fmt: skip


@pytest.mark.parametrize("language", ["es", "pt", "en"])
def test_every_country_name_cldr_gives_in_spanish_portuguese_and_english(language):
    names = Locale(language).territories
    assert {code: country_code(names[code]) for code in LATAM} == {code: code for code in LATAM}
    # Typed without accents or in capitals, as CRMs often hold them.
    assert {code: country_code(names[code].upper()) for code in LATAM} == {c: c for c in LATAM}


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("PE", "PE"), ("pe", "PE"), ("'PE", "PE"), ("Peru", "PE"), ("PERÚ", "PE"),
        ("Brasil", "BR"), ("Mexico", "MX"), ("EE.UU.", "US"), ("USA", "US"),
        ("PER", "PE"), ("MEX", "MX"),  # three-letter codes, from CLDR's aliases
        ("+51", "PE"), ("57", "CO"),  # calling codes
        ("Lima / Perú", "PE"), ("Jalisco, México", "MX"), ("SP - Brasil", "BR"),
        ("Narnia", None), ("", None), (None, None), ("Lima", None),
    ],
)  # fmt: skip
def test_a_country_cell_as_exports_write_it(cell, code):
    assert country_code(cell) == code


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (["Nombre", "País", "Celular"], "País"),
        (["Nombre", "Pais"], "Pais"),
        (["Email", "Country/Region", "City"], "Country/Region"),
        (["Phone", "Country Code"], "Country Code"),
        (["Phone", "Default Address Country Code", "Default Address Phone"],
         "Default Address Country Code"),
        (["billing_phone", "billing_country", "shipping_country"], "billing_country"),
        (["shipping_country", "billing_country"], "billing_country"),
        (["Mobile", "Country (Shipping)", "Country (Billing)"], "Country (Billing)"),
        (["Cliente", "Estado/País"], "Estado/País"),
        (["Business Country/Region", "Home Country/Region"], "Home Country/Region"),
        (["MailingCountry", "MobilePhone"], "MailingCountry"),
        (["Código país", "Teléfono"], "Código país"),
        (["Nombre", "Ciudad", "Celular"], None),
    ],
)  # fmt: skip
def test_the_country_column_is_found_by_the_names_exports_give_it(columns, expected):
    assert find_country_column(columns) == expected


def test_a_country_column_whose_cells_name_no_country_gives_way_to_one_that_does():
    columns = ["Country", "Mailing Country"]
    sample = [["Latam", "Perú"], ["Latam", "Chile"]]
    assert find_country_column(columns, sample) == "Mailing Country"
    assert find_country_column(["Country"], [["Latam"]]) is None
