"""One base exception; a subclass per cause, each with a German message and an exit code.

The CLI maps these to exit codes in one place; no traceback is shown for a user's mistake.
"""

from __future__ import annotations


class FormkitError(Exception):
    """Base of all errors formkit reports to a user."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LayoutError(FormkitError):
    """A layout or event file is missing or invalid; the message names the file and the key."""

    exit_code = 3


class InputError(FormkitError):
    """An input file cannot be used (not found, unreadable, wrong format)."""

    exit_code = 4


class MissingToolError(FormkitError):
    """A system program (tesseract, pdftoppm, gs …) is not installed."""

    exit_code = 5


class RenderError(FormkitError):
    """A document could not be rendered, e.g. content does not fit its page."""

    exit_code = 6


class RegistrationError(FormkitError):
    """A scanned page could not be registered into layout space."""

    exit_code = 7


class StoreError(FormkitError):
    """The record store cannot be opened or written."""

    exit_code = 8


class MailServerError(FormkitError):
    """The mail server (SMTP or IMAP) cannot be reached, refuses the login or the encryption."""

    exit_code = 9
