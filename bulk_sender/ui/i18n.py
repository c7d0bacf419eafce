"""The page's languages: Spanish by default, English when the browser prefers it.

Its messages are in the package's one catalog (`bulk_sender/language.py`, kept with
`python tools/catalog.py`).
"""

from __future__ import annotations

import gettext

from .. import language

DEFAULT_LANGUAGE = "es"
LANGUAGES = ("es", "en")
"""English is the catalogs' source language: its messages are the msgids themselves."""


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


def choose_language(accept_language: str | None) -> str:
    """The first of the browser's languages (by q-value) that the page speaks, else Spanish."""
    wanted: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        language = tag.strip().lower().replace("_", "-").split("-")[0]
        if language and quality > 0:
            wanted.append((-quality, position, language))
    for _, _, language in sorted(wanted):
        if language in LANGUAGES:
            return language
    return DEFAULT_LANGUAGE


def translations(language_code: str) -> gettext.NullTranslations:
    """The page's compiled catalog of `language`; English is the source and needs none."""
    return language.translations(language_code)
