"""Opt-outs: the phones that asked not to be messaged, across every campaign.

As docs/spec.md section 7 has it.

The list is any file the contacts loader reads (a list of "BAJA" replies exported from
Plazbot works as it is): its phone column is found as for contacts and each number is
normalised with `--country`. `bulk-sender optout add|remove|list` keep it as a plain CSV
with a header, `phone,added_at,note`, that Excel opens; it is written to a temporary file
and moved into place, so a crash or a full disk never leaves half a list.
"""

from __future__ import annotations

import csv
import itertools
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import phonenumbers

from ..contacts.cells import csv_cell
from ..contacts.countries import country_code
from ..contacts.load import Table, open_contacts
from ..contacts.phone_columns import PhoneColumns, detect_phone_columns
from ..contacts.phones import normalise_phone
from ..errors import ConfigError, InputError, system_problem
from ..language import _, ngettext
from ..lifecycle import Move, first
from ..records import Outcome

DEFAULT_PATH = Path("optouts.csv")
ENV_VAR = "BULK_SENDER_OPTOUTS"
HEADER = ("phone", "added_at", "note")
SAMPLE_ROWS = 50


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of the list: its row number, its phone (digits, or '' if none) and its cells."""

    row: int
    digits: str
    values: tuple[Any, ...]
    problem: str = ""


@dataclass(frozen=True, slots=True)
class Listing:
    """An opt-out file as read: its columns and its rows."""

    path: Path
    columns: tuple[str, ...]
    entries: tuple[Entry, ...]
    phone_index: int = 0

    @property
    def unreadable(self) -> list[Entry]:
        """Rows with something in the phone cell that is not a phone."""
        return [e for e in self.entries if e.problem]


@dataclass(frozen=True, slots=True)
class OptOuts:
    """The phones a send must never message, and where they came from."""

    path: Path
    added: dict[str, str] = field(default_factory=dict)
    """Digits -> when they were added ('' when the file does not say)."""
    unreadable: tuple[int, ...] = ()

    def check(self, phone: str) -> Outcome | None:
        """None when the phone may be messaged, else the row's `excluded` outcome."""
        if phone not in self.added:
            return None
        added = self.added[phone]
        detail = (
            _("+{phone} is on {file} (added {when})").format(
                phone=phone, file=self.path, when=added
            )
            if added
            else _("+{phone} is on {file}").format(phone=phone, file=self.path)
        )
        return Outcome(first(Move.EXCLUDED), "opted_out", detail)

    def notices(self) -> list[str]:
        count = len(self.added)
        lines = [
            ngettext(
                "Opt-out list: {file}, {n} phone", "Opt-out list: {file}, {n} phones", count
            ).format(file=self.path, n=count)
        ]
        if self.unreadable:
            rows = ", ".join(str(r) for r in self.unreadable[:10])
            more = "..." if len(self.unreadable) > 10 else ""
            lines.append(
                _(
                    "{file}: rows {rows} hold no valid phone and are not applied (fix them, or "
                    "give --country for numbers without a country code)"
                ).format(file=self.path, rows=rows + more)
            )
        return lines


def find_optouts(path: Path | None) -> Path | None:
    """The list a send reads: the one named (which must exist), else `optouts.csv` if present."""
    if path is None:
        return DEFAULT_PATH if DEFAULT_PATH.is_file() else None
    if not path.is_file():
        raise InputError(
            _("{file}: no such opt-out list (--optouts or {variable})").format(
                file=path, variable=ENV_VAR
            )
        )
    return path


def read_optouts(path: Path, country: str | None) -> OptOuts:
    """The phones on an opt-out list, normalised with `country` where they lack a code."""
    listing = read_listing(path, country)
    added_index = _column(listing.columns, "added_at")
    added: dict[str, str] = {}
    for entry in listing.entries:
        if entry.digits and entry.digits not in added:
            when = entry.values[added_index] if added_index is not None else ""
            added[entry.digits] = str(when or "").strip()
    return OptOuts(path, added, tuple(e.row for e in listing.unreadable))


def read_listing(path: Path, country: str | None) -> Listing:
    """Every row of a list of phones in any format the contacts loader reads."""
    if path.is_file() and path.stat().st_size == 0:
        return Listing(path, HEADER, ())
    table = open_contacts(path)
    phones = _phone_columns(table, country)
    entries = []
    for contact in table.contacts():
        region = country
        if phones.country_index is not None:
            region = country_code(contact.values[phones.country_index]) or region
        phone = phones.pick(contact.values, region, allow_landlines=True).phone
        problem = "" if phone.ok or phone.code == "missing_phone" else phone.detail
        entries.append(Entry(contact.row, phone.digits, contact.values, problem))
    return Listing(path, table.columns, tuple(entries), phones.sources[0].index)


def _phone_columns(table: Table, country: str | None) -> PhoneColumns:
    """The list's phone columns, found as for contacts (there is no --phone-column here)."""
    sample = [c.values for c in itertools.islice(table.contacts(), SAMPLE_ROWS)]
    found = detect_phone_columns(table.columns, sample, country)
    if not found.sources:
        raise InputError(
            _("{file}: no phone column found in this opt-out list; columns: {columns}").format(
                file=table.path, columns=", ".join(table.columns)
            ),
            hint=_("name the column 'phone'"),
        )
    return found


def _column(columns: Sequence[str], name: str) -> int | None:
    lowered = [c.strip().lower() for c in columns]
    return lowered.index(name) if name in lowered else None


# -- keeping the list: `bulk-sender optout add|remove|list` -----------------------------


def parse_phones(texts: Sequence[str], country: str | None) -> list[str]:
    """Phones typed on the command line, as digits; the first bad one stops the command.

    `optout add 952 880 483` without quotes gives three arguments: a piece that is no phone
    on its own is joined with the next ones (up to four) when together they make one.
    """
    found, at = [], 0
    while at < len(texts):
        for width in range(1, min(4, len(texts) - at) + 1):
            phone = normalise_phone(" ".join(texts[at : at + width]), country, allow_landlines=True)
            if phone.ok:
                break
        else:
            phone = normalise_phone(texts[at], country, allow_landlines=True)
            raise ConfigError(
                _("{text}: not a phone number ({problem})").format(
                    text=texts[at], problem=f"{phone.code}: {phone.detail}"
                )
            )
        found.append(phone.digits)
        at += width
    return found


def add_phones(
    path: Path, phones: Sequence[str], *, country: str | None, note: str, now: datetime
) -> tuple[list[str], list[str]]:
    """Add phones (digits) to the list; returns those added and those already on it."""
    listing = _editable(path, country)
    columns = list(listing.columns)
    columns += [name for name in HEADER[1:] if _column(columns, name) is None]
    rows = [_padded(e.values, len(columns)) for e in listing.entries]
    known = {e.digits for e in listing.entries if e.digits}
    added, already = [], []
    for digits in phones:
        if digits in known:
            already.append(digits)
            continue
        known.add(digits)
        added.append(digits)
        row: list[Any] = [""] * len(columns)
        row[listing.phone_index] = f"+{digits}"
        for name, value in (("added_at", f"{now:%Y-%m-%d %H:%M:%S}"), ("note", note)):
            index = _column(columns, name)
            assert index is not None  # added above when missing
            row[index] = value
        rows.append(row)
    if added or not path.exists():
        write_atomically(path, columns, rows)
    return added, already


def remove_phones(
    path: Path, phones: Sequence[str], *, country: str | None
) -> tuple[list[str], list[str]]:
    """Take phones (digits) off the list; returns those removed and those not on it."""
    listing = _editable(path, country)
    wanted = set(phones)
    kept = [_padded(e.values, len(listing.columns)) for e in listing.entries
            if e.digits not in wanted]  # fmt: skip
    on_list = {e.digits for e in listing.entries}
    removed = [p for p in phones if p in on_list]
    if removed:
        write_atomically(path, listing.columns, kept)
    return removed, [p for p in phones if p not in on_list]


def _editable(path: Path, country: str | None) -> Listing:
    if path.suffix.lower() != ".csv":
        raise ConfigError(
            _(
                "{file}: optout add and remove keep a .csv list; name one with --optouts LIST.csv"
            ).format(file=path)
        )
    if not path.exists():
        return Listing(path, HEADER, ())
    return read_listing(path, country)


def _padded(values: Sequence[Any], width: int) -> list[Any]:
    return [*values, *[""] * (width - len(values))]


def write_atomically(path: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write the list as CSV beside its final place, then move it there in one step."""
    temporary = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        # UTF-8 with a BOM, as Excel needs to read accents; `'` before cells like "+51...".
        with open(handle, "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow([csv_cell(c) for c in columns])
            writer.writerows([csv_cell(c) for c in row] for row in rows)
        os.replace(temporary, path)
    except OSError as exc:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        raise InputError(
            _("{file}: cannot write the opt-out list ({problem})").format(
                file=path, problem=system_problem(exc)
            ),
            hint=_("free some space or close it in Excel, then try again; the list is as it was"),
        ) from exc


def shown(digits: str) -> str:
    """A phone as people read it: `+51 987 654 321`."""
    try:
        number = phonenumbers.parse(f"+{digits}")
    except phonenumbers.NumberParseException:
        return f"+{digits}"
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))
