"""Cells: an input row's values kept with their type in the journal, so a rebuilt report
shows dates as dates and amounts as amounts."""

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
