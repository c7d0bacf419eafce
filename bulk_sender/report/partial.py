"""The report's file while it is written: a failed write (a full disk) leaves nothing behind.

A disk that fills up, or a synced folder over its quota, fails a write half-way through the
workbook. XlsxWriter then leaves its `ZipFile` and its temporary files open; collected later,
their finalizers write once more, fail again and print "Exception ignored in: ZipFile.__del__
... No space left on device" after the run's own one-line error. Here the workbook writes
through `PartialFile`, which goes quiet after its first failure (the file is removed anyway),
into a temporary folder of its own that is removed whatever happens.
"""

from __future__ import annotations

import contextlib
import os
import traceback
from pathlib import Path
from typing import Any, BinaryIO


class PartialFile:
    """A file written under its partial name that, once a write failed, swallows the rest.

    Only the writer's own clean-up writes after a failure (the zip's end record, from a
    finalizer): the caller has the first error in hand and removes the file.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.failed = False
        # Opened on first use: XlsxWriter zips the workbook only once its rows are all
        # written, so a run killed before that (the report's process follows a long run from
        # its start) leaves no partial file behind.
        self._file: BinaryIO | None = None

    def write(self, data: bytes) -> int:
        return len(data) if self.failed else self._guard("write", data)

    def flush(self) -> None:
        if not self.failed:
            self._guard("flush")

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return 0 if self.failed else self._guard("seek", offset, whence)

    def tell(self) -> int:
        return 0 if self.failed else self._guard("tell")

    def seekable(self) -> bool:
        return True

    def close(self) -> None:
        if self._file is None:
            return
        if self.failed:
            with contextlib.suppress(OSError):  # its buffer fails to flush again: said already
                self._file.close()
        else:
            self._guard("close")

    def _guard(self, method: str, *args: Any) -> Any:
        try:
            if self._file is None:
                self._file = self.path.open("wb")
            return getattr(self._file, method)(*args)
        except OSError:
            self.failed = True
            raise


def drop_half_written(book: Any, error: BaseException) -> None:
    """After a failed write: close the workbook's open temporary files, quietly, now.

    The failed frames still hold the zip and the packager's files; clearing them lets those
    go while the failure is in hand, instead of in a finalizer after the run's last line.
    """
    for sheet in book.worksheets():
        handle = getattr(sheet, "row_data_fh", None)
        if handle is not None:
            with contextlib.suppress(OSError):
                handle.close()
    if error.__traceback__ is not None:
        traceback.clear_frames(error.__traceback__)


def remove_quietly(*paths: Path) -> None:
    """Remove what a failed write left, if it can (the disk being full does not stop that)."""
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
