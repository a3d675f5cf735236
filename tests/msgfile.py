"""Outlook .msg files made on the spot (MS-OXMSG): the property streams are written here, the OLE2
compound file around them by libgsf's ``gsf createole`` (installed by scripts/setup-system.sh),
so no binary of unknown origin is kept in the repository."""

from __future__ import annotations

import datetime as dt
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

PT_LONG, PT_SYSTIME, PT_UNICODE, PT_BINARY = 0x0003, 0x0040, 0x001F, 0x0102
_EPOCH = dt.datetime(1601, 1, 1, tzinfo=dt.UTC)


def have_gsf() -> bool:
    return shutil.which("gsf") is not None


def _filetime(t: dt.datetime) -> int:
    return int((t - _EPOCH).total_seconds() * 10_000_000)


def _props(header: bytes, entries: list[tuple[int, int, bytes | int | dt.datetime]]) -> bytes:
    """A __properties_version1.0 stream: *header*, then 16 bytes per property (MS-OXMSG 2.4.2)."""
    out = bytearray(header)
    for prop_id, ptype, value in entries:
        tag = (prop_id << 16) | ptype
        if ptype == PT_LONG:
            assert isinstance(value, int)
            body = struct.pack("<I4x", value)
        elif ptype == PT_SYSTIME:
            assert isinstance(value, dt.datetime)
            body = struct.pack("<Q", _filetime(value))
        else:  # variable length: the size here, the value in its own __substg1.0_ stream
            assert isinstance(value, bytes)
            body = struct.pack("<I4x", len(value) + (2 if ptype == PT_UNICODE else 0))
        out += struct.pack("<II", tag, 0x6) + body
    return bytes(out)


def _write_storage(folder: Path, header: bytes,
                   props: list[tuple[int, int, bytes | int | dt.datetime]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for prop_id, ptype, value in props:
        if isinstance(value, bytes):
            (folder / f"__substg1.0_{prop_id:04X}{ptype:04X}").write_bytes(value)
    (folder / "__properties_version1.0").write_bytes(_props(header, props))


def _attachments(folder: Path, attachments: list[tuple[str, str, bytes]]) -> None:
    for i, (name, mime, data) in enumerate(attachments):
        _write_storage(folder / f"__attach_version1.0_#{i:08X}", bytes(8), [
            (0x3705, PT_LONG, 1),               # attached by value
            (0x3701, PT_BINARY, data),
            (0x3707, PT_UNICODE, _text(name)),  # long file name
            (0x3704, PT_UNICODE, _text(name[:12])),
            (0x370E, PT_UNICODE, _text(mime)),
            (0x0E21, PT_LONG, i),
        ])


def _text(s: str) -> bytes:
    return s.encode("utf-16-le")


def make_msg(target: Path, subject: str, sender: str, sender_name: str, delivered: dt.datetime,
             attachments: list[tuple[str, str, bytes]], body: str = "Anbei meine Anmeldung.",
             headers: str | None = None,
             forwarded: list[tuple[str, str, bytes]] | None = None) -> Path:
    """Write an Outlook message to *target*; *attachments* are (file name, MIME type, bytes).

    *headers* are the internet transport headers Outlook keeps for a message that came by SMTP
    (None: a message sent inside Exchange, which has none). *forwarded* attaches an Outlook
    message with those attachments (a forwarded return).
    """
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "msg"
        props: list[tuple[int, int, bytes | int | dt.datetime]] = [
            (0x001A, PT_UNICODE, _text("IPM.Note")),
            (0x0037, PT_UNICODE, _text(subject)),
            (0x0C1A, PT_UNICODE, _text(sender_name)),
            (0x0C1E, PT_UNICODE, _text("SMTP")),
            (0x0C1F, PT_UNICODE, _text(sender)),
            (0x1000, PT_UNICODE, _text(body)),
            (0x0E06, PT_SYSTIME, delivered),   # PR_MESSAGE_DELIVERY_TIME
            (0x0039, PT_SYSTIME, delivered),   # PR_CLIENT_SUBMIT_TIME
        ]
        if headers is not None:
            props.append((0x007D, PT_UNICODE, _text(headers)))
        n = len(attachments) + (forwarded is not None)
        _write_storage(root, struct.pack("<8xIIII8x", 1, n, 1, n), props)
        _write_storage(root / "__recip_version1.0_#00000000", bytes(8), [
            (0x3001, PT_UNICODE, _text("Anmeldung Regionaltreffen")),
            (0x3003, PT_UNICODE, _text("anmeldung@example.org")),
            (0x0C15, PT_LONG, 1),
        ])
        _attachments(root, attachments)
        if forwarded is not None:  # an attached Outlook message: method 5, the message in a sub-storage
            at = root / f"__attach_version1.0_#{n - 1:08X}"
            _write_storage(at, bytes(8), [(0x3705, PT_LONG, 5), (0x3707, PT_UNICODE, _text("Weitergeleitet.msg"))])
            inner = at / "__substg1.0_3701000D"
            _write_storage(inner, struct.pack("<8xIIII", 0, len(forwarded), 0, len(forwarded)), [
                (0x001A, PT_UNICODE, _text("IPM.Note")), (0x0037, PT_UNICODE, _text("Anmeldung"))])
            _attachments(inner, forwarded)
        (root / "__nameid_version1.0").mkdir()
        for stream in ("00020102", "00030102", "00040102"):
            (root / "__nameid_version1.0" / f"__substg1.0_{stream}").write_bytes(b"")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        entries = sorted(p.name for p in root.iterdir())
        subprocess.run(["gsf", "createole", str(target.resolve()), *entries], cwd=root, check=True,
                       capture_output=True)
    return target
