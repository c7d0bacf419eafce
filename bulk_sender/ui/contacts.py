"""The Contacts step: what the page shows of a contacts file before any message is chosen.

It reads the file with the CLI's own loader and normalises the first phones with the
composer the engine uses, so what the page shows is what a run will do.
"""

from __future__ import annotations

import collections
import json
import os
import re
import tempfile
from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..contacts.load import CSV_SUFFIXES, SHEET_SUFFIXES, Table, open_contacts
from ..contacts.phone_columns import PhoneColumns, phone_columns_for
from ..contacts.phones import country_flag
from ..errors import InputError
from ..language import _
from ..messages.compose import Composer, WaTemplateSpec
from ..messages.render import identifier
from ..records import Contact

UPLOADS_DIR = Path("uploads")
FIRST_ROWS = 10
_UNSAFE = re.compile(r"[^\w.\- ]+")


def safe_name(filename: str) -> str:
    """A file name from the browser, safe to save: no folders, no odd characters."""
    name = _UNSAFE.sub("_", Path(filename.replace("\\", "/")).name).strip(" .")
    suffix = Path(name).suffix.lower()
    if suffix not in CSV_SUFFIXES | SHEET_SUFFIXES:
        kinds = ", ".join(sorted(CSV_SUFFIXES | SHEET_SUFFIXES))
        raise InputError(
            _("{file}: unsupported file type {suffix}; use {kinds}").format(
                file=filename, suffix=suffix or _("(none)"), kinds=kinds
            )
        )
    return name.lstrip("-") or f"contacts{suffix}"


async def save_upload(filename: str, chunks: AsyncIterator[bytes], folder: Path) -> Path:
    """Write an uploaded file under `folder`, whole or not at all; returns its path."""
    target = folder / safe_name(filename)
    folder.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as f:
            async for chunk in chunks:
                f.write(chunk)
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return target


def sheet_names(path: Path) -> list[str]:
    """The sheets of a workbook, for the page's sheet choice; a CSV has none."""
    if path.suffix.lower() not in SHEET_SUFFIXES:
        return []
    import python_calamine

    with python_calamine.CalamineWorkbook.from_path(str(path)) as workbook:
        return list(workbook.sheet_names)


def inspect_contacts(
    path: Path,
    *,
    sheet: str | None,
    phone_column: str | None,
    country: str | None,
    country_column: str | None = None,
) -> dict[str, Any]:
    """The sheet, columns, phone and country columns as a run reads them, rows, first rows.

    `country_column` is `--country-column`: a column's name, or `none`; detected when None.
    """
    table = open_contacts(path, sheet=sheet)
    region = country_flag(country)
    detected = _phone_columns(table, None, region)
    chosen = detected
    if phone_column or country_column:
        chosen = _phone_columns(table, phone_column, region, country_column)
    composer = None
    if chosen is not None:  # a composer without a message: only its phone rule is used
        composer = Composer(table.columns, chosen, wa_template=WaTemplateSpec("contacts"),
                            country=region)  # fmt: skip
    first: list[dict[str, Any]] = []
    rows = 0
    for contact in table.contacts():
        rows += 1
        if len(first) < FIRST_ROWS:
            first.append(_first_row(contact, composer))
    return {
        "file": path.as_posix(),
        "name": path.name,
        "sheet": table.sheet,
        "sheets": sheet_names(path),
        "columns": list(table.columns),
        "variables": variables(table.columns),
        # As `--phone-column` takes them: several columns, tried in order, joined by commas.
        "detected_phone_column": ",".join(detected.names) if detected else None,
        "phone_column": ",".join(chosen.names) if chosen else None,
        "detected_country_column": detected.country if detected else None,
        # Columns of another person's numbers (an assistant's), never used unless chosen.
        "left_out": [c.name for c in detected.left_out] if detected else [],
        "country_column": chosen.country if chosen else None,
        "country": region or "",
        "rows": rows,
        "first": first,
    }


def _phone_columns(
    table: Table, wanted: str | None, region: str | None, country_column: str | None = None
) -> PhoneColumns | None:
    """The run's phone columns; None when none is found (the page then asks for one)."""
    try:
        return phone_columns_for(table, wanted, region, country_column)
    except InputError:
        if wanted or country_column:
            raise
        return None


def variables(columns: Sequence[str]) -> dict[str, str]:
    """How a template names each column: its variable, or `row["..."]` when two share one."""
    names = collections.Counter(identifier(c) for c in columns)
    return {
        c: identifier(c)
        if names[identifier(c)] == 1
        else f"row[{json.dumps(c, ensure_ascii=False)}]"
        for c in columns
    }


def _first_row(contact: Contact, composer: Composer | None) -> dict[str, Any]:
    shown: dict[str, Any] = {"row": contact.row, "values": [display(v) for v in contact.values]}
    if composer is None:
        return shown | {"phone": "", "problem": ""}
    phone = composer.phone(contact)
    if phone.ok:
        return shown | {"phone": f"+{phone.digits}", "problem": ""}
    return shown | {"phone": "", "problem": f"{phone.code}: {phone.detail}"}


def display(cell: Any) -> str:
    """A cell as the page shows it: whole numbers without `.0`, dates without midnight."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, Decimal) and cell == cell.to_integral_value():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == time() else cell.isoformat(sep=" ")
    if isinstance(cell, date | time):
        return cell.isoformat()
    return str(cell)
