"""The error tree: every error a user can cause, with its exit status and HTTP status.

Front ends (CLI, web) turn these into one line or one page; anything else that
escapes is a bug and is reported as such.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    USER_ERROR = 1
    USAGE = 2
    SEND_FAILURES = 3
    BUG = 70
    OUTPUT_CLOSED = 141  # the reader of stdout went away (`| head`), as SIGPIPE reports


class IsamailError(Exception):
    """A problem the user can fix. ``str(err)`` is the one line shown to them."""

    exit_code: ExitCode = ExitCode.USER_ERROR
    http_status: int = 400

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class ConfigError(IsamailError):
    """A wrong or missing setting; the message names the key and where it came from."""


class ProjectNotFound(IsamailError):
    """The folder holds no isamail.toml."""


class DatabaseError(IsamailError):
    """The database cannot be opened or has a schema this version cannot use."""


class NotFound(IsamailError):
    http_status = 404


class InvalidAddress(IsamailError):
    """An e-mail address that is not valid."""


class ImportFileError(IsamailError):
    """A CSV file that cannot be read as a whole (not single bad rows: those are rejected)."""


class IssueError(IsamailError):
    """A malformed issue; ``problems`` holds every problem found."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class SmtpError(IsamailError):
    """The SMTP server cannot be reached or refuses us as a whole."""


class SmtpLoginRefused(SmtpError):
    """The SMTP server refused the login (user name, password or token)."""


class Conflict(IsamailError):
    http_status = 409
