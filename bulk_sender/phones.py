"""Phones: find the phone column, and normalise each phone to the digits the API takes.

The API wants E.164 without the `+` (`51987654321`). Parsing uses Google's libphonenumber
port, `phonenumbers`, with the user's `--country` as the default region.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

# Header names that mean "phone", in English, Spanish and Portuguese, compared without
# accents, case or punctuation. Earlier names win when several columns match.
PHONE_HEADERS = (
    "whatsapp", "wa", "celular", "movil", "mobile", "cell", "cellphone", "cel",
    "telefono", "telefone", "phone", "fone", "tel", "numero", "number", "msisdn",
)  # fmt: skip
COUNTRY_HEADERS = ("country", "pais", "country_code", "codigo_pais", "iso")
_SCIENTIFIC = re.compile(r"^\s*\d+(?:[.,]\d+)?[eE]\+?\d+\s*$")
_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


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
    """Digits with country code for a phone cell as typed or stored, or the reason it is not."""
    text = _cell_text(raw)
    if text is None:
        return Phone(code="invalid_phone", detail=f"{raw!r} is not a whole number")
    return _normalise_text(text, (region or "").upper() or None, allow_landlines)


@functools.lru_cache(maxsize=65536)
def _normalise_text(text: str, region: str | None, allow_landlines: bool) -> Phone:
    if not text.strip():
        return Phone(code="missing_phone", detail="the phone cell is empty")
    if _SCIENTIFIC.match(text):
        return Phone(
            code="digits_lost",
            detail=f"{text.strip()} is in scientific notation: Excel lost the last digits",
        )
    if not re.search(r"\d", text):
        return Phone(code="invalid_phone", detail=f"{text.strip()!r} has no digits")
    text = text.strip()
    if text.startswith("00"):
        text = "+" + text[2:]  # the international prefix most of Latin America dials
    international = text.startswith("+")
    if not international and region is None:
        return Phone(
            code="no_country",
            detail=f"{text.strip()} has no country code and no --country was given",
        )
    try:
        number = phonenumbers.parse(text, None if international else region)
    except NumberParseException as exc:
        return Phone(code="invalid_phone", detail=f"{text.strip()}: {exc._msg}")
    number = _rescue_mexican_mobile(number)
    if not phonenumbers.is_valid_number(number):
        return Phone(code="invalid_phone", detail=_why_invalid(text.strip(), number))
    if not allow_landlines and phonenumbers.number_type(number) not in _MOBILE_TYPES:
        return Phone(
            code="landline",
            detail=f"{text.strip()} is not a mobile number; WhatsApp needs a mobile",
        )
    return Phone(digits=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:])


def _cell_text(raw: Any) -> str | None:
    """Phones stored as numbers come as int or float (51987654321.0); convert them exactly."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else None
    return str(raw)


def _rescue_mexican_mobile(number: phonenumbers.PhoneNumber) -> phonenumbers.PhoneNumber:
    """Mexico dropped the `1` after +52 for mobiles in 2019; old lists still carry it."""
    national = str(number.national_number)
    if number.country_code == 52 and len(national) == 11 and national.startswith("1"):
        return phonenumbers.PhoneNumber(country_code=52, national_number=int(national[1:]))
    return number


def _why_invalid(text: str, number: phonenumbers.PhoneNumber) -> str:
    region = phonenumbers.region_code_for_country_code(number.country_code or 0)
    digits = len(str(number.national_number))
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == phonenumbers.ValidationResult.TOO_SHORT:
        return f"{text}: {digits} digits, too short for {region}"
    if reason == phonenumbers.ValidationResult.TOO_LONG:
        return f"{text}: {digits} digits, too long for {region}"
    return f"{text} is not a valid number for {region}"


def simplify(name: str) -> str:
    """A header name compared loosely: lower case, no accents, `_` for other characters."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")


def find_phone_column(columns: Sequence[str], sample: Sequence[Sequence[Any]] = ()) -> str | None:
    """The column that holds phones: by header name, else the one whose cells look like phones."""
    simple = [simplify(c) for c in columns]
    for wanted in PHONE_HEADERS:
        for name, plain in zip(columns, simple, strict=True):
            if wanted in plain.split("_"):
                return name
    best, best_share = None, 0.0
    for index, name in enumerate(columns):
        cells = [row[index] for row in sample if index < len(row) and str(row[index]).strip()]
        if not cells:
            continue
        share = sum(_looks_like_phone(c) for c in cells) / len(cells)
        if share > best_share:
            best, best_share = name, share
    return best if best_share >= 0.6 else None


def find_country_column(columns: Sequence[str]) -> str | None:
    """A `country`/`pais` column whose values override `--country` row by row."""
    for name in columns:
        if simplify(name) in COUNTRY_HEADERS:
            return name
    return None


def _looks_like_phone(cell: Any) -> bool:
    digits = re.sub(r"\D", "", str(cell))
    return 7 <= len(digits) <= 15 and not re.search(r"[A-Za-z]", str(cell))


# Country names as Latin-American CRMs write them, in Spanish, English and Portuguese.
_COUNTRY_NAMES = {
    "argentina": "AR", "bolivia": "BO", "brasil": "BR", "brazil": "BR", "chile": "CL",
    "colombia": "CO", "costa_rica": "CR", "cuba": "CU", "ecuador": "EC", "el_salvador": "SV",
    "espana": "ES", "spain": "ES", "estados_unidos": "US", "eeuu": "US", "usa": "US",
    "united_states": "US", "guatemala": "GT", "honduras": "HN", "mexico": "MX",
    "nicaragua": "NI", "panama": "PA", "paraguay": "PY", "peru": "PE", "portugal": "PT",
    "puerto_rico": "PR", "republica_dominicana": "DO", "dominican_republic": "DO",
    "uruguay": "UY", "venezuela": "VE", "canada": "CA",
}  # fmt: skip


def country_code(value: Any) -> str | None:
    """An ISO 3166 alpha-2 code from a country cell: `PE`, `pe`, `Perú`, `Peru`."""
    text = simplify(str(value or ""))
    if len(text) == 2 and text.upper() in phonenumbers.SUPPORTED_REGIONS:
        return text.upper()
    return _COUNTRY_NAMES.get(text)
