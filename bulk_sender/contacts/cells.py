"""Cells: an input row's values kept with their type in the journal, so a rebuilt report
shows dates as dates and amounts as amounts; and cells as CSV text a spreadsheet never executes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any


def encode_cells(cells: Sequence[Any]) -> str:
    if all(type(c) in _PLAIN for c in cells):  # CSV rows: text only, nothing to tag
        return _ENCODER.encode(cells)
    return _ENCODER.encode([_encode(c) for c in cells])


_ENCODER = json.JSONEncoder(ensure_ascii=False)
"""One encoder for every row: `json.dumps` with options builds a new one on each call."""


_PLAIN = frozenset((str, int, float, bool, type(None)))


def decode_cells(text: str) -> tuple[Any, ...]:
    cells = json.loads(text)
    if '{"' not in text:  # no tagged cell: inside a JSON string that would read {\"
        return tuple(cells)
    return tuple(_decode(c) for c in cells)


def _encode(cell: Any) -> Any:
    if isinstance(cell, datetime):
        return {"datetime": cell.isoformat()}
    if isinstance(cell, date):
        return {"date": cell.isoformat()}
    if isinstance(cell, time):
        return {"time": cell.isoformat()}
    if isinstance(cell, Decimal):
        return {"decimal": str(cell)}
    if cell is None or isinstance(cell, str | int | float | bool):
        return cell
    return str(cell)


def _decode(cell: Any) -> Any:
    if isinstance(cell, dict):
        ((kind, text),) = cell.items()
        return {
            "datetime": datetime.fromisoformat,
            "date": date.fromisoformat,
            "time": time.fromisoformat,
            "decimal": Decimal,
        }[kind](text)
    return cell


# OWASP CSV injection: a spreadsheet executes cells starting with these.
RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A cell as CSV text, with `'` before text a spreadsheet would execute."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, int | float | Decimal):
        # A number cannot execute, even negative; 51987654321.0 from a sheet is a phone.
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    text = str(value)
    return f"'{text}" if text.startswith(RISKY_STARTS) else text
