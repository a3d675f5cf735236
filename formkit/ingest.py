"""Inputs into :class:`Source`s: files, folders (recursive), ZIP archives (:mod:`formkit.archive`) and e-mail (.eml, Outlook .msg, mbox, Maildir).

A source is one file, or one PDF/TIFF/PNG/JPEG attachment of a message, with its SHA-256, and for
attachments the message's date (the time the registration was received) and sender address; for a
fax TIFF saved as a file, the receipt time its fax server wrote into it (:mod:`formkit.faxtime`).
Something that yields no source (an unreadable file, a message that cannot be taken apart)
becomes a source with an ``error``, so that every input is accounted for. A message without a
usable attachment is a source of its text (:class:`MailText`): a registration typed into the body
is read from it (:mod:`formkit.read.mailtext`), anything else becomes a rejected row there.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import hashlib
import mailbox
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email.message import Message
from pathlib import Path

from formkit.errors import InputError, os_reason
from formkit.faxtime import fax_received
from formkit.read.limits import MAX_FILE_BYTES
from formkit.read.sniff import InputKind, sniff

ATTACHMENT_TYPES = {"application/pdf": ".pdf", "image/tiff": ".tif", "image/png": ".png", "image/jpeg": ".jpg",
                    "image/jpg": ".jpg", "image/pjpeg": ".jpg", "image/x-png": ".png"}
ATTACHMENT_SUFFIXES = {".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg"}
ZIP_TYPES = {"application/zip", "application/x-zip-compressed", "application/x-zip"}


# A message's text is read up to this many characters (a registration is a few lines; a long
# thread quoted below it adds nothing and is not kept).
MAIL_TEXT_CHARS = 20_000


@dataclass(frozen=True)
class MailText:
    """A message without a usable attachment: what a person needs to judge it, and what the
    reader of typed registrations reads (:mod:`formkit.read.mailtext`)."""

    sender: str
    subject: str
    date: dt.datetime | None
    body: str
    auto_reply: bool = False  # marked by its headers as sent by a machine (out of office …)


@dataclass(frozen=True)
class Source:
    """One thing to parse. Either ``path`` (read by the worker) or ``data`` is set, unless ``error`` is."""

    label: str  # the path as given, within the given folder, or "message#attachment"
    sha256: str
    size: int
    path: Path | None = None
    data: bytes | None = field(default=None, repr=False)
    received: dt.datetime | None = None
    sender: str = ""
    error: str | None = None
    # Modification time of a plain file: the receipt time of last resort (fax/e-mail time wins).
    file_time: dt.datetime | None = None
    skipped: str | None = None  # nothing to read here (an empty folder): the reason, for the summary
    mail: MailText | None = field(default=None, repr=False)  # a message's text (no attachment to read)


def sha256_file(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def escape_label(text: str) -> str:
    """A label that any store and CSV take: bytes that are not UTF-8 as ``\\xNN``, reversibly.

    File names on Linux are bytes (``bad\\xff.pdf``), and mail headers in 8-bit arrive with the
    same surrogate escapes; SQLite and CSV need valid UTF-8. Names that are valid UTF-8 without a
    backslash stay as written; a backslash is doubled so that :func:`unescape_label` gives back the
    exact bytes.
    """
    if "\\" not in text and not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    # Lone surrogates that are no escaped byte (only a broken decoder makes them) cannot be kept.
    text = "".join("\ufffd" if "\ud800" <= ch < "\udc80" or "\udcff" < ch <= "\udfff" else ch for ch in text)
    raw = text.encode("utf-8", "surrogateescape").replace(b"\\", b"\\\\")
    return raw.decode("utf-8", "backslashreplace")


def unescape_label(label: str) -> bytes:
    """The bytes of the name that :func:`escape_label` escaped (``os.fsdecode`` makes it a path)."""
    out = bytearray()
    for m in re.finditer(r"\\\\|\\x([0-9a-f]{2})|[^\\]+|\\", label):
        tok = m.group(0)
        out += b"\\" if tok == "\\\\" else bytes([int(m.group(1), 16)]) if m.group(1) else tok.encode("utf-8")
    return bytes(out)


def _error_source(label: str, reason: str, data: bytes = b"") -> Source:
    # Keyed by the label: the file's content is unknown or not what is being reported.
    label = escape_label(label)
    key = hashlib.sha256(b"formkit-error:" + label.encode("utf-8") + b":" + data).hexdigest()
    return Source(label=label, sha256=key, size=len(data), error=reason)


def repeat_of(src: Source, first: Source) -> Source:
    """The row of an input whose bytes an earlier input of the run already has: a rejection.

    Keyed by the label and the content (like an error source), so a re-run finds it stored
    and adds nothing, and the same name with new content is parsed afresh.
    """
    key = _error_source(src.label, "", src.sha256.encode("ascii")).sha256
    return replace(src, sha256=key, path=None, data=None, error=f"gleicher Inhalt wie {first.label}")


def is_maildir(path: Path) -> bool:
    try:
        return path.is_dir() and (path / "cur").is_dir() and (path / "new").is_dir()
    except OSError:  # an unreadable folder is not a Maildir; the walk reports it as unreadable
        return False


def is_mbox(path: Path) -> bool:
    if path.suffix.lower() == ".mbox":
        return True
    try:
        with path.open("rb") as f:
            head = f.read(5)
    except OSError:
        return False
    return head == b"From "


def iter_sources(inputs: list[Path]) -> Iterator[Source]:
    """Sources of every input, in a stable order (inputs as given, folder contents sorted)."""
    for given in inputs:
        if not given.exists():
            raise InputError(f"{given}: nicht gefunden")
        if is_maildir(given):
            yield from _maildir(given, str(given))
        elif given.is_dir():
            yield from _folder(given)
        else:
            yield from _file(given, str(given))


def _folder(root: Path) -> Iterator[Source]:
    """Every path below *root*: a source, a rejected row (unreadable folder, link to a folder) or,
    for an empty folder, a skip with its reason; nothing is passed over in silence."""
    errors: list[OSError] = []

    def rel(p: Path | str) -> str:
        r = Path(p).relative_to(root).as_posix()
        return str(root) if r in ("", ".") else r  # the folder itself: as the user gave it

    def unreadable() -> Iterator[Source]:
        while errors:
            e = errors.pop(0)
            where = rel(e.filename) if e.filename else str(root)
            yield _error_source(where, f"Ordner nicht lesbar ({os_reason(e)})")

    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append, followlinks=False):
        yield from unreadable()
        here = Path(dirpath)
        if not dirnames and not filenames:
            yield _skip_source(rel(here), "leerer Ordner")
            continue
        links = {d for d in dirnames if (here / d).is_symlink()}
        for d in sorted(links):
            yield _error_source(rel(here / d), "Verknüpfung auf einen Ordner (wird nicht verfolgt; "
                                               "bitte den Ordner selbst angeben)")
        maildirs = [d for d in dirnames if d not in links and is_maildir(here / d)]
        for d in sorted(maildirs):
            yield from _maildir(here / d, rel(here / d))
        dirnames[:] = sorted(d for d in dirnames if d not in maildirs and d not in links)
        for name in sorted(filenames):
            p = here / name
            yield from _file(p, rel(p))
    yield from unreadable()


def _skip_source(label: str, reason: str) -> Source:
    """A path that holds nothing to read (an empty folder): counted in the summary, not stored."""
    s = _error_source(label, reason)
    return replace(s, error=None, skipped=reason)


def _file(path: Path, label: str) -> Iterator[Source]:
    try:
        if path.is_symlink() and not path.exists():
            yield _error_source(label, "Verknüpfung ins Leere")
            return
        if not path.is_file():
            yield _error_source(label, "keine reguläre Datei")
            return
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            yield _error_source(label, f"Datei zu groß ({size // (1024 * 1024)} MB, höchstens "
                                       f"{MAX_FILE_BYTES // (1024 * 1024)} MB)")
            return
        suffix = path.suffix.lower()
        if suffix == ".eml":
            yield from _parsed(path.read_bytes(), label)
            return
        if suffix == ".msg":
            from formkit.outlook import msg_sources

            yield from msg_sources(path.read_bytes(), label)
            return
        if suffix != ".pdf" and is_mbox(path):
            yield from _mbox(path, label)
            return
        mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
        if suffix == ".zip":
            from formkit.archive import is_zip, zip_sources

            data = path.read_bytes()
            if is_zip(path.name, data[:4]):
                yield from zip_sources(data, label, file_time=mtime)
                return
        digest, size = sha256_file(path)
    except OSError as e:
        yield _error_source(label, f"Datei nicht lesbar ({os_reason(e)})")
        return
    yield Source(label=escape_label(label), sha256=digest, size=size, path=path, file_time=mtime,
                 received=fax_received(path))


def _parsed(raw: bytes, label: str) -> Iterator[Source]:
    """The sources of one message; a message that cannot be taken apart is one error row.

    Header parsing of the stdlib raises on hostile input (AttributeError, IndexError, ValueError …);
    all of a message is read before anything is yielded, so a failure midway leaves no half.
    """
    try:
        sources = list(_message(email.message_from_bytes(raw, policy=email.policy.default), label, raw))
    except Exception as e:  # one bad message never stops the batch
        yield _error_source(label, f"E-Mail nicht lesbar ({type(e).__name__})", raw)
        return
    yield from sources


def _unreadable_message(label: str, e: Exception) -> Source:
    reason = os_reason(e) if isinstance(e, OSError) else type(e).__name__
    return _error_source(label, f"E-Mail nicht lesbar ({reason})")


def _box_message(box: mailbox.Mailbox, key: str, label: str) -> Iterator[Source]:
    """One message of a mailbox; a message that cannot be fetched is one row, the box goes on."""
    try:
        raw = box.get_bytes(key)
    except Exception as e:
        yield _unreadable_message(label, e)
        return
    yield from _parsed(raw, label)


# A header line ("Return-Path: <…>", "Received: from …"): what follows a message separator.
_HEADER = re.compile(rb"^[!-9;-~]+:")


def split_mbox(data: bytes) -> list[bytes]:
    """The messages of an mbox; a malformed separator still starts a new message.

    A separator is a line ``From …`` followed by a header line (a ``From`` line in a body that
    a writer failed to escape is text), or, at the start or after an empty line and followed by
    a header line, a line that begins ``From`` but is broken (``From``
    alone, ``From_…``, ``From\\t…``): the stdlib would glue that message onto the one before,
    where its attachments end up in the epilogue of a closed multipart and in no row.
    """
    lines = data.splitlines(keepends=True)
    messages: list[list[bytes]] = []
    current: list[bytes] | None = None
    for i, line in enumerate(lines):
        header_next = i + 1 < len(lines) and bool(_HEADER.match(lines[i + 1]))
        after_blank = i == 0 or not lines[i - 1].strip()
        proper = line.startswith(b"From ") and header_next
        broken = after_blank and header_next and line.startswith(b"From") and not line.startswith(b"From:")
        if proper or broken:
            current = []
            messages.append(current)
        elif current is None:  # text before the first separator: a message of its own
            current = [line]
            messages.append(current)
        else:
            current.append(line)
    return [b"".join(m) for m in messages]


def _mbox(path: Path, label: str) -> Iterator[Source]:
    try:
        data = path.read_bytes()
    except OSError as e:
        yield _unreadable_message(label, e)
        return
    for i, raw in enumerate(split_mbox(data), start=1):
        yield from _parsed(raw, f"{label}#{i}")


def _maildir(path: Path, label: str) -> Iterator[Source]:
    box = mailbox.Maildir(str(path), factory=None, create=False)
    entries = []
    for key in list(box.iterkeys()):
        sub = "new" if (path / "new" / key).exists() else "cur"
        names = [n for n in os.listdir(path / sub) if n.split(":", 1)[0] == key] if (path / sub).is_dir() else []
        entries.append((f"{sub}/{names[0] if names else key}", key))
    for rel, key in sorted(entries):
        yield from _box_message(box, key, f"{label}/{rel}")


def message_date(msg: Message) -> dt.datetime | None:
    """The Date header as an aware time; None when missing or not parseable (of any malformation)."""
    try:
        value = msg.get("Date")
        if not value:
            return None
        t = email.utils.parsedate_to_datetime(str(value))
    except Exception:  # the stdlib header parser raises more than ValueError on hostile input
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def message_sender(msg: Message) -> str:
    """The From address; "" when missing or not parseable (``From: :;>`` raises AttributeError)."""
    try:
        value = msg.get("From")
        if not value:
            return ""
        return email.utils.parseaddr(str(value))[1]
    except Exception:
        return ""


def _filename(part: Message) -> str:
    try:
        return part.get_filename() or ""
    except Exception:  # a malformed Content-Disposition/Content-Type parameter
        return ""


def _referenced_cids(msg: Message) -> set[str]:
    """Content-IDs that an HTML body shows inline (logos, signatures): not returns."""
    out: set[str] = set()
    for part in msg.walk():
        if part.get_content_type() != "text/html":
            continue
        try:
            html = part.get_payload(decode=True)
        except (ValueError, TypeError):
            continue
        if isinstance(html, bytes):
            text = html.decode("utf-8", "replace").lower()
            out.update(m.strip() for m in text.split("cid:")[1:] for m in [m.split('"')[0].split("'")[0]])
    return out


def _payload(part: Message) -> bytes | None:
    try:
        payload = part.get_payload(decode=True)
    except (ValueError, TypeError, AssertionError):
        return None
    return payload if isinstance(payload, bytes) else None


def _is_usable(part: Message, inline_cids: set[str]) -> tuple[bool, str]:
    """Whether a part is a return (by type, name, or else its bytes), and its file name."""
    ctype = part.get_content_type().lower()
    if ctype.startswith("multipart/") or ctype == "message/rfc822":
        return False, ""
    filename = _filename(part)
    suffix = Path(filename).suffix.lower()
    if ctype in ZIP_TYPES or suffix == ".zip":
        from formkit.archive import starts_as_zip

        if starts_as_zip(_payload(part) or b""):  # named .zip whatever it was called: unpacked
            return True, filename if suffix == ".zip" else f"{filename or 'anhang'}.zip"
    sniffed: InputKind | None = None
    if ctype not in ATTACHMENT_TYPES and suffix not in ATTACHMENT_SUFFIXES:
        if ctype.startswith("text/"):
            return False, ""
        sniffed = sniff(_payload(part) or b"")
        if sniffed is None:
            return False, ""
    cid = str(part.get("Content-ID") or "").strip().strip("<>").lower()
    if cid and cid in inline_cids and (ctype.startswith("image/") or (sniffed is not None and sniffed.is_image)):
        return False, ""  # a logo shown in the HTML body
    return True, filename or f"anhang{ATTACHMENT_TYPES.get(ctype) or (sniffed.value if sniffed else '.bin')}"


def _message(msg: Message, label: str, raw: bytes) -> Iterator[Source]:
    received, sender = message_date(msg), message_sender(msg)
    found = 0
    seen_names: dict[str, int] = {}
    inline_cids = _referenced_cids(msg)
    for part in msg.walk():
        usable, filename = _is_usable(part, inline_cids)
        if not usable:
            continue
        payload = _payload(part)
        n = seen_names.get(filename, 0)
        seen_names[filename] = n + 1
        name = filename if n == 0 else f"{filename}({n + 1})"
        found += 1
        if payload is None:
            yield _error_source(f"{label}#{name}", "Anhang nicht lesbar")
            continue
        from formkit.archive import starts_as_zip, zip_sources

        if Path(filename).suffix.lower() == ".zip" and starts_as_zip(payload):
            yield from zip_sources(payload, f"{label}#{name}", received, sender)
            continue
        yield Source(label=escape_label(f"{label}#{name}"), sha256=hashlib.sha256(payload).hexdigest(),
                     size=len(payload),
                     data=payload, received=received, sender=sender)
    if not found:
        yield mail_text_source(label, raw, MailText(sender, _subject(msg), received, _body(msg), _auto_reply(msg)))


def mail_text_source(label: str, raw: bytes, mail: MailText) -> Source:
    """The source of a message's text, keyed by the message's bytes (a re-run finds it stored)."""
    key = hashlib.sha256(b"formkit-mailtext:" + raw).hexdigest()
    return Source(label=escape_label(label), sha256=key, size=len(raw), received=mail.date, sender=mail.sender,
                  mail=mail)


def _subject(msg: Message) -> str:
    try:
        return " ".join(str(msg.get("Subject") or "").split())
    except Exception:  # a malformed encoded word
        return ""


# Headers by which mail systems mark a message no person wrote (RFC 3834 and common practice).
_AUTO_HEADERS = ("X-Autoreply", "X-Autorespond")


def _auto_reply(msg: Message) -> bool:
    try:
        auto = str(msg.get("Auto-Submitted") or "").strip().lower()
        precedence = str(msg.get("Precedence") or "").strip().lower()
        return (bool(auto) and auto != "no") or precedence == "auto_reply" \
            or any(msg.get(h) is not None for h in _AUTO_HEADERS)
    except Exception:
        return False


def _body(msg: Message) -> str:
    """The message's text: its plain part, else its HTML part without tags; at most MAIL_TEXT_CHARS."""
    plain: str | None = None
    html: str | None = None
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype not in ("text/plain", "text/html") or _filename(part):
            continue
        payload = _payload(part)
        if payload is None:
            continue
        try:
            charset = part.get_content_charset() or "utf-8"
            text = payload.decode(charset, "replace")
        except LookupError:  # an unknown charset name
            text = payload.decode("utf-8", "replace")
        if ctype == "text/plain" and plain is None:
            plain = text
        elif ctype == "text/html" and html is None:
            html = text
    if plain is None and html is not None:
        import html as html_lib

        text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
        text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</tr>|</li>", "\n", text)
        plain = html_lib.unescape(re.sub(r"<[^>]+>", " ", text))
    text = (plain or "").replace("\r\n", "\n").replace("\r", "\n")
    return text[:MAIL_TEXT_CHARS]
