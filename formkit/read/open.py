"""Opening a returned PDF safely: qpdf's limits, bounded stream decoding, one error per cause.

Every stream formkit decodes itself goes through :func:`stream_bytes` (never more than a limit);
what qpdf decodes on its own is bounded by :func:`harden_pdf_reader`. Limits: :mod:`.limits`.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import zlib
from collections.abc import Iterable
from typing import Any

import pikepdf

from formkit.errors import InputError
from formkit.read.limits import (
    MAX_CONTAINER,
    MAX_CONTENT_PARTS,
    MAX_FIELD_DEPTH,
    MAX_PAGES,
    MAX_STREAM_BYTES,
)
from formkit.read.sniff import InputKind, sniff

# Errors qpdf (and its Python binding) raise for damaged objects; never for our own limits.
PDF_ERRORS = (pikepdf.PdfError, RuntimeError, ValueError, KeyError, TypeError, AttributeError, IndexError,
              NotImplementedError)


class StreamLimitError(Exception):
    """A stream that would decode to more than the allowed number of bytes (decompression bomb)."""


OPEN_ERRORS = (*PDF_ERRORS, OSError)
READ_ERRORS = (*PDF_ERRORS, StreamLimitError)


# --- bounded stream data ------------------------------------------------------------------------

# Worst-case expansion (decoded bytes per encoded byte) of filters left to qpdf: a stream is
# handed to qpdf's unbounded decoder only when raw size x these factors stays under the limit.
_EXPANSION = {"/LZWDecode": 2_800, "/LZW": 2_800, "/RunLengthDecode": 64, "/RL": 64,
              "/FlateDecode": 1_100, "/Fl": 1_100, "/ASCIIHexDecode": 1, "/AHx": 1,
              "/ASCII85Decode": 4, "/A85": 4}


def _filters(stream: Any) -> tuple[list[str], list[Any]]:
    f = stream.get("/Filter")
    names = [] if f is None else [str(f)] if isinstance(f, pikepdf.Name) else [str(x) for x in f]
    p = stream.get("/DecodeParms")
    parms = [p] * len(names) if not isinstance(p, pikepdf.Array) else list(p)
    return names, parms


def _inflate(raw: bytes, limit: int) -> bytes:
    d = zlib.decompressobj()
    try:
        out = d.decompress(raw, limit + 1)
        over = len(out) > limit or bool(d.unconsumed_tail)  # a tail is left only when the limit was hit
    except zlib.error:
        # Damaged Flate data: keep what decodes (as qpdf and pypdf do), in bounded chunks.
        d, parts, size, over = zlib.decompressobj(), [], 0, False
        for i in range(0, len(raw), 4096):
            try:
                part = d.decompress(raw[i:i + 4096], limit + 1 - size)
            except zlib.error:
                break
            parts.append(part)
            size += len(part)
            if size > limit or d.unconsumed_tail:
                over = True
                break
        out = b"".join(parts)
    if over:
        raise StreamLimitError(f"Datenstrom entpackt größer als {limit} Byte")
    return out


def stream_bytes(stream: Any, limit: int) -> bytes | None:
    """The decoded data of a stream, never more than ``limit`` bytes (else StreamLimitError).

    Flate, ASCIIHex and ASCII85 are decoded here with a bounded zlib; other filters only when their
    worst-case expansion of the raw size stays under the limit. None when the data cannot be decoded.
    """
    length = stream.get("/Length")
    if isinstance(length, int) and length > limit:
        raise StreamLimitError(f"Datenstrom mit /Length {length} Byte")
    names, parms = _filters(stream)
    if len(names) > 4:
        return None
    data = bytes(stream.read_raw_bytes())
    if len(data) > limit:
        raise StreamLimitError(f"Datenstrom mit {len(data)} Byte")
    for k, name in enumerate(names):
        parm = parms[k] if k < len(parms) else None
        predictor = parm.get("/Predictor", 1) if isinstance(parm, pikepdf.Dictionary) else 1
        if name in ("/FlateDecode", "/Fl") and predictor in (None, 1):
            data = _inflate(data, limit)
        elif name in ("/ASCIIHexDecode", "/AHx"):
            hexa = re.sub(rb"\s+", b"", data.split(b">", 1)[0])
            try:
                data = binascii.unhexlify(hexa + b"0" * (len(hexa) % 2))
            except binascii.Error:
                return None
        elif name in ("/ASCII85Decode", "/A85"):
            a85 = data.strip().removeprefix(b"<~").split(b"~>", 1)[0]
            z = a85.count(b"z")
            if (len(a85) - z) * 4 // 5 + 4 * z > limit:  # 'z' stands for four zero bytes
                raise StreamLimitError(f"Datenstrom entpackt größer als {limit} Byte")
            try:
                data = base64.a85decode(a85, ignorechars=b" \t\n\r\x0b\x0c")
            except ValueError:
                return None
        else:
            if k != 0:
                return None  # qpdf decodes whole filter chains only
            bound = len(data)
            for n in names:
                bound *= _EXPANSION.get(n, limit + 1)
            if bound > limit:
                return None  # cannot prove it small: not decoded (real content streams are Flate)
            return bytes(stream.read_bytes())
        if len(data) > limit:
            raise StreamLimitError(f"Datenstrom entpackt größer als {limit} Byte")
    return data


def content_bytes(page: Any, limit: int) -> bytes | None:
    """A page's /Contents (one stream or an array of them) decoded, at most ``limit`` bytes in all."""
    contents = page.get("/Contents")
    if contents is None:
        return None
    if isinstance(contents, pikepdf.Stream):
        return stream_bytes(contents, limit)
    if not isinstance(contents, pikepdf.Array):
        return None
    parts: list[bytes] = []
    left = limit
    for k in range(min(len(contents), MAX_CONTENT_PARTS)):
        part = contents[k]
        if not isinstance(part, pikepdf.Stream):
            continue
        data = stream_bytes(part, left)
        if data is None:
            continue
        parts.append(data)
        left -= len(data) + 1
        if left < 0:
            raise StreamLimitError(f"Seiteninhalt größer als {limit} Byte")
    return b"\n".join(parts)


def harden_pdf_reader() -> None:
    """Tighten qpdf's process-wide limits for this execution context (called in each worker).

    The streams formkit decodes itself are bounded anyway (:func:`stream_bytes`);
    these limits cover what qpdf decodes on its own: object and cross-reference streams.
    """
    settings: Any = pikepdf.settings
    if not hasattr(settings, "set_qpdf_limits"):  # pikepdf < 10: qpdf's defaults apply
        return
    settings.set_qpdf_limits(
        doc_max_warnings=10_000,
        parser_max_container_size=MAX_CONTAINER,
        flate_max_memory=MAX_STREAM_BYTES,
        run_length_max_memory=MAX_STREAM_BYTES,
        png_max_memory=MAX_STREAM_BYTES,
        tiff_max_memory=MAX_STREAM_BYTES,
        dct_max_memory=MAX_STREAM_BYTES,
    )


def open_pdf(data: bytes) -> pikepdf.Pdf:
    """An open qpdf document (close it after use), or InputError with the reason it cannot be read."""
    if sniff(data) is not InputKind.PDF:  # the one test of what a file is
        raise InputError("leere Datei (0 Byte)" if not data else "keine PDF-Datei")
    try:
        pdf = pikepdf.Pdf.open(io.BytesIO(data))  # decrypts with the empty user password, repairs xref
    except pikepdf.PasswordError:
        raise InputError("verschlüsselte PDF-Datei (Passwort erforderlich)") from None
    except RecursionError:
        raise InputError("PDF-Struktur zu tief verschachtelt") from None
    except MemoryError:
        raise InputError("PDF-Datei sprengt die Speichergrenze") from None
    except OPEN_ERRORS as e:
        if b"/Encrypt" in data and "encrypt" in str(e).lower():
            raise InputError(f"verschlüsselte PDF-Datei, nicht lesbar ({type(e).__name__})") from None
        raise InputError(f"beschädigte PDF-Datei ({type(e).__name__})") from None
    try:
        n = len(pdf.pages)
        if n == 0:
            check_warnings(pdf.get_warnings())
            raise InputError("PDF-Datei ohne Seiten")
        if n > MAX_PAGES:
            raise InputError(f"zu viele Seiten ({n}, höchstens {MAX_PAGES})")
    except InputError:
        pdf.close()
        raise
    except RecursionError:
        pdf.close()
        raise InputError("PDF-Struktur zu tief verschachtelt") from None
    except OPEN_ERRORS as e:
        pdf.close()
        raise InputError(f"beschädigte PDF-Datei ({type(e).__name__})") from None
    return pdf


def check_warnings(warnings: Iterable[str]) -> None:
    """InputError when qpdf dropped part of the file at one of its limits (it only warns then)."""
    for w in warnings:
        if "deeply nested" in w:
            raise InputError("PDF-Struktur zu tief verschachtelt")
        m = re.search(r"limits error\(([\w-]+)\)|(\w+ memory limit exceeded)", w)
        # parser-max-errors: a damaged content stream, parsed as far as it goes (not an attack).
        if m and m.group(1) != "parser-max-errors":  # (the warning names the stream's address: left out)
            raise InputError(f"PDF-Datei überschreitet eine Sicherheitsgrenze: {m.group(1) or m.group(2)}")


def parent(node: Any) -> Any:
    """The /Parent dictionary of a field or page node, or None."""
    p = node.get("/Parent")
    return p if isinstance(p, pikepdf.Dictionary) else None


def inherited(node: Any, key: str) -> Any:
    """*key* of a field or page, inherited through at most MAX_FIELD_DEPTH parents; None when missing."""
    for _ in range(MAX_FIELD_DEPTH):
        value = node.get(key)
        if value is not None:
            return value
        node = parent(node)
        if node is None:
            return None
    return None
