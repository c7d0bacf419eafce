"""What every generated part shares: where things are, and the words in a page's language."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGE = ROOT / "bulk_sender"
BENCH = ROOT / "docs" / "bench"
COLUMNS = "100"
"""The terminal width the CLI's help is printed at, so the page does not depend on the
machine that generated it."""

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


PLURALS: dict[str, str] = {}
"""An `ngettext` message's plural id -> its singular id, as `literal()` meets them: the docs
list the plural form."""


def _words(lang: str) -> Callable[[str], str]:
    """The package catalog's gettext for `lang` ("en" is the source language)."""
    if lang == "en":
        return lambda message: message
    from bulk_sender.language import language_of, translations

    catalog = translations(language_of(lang) or lang)
    return lambda m: catalog.ngettext(PLURALS[m], m, 2) if m in PLURALS else catalog.gettext(m)


def _pick(lang: str, en: str, es: str, pt: str) -> str:
    """The documentation's own words (not the program's) in the page's language."""
    return {"es": es, "pt": pt}.get(lang, en)
