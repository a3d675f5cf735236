"""CSV export of records: a fixed column order, two dialects, safe against formula injection.

Contract: the first columns are, in this order, ``source, page, status, reason, method,
recipient_id, name, institution, address, phone, email, venue``; further columns follow.
``excel-de`` is what German Excel opens correctly by double-click (``;``, UTF-8 with BOM);
``rfc4180`` (the default) is ``,`` and UTF-8 without BOM, lines ending in CRLF.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from formkit.errors import InputError, os_reason
from formkit.records import Record
from formkit.safefile import write_bytes

Dialect = Literal["rfc4180", "excel-de"]
DIALECTS: tuple[str, ...] = ("rfc4180", "excel-de")

COLUMNS = ("source", "page", "status", "reason", "method", "recipient_id", "name", "institution", "address",
           "phone", "email", "venue")
EXTRA_COLUMNS = ("date", "confidence", "match_id", "match_score", "received", "sender", "sha256", "layout",
                 "campaign")
ALL_COLUMNS = COLUMNS + EXTRA_COLUMNS

# A cell starting with one of these is taken as a formula by Excel/LibreOffice/Sheets.
_FORMULA_START = frozenset("=+-@\t\r\n")
# Look-alikes a spreadsheet or a later NFKC step may read as one of them; NFKC itself maps the
# fullwidth (＝ ＋ － ＠), small (﹦ ﹢ ﹣ ﹫) and super-/subscript (⁺ ₊ ⁼ ₌) forms.
_LOOKALIKES = frozenset("\u2212\u2795\u2796\u02d6\u02d7\u2010\u2011\u2012\u2013\u2014\u2015\ufe58\u207b\u208b")


def is_formula(value: str) -> bool:
    """Whether a spreadsheet could take *value* as a formula: its first visible character (after
    spaces and invisible format characters such as U+200B or U+FEFF) is ``= + - @`` or a look-alike."""
    for ch in value:
        if ch in _FORMULA_START:
            return True
        if ch.isspace() or unicodedata.category(ch) == "Cf":
            continue
        return ch in _LOOKALIKES or unicodedata.normalize("NFKC", ch)[:1] in _FORMULA_START
    return False


def safe_cell(value: str) -> str:
    """Neutralise a formula by a leading apostrophe; lossless: strip one leading ' to get the original.

    The one neutraliser for every spreadsheet output (CSV, manifest, letters list, xlsx). A value
    that itself starts with an apostrophe gets one more, so the rule stays reversible.
    """
    if value.startswith("'") or is_formula(value):
        return "'" + value
    return value


def unsafe_cell(value: str) -> str:
    """The inverse of :func:`safe_cell`."""
    return value[1:] if value.startswith("'") else value


def row(rec: Record) -> dict[str, str]:
    """The CSV contract's row of *rec*: every cell neutralised against formulas."""
    return {k: safe_cell(val) for k, val in plain_row(rec).items()}


def plain_row(rec: Record) -> dict[str, str]:
    """The row's values as read, for outputs that type their cells (the Excel workbook)."""
    p, v = rec.provenance, rec.values
    return {
        "source": p.source,
        "page": str(p.page) if p.page else "",
        "status": rec.status,
        "reason": rec.reason,
        "method": p.method,
        "recipient_id": rec.recipient_id,
        "name": v.get("name", ""),
        "institution": v.get("institution", ""),
        "address": v.get("address", ""),
        "phone": v.get("phone", ""),
        "email": v.get("email", ""),
        "venue": v.get("venue", ""),
        "date": v.get("date", ""),
        "confidence": "" if rec.confidence is None else f"{rec.confidence:.3f}",
        "match_id": rec.match.recipient_id if rec.match else "",
        "match_score": f"{rec.match.score:.1f}" if rec.match else "",
        "received": p.received.isoformat() if p.received else "",
        "sender": p.sender,
        "sha256": p.sha256,
        "layout": f"{p.layout_id} v{p.layout_version}" if p.layout_id else "",
        "campaign": p.campaign,
    }


def write_csv(records: Iterable[Record], target: Path | io.StringIO, dialect: Dialect = "rfc4180") -> int:
    """Write *records*; returns the number of rows. A file target is replaced atomically."""
    if dialect not in DIALECTS:
        raise ValueError(dialect)
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=ALL_COLUMNS, delimiter=";" if dialect == "excel-de" else ",",
                            quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writeheader()
    n = 0
    for rec in records:
        writer.writerow(row(rec))
        n += 1
    text = buf.getvalue()
    if isinstance(target, io.StringIO):
        target.write(text)
        return n
    check_writable(target)
    try:
        write_bytes(target, text.encode("utf-8-sig" if dialect == "excel-de" else "utf-8"))
    except OSError as e:
        raise _not_writable(target, e) from None
    return n


def check_writable(target: Path, what: str = "CSV-Datei") -> None:
    """Create the folder of *target*; an :class:`InputError` naming the path if it cannot be written there."""
    try:
        for parent in target.parents:  # a file where a folder should be: say so (mkdir says 'exists')
            if parent.exists():
                if not parent.is_dir():
                    raise NotADirectoryError(errno.ENOTDIR, "kein Ordner")
                break
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, "ist ein Ordner")
        if not os.access(target.parent, os.W_OK):
            raise PermissionError(errno.EACCES, "keine Schreibberechtigung")
    except OSError as e:
        raise _not_writable(target, e, what) from None


def _not_writable(target: Path, e: OSError, what: str = "CSV-Datei") -> InputError:
    return InputError(f"{target}: {what} lässt sich nicht schreiben ({os_reason(e)})")
