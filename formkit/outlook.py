"""Outlook messages (``.msg``, dragged out of Outlook) into sources, like an ``.eml``.

A ``.msg`` is an OLE2 compound file of MAPI properties (MS-OXMSG). olefile (BSD, the reader that
the Python .msg tools build on) opens the container; the few properties formkit needs are read
here: a property stream per storage (fixed-size values: the delivery time, the attach method) and
one ``__substg1.0_<id><type>`` stream per variable-size value (strings, attachment bytes).
(extract-msg reads the same and much more, but is GPL-licensed; formkit is MIT.)

* received time: ``PR_MESSAGE_DELIVERY_TIME`` (when the office's mailbox got it), else the
  client submit time, else the Date of the internet headers;
* sender: the internet From where Outlook kept the transport headers, else the SMTP address of
  the sender properties (Exchange keeps an X.500 address in ``PR_SENDER_EMAIL_ADDRESS`` for
  internal senders, the SMTP one in ``PR_SENDER_SMTP_ADDRESS``);
* attachments: returns by name, MIME type or their first bytes (as for e-mail); a logo the HTML
  body shows inline is not one; an attached Outlook message (a forwarded return) is opened in turn.

A message that cannot be read is one error row, as for e-mail.
"""

from __future__ import annotations

import datetime as dt
import email.message
import email.parser
import email.policy
import email.utils
import hashlib
import io
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from formkit.archive import starts_as_zip, zip_sources
from formkit.ingest import (
    ATTACHMENT_SUFFIXES,
    ATTACHMENT_TYPES,
    MAIL_TEXT_CHARS,
    ZIP_TYPES,
    MailText,
    Source,
    mail_text_source,
)
from formkit.ingest import _error_source as error_source
from formkit.read.sniff import InputKind, sniff

MAX_DEPTH = 3  # forwarded messages inside messages: enough for real mail, bounded for hostile files
MAX_ATTACHMENTS = 500

# MAPI property ids (MS-OXPROPS) and types.
PR_TRANSPORT_HEADERS, PR_CLIENT_SUBMIT_TIME, PR_DELIVERY_TIME = 0x007D, 0x0039, 0x0E06
PR_SENDER_SMTP, PR_SENDER_EMAIL, PR_SENT_REPRESENTING_EMAIL = 0x5D01, 0x0C1F, 0x0065
PR_HTML = 0x1013
PR_ATTACH_DATA, PR_ATTACH_LONG_NAME, PR_ATTACH_NAME, PR_ATTACH_MIME, PR_ATTACH_CID, PR_ATTACH_METHOD = (
    0x3701, 0x3707, 0x3704, 0x370E, 0x3712, 0x3705)
PT_LONG, PT_SYSTIME, PT_STRING8, PT_UNICODE, PT_BINARY, PT_OBJECT = 0x0003, 0x0040, 0x001E, 0x001F, 0x0102, 0x000D
ATTACH_EMBEDDED_MSG = 5
_FILETIME_EPOCH = dt.datetime(1601, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class _Storage:
    """One message or attachment storage of the compound file."""

    ole: object  # olefile.OleFileIO
    path: tuple[str, ...]
    header: int  # bytes before the first property entry: 32 top level, 24 embedded message, 8 else

    def _stream(self, name: str) -> bytes | None:
        path = "/".join((*self.path, name))
        if not self.ole.exists(path):  # type: ignore[attr-defined]
            return None
        return bytes(self.ole.openstream(path).read())  # type: ignore[attr-defined]

    def fixed(self) -> dict[int, tuple[int, bytes]]:
        """Property id -> (type, the entry's 8 value bytes) from the property stream."""
        data = self._stream("__properties_version1.0") or b""
        out = {}
        for at in range(self.header, len(data) - 15, 16):
            tag, _flags, value = struct.unpack_from("<II8s", data, at)
            out[tag >> 16] = (tag & 0xFFFF, value)
        return out

    def text(self, prop: int) -> str:
        raw = self._stream(f"__substg1.0_{prop:04X}{PT_UNICODE:04X}")
        if raw is not None:
            return raw.decode("utf-16-le", "replace").rstrip("\x00")
        raw = self._stream(f"__substg1.0_{prop:04X}{PT_STRING8:04X}")
        return raw.decode("cp1252", "replace").rstrip("\x00") if raw is not None else ""

    def binary(self, prop: int) -> bytes | None:
        return self._stream(f"__substg1.0_{prop:04X}{PT_BINARY:04X}")

    def children(self, prefix: str) -> list[str]:
        names = {entry[len(self.path)] for entry in self.ole.listdir(streams=True, storages=True)  # type: ignore[attr-defined]
                 if len(entry) > len(self.path) and tuple(entry[:len(self.path)]) == self.path
                 and entry[len(self.path)].startswith(prefix)}
        return sorted(names)

    def sub(self, name: str, header: int) -> _Storage:
        return _Storage(self.ole, (*self.path, name), header)


def _filetime(value: bytes) -> dt.datetime | None:
    (ticks,) = struct.unpack("<Q", value)
    if not ticks:
        return None
    try:
        return _FILETIME_EPOCH + dt.timedelta(microseconds=ticks // 10)
    except OverflowError:
        return None


def _address(value: str) -> str:
    addr = email.utils.parseaddr(value)[1]
    return addr if "@" in addr else ""


def _headers(msg: _Storage) -> email.message.Message | None:
    text = msg.text(PR_TRANSPORT_HEADERS)
    return email.parser.HeaderParser(policy=email.policy.compat32).parsestr(text) if text else None


def msg_received(msg: _Storage) -> dt.datetime | None:
    fixed = msg.fixed()
    for prop in (PR_DELIVERY_TIME, PR_CLIENT_SUBMIT_TIME):
        if prop in fixed and fixed[prop][0] == PT_SYSTIME:
            t = _filetime(fixed[prop][1])
            if t is not None:
                return t
    headers = _headers(msg)
    if headers is not None and headers.get("Date"):
        try:
            t = email.utils.parsedate_to_datetime(str(headers["Date"]))
        except (TypeError, ValueError):
            return None
        return t if t.tzinfo else t.replace(tzinfo=dt.UTC)
    return None


def msg_sender(msg: _Storage) -> str:
    headers = _headers(msg)
    if headers is not None:
        found = _address(str(headers.get("From") or ""))
        if found:
            return found
    for prop in (PR_SENDER_SMTP, PR_SENDER_EMAIL, PR_SENT_REPRESENTING_EMAIL):
        found = _address(msg.text(prop))
        if found:
            return found
    return ""


def _inline_cids(msg: _Storage) -> set[str]:
    """Content-IDs an HTML body shows inline (logos, signatures): not returns."""
    html = msg.binary(PR_HTML)
    text = html.decode("utf-8", "replace") if html is not None else msg.text(PR_HTML)
    return {m.split('"')[0].split("'")[0].strip() for m in text.lower().split("cid:")[1:]}


def _usable_name(name: str, mime: str, data: bytes) -> str | None:
    if (mime.lower() in ZIP_TYPES or Path(name).suffix.lower() == ".zip") and starts_as_zip(data):
        return name if Path(name).suffix.lower() == ".zip" else f"{name or 'anhang'}.zip"  # unpacked
    sniffed = sniff(data)
    if mime.lower() in ATTACHMENT_TYPES or Path(name).suffix.lower() in ATTACHMENT_SUFFIXES or sniffed:
        return name or f"anhang{ATTACHMENT_TYPES.get(mime.lower()) or (sniffed.value if sniffed else '.bin')}"
    return None


def _message_sources(msg: _Storage, label: str, received: dt.datetime | None, sender: str,
                     depth: int) -> Iterator[Source]:
    cids = _inline_cids(msg)
    seen: dict[str, int] = {}
    for storage in msg.children("__attach_version1.0_#")[:MAX_ATTACHMENTS]:
        att = msg.sub(storage, 8)
        name = att.text(PR_ATTACH_LONG_NAME) or att.text(PR_ATTACH_NAME)
        method = att.fixed().get(PR_ATTACH_METHOD)
        if method is not None and struct.unpack_from("<I", method[1])[0] == ATTACH_EMBEDDED_MSG:
            inner = f"__substg1.0_{PR_ATTACH_DATA:04X}{PT_OBJECT:04X}"
            if depth < MAX_DEPTH and att.children(inner):
                yield from _message_sources(att.sub(inner, 24), f"{label}#{name or 'nachricht'}", received,
                                            sender, depth + 1)
            continue
        data = att.binary(PR_ATTACH_DATA)
        if data is None:
            continue
        usable = _usable_name(name, att.text(PR_ATTACH_MIME), data)
        cid = att.text(PR_ATTACH_CID).strip("<>").lower()
        if usable is None or (cid and cid in cids and sniff(data) is not InputKind.PDF):
            continue
        n = seen.get(usable, 0)
        seen[usable] = n + 1
        shown = usable if n == 0 else f"{usable}({n + 1})"
        if Path(usable).suffix.lower() == ".zip" and starts_as_zip(data):
            yield from zip_sources(data, f"{label}#{shown}", received, sender)
            continue
        yield Source(label=f"{label}#{shown}", sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                     data=data, received=received, sender=sender)


def msg_sources(raw: bytes, label: str) -> Iterator[Source]:
    """The sources of one ``.msg`` file; one error row when it cannot be read or has no return.

    Everything is read before anything is yielded, so a failure midway leaves no half.
    """
    import olefile  # imported here: only .msg inputs need it

    try:
        ole = olefile.OleFileIO(io.BytesIO(raw))
    except Exception as e:  # not an OLE2 file, a broken sector chain …
        yield error_source(label, f"Outlook-Nachricht nicht lesbar ({type(e).__name__})", raw)
        return
    try:
        msg = _Storage(ole, (), 32)
        if not ole.exists("__properties_version1.0"):
            raise ValueError("keine Outlook-Nachricht")
        received, sender = msg_received(msg), msg_sender(msg)
        sources = list(_message_sources(msg, label, received, sender, 0))
        # PR_SUBJECT, PR_BODY: a registration typed into the message (formkit.read.mailtext).
        text = MailText(sender, " ".join(msg.text(0x0037).split()), received,
                        msg.text(0x1000).replace("\r\n", "\n")[:MAIL_TEXT_CHARS])
    except Exception as e:  # one bad message never stops the batch
        yield error_source(label, f"Outlook-Nachricht nicht lesbar ({type(e).__name__})", raw)
        return
    finally:
        ole.close()
    if not sources:
        yield mail_text_source(label, raw, text)
        return
    yield from sources
