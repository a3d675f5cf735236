"""Sending the planned messages: over SMTP (STARTTLS or TLS, login), or as ``.eml`` files for a
dry run; at most ``rate`` messages a minute; every message logged in the store's send log.

A message whose key the log has as ``sent`` is never sent again; one left ``sending`` by a run
that was stopped mid-transaction is reported, not sent (it may have gone out); ``failed`` ones
(refused by the server) are tried again. A dry run writes files only and leaves the log alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import smtplib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from formkit.errors import InputError, MailServerError, os_reason
from formkit.filenames import slugify
from formkit.mail.compose import Outgoing, Sender, Skipped, build_message
from formkit.mail.settings import Server
from formkit.store import SendLogEntry, Store

DEFAULT_RATE = 30  # messages a minute: below what office mail servers throttle (Exchange: 30/min)


@dataclass
class SendSummary:
    sent: list[Outgoing] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)  # dry run: the .eml files
    already: list[Outgoing] = field(default_factory=list)
    unclear: list[Outgoing] = field(default_factory=list)
    failed: list[tuple[Outgoing, str]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


class RateLimit:
    """At most *per_minute* calls of :meth:`wait` a minute, spread evenly."""

    def __init__(self, per_minute: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = 60.0 / per_minute
        self.clock, self.sleep = clock, sleep
        self.next_at: float | None = None

    def wait(self) -> None:
        now = self.clock()
        if self.next_at is not None and now < self.next_at:
            self.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + self.interval


def _connect(server: Server) -> smtplib.SMTP:
    ctx = server.ssl_context()
    try:
        conn: smtplib.SMTP
        if server.security == "tls":
            conn = smtplib.SMTP_SSL(server.host, server.port, timeout=60, context=ctx)
        else:
            conn = smtplib.SMTP(server.host, server.port, timeout=60)
            conn.ehlo()
            if not conn.has_extn("starttls"):
                conn.quit()
                raise MailServerError(f"{server.host}:{server.port} bietet kein STARTTLS an: "
                                      "unverschlüsselt wird nicht gesendet (FORMKIT_SMTP_SECURITY=tls?)")
            conn.starttls(context=ctx)
            conn.ehlo()
        conn.login(server.user, server.password)
        return conn
    except smtplib.SMTPAuthenticationError:
        raise MailServerError(f"{server.host}: Anmeldung als {server.user} abgelehnt (Benutzer/Passwort prüfen)") from None
    except (smtplib.SMTPException, OSError) as e:
        raise MailServerError(f"Mailserver {server.host}:{server.port} nicht erreichbar oder Verschlüsselung "
                              f"fehlgeschlagen ({e.__class__.__name__}: {e})") from None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _entry(item: Outgoing, msg: EmailMessage, data: bytes, status: str, reason: str = "") -> SendLogEntry:
    return SendLogEntry(item.key, item.kind, item.address, item.subject, item.attachment.name,
                        hashlib.sha256(data).hexdigest(), str(msg["Message-ID"]), status, reason, _now())


def _attachment(item: Outgoing) -> bytes:
    try:
        return item.attachment.read_bytes()
    except OSError as e:
        raise InputError(f"{item.attachment}: Anhang nicht lesbar ({os_reason(e)})") from None


def send_all(items: Sequence[Outgoing], sender: Sender, store: Store | None, server: Server | None = None,
             dry_run: Path | None = None, rate: float = DEFAULT_RATE,
             limiter: RateLimit | None = None,
             progress: Callable[[Outgoing, str], None] | None = None) -> SendSummary:
    """Send *items* (or, with *dry_run*, write them as .eml files there); see the module docstring.

    *store* holds the send log (required to send; a dry run without one previews everything).
    """
    if dry_run is None and (server is None or store is None):
        raise ValueError("sending needs a server and a store")
    summary = SendSummary()
    todo: list[Outgoing] = []
    for item in items:
        logged = store.send_log(item.key) if store is not None else None
        if logged is not None and logged.status == "sent":
            summary.already.append(item)
        elif logged is not None and logged.status == "sending":
            summary.unclear.append(item)
        else:
            todo.append(item)
    if not todo:
        return summary
    # Read every attachment before the first message goes out: a missing file stops nothing midway.
    payloads = {item.key: _attachment(item) for item in todo}
    if dry_run is not None:
        dry_run.mkdir(parents=True, exist_ok=True)
        for i, item in enumerate(todo, start=1):
            msg = build_message(item, sender, payloads[item.key])
            path = dry_run / f"{i:04d}-{item.kind}-{slugify(item.name or item.address, fallback='empfaenger')}.eml"
            path.write_bytes(msg.as_bytes())
            summary.written.append(path)
            if progress:
                progress(item, "geschrieben")
        return summary
    assert server is not None and store is not None
    limiter = limiter or RateLimit(rate)
    conn = _connect(server)
    try:
        for item in todo:
            data = payloads[item.key]
            msg = build_message(item, sender, data)
            limiter.wait()
            store.log_send(_entry(item, msg, data, "sending"))
            try:
                refused = conn.send_message(msg, from_addr=sender.address, to_addrs=[item.address])
            except smtplib.SMTPRecipientsRefused as e:
                refused = {k: v for k, v in e.recipients.items()}  # type: ignore[misc]
            except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as e:
                err = e.smtp_error
                reason = f"vom Server abgelehnt: {e.smtp_code} " + (
                    err.decode("utf-8", "replace") if isinstance(err, bytes) else str(err))
                store.log_send(_entry(item, msg, data, "failed", reason))
                summary.failed.append((item, reason))
                continue
            except (TimeoutError, smtplib.SMTPException, OSError) as e:
                # The connection broke: whether this message went out is unknown; it stays 'sending'.
                summary.unclear.append(item)
                raise MailServerError(f"Verbindung zum Mailserver abgebrochen bei {item.address} ({e}); "
                                      f"{len(summary.sent)} Nachricht(en) gesendet") from None
            if refused:
                code, text = next(iter(refused.values()))
                shown = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
                reason = f"Empfänger abgelehnt: {code} {shown}"
                store.log_send(_entry(item, msg, data, "failed", reason))
                summary.failed.append((item, reason))
                continue
            store.log_send(_entry(item, msg, data, "sent"))
            summary.sent.append(item)
            if progress:
                progress(item, "gesendet")
    finally:
        try:
            conn.quit()
        except (smtplib.SMTPException, OSError):
            conn.close()
    return summary
