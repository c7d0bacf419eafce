"""Frames in: a pandas DataFrame as the contacts, for a notebook.

`Settings(contacts=frame)` takes a DataFrame as the contacts (its columns are the header, each
row a customer, row numbers counted as in a sheet: the header is row 1). The way back out is
`report/frames.py`. Only these two modules import pandas, and only when a frame is used.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .load import Table, open_in_memory_sheet

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
