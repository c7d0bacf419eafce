"""Phone columns: which columns hold a customer's phone, in which order, and each row's pick.

CRM and shop exports have several phone columns (mobile, home, work, fax, billing,
shipping) or label/value pairs (Google Contacts' `Phone 1 - Label` / `Phone 1 - Value`).
They are ranked by their header words, in Spanish, Portuguese and English: the customer's
own WhatsApp or mobile first, then other personal numbers, then work, home, address, billing
and shipping numbers, then the company's main line. Columns holding another person's number
(an assistant's, a spouse's, a parent's, an emergency contact's) and faxes are never used, not
even as a fallback: they are "left out", and the preview says so. What is plainly not a phone
is never a phone column. Each row takes the first cell holding a valid mobile, trying a pair's
value with a mobile label first. The words themselves are in `column_words.py`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..language import N_, _, ngettext
from .column_words import (
    FAX,
    GENERIC_NAMES,
    LABEL,
    MOBILE,
    NEVER,
    OTHER_PERSON,
    PAIR_FILLER,
    PHONE,
    SECONDARY,
    TIERS,
    WHATSAPP,
)
from .countries import find_country_column, fold
from .phones import MIN_DIGITS, Phone, normalise_phone

if TYPE_CHECKING:
    from .load import Table

SAMPLE_ROWS = 50
_CONTENT_SHARE = 0.6
"""Share of a column's cells that must be mobiles for it to count as a phone column unnamed."""

Rank = tuple[int, int, bool]
"""(whose number: 0 the customer's own .. 5 shipping, 6 the company's main line; kind: 0 WhatsApp,
1 mobile, 2 phone, 3 a generic name; another of the same kind) -- lower is surer."""


def _words(name: str) -> list[str]:
    return fold(re.sub(r"([a-z])([A-Z])", r"\1_\2", name)).split("_")  # MobilePhone too


def header_rank(name: str) -> Rank | None:
    """How surely a header names the customer's phone, or None if it names none."""
    words = _words(name)
    if any(w in NEVER or w in LABEL or w in FAX or w in OTHER_PERSON for w in words):
        return None
    if any(w in WHATSAPP for w in words):
        kind = 0
    elif any(w in MOBILE for w in words):
        kind = 1
    elif any(w in PHONE for w in words):
        kind = 2
    elif "_".join(words) in GENERIC_NAMES:
        kind = 3
    else:
        return None
    return _tier(words), kind, any(w in SECONDARY for w in words)


def label_rank(label: Any) -> Rank | None:
    """The rank a label cell gives its number (`Mobile`, `* Work`, `Celular`); None for a fax."""
    words = _words(str(label))
    if any(w in NEVER or w in FAX or w in OTHER_PERSON for w in words):
        return None
    kind = 0 if any(w in WHATSAPP for w in words) else 1 if any(w in MOBILE for w in words) else 2
    return _tier(words), kind, any(w in SECONDARY for w in words)


def names_another_person(name: str) -> bool:
    """A header naming another person's phone: `AssistantPhone`, `Teléfono del apoderado`."""
    words = _words(name)
    return (
        any(w in OTHER_PERSON for w in words)
        and any(w in WHATSAPP | MOBILE | PHONE for w in words)
        and not any(w in LABEL or w in FAX for w in words)
    )


def _tier(words: Sequence[str]) -> int:
    return next((i for i, tier in enumerate(TIERS, 1) if any(w in tier for w in words)), 0)


def rank_phone_columns(
    columns: Sequence[str], sample: Sequence[Sequence[Any]] = (), region: str | None = None
) -> list[str]:
    """Every column that may hold the customer's phone, the surest first."""
    ranked = sorted(
        (rank, i)
        for i, name in enumerate(columns)
        if (rank := header_rank(name)) is not None and _holds_numbers(_cells(sample, i))
    )
    specific = [(rank, i) for rank, i in ranked if rank[1] < 3]
    if specific or ranked:
        return [columns[i] for _, i in (specific or ranked)]
    unnamed = [i for i, name in enumerate(columns) if not _names_someone_else(name)]
    shares = [(-_mobile_share(_cells(sample, i), region), i) for i in unnamed]
    return [columns[i] for share, i in sorted(shares) if -share >= _CONTENT_SHARE]


def find_phone_column(
    columns: Sequence[str], sample: Sequence[Sequence[Any]] = (), region: str | None = None
) -> str | None:
    """The surest phone column (`rank_phone_columns` gives them all, in order)."""
    ranked = rank_phone_columns(columns, sample, region)
    return ranked[0] if ranked else None


def _names_someone_else(name: str) -> bool:
    """A header that, holding numbers, would hold another person's, a fax or no phone at all."""
    return any(w in OTHER_PERSON or w in FAX or w in NEVER for w in _words(name))


def left_out_columns(
    columns: Sequence[str], sample: Sequence[Sequence[Any]] = ()
) -> tuple[LeftOut, ...]:
    """The columns holding another person's phones, never used."""
    return tuple(
        LeftOut(name, i)
        for i, name in enumerate(columns)
        if names_another_person(name) and _holds_numbers(_cells(sample, i))
    )


def _cells(sample: Sequence[Sequence[Any]], index: int) -> list[Any]:
    return [r[index] for r in sample if index < len(r) and str(r[index]).strip()]


def _holds_numbers(cells: Sequence[Any]) -> bool:
    """A column named like a phone that holds only words ("Mobile", "Work") is a label column."""
    return not cells or any(len(re.findall(r"\d", str(c))) >= MIN_DIGITS for c in cells)


def _mobile_share(cells: Sequence[Any], region: str | None) -> float:
    return sum(normalise_phone(c, region).ok for c in cells) / len(cells) if cells else 0.0


@dataclass(frozen=True, slots=True)
class PhoneSource:
    """A column holding phones, with the column labelling its number, if any."""

    name: str
    index: int
    rank: Rank
    label_index: int | None = None

    def rank_in(self, values: Sequence[Any]) -> Rank | None:
        """The rank in this row: its label's, when the label cell is filled."""
        if self.label_index is None or not str(values[self.label_index] or "").strip():
            return self.rank
        return label_rank(values[self.label_index])


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A column holding another person's phones: never read for the customer's."""

    name: str
    index: int


@dataclass(frozen=True, slots=True)
class PhonePick:
    """A row's phone, and the column it came from (`fallback` when not the first column)."""

    phone: Phone
    column: str = ""
    fallback: bool = False


@dataclass(frozen=True, slots=True)
class PhoneColumns:
    """The columns each row's phone is read from, in order, and the country column."""

    sources: tuple[PhoneSource, ...]
    country: str | None = None
    country_index: int | None = None
    left_out: tuple[LeftOut, ...] = ()
    """Columns holding another person's numbers, never read for a phone."""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.sources)

    def pick(self, values: Sequence[Any], region: str | None, allow_landlines: bool) -> PhonePick:
        """The first valid mobile of the row (then, if allowed, landline), or why there is none."""
        order = self._order(values)
        for landlines in (False, True) if allow_landlines else (False,):
            for source in order:
                phone = normalise_phone(values[source.index], region, allow_landlines=landlines)
                if phone.ok:
                    return PhonePick(phone, source.name, source is not self.sources[0])
        return PhonePick(self._failure(order, values, region, allow_landlines))

    def _order(self, values: Sequence[Any]) -> list[PhoneSource]:
        if all(s.label_index is None for s in self.sources):
            return list(self.sources)
        ranked = [(rank, n, s) for n, s in enumerate(self.sources) if (rank := s.rank_in(values))]
        return [s for _, _, s in sorted(ranked, key=lambda t: (t[0], t[1]))]

    def _failure(
        self, order: Sequence[PhoneSource], values: Sequence[Any], region: str | None, allow: bool
    ) -> Phone:
        """The first filled cell's reason, naming its column when there are several."""
        for source in order:
            phone = normalise_phone(values[source.index], region, allow_landlines=allow)
            if phone.code != "missing_phone":
                if len(self.sources) == 1:
                    return phone
                detail = _("{problem}; in column {column}").format(
                    problem=phone.detail, column=source.name
                )
                return Phone(code=phone.code, detail=detail)
        others = [o.name for o in self.left_out if _filled(values, o)]
        if others:
            return Phone(
                code="not_own_phone",
                detail=_("only another person's number ({others}); nothing in {columns}").format(
                    others=", ".join(others), columns=", ".join(self.names)
                ),
            )
        if len(self.sources) == 1:
            return Phone(code="missing_phone", detail=_("the phone cell is empty"))
        return Phone(
            code="missing_phone",
            detail=_("no phone in {columns}").format(columns=", ".join(self.names)),
        )


def _filled(values: Sequence[Any], column: LeftOut) -> bool:
    return column.index < len(values) and len(re.findall(r"\d", str(values[column.index]))) > 0


def detect_phone_columns(
    columns: Sequence[str], sample: Sequence[Sequence[Any]] = (), region: str | None = None
) -> PhoneColumns:
    """Phone columns in order, each paired with its label column, and the country column."""
    labels = _label_columns(columns)
    sources = []
    for name in rank_phone_columns(columns, sample, region):
        index = list(columns).index(name)
        sources.append(PhoneSource(name, index, header_rank(name) or (0, 3, False),
                                   labels.get(_pair_key(name))))  # fmt: skip
    found = _with_country(tuple(sources), columns, sample)
    return replace(found, left_out=left_out_columns(columns, sample))


def _label_columns(columns: Sequence[str]) -> dict[tuple[str, ...], int]:
    """Label columns by the words they share with their value column."""
    found = {}
    for index, name in enumerate(columns):
        words = _words(name)
        if any(w in LABEL for w in words) and any(w in MOBILE | PHONE for w in words):
            found[_pair_key(name)] = index
    return found


def _pair_key(name: str) -> tuple[str, ...]:
    return tuple(w for w in _words(name) if w and w not in PAIR_FILLER)


def choose_phone_columns(
    columns: Sequence[str], names: str, sample: Sequence[Sequence[Any]] = (), where: str = ""
) -> PhoneColumns:
    """`--phone-column A,B`: those columns in that order (a name with a comma works whole)."""
    wanted = [names] if names in columns else [n.strip() for n in names.split(",") if n.strip()]
    for name in wanted:
        if name not in columns:
            raise InputError(
                _("{where}--phone-column {name}: no such column; columns: {columns}").format(
                    where=where, name=name, columns=", ".join(columns)
                )
            )
    sources = tuple(
        PhoneSource(name, list(columns).index(name), header_rank(name) or (0, 3, False))
        for name in dict.fromkeys(wanted)
    )
    return _with_country(sources, columns, sample)


def _with_country(
    sources: tuple[PhoneSource, ...], columns: Sequence[str], sample: Sequence[Sequence[Any]]
) -> PhoneColumns:
    country = find_country_column(columns, sample)
    return PhoneColumns(sources, country, None if country is None else list(columns).index(country))


def phone_columns_for(
    table: Table, wanted: str | None, region: str | None, country: str | None = None
) -> PhoneColumns:
    """The file's phone columns: `--phone-column` as given, else detected from a sample.

    `country` is `--country-column`: a column's name, or `none` for no country column at all;
    without it the country column is detected.
    """
    sample = [c.values for c in itertools.islice(table.contacts(), SAMPLE_ROWS)]
    if wanted:
        found = choose_phone_columns(table.columns, wanted, sample, where=f"{table.path}: ")
    else:
        found = detect_phone_columns(table.columns, sample, region)
    if not found.sources:
        if others := [o.name for o in found.left_out]:
            raise InputError(
                ngettext(
                    "{file}: no column of the contacts' own phones in row {row}; "
                    "{columns} holds another person's number",
                    "{file}: no column of the contacts' own phones in row {row}; "
                    "{columns} hold other people's numbers",
                    len(others),
                ).format(file=table.path, row=table.header_row, columns=", ".join(others)),
                hint=ngettext(
                    "to message those numbers anyway, name the column with --phone-column",
                    "to message those numbers anyway, name the columns with --phone-column",
                    len(others),
                ),
            )
        raise InputError(
            _("{file}: no phone column found in row {row}; columns: {columns}").format(
                file=table.path, row=table.header_row, columns=", ".join(table.columns)
            ),
            hint=_("name it with --phone-column"),
        )
    return found if country is None else with_country_column(found, table, country)


NO_COUNTRY_COLUMN = "none"
"""`--country-column none`: no column gives the country, `--country` does for every row."""


def with_country_column(found: PhoneColumns, table: Table, name: str) -> PhoneColumns:
    """The phone columns with the country column the user named instead of the one found."""
    columns = list(table.columns)
    if name in columns:
        return replace(found, country=name, country_index=columns.index(name))
    if name.strip().lower() in ("", NO_COUNTRY_COLUMN):
        return replace(found, country=None, country_index=None)
    raise InputError(
        _("{file}: --country-column {name}: no such column; columns: {columns}").format(
            file=table.path, name=name, columns=", ".join(columns)
        ),
        hint=_("name one of them, or {none} to use --country for every row").format(
            none=NO_COUNTRY_COLUMN
        ),
    )


@dataclass(frozen=True, slots=True)
class ColumnsUsed:
    """What a run read each row's phone and country from, for the CLI and the summary sheet."""

    phones: tuple[tuple[str, int], ...] = ()
    """Each phone column, in the order tried, with how many rows' phones it gave."""
    country: str | None = None
    country_rows: int = 0
    """Rows whose country column named a country."""
    default_country: str | None = None
    """`--country`, for numbers without a country code whose row names none."""
    rows: int = 0
    left_out: tuple[LeftOut, ...] = ()
    """Columns holding phones that are not the customer's own, never read."""

    def phone_text(self, *, short: bool = False) -> str:
        """Each column with its rows; `short` leaves out, but counts, those that gave none."""
        shown = [(name, n) for name, n in self.phones if n or not short]
        text = ", ".join(
            _("{column} ({rows})").format(column=name, rows=_rows(n)) for name, n in shown
        )
        if hidden := len(self.phones) - len(shown):
            text = ngettext(
                "{columns}, and {n} more that gave none",
                "{columns}, and {n} more that gave none",
                hidden,
            ).format(columns=text, n=hidden)
        return text

    def country_text(self) -> str:
        default = self.default_country
        if self.country is None:
            if default:
                return _("none (numbers without a country code use --country {country})").format(
                    country=default
                )
            return _("none (numbers without a country code need a +code or --country)")
        if self.country_rows == self.rows:
            words = ngettext(
                "{column} ({named} of {n} row named a country)",
                "{column} ({named} of {n} rows named a country)",
                self.rows,
            )
        elif default:
            words = ngettext(
                "{column} ({named} of {n} row named a country; the others use --country {country})",
                "{column} ({named} of {n} rows named a country; the others use --country "
                "{country})",
                self.rows,
            )
        else:
            words = ngettext(
                "{column} ({named} of {n} row named a country; the others need a +code or "
                "--country)",
                "{column} ({named} of {n} rows named a country; the others need a +code or "
                "--country)",
                self.rows,
            )
        return words.format(
            column=self.country, named=self.country_rows, n=self.rows, country=default
        )

    def left_out_text(self) -> str:
        """`AssistantPhone (another person's number)`."""
        names = ", ".join(column.name for column in self.left_out)
        return ngettext(
            "{columns} (another person's number)",
            "{columns} (other people's numbers)",
            len(self.left_out),
        ).format(columns=names)

    def lines(self) -> list[str]:
        """`Phone columns, in order: ...`, `Left out: ...` and `Country column: ...`."""
        short = len(self.phones) > 4  # Outlook has a dozen phone columns, mostly empty
        label = ngettext(
            "Phone column: {columns}",
            "Phone columns, in order: {columns}",
            max(1, len(self.phones)),
        )
        lines = [label.format(columns=self.phone_text(short=short))]
        if self.left_out:
            lines.append(_("Left out: {columns}").format(columns=self.left_out_text()))
        return [*lines, _("Country column: {column}").format(column=self.country_text())]

    def summary_rows(self) -> list[tuple[str, Any]]:
        """The summary sheet's rows; their labels are marked for the catalog, translated where
        the sheet is written."""
        rows = [(N_("phone columns"), self.phone_text())]
        if self.left_out:
            rows.append((N_("left out"), self.left_out_text()))
        return [*rows, (N_("country column"), self.country_text())]


def _rows(n: int) -> str:
    return ngettext("{n} row", "{n} rows", n).format(n=n)
