"""Phones: normalise each phone cell to the digits the API takes, or say why it cannot.

The API wants E.164 without the `+` (`51987654321`). Parsing uses Google's libphonenumber
port, `phonenumbers`, with the user's `--country` as the default region.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberType

from ..errors import ConfigError
from ..language import _, active, ngettext
from .countries import country_code, find_country_column, fold

# Several numbers in one cell: Google Contacts joins them with " ::: ", people with "/",
# ";", "|", " y ", " o ", ", " or a line break.
_SEPARATORS = re.compile(r"\s*(?::::|[/;|\n\r]|,\s|\s[yo]\s)\s*")
_DIGIT_RUN = re.compile(r"\d")
MIN_DIGITS = 6
"""Fewer digits than this between separators is part of one number, not a number itself."""
# A WhatsApp link holds the number in international form without the "+".
_WA_LINK = re.compile(r"(?:wa\.me/|whatsapp\.com/send/?\?(?:\S*&)?phone=)\+?(\d{8,15})", re.I)
_SCIENTIFIC = re.compile(r"^\s*[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+\s*$")
_WHOLE_FLOAT = re.compile(r"^\s*(\d+)[.,]0+\s*$")  # 51987654321.0 from a pandas export
_INTERNATIONAL = re.compile(r"^[\s(]*(?:\+|00)")
_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
_E164 = phonenumbers.PhoneNumberFormat.E164


@dataclass(frozen=True, slots=True)
class Phone:
    """A normalised phone (`digits`), or why the cell is not one (`code`, `detail`)."""

    digits: str = ""
    code: str = ""
    detail: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.digits)


def normalise_phone(raw: Any, region: str | None = None, *, allow_landlines: bool = False) -> Phone:
    """Digits with country code for a phone cell as typed or stored, or the reason it is not.

    A cell with several numbers gives its first mobile (its first landline only when
    `allow_landlines` and it holds no mobile); if none is valid, the first one's reason.
    """
    text = _cell_text(raw)
    if text is None:
        return Phone(code="invalid_phone", detail=_not_a_phone(repr(raw)))
    return _normalise_cell(text, (region or "").upper() or None, allow_landlines, active())


# Lists repeat phones (one customer, several orders), so a cell seen lately is read once. The
# cache is bounded: 16,384 cells (some 6 MB) cover the distinct customers of most lists. The
# language is part of the key: the reason is worded in it.
@functools.lru_cache(maxsize=16384)
def _normalise_cell(text: str, region: str | None, allow_landlines: bool, language: str) -> Phone:
    # Shopify and Excel users mark a number as text with a leading apostrophe: '+5198...
    text = text.strip().removeprefix("'").strip()
    if link := _WA_LINK.search(text):
        text = "+" + link.group(1)
    numbers = split_numbers(text)
    if len(numbers) == 1:
        return _normalise_text(text, region, allow_landlines)
    phones = [_normalise_text(n, region, False) for n in numbers]
    found = next((p for p in phones if p.ok), None)
    if found is None and allow_landlines:
        found = next((p for n in numbers if (p := _normalise_text(n, region, True)).ok), None)
    return found or phones[0]


def split_numbers(text: str) -> list[str]:
    """The numbers of a cell; one number written with spaces or dashes stays whole."""
    parts = [p for p in _SEPARATORS.split(text) if p.strip()]
    if len(parts) > 1 and all(len(_DIGIT_RUN.findall(p)) >= MIN_DIGITS for p in parts):
        return parts
    return [text]


def _cell_text(raw: Any) -> str | None:
    """Phones stored as numbers come as int or float (51987654321.0); convert them exactly."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() and raw > 0 else None
    if isinstance(raw, str):
        return raw
    return None  # a date or a time in the phone column


def _normalise_text(text: str, region: str | None, allow_landlines: bool) -> Phone:
    if not text:
        return Phone(code="missing_phone", detail=_("the phone cell is empty"))
    if _SCIENTIFIC.match(text):
        return Phone(
            code="digits_lost",
            detail=_("{phone} is in scientific notation: Excel lost the last digits").format(
                phone=text
            ),
        )
    if not re.search(r"\d", text):
        return Phone(code="invalid_phone", detail=_not_a_phone(repr(text)))
    text = _WHOLE_FLOAT.sub(r"\1", text)
    number = _parse(text, region)
    if isinstance(number, Phone):
        return number
    kind = phonenumbers.number_type(number)  # UNKNOWN exactly when is_valid_number is false
    if kind == PhoneNumberType.UNKNOWN:
        return Phone(code="invalid_phone", detail=_why_invalid(number))
    if not allow_landlines and kind not in _MOBILE_TYPES:
        return Phone(code="landline", detail=_landline_detail(text, number))
    return Phone(digits=phonenumbers.format_number(number, _E164)[1:])


def _parse(text: str, region: str | None) -> PhoneNumber | Phone:
    """The number `text` means, with Latin-American quirks mended, or why it has none."""
    international = bool(_INTERNATIONAL.match(text))
    if international:
        text = re.sub(r"^([\s(]*)00", r"\1+", text)
    # A plain run of 11+ digits is how CRMs store a number with its country code ("51987...").
    with_code = None if international or not re.fullmatch(r"\d{11,15}", text) else "+" + text
    if not international and region is None:
        number = _try_parse(with_code, None) if with_code else None
        if number is not None and phonenumbers.is_valid_number(number):
            return number
        return Phone(
            code="no_country",
            detail=_("{phone} has no country code and no --country was given").format(phone=text),
        )
    try:
        number = _mend(phonenumbers.parse(text, None if international else region))
    except NumberParseException as exc:
        return Phone(code="invalid_phone", detail=_parse_failure(text, exc))
    if with_code and not phonenumbers.is_valid_number(number):
        other = _try_parse(with_code, None)
        if other is not None and phonenumbers.is_valid_number(other):
            return other  # another country's number, written with its code but no "+"
    return number


def _try_parse(text: str, region: str | None) -> PhoneNumber | None:
    try:
        return _mend(phonenumbers.parse(text, region))
    except NumberParseException:
        return None


def _mend(number: PhoneNumber) -> PhoneNumber:
    """Mexico dropped the `1` after +52 for mobiles in 2019 (and the 044/045 prefixes)."""
    national = str(number.national_number)
    if number.country_code == 52 and len(national) == 11 and national.startswith("1"):
        return PhoneNumber(country_code=52, national_number=int(national[1:]))
    if number.country_code == 52 and len(national) == 12 and national[:2] in ("44", "45"):
        return PhoneNumber(country_code=52, national_number=int(national[2:]))
    return number


def _not_a_phone(shown: str) -> str:
    return _("{value} is not a phone number").format(value=shown)


def _parse_failure(text: str, exc: NumberParseException) -> str:
    """phonenumbers' reason (`INVALID_COUNTRY_CODE`, `TOO_SHORT_NSN`...) in our words."""
    if exc.error_type == NumberParseException.INVALID_COUNTRY_CODE:
        return _("{phone}: unknown country code").format(phone=text)
    if exc.error_type in (
        NumberParseException.TOO_SHORT_NSN,
        NumberParseException.TOO_SHORT_AFTER_IDD,
    ):
        return _("{phone}: too short to be a phone number").format(phone=text)
    if exc.error_type == NumberParseException.TOO_LONG:
        return _("{phone}: too long to be a phone number").format(phone=text)
    return _not_a_phone(repr(text))


def country_name(region: str) -> str:
    """A country's name in the active language (CLDR's, through Babel): `Perú` for PE."""
    return _territories(active()).get(region, region)


@functools.cache
def _territories(language: str) -> dict[str, str]:
    from babel import Locale

    return {code: str(name) for code, name in Locale.parse(language).territories.items()}


def _why_invalid(number: PhoneNumber) -> str:
    """`6 digits, too short for Peru` and the like (docs/spec.md section 3)."""
    region = phonenumbers.region_code_for_country_code(number.country_code or 0)
    national = str(number.national_number)
    digits = len(national)
    if number.country_code == 55 and digits == 10 and national[2] in "6789":
        return _(
            "{n} digits: a Brazilian mobile has 9 digits after the area code and the "
            "ninth digit is missing ({guess}?)"
        ).format(n=digits, guess=f"+55 {national[:2]} 9{national[2:6]}-{national[6:]}")
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    general = metadata.general_desc if metadata else None
    lengths = general.possible_length if general else ()
    country = country_name(region)
    if lengths and digits < min(lengths):
        words = ngettext(
            "{n} digit, too short for {country}", "{n} digits, too short for {country}", digits
        )
    elif lengths and digits > max(lengths):
        words = ngettext(
            "{n} digit, too long for {country}", "{n} digits, too long for {country}", digits
        )
    else:
        words = ngettext(
            "{n} digit, not a valid number for {country}",
            "{n} digits, not a valid number for {country}",
            digits,
        )
    return words.format(n=digits, country=country)


def _landline_detail(text: str, number: PhoneNumber) -> str:
    if number.country_code == 54:
        # Argentine mobiles share the landline numbering; only the 9 (or 15) marks them.
        return _(
            "{phone} is a landline; WhatsApp needs a mobile (--allow-landlines keeps it); "
            "an Argentine mobile is written +54 9 {area} {number} or 0{area} 15 {number}"
        ).format(phone=text, area="<" + _("area") + ">", number="<" + _("number") + ">")
    return _("{phone} is a landline; WhatsApp needs a mobile (--allow-landlines keeps it)").format(
        phone=text
    )


# Headers and country names are compared the same way (`Teléfono` = `telefono`).
simplify = fold


def country_flag(country: str | None) -> str | None:
    """`--country` as an ISO code; a name such as `Perú` is accepted too."""
    if not country:
        return None
    region = country_code(country)
    if region is None:
        raise ConfigError(
            _("--country {country}: not a country; use an ISO code such as PE or MX").format(
                country=country
            )
        )
    return region


# `country_code` and `find_country_column` live in countries.py; importable from here too.
__all__ = [
    "Phone", "country_code", "country_flag", "find_country_column",
    "normalise_phone", "simplify", "split_numbers",
]  # fmt: skip
