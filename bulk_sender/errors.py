"""The project's exceptions: one base class, caught once at the top by the CLI.

Row problems (a bad phone, a 400) are never exceptions: they become a row's outcome.
These are for problems that stop the whole run.
"""

from __future__ import annotations

from .language import _


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
