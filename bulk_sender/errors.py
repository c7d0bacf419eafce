"""The project's exceptions: one base class, caught once at the top by the CLI.

Row problems (a bad phone, a 400) are never exceptions: they become a row's outcome.
These are for problems that stop the whole run.
"""

from __future__ import annotations

import errno

from .language import N_, _, active


class BulkSenderError(Exception):
    """A problem that stops the run; its message is one line for the user."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint

    def __str__(self) -> str:
        text = super().__str__()
        return (
            _("{problem} (hint: {hint})").format(problem=text, hint=self.hint)
            if self.hint
            else text
        )


class InputError(BulkSenderError):
    """The contacts file cannot be read or used: names file, row and column."""


class TemplateError(BulkSenderError):
    """The message template cannot be compiled or uses unknown variables."""


class ConfigError(BulkSenderError):
    """Options or environment are missing or contradict each other."""


class JournalError(BulkSenderError):
    """The journal cannot be used: another campaign's, held by another run, unreadable, full."""


class JournalFailed(JournalError):
    """The journal failed while sending: dispatching stopped, every outcome it holds kept."""

    exit_code = 1


class ReportError(BulkSenderError):
    """The report cannot be written."""


class ReportNotWritten(ReportError):
    """A run that sent (or may have) could not write its report: the journal keeps it all."""

    exit_code = 1


class AbortedByApi(BulkSenderError):
    """The API refuses every request (wrong workspace, bad key...): exit 3."""

    exit_code = 3


SYSTEM_PROBLEMS = {
    errno.ENOSPC: N_("the disk is full"),
    errno.EDQUOT: N_("the disk is full"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("permission denied"),
    errno.EROFS: N_("the disk or folder is read-only"),
    errno.ENOENT: N_("no such file or folder"),
    errno.ENOTDIR: N_("a file stands where a folder should be"),
    errno.EISDIR: N_("it is a folder, not a file"),
    errno.EEXIST: N_("a file of that name is in the way"),
    errno.EBUSY: N_("another program is using it"),
    errno.EIO: N_("the disk could not be read or written"),
    errno.ENAMETOOLONG: N_("the name is too long"),
}
"""The system's errors a user meets, by errno, in our own words (translated where shown)."""
SQLITE_PROBLEMS = {
    13: N_("the disk is full"),  # SQLITE_FULL
    8: N_("the disk or folder is read-only"),  # SQLITE_READONLY
    14: N_("the file cannot be opened"),  # SQLITE_CANTOPEN
    5: N_("another program is using it"),  # SQLITE_BUSY
    6: N_("another program is using it"),  # SQLITE_LOCKED
    26: N_("it is not a bulk-sender journal, or a damaged one"),  # SQLITE_NOTADB
    11: N_("it is not a bulk-sender journal, or a damaged one"),  # SQLITE_CORRUPT
    10: N_("the disk could not be read or written"),  # SQLITE_IOERR
    3: N_("permission denied"),  # SQLITE_PERM
}
"""SQLite's result codes a user meets, in our own words: SQLite's own are English."""


def system_problem(exc: BaseException) -> str:
    """What went wrong with a file, in the active language: an `OSError` by its errno, an
    `sqlite3.Error` by its result code. Else, in English, the library's own words (they are
    English); in another language a general sentence, never English in a Spanish line."""
    if isinstance(exc, OSError) and exc.errno in SYSTEM_PROBLEMS:
        return _(SYSTEM_PROBLEMS[exc.errno])
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and (code & 0xFF) in SQLITE_PROBLEMS:
        return _(SQLITE_PROBLEMS[code & 0xFF])
    if active() == "en":
        return str(getattr(exc, "strerror", None) or exc)
    if isinstance(exc, OSError) and exc.errno is not None:
        return _("system error {number}").format(number=errno.errorcode.get(exc.errno, exc.errno))
    return _("the file could not be read or written")
