"""Outlook messages (``.msg``, dragged out of Outlook) into sources, like an ``.eml``.

A ``.msg`` is an OLE2 compound file of MAPI properties (MS-OXMSG), read with extract-msg. The
received time is the message's delivery time (``PR_MESSAGE_DELIVERY_TIME``: when the office's
mailbox got it), else its Date; the sender is the internet From where Outlook kept the transport
headers, else the SMTP address of the sender properties (Exchange keeps an X.500 address in
``PR_SENDER_EMAIL_ADDRESS`` for internal senders, the SMTP one in ``PR_SENDER_SMTP_ADDRESS``).
Attachments are returns by name, MIME type or their first bytes (as for e-mail); an attached
Outlook message (a forwarded return) is opened in turn. A message that cannot be read is one
error row, as for e-mail.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from formkit.ingest import ATTACHMENT_SUFFIXES, ATTACHMENT_TYPES, Source, sniff_type
from formkit.ingest import _error_source as error_source

MAX_DEPTH = 3  # forwarded messages inside messages: enough for real mail, bounded for hostile files


def _address(value: str) -> str:
    addr = email.utils.parseaddr(value)[1]
    return addr if "@" in addr else ""


def msg_sender(msg: Any) -> str:
    header = getattr(msg, "header", None)
    if header is not None:
        found = _address(str(header.get("From") or ""))
        if found:
            return found
    for stream in ("__substg1.0_5D01", "__substg1.0_0C1F", "__substg1.0_0065"):
        value = msg.getStringStream(stream)
        if value and _address(value):
            return _address(value)
    return _address(str(getattr(msg, "sender", "") or ""))


def msg_received(msg: Any) -> dt.datetime | None:
    for attr in ("receivedTime", "date"):
        try:
            t = getattr(msg, attr)
        except Exception:  # a malformed time property or Date header
            continue
        if isinstance(t, dt.datetime):
            return t if t.tzinfo else t.replace(tzinfo=dt.UTC)
    return None


def _is_usable(name: str, mime: str, data: bytes) -> tuple[bool, str]:
    suffix = Path(name).suffix.lower()
    sniffed = sniff_type(data[:1024])
    if mime.lower() in ATTACHMENT_TYPES or suffix in ATTACHMENT_SUFFIXES or sniffed:
        return True, name or f"anhang{ATTACHMENT_TYPES.get(mime.lower()) or sniffed or '.bin'}"
    return False, ""


def _inline_cids(msg: Any) -> set[str]:
    """Content-IDs an HTML body shows inline (logos, signatures): not returns."""
    try:
        html = msg.htmlBody
    except Exception:
        return set()
    if not isinstance(html, bytes):
        return set()
    text = html.decode("utf-8", "replace").lower()
    return {m.split('"')[0].split("'")[0].strip() for m in text.split("cid:")[1:]}


def _message_sources(msg: Any, label: str, received: dt.datetime | None, sender: str,
                     depth: int) -> Iterator[Source]:
    cids = _inline_cids(msg)
    seen: dict[str, int] = {}
    for att in msg.attachments:
        data = att.data
        name = str(getattr(att, "longFilename", None) or getattr(att, "shortFilename", None) or "")
        if hasattr(data, "attachments"):  # an attached Outlook message
            if depth < MAX_DEPTH:
                yield from _message_sources(data, f"{label}#{name or 'nachricht'}", received, sender, depth + 1)
            continue
        if not isinstance(data, bytes):
            continue
        usable, name = _is_usable(name, str(getattr(att, "mimetype", None) or ""), data)
        cid = str(getattr(att, "cid", None) or getattr(att, "contentId", None) or "").strip("<>").lower()
        if not usable or (cid and cid in cids and sniff_type(data[:1024]) != ".pdf"):
            continue
        n = seen.get(name, 0)
        seen[name] = n + 1
        shown = name if n == 0 else f"{name}({n + 1})"
        yield Source(label=f"{label}#{shown}", sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                     data=data, received=received, sender=sender)


def msg_sources(raw: bytes, label: str) -> Iterator[Source]:
    """The sources of one ``.msg`` file; one error row when it cannot be read or has no return.

    Everything is read before anything is yielded, so a failure midway leaves no half.
    """
    import extract_msg  # imported here: only .msg inputs need it

    try:
        msg = extract_msg.openMsg(raw, delayAttachments=False)
    except Exception as e:  # not an OLE2 file, not a message, a broken property stream …
        yield error_source(label, f"Outlook-Nachricht nicht lesbar ({type(e).__name__})", raw)
        return
    try:
        received, sender = msg_received(msg), msg_sender(msg)
        sources = list(_message_sources(msg, label, received, sender, 0))
    except Exception as e:  # one bad message never stops the batch
        yield error_source(label, f"Outlook-Nachricht nicht lesbar ({type(e).__name__})", raw)
        return
    finally:
        msg.close()
    if not sources:
        s = error_source(label, "E-Mail ohne PDF- oder Bildanhang", raw)
        yield Source(label=s.label, sha256=s.sha256, size=s.size, received=received, sender=sender, error=s.error)
        return
    yield from sources
