"""Frames: pandas in and out, for a notebook. The only module that imports pandas.

`Settings(contacts=frame)` takes a DataFrame as the contacts (its columns are the header, each
row a customer, row numbers counted as in a sheet: the header is row 1), and `outcomes(result)`
gives the run's per-row outcomes back as a DataFrame: the input columns and the `result_*`
columns of the report, one row per input row, in order.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .load import Table, open_in_memory_sheet
from .report import TEXT_COLUMNS, results_sheet_name

if TYPE_CHECKING:
    import pandas as pd

FRAME_LABEL = Path("dataframe")
"""What stands for the file name: the campaign, the report and the summary's `input`."""


class FrameSheet:
    """A DataFrame seen as python-calamine shows a sheet: `start`, `height`, `iter_rows()`."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.start = (0, 0)
        self.height = len(frame) + 1

    def iter_rows(self) -> Iterator[list[Any]]:
        yield [str(name) for name in self.frame.columns]
        for values in self.frame.itertuples(index=False, name=None):
            yield [_cell(value) for value in values]


def table_from_frame(frame: pd.DataFrame) -> Table:
    """The contacts table over a DataFrame (nothing is copied to disk)."""
    return open_in_memory_sheet(FrameSheet(frame), FRAME_LABEL)


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


def _cell(value: Any) -> Any:
    """A pandas value as a sheet cell: numpy scalars as Python ones, missing as blank."""
    if value is None:
        return ""
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp (NaT is missing)
        return "" if value != value else value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str | datetime | date | time):
        value = value.item()  # numpy int64, float64, bool_
    if isinstance(value, float) and math.isnan(value):
        return ""
    return value
