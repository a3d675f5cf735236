"""Reading the office mailbox over IMAP: every message in a folder is saved as an ``.eml`` file
(named by its content) and then moved to a folder for processed messages.

Idempotent and loss-free:

* a message is moved only after its file is on disk (and, in ``formkit fetch``, parsed into the
  store); a run stopped in between leaves it in the folder, and the next run takes it again: the
  file name is the SHA-256 of the message, so it is not saved twice, and the store knows its
  attachments by their SHA-256, so no record is added twice;
* nothing is deleted: the message is moved (IMAP MOVE); a server without MOVE gets a copy in the
  processed folder and the original keeps a ``$formkit`` keyword, by which it is skipped later;
* messages are fetched with BODY.PEEK: the office's read/unread marks stay as they were.
"""

from __future__ import annotations

import base64
import datetime as dt
import email
import email.policy
import hashlib
import imaplib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from formkit.errors import InputError, MailServerError, os_reason
from formkit.ingest import message_date
from formkit.mail.settings import Server

TAKEN = "$formkit"  # keyword on a message copied (not moved) to the processed folder
MAX_MESSAGE_BYTES = 100 * 1024 * 1024  # as ingest.MAX_FILE_BYTES: a registration mail is far smaller


@dataclass
class FetchSummary:
    saved: list[Path] = field(default_factory=list)  # new .eml files
    known: list[Path] = field(default_factory=list)  # already saved by an earlier run
    moved: int = 0
    too_big: list[str] = field(default_factory=list)  # UIDs left in the folder

    @property
    def files(self) -> list[Path]:
        return self.saved + self.known


def imap_utf7(name: str) -> str:
    """A folder name in IMAP's modified UTF-7 (RFC 3501 5.1.3): "Übernommen" -> "&ANw-bernommen"."""
    out: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            raw = "".join(buf).encode("utf-16-be")
            out.append("&" + base64.b64encode(raw).decode("ascii").rstrip("=").replace("/", ",") + "-")
            buf.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            buf.append(ch)
    flush()
    return "".join(out)


def _quoted(name: str) -> str:
    encoded = imap_utf7(name)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(result: tuple[str, list], what: str) -> list:
    typ, data = result
    if typ != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")
        raise MailServerError(f"IMAP: {what} fehlgeschlagen ({detail})")
    return data


def connect(server: Server) -> imaplib.IMAP4:
    ctx = server.ssl_context()
    try:
        conn: imaplib.IMAP4
        if server.security == "tls":
            conn = imaplib.IMAP4_SSL(server.host, server.port, ssl_context=ctx, timeout=60)
        else:
            conn = imaplib.IMAP4(server.host, server.port, timeout=60)
            conn.starttls(ssl_context=ctx)
    except (OSError, imaplib.IMAP4.error) as e:
        raise MailServerError(f"IMAP-Server {server.host}:{server.port} nicht erreichbar oder Verschlüsselung "
                              f"fehlgeschlagen ({e.__class__.__name__}: {e})") from None
    try:
        conn.login(server.user, server.password)
    except imaplib.IMAP4.error:
        conn.shutdown()
        raise MailServerError(f"{server.host}: Anmeldung als {server.user} abgelehnt (Benutzer/Passwort prüfen)") from None
    return conn


def _file_name(raw: bytes) -> str:
    """``2018-04-05-0930-<sha256 prefix>.eml``: sorted by receipt, the same message the same name."""
    digest = hashlib.sha256(raw).hexdigest()
    try:
        t = message_date(email.message_from_bytes(raw[:65536], policy=email.policy.compat32))
    except Exception:  # a header the parser cannot take: the name without a time
        t = None
    stamp = t.astimezone(dt.UTC).strftime("%Y-%m-%d-%H%M-") if t else ""
    return f"{stamp}{digest[:20]}.eml"


def _save(raw: bytes, into: Path) -> tuple[Path, bool]:
    path = into / _file_name(raw)
    if path.exists() and path.read_bytes() == raw:
        return path, False
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(raw)
    tmp.replace(path)
    return path, True


def fetch_messages(server: Server, folder: str, done_folder: str, into: Path,
                   process: Callable[[list[Path]], None] | None = None) -> FetchSummary:
    """Save every message of *folder* into *into*, call *process* with the files, then move the
    messages to *done_folder* (created when missing). See the module docstring."""
    if folder == done_folder:
        raise InputError("Eingangsordner und Ordner für verarbeitete Nachrichten müssen verschieden sein")
    try:
        into.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"{into}: Ordner lässt sich nicht anlegen ({os_reason(e)})") from None
    summary = FetchSummary()
    conn = connect(server)
    try:
        # Asked again after the login: servers announce MOVE and the like only to a logged-in client.
        caps = set(b" ".join(_check(conn.capability(), "CAPABILITY")).decode("ascii", "replace").upper().split())
        typ, _ = conn.select(_quoted(done_folder), readonly=True)
        if typ != "OK":
            _check(conn.create(_quoted(done_folder)), f"Ordner „{done_folder}“ anlegen")
        typ, data = conn.select(_quoted(folder))
        if typ != "OK":
            raise InputError(f"IMAP-Ordner „{folder}“ nicht gefunden auf {server.host}")
        uids = _check(conn.uid("SEARCH", "UNKEYWORD", TAKEN), "Suche")[0].split()
        taken: list[bytes] = []
        for uid in uids:
            size_data = _check(conn.uid("FETCH", uid, "(RFC822.SIZE)"), "Größe lesen")
            m = re.search(rb"RFC822\.SIZE (\d+)", b" ".join(x if isinstance(x, bytes) else x[0] for x in size_data
                                                             if x))
            if m and int(m[1]) > MAX_MESSAGE_BYTES:
                summary.too_big.append(uid.decode())
                continue
            parts = _check(conn.uid("FETCH", uid, "(BODY.PEEK[])"), "Nachricht lesen")
            raw = next((p[1] for p in parts if isinstance(p, tuple) and isinstance(p[1], bytes)), None)
            if raw is None:
                continue  # expunged by another client meanwhile
            path, new = _save(raw, into)
            (summary.saved if new else summary.known).append(path)
            taken.append(uid)
        if process is not None and summary.files:
            process(summary.files)  # before the move: a failure here leaves the messages in the folder
        if taken:
            uid_set = b",".join(taken).decode()
            if "MOVE" in caps:
                _check(conn.uid("MOVE", uid_set, _quoted(done_folder)), f"Verschieben nach „{done_folder}“")
            else:
                _check(conn.uid("COPY", uid_set, _quoted(done_folder)), f"Kopieren nach „{done_folder}“")
                _check(conn.uid("STORE", uid_set, "+FLAGS", f"({TAKEN})"), "Markieren")
            summary.moved = len(taken)
        conn.close()
    except (imaplib.IMAP4.error, OSError) as e:
        raise MailServerError(f"IMAP-Verbindung zu {server.host} abgebrochen ({e})") from None
    finally:
        try:
            conn.logout()
        except (imaplib.IMAP4.error, OSError):
            pass
    return summary
