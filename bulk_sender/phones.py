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
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberType

from .errors import ConfigError

# Header words that mean "phone", in English, Spanish and Portuguese, compared without
# accents, case or punctuation. Earlier words win when several columns match.
PHONE_WORDS = (
    "whatsapp", "whats", "wsp", "wpp", "zap", "celular", "movil", "telemovel", "mobile",
    "cellphone", "cell", "cel", "telefono", "telefone", "phone", "fone", "tel", "msisdn",
)  # fmt: skip
# Words only a whole header means a phone by: "Número de pedido" is an order number.
PHONE_NAMES = ("numero", "number", "nro", "contacto", "contato", "wa")
# A column that says it is a landline or a fax comes after any other phone column.
NOT_MOBILE_WORDS = ("fijo", "landline", "fax", "casa", "home", "oficina", "office", "trabajo")
COUNTRY_HEADERS = ("country", "pais", "country_code", "codigo_pais", "cod_pais", "iso", "nation")
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
    """Digits with country code for a phone cell as typed or stored, or the reason it is not."""
    text = _cell_text(raw)
    if text is None:
        return Phone(code="invalid_phone", detail=f"{raw!r} is not a phone number")
    return _normalise_text(text.strip(), (region or "").upper() or None, allow_landlines)


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


# Lists repeat phones (one customer, several orders), so each distinct text is parsed once.
@functools.lru_cache(maxsize=65536)
def _normalise_text(text: str, region: str | None, allow_landlines: bool) -> Phone:
    if not text:
        return Phone(code="missing_phone", detail="the phone cell is empty")
    if _SCIENTIFIC.match(text):
        return Phone(
            code="digits_lost",
            detail=f"{text} is in scientific notation: Excel lost the last digits",
        )
    if not re.search(r"\d", text):
        return Phone(code="invalid_phone", detail=f"{text!r} is not a phone number")
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
            code="no_country", detail=f"{text} has no country code and no --country was given"
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


def _parse_failure(text: str, exc: NumberParseException) -> str:
    if exc.error_type == NumberParseException.INVALID_COUNTRY_CODE:
        return f"{text}: unknown country code"
    if exc.error_type in (
        NumberParseException.TOO_SHORT_NSN,
        NumberParseException.TOO_SHORT_AFTER_IDD,
    ):
        return f"{text}: too short to be a phone number"
    if exc.error_type == NumberParseException.TOO_LONG:
        return f"{text}: too long to be a phone number"
    return f"{text!r} is not a phone number"


def _why_invalid(number: PhoneNumber) -> str:
    """`6 digits, too short for PE` and the like (SPEC section 3)."""
    region = phonenumbers.region_code_for_country_code(number.country_code or 0)
    national = str(number.national_number)
    digits = len(national)
    if number.country_code == 55 and digits == 10 and national[2] in "6789":
        return (
            f"{digits} digits: a Brazilian mobile has 9 digits after the area code and the "
            f"ninth digit is missing (+55 {national[:2]} 9{national[2:6]}-{national[6:]}?)"
        )
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    general = metadata.general_desc if metadata else None
    lengths = general.possible_length if general else ()
    if lengths and digits < min(lengths):
        return f"{digits} digits, too short for {region}"
    if lengths and digits > max(lengths):
        return f"{digits} digits, too long for {region}"
    return f"{digits} digits, not a valid number for {region}"


def _landline_detail(text: str, number: PhoneNumber) -> str:
    detail = f"{text} is a landline; WhatsApp needs a mobile (--allow-landlines keeps it)"
    if number.country_code == 54:
        # Argentine mobiles share the landline numbering; only the 9 (or 15) marks them.
        detail += "; an Argentine mobile is written +54 9 <area> <number> or 0<area> 15 <number>"
    return detail


def simplify(name: str) -> str:
    """A header name compared loosely: lower case, no accents, `_` for other characters."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")


def find_phone_column(
    columns: Sequence[str], sample: Sequence[Sequence[Any]] = (), region: str | None = None
) -> str | None:
    """The column that holds phones: by header name, else the one whose cells are phones."""
    named = [(rank, i) for i, name in enumerate(columns) if (rank := _header_rank(name))]
    if named:
        return columns[min(named)[1]]
    best, best_share = None, 0.0
    for index, name in enumerate(columns):
        cells = [row[index] for row in sample if index < len(row) and str(row[index]).strip()]
        if cells:
            share = sum(_is_phone(c, region) for c in cells) / len(cells)
            if share > best_share:
                best, best_share = name, share
    return best if best_share >= 0.6 else None


def _header_rank(name: str) -> tuple[bool, int] | None:
    """How surely a header names the phone column (lower is surer), or None if it does not."""
    plain = simplify(name)
    words = plain.split("_")
    demoted = any(w in words for w in NOT_MOBILE_WORDS)
    for rank, wanted in enumerate(PHONE_WORDS):
        if wanted in words:
            return demoted, rank
    if plain in PHONE_NAMES:
        return demoted, len(PHONE_WORDS)
    return None


def _is_phone(cell: Any, region: str | None) -> bool:
    """A cell that is a mobile number: an id or document number is not, nor mostly a landline."""
    return normalise_phone(cell, region).ok


def find_country_column(columns: Sequence[str]) -> str | None:
    """A `country`/`pais` column whose values override `--country` row by row."""
    for name in columns:
        if simplify(name) in COUNTRY_HEADERS:
            return name
    return None


# Country names as Latin-American CRMs write them, in Spanish, English and Portuguese.
_COUNTRY_NAMES = {
    "argentina": "AR", "bolivia": "BO", "brasil": "BR", "brazil": "BR", "chile": "CL",
    "colombia": "CO", "costa_rica": "CR", "cuba": "CU", "ecuador": "EC", "el_salvador": "SV",
    "espana": "ES", "spain": "ES", "estados_unidos": "US", "eeuu": "US", "ee_uu": "US",
    "usa": "US", "united_states": "US", "guatemala": "GT", "honduras": "HN", "mexico": "MX",
    "nicaragua": "NI", "panama": "PA", "paraguay": "PY", "peru": "PE", "portugal": "PT",
    "puerto_rico": "PR", "republica_dominicana": "DO", "dominican_republic": "DO",
    "uruguay": "UY", "venezuela": "VE", "canada": "CA", "italia": "IT", "italy": "IT",
    "francia": "FR", "france": "FR", "alemania": "DE", "germany": "DE",
    "reino_unido": "GB", "united_kingdom": "GB", "uk": "GB",
}  # fmt: skip


def country_code(value: Any) -> str | None:
    """An ISO 3166 alpha-2 code from a country cell: `PE`, `pe`, `Perú`, `Peru`, `+51`."""
    text = simplify(str(value if value is not None else ""))
    if len(text) == 2 and text.upper() in phonenumbers.SUPPORTED_REGIONS:
        return text.upper()
    if text.isdigit():
        region = phonenumbers.region_code_for_country_code(int(text))
        return region if region in phonenumbers.SUPPORTED_REGIONS else None
    return _COUNTRY_NAMES.get(text)


def country_flag(country: str | None) -> str | None:
    """`--country` as an ISO code; a name such as `Perú` is accepted too."""
    if not country:
        return None
    region = country_code(country)
    if region is None:
        raise ConfigError(f"--country {country}: not a country; use an ISO code such as PE or MX")
    return region
