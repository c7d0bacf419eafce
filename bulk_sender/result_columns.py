"""The report's `result_*` columns: their machine names, their titles, and reading them back.

A report shows each result column under a title in the user's language ("Estado", "Status");
the machine name (`result_status`) is the stable name behind it that scripts use (a workbook's
defined names, a CSV report's summary: `report/layout.py`). A report fed back as the contacts
file (docs/spec.md section 5) may have been written in any of the three languages, or by an
older version with the machine names as titles: `recognise_header` finds its result columns
and `status_of` reads its status words, in any language, from the catalogs themselves (the
words the report was written with), so a Brazilian colleague can resume a campaign a Peruvian
colleague started. `contacts/load.py` sets those columns aside; `report/` writes them.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping, Sequence

from .language import LANGUAGES, N_, _, translations
from .lifecycle import REPORTED, Status

RESULT_PREFIX = "result_"
TITLES = {
    "result_row": N_("Row"),
    "result_status": N_("Status"),
    "result_detail": N_("Detail"),
    "result_phone": N_("Phone used"),
    "result_message": N_("Message"),
    "result_attempts": N_("Attempts"),
    "result_http_status": N_("HTTP code"),
    "result_message_id": N_("Message id"),
    "result_whatsapp_id": N_("WhatsApp id"),
    "result_sent_at": N_("Sent at"),
    "result_reply": N_("Reply"),
    "result_replied_at": N_("Replied at"),
}
"""Each result column's machine name and its title (translated where written), in order."""
RESULT_COLUMNS = tuple(TITLES)
RESULTS_SHEET = N_("results")
SUMMARY_SHEET = N_("summary")
MIN_TITLES = 4
"""Titles recognised before a header is taken for a report's: its status and three more, so
a contacts file's own "Estado" (a state) or "Mensaje" column stays the user's."""


def title(name: str) -> str:
    """A result column's title in the active language."""
    return _(TITLES[name])


def results_sheet_name(number: int = 1, *, language: str | None = None) -> str:
    """The results sheet's name (`resultados`), then `resultados 2`, past Excel's row limit."""
    base = translations(language).gettext(RESULTS_SHEET) if language else _(RESULTS_SHEET)
    return base if number == 1 else f"{base} {number}"


def summary_sheet_name() -> str:
    return _(SUMMARY_SHEET)


def results_sheet_names() -> frozenset[str]:
    """The results sheet's name in every language (a report fed back may be in any)."""
    return frozenset(results_sheet_name(language=language) for language in LANGUAGES)


def continuation_sheets(names: Sequence[str], sheet: str) -> list[str]:
    """The sheets a report's results go on in past Excel's row limit (`resultados 2`...)."""
    if sheet not in results_sheet_names():
        return []
    found: list[str] = []
    while f"{sheet} {len(found) + 2}" in names:
        found.append(f"{sheet} {len(found) + 2}")
    return found


def recognise_header(header: Sequence[str]) -> dict[int, str]:
    """The positions of a report's result columns in `header`, with their machine names.

    A `result_*` name is always one (reports of older versions, scripts' own). A title in
    any language counts only when the header holds a report's block of them (`MIN_TITLES`),
    and for a title the header repeats, the last one is the report's (its columns come last).
    """
    found: dict[int, str] = {}
    by_title: dict[str, int] = {}
    titles = _titles()
    for position, cell in enumerate(header):
        text = " ".join(str(cell).split())
        if text.lower().startswith(RESULT_PREFIX):
            found[position] = text.lower() if text.lower() in TITLES else text
        elif (name := titles.get(_folded(text))) is not None:
            by_title[name] = position  # the last one wins
    taken = {name for name in by_title if name not in found.values()}
    if "result_status" in taken and len(taken) >= MIN_TITLES:
        found.update({by_title[name]: name for name in taken})
    return dict(sorted(found.items()))


def status_of(word: object) -> Status | None:
    """The status a report's status cell says, in any language or as its machine name."""
    return _status_words().get(_folded(str(word or "")))


def machine_statuses(previous: Mapping[str, object]) -> dict[str, object]:
    """A fed-back row's result cells with its status as the machine name (`sent`)."""
    status = status_of(previous.get("result_status"))
    return {**previous, "result_status": status.value} if status else dict(previous)


def _folded(text: str) -> str:
    """Case, accents and spacing aside: "Teléfono  usado" is "telefono usado"."""
    decomposed = unicodedata.normalize("NFKD", " ".join(text.split()).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.cache
def _titles() -> dict[str, str]:
    """Every language's title of every result column, folded, to its machine name."""
    return {
        _folded(translations(language).gettext(words)): name
        for language in LANGUAGES
        for name, words in TITLES.items()
    }


@functools.cache
def _status_words() -> dict[str, Status]:
    """Every language's word for every status a report shows, folded; and the names."""
    words: dict[str, Status] = {_folded(status.value): status for status in REPORTED}
    for language in LANGUAGES:
        gettext = translations(language).gettext
        for status in REPORTED:
            words.setdefault(_folded(gettext(status.value)), status)
    return words
