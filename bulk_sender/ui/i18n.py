"""The page's language: Spanish, Brazilian Portuguese or English (docs/spec.md section 11).

The user's switch on the page (a cookie), else the browser's `Accept-Language` (by q-value),
else the language `bulk-sender ui` was started in (`--lang`, `BULK_SENDER_LANG`, the system
locale), else English. Every request is worded in its language (`use_language`), so the
library's errors and a run's words come out in the page's. The messages are in the package's
one catalog (`bulk_sender/language.py`, kept with `python tools/catalog.py`).
"""

from __future__ import annotations

from babel import Locale

from .. import language

COOKIE = "bulk_sender_lang"
"""The switch's cookie: one of `language.LANGUAGES`. Not per port, unlike the token."""
NAMES = {"es": "Español", "pt_BR": "Português (Brasil)", "en": "English"}
"""Each language by its own name, as a language switch shows it."""
GETTEXT_ORDER = ("zero", "one", "two", "few", "many", "other")
COUNTRIES = ("PE", "MX", "CO", "CL", "AR", "EC", "BO", "BR", "UY", "PY", "VE", "GT", "CR", "PA",
             "DO", "ES", "US")  # fmt: skip
"""The countries the page suggests for phones without a code, the region's first."""


def page_language(
    switch: str | None, accept_language: str | None, default: str | None = None
) -> str:
    """The switch's language, else the browser's first (by q-value) the page speaks (es*,
    pt* as pt_BR, en*), else `default` (the process's), else English."""
    if switch in language.LANGUAGES:
        return switch
    for tag in browser_languages(accept_language):
        found = language.language_of(tag)
        if found:
            return found
    return default if default in language.LANGUAGES else language.DEFAULT


def browser_languages(accept_language: str | None) -> list[str]:
    """The tags of an `Accept-Language` header, most wanted first; q=0 ones left out."""
    wanted: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, __, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, __, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        tag = tag.strip()
        if tag and tag != "*" and quality > 0:
            wanted.append((-quality, position, tag))
    return [tag for __, __, tag in sorted(wanted)]


def html_tag(language_code: str) -> str:
    """The BCP 47 tag a browser reads (`pt-BR`), for `<html lang>` and `Intl.PluralRules`."""
    return language_code.replace("_", "-")


def plural_categories(language_code: str) -> list[str]:
    """The CLDR plural categories of `language`, in the order of its catalog's plural forms
    (gettext's: zero, one, two, few, many, other; only the language's own)."""
    tags = Locale.parse(language_code).plural_form.tags
    return [tag for tag in GETTEXT_ORDER if tag in tags or tag == "other"]


def country_names(language_code: str) -> list[tuple[str, str]]:
    """The suggested countries, each with its name in `language` (CLDR's, through Babel)."""
    territories = Locale.parse(language_code).territories
    return [(code, territories.get(code, code)) for code in COUNTRIES]
