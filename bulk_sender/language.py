"""Language: which of Spanish, Brazilian Portuguese and English a person reads (docs/spec.md
section 11), and the catalog of the words in it.

The language is `--lang`, else `BULK_SENDER_LANG`, else the system's (`LC_ALL`,
`LC_MESSAGES`, `LANG`), else English. The catalogs are gettext `.po` files kept in the
package (`bulk_sender/locale/<lang>/LC_MESSAGES/messages.po`), compiled in memory through
Babel at first use, so neither users nor the wheel need a build step. English is the source
language: its words are the message ids themselves. Plurals go through `ngettext`, with each
language's own plural rule from its catalog.
"""

from __future__ import annotations

import functools
import gettext
import io
from collections.abc import Mapping
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES = ("es", "pt_BR", "en")
ENV_VAR = "BULK_SENDER_LANG"
DEFAULT = "en"
SYSTEM_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")


def language_of(tag: str | None) -> str | None:
    """One of `LANGUAGES` for a locale or language tag (`es_PE.UTF-8`, `pt`, `en-US`)."""
    if not tag:
        return None
    base = tag.split(".")[0].split("@")[0].replace("-", "_").lower()
    if base.startswith("es"):
        return "es"
    if base.startswith("pt"):
        return "pt_BR"
    if base.startswith("en"):
        return "en"
    return None


def choose_language(flag: str | None, env: Mapping[str, str]) -> str:
    """`--lang`, else `BULK_SENDER_LANG`, else the system locale, else English."""
    for tag in (flag, env.get(ENV_VAR), *(env.get(name) for name in SYSTEM_VARS)):
        if tag and tag not in ("C", "POSIX"):
            return language_of(tag) or DEFAULT
    return DEFAULT


def translations(language: str) -> gettext.NullTranslations:
    """The package's catalog of `language`; English is the source and needs none."""
    return catalog(__package__, language)


@functools.cache
def catalog(package: str, language: str) -> gettext.NullTranslations:
    """`package`'s `locale/<language>/LC_MESSAGES/messages.po`, compiled in memory once; none
    (the source words) when it has no such catalog. The page keeps its own (`ui/i18n.py`)."""
    po = resources.files(package).joinpath("locale", language, "LC_MESSAGES", "messages.po")
    if not po.is_file():
        return NullTranslations()
    with po.open("rb") as f:
        read = read_po(f, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, read)
    compiled.seek(0)
    return Translations(compiled)


def N_(message: str) -> str:
    """Mark a message for the catalog; it is translated where it is shown."""
    return message
