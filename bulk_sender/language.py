"""Language: which of Spanish, Brazilian Portuguese and English a person reads (docs/spec.md
section 11), and the one catalog of the words in it.

The language is `--lang`, else `BULK_SENDER_LANG`, else the system's (`LC_ALL`,
`LC_MESSAGES`, `LANG`; the user locale on Windows), else English. The catalog is gettext `.po`
files kept in the package (`bulk_sender/locale/<lang>/LC_MESSAGES/messages.po`), compiled in
memory through Babel at first use, so neither users nor the wheel need a build step. English
is the source language: its words are the message ids themselves. Plurals go through
`ngettext`, with each language's own plural rule from its catalog.

Everything a person reads goes through `_()` or `ngettext()` where it is worded, in the
*active* language: the front end's choice, set for a piece of work with `use_language()`
(context-local, like Django's `translation.override`, so the page can serve a Spanish and a
Portuguese browser at once); when none is set, the environment's. `N_()` marks words that are
translated later, where they are shown. `python tools/catalog.py` extracts, updates and checks
the catalog (CI fails on a message without its translation).
"""

from __future__ import annotations

import contextlib
import functools
import gettext
import io
import os
import sys
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from datetime import datetime
from importlib import resources

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES = ("es", "pt_BR", "en")
ENV_VAR = "BULK_SENDER_LANG"
DEFAULT = "en"
SYSTEM_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")


_NAMES = {"es": "es", "spanish": "es", "pt": "pt_BR", "portuguese": "pt_BR", "en": "en",
          "english": "en"}  # fmt: skip


def language_of(tag: str | None) -> str | None:
    """One of `LANGUAGES` for a locale or language tag (`es_PE.UTF-8`, `pt`, `en-US`,
    Windows' `Spanish_Peru`)."""
    if not tag:
        return None
    base = tag.split(".")[0].split("@")[0].replace("-", "_").lower()
    return _NAMES.get(base.split("_")[0])


def choose_language(flag: str | None, env: Mapping[str, str]) -> str:
    """`--lang`, else `BULK_SENDER_LANG`, else the system locale, else English."""
    system = [env.get(name) for name in SYSTEM_VARS]
    for tag in (flag, env.get(ENV_VAR), *system, _windows_user_locale()):
        if tag and tag not in ("C", "POSIX"):
            return language_of(tag) or DEFAULT
    return DEFAULT


def _windows_user_locale() -> str | None:
    """The Windows user's locale name (`es-PE`), which sets no environment variable."""
    if sys.platform != "win32":
        return None
    import ctypes

    name = ctypes.create_unicode_buffer(85)
    kernel32 = ctypes.windll.kernel32  # mypy checks this only for Windows (sys.platform)
    return name.value if kernel32.GetUserDefaultLocaleName(name, 85) else None


_active: ContextVar[str | None] = ContextVar("bulk_sender_language", default=None)


def active() -> str:
    """The language words are put in now: `use_language()`'s, else the environment's."""
    env = os.environ
    return _active.get() or _from_environment(
        env.get(ENV_VAR), *(env.get(name) for name in SYSTEM_VARS)
    )


@functools.cache
def _from_environment(*tags: str | None) -> str:
    names = (ENV_VAR, *SYSTEM_VARS)
    return choose_language(None, {n: t for n, t in zip(names, tags, strict=True) if t is not None})


@contextlib.contextmanager
def use_language(language: str) -> Iterator[None]:
    """Word everything in `language` (one of `LANGUAGES`) within this block."""
    token = _active.set(language)
    try:
        yield
    finally:
        _active.reset(token)


def set_language(language: str) -> None:
    """Word everything in `language` from now on, in this context: a front end's start."""
    _active.set(language)


def _(message: str) -> str:
    """`message` in the active language."""
    return translations(active()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or a plural form, by the active language's rule for `n`."""
    return translations(active()).ngettext(singular, plural, n)


@functools.cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalog of `language` (`locale/<language>/LC_MESSAGES/messages.po`), compiled in
    memory once; English is the source and needs none."""
    po = resources.files(__package__).joinpath("locale", language, "LC_MESSAGES", "messages.po")
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


def babel_locale(language: str | None = None) -> str:
    """The Babel (CLDR) locale numbers and dates are written in, for one of `LANGUAGES`:
    the system's own when it speaks that language (`es_PE` writes 1,234.5, `es_AR` 1.234,5),
    else the language's (`es`, `pt_BR`, `en`)."""
    language = language or active()
    return _regional(language, _system_tag(os.environ)) or language


def _system_tag(env: Mapping[str, str]) -> str | None:
    for tag in (*(env.get(name) for name in SYSTEM_VARS), _windows_user_locale()):
        if tag and tag not in ("C", "POSIX"):
            return tag
    return None


@functools.cache
def _regional(language: str, tag: str | None) -> str | None:
    """`tag` as a Babel locale, when it is a region of `language`."""
    if not tag or language_of(tag) != language:
        return None
    name = tag.split(".")[0].split("@")[0].replace("-", "_")
    try:
        Locale.parse(name)
    except (ValueError, UnknownLocaleError):
        return None
    return name


def shown_number(value: float, digits: int = 1) -> str:
    """`20.4` or `20,4`: a figure as the user's locale writes it, with `digits` decimals."""
    from babel import numbers

    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return numbers.format_decimal(value, pattern, locale=babel_locale())


def shown_datetime(
    when: datetime, *, seconds: bool = False, date: bool = True, own_zone: bool = False
) -> str:
    """A moment in this computer's time, as a person of the active language reads it.

    Spanish and Portuguese as Babel formats them for the locale (`3 dic 2026, 9:05`); English
    keeps the project's 24-hour `2026-12-03 09:05`, which its users and scripts already read.
    In this computer's time zone, or with `own_zone` in `when`'s own (a customer's).
    """
    from babel import dates

    local = when if own_zone and when.tzinfo else when.astimezone()
    language = active()
    if language == "en":
        return local.strftime(("%Y-%m-%d " if date else "") + ("%H:%M:%S" if seconds else "%H:%M"))
    locale = babel_locale(language)
    time = dates.format_time(local, "medium" if seconds else "short", tzinfo=local.tzinfo,
                             locale=locale)  # fmt: skip
    if not date:
        return time
    day = dates.format_date(local, "medium", locale=locale)
    pattern = str(dates.get_datetime_format("medium", locale=locale))
    return pattern.replace("{1}", day).replace("{0}", time)
