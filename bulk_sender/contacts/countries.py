"""Countries: which column names a row's country, and the ISO code a country cell means.

Exports name the country in the language of whoever typed it: `Perú`, `Peru`, `Brasil`,
`United States`, `PE`, `PER`, `+51`. Names come from CLDR through Babel (Spanish, Portuguese
and English), compared without case or accents; three-letter codes from CLDR's aliases.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import phonenumbers

# Header words that name a country column ("País", "Country/Region", "billing_country").
COUNTRY_WORDS = ("country", "pais", "nation")
# Whole headers that do too.
COUNTRY_NAMES = ("iso", "cc", "country_code", "codigo_pais", "cod_pais")
# Which of several country columns describes the customer: the plain one, then the address,
# then billing, shipping and work ones (Outlook has Home and Business Country/Region).
_QUALIFIERS = (
    (),
    ("home", "mailing", "address", "default", "residencia", "domicilio", "endereco", "direccion"),
    ("billing", "facturacion", "cobranca", "faturamento"),
    ("shipping", "envio", "entrega", "despacho"),
    ("business", "work", "company", "empresa", "trabajo", "oficina", "other", "otro", "outro"),
)
# Short forms people type that CLDR does not list as names.
_ABBREVIATIONS = {"eeuu": "US", "eeuu_": "US", "ee_uu": "US", "usa": "US", "eua": "US",
                  "uk": "GB", "rd": "DO", "rep_dominicana": "DO"}  # fmt: skip
# "Estado/País" holds "Lima / Perú", "SP - Brasil": the country is one of the parts.
_PARTS = re.compile(r"\s*[/,|;()]\s*|\s+-\s+")


def fold(text: str) -> str:
    """Text compared loosely: lower case, no accents, `_` for anything else."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")


@functools.cache
def _names() -> dict[str, str]:
    """Every country name CLDR knows in Spanish, Portuguese and English, folded, to its code."""
    from babel import Locale
    from babel.core import get_global

    names: dict[str, str] = {}
    for language in ("es", "pt", "en"):
        for code, name in Locale(language).territories.items():
            if code in phonenumbers.SUPPORTED_REGIONS:
                names.setdefault(fold(name), code)
    for alias, codes in get_global("territory_aliases").items():  # PER -> PE, MEX -> MX
        one = codes[0] if len(codes) == 1 else ""
        if len(alias) == 3 and alias.isalpha() and one in phonenumbers.SUPPORTED_REGIONS:
            names.setdefault(alias.lower(), one)
    return names | _ABBREVIATIONS


def country_code(value: Any) -> str | None:
    """An ISO 3166 alpha-2 code from a country cell: `PE`, `pe`, `Perú`, `PER`, `+51`."""
    return _country_of(str(value if value is not None else ""))


@functools.lru_cache(maxsize=4096)  # a list names a handful of countries, row after row
def _country_of(text: str) -> str | None:
    text = text.strip().lstrip("'")
    found = _code_of(text)
    if found is None and _PARTS.search(text):
        parts = [p for p in _PARTS.split(text) if p]
        found = next((c for p in reversed(parts) if (c := _code_of(p))), None)
    return found


def _code_of(text: str) -> str | None:
    folded = fold(text)
    if len(folded) == 2 and folded.upper() in phonenumbers.SUPPORTED_REGIONS:
        return folded.upper()
    digits = text.lstrip("+ ")
    if digits.isdigit() and len(digits) <= 3:
        region = phonenumbers.region_code_for_country_code(int(digits))
        return region if region in phonenumbers.SUPPORTED_REGIONS else None
    return _names().get(folded)


def country_columns(columns: Sequence[str]) -> list[str]:
    """The columns that may name the country, the surest first."""
    ranked = [(rank, i) for i, name in enumerate(columns) if (rank := _rank(name)) is not None]
    return [columns[i] for _, i in sorted(ranked)]


def _rank(name: str) -> int | None:
    folded = fold(re.sub(r"([a-z])([A-Z])", r"\1_\2", name))  # MailingCountryCode
    words = folded.split("_")
    if folded not in COUNTRY_NAMES and not any(w in words for w in COUNTRY_WORDS):
        return None
    if "phone" in words or "telefono" in words:
        return None  # "Phone country code" is read with the phone itself
    return next((i for i, q in enumerate(_QUALIFIERS) if any(w in words for w in q)), 0)


def find_country_column(columns: Sequence[str], sample: Sequence[Sequence[Any]] = ()) -> str | None:
    """The column whose cells give each row's country: the surest that names one in `sample`."""
    for name in country_columns(columns):
        index = list(columns).index(name)
        cells = [row[index] for row in sample if index < len(row) and str(row[index]).strip()]
        if not cells or any(country_code(c) for c in cells):
            return name
    return None
