"""What an input is, decided by its first bytes: the one place (ingest, the dispatcher, debug and
the safe opener all ask it).

A mail client's Content-Type (application/x-pdf, application/octet-stream), a file's suffix or a
missing file name say nothing reliable.
"""

from __future__ import annotations

from enum import Enum

from formkit.errors import InputError
from formkit.read.limits import SNIFF_BYTES


class InputKind(Enum):
    """A file type formkit reads; the value is the usual file suffix."""

    PDF = ".pdf"
    TIFF = ".tif"
    PNG = ".png"
    JPEG = ".jpg"

    @property
    def is_image(self) -> bool:
        return self is not InputKind.PDF


def sniff(data: bytes) -> InputKind | None:
    """The type of a file by its head (only the first SNIFF_BYTES are looked at); None: none we read."""
    head = data[:SNIFF_BYTES]
    if b"%PDF-" in head:  # PDF readers accept junk before the header (a mail gateway's banner)
        return InputKind.PDF
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return InputKind.TIFF
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return InputKind.PNG
    if head[:3] == b"\xff\xd8\xff":
        return InputKind.JPEG
    return None


def input_kind(data: bytes) -> InputKind:
    """The type of a whole input, or InputError saying why formkit cannot read it."""
    if not data:
        raise InputError("leere Datei (0 Byte)")
    kind = sniff(data)
    if kind is None:
        raise InputError("weder PDF noch Bild (TIFF, PNG, JPEG)")
    return kind
