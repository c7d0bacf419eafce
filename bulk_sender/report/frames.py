"""Frames out: a run's per-row outcomes as a pandas DataFrame, for a notebook.

`outcomes(result)` reads the run's report back: the input columns and the `result_*` columns,
one row per input row, in order. The way in is `contacts/frames.py`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .layout import TEXT_COLUMNS, results_sheet_name

if TYPE_CHECKING:
    import pandas as pd


def outcomes(result: Any) -> pd.DataFrame:
    """A run's per-row outcomes (a `RunResult`), read back from its report."""
    import pandas as pd

    path = Path(result.report_path)
    if path.suffix.lower() == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    # Phones and ids are text in the report: read them as text, not as numbers.
    text = dict.fromkeys(TEXT_COLUMNS, str)
    sheets = pd.read_excel(path, sheet_name=None, engine="calamine", dtype=text)
    parts = [sheets[name] for name in _results_sheets(list(sheets))]
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _results_sheets(names: list[str]) -> list[str]:
    found = [results_sheet_name(1)]
    while results_sheet_name(len(found) + 1) in names:
        found.append(results_sheet_name(len(found) + 1))
    return found
