"""Frames out: a run's per-row outcomes as a pandas DataFrame, for a notebook.

`outcomes(result)` reads the run's report back: the input columns and the `result_*` columns,
one row per input row, in order. A report's titles and status words are in its language; a
frame is for code, so its result columns go by their machine names (`result_status`) and its
statuses by theirs (`sent`), whatever the report's language. The way in is `contacts/frames.py`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..language import LANGUAGES, translations
from ..result_columns import (
    TITLES,
    continuation_sheets,
    machine_statuses,
    recognise_header,
    results_sheet_names,
)
from .layout import TEXT_COLUMNS

if TYPE_CHECKING:
    import pandas as pd


def outcomes(result: Any) -> pd.DataFrame:
    """A run's per-row outcomes (a `RunResult`), read back from its report."""
    import pandas as pd

    path = Path(result.report_path)
    if path.suffix.lower() == ".csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    else:
        # Phones and ids are text in the report: read them as text, not as numbers.
        text = {
            translations(language).gettext(TITLES[name]): str
            for name in TEXT_COLUMNS
            for language in LANGUAGES
        } | dict.fromkeys(TEXT_COLUMNS, str)
        sheets = pd.read_excel(path, sheet_name=None, engine="calamine", dtype=text)
        parts = [sheets[name] for name in _results_sheets(list(sheets))]
        frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    return _by_machine_names(frame)


def _by_machine_names(frame: pd.DataFrame) -> pd.DataFrame:
    found = recognise_header([str(c) for c in frame.columns])
    frame = frame.rename(columns={frame.columns[i]: name for i, name in found.items()})
    if "result_status" in frame.columns:
        statuses = frame["result_status"].map(
            lambda word: machine_statuses({"result_status": word})["result_status"]
        )
        frame["result_status"] = statuses
    return frame


def _results_sheets(names: list[str]) -> list[str]:
    first = next((name for name in names if name in results_sheet_names()), names[0])
    return [first, *continuation_sheets(names, first)]
