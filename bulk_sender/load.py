"""Load contacts: read a CSV or spreadsheet export as the user has it, row by row.

`open_contacts` looks at the file once (encoding, delimiter, sheet, header row) and gives a
`Table`; `Table.contacts()` streams its data rows, so memory does not grow with the file.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError
from .records import Contact

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
SHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
RESULT_PREFIX = "result_"
HEADER_SCAN_ROWS = 30
# A CSV report prefixes risky cells with "'" (SPEC section 5); reading it back removes it.
_CSV_INJECTION_PREFIX = re.compile(r"^'(?=[=+\-@\t\r])")


@dataclass(frozen=True, slots=True)
class Table:
    """A contacts file whose layout is known: where the header is and what it says."""

    path: Path
    sheet: str | None
    columns: tuple[str, ...]
    """The header names, made unique, without the `result_*` columns of a fed-back report."""
    header_row: int
    """The spreadsheet row number of the header."""
    encoding: str | None = None
    delimiter: str | None = None
    result_columns: tuple[str, ...] = ()

    def contacts(self) -> Iterator[Contact]:
        """Stream the data rows after the header; blank rows are skipped."""
        width = len(self.columns) + len(self.result_columns)
        keep = _kept_positions(self._raw_header(), self.result_columns)
        for number, cells in _numbered_rows(self):
            if number <= self.header_row or _is_blank(cells):
                continue
            cells = [*cells[:width], *([""] * (width - len(cells)))]
            values = tuple(_clean(cells[i]) for i in keep.data)
            previous = (
                {
                    name: _clean(cells[i])
                    for name, i in zip(self.result_columns, keep.results, strict=True)
                }
                if self.result_columns
                else None
            )
            yield Contact(row=number, values=values, previous=previous)

    def _raw_header(self) -> list[str]:
        for number, cells in _numbered_rows(self):
            if number == self.header_row:
                return [_text(c) for c in cells]
        raise InputError(f"{self.path}: the header row {self.header_row} disappeared")


@dataclass(frozen=True, slots=True)
class _Positions:
    data: tuple[int, ...]
    results: tuple[int, ...]


def _kept_positions(raw_header: Sequence[str], result_columns: Sequence[str]) -> _Positions:
    names = _unique_names(raw_header)
    results = tuple(names.index(name) for name in result_columns)
    data = tuple(i for i in range(len(names)) if i not in results)
    return _Positions(data=data, results=results)


def open_contacts(path: str | Path, *, sheet: str | int | None = None) -> Table:
    """Look at a contacts file and find its layout; raise `InputError` if unusable."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        encoding = detect_encoding(path)
        delimiter = detect_delimiter(path, encoding)
        table = Table(path, None, (), 0, encoding=encoding, delimiter=delimiter)
    elif suffix in SHEET_SUFFIXES:
        table = Table(path, _pick_sheet(path, sheet), (), 0)
    else:
        raise InputError(
            f"{path}: unsupported file type {suffix or '(none)'}; "
            "use .csv, .tsv, .txt, .xlsx, .xlsm, .xls or .ods"
        )
    header_row, raw_header = _find_header(table)
    names = _unique_names(raw_header)
    result_columns = tuple(n for n in names if n.lower().startswith(RESULT_PREFIX))
    columns = tuple(n for n in names if n not in result_columns)
    return Table(
        path,
        table.sheet,
        columns,
        header_row,
        encoding=table.encoding,
        delimiter=table.delimiter,
        result_columns=result_columns,
    )


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text"), else Windows-1252."""
    with path.open("rb") as f:
        head = f.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := f.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            # Excel on Windows saves "CSV" in the ANSI code page, Windows-1252 in Latin America.
            return "cp1252"
    return "utf-8"


def detect_delimiter(path: Path, encoding: str) -> str:
    """The most consistent of `,` `;` tab `|` over the first lines."""
    with path.open(encoding=encoding, newline="") as f:
        sample = f.read(64 * 1024)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first_line = sample.splitlines()[0] if sample else ""
        counts = {d: first_line.count(d) for d in ",;\t|"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _pick_sheet(path: Path, sheet: str | int | None) -> str:
    workbook = _open_workbook(path)
    names: list[str] = list(workbook.sheet_names)
    if isinstance(sheet, str) and sheet.isdigit():
        sheet = int(sheet)
    if sheet is None:
        visible = [m.name for m in workbook.sheets_metadata if str(m.visible).endswith("Visible")]
        return visible[0] if visible else names[0]
    if isinstance(sheet, int):
        if not 1 <= sheet <= len(names):
            raise InputError(f"{path}: no sheet number {sheet}; it has {len(names)}: {names}")
        return names[sheet - 1]
    if sheet not in names:
        raise InputError(f"{path}: no sheet named {sheet!r}; sheets: {', '.join(names)}")
    return sheet


def _open_workbook(path: Path) -> Any:
    import python_calamine

    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several unrelated types for a bad file
        raise InputError(f"{path}: cannot read this spreadsheet ({exc})") from exc


def _numbered_rows(table: Table) -> Iterator[tuple[int, list[Any]]]:
    """Every row of the file with the number the spreadsheet shows for it."""
    if table.sheet is None:
        yield from _csv_rows(table)
    else:
        yield from _sheet_rows(table)


def _csv_rows(table: Table) -> Iterator[tuple[int, list[Any]]]:
    assert table.encoding and table.delimiter
    try:
        with table.path.open(encoding=table.encoding, newline="") as f:
            reader = csv.reader(f, delimiter=table.delimiter)
            for number, cells in enumerate(reader, start=1):
                yield number, [_CSV_INJECTION_PREFIX.sub("", c) for c in cells]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{table.path}: cannot read as CSV ({exc})") from exc


def _sheet_rows(table: Table) -> Iterator[tuple[int, list[Any]]]:
    workbook = _open_workbook(table.path)
    number = 0
    for name in [table.sheet, *_continuation_sheets(workbook, table.sheet)]:
        try:
            sheet = workbook.get_sheet_by_name(name)
            first_row = sheet.start[0] if sheet.start else 0
            rows = sheet.iter_rows()
        except Exception as exc:  # calamine raises its own types for a damaged sheet
            raise InputError(f"{table.path}: cannot read sheet {name!r} ({exc})") from exc
        if name != table.sheet:
            next(rows, None)  # it repeats the header; its rows count on from the last sheet's
            first_row = number
        for offset, cells in enumerate(rows):
            number = first_row + offset + 1
            yield number, list(cells)


def _continuation_sheets(workbook: Any, sheet: str | None) -> list[str]:
    """A report past Excel's row limit goes on in sheets `results 2`, `results 3`... (report.py)."""
    if sheet != "results":
        return []
    names = set(workbook.sheet_names)
    last = 1
    while f"results {last + 1}" in names:
        last += 1
    return [f"results {n}" for n in range(2, last + 1)]


def _find_header(table: Table) -> tuple[int, list[str]]:
    """The first row as wide as the widest of the first rows (title rows are narrow)."""
    sample: list[tuple[int, list[str]]] = []
    for number, cells in _numbered_rows(table):
        if not _is_blank(cells):
            sample.append((number, [_text(c) for c in cells]))
        if len(sample) >= HEADER_SCAN_ROWS:
            break
    if not sample:
        raise InputError(f"{table.path}: the file has no rows")
    widest = max(_filled(cells) for _, cells in sample)
    for number, cells in sample:
        if _filled(cells) == widest:
            return number, _trim(cells)
    raise AssertionError("unreachable: some row is the widest")


def _unique_names(raw: Sequence[str]) -> list[str]:
    """Header names with blanks named after their position and repeats numbered."""
    names: list[str] = []
    seen: set[str] = set()
    for position, name in enumerate(raw, start=1):
        base = name.strip() or f"column_{position}"
        candidate, n = base, 1
        while candidate in seen:
            n += 1
            candidate = f"{base}_{n}"
        seen.add(candidate)
        names.append(candidate)
    return names


def _trim(cells: list[str]) -> list[str]:
    while cells and not cells[-1].strip():
        cells = cells[:-1]
    return cells


def _filled(cells: Sequence[str]) -> int:
    return sum(1 for c in cells if c.strip())


def _is_blank(cells: Sequence[Any]) -> bool:
    return all(_text(c).strip() == "" for c in cells)


def _text(cell: Any) -> str:
    return "" if cell is None else str(cell)


def _clean(cell: Any) -> Any:
    """Cells as the template sees them: text stripped, numbers and dates as they are."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip()
    return cell


def read_all(path: str | Path, *, sheet: str | int | None = None) -> tuple[Table, list[Contact]]:
    """Convenience for small files and tests: the table and all its contacts."""
    table = open_contacts(path, sheet=sheet)
    return table, list(table.contacts())


__all__ = ["Table", "detect_delimiter", "detect_encoding", "open_contacts", "read_all"]
