"""Load contacts: read a CSV or spreadsheet export as the user has it, row by row.

`open_contacts` looks at the file once (encoding, delimiter, sheet, header row) and gives a
`Table`; `Table.contacts()` streams its data rows. CSV files are read as a stream, so memory
does not grow with the file; spreadsheets are read by python-calamine, which holds one sheet
in memory (far less than the Python objects openpyxl would build for it).
"""

from __future__ import annotations

import contextlib
import csv
import math
import re
from collections import Counter
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..language import _, ngettext
from ..records import Contact
from ..result_columns import continuation_sheets, machine_statuses, recognise_header
from .phones import simplify
from .sniff import detect_delimiter, detect_encoding

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
SHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
HEADER_SCAN_ROWS = 30
"""Non-blank rows looked at to find the header below any title rows."""
SAMPLE_ROWS = 50
"""Rows after the header looked at to tell a blank column from a column without a name."""
# A CSV report prefixes risky cells with "'" (docs/spec.md section 5); reading it back removes it.
_CSV_INJECTION_PREFIX = re.compile(r"^'(?=[=+\-@\t\r])")
_OLE_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")


@dataclass(frozen=True, slots=True)
class Table:
    """A contacts file whose layout is known: where the header is and what it says."""

    path: Path
    sheet: str | None
    columns: tuple[str, ...]
    """The header names, made unique, without the result columns of a fed-back report."""
    header_row: int
    """The spreadsheet row number of the header."""
    encoding: str | None = None
    delimiter: str | None = None
    result_columns: tuple[str, ...] = ()
    """A fed-back report's result columns, by machine name (`result_status`), in any language."""
    positions: tuple[int, ...] = ()
    """Where each of `columns` sits in a raw row (blank columns are skipped)."""
    result_positions: tuple[int, ...] = ()
    loaded_sheets: tuple[Any, ...] = field(default=(), repr=False, compare=False)
    """The sheet (and a report's continuation sheets) as python-calamine read them, once."""

    def contacts(self) -> Generator[Contact, None, None]:
        """Stream the data rows after the header; blank rows are skipped."""
        value = _sheet_value if self.loaded_sheets else _text_value
        for number, cells in _numbered_rows(self):
            if number <= self.header_row or _is_blank(cells):
                continue
            width = len(cells)
            values = tuple(value(cells[i]) if i < width else "" for i in self.positions)
            previous = None
            if self.result_columns:
                results = (value(cells[i]) if i < width else "" for i in self.result_positions)
                previous = _previous(self.result_columns, results)
            yield Contact(row=number, values=values, previous=previous)


def open_contacts(path: str | Path, *, sheet: str | int | None = None) -> Table:
    """Look at a contacts file and find its layout; raise `InputError` if unusable."""
    path = Path(path)
    if not path.is_file():
        raise InputError(_("{file}: no such file").format(file=path))
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        encoding = detect_encoding(path)
        default = "\t" if suffix in {".tsv", ".txt"} else ","
        delimiter = detect_delimiter(path, encoding, default=default)
        table = Table(path, None, (), 0, encoding=encoding, delimiter=delimiter)
    elif suffix in SHEET_SUFFIXES:
        name, loaded = _load_sheets(path, sheet)
        table = Table(path, name, (), 0, loaded_sheets=loaded)
    else:
        raise InputError(
            _(
                "{file}: unsupported file type {suffix}; "
                "use .csv, .tsv, .txt, .xlsx, .xlsm, .xls or .ods"
            ).format(file=path, suffix=suffix or _("(none)"))
        )
    return _with_layout(table)


def open_in_memory_sheet(sheet: Any, label: Path) -> Table:
    """A table over rows already in memory, shaped as python-calamine's sheets (frames.py)."""
    return _with_layout(Table(label, None, (), 0, loaded_sheets=(sheet,)))


def _with_layout(table: Table) -> Table:
    """The table with its header row found and its columns named and placed."""
    header_row, header, sample = _find_header(table)
    width = max(len(cells) for cells in [header, *sample])
    raw = [*header, *[""] * (width - len(header))]
    kept = [i for i in range(width) if raw[i].strip() or any(_cell_text(r, i) for r in sample)]
    data, results = _set_aside_results(raw, kept)
    return Table(
        table.path,
        table.sheet,
        tuple(name for name, _ in data),
        header_row,
        encoding=table.encoding,
        delimiter=table.delimiter,
        result_columns=tuple(name for name, _ in results),
        positions=tuple(position for _, position in data),
        result_positions=tuple(position for _, position in results),
        loaded_sheets=table.loaded_sheets,
    )


def _set_aside_results(
    raw: Sequence[str], kept: Sequence[int]
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The data columns (name, position), and a fed-back report's result columns (machine
    name, position): their titles in any language, or `result_*` (`result_columns.py`)."""
    found = recognise_header([raw[i] for i in kept])
    results = [(name, kept[at]) for at, name in found.items()]
    rest = [position for at, position in enumerate(kept) if at not in found]
    names = _unique_names([raw[i] for i in rest], rest)
    return list(zip(names, rest, strict=True)), results


def _previous(names: Sequence[str], cells: Iterator[Any]) -> dict[str, Any]:
    """A fed-back report row's result cells by machine name, its status word as `sent`."""
    return machine_statuses(dict(zip(names, cells, strict=True)))


def _load_sheets(path: Path, wanted: str | int | None) -> tuple[str, tuple[Any, ...]]:
    """The chosen sheet's name and cells (with continuation sheets); `--sheet` N counts from 1."""
    import python_calamine

    try:
        with python_calamine.CalamineWorkbook.from_path(str(path)) as workbook:
            name = _pick_sheet(path, workbook, wanted)
            names = [name, *continuation_sheets(workbook.sheet_names, name)]
            return name, tuple(workbook.get_sheet_by_name(n) for n in names)
    except InputError:
        raise
    except Exception as exc:  # calamine raises several unrelated types for a bad file
        raise InputError(
            _unreadable_sheet(path, exc),
            hint=_("open it in Excel or LibreOffice and save it again as .xlsx or .csv"),
        ) from exc


def _unreadable_sheet(path: Path, exc: Exception) -> str:
    """Why python-calamine cannot read a spreadsheet, in our words (its own are English)."""
    said = str(exc).lower()
    with contextlib.suppress(OSError), path.open("rb") as f:
        # Excel saves a password-protected .xlsx as an OLE container, not as a zip.
        if path.suffix.lower() in (".xlsx", ".xlsm") and f.read(8) == _OLE_SIGNATURE:
            said += " encrypted"
    if "password" in said or "encrypt" in said:
        return _("{file}: cannot read this spreadsheet: it is protected with a password").format(
            file=path
        )
    return _(
        "{file}: cannot read this spreadsheet: it is damaged, or it is not really a {kind} file"
    ).format(file=path, kind=path.suffix.lower())


def _pick_sheet(path: Path, workbook: Any, wanted: str | int | None) -> str:
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    names: list[str] = list(workbook.sheet_names)
    if isinstance(wanted, str) and wanted.strip().isdigit() and wanted not in names:
        wanted = int(wanted)
    if wanted is None:
        # Users hide helper sheets (lookups, old lists); the first one they can see is theirs.
        visible = [
            m.name
            for m in workbook.sheets_metadata
            if m.visible == SheetVisibleEnum.Visible and m.typ == SheetTypeEnum.WorkSheet
        ]
        if not visible and not names:
            raise InputError(_("{file}: the workbook has no sheets").format(file=path))
        return visible[0] if visible else names[0]
    if isinstance(wanted, int):
        if not 1 <= wanted <= len(names):
            raise InputError(
                ngettext(
                    "{file}: no sheet number {number}; it has {n}: {sheets}",
                    "{file}: no sheet number {number}; it has {n}: {sheets}",
                    len(names),
                ).format(file=path, number=wanted, n=len(names), sheets=", ".join(names))
            )
        return names[wanted - 1]
    if wanted not in names:
        raise InputError(
            _("{file}: no sheet named {name}; sheets: {sheets}").format(
                file=path, name=repr(wanted), sheets=", ".join(names)
            )
        )
    return wanted


Rows = Generator[tuple[int, Sequence[Any]], None, None]


def _numbered_rows(table: Table) -> Rows:
    """Every row of the file with the number the spreadsheet shows for it."""
    if not table.loaded_sheets:
        return _csv_rows(table)
    return _sheet_rows(table.loaded_sheets)


def _csv_rows(table: Table) -> Rows:
    assert table.encoding and table.delimiter
    # One record is one spreadsheet row, even when a quoted cell holds line breaks.
    with table.path.open(encoding=table.encoding, newline="") as f:
        reader = csv.reader(f, delimiter=table.delimiter)
        try:
            for number, cells in enumerate(reader, start=1):
                if any(c.startswith("'") for c in cells):
                    cells = [_CSV_INJECTION_PREFIX.sub("", c) for c in cells]
                yield number, cells
        except UnicodeDecodeError as exc:
            raise InputError(
                _(
                    "{file}: cannot read as {encoding} text: line {line} holds bytes that are "
                    "not {encoding}"
                ).format(file=table.path, encoding=table.encoding, line=reader.line_num + 1),
                hint=_("open it in Excel or LibreOffice and save it again as CSV UTF-8"),
            ) from exc
        except csv.Error as exc:
            raise InputError(_unreadable_csv(table.path, reader.line_num, exc)) from exc


def _unreadable_csv(path: Path, line: int, exc: csv.Error) -> str:
    """Why the csv module cannot read a line, in our words (its own are English)."""
    said = str(exc)
    if limit := re.fullmatch(r"field larger than field limit \((\d+)\)", said):
        return _(
            "{file}: line {line}: cannot read as CSV: a cell is longer than {limit} characters"
        ).format(file=path, line=line, limit=limit[1])
    if "NUL" in said:
        return _(
            "{file}: line {line}: cannot read as CSV: it holds NUL characters, so it is not text"
        ).format(file=path, line=line)
    if "unquoted field" in said:
        return _(
            "{file}: line {line}: cannot read as CSV: a line break inside a cell without quotes"
        ).format(file=path, line=line)
    return _('{file}: line {line}: cannot read as CSV ("{detail}")').format(
        file=path, line=line, detail=said
    )


def _sheet_rows(sheets: Sequence[Any]) -> Rows:
    """The rows of a sheet, then of its continuation sheets (header skipped), numbered on."""
    number = 0
    for index, sheet in enumerate(sheets):
        if sheet.start is None:
            continue
        rows = iter(sheet.iter_rows())
        if index:
            next(rows, None)  # a continuation sheet repeats the header
            yield from enumerate(rows, start=number + 1)
            number += max(0, sheet.height - 1)
            continue
        # python-calamine pads the rows above the used range with empty rows, or not, depending
        # on its version (dimastbk/python-calamine#177); the used range starts at its first
        # non-empty row either way, so number the rows from there.
        for first in rows:
            if not _is_blank(first):
                for number, cells in enumerate(chain([first], rows), start=sheet.start[0] + 1):
                    yield number, cells
                break


def _find_header(table: Table) -> tuple[int, list[str], list[Sequence[Any]]]:
    """The header row (below any title rows), its names, and the data rows after it."""
    with contextlib.closing(_numbered_rows(table)) as rows:
        scanned = [(n, cells) for n, cells in _first_filled(rows, HEADER_SCAN_ROWS)]
        if not scanned:
            raise InputError(_("{file}: the file has no rows").format(file=table.path))
        # Title and "Date: ..." rows above the header are narrower than the table's rows.
        filled = [_filled(cells) for _, cells in scanned]
        typical = max(Counter(filled).items(), key=lambda pair: (pair[1], pair[0]))[0]
        at = next(i for i, n in enumerate(filled) if n >= typical)
        more = SAMPLE_ROWS - (len(scanned) - at - 1)
        sample = [cells for _, cells in [*scanned[at + 1 :], *_first_filled(rows, more)]]
    number, header = scanned[at]
    return number, [_text(c) for c in header], sample


def _first_filled(
    rows: Iterator[tuple[int, Sequence[Any]]], count: int
) -> list[tuple[int, Sequence[Any]]]:
    """The next `count` rows that are not blank."""
    found: list[tuple[int, Sequence[Any]]] = []
    if count <= 0:
        return found
    for number, cells in rows:
        if not _is_blank(cells):
            found.append((number, cells))
            if len(found) >= count:
                break
    return found


def _unique_names(raw: Sequence[str], positions: Sequence[int]) -> list[str]:
    """Header names with blanks named after their column and repeats numbered."""
    names: list[str] = []
    seen: set[str] = set()
    for name, position in zip(raw, positions, strict=True):
        base = " ".join(name.split()) or f"column_{position + 1}"
        candidate, n = base, 1
        # Names that differ only in case or accents would be the same name to a template.
        while simplify(candidate) in seen:
            n += 1
            candidate = f"{base}_{n}"
        seen.add(simplify(candidate))
        names.append(candidate)
    return names


def _filled(cells: Sequence[Any]) -> int:
    return sum(1 for c in cells if _text(c).strip())


def _is_blank(cells: Sequence[Any]) -> bool:
    try:
        return not "".join(cells).strip()  # the fast way, for rows of text
    except TypeError:
        return False  # a number or a date is there


def _text(cell: Any) -> str:
    return "" if cell is None else str(cell)


def _cell_text(cells: Sequence[Any], index: int) -> str:
    return _text(cells[index]).strip() if index < len(cells) else ""


def _text_value(cell: str) -> str:
    return cell.strip()


def _sheet_value(cell: Any) -> Any:
    """A cell as the template sees it: text stripped, numbers and dates as they are."""
    if isinstance(cell, str):
        return cell.strip()
    # Spreadsheets store every number as a float; a whole one is shown (and meant) as an int.
    if isinstance(cell, float) and math.isfinite(cell) and cell.is_integer():
        return int(cell)
    return "" if cell is None else cell


def read_all(path: str | Path, *, sheet: str | int | None = None) -> tuple[Table, list[Contact]]:
    """Convenience for small files and tests: the table and all its contacts."""
    table = open_contacts(path, sheet=sheet)
    return table, list(table.contacts())


__all__ = ["Table", "detect_delimiter", "detect_encoding", "open_contacts", "read_all"]
