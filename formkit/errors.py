"""One base exception; a subclass per cause, each with a German message and an exit code.

The CLI maps these to exit codes in one place; no traceback is shown for a user's mistake.
"""

from __future__ import annotations

import errno
from enum import IntEnum


class ExitCode(IntEnum):
    """Every exit status of the formkit CLI, in one place (as OCRmyPDF's ``ExitCode``)."""

    OK = 0
    ERROR = 1  # a FormkitError without a more specific cause
    USAGE = 2  # wrong arguments (click's own status)
    ROWS_FAILED = 2  # `packets`: some rows of the list could not be made (documented as 2 since issue 3)
    LAYOUT = 3
    INPUT = 4
    MISSING_TOOL = 5
    RENDER = 6
    REGISTRATION = 7
    STORE = 8
    REVIEW = 9  # a review decision refused (formkit.review.corrections.ReviewError)
    MAIL_SERVER = 10  # the SMTP or IMAP server cannot be reached or refuses login or encryption


class FormkitError(Exception):
    """Base of all errors formkit reports to a user."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LayoutError(FormkitError):
    """A layout or event file is missing or invalid; the message names the file and the key."""

    exit_code = ExitCode.LAYOUT


class InputError(FormkitError):
    """An input file cannot be used (not found, unreadable, wrong format)."""

    exit_code = ExitCode.INPUT


class MissingToolError(FormkitError):
    """A system program (tesseract, pdftoppm, gs …) is not installed."""

    exit_code = ExitCode.MISSING_TOOL


class RenderError(FormkitError):
    """A document could not be rendered, e.g. content does not fit its page."""

    exit_code = ExitCode.RENDER


class RegistrationError(FormkitError):
    """A scanned page could not be registered into layout space."""

    exit_code = ExitCode.REGISTRATION


class StoreError(FormkitError):
    """The record store cannot be opened or written."""

    exit_code = ExitCode.STORE


class MailServerError(FormkitError):
    """The mail server (SMTP or IMAP) cannot be reached, refuses the login or the encryption."""

    exit_code = ExitCode.MAIL_SERVER


_OS_REASONS_DE = {
    errno.ENOENT: "gibt es nicht",
    errno.EACCES: "keine Berechtigung",
    errno.EPERM: "keine Berechtigung",
    errno.ENOTDIR: "ein Teil des Pfads ist eine Datei, kein Ordner",
    errno.EISDIR: "ist ein Ordner",
    errno.EEXIST: "gibt es schon",
    errno.ENOSPC: "kein Platz mehr auf dem Datenträger",
    errno.EROFS: "Datenträger ist schreibgeschützt",
    errno.ELOOP: "Verknüpfungen im Kreis",
    errno.ENAMETOOLONG: "Name zu lang",
    errno.EIO: "Ein-/Ausgabefehler",
}


def os_reason(e: OSError) -> str:
    """An operating-system error in German words (its English strerror reaches no user)."""
    return _OS_REASONS_DE.get(e.errno or -1) or e.strerror or type(e).__name__
