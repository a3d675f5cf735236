"""PDF strings and names as text, whatever encoding the filler used (PDFDocEncoding, UTF-16, UTF-8)."""

from __future__ import annotations

import codecs
import re
from typing import Any

import pikepdf

from formkit.read.limits import MAX_ANNOTS_PER_PAGE, MAX_STREAM_BYTES
from formkit.read.open import stream_bytes

# PDFDocEncoding (PDF 32000-1, Annex D) as pypdf tabled it: Latin-1 but for these bytes; None = undefined.
_PDFDOC_DIFF: dict[int, str | None] = {
    0x00: None, 0x16: None, 0x7F: None, 0x9F: None, 0xAD: None,
    **dict(zip(range(0x18, 0x20), "\u02d8\u02c7\u02c6\u02d9\u02dd\u02db\u02da\u02dc", strict=True)),
    **dict(zip(range(0x80, 0x9F), "\u2022\u2020\u2021\u2026\u2014\u2013\u0192\u2044\u2039\u203a\u2212\u2030"
                                  "\u201e\u201c\u201d\u2018\u2019\u201a\u2122\ufb01\ufb02\u0141\u0152\u0160"
                                  "\u0178\u017d\u0131\u0142\u0153\u0161\u017e", strict=True)),
    0xA0: "\u20ac",
}
_PDFDOC = {b: ("\ufffd" if c is None else c) for b, c in _PDFDOC_DIFF.items()}
_PDFDOC_UNDEFINED = re.compile("[" + "".join(chr(b) for b, c in _PDFDOC_DIFF.items() if c is None) + "]")


def _pdfdoc(raw: bytes) -> str:
    """Bytes as PDFDocEncoding; undefined bytes become U+FFFD."""
    return raw.decode("latin-1").translate(_PDFDOC)


def _string_text(raw: bytes) -> str:
    """A PDF string: UTF-16 or UTF-8 with their byte-order marks, else PDFDocEncoding when every byte
    is defined there (then mis-encoded UTF-8 is repaired), else :func:`_decode_bytes`."""
    s: str | None = None
    if raw.startswith(codecs.BOM_UTF8):
        try:
            s = raw[3:].decode("utf-8")
        except UnicodeDecodeError:
            s = None
    if s is None and raw.startswith((codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE)):
        try:
            s = raw.decode("utf-16")
        except UnicodeDecodeError:
            return _decode_bytes(raw)
    if s is None:
        latin = raw.decode("latin-1")
        if _PDFDOC_UNDEFINED.search(latin):
            return _decode_bytes(raw)
        s = latin.translate(_PDFDOC)
    # Some fillers write UTF-8 bytes into a PDFDocEncoded string: "MÃ¼ller" -> "Müller".
    try:
        fixed = s.encode("latin-1").decode("utf-8")
        if fixed != s and any(ord(c) > 127 for c in fixed):
            return fixed
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    return s


def pdf_text(value: Any) -> str:
    """A field value as text, whatever encoding the filler used (PDFDocEncoding, UTF-16, UTF-8)."""
    if value is None:
        return ""
    if isinstance(value, pikepdf.String):
        return _string_text(bytes(value))
    if isinstance(value, pikepdf.Name):
        return str(value)[1:]
    if isinstance(value, pikepdf.Stream):
        raw = stream_bytes(value, MAX_STREAM_BYTES)
        return _decode_bytes(raw) if raw is not None else ""
    if isinstance(value, pikepdf.Array):
        return "|".join(pdf_text(value[i]) for i in range(min(len(value), MAX_ANNOTS_PER_PAGE)))
    if isinstance(value, pikepdf.Object):  # dictionary, null, operator: no text
        return ""
    return str(value)


def _decode_bytes(raw: bytes) -> str:
    if raw[:2] in (b"\xfe\xff", b"\xff\xfe"):
        return raw.decode("utf-16", "replace")
    if raw[:3] == b"\xef\xbb\xbf":
        return raw[3:].decode("utf-8", "replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return _pdfdoc(raw)
