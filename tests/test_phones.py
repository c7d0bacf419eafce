"""Phones: the exact digits sent for numbers as people type them, or exactly why not.

What a number is (a mobile, a landline, how long one may be) is libphonenumber's metadata,
which changes with each release: those tests take their examples and limits from it. The
numbers written out here are about the project's own reading (codes without "+", Mexico's
old "1", Argentina's "15") and its own words.
"""

from __future__ import annotations

import phonenumbers
import pytest
from babel import Locale
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from bulk_sender import ConfigError
from bulk_sender.contacts.countries import country_code, find_country_column
from bulk_sender.contacts.phone_columns import find_phone_column
from bulk_sender.contacts.phones import normalise_phone, split_numbers
from bulk_sender.messages.compose import Composer
from bulk_sender.messages.render import MessageTemplate
from bulk_sender.records import Contact


@pytest.mark.parametrize(
    ("cell", "region", "digits"),
    [
        # Peru
        ("987 654 321", "PE", "51987654321"),
        ("+51 987 654 321", None, "51987654321"),
        ("(+51) 987-654-321", None, "51987654321"),
        ("0051987654321", None, "51987654321"),
        ("51987654321", "PE", "51987654321"),  # stored with its code but no "+"
        ("51987654321", None, "51987654321"),
        (51987654321, None, "51987654321"),  # stored as a number
        (51987654321.0, "PE", "51987654321"),
        ("51987654321.0", "PE", "51987654321"),  # a float written out as text
        ("987654321 anexo 12", "PE", "51987654321"),  # extensions are dropped
        # Mexico, with the "1" mobiles had until 2019 and the old 044 prefix
        ("55 1234 5678", "MX", "525512345678"),
        ("+52 55 1234 5678", None, "525512345678"),
        ("+52 1 55 1234 5678", None, "525512345678"),
        ("5215512345678", "MX", "525512345678"),
        ("044 55 1234 5678", "MX", "525512345678"),
        # Argentina: mobiles written with 15 or 9 go out as 549...
        ("011 15 2345-6789", "AR", "5491123456789"),
        ("11 15 2345 6789", "AR", "5491123456789"),
        ("0351 15 234 5678", "AR", "5493512345678"),
        ("+54 9 11 2345 6789", None, "5491123456789"),
        ("+54 11 15 2345 6789", None, "5491123456789"),
        ("5491123456789", None, "5491123456789"),
        # Brazil
        ("(11) 98765-4321", "BR", "5511987654321"),
        ("011 98765 4321", "BR", "5511987654321"),
        ("+55 11 98765-4321", None, "5511987654321"),
        # Colombia
        ("300 123 4567", "CO", "573001234567"),
        ("+57 300 123 4567", None, "573001234567"),
        # Chile
        ("9 8765 4321", "CL", "56987654321"),
        ("+56 9 8765 4321", None, "56987654321"),
        # United States
        ("(201) 555-0123", "US", "12015550123"),
        ("+1 201-555-0123 x45", None, "12015550123"),
        ("12015550123", None, "12015550123"),
        # A number from another country in a list defaulting to Peru
        ("+57 300 123 4567", "PE", "573001234567"),
        ("573001234567", "PE", "573001234567"),
    ],
)
def test_numbers_become_the_exact_digits_the_api_takes(cell, region, digits):
    phone = normalise_phone(cell, region)
    assert (phone.digits, phone.code) == (digits, "")


@pytest.mark.parametrize(
    ("cell", "region", "code", "detail"),
    [
        ("", "PE", "missing_phone", "the phone cell is empty"),
        (None, "PE", "missing_phone", "the phone cell is empty"),
        ("no tiene", "PE", "invalid_phone", "'no tiene' is not a phone number"),
        ("+999 1234567", None, "invalid_phone", "+999 1234567: unknown country code"),
        (51987654321.5, "PE", "invalid_phone", "51987654321.5 is not a phone number"),
        ("987654321", None, "no_country",
         "987654321 has no country code and no --country was given"),
        ("5.19877E+10", "PE", "digits_lost",
         "5.19877E+10 is in scientific notation: Excel lost the last digits"),
        ("+55 11 8765-4321", None, "invalid_phone",
         "10 digits: a Brazilian mobile has 9 digits after the area code and the ninth digit "
         "is missing (+55 11 98765-4321?)"),
    ],
)  # fmt: skip
def test_every_rejected_phone_says_why(cell, region, code, detail):
    phone = normalise_phone(cell, region)
    assert (phone.digits, phone.code, phone.detail) == ("", code, detail)


def example(region: str, kind: int) -> tuple[str, str]:
    """libphonenumber's own example of a kind of number: as people write it, and its digits."""
    number = phonenumbers.example_number_for_type(region, kind)
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return national, phonenumbers.format_number(number, PhoneNumberFormat.E164)[1:]


@pytest.mark.parametrize("region", ["PE", "MX", "BR", "CO", "CL", "AR"])
def test_a_mobile_is_sent_and_a_landline_refused_unless_allowed(region):
    mobile, mobile_digits = example(region, PhoneNumberType.MOBILE)
    landline, landline_digits = example(region, PhoneNumberType.FIXED_LINE)

    assert normalise_phone(mobile, region).digits == mobile_digits
    refused = normalise_phone(landline, region)
    assert (refused.code, refused.digits) == ("landline", "")
    assert refused.detail.startswith(
        f"{landline} is a landline; WhatsApp needs a mobile (--allow-landlines keeps it)"
    )
    assert normalise_phone(landline, region, allow_landlines=True).digits == landline_digits


def test_an_argentine_landline_says_how_a_mobile_is_written():
    landline, _ = example("AR", PhoneNumberType.FIXED_LINE)

    assert normalise_phone(landline, "AR").detail.endswith(
        "; an Argentine mobile is written +54 9 <area> <number> or 0<area> 15 <number>"
    )


@pytest.mark.parametrize("region", ["PE", "MX", "CO"])
def test_a_number_too_short_or_too_long_for_its_country_says_how_many_digits(region):
    lengths = phonenumbers.PhoneMetadata.metadata_for_region(region).general_desc.possible_length
    code = phonenumbers.country_code_for_region(region)
    short, long = "9" * (min(lengths) - 1), "9" * (max(lengths) + 1)
    country = Locale("en").territories[region]  # the country's name, CLDR's (Peru for PE)

    assert normalise_phone(f"+{code} {short}", None).detail == (
        f"{len(short)} digits, too short for {country}"
    )
    assert normalise_phone(f"+{code} {long}", None).detail == (
        f"{len(long)} digits, too long for {country}"
    )


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (["Nombre", "Teléfono", "Ciudad"], "Teléfono"),
        (["Name", "Phone number", "City"], "Phone number"),
        (["Nome", "Telefone", "Cidade"], "Telefone"),
        (["Nome", "Fone"], "Fone"),
        (["Cliente", "Número"], "Número"),
        (["Cliente", "Nº de pedido", "Número de pedido", "Móvil"], "Móvil"),
        (["Teléfono fijo", "Celular"], "Celular"),
        (["Teléfono casa", "Teléfono"], "Teléfono"),
        (["Teléfono", "WhatsApp"], "WhatsApp"),
        (["Mobile", "Cell"], "Mobile"),
        (["Nombre", "Número de pedido", "Total"], None),
    ],
)
def test_the_phone_column_is_found_by_its_header(columns, expected):
    assert find_phone_column(columns) == expected


def test_the_phone_column_is_found_by_its_content_when_no_header_names_it():
    columns = ["Cliente", "DNI", "Contacto 1", "Total"]
    sample = [
        ["Ana", "41234567", "987 654 321", "120.50"],
        ["Luis", "07654321", "912 345 678", "80"],
        ["Rosa", "45678901", "", "15"],
        ["Juan", "12345678", "98765", "15"],
        ["Eva", "23456789", "+51 955 111 222", "15"],
    ]
    assert find_phone_column(columns, sample, "PE") == "Contacto 1"
    assert find_phone_column(columns, [row[:2] for row in sample], "PE") is None


def test_the_country_column_and_its_values():
    assert find_country_column(["Nombre", "País", "Celular"]) == "País"
    assert find_country_column(["Nombre", "Celular"]) is None
    values = [
        "PE",
        "pe",
        "Perú",
        "PERU",
        "México",
        "Brasil",
        "Estados Unidos",
        "+57",
        "56",
        "Narnia",
        "",
    ]
    assert [country_code(v) for v in values] == [
        "PE", "PE", "PE", "PE", "MX", "BR", "US", "CO", "CL", None, None,
    ]  # fmt: skip


def test_a_country_column_overrides_the_default_country_row_by_row():
    columns = ("Nombre", "País", "Celular")
    template = MessageTemplate("Hola {{ nombre }}", columns)
    composer = Composer(columns, "Celular", template=template, country="PE")
    rows = [
        ("Ana", "", "987 654 321"),
        ("Luis", "México", "55 1234 5678"),
        ("Rosa", "AR", "011 15 2345-6789"),
        ("Juan", "Narnia", "987 654 322"),
    ]
    phones = [composer.phone(Contact(row=n, values=v)).digits for n, v in enumerate(rows, 2)]
    assert phones == ["51987654321", "525512345678", "5491123456789", "51987654322"]


def test_the_default_country_is_checked_before_any_row_is_read():
    template = MessageTemplate("Hola", ("Celular",))
    assert Composer(("Celular",), "Celular", template=template, country="Perú").country == "PE"
    with pytest.raises(ConfigError, match="--country Peruu: not a country"):
        Composer(("Celular",), "Celular", template=template, country="Peruu")


@pytest.mark.parametrize(
    ("cell", "region", "digits"),
    [
        ("+51 912 345 678 ::: +51 998 877 665", None, "51912345678"),  # Google Contacts
        ("987 654 321 / 912 345 678", "PE", "51987654321"),
        ("(01) 412-3456 / 912 345 678", "PE", "51912345678"),  # the mobile, not the landline
        ("(01) 412-3456; 912 345 678", "PE", "51912345678"),
        ("(01) 412-3456 | 912 345 678", "PE", "51912345678"),
        ("(01) 412-3456 y 912 345 678", "PE", "51912345678"),
        ("(01) 412-3456 o 912 345 678", "PE", "51912345678"),
        ("(01) 412-3456, 912 345 678", "PE", "51912345678"),
        ("(01) 412-3456\n912 345 678", "PE", "51912345678"),
        ("987654 / 912 345 678", "PE", "51912345678"),  # an invalid first number is skipped
        # One number written with spaces or dashes stays one number.
        ("987 654 321", "PE", "51987654321"),
        ("987-654-321", "PE", "51987654321"),
        ("(11) 98765-4321", "BR", "5511987654321"),
        # Shopify and Excel mark text with a leading apostrophe.
        ("'+51987654321", None, "51987654321"),
        ("'987654321", "PE", "51987654321"),
        # A WhatsApp link, as CRMs keep them.
        ("https://wa.me/51987654321", "MX", "51987654321"),
        ("https://api.whatsapp.com/send?phone=5511987654321&text=Oi", None, "5511987654321"),
    ],
)
def test_a_cell_gives_its_first_valid_mobile(cell, region, digits):
    assert normalise_phone(cell, region).digits == digits


def test_a_cell_of_landlines_says_why_for_its_first_number():
    phone = normalise_phone("(01) 412-3456 / (01) 412-3457", "PE")
    assert (phone.code, phone.detail.split(" is ")[0]) == ("landline", "(01) 412-3456")
    both = normalise_phone("(01) 412-3456 / 912 345 678", "PE", allow_landlines=True)
    assert both.digits == "51912345678"  # a mobile still comes first


def test_separators_split_only_between_whole_numbers():
    assert split_numbers("987 654 321 / 912 345 678") == ["987 654 321", "912 345 678"]
    assert split_numbers("01/4123456") == ["01/4123456"]  # an area code before a slash
    assert split_numbers("987654321, anexo 12") == ["987654321, anexo 12"]
